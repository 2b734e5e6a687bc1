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

from ...write_gate import watch_gate


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
        # a write's commit does reach SQLite; the write itself found the writers' turn free and took it
        # without waiting, on the loop (h-reqcpu)
        assert hops == ["_run", "_end"]


# -- writers take turns (sqlite_driver.WriteGate) ------------------------------------------------

@pytest.fixture
def queued(monkeypatch):
    """Set once a writer has begun waiting for its turn at the gate (tests/write_gate.py)."""
    return watch_gate(monkeypatch)


def impatient_engine(path, busy_ms: int):
    """An engine whose SQLite connections do not wait for the write lock at all (timeout 0), so a
    writer that gets through while another holds the lock got there by waiting at the gate."""
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(f"sqlite+aiosqlite:///{path}", module=sqlite_driver.dbapi(busy_ms=busy_ms),
                               connect_args={"timeout": 0})


async def test_a_second_writer_waits_for_its_turn_instead_of_failing_on_the_lock(engine, tmp_path, queued):
    import asyncio

    first, second = impatient_engine(tmp_path / "driver.db", 5000), impatient_engine(tmp_path / "driver.db", 5000)
    try:
        async with first.connect() as holder:
            await holder.execute(text("INSERT INTO notes (body) VALUES ('first')"))  # holds SQLite's write lock
            queued.clear()  # (set by the holder's own turn)

            async def write_second() -> None:
                async with second.begin() as conn:
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('second')"))

            waiting = asyncio.create_task(write_second())
            assert await asyncio.to_thread(queued.wait, 10)  # the second writer is at the gate
            assert not waiting.done()  # queued at the gate, not failed by SQLite's zero timeout
            await holder.commit()
            await asyncio.wait_for(waiting, 5)
        async with first.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == ["first", "second"]
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_writer_that_waits_past_the_busy_timeout_gets_database_is_locked_and_the_turn_moves_on(engine, tmp_path):
    from forum.db import is_busy

    holding, waiting = impatient_engine(tmp_path / "driver.db", 5000), impatient_engine(tmp_path / "driver.db", 200)
    try:
        async with holding.connect() as holder:
            await holder.execute(text("INSERT INTO notes (body) VALUES ('long writer')"))
            with pytest.raises(Exception) as raised:
                async with waiting.begin() as conn:
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('gave up')"))
            assert is_busy(raised.value)  # the request answers 503 with Retry-After
            await holder.rollback()
        async with waiting.begin() as conn:  # the rolled-back writer gave its turn back
            await conn.execute(text("INSERT INTO notes (body) VALUES ('after')"))
        async with waiting.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes"))).scalars().all() == ["after"]
    finally:
        await holding.dispose()
        await waiting.dispose()


async def test_a_failed_write_gives_the_turn_back(engine, tmp_path):
    other = impatient_engine(tmp_path / "driver.db", 200)
    try:
        async with engine.connect() as conn:
            with pytest.raises(IntegrityError):
                await conn.execute(text("INSERT INTO notes (body) VALUES ('x'), ('x')"))
            await conn.rollback()
        async with other.begin() as conn:  # would time out at the gate if the failed writer kept it
            await conn.execute(text("INSERT INTO notes (body) VALUES ('next')"))
    finally:
        await other.dispose()


async def test_writers_of_another_process_are_waited_for_through_the_lock_file(engine, tmp_path):
    """The lock file is what another server process holds while it writes (a separate open
    file description conflicts like another process would)."""
    import fcntl
    import os

    from forum.db import is_busy

    lock_path = f"{os.path.realpath(tmp_path / 'driver.db')}.writers"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    waiting = impatient_engine(tmp_path / "driver.db", 200)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(Exception) as raised:
            async with waiting.begin() as conn:
                await conn.execute(text("INSERT INTO notes (body) VALUES ('blocked')"))
        assert is_busy(raised.value)
        fcntl.flock(fd, fcntl.LOCK_UN)
        async with waiting.begin() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('through')"))
    finally:
        os.close(fd)
        await waiting.dispose()


# -- a transaction holding the lock runs its next statements on the loop's thread ----------------

@pytest.fixture
def where_run(monkeypatch):
    """(statement keyword, whether it ran on the event loop's thread) for every statement."""
    import threading

    seen: list[tuple[str, bool]] = []
    original = sqlite_driver._run
    loop_thread = threading.get_ident()

    def recording(raw, turn, operation, parameters, many):
        seen.append((operation.split()[0].upper(), threading.get_ident() == loop_thread))
        return original(raw, turn, operation, parameters, many)

    monkeypatch.setattr(sqlite_driver, "_run", recording)
    return seen


