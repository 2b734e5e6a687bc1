"""Earning: published posts earn, held posts wait for approval, deletions give coins back,
self-interaction earns nothing, and the daily cap holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import models as m
from forum import events
from forum.coins.service import CoinService
from forum.services.posting import Draft, PostingService

from ...factories import api, login, post_form
from .conftest import NOW, assert_balances_match_ledger, balance_of, entries, grant, set_rules

R = m.CoinReason


class HoldEverything:
    """A moderation stand-in: every new post waits for review."""

    async def before_save(self, session, draft: Draft) -> None:
        draft.visibility = m.Visibility.HELD

    async def after_save(self, session, draft, post) -> None:
        return None


async def test_a_published_thread_and_a_reply_earn_their_authors_the_set_amounts(client, db, member, other_member,
                                                                              category, frozen_clock):
    await set_rules(db, thread=7, reply=3)
    await login(client, member)
    created = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "ยางรั่วซึม", "body": "ช่วยด้วย"})
    assert created.status_code == 201
    client.cookies.clear()
    await login(client, other_member)
    reply = await post_form(client, f"/t/{created.json()['id']}/reply", {"body": "ลองเติมลมดูครับ"})
    assert reply.status_code == 200
    assert await balance_of(db, member) == 7 and await balance_of(db, other_member) == 3
    thread_row, = await entries(db, member)
    assert (thread_row.reason, thread_row.post_id, thread_row.created_at) == (R.THREAD, created.json()["post_id"], NOW)
    page = await client.get("/coins")
    assert page.status_code == 200 and 'id="coin-balance">3<' in page.text
    summary = await client.get("/api/coins")
    assert summary.json()["balance"] == 3 and summary.json()["earned_today"] == 3
    await assert_balances_match_ledger(db)


async def test_replies_in_ones_own_thread_earn_nothing(client, db, member, category, frozen_clock):
    await login(client, member)
    created = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Brake noise", "body": "squeak"})
    for text in ("update: still squeaks", "fixed it, thanks"):
        assert (await api(client, "POST", f"/api/threads/{created.json()['id']}/replies", {"body": text})).status_code == 201
    assert [e.reason for e in await entries(db, member)] == [R.THREAD]


async def test_a_held_post_earns_nothing_until_a_moderator_approves_it_and_then_only_once(
        db, settings, member, admin, category, frozen_clock):
    posting = PostingService(db, settings, hooks=[HoldEverything()])
    thread, opening = await posting.create_thread(member, category_id=category.id, title="Held thread", body="text")
    assert opening.visibility == m.Visibility.HELD
    assert await entries(db, member) == []
    await posting.set_visibility(opening, m.Visibility.PUBLISHED, actor=admin)
    assert await balance_of(db, member) == 5
    # Edited, held again by moderation and approved again: no second credit.
    await posting.set_visibility(opening, m.Visibility.HELD, actor=None)
    await posting.set_visibility(opening, m.Visibility.PUBLISHED, actor=admin)
    assert [e.reason for e in await entries(db, member)] == [R.THREAD]
    await db.commit()
    await assert_balances_match_ledger(db)


async def test_a_held_post_that_is_rejected_earns_nothing_and_owes_nothing(db, settings, member, admin, category,
                                                                          frozen_clock):
    posting = PostingService(db, settings, hooks=[HoldEverything()])
    _, opening = await posting.create_thread(member, category_id=category.id, title="Spam", body="buy now")
    await posting.set_visibility(opening, m.Visibility.DELETED, actor=admin)
    assert await entries(db, member) == [] and await balance_of(db, member) == 0


async def test_a_moderators_deletion_reverses_the_credit_with_a_debit_row(db, settings, member, other_member, admin,
                                                                         category, frozen_clock):
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(other_member, category_id=category.id, title="Question", body="?")
    reply = await posting.create_reply(member, thread_id=thread.id, body="a rude reply")
    assert await balance_of(db, member) == 2
    await posting.set_visibility(reply, m.Visibility.DELETED, actor=admin)
    credit, reversal = await entries(db, member)
    assert (credit.reason, credit.amount) == (R.REPLY, 2)
    assert (reversal.reason, reversal.amount, reversal.post_id, reversal.actor_id) == (R.REVERSAL, -2, reply.id, admin.id)
    assert reversal.balance_after == 0 and await balance_of(db, member) == 0
    # Restored by a moderator: it earns again; deleted again: reversed again.
    await posting.set_visibility(reply, m.Visibility.PUBLISHED, actor=admin)
    await posting.set_visibility(reply, m.Visibility.DELETED, actor=admin)
    assert [e.amount for e in await entries(db, member)] == [2, -2, 2, -2]
    await db.commit()
    await assert_balances_match_ledger(db)


async def test_deleting_ones_own_post_gives_its_coins_back(client, db, member, category, frozen_clock):
    await login(client, member)
    created = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Oops", "body": "wrong"})
    assert await balance_of(db, member) == 5
    removed = await api(client, "DELETE", f"/api/posts/{created.json()['post_id']}")
    assert removed.status_code == 200
    assert [(e.reason, e.amount, e.actor_id) for e in await entries(db, member)] == [(R.THREAD, 5, None), (R.REVERSAL, -5, member.id)]
    assert await balance_of(db, member) == 0


async def test_a_reversal_never_takes_the_balance_below_zero(db, settings, member, admin, category, frozen_clock):
    posting = PostingService(db, settings)
    _, opening = await posting.create_thread(member, category_id=category.id, title="t", body="b")
    await CoinService(db).adjust(admin, member.id, -3, "spent elsewhere in this test", now=NOW)
    await posting.set_visibility(opening, m.Visibility.DELETED, actor=admin)
    assert [e.amount for e in await entries(db, member)] == [5, -3, -2]
    assert await balance_of(db, member) == 0


async def test_the_daily_cap_cuts_earnings_and_resets_on_the_next_bangkok_day(db, settings, member, other_member,
                                                                              category, frozen_clock):
    await set_rules(db, thread=5, reply=2, daily_cap=11)
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(other_member, category_id=category.id, title="Cap", body="cap")
    for i in range(7):
        await posting.create_reply(member, thread_id=thread.id, body=f"reply {i}")
    assert [e.amount for e in await entries(db, member)] == [2, 2, 2, 2, 2, 1]
    assert await CoinService(db).earned_today(member.id, NOW) == 11
    # 23:59 in Bangkok is still the same day; 00:00 is the next one.
    frozen_clock["now"] = dt.datetime(2026, 11, 20, 16, 59, tzinfo=dt.timezone.utc)
    await posting.create_reply(member, thread_id=thread.id, body="late reply")
    assert len(await entries(db, member)) == 6
    frozen_clock["now"] = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.timezone.utc)
    await posting.create_reply(member, thread_id=thread.id, body="next day")
    assert [e.amount for e in await entries(db, member)][-1] == 2
    assert await balance_of(db, member) == 13


async def test_the_daily_cap_counts_earnings_only_not_grants_or_redemptions(db, member, admin, frozen_clock):
    await set_rules(db, helpful=4, daily_cap=4)
    await grant(db, member, 50, admin)
    coins = CoinService(db)
    fake_answer = m.Post(id=10_001, thread_id=0, author_id=member.id, body_raw="", body_html="")
    assert (await coins.earn(member, R.HELPFUL, post_id=fake_answer.id, now=NOW, actor_id=admin.id)).amount == 4
    assert await coins.earn(member, R.HELPFUL, post_id=fake_answer.id, now=NOW, actor_id=admin.id) is None


async def test_ask_guru_events_credit_answerer_and_asker_but_never_self_interaction(
        db, settings, member, other_member, guru, category, frozen_clock):
    await set_rules(db, thread=0, reply=0, guru_answer=10, answer_accepted=8, accepted_an_answer=2, helpful=1, daily_cap=0)
    posting = PostingService(db, settings)
    question, _ = await posting.create_thread(member, category_id=category.id, title="Oil?", body="which oil",
                                              kind=m.ThreadKind.QUESTION)
    answer = await posting.create_reply(guru, thread_id=question.id, body="5W-30")
    await events.emit("guru.answer_posted", db, answer=answer, question=question, guru=guru)  # idempotent
    assert [(e.reason, e.amount) for e in await entries(db, guru)] == [(R.GURU_ANSWER, 10)]
    await events.emit("guru.answer_accepted", db, answer=answer, question=question, asker=member, answerer=guru)
    await events.emit("guru.answer_accepted", db, answer=answer, question=question, asker=member, answerer=guru)
    await events.emit("guru.answer_marked_helpful", db, answer=answer, marker=member, answerer=guru)
    await events.emit("guru.answer_marked_helpful", db, answer=answer, marker=other_member, answerer=guru)
    await events.emit("guru.answer_marked_helpful", db, answer=answer, marker=other_member, answerer=guru)
    await events.emit("guru.answer_marked_helpful", db, answer=answer, marker=guru, answerer=guru)  # own answer
    assert [(e.reason, e.amount) for e in await entries(db, guru)] == [
        (R.GURU_ANSWER, 10), (R.ANSWER_ACCEPTED, 8), (R.HELPFUL, 1), (R.HELPFUL, 1)]
    assert [(e.reason, e.amount) for e in await entries(db, member)] == [(R.ACCEPTED_AN_ANSWER, 2)]
    # A guru answering, and accepting, their own question earns nothing.
    own, _ = await posting.create_thread(guru, category_id=category.id, title="My own", body="q",
                                         kind=m.ThreadKind.QUESTION)
    own_answer = await posting.create_reply(guru, thread_id=own.id, body="a")
    await events.emit("guru.answer_posted", db, answer=own_answer, question=own, guru=guru)
    await events.emit("guru.answer_accepted", db, answer=own_answer, question=own, asker=guru, answerer=guru)
    assert len(await entries(db, guru)) == 4
    # The moderators delete the answer: everything it earned the guru is taken back.
    await posting.set_visibility(answer, m.Visibility.DELETED, actor=None)
    assert (await entries(db, guru))[-1].amount == -20 and await balance_of(db, guru) == 0
    await db.commit()
    await assert_balances_match_ledger(db)


async def test_a_held_guru_answer_earns_its_guru_coins_when_approved(db, settings, member, guru, admin, category,
                                                                    frozen_clock):
    await set_rules(db, reply=2, guru_answer=10)
    question, _ = await PostingService(db, settings).create_thread(member, category_id=category.id, title="Tyres?",
                                                                   body="?", kind=m.ThreadKind.QUESTION)
    held = PostingService(db, settings, hooks=[HoldEverything()])
    answer = await held.create_reply(guru, thread_id=question.id, body="rotate them")
    await events.emit("guru.answer_posted", db, answer=answer, question=question, guru=guru)
    assert await entries(db, guru) == []
    await held.set_visibility(answer, m.Visibility.PUBLISHED, actor=admin)
    assert sorted((e.reason, e.amount) for e in await entries(db, guru)) == [(R.GURU_ANSWER, 10), (R.REPLY, 2)]


async def test_admins_set_the_amounts_on_the_settings_page_and_members_cannot(client, db, member, admin, category,
                                                                             frozen_clock):
    await login(client, member)
    assert (await post_form(client, "/admin/coins/settings", {"thread": 100})).status_code == 403
    assert (await api(client, "PUT", "/api/admin/coins/settings", {"thread": 100, "reply": 1, "guru_answer": 1,
            "answer_accepted": 1, "accepted_an_answer": 1, "helpful": 1, "daily_cap": 0})).status_code == 403
    client.cookies.clear()
    await login(client, admin)
    form = {"thread": "12", "reply": "1", "guru_answer": "10", "answer_accepted": "10", "accepted_an_answer": "2",
            "helpful": "1", "daily_cap": "100"}
    bad = await post_form(client, "/admin/coins/settings", form | {"thread": "-4"})
    assert bad.status_code == 400 and 'id="thread-error"' in bad.text
    assert (await post_form(client, "/admin/coins/settings", form)).status_code == 200
    assert (await client.get("/api/admin/coins/settings")).json()["thread"] == 12
    client.cookies.clear()
    await login(client, member)
    await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "New amounts", "body": "b"})
    assert await balance_of(db, member) == 12


async def test_ended_memberships_earn_nothing(db, settings, member, category, frozen_clock):
    member.status = m.MemberStatus.REVOKED
    await db.commit()
    coins = CoinService(db)
    assert await coins.earn(member, R.THREAD, post_id=1, now=NOW) is None
    assert await db.scalar(select(m.CoinLedgerEntry.id)) is None
