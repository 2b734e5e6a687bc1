"""A reply and a new thread store the same rows and refuse the same drafts on both databases.
(On PostgreSQL a reply reads its thread, the posting checks and the allowance in one statement,
writes the post with its thread's count in one, and an earning writes its balance and ledger row in
one: forum.services.posting, forum.coins.service `EARN_AND_RECORD`.)"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

import models as m
from forum.errors import Forbidden, NotFound, RateLimited, ValidationFailed
from forum.services.membership import TermsAcceptanceRequired
from forum.services.posting import PostingService


def posting_with(settings, db, **board):
    return PostingService(db, dataclasses.replace(settings, board=dataclasses.replace(settings.board, **board)), [])


async def ledger(db, user: m.User) -> list[m.CoinLedgerEntry]:
    return list((await db.scalars(select(m.CoinLedgerEntry).where(m.CoinLedgerEntry.user_id == user.id)
                                  .order_by(m.CoinLedgerEntry.id).execution_options(populate_existing=True))).all())


async def balance(db, user: m.User) -> int | None:
    return await db.scalar(select(m.CoinBalance.balance).where(m.CoinBalance.user_id == user.id))


async def rolled_back(db, *objects) -> None:
    """Rolls the session back and loads these objects again (a rollback expires them)."""
    await db.rollback()
    for obj in objects:
        await db.refresh(obj)


async def test_a_reply_stores_the_post_the_thread_counts_and_the_earning(db, factory, settings, category):
    starter, replier = await factory.user("starter"), await factory.user("replier")
    posting = PostingService(db, settings, [])
    thread, opening = await posting.create_thread(starter, category_id=category.id, title="Aircon", body="Warm air")
    await db.commit()
    created_at, updated_at = thread.created_at, thread.updated_at
    before = dt.datetime.now(dt.timezone.utc)
    reply = await posting.create_reply(replier, thread_id=thread.id, body="Check the gas")
    # The session's objects, as the request sees them before its commit.
    assert reply.id is not None and reply.thread_id == thread.id and reply.author_id == replier.id
    assert reply.body_raw == "Check the gas" and "<p>Check the gas</p>" in reply.body_html
    assert reply.visibility == m.Visibility.PUBLISHED and not reply.is_opening and reply.edited_at is None
    assert reply.created_at >= before and reply.updated_at >= before
    assert thread.reply_count == 1 and thread.last_author_id == replier.id and thread.last_activity_at >= before
    await db.commit()
    # What is stored, read back.
    stored = await db.scalar(select(m.Post).where(m.Post.id == reply.id).execution_options(populate_existing=True))
    assert (stored.body_raw, stored.author_id, stored.visibility) == ("Check the gas", replier.id, m.Visibility.PUBLISHED)
    row = (await db.execute(select(m.Thread.reply_count, m.Thread.last_author_id, m.Thread.last_activity_at,
                                   m.Thread.created_at, m.Thread.updated_at).where(m.Thread.id == thread.id))).one()
    assert row.reply_count == 1 and row.last_author_id == replier.id and row.last_activity_at >= before
    assert row.created_at == created_at and row.updated_at > updated_at
    assert await db.scalar(select(func.count()).select_from(m.Post).where(m.Post.thread_id == thread.id)) == 2
    (earned,) = await ledger(db, replier)
    assert (earned.reason, earned.amount, earned.post_id, earned.actor_id, earned.note, earned.redemption_id) == (
        m.CoinReason.REPLY, 2, reply.id, None, None, None)
    assert earned.balance_after == 2 == await balance(db, replier)
    (thread_coins,) = await ledger(db, starter)
    assert (thread_coins.reason, thread_coins.post_id, thread_coins.balance_after) == (m.CoinReason.THREAD, opening.id, 5)
    # A second reply adds to the count and the balance; a reply in one's own thread earns nothing.
    await posting.create_reply(replier, thread_id=thread.id, body="And the fan")
    await posting.create_reply(starter, thread_id=thread.id, body="Thanks")
    await db.commit()
    assert await db.scalar(select(m.Thread.reply_count).where(m.Thread.id == thread.id)) == 3
    assert [e.balance_after for e in await ledger(db, replier)] == [2, 4] and await balance(db, replier) == 4
    assert len(await ledger(db, starter)) == 1 and await balance(db, starter) == 5


async def test_a_reply_is_refused_in_the_same_order_and_leaves_nothing(db, factory, settings, category):
    author, other = await factory.user("author"), await factory.user("other")
    posting = posting_with(settings, db, replies_per_hour=2)
    thread, _ = await posting.create_thread(other, category_id=category.id, title="Brakes", body="Squeal")
    thread_id = thread.id
    await db.commit()
    with pytest.raises(NotFound):
        await posting.create_reply(author, thread_id=thread_id + 1000, body="Hello")
    with pytest.raises(ValidationFailed):  # checked before the allowance
        await posting.create_reply(author, thread_id=thread_id, body="   ")
    first = (await posting.create_reply(author, thread_id=thread_id, body="one")).created_at
    await posting.create_reply(author, thread_id=thread_id, body="two")
    await db.commit()
    with pytest.raises(RateLimited) as refused:
        await posting.create_reply(author, thread_id=thread_id, body="three")
    assert refused.value.retry_at == first + dt.timedelta(hours=1)
    await rolled_back(db, author, category)
    await db.refresh(thread)
    thread.is_locked = True
    await db.commit()
    with pytest.raises(Forbidden):  # closed before the allowance is looked at
        await posting.create_reply(author, thread_id=thread_id, body="four")
    await rolled_back(db, author, category)
    db.add(m.TermsVersion(version="v-new", body_th="ข้อตกลง", body_en="Terms", effective_on=dt.date(2000, 1, 1)))
    await db.commit()
    with pytest.raises(TermsAcceptanceRequired):  # the terms before the thread's lock
        await posting.create_reply(author, thread_id=thread_id, body="five")
    await rolled_back(db, author, category)
    assert await db.scalar(select(func.count()).select_from(m.Post).where(m.Post.author_id == author.id)) == 2
    assert await db.scalar(select(m.Thread.reply_count).where(m.Thread.id == thread_id)) == 2
    assert [e.balance_after for e in await ledger(db, author)] == [2, 4]


async def test_a_new_thread_is_refused_over_the_allowance_and_for_the_terms(db, factory, settings, category):
    author = await factory.user("author")
    posting = posting_with(settings, db, threads_per_hour=1)
    _, opening = await posting.create_thread(author, category_id=category.id, title="First", body="Hello")
    first = opening.created_at
    await db.commit()
    with pytest.raises(RateLimited) as refused:
        await posting.create_thread(author, category_id=category.id, title="Second", body="Again")
    assert refused.value.retry_at == first + dt.timedelta(hours=1)
    await rolled_back(db, author, category)
    with pytest.raises(ValidationFailed):  # no such category: before the other checks
        await posting.create_thread(author, category_id=category.id + 1000, title="Third", body="Again")
    await rolled_back(db, author, category)
    db.add(m.TermsVersion(version="v-new", body_th="ข้อตกลง", body_en="Terms", effective_on=dt.date(2000, 1, 1)))
    await db.commit()
    with pytest.raises(TermsAcceptanceRequired):  # the terms before the allowance
        await posting.create_thread(author, category_id=category.id, title="Fourth", body="Again")
    await rolled_back(db, author, category)
    assert await db.scalar(select(func.count()).select_from(m.Thread).where(m.Thread.author_id == author.id)) == 1
    assert await db.scalar(select(m.Category.thread_count).where(m.Category.id == category.id)) == 1
    assert [e.balance_after for e in await ledger(db, author)] == [5]


async def test_a_new_account_s_first_day_allowance_counts_on_both_databases(db, factory, settings, category):
    newcomer, other = await factory.user("newcomer", age_days=0), await factory.user("other")
    posting = posting_with(settings, db, new_account_replies_per_day=1)
    thread, _ = await posting.create_thread(other, category_id=category.id, title="Tyres", body="Which brand")
    await db.commit()
    joined = newcomer.created_at
    first = (await posting.create_reply(newcomer, thread_id=thread.id, body="Any")).created_at
    await db.commit()
    with pytest.raises(RateLimited) as refused:
        await posting.create_reply(newcomer, thread_id=thread.id, body="More")
    # the earlier of a day after the first reply and the end of the account's first day
    assert refused.value.retry_at == min(first + dt.timedelta(days=1), joined + dt.timedelta(days=1))
