"""The one-hop aiosqlite adapter (forum.sqlite_driver) keeps DBAPI semantics: rows, rowcount,
lastrowid, errors, commit and rollback, while reads cost one thread hop and no commit hop."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from forum import sqlite_driver
from forum.db import create_engine
from forum.settings import DatabaseSettings


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}"))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE NOT NULL)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def hops(monkeypatch):
    counted: list[str] = []
    original = sqlite_driver.OneHopConnection.run_on_thread

    def counting(self, fn, *args):
        counted.append(fn.__name__)
        return original(self, fn, *args)

    monkeypatch.setattr(sqlite_driver.OneHopConnection, "run_on_thread", counting)
    return counted


async def test_the_engine_uses_the_one_hop_adapter(engine):
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, sqlite_driver.OneHopConnection)


async def test_writes_report_rowcount_and_lastrowid_and_commit_persists(engine):
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO notes (body) VALUES ('a'), ('b')"))
        assert inserted.rowcount == 2
        single = await conn.execute(text("INSERT INTO notes (body) VALUES ('c')"))
        assert single.lastrowid == 3
        updated = await conn.execute(text("UPDATE notes SET body = body || '!' WHERE id < 3"))
        assert updated.rowcount == 2
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == ["a!", "b!", "c"]


async def test_rollback_discards_and_errors_surface_as_dbapi_errors(engine):
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('kept only until rollback')"))
        await conn.rollback()
        with pytest.raises(IntegrityError):
            await conn.execute(text("INSERT INTO notes (body) VALUES ('x'), ('x')"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT count(*) FROM notes"))).scalar() == 0
        with pytest.raises(Exception) as raised:
            await conn.execute(text("SELECT * FROM no_such_table"))
        assert isinstance(raised.value.orig, sqlite3.OperationalError)


async def test_executemany_inserts_every_row(engine):
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES (:body)"), [{"body": f"n{i}"} for i in range(50)])
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM notes"))).scalar() == 50


async def test_a_read_costs_one_hop_and_its_commit_none(engine, hops):
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # first use of the pooled connection
        hops.clear()
        rows = (await conn.execute(text("SELECT count(*) FROM notes"))).all()
        await conn.commit()
        assert rows == [(0,)]
        assert hops == ["_run"]
        await conn.execute(text("INSERT INTO notes (body) VALUES ('w')"))
        await conn.commit()
        assert hops == ["_run", "_run", "_end"]  # a write's commit does reach SQLite