async def test_statements_after_a_transactions_first_write_run_on_the_loop_and_those_before_it_off_it(
        engine, where_run, hops):
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        where_run.clear()
        hops.clear()
        await conn.execute(text("SELECT count(*) FROM notes"))  # a read: no transaction, off the loop
        await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"))  # the first write: the turn is free, on it
        await conn.execute(text("UPDATE notes SET body = 'b' WHERE body = 'a'"))  # holding the lock: on the loop
        assert (await conn.execute(text("SELECT body FROM notes"))).scalars().all() == ["b"]  # also a read
        await conn.commit()  # the commit keeps its hop (no checkpoint thread here: commit_on_loop is off)
        await conn.execute(text("SELECT count(*) FROM notes"))  # after the commit: off the loop again
        await conn.execute(text("INSERT INTO notes (body) VALUES ('c')"))
        await conn.commit()
    assert where_run == [("SELECT", False), ("INSERT", True), ("UPDATE", True), ("SELECT", True),
                         ("SELECT", False), ("INSERT", True)]
    assert hops == ["recording", "_end", "recording", "_end"]  # the commits hop
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == ["b", "c"]


async def test_a_read_marked_on_loop_runs_on_the_loops_thread_and_nothing_else_does(engine, where_run, hops):
    marked = {sqlite_driver.ON_LOOP: True}
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        where_run.clear()
        hops.clear()
        await conn.execute(text("SELECT count(*) FROM notes"))  # unmarked: hops
        assert (await conn.execute(text("SELECT count(*) FROM notes"), execution_options=marked)).scalar() == 0
        # the mark is for reads only; a first write runs on the loop when the writers' turn is free (h-reqcpu)
        await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"), execution_options=marked)
        await conn.commit()
        await conn.execute(text("SELECT body FROM notes"))  # the mark does not stay on the connection
        rows = (await conn.execute(text("SELECT body FROM notes WHERE body = :b"), {"b": "a"},
                                   execution_options=marked)).scalars().all()
        assert rows == ["a"]
    assert where_run == [("SELECT", False), ("SELECT", True), ("INSERT", True), ("SELECT", False), ("SELECT", True)]
    assert hops == ["recording", "_end", "recording"]


async def test_a_marked_read_past_the_budget_of_a_writing_transaction_hops(engine, where_run, monkeypatch):
    monkeypatch.setattr(sqlite_driver.OneHopConnection, "SYNC_BUDGET_S", 0.0)
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"))
        await conn.execute(text("SELECT count(*) FROM notes"), execution_options={sqlite_driver.ON_LOOP: True})
    assert where_run == [("INSERT", True), ("SELECT", False)]


async def test_a_failing_marked_read_raises_the_dbapi_error_and_the_connection_goes_on(engine, where_run):
    async with engine.connect() as conn:
        with pytest.raises(Exception) as raised:
            await conn.execute(text("SELECT * FROM no_such_table"), execution_options={sqlite_driver.ON_LOOP: True})
        assert isinstance(raised.value.orig, sqlite3.OperationalError)
        await conn.rollback()
        await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"))
        await conn.commit()
        assert (await conn.execute(text("SELECT count(*) FROM notes"),
                                   execution_options={sqlite_driver.ON_LOOP: True})).scalar() == 1
    assert [on_loop for _, on_loop in where_run] == [True, True, True]


async def test_a_transaction_past_its_budget_on_the_loop_hops_again(engine, where_run, monkeypatch):
    monkeypatch.setattr(sqlite_driver.OneHopConnection, "SYNC_BUDGET_S", 0.0)
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"))
        await conn.execute(text("INSERT INTO notes (body) VALUES ('b')"))
    assert [on_loop for _, on_loop in where_run] == [True, False]  # the first took a free turn


async def test_a_failing_statement_after_the_first_write_rolls_back_the_whole_transaction(engine, tmp_path, where_run):
    other = impatient_engine(tmp_path / "driver.db", 200)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('post')"))
            await conn.execute(text("INSERT INTO notes (body) VALUES ('ledger')"))
            with pytest.raises(IntegrityError):  # raised on the loop's thread, as a DBAPI error
                await conn.execute(text("INSERT INTO notes (body) VALUES ('post')"))
            assert where_run[-1] == ("INSERT", True)
            await conn.execute(text("INSERT INTO notes (body) VALUES ('after the error')"))
            assert where_run[-1] == ("INSERT", False)  # after a failure the next write hops
            await conn.rollback()
        async with other.connect() as conn:  # nothing half saved, and the turn was given back
            assert (await conn.execute(text("SELECT count(*) FROM notes"))).scalar() == 0
        async with other.begin() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('next')"))
    finally:
        await other.dispose()


