"""A new post's earning is read before the post is written ("post.saving"), so that on SQLite only
writes run under the write lock; the coins credited are the same as by the full path, also when
the member's coins change between the reads and the post's INSERT."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError

import models as m
from forum import events
from forum.coins.service import CoinService
from forum.services.posting import PostingService

from .conftest import NOW, assert_balances_match_ledger, balance_of, entries, grant, set_rules

R = m.CoinReason


@pytest.fixture
def statements(db):
    """The SQL the session's engine sends, in order."""
    sent: list[str] = []
    engine = db.bind.sync_engine

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def under_the_lock(sent: list[str]) -> list[str]:
    """The statements from the post's INSERT on (the first write of the submit's transaction)."""
    first = next(i for i, s in enumerate(sent) if s.startswith("INSERT INTO POSTS"))
    return sent[first:]


async def test_a_reply_by_a_member_with_coins_earns_the_same_with_only_writes_under_the_lock(
        db, settings, member, other_member, category, frozen_clock, statements):
    await set_rules(db, thread=5, reply=3, daily_cap=0)
    await grant(db, other_member, 1)  # a balance row: the prepared path
    thread, _ = await PostingService(db, settings).create_thread(member, category_id=category.id, title="Oil", body="which")
    await db.commit()
    statements.clear()
    reply = await PostingService(db, settings).create_reply(other_member, thread_id=thread.id, body="5W-30")
    await db.commit()
    if db.bind.dialect.name == "sqlite":
        locked = under_the_lock(statements)
        assert all(s.startswith(("INSERT", "UPDATE")) for s in locked), locked
        assert not any("ON CONFLICT" in s for s in locked)  # not the full path's balance lock
    assert await balance_of(db, other_member) == 4
    reply_row = (await entries(db, other_member))[-1]
    assert (reply_row.reason, reply_row.amount, reply_row.balance_after, reply_row.post_id, reply_row.created_at) == (
        R.REPLY, 3, 4, reply.id, NOW)
    await assert_balances_match_ledger(db)


async def test_the_daily_cap_holds_for_prepared_earnings(db, settings, member, other_member, category, frozen_clock):
    await set_rules(db, thread=5, reply=2, daily_cap=7)
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Cap", body="cap")
    await db.commit()
    for i in range(5):
        await posting.create_reply(other_member, thread_id=thread.id, body=f"reply {i}")
        await db.commit()
    assert [e.amount for e in await entries(db, other_member)] == [2, 2, 2, 1]  # the fifth earns nothing
    _, opening = await posting.create_thread(other_member, category_id=category.id, title="Capped", body="thread")
    await db.commit()
    assert [e.amount for e in await entries(db, other_member)] == [2, 2, 2, 1]
    frozen_clock["now"] = NOW.replace(hour=18)  # 01:00 the next day in Bangkok
    await posting.create_reply(other_member, thread_id=thread.id, body="a new day")
    await db.commit()
    assert [e.amount for e in await entries(db, other_member)] == [2, 2, 2, 1, 2]
    assert await balance_of(db, other_member) == 9
    await assert_balances_match_ledger(db)


async def test_an_earning_that_lands_between_the_reads_and_the_post_is_counted(
        db, session_maker, settings, member, other_member, category, frozen_clock, statements):
    """Another request credits the same member after this one read its coins and before it writes:
    the prepared credit is refused and the full path decides, under the lock, with the cap."""
    await set_rules(db, thread=5, reply=3, daily_cap=7)
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Race", body="race")
    await db.commit()
    await posting.create_reply(other_member, thread_id=thread.id, body="first: 3")
    await db.commit()
    elsewhere, _ = await posting.create_thread(member, category_id=category.id, title="Elsewhere", body="x")
    await db.commit()

    async def meanwhile(session, *, draft, **_):
        if draft.body == "second":
            async with session_maker() as other:  # another request: a reply elsewhere earns 3 (today 6)
                await PostingService(other, settings).create_reply(
                    await other.get(m.User, other_member.id), thread_id=elsewhere.id, body="meanwhile")
                await other.commit()

    events.subscribe("post.saving")(meanwhile)
    try:
        statements.clear()
        await posting.create_reply(other_member, thread_id=thread.id, body="second")
        await db.commit()
    finally:
        events._handlers["post.saving"].remove(meanwhile)
    # By the prepared figures (today 3) it would have earned 3 and passed the cap; it earns the 1 left.
    assert [e.amount for e in await entries(db, other_member)] == [3, 3, 1]
    assert await balance_of(db, other_member) == 7
    if db.bind.dialect.name == "sqlite":
        assert any("ON CONFLICT" in s for s in under_the_lock(statements))  # the full path's lock
    await assert_balances_match_ledger(db)


