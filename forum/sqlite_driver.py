"""aiosqlite for SQLAlchemy with one thread hop per statement.

aiosqlite runs each SQLite call on its own thread, and SQLAlchemy's adapter makes four such calls
per statement (make a cursor, execute, fetch all, close the cursor), then one more each for the
commit and the rollback that end a request, even when nothing was written. Each hop is a queue
put, a thread wake-up and a wake-up of the event loop: on a page of two SELECTs, ten of them cost
more CPU than the queries. Here a statement is one function run on aiosqlite's thread (the same
queue SQLAlchemy's own adapter uses to set the isolation level), and a commit or rollback is
skipped when SQLite says no transaction is open, which is the case after reads.

Writers take turns (`WriteGate`): a statement that starts a write transaction first takes this
process's writer lock and then a lock file next to the database, so the processes' writers queue
for SQLite's write lock instead of polling it through SQLite's busy handler, whose sleeps grow to
100 ms: under 16 concurrent posters a waiting writer kept losing to newcomers for seconds.

Once a transaction has written (it holds SQLite's write lock and the writers' turn), its next
statements run on the event loop's thread, straight on the sqlite3 connection (`OneHopCursor`):
from the first write to the commit no other request's Python runs between the statements of the
transaction holding the lock, which every writer of every process is waiting for. Each statement
after the first write is a point write or check (about 0.1 ms); the statements before it (reads,
and the first write, which may wait for the lock) still run on aiosqlite's thread, and so do the
commit, a rollback, statements inside a SAVEPOINT, and any statement once the transaction has
held the lock longer than `OneHopConnection.SYNC_BUDGET_S` (a long batch then gives the loop back
between its statements as before).

The first write itself (h-reqcpu) runs on the loop's thread too when the writers' turn is free at
that moment (`WriteGate.try_acquire`: both locks without waiting), with SQLite's busy wait off for
that one statement, so that a program writing outside the gates (holding SQLite's lock without the
lock file) makes it roll back its empty transaction and wait on aiosqlite's thread as before,
instead of stalling the loop. Only a writer that must wait for its turn waits off the loop. And in a
served process (background WAL checkpoints, `forum.checkpoints`, which sets `commit_on_loop`), the
COMMIT of a transaction holding the turn runs on the loop and gives the turn back at once: before,
each of those two hops could keep the turn held while the loop finished another request's CPU.

A statement marked with the execution option `sqlite_on_loop` (`ON_LOOP`) also runs on the
event loop's thread when it is a read: the short point reads of the write path (the member, the
thread, the posting checks, the allowance, the coins' pre-read, the duplicate check's settings
and rows), for which the hop (about 90 microseconds of CPU: a queue put, two thread wake-ups, the
loop's wake-up) cost twice the statement; and the bounded reads of the cached pages (a category
page's threads, a thread's header, a guest's page of posts, their photos: one indexed range of at
most a page's rows, `forum.services.reading`), so that re-rendering a page that a write changed is
not stretched by whatever the loop runs between a hop and its return while the page's readers wait
for it. Reads in WAL mode wait for no lock, so such a read blocks the loop only for its own run;
unmarked reads (members' post lists, which sort a thread's posts, other lists, search) keep their hop.

Used through `create_async_engine(..., module=dbapi())`, so URLs stay `sqlite+aiosqlite://`."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import threading
import time
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_only

from . import tail_trace

log = logging.getLogger(__name__)

# The statements with which Python's sqlite3 opens a write transaction (its implicit BEGIN is
# issued before INSERT, UPDATE, DELETE and REPLACE), an explicit BEGIN, and a SAVEPOINT outside a
# transaction (SQLite opens one; SQLAlchemy's `begin_nested` on a fresh connection does that).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_WRITE_STARTS = (*_WRITES, "BEGIN", "SAVEPOINT")


def _keyword(operation: str) -> str:
    return operation.lstrip()[:9].upper()


def _starts_write(raw: sqlite3.Connection, operation: str) -> bool:
    return not raw.in_transaction and _keyword(operation).startswith(_WRITE_STARTS)


class WriteGate:
    """One per database file and process: the turn to write. A writer waits first on a thread
    lock (the waiting aiosqlite thread sleeps without the GIL and is woken when the lock is
    released), then for `flock` on `<database>.writers`, which only the one writer of each
    process polls, every millisecond. Waiting longer than the busy timeout raises SQLite's own
    "database is locked", so the request answers 503 as before (forum/db.py `is_busy`)."""

    POLL_SECONDS = 0.001

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _lock_fd(self) -> int | None:
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            try:
                self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            except OSError:  # a read-only directory, say: the thread lock alone
                return None
        return self._fd

    def acquire(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        if not self.local.acquire(timeout=timeout_s):
            raise sqlite3.OperationalError("database is locked")
        fd = self._lock_fd()
        if fd is None:
            return
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.local.release()
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(self.POLL_SECONDS)

    def try_acquire(self) -> bool:
        """The turn if nobody holds it now (both locks without waiting), else False (h-reqcpu)."""
        if not self.local.acquire(blocking=False):
            return False
        fd = self._lock_fd()
        if fd is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            self.local.release()
            return False

    def release(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.local.release()


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(database: Any) -> WriteGate | None:
    """The process's gate for a database file (None for an in-memory database)."""
    name = str(database)
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    if not name or name == ":memory:" or "mode=memory" in str(database):
        return None
    path = os.path.realpath(name) + ".writers"
    with _gates_lock:
        gate = _gates.get(path)
        if gate is None:
            gate = _gates[path] = WriteGate(path)
        return gate


