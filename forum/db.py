"""Database engine and the Advanced Alchemy plugin config (one session per request, committed
by the before-send handler, redirects included since form posts end in 303)."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, EngineConfig, SQLAlchemyAsyncConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import sqlite_driver
from .settings import DatabaseSettings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def configure_engine(engine: AsyncEngine | Engine) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if sync_engine.dialect.name == "sqlite":
        event.listen(sync_engine, "connect", _sqlite_pragmas)


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    options: dict = {"pool_pre_ping": not settings.is_sqlite}
    if settings.url.startswith("sqlite+aiosqlite"):
        options["module"] = sqlite_driver.dbapi()
        # A request keeps its connection until it has rendered: with SQLAlchemy's default of 5,
        # a worker under load opened and closed overflow connections (a thread, a file handle
        # and the pragmas each) on most requests. Idle SQLite connections cost next to nothing.
        options.update(pool_size=20, max_overflow=20)
    engine = create_async_engine(settings.url, echo=settings.echo, **options)
    configure_engine(engine)
    return engine


def plugin_config(settings: DatabaseSettings, engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",
        create_all=False,  # Alembic owns the schema
        engine_config=EngineConfig(),
    )
