"""forum.db.ping_when_idle: a pooled connection is pinged before use only after sitting idle, and
one that does not answer is replaced (on PostgreSQL, in place of SQLAlchemy's ping at every checkout)."""

import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from forum.db import ping_when_idle


def engine_with_pings(monkeypatch, idle_seconds: float):
    engine = create_engine("sqlite://", poolclass=QueuePool, pool_size=1, max_overflow=0)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi_connection: pings.append(dbapi_connection) or True)
    ping_when_idle(engine, idle_seconds)
    return engine, pings


def test_a_connection_used_a_moment_ago_is_not_pinged(monkeypatch):
    engine, pings = engine_with_pings(monkeypatch, idle_seconds=60)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    assert pings == []  # new, then back in the pool a moment ago: alive


def test_an_idle_connection_is_pinged_before_use(monkeypatch):
    # idle after half a second: the check-in just before the third connect below is "just now" even
    # on a loaded machine (with 0.05 s, a stall between the two was enough for a second ping)
    engine, pings = engine_with_pings(monkeypatch, idle_seconds=0.5)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    time.sleep(0.6)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert len(pings) == 1
    with engine.connect() as conn:  # checked in just now: no second ping
        conn.execute(text("SELECT 1"))
    assert len(pings) == 1


def test_an_idle_connection_that_does_not_answer_is_replaced(monkeypatch):
    engine, _ = engine_with_pings(monkeypatch, idle_seconds=0.05)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    time.sleep(0.1)

    def dead(dbapi_connection):
        if dbapi_connection is first:
            raise ConnectionError("server closed the connection")
        return True

    monkeypatch.setattr(engine.dialect, "do_ping", dead)
    with engine.connect() as conn:  # the pool drops the dead one and connects again
        assert conn.connection.dbapi_connection is not first
        assert conn.execute(text("SELECT 1")).scalar() == 1