class Turn:
    """A connection's hold on its gate (used by one statement at a time: on aiosqlite's thread, or
    on the event loop's once the transaction holds the lock)."""

    __slots__ = ("gate", "timeout_s", "held", "since")

    def __init__(self, gate: WriteGate | None, timeout_s: float) -> None:
        self.gate, self.timeout_s, self.held = gate, timeout_s, False
        self.since = 0.0

    def take(self) -> None:
        if self.gate is not None and not self.held:
            if tail_trace.PATH is None:
                self.gate.acquire(self.timeout_s)
            else:
                started = time.perf_counter()
                self.gate.acquire(self.timeout_s)
                self.since = time.perf_counter()
                tail_trace.note("gate", (self.since - started) * 1000)
            self.held = True

    def try_take(self) -> bool:
        """Takes the turn only if it is free now (never waits: used on the event loop's thread)."""
        if self.gate is None or self.held:
            return self.held
        if not self.gate.try_acquire():
            return False
        if tail_trace.PATH is not None:
            self.since = time.perf_counter()
            tail_trace.note("gate", 0.0)
        self.held = True
        return True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            assert self.gate is not None
            self.gate.release()
            if tail_trace.PATH is not None:
                tail_trace.note("held", (time.perf_counter() - self.since) * 1000)


def _run(raw: sqlite3.Connection, turn: Turn, operation: str, parameters: Any,
         many: bool) -> tuple[Any, Any, int, int, bool]:
    """On aiosqlite's thread: the whole statement, and whether a transaction is open after it."""
    if _starts_write(raw, operation):
        turn.take()
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid, cursor.rowcount, raw.in_transaction
    finally:
        cursor.close()
        if not raw.in_transaction:  # autocommitted, or failed before it began: the turn is over
            turn.give_back()


def _end(raw: sqlite3.Connection, turn: Turn, commit: bool) -> None:
    try:
        if commit and tail_trace.PATH is not None:
            started = time.perf_counter()
            raw.commit()
            tail_trace.note("commit", (time.perf_counter() - started) * 1000)
        else:
            raw.commit() if commit else raw.rollback()
    finally:
        if not raw.in_transaction:
            turn.give_back()


