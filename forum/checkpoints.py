"""SQLite WAL checkpoints on a background thread for the server processes (h-catread).

SQLite checkpoints the WAL automatically inside the COMMIT that takes it past `wal_autocheckpoint`
pages (1,000 by default): that one request copies the WAL's pages into the database file and syncs
it, 40-90 ms at 30 posts/s on a 100,000-thread board, while it still holds the writers' turn
(`forum.sqlite_driver.WriteGate`), so every writer of every process waits behind it: at 30 posts a
second that happened every 2 s and made most of a paced run's slowest 5% of submits.

A served process (`forum/asgi.py` sets `KEY`) instead raises its connections' automatic threshold
to `SAFETY_PAGES` (a net: reached only if this thread stops) and runs `PRAGMA wal_checkpoint(PASSIVE)`
every `WEBBOARD_SQLITE_CHECKPOINT_S` seconds (default 0.5; 0: SQLite's own automatic checkpoints, as
before) on its own connection, on a thread of its own. A PASSIVE checkpoint takes no writer's lock
and waits for no reader: writers keep appending to the WAL while it copies, and SQLite restarts the
WAL from its start at the next write once everything is copied, as after an automatic checkpoint.
With two processes, two such threads take turns on SQLite's checkpoint lock (one that finds it held
does nothing that time). The data and what every request reads are the same; only who pays for
the copy changes."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from typing import Any

from . import tail_trace

log = logging.getLogger(__name__)
KEY = "sqlite_background_checkpoints"
SAFETY_PAGES = 20_000  # about 80 MB of WAL with 4 KiB pages


def interval() -> float:
    try:
        return max(0.0, float(os.environ.get("WEBBOARD_SQLITE_CHECKPOINT_S", "0.5")))
    except ValueError:
        return 0.5


def database_path(url: str) -> str | None:
    """The file of a `sqlite+aiosqlite:///path` URL (None: not a SQLite file)."""
    if not url.startswith("sqlite") or ":memory:" in url or "mode=memory" in url:
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return path.split("?", 1)[0] or None


class Checkpointer:
    def __init__(self, path: str, every_s: float) -> None:
        self.path, self.every_s = path, every_s
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)

    def _loop(self) -> None:
        connection: sqlite3.Connection | None = None
        while not self._stop.wait(self.every_s):
            try:
                if connection is None:
                    connection = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
                    connection.execute("PRAGMA wal_autocheckpoint=0")  # this connection writes nothing anyway
                # PASSIVE: as much as can be copied without waiting for anyone. The sqlite3 module
                # releases the GIL while SQLite works, so the event loop runs meanwhile.
                started = time.perf_counter()
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.runs += 1
                if tail_trace.PATH is not None:
                    tail_trace.note("ckpt", (time.perf_counter() - started) * 1000)
            except sqlite3.Error:  # (a locked or missing file for a moment): try again next time
                log.debug("background checkpoint failed", exc_info=True)
                if connection is not None:
                    connection.close()
                    connection = None
        if connection is not None:
            connection.close()


def connection_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """On each new connection of a served process: automatic checkpoints only as a safety net."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
    cursor.close()
    if hasattr(dbapi_connection, "commit_on_loop"):  # forum.sqlite_driver: no COMMIT of this process checkpoints
        dbapi_connection.commit_on_loop = True


def install(app: Any, engine: Any, url: str) -> None:
    """Called by the served app before its first connection: raises the automatic threshold and starts
    the thread at start-up (stopped at shutdown). Nothing for other databases or with the interval 0."""
    path, every = database_path(url), interval()
    if path is None or every <= 0:
        return
    from sqlalchemy import event

    event.listen(engine.sync_engine, "connect", connection_pragmas)
    checkpointer = Checkpointer(path, every)

    def start(_app: Any) -> None:
        checkpointer.start()

    def stop(_app: Any) -> None:
        checkpointer.stop()

    app.on_startup.insert(0, start)
    app.on_shutdown.append(stop)
    app.state[KEY] = checkpointer