async def test_savepoints_work_and_keep_their_statements_off_the_loop(engine, tmp_path, where_run):
    other = impatient_engine(tmp_path / "driver.db", 200)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("INSERT INTO notes (body) VALUES ('outer')"))
            inner = await conn.begin_nested()
            await conn.execute(text("INSERT INTO notes (body) VALUES ('undone')"))
            await inner.rollback()
            with pytest.raises(IntegrityError):
                async with conn.begin_nested():  # a failed inner step rolls back to its savepoint only
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('outer')"))
            async with conn.begin_nested():
                await conn.execute(text("INSERT INTO notes (body) VALUES ('kept')"))
            await conn.execute(text("UPDATE notes SET body = body || '!' WHERE body = 'kept'"))
            await conn.commit()
        assert where_run[0] == ("INSERT", True)  # the turn was free
        assert all(not on_loop for _, on_loop in where_run[1:])  # from the first SAVEPOINT to the commit
        # A savepoint that opens the transaction (begin_nested on a fresh connection) takes the
        # writers' turn, and gives it back when it ends.
        async with engine.connect() as conn:
            async with conn.begin_nested():
                await conn.execute(text("INSERT INTO notes (body) VALUES ('nested first')"))
            await conn.commit()
        async with other.begin() as conn:  # would time out at the gate if the turn were kept
            await conn.execute(text("INSERT INTO notes (body) VALUES ('after')"))
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == [
                "outer", "kept!", "nested first", "after"]
    finally:
        await other.dispose()


# -- a free turn is taken on the loop; a served process commits there too (h-reqcpu) ---------------

async def test_a_first_write_waits_off_the_loop_when_another_writer_has_the_turn(engine, tmp_path, where_run, queued):
    import asyncio

    other = impatient_engine(tmp_path / "driver.db", 5000)
    try:
        async with other.connect() as holder:
            await holder.execute(text("INSERT INTO notes (body) VALUES ('holder')"))  # has the turn
            where_run.clear()
            queued.clear()  # (set by the holder's own turn)

            async def write() -> None:
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('waiter')"))

            waiting = asyncio.create_task(write())
            # the holder commits only once the write waits at the gate: after a fixed pause, a write
            # that had not started yet found the turn free and took it on the loop
            assert await asyncio.to_thread(queued.wait, 10)
            assert not waiting.done()
            await holder.commit()
            await asyncio.wait_for(waiting, 5)
        assert where_run == [("INSERT", False)]  # waited for its turn on aiosqlite's thread, as before
    finally:
        await other.dispose()


async def test_a_writer_outside_the_gates_never_stalls_the_loop_and_the_busy_timeout_is_restored(engine, tmp_path, where_run):
    """A program holding SQLite's write lock without the lock file (the sqlite3 shell, say): the first
    write, taken on the loop with SQLite's busy wait off, finds the lock held, rolls back what it had
    begun, gives the turn back and waits on aiosqlite's thread with the usual busy timeout."""
    import asyncio
    import time

    outsider = sqlite3.connect(tmp_path / "driver.db", isolation_level=None, check_same_thread=False)
    outsider.execute("BEGIN IMMEDIATE")
    outsider.execute("INSERT INTO notes (body) VALUES ('outsider')")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            where_run.clear()
            loop = asyncio.get_running_loop()
            ticks: list[float] = []

            async def ticking() -> None:
                while True:
                    ticks.append(time.perf_counter())
                    await asyncio.sleep(0.01)

            ticker = asyncio.create_task(ticking())
            loop.call_later(0.3, outsider.commit)
            await conn.execute(text("INSERT INTO notes (body) VALUES ('ours')"))
            await conn.commit()
            ticker.cancel()
            assert where_run == [("INSERT", True), ("INSERT", False)]  # tried on the loop, then waited off it
            # The loop kept running while SQLite's lock was held: it is the loop that ends the outsider's
            # transaction (call_later), so a write blocked on the loop could never have gone through.
            assert len(ticks) >= 2
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
            assert busy == 10000
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == ["outsider", "ours"]
    finally:
        outsider.close()


async def test_a_served_process_commits_a_write_on_the_loop_and_gives_the_turn_back(tmp_path, hops, where_run):
    from sqlalchemy import event

    from forum import checkpoints

    engine = create_engine(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"))
    event.listen(engine.sync_engine, "connect", checkpoints.connection_pragmas)  # as checkpoints.install does
    other = impatient_engine(tmp_path / "served.db", 200)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE NOT NULL)"))
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            hops.clear()
            where_run.clear()
            await conn.execute(text("INSERT INTO notes (body) VALUES ('a')"))
            await conn.execute(text("UPDATE notes SET body = 'b' WHERE body = 'a'"))
            await conn.commit()
            assert hops == []  # the write, the update and the commit: no hop
            await conn.execute(text("INSERT INTO notes (body) VALUES ('c')"))
            await conn.rollback()  # a rollback keeps its hop
            assert hops == ["_end"]
        async with other.begin() as conn:  # would time out at the gate if the turn were kept
            await conn.execute(text("INSERT INTO notes (body) VALUES ('d')"))
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all() == ["b", "d"]
    finally:
        await other.dispose()
        await engine.dispose()