def _first_write_on_loop(raw: sqlite3.Connection, turn: Turn, operation: str, parameters: Any, many: bool,
                         busy_ms: int) -> tuple[Any, Any, int, int, bool] | None:
    """On the event loop's thread, with the turn just taken without waiting: a transaction's first
    write (h-reqcpu). SQLite's own busy wait is off meanwhile, so a writer outside the gates (another
    program holding SQLite's lock) can never stall the loop: then the open transaction, which holds
    nothing yet, is rolled back, the turn given back, and None returned (the caller hops as before)."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        return _run(raw, turn, operation, parameters, many)
    except sqlite3.OperationalError as error:
        if "locked" not in str(error).lower() and "busy" not in str(error).lower():
            raise
        if raw.in_transaction:
            raw.rollback()
        turn.give_back()
        return None
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_ms)}")


async def _no_wait() -> None:
    return None


# The execution option that lets a read run on the event loop's thread (see the module's docstring):
# `select(...).execution_options(sqlite_on_loop=True)`, or `session.get(..., execution_options=)`.
# Only for short point reads (a key, or a small indexed range); other databases ignore it.
ON_LOOP = "sqlite_on_loop"


def _route_marked(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    """SQLAlchemy's before_cursor_execute: hands a statement's `ON_LOOP` option to the cursor that
    runs it (SQLAlchemy makes a cursor per statement)."""
    if context is not None and isinstance(cursor, OneHopCursor) and context.execution_options.get(ON_LOOP):
        cursor.on_loop = True


def route_marked_reads(sync_engine: Any) -> None:
    from sqlalchemy import event

    event.listen(sync_engine, "before_cursor_execute", _route_marked)


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("on_loop",)

    def __init__(self, adapt_connection: Any) -> None:
        super().__init__(adapt_connection)
        self.on_loop = False  # set by _route_marked for a statement marked ON_LOOP

    def _call(self, operation: Any, parameters: Any, many: bool) -> None:
        adapter: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        keyword = _keyword(operation)
        if keyword.startswith("SAVEPOINT"):
            adapter.nested = True  # until the transaction ends: every statement hops, as before
        marked, self.on_loop = self.on_loop, False
        try:
            ran = None
            if (not adapter.holding and not adapter.nested and keyword.startswith(_WRITES)
                    and adapter.turn.gate is not None and not adapter.in_transaction_raw()
                    and adapter.turn.try_take()):
                # A transaction's first write while nobody else has the writers' turn: taken without
                # waiting, on the loop, so the lock is not held across a hop back to a busy loop.
                ran = _first_write_on_loop(adapter.raw(), adapter.turn, operation, parameters, many,
                                           adapter.turn_busy_ms())
                if ran is not None:
                    adapter.await_(_no_wait())
            if ran is not None:
                description, rows, lastrowid, rowcount, in_tx = ran
            elif (adapter.holding and not adapter.nested and adapter.within_budget()) or (
                    marked and not adapter.holding and not adapter.nested and keyword.startswith("SELECT")):
                # The transaction has written: it holds the lock. Or a marked point read, which waits
                # for no lock. No hop (see the module's docstring).
                description, rows, lastrowid, rowcount, in_tx = _run(adapter.raw(), adapter.turn, operation,
                                                                     parameters, many)
                # SQLAlchemy's AsyncConnection.execute insists on an await; this one never suspends,
                # so the event loop does not run anything else.
                adapter.await_(_no_wait())
            else:
                description, rows, lastrowid, rowcount, in_tx = adapter.run_on_thread(
                    _run, adapter.turn, operation, parameters, many)
        except Exception as error:
            adapter.in_transaction = True  # unknown after a failure: let commit/rollback reach SQLite
            # Some errors end SQLite's transaction, and a next write would then wait for the turn
            # again, which must not happen on the loop's thread: it hops (and holds again after).
            adapter.holding = False
            adapter._handle_exception(error)
        if in_tx and not adapter.in_transaction:  # this statement began a write transaction
            adapter.write_started = time.perf_counter()
        adapter.in_transaction = in_tx
        if not in_tx:  # autocommitted, or no transaction left: the next write starts afresh
            adapter.holding = adapter.nested = False
        elif keyword.startswith(_WRITES):
            adapter.holding = True
            if adapter.write_started is None:  # (a connection's very first statement): the budget's start
                adapter.write_started = time.perf_counter()
        self.description = description
        if description:
            self.lastrowid = self.rowcount = -1
            self._rows.clear()
            self._rows.extend(rows)
        else:
            self.lastrowid, self.rowcount = lastrowid, rowcount

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._call(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._call(operation, seq_of_parameters, many=True)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    # The instance dict holds `in_transaction` (the parent's slots are for SQLAlchemy's own use).

    # A transaction that has held the lock this long runs its next statements on aiosqlite's
    # thread again, giving the event loop back between them: what a statement may keep the loop
    # waiting is bounded by this plus that one statement.
    SYNC_BUDGET_S = 0.020

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection, gate: WriteGate | None = None,
                 busy_ms: int = 10000) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # until the first statement says otherwise
        self.write_started: float | None = None
        self.turn = Turn(gate, busy_ms / 1000)
        # The open transaction has written (INSERT, UPDATE, DELETE, REPLACE): it holds SQLite's
        # write lock, and its next statements run on the loop's thread. `nested`: it has used a
        # SAVEPOINT, and keeps every statement on aiosqlite's thread until it ends.
        self.holding = False
        self.nested = False
        # Set by forum.checkpoints on a served process's connections (WAL checkpoints on a thread of
        # their own): a COMMIT that holds the turn then runs on the loop too (h-reqcpu). Elsewhere a
        # COMMIT may run SQLite's automatic checkpoint (tens of ms, a sync): it keeps its hop.
        self.commit_on_loop = False

    def raw(self) -> sqlite3.Connection:
        connection = self._connection
        if not connection._running or connection._connection is None:
            raise ValueError("no active connection")
        return connection._connection

    def in_transaction_raw(self) -> bool:
        return self.raw().in_transaction

    def turn_busy_ms(self) -> int:
        return int(self.turn.timeout_s * 1000)

    def within_budget(self) -> bool:
        started = self.write_started
        return started is None or time.perf_counter() - started < self.SYNC_BUDGET_S

    def run_on_thread(self, fn: Any, *args: Any) -> Any:
        connection = self._connection
        if not connection._running or connection._connection is None:
            raise ValueError("no active connection")
        future = asyncio.get_event_loop().create_future()
        connection._tx.put_nowait((future, partial(fn, connection._conn, *args)))
        return self.await_(future)

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:  # streamed results keep the stock cursor, which does not tell us the state
            self.in_transaction = True
            return super().cursor(server_side=True)
        return OneHopCursor(self)

    def execute(self, *args: Any, **kw: Any) -> Any:
        self.in_transaction = True
        self.nested = True  # the stock path (unused by SQLAlchemy's statements): hop until the end
        return super().execute(*args, **kw)

    def close(self) -> None:
        try:
            super().close()
        finally:  # a connection dropped in a write transaction (invalidated) must not keep the turn
            self.turn.give_back()

    def commit(self) -> None:
        self._finish(commit=True)

    def rollback(self) -> None:
        self._finish(commit=False)

    def _finish(self, commit: bool) -> None:
        if not self.in_transaction:
            return
        try:
            if commit and self.commit_on_loop and self.holding and not self.nested:
                # Holding the turn: the COMMIT (WAL frames appended, no sync: synchronous=NORMAL, checkpoints
                # on their own thread) and the turn's release, at once, not after a hop (h-reqcpu).
                _end(self.raw(), self.turn, True)
                self.await_(_no_wait())
            else:
                self.run_on_thread(_end, self.turn, commit)
        except Exception as error:
            self._handle_exception(error)
        finally:
            self._log_slow_write(commit)
        self.in_transaction = self.holding = self.nested = False

    def _log_slow_write(self, commit: bool) -> None:
        started, self.write_started = self.write_started, None
        slow_ms = getattr(self.dbapi, "slow_write_ms", 0)
        if started is not None and slow_ms > 0:
            held_ms = (time.perf_counter() - started) * 1000
            if held_ms >= slow_ms:
                log.warning("sqlite write lock held %.1f ms (%s)", held_ms, "commit" if commit else "rollback")


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self, aiosqlite: Any, sqlite: Any, busy_ms: int = 10000, slow_write_ms: float = 0.0) -> None:
        super().__init__(aiosqlite, sqlite)
        self.busy_ms = busy_ms
        # Write transactions that held the write lock at least this long are logged (0: off):
        # every other writer of every process waited that long (WEBBOARD_SQLITE_SLOW_WRITE_MS).
        self.slow_write_ms = slow_write_ms

    def connect(self, *arg: Any, **kw: Any) -> Any:
        if kw.get("async_fallback") or kw.get("async_creator_fn"):
            return super().connect(*arg, **kw)
        # The sqlite3 connection is also used from the event loop's thread (statements after a
        # transaction's first write); never at once: each statement is awaited before the next.
        kw.setdefault("check_same_thread", False)
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy's adapter does: the worker thread never holds up interpreter exit (before
        # aiosqlite 0.22 the connection object was the thread itself).
        (connection if isinstance(connection, threading.Thread) else connection._thread).daemon = True
        gate = gate_for(arg[0] if arg else kw.get("database", ""))
        return OneHopConnection(self, await_only(connection), gate, self.busy_ms)


def dbapi(busy_ms: int = 10000, slow_write_ms: float = 0.0) -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3, busy_ms, slow_write_ms)
