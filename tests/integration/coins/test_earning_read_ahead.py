"""On SQLite a submit's first statement also reads the author's coins for the earning
(forum.services.posting `submit_reads`, forum.coins.service `keep_earning_read`), before the
moderation and duplicate hooks run rather than after them. The coins credited stay those of the
full path when something changes in between: another earning committed meanwhile, or the Bangkok
day turning over (the kept figures are for the day they were read on). Both databases."""

from __future__ import annotations


import models as m
from forum.services.posting import PostingService

from .conftest import NOW, assert_balances_match_ledger, balance_of, entries, grant, set_rules

R = m.CoinReason


class Meanwhile:
    """A posting hook that runs `action` once, between the submit's reads and the post's saving."""

    def __init__(self, action) -> None:
        self.action = action

    async def before_save(self, session, draft) -> None:
        if self.action is not None:
            action, self.action = self.action, None
            await action()

    async def after_save(self, session, draft, post) -> None:
        return None


async def test_an_earning_committed_after_the_reads_is_counted_under_the_cap(
        db, session_maker, settings, member, other_member, category, frozen_clock):
    await set_rules(db, thread=5, reply=3, daily_cap=7)
    await grant(db, other_member, 1)  # a balance row: the prepared path
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Race", body="race")
    elsewhere, _ = await posting.create_thread(member, category_id=category.id, title="Elsewhere", body="x")
    await db.commit()
    await posting.create_reply(other_member, thread_id=thread.id, body="first: 3")
    await db.commit()

    async def another_request():  # a reply elsewhere earns 3 (today 6), committed
        async with session_maker() as other:
            await PostingService(other, settings).create_reply(
                await other.get(m.User, other_member.id), thread_id=elsewhere.id, body="meanwhile")
            await other.commit()

    await PostingService(db, settings, [Meanwhile(another_request)]).create_reply(
        other_member, thread_id=thread.id, body="second")
    await db.commit()
    # By the figures read first (today 3) it would have earned 3 and passed the cap; it earns the 1 left.
    assert [(e.reason, e.amount) for e in await entries(db, other_member)] == [
        (R.ADJUSTMENT, 1), (R.REPLY, 3), (R.REPLY, 3), (R.REPLY, 1)]
    assert await balance_of(db, other_member) == 8
    await assert_balances_match_ledger(db)


async def test_a_day_that_turns_over_after_the_reads_earns_by_the_new_day(
        db, settings, member, other_member, category, frozen_clock):
    await set_rules(db, thread=5, reply=3, daily_cap=3)
    await grant(db, other_member, 1)
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Midnight", body="x")
    await db.commit()
    await posting.create_reply(other_member, thread_id=thread.id, body="today's cap")
    await db.commit()
    await posting.create_reply(other_member, thread_id=thread.id, body="over the cap")
    await db.commit()
    assert [e.amount for e in await entries(db, other_member)] == [1, 3]  # the cap reached today

    async def midnight():  # read on the capped day; saved on the next one (01:00 in Bangkok)
        frozen_clock["now"] = NOW.replace(hour=18)

    reply = await PostingService(db, settings, [Meanwhile(midnight)]).create_reply(
        other_member, thread_id=thread.id, body="after midnight")
    await db.commit()
    last = (await entries(db, other_member))[-1]
    assert (last.reason, last.amount, last.post_id, last.created_at) == (R.REPLY, 3, reply.id, NOW.replace(hour=18))
    assert await balance_of(db, other_member) == 7
    await assert_balances_match_ledger(db)


async def test_each_submit_of_a_transaction_earns_by_its_own_author_s_reads(
        db, settings, member, other_member, category, frozen_clock):
    await set_rules(db, thread=5, reply=3, daily_cap=0)
    await grant(db, member, 10)
    await grant(db, other_member, 1)
    posting = PostingService(db, settings)
    first, _ = await posting.create_thread(member, category_id=category.id, title="One", body="x")
    second, _ = await posting.create_thread(other_member, category_id=category.id, title="Two", body="y")
    await db.commit()
    # Two replies and a thread in one transaction, by two members, each into the other's thread.
    await posting.create_reply(other_member, thread_id=first.id, body="a")
    await posting.create_reply(member, thread_id=second.id, body="b")
    await posting.create_thread(other_member, category_id=category.id, title="Three", body="z")
    await db.commit()
    assert [e.amount for e in await entries(db, member)] == [10, 5, 3]
    assert [e.amount for e in await entries(db, other_member)] == [1, 5, 3, 5]
    assert await balance_of(db, member) == 18 and await balance_of(db, other_member) == 14
    assert all(e.created_at == NOW for e in await entries(db) if e.reason != R.ADJUSTMENT)
    await assert_balances_match_ledger(db)
