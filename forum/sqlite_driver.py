"""aiosqlite for SQLAlchemy with one thread hop per statement.

aiosqlite runs each SQLite call on its own thread, and SQLAlchemy's adapter makes four such calls
per statement (make a cursor, execute, fetch all, close the cursor), then one more each for the
commit and the rollback that end a request, even when nothing was written. Each hop is a queue
put, a thread wake-up and a wake-up of the event loop: on a page of two SELECTs, ten of them cost
more CPU than the queries. Here a statement is one function run on aiosqlite's thread (the same
queue SQLAlchemy's own adapter uses to set the isolation level), and a commit or rollback is
skipped when SQLite says no transaction is open, which is the case after reads.

Used through `create_async_engine(..., module=dbapi())`, so URLs stay `sqlite+aiosqlite://`."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_only


def _run(raw: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple[Any, Any, int, int, bool]:
    """On aiosqlite's thread: the whole statement, and whether a transaction is open after it."""
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


def _end(raw: sqlite3.Connection, commit: bool) -> None:
    raw.commit() if commit else raw.rollback()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _call(self, operation: Any, parameters: Any, many: bool) -> None:
        adapter: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        try:
            description, rows, lastrowid, rowcount, in_tx = adapter.run_on_thread(_run, operation, parameters, many)
        except Exception as error:
            adapter.in_transaction = True  # unknown after a failure: let commit/rollback reach SQLite
            adapter._handle_exception(error)
        adapter.in_transaction = in_tx
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

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # until the first statement says otherwise

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
        return super().execute(*args, **kw)

    def commit(self) -> None:
        self._finish(commit=True)

    def rollback(self) -> None:
        self._finish(commit=False)

    def _finish(self, commit: bool) -> None:
        if not self.in_transaction:
            return
        try:
            self.run_on_thread(_end, commit)
        except Exception as error:
            self._handle_exception(error)
        self.in_transaction = False


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> Any:
        if kw.get("async_fallback") or kw.get("async_creator_fn"):
            return super().connect(*arg, **kw)
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy's adapter does: the worker thread never holds up interpreter exit (before
        # aiosqlite 0.22 the connection object was the thread itself).
        (connection if isinstance(connection, threading.Thread) else connection._thread).daemon = True
        return OneHopConnection(self, await_only(connection))


def dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
