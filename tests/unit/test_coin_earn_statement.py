"""The PostgreSQL earning statement (`forum.coins.service.EARN_UNDER_LOCK`) sums the member's
earnings of the day once: the amount the daily cap leaves is worked out in one sub-select and used
by the SET, the conditions and RETURNING (it was four copies of the same scalar sub-select, which
PostgreSQL ran four times). What it credits is covered by tests/integration/coins/test_earning.py
on both databases; this checks the shape only."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql

from forum.coins.service import EARN_UNDER_LOCK


def compiled(actor: bool, capped: bool) -> str:
    return " ".join(str(EARN_UNDER_LOCK[actor, capped].compile(dialect=postgresql.asyncpg.dialect())).split())


def test_a_capped_earning_sums_the_day_once():
    for actor in (False, True):
        sql = compiled(actor, capped=True)
        assert sql.count("sum(coin_ledger.amount)") == 1
        assert sql.count("FROM coin_ledger") == 3  # the day's sum, and the already-credited check (two)
        assert "RETURNING coin_balances.balance, due.amount AS amount" in sql


def test_an_uncapped_earning_reads_no_sum():
    for actor in (False, True):
        sql = compiled(actor, capped=False)
        assert "sum(" not in sql and "due" not in sql
