"""Test set-up. The environment is set before the app is imported; each database backend gets
one migrated database for the session, and rows are cleared before every test.

PostgreSQL runs when WEBBOARD_TEST_POSTGRES_URL is set (.ci/run sets it), parametrising every
database test over both backends."""

from __future__ import annotations

import os
import tempfile

_DATA_DIR = tempfile.mkdtemp(prefix="webboard-tests-")
os.environ["WEBBOARD_DATA_DIR"] = _DATA_DIR
os.environ["WEBBOARD_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.pop("REDIS_URL", None)

import dataclasses  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402

import pytest  # noqa: E402
from litestar import Litestar  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

import models as m  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from forum import security  # noqa: E402
from forum.app import create_app  # noqa: E402
from forum.db import create_engine  # noqa: E402
from forum.migrate import downgrade, upgrade  # noqa: E402
from forum.settings import DatabaseSettings, Settings  # noqa: E402

# Argon2 with cheap parameters in the test process (one thread, 1 MiB, one pass): the same
# algorithm and code path, but a login costs about a millisecond of CPU instead of ~0.2 s on four
# threads, and the suite logs in and registers members about a thousand times. The production
# parameters are checked on their own (tests/unit/test_password_hashing.py). Servers started as
# subprocesses keep the production hasher (hashes made here verify there with their own cheap
# parameters, which are stored in the hash).
PRODUCTION_HASHER = security._hasher
security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
security._DUMMY_HASH = security._hasher.hash("not-a-real-password")

from .factories import Factory  # noqa: E402

POSTGRES_URL = os.environ.get("WEBBOARD_TEST_POSTGRES_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... when the suite runs in parallel
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def backend_url(backend: str) -> str:
    if backend == "postgresql":
        assert POSTGRES_URL
        return _worker_database(POSTGRES_URL) if XDIST_WORKER else POSTGRES_URL
    return f"sqlite+aiosqlite:///{_DATA_DIR}/test.db"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: they are the slowest, and a failure elsewhere shows sooner."""
    items.sort(key=lambda item: "tests/e2e/" in str(item.path).replace("\\", "/"))


def _worker_database(url: str) -> str:
    """Each parallel worker gets its own PostgreSQL database, made on first use."""
    base, _, name = url.rpartition("/")
    worker_url = f"{base}/{name}_{XDIST_WORKER}"

    async def ensure() -> None:
        import asyncpg

        admin_dsn = f"{base}/postgres".replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(admin_dsn)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", f"{name}_{XDIST_WORKER}"):
                await conn.execute(f'CREATE DATABASE "{name}_{XDIST_WORKER}"')
        finally:
            await conn.close()

    import asyncio

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, ensure()).result()
    return worker_url


_MIGRATED: set[str] = set()  # databases this process has migrated (once each per session)


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """The backend's database, migrated from base the first time this process uses it. (pytest
    sets a parametrised session fixture up again whenever the parameter changes, which under
    `--dist loadfile` is twice per file: the schema stays, so it is not migrated again.)"""
    url = backend_url(request.param)
    if url not in _MIGRATED:
        # Alembic's env runs its own event loop: keep it off this thread's (pytest-asyncio's) loop.
        with ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(downgrade, url, "base").result()  # a database left over from a run starts clean
            worker.submit(upgrade, url).result()
        _MIGRATED.add(url)
    return url


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    return dataclasses.replace(Settings(), db=DatabaseSettings(url=db_url))


@pytest.fixture
def app(settings: Settings) -> Litestar:
    # One app (and engine) per test: asyncpg connections belong to the event loop that made them.
    return create_app(settings)


_CLEAR_ORDER = [t.name for t in reversed(m.metadata.sorted_tables)]  # dependants first
_PG_CLEAR = "".join(f'DELETE FROM "{name}";' for name in _CLEAR_ORDER) + """
DO $$ DECLARE s record; BEGIN
  FOR s IN SELECT schemaname, sequencename, start_value FROM pg_sequences WHERE schemaname = current_schema() LOOP
    PERFORM setval(format('%I.%I', s.schemaname, s.sequencename), s.start_value, false);
  END LOOP;
END $$;"""


@pytest.fixture
async def session_maker(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.db)
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The same end state as TRUNCATE ... RESTART IDENTITY (no rows, every sequence at its
            # start) in one round trip; TRUNCATE makes new files for all the tables and took
            # most of a second per test.
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute(_PG_CLEAR)
        else:
            for name in _CLEAR_ORDER:
                await conn.execute(text(f"DELETE FROM {name}"))
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
async def db(session_maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_maker() as session:
        yield session


@pytest.fixture
def factory(db: AsyncSession, settings: Settings) -> Factory:
    return Factory(db, settings)


@pytest.fixture
async def client(app: Litestar, session_maker) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


# Role fixtures: committed users with a known password.
@pytest.fixture
async def member(factory: Factory) -> m.User:
    return await factory.user("member1", "สมาชิกหนึ่ง")


@pytest.fixture
async def other_member(factory: Factory) -> m.User:
    return await factory.user("member2", "Member Two")


@pytest.fixture
async def admin(factory: Factory) -> m.User:
    return await factory.user("admin1", "Admin One", role=m.Role.ADMIN)


@pytest.fixture
async def guru(factory: Factory) -> m.User:
    return await factory.user("guru1", "Guru One", role=m.Role.GURU)


@pytest.fixture
async def category(factory: Factory) -> m.Category:
    return await factory.category("maintenance", "บำรุงรักษา", "Maintenance")
