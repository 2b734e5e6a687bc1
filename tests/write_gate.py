"""A watch on SQLite's writers' gate for tests that order two writers: the event is set whenever a
writer asks for its turn (`forum.sqlite_driver.WriteGate.acquire`, on aiosqlite's thread), so a test
lets the holder commit only once the other writer waits there, not after a fixed pause that a loaded
machine can outlast before the writer even reaches the gate."""

from __future__ import annotations

import threading

from forum import sqlite_driver


def watch_gate(monkeypatch) -> threading.Event:
    """Instruments WriteGate.acquire for the test; clear the event after the holder's own turn."""
    asked = threading.Event()
    original = sqlite_driver.WriteGate.acquire

    def acquiring(self, timeout_s):
        asked.set()
        return original(self, timeout_s)

    monkeypatch.setattr(sqlite_driver.WriteGate, "acquire", acquiring)
    return asked
