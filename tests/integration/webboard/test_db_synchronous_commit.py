"""WEBBOARD_DB_SYNCHRONOUS_COMMIT (h-pgwrite2): unset, the app's PostgreSQL connections keep the
server's setting; set, every connection of the pool has it from its start (no statement sent);
a value PostgreSQL does not know stops the engine from being made."""

import dataclasses
import os

import pytest
from sqlalchemy import text

from forum.db import create_engine
from forum.settings import DatabaseSettings

POSTGRES_URL = os.environ.get("WEBBOARD_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="WEBBOARD_TEST_POSTGRES_URL not set")


def test_an_unknown_value_is_refused():
    settings = DatabaseSettings(url="postgresql+asyncpg://nobody@127.0.0.1:1/none", synchronous_commit="of")
    with pytest.raises(ValueError, match="WEBBOARD_DB_SYNCHRONOUS_COMMIT"):
        create_engine(settings)


def test_sqlite_ignores_it(tmp_path):
    settings = DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", synchronous_commit="off")
    engine = create_engine(settings)
    assert engine.dialect.name == "sqlite"


@needs_postgres
@pytest.mark.parametrize("value, expected", [("", None), ("off", "off"), ("local", "local")])
async def test_each_pooled_connection_has_the_setting(value, expected):
    engine = create_engine(dataclasses.replace(DatabaseSettings(url=POSTGRES_URL), synchronous_commit=value,
                                               pool_size=2, max_overflow=0))
    try:
        async with engine.connect() as conn:
            server_default = await conn.scalar(text("SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit'"))
        async with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert await conn.scalar(text("SHOW synchronous_commit")) == (expected or server_default)
    finally:
        await engine.dispose()
