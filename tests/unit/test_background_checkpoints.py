"""forum.checkpoints: a served process checkpoints the WAL on its own thread; its connections keep
SQLite's automatic checkpoint only as a safety net (h-catread)."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from forum import checkpoints
from forum.db import configure_engine


class FakeApp:
    def __init__(self) -> None:
        self.on_startup: list = []
        self.on_shutdown: list = []
        self.state: dict = {}


import os


def test_the_path_of_a_sqlite_url():
    assert checkpoints.database_path("sqlite+aiosqlite:////tmp/x/webboard.db") == "/tmp/x/webboard.db"
    assert checkpoints.database_path("sqlite+aiosqlite:///:memory:") is None
    assert checkpoints.database_path("postgresql+asyncpg://u@h/db") is None


def test_nothing_is_installed_for_postgres_or_with_interval_zero(monkeypatch):
    app = FakeApp()
    checkpoints.install(app, None, "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("WEBBOARD_SQLITE_CHECKPOINT_S", "0")
    checkpoints.install(app, None, "sqlite+aiosqlite:////tmp/never.db")
    assert app.on_startup == [] and app.on_shutdown == [] and checkpoints.KEY not in app.state


def test_a_served_engine_checkpoints_on_its_thread_and_keeps_a_safety_net(tmp_path, monkeypatch):
    monkeypatch.setenv("WEBBOARD_SQLITE_CHECKPOINT_S", "0.05")
    path = str(tmp_path / "board.db")
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_async_engine(url)
    configure_engine(engine)
    app = FakeApp()
    checkpoints.install(app, engine, url)
    checkpointer = app.state[checkpoints.KEY]

    async def write() -> int:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)"))
            for _ in range(50):
                await connection.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 3000})
        async with engine.connect() as connection:
            return (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()

    threshold = asyncio.run(write())
    assert threshold == checkpoints.SAFETY_PAGES  # SQLite's own checkpoint only as a net
    assert os.path.getsize(path) < 50 * 3000  # the rows are in the WAL: no commit checkpointed them
    for hook in app.on_startup:
        hook(app)
    try:
        deadline = time.monotonic() + 5
        while checkpointer.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert checkpointer.runs >= 2 and os.path.getsize(path) > 50 * 3000  # copied into the database file
    finally:
        for hook in app.on_shutdown:
            hook(app)
    assert not checkpointer.thread.is_alive()
    asyncio.run(engine.dispose())
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 50
