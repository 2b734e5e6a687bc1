"""Database engine and the Advanced Alchemy plugin config (one session per request, committed
by the before-send handler, redirects included since form posts end in 303)."""

from __future__ import annotations

import time
from functools import partial

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, EngineConfig, SQLAlchemyAsyncConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
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


# A pooled server connection is pinged before use only when it has sat unused this long. SQLAlchemy's
# `pool_pre_ping` pinged at every checkout: with asyncpg that is three round trips (BEGIN, an empty
# statement, ROLLBACK), and a form post checks a connection out twice. A connection that answered
# a moment ago is alive; one that sat idle may have been dropped by the server (a restart, an idle
# timeout, a firewall): that one is pinged and replaced when dead. (The same rule as HikariCP's
# alive-bypass window.) If the database restarts while connections are busy, the first request to
# use a dead one fails (as those in flight at the restart do with a ping on every checkout); the
# disconnect it meets invalidates the process's whole pool, so the requests after it reconnect.
PING_IDLE_SECONDS = 2.0
_LAST_USED = "webboard_last_used"


def ping_when_idle(engine: AsyncEngine | Engine, idle_seconds: float = PING_IDLE_SECONDS) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    pool, dialect = sync_engine.pool, sync_engine.dialect

    def used(_dbapi_connection, record) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy) -> None:
        last = record.info.get(_LAST_USED)
        if last is not None and time.monotonic() - last < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - the pool discards it and checks out another
            raise DisconnectionError(f"pooled connection is gone: {error}") from error
        record.info[_LAST_USED] = time.monotonic()

    event.listen(pool, "connect", used)  # a new connection answered just now
    event.listen(pool, "checkin", used)
    event.listen(pool, "checkout", checkout)


def configure_engine(engine: AsyncEngine | Engine, busy_ms: int = 10000) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if sync_engine.dialect.name == "sqlite":
        event.listen(sync_engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_ms))
        sqlite_driver.route_marked_reads(sync_engine)  # reads marked ON_LOOP run without a hop
    else:
        ping_when_idle(sync_engine)


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
    options: dict = {}
    if settings.url.startswith("sqlite+aiosqlite"):
        options["module"] = sqlite_driver.dbapi(settings.sqlite_busy_ms, settings.sqlite_slow_write_ms)
        # A request keeps its connection until it has rendered: with SQLAlchemy's default of 5,
        # a worker under load opened and closed overflow connections (a thread, a file handle
        # and the pragmas each) on most requests. Idle SQLite connections cost next to nothing.
        options.update(pool_size=20, max_overflow=20)
    elif not settings.url.startswith("sqlite"):
        options.update(pool_size=settings.pool_size, max_overflow=settings.max_overflow)
        if settings.synchronous_commit and settings.url.startswith("postgresql+asyncpg"):
            # Sent in the connection's start-up packet: no statement, no round trip.
            options["connect_args"] = {"server_settings": {"synchronous_commit": synchronous_commit(settings)}}
    engine = create_async_engine(settings.url, echo=settings.echo, **options)
    configure_engine(engine, settings.sqlite_busy_ms)
    return engine


SYNCHRONOUS_COMMIT_VALUES = ("on", "off", "local", "remote_write", "remote_apply")


def synchronous_commit(settings: DatabaseSettings) -> str:
    """WEBBOARD_DB_SYNCHRONOUS_COMMIT, checked: a typo must not start a server (PostgreSQL would
    refuse every connection, or worse, the operator would believe it applied)."""
    value = settings.synchronous_commit
    if value not in SYNCHRONOUS_COMMIT_VALUES:
        raise ValueError(f"WEBBOARD_DB_SYNCHRONOUS_COMMIT={value!r}: use one of {', '.join(SYNCHRONOUS_COMMIT_VALUES)}")
    return value


async def commit_now(session: AsyncSession) -> None:
    """Commits a form post's writes as soon as the service has made them, before the handler
    builds its answer (the page cursor query, the flash message's session write): the request
    would otherwise commit in the before-send handler, and on SQLite the write lock is held from
    the first INSERT to that commit, with every other writer of every process waiting. The
    before-send commit then has nothing left to do."""
    await session.commit()


def holds_write_lock(session: AsyncSession) -> bool:
    """Whether this session's writes lock the whole database until the commit (SQLite): then a
    form post commits before its answer's reads (`commit_now`). On PostgreSQL the writes lock only
    their rows, and a read after the commit costs three round trips (BEGIN, the read, COMMIT,
    besides checking a connection out again) where one inside the transaction costs one: there
    the answer's reads run before the commit."""
    bind = session.bind
    return bind is None or bind.dialect.name == "sqlite"


# Advanced Alchemy's session listeners ask, at every flush and commit, whether they are switched
# on: first in `session.info`, else in `engine.execution_options()` and the sync engine's, which,
# called without options, build a new OptionEngine each time (about 0.04 ms a commit, two or three
# commits a form post). Said once in the session's info, the answer is found there at once.
# - The cache listener stays on (Advanced Alchemy's default; with no cache manager configured it
#   has nothing to invalidate, as before).
# - The file-object listener is not registered: no mapped column is a FileObject
#   (`StoredObject`; `tests/unit/test_session_listeners.py` checks it), so it only ever looked
#   for a tracker after each commit and, at a flush, made an empty one and walked the rows.
SESSION_INFO = {"enable_cache_listener": True}


def plugin_config(settings: DatabaseSettings, engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False, info=dict(SESSION_INFO)),
        before_send_handler="autocommit_include_redirects",
        create_all=False,  # Alembic owns the schema
        engine_config=EngineConfig(),
        enable_file_object_listener=False,
    )
