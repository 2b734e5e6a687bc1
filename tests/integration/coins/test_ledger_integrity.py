"""The ledger is append-only, balances always equal it, and coins never move between members."""

from __future__ import annotations

import inspect
import re

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

import models as m
from forum.coins import controllers, handlers, service
from forum.coins.service import CoinService

from ...factories import api, login, post_form
from .conftest import NOW, add_address, add_prize, assert_balances_match_ledger, balance_of, entries, grant

TRANSFER_WORDS = re.compile(r"transfer|gift|send|give|donat|move|tip", re.IGNORECASE)


def test_no_route_or_operation_moves_coins_between_members(app):
    paths = {route.path for route in app.routes}
    assert {"/coins", "/api/coins/prizes/{prize_id:int}/redeem"} <= paths
    assert not [p for p in paths if "coin" in p and TRANSFER_WORDS.search(p)]
    handler_names = [handler.handler_name for route in app.routes for handler in getattr(route, "route_handlers", [])
                     if "coin" in route.path]
    assert handler_names and not [n for n in handler_names if TRANSFER_WORDS.search(n)]
    schema_paths = app.openapi_schema.paths or {}
    assert not [p for p in schema_paths if TRANSFER_WORDS.search(p)]
    # No request body in the member API names another member or an amount to pay out.
    member_bodies = [controllers.RedeemData, controllers.AddressData]
    assert all(not {"user_id", "to", "recipient_id", "amount"} & set(b.__struct_fields__) for b in member_bodies)
    public = [name for name, _ in inspect.getmembers(CoinService, inspect.isfunction) if not name.startswith("_")]
    assert not [n for n in public if TRANSFER_WORDS.search(n)]


def test_only_append_writes_ledger_rows_and_nothing_updates_or_deletes_them():
    sources = {module.__name__: inspect.getsource(module) for module in (service, handlers, controllers)}
    # A ledger row is made in one place: an ORM object, a Core insert, or the prepared insert of
    # forum.core_writes, which `_append` uses.
    creators = [(name, line) for name, src in sources.items() for line in src.splitlines()
                if re.search(r"m\.CoinLedgerEntry\(|insert(_row)?\([^)]*(m\.CoinLedgerEntry|coin_ledger)", line)]
    assert len(creators) == 1 and creators[0][0] == "forum.coins.service"
    append = inspect.getsource(CoinService._append)
    assert "insert_row(self.session, m.CoinLedgerEntry, user_id=user_id" in append
    for src in sources.values():
        assert not re.search(r"(update|delete)\(\s*m\.CoinLedgerEntry", src)


async def test_every_write_touches_only_the_member_it_is_for(db, settings, member, other_member, admin, category,
                                                             frozen_clock):
    from forum import events
    from forum.services.posting import PostingService

    await add_address(db, member)
    prize = await add_prize(db, price=5, stock=5)
    posting, coins = PostingService(db, settings), CoinService(db)
    thread, _ = await posting.create_thread(other_member, category_id=category.id, title="q", body="q",
                                            kind=m.ThreadKind.QUESTION)
    reply = await posting.create_reply(member, thread_id=thread.id, body="a")
    steps = [
        (member, lambda: coins.adjust(admin, member.id, 40, "welcome bonus", now=NOW)),
        (member, lambda: events.emit("guru.answer_marked_helpful", db, answer=reply, marker=other_member,
                                     answerer=member)),
        (member, lambda: coins.redeem(member, prize.id, 2, now=NOW)),
        (member, lambda: posting.set_visibility(reply, m.Visibility.DELETED, actor=admin)),
        (member, lambda: coins.forfeit(member, "test", now=NOW)),
    ]
    for owner, step in steps:
        before = {e.id for e in await entries(db)}
        await step()
        new = [e for e in await entries(db) if e.id not in before]
        assert new and {e.user_id for e in new} == {owner.id}
    assert all(e.actor_id != member.id or e.reason == m.CoinReason.REVERSAL for e in await entries(db, member))
    await db.commit()
    await assert_balances_match_ledger(db)


