"""Coin fixtures: prizes, delivery addresses, rules, and helpers that read the ledger back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import models as m
from forum.coins import service as coin_service
from forum.coins.service import CoinService

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.timezone.utc)  # 10:00 in Bangkok


async def balance_of(db, user: m.User) -> int:
    return int(await db.scalar(
        select(m.CoinBalance.balance).where(m.CoinBalance.user_id == user.id).execution_options(populate_existing=True)
    ) or 0)


async def ledger_sum(db, user: m.User) -> int:
    return int(await db.scalar(
        select(func.coalesce(func.sum(m.CoinLedgerEntry.amount), 0)).where(m.CoinLedgerEntry.user_id == user.id)
    ))


async def entries(db, user: m.User | None = None) -> list[m.CoinLedgerEntry]:
    query = select(m.CoinLedgerEntry).order_by(m.CoinLedgerEntry.id).execution_options(populate_existing=True)
    if user is not None:
        query = query.where(m.CoinLedgerEntry.user_id == user.id)
    return list((await db.scalars(query)).all())


async def assert_balances_match_ledger(db) -> None:
    """Every member's balance row equals the sum of their ledger rows, and no one is negative."""
    sums = dict((await db.execute(select(m.CoinLedgerEntry.user_id, func.sum(m.CoinLedgerEntry.amount))
                                  .group_by(m.CoinLedgerEntry.user_id))).all())
    balances = dict((await db.execute(select(m.CoinBalance.user_id, m.CoinBalance.balance)
                                      .execution_options(populate_existing=True))).all())
    assert {k: v for k, v in balances.items() if v or k in sums} == {k: int(v) for k, v in sums.items()}
    assert all(v >= 0 for v in balances.values())


async def grant(db, user: m.User, amount: int, admin: m.User | None = None) -> None:
    """Gives a member coins the way an admin would (an adjustment row), committed."""
    actor = admin or user
    await CoinService(db).adjust(actor, user.id, amount, "test grant", now=NOW)
    await db.commit()


async def set_rules(db, **values: int) -> coin_service.CoinRules:
    rules = await CoinService(db).rules()
    data = {**{k: getattr(rules, k) for k in coin_service.RULE_LABELS}, **values}
    saved = await CoinService(db).save_rules(data)
    await db.commit()
    return saved


async def add_prize(db, *, price: int = 100, stock: int = 5, active: bool = True, name: str = "Car wash voucher") -> m.CoinPrize:
    prize = m.CoinPrize(name_th=f"{name} (TH)", name_en=name, description_th="", description_en="", price=price,
                        stock=stock, active=active)
    db.add(prize)
    await db.commit()
    return prize


async def add_address(db, user: m.User) -> m.DeliveryAddress:
    address = m.DeliveryAddress(user_id=user.id, recipient=user.display_name, phone="081 234 5678",
                                address="99/1 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย", province="กรุงเทพมหานคร",
                                postal_code="10110")
    db.add(address)
    await db.commit()
    return address


@pytest.fixture
def frozen_clock(monkeypatch):
    """Event handlers take the time from `service.clock`; tests move it by hand."""
    state = {"now": NOW}
    monkeypatch.setattr(coin_service, "clock", lambda: state["now"])
    return state
