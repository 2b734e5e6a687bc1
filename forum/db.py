"""Database engine and the Advanced Alchemy plugin config (one session per request, committed
by the before-send handler, redirects included since form posts end in 303)."""

from __future__ import annotations

from functools import partial

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, EngineConfig, SQLAlchemyAsyncConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from . import sqlite_driver
from .settings import DatabaseSettings


def _sqlite_pragmas(dbapi_connection, _record, busy_ms: int = 10000) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()


def configure_engine(engine: AsyncEngine | Engine, busy_ms: int = 10000) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if sync_engine.dialect.name == "sqlite":
        event.listen(sync_engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_ms))
        sqlite_driver.route_marked_reads(sync_engine)  # reads marked ON_LOOP run without a hop


# Errors that mean "the database was busy", not "the request was wrong": SQLite's lock wait ran
# past the busy timeout (another process held the write lock), PostgreSQL chose this transaction
# as a deadlock victim, could not serialise it, or a lock/statement timeout ran out. Nothing was
# committed, so the client may simply send the same request again: 503 with Retry-After.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_PG_BUSY_SQLSTATES = {"40001", "40P01", "55P03", "57014"}


def is_busy(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if any(text in str(original).lower() for text in _SQLITE_BUSY):
        return True
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return sqlstate in _PG_BUSY_SQLSTATES


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    options: dict = {"pool_pre_ping": not settings.is_sqlite}
    if settings.url.startswith("sqlite+aiosqlite"):
        options["module"] = sqlite_driver.dbapi(settings.sqlite_busy_ms, settings.sqlite_slow_write_ms)
        # A request keeps its connection until it has rendered: with SQLAlchemy's default of 5,
        # a worker under load opened and closed overflow connections (a thread, a file handle
        # and the pragmas each) on most requests. Idle SQLite connections cost next to nothing.
        options.update(pool_size=20, max_overflow=20)
    engine = create_async_engine(settings.url, echo=settings.echo, **options)
    configure_engine(engine, settings.sqlite_busy_ms)
    return engine


async def commit_now(session: AsyncSession) -> None:
    """Commits a form post's writes as soon as the service has made them, before the handler
    builds its answer (the page cursor query, the flash message's session write): the request
    would otherwise commit in the before-send handler, and on SQLite the write lock is held from
    the first INSERT to that commit, with every other writer of every process waiting. The
    before-send commit then has nothing left to do."""
    await session.commit()


def plugin_config(settings: DatabaseSettings, engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",
        create_all=False,  # Alembic owns the schema
        engine_config=EngineConfig(),
    )
