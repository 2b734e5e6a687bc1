"""Which database errors mean "busy, send it again" (503) rather than a bug (500)."""

import sqlite3

from sqlalchemy.exc import IntegrityError, OperationalError

from forum.db import is_busy


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_lock_waits_and_deadlocks_are_busy_but_other_errors_are_not():
    assert is_busy(OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")))
    assert is_busy(OperationalError("UPDATE", {}, PgError("40P01")))  # deadlock victim
    assert is_busy(OperationalError("UPDATE", {}, PgError("55P03")))  # lock_timeout
    assert not is_busy(IntegrityError("INSERT", {}, PgError("23505")))  # a unique violation is a bug to see
    assert not is_busy(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: posts")))
    assert not is_busy(ValueError("database is locked"))