async def test_the_database_refuses_to_edit_a_ledger_row(db, member, admin):
    await grant(db, member, 10, admin)
    row, = await entries(db, member)
    row_id = row.id
    with pytest.raises(RuntimeError, match="append-only"):
        row.amount = 1_000
        await db.flush()
    await db.rollback()
    with pytest.raises((DBAPIError, IntegrityError)):
        await db.execute(update(m.CoinLedgerEntry).where(m.CoinLedgerEntry.id == row_id).values(amount=1_000))
    await db.rollback()
    await db.refresh(member)
    assert [e.amount for e in await entries(db, member)] == [10]


async def test_balances_cannot_go_negative_even_when_written_directly(db, member, admin):
    await grant(db, member, 10, admin)
    with pytest.raises((DBAPIError, IntegrityError)):
        await db.execute(text("UPDATE coin_balances SET balance = -1 WHERE user_id = :u"), {"u": member.id})
    await db.rollback()
    await db.refresh(member)
    assert await balance_of(db, member) == 10


async def test_admin_adjustments_need_a_reason_never_go_below_zero_and_show_the_admins_name(client, db, member,
                                                                                             other_member, admin):
    await login(client, admin)
    page = await client.get(f"/admin/coins/members?login_id={member.login_id}")
    assert page.status_code == 200 and 'id="coin-balance">0<' in page.text
    no_reason = await post_form(client, f"/admin/coins/members/{member.id}/adjust", {"amount": "25", "note": ""})
    assert no_reason.status_code == 400 and 'id="note-error"' in no_reason.text
    below = await api(client, "POST", f"/api/admin/coins/members/{member.id}/adjustments",
                      {"amount": -1, "note": "take one"})
    assert below.status_code == 400
    ok = await post_form(client, f"/admin/coins/members/{member.id}/adjust",
                         {"amount": "25", "note": "Meet-up volunteer"})
    assert ok.status_code == 200 and 'id="coin-balance">25<' in ok.text
    assert await balance_of(db, other_member) == 0 and await entries(db, other_member) == []
    row, = await entries(db, member)
    assert (row.reason, row.amount, row.actor_id, row.note) == (m.CoinReason.ADJUSTMENT, 25, admin.id,
                                                                "Meet-up volunteer")
    ledger = (await client.get(f"/api/admin/coins/members/{member.id}/ledger")).json()
    assert ledger["balance"] == 25 and ledger["items"][0]["actor_name"] == admin.display_name
    client.cookies.clear()
    await login(client, member)
    wallet = await client.get("/coins")
    assert admin.display_name in wallet.text and "Meet-up volunteer" in wallet.text
    assert (await post_form(client, f"/admin/coins/members/{other_member.id}/adjust",
                            {"amount": "5", "note": "to my friend"})).status_code == 403
    assert (await api(client, "POST", f"/api/admin/coins/members/{other_member.id}/adjustments",
                      {"amount": 5, "note": "to my friend"})).status_code == 403
    assert await entries(db, other_member) == []


async def test_the_ledger_and_history_are_paginated(client, db, member, admin):
    for i in range(23):
        await CoinService(db).adjust(admin, member.id, 1, f"grant {i}", now=NOW)
    await db.commit()
    await login(client, member)
    first = (await client.get("/api/coins/ledger")).json()
    second = (await client.get("/api/coins/ledger?page=2")).json()
    assert len(first["items"]) == 20 and first["has_next"] and len(second["items"]) == 3 and not second["has_next"]
    assert first["items"][0]["balance_after"] == 23
    page = await client.get("/coins?page=2")
    assert 'rel="prev"' in page.text and 'rel="next"' not in page.text
    assert (await client.get("/coins?page=nonsense")).status_code in (200, 400)
