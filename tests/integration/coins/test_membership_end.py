"""When a membership ends, its coins end with it: one forfeit row, and redemptions untouched."""

from __future__ import annotations

from sqlalchemy import select

import models as m
from forum import events
from forum.coins.service import CoinService
from forum.services.posting import PostingService

from ...factories import login, post_form
from .conftest import NOW, add_address, add_prize, assert_balances_match_ledger, balance_of, entries, grant


async def redeem_two(db, member: m.User, admin: m.User) -> list[m.CoinRedemption]:
    """One redemption shipped and one still waiting, and 70 coins left."""
    await grant(db, member, 100, admin)
    await add_address(db, member)
    prize = await add_prize(db, price=15, stock=5)
    coins = CoinService(db)
    first = await coins.redeem(member, prize.id, 1, now=NOW)
    second = await coins.redeem(member, prize.id, 1, now=NOW)
    await coins.mark_shipped(admin, [first.id], now=NOW)
    await db.commit()
    return [first, second]


async def test_resigning_forfeits_the_balance_and_cancels_no_redemption(client, db, member, admin):
    redemptions = await redeem_two(db, member, admin)
    await login(client, member)
    response = await post_form(client, "/profile/resign", {"confirm": "on"})
    assert response.status_code == 200
    rows = await entries(db, member)
    assert (rows[-1].reason, rows[-1].amount, rows[-1].balance_after, rows[-1].note) == (
        m.CoinReason.FORFEIT, -70, 0, "resigned")
    assert await balance_of(db, member) == 0
    statuses = [(await db.get(m.CoinRedemption, r.id, populate_existing=True)).status for r in redemptions]
    assert statuses == [m.RedemptionStatus.SHIPPED, m.RedemptionStatus.PENDING]
    # The delivery address is personal data and goes with the account; the waiting parcel keeps its label.
    assert await db.scalar(select(m.DeliveryAddress).where(m.DeliveryAddress.user_id == member.id)) is None
    assert (await db.get(m.CoinRedemption, redemptions[1].id)).ship_to
    await assert_balances_match_ledger(db)


async def test_revocation_forfeits_the_balance_and_nothing_is_earned_afterwards(db, settings, member, other_member,
                                                                               admin, category, frozen_clock):
    await redeem_two(db, member, admin)
    thread, _ = await PostingService(db, settings).create_thread(other_member, category_id=category.id,
                                                                  title="t", body="b")
    member.status = m.MemberStatus.REVOKED
    await events.emit("membership.ended", db, user=member, reason="revoked: false information")
    await db.commit()
    forfeit = (await entries(db, member))[-1]
    assert (forfeit.reason, forfeit.amount, forfeit.note) == (m.CoinReason.FORFEIT, -70, "revoked: false information")
    # A revoked member's address stays for the admins (a waiting parcel may still go out).
    assert await db.scalar(select(m.DeliveryAddress.id).where(m.DeliveryAddress.user_id == member.id)) is not None
    # Ended twice (e.g. revoked, then the record closed): no second row, since nothing is left.
    await events.emit("membership.ended", db, user=member, reason="terminated")
    assert (await entries(db, member))[-1].id == forfeit.id
    # Earning events for an ended member write nothing.
    answer = await PostingService(db, settings).create_reply(other_member, thread_id=thread.id, body="x")
    await events.emit("guru.answer_marked_helpful", db, answer=answer, marker=other_member, answerer=member)
    assert (await entries(db, member))[-1].id == forfeit.id
    await db.commit()
    await assert_balances_match_ledger(db)


async def test_a_member_with_no_coins_ends_without_a_ledger_row(db, member):
    member.status = m.MemberStatus.RESIGNED
    await events.emit("membership.ended", db, user=member, reason="resigned")
    assert await entries(db, member) == []


async def test_an_admins_revocation_through_the_membership_service_forfeits_the_balance(db, member, admin):
    from forum.services import membership

    await grant(db, member, 30, admin)
    await membership.revoke(db, admin, member, "false_information", with_notice=False, now=NOW)
    await db.commit()
    forfeit = (await entries(db, member))[-1]
    assert (forfeit.reason, forfeit.amount, forfeit.balance_after) == (m.CoinReason.FORFEIT, -30, 0)
    assert await balance_of(db, member) == 0
    # Reinstating a mistaken revocation does not bring forfeited coins back by itself;
    # an admin adjustment (with its reason) can.
    await membership.reinstate(db, admin, member, NOW)
    await db.commit()
    assert await balance_of(db, member) == 0
    await assert_balances_match_ledger(db)