async def test_a_failing_write_after_the_post_leaves_nothing_saved(db, settings, member, other_member, category,
                                                                    frozen_clock):
    await set_rules(db, reply=3, daily_cap=0)
    await grant(db, other_member, 1)
    thread, _ = await PostingService(db, settings).create_thread(member, category_id=category.id, title="Fail", body="x")
    await db.commit()
    before = (await db.get(m.Thread, thread.id, populate_existing=True)).reply_count

    async def failing(session, **_):
        await session.execute(text("INSERT INTO categories (id, slug, name_th, name_en, position, thread_count) "
                                   "VALUES (:id, :slug, 'x', 'x', 0, 0)"), {"id": category.id, "slug": "dup"})

    events.subscribe("post.created")(failing)
    try:
        with pytest.raises(IntegrityError):
            await PostingService(db, settings).create_reply(other_member, thread_id=thread.id, body="half")
    finally:
        events._handlers["post.created"].remove(failing)
    thread_id, member_id = thread.id, other_member.id
    await db.rollback()  # (expires every loaded instance)
    other_member = await db.get(m.User, member_id)
    assert (await db.scalars(select(m.Post.id).where(m.Post.body_raw == "half"))).all() == []
    assert (await db.get(m.Thread, thread_id)).reply_count == before
    assert await balance_of(db, other_member) == 1
    assert [e.reason for e in await entries(db, other_member)] == [R.ADJUSTMENT]
    await assert_balances_match_ledger(db)


async def test_ended_members_and_guru_answers_take_the_full_path_and_earn_as_before(
        db, settings, member, guru, category, frozen_clock):
    await set_rules(db, thread=0, reply=2, guru_answer=10, daily_cap=0)
    await grant(db, guru, 1)
    question, _ = await PostingService(db, settings).create_thread(
        member, category_id=category.id, title="Which oil?", body="?", kind=m.ThreadKind.QUESTION)
    await db.commit()
    answer = await PostingService(db, settings).create_reply(guru, thread_id=question.id, body="0W-20")
    await db.commit()
    assert sorted((e.reason, e.amount) for e in await entries(db, guru) if e.post_id == answer.id) == [
        (R.GURU_ANSWER, 10), (R.REPLY, 2)]
    assert await CoinService(db).prepare_earning(
        m.User(id=guru.id, status=m.MemberStatus.RESIGNED), R.REPLY, NOW) is None


async def test_a_replys_statements_run_on_the_loop_and_only_its_commit_hops(
        db, settings, member, other_member, category, frozen_clock, monkeypatch):
    """The write path's point reads are marked `sqlite_on_loop` (forum.sqlite_driver): on SQLite a
    reply by a member with coins sends every statement from the event loop's thread except the
    commit (the first write too, when the writers' turn is free: h-reqcpu; the commit hops here since
    this engine has no background checkpoints, see forum.checkpoints)."""
    if db.bind.dialect.name != "sqlite":
        pytest.skip("SQLite's driver only")
    import threading

    from forum import sqlite_driver

    await set_rules(db, thread=5, reply=3, daily_cap=0)
    await grant(db, other_member, 1)  # a balance row: the prepared path
    thread, _ = await PostingService(db, settings).create_thread(member, category_id=category.id, title="Oil", body="which")
    await db.commit()
    loop_thread, seen = threading.get_ident(), []
    run, end = sqlite_driver._run, sqlite_driver._end

    def recording(raw, turn, operation, parameters, many):
        seen.append((operation.split()[0].upper(), threading.get_ident() == loop_thread))
        return run(raw, turn, operation, parameters, many)

    def recording_end(raw, turn, commit):
        seen.append(("COMMIT" if commit else "ROLLBACK", threading.get_ident() == loop_thread))
        return end(raw, turn, commit)

    monkeypatch.setattr(sqlite_driver, "_run", recording)
    monkeypatch.setattr(sqlite_driver, "_end", recording_end)
    await PostingService(db, settings).create_reply(other_member, thread_id=thread.id, body="5W-30")
    await db.commit()
    first_write = next(i for i, (keyword, _) in enumerate(seen) if keyword == "INSERT")
    assert all(on_loop for _, on_loop in seen[:first_write]), seen  # the member's checks and coins' pre-read
    assert seen[first_write] == ("INSERT", True)  # the turn was free
    assert all(on_loop for _, on_loop in seen[first_write + 1:-1]), seen
    assert seen[-1] == ("COMMIT", False)
    # the thread, the checks, the allowance and the coins' pre-read: one statement (forum.services.posting `submit_reads`)
    assert sum(1 for keyword, _ in seen[:first_write] if keyword == "SELECT") >= 1
    assert await balance_of(db, other_member) == 4
