"""`threads.content_changed_at` (revision 0016_newthread) moves when what the duplicate index
holds of a thread can change, and only then; the catch-up of every other process keys on it, so
an edit made elsewhere is seen and a reply costs no re-read. And the text a process checked for a
new thread is not analysed again when its catch-up indexes that thread."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

import models as m
from forum.duplicates.features import Analyzer
from forum.duplicates.service import DuplicateService, LiveIndex, shared_analyzer
from forum.services.posting import PostingService

from .counting import CountingAnalyzer


async def changed_at(db, thread_id: int) -> dt.datetime:
    value = await db.scalar(select(m.Thread.content_changed_at).where(m.Thread.id == thread_id))
    assert value is not None
    return value


async def opening_of(db, thread_id: int) -> m.Post:
    return await db.scalar(select(m.Post).where(m.Post.thread_id == thread_id, m.Post.is_opening.is_(True)))


async def found(db, live: LiveIndex, title: str, body: str = "") -> list[int]:
    return [s.id for s in await DuplicateService(db, live).similar(None, title, body)]


async def test_replies_leave_it_and_every_change_of_the_indexed_content_moves_it(
        db, settings, factory, category, member, other_member):
    thread = await factory.thread(category, member, "Vios idle rough when cold", "shakes until warm")
    posting = PostingService(db, settings)
    created = await changed_at(db, thread.id)
    updated = await db.scalar(select(m.Thread.updated_at).where(m.Thread.id == thread.id))

    reply = await posting.create_reply(other_member, thread_id=thread.id, body="check the idle valve")
    await db.commit()
    assert await db.scalar(select(m.Thread.updated_at).where(m.Thread.id == thread.id)) > updated
    assert await changed_at(db, thread.id) == created  # a reply: the indexed text is the same
    await posting.set_visibility(reply, m.Visibility.HELD)  # hiding a reply: the same again
    await db.commit()
    assert await changed_at(db, thread.id) == created

    await posting.edit_post(member, (await opening_of(db, thread.id)).id, title="Vios idle rough when cold",
                            body="shakes until warm, worse with the aircon on")  # the body only
    await db.commit()
    after_body = await changed_at(db, thread.id)
    assert after_body > created

    # SQL outside the ORM too (the database keeps the column, not the code that writes)
    await db.execute(update(m.Thread).where(m.Thread.id == thread.id).values(title="Vios rough idle, cold start"))
    await db.commit()
    after_title = await changed_at(db, thread.id)
    assert after_title > after_body

    await posting.set_visibility(await opening_of(db, thread.id), m.Visibility.HELD)  # the whole thread
    await db.commit()
    held = await changed_at(db, thread.id)
    assert held > after_title

    await db.execute(update(m.Thread).where(m.Thread.id == thread.id).values(reply_count=m.Thread.reply_count + 1))
    await db.commit()
    assert await changed_at(db, thread.id) == held


async def test_a_reply_in_another_process_costs_this_process_no_re_read(
        db, settings, factory, category, member, other_member):
    thread = await factory.thread(category, member, "Hilux Revo clutch slipping uphill", "smells burnt")
    live = LiveIndex()  # this process's index; the posts below come from "another process"
    assert await found(db, live, "Revo clutch slipping") == [thread.id]
    read = live.rows_read
    await PostingService(db, settings).create_reply(other_member, thread_id=thread.id, body="adjust the pedal")
    await db.commit()
    assert await found(db, live, "Revo clutch slipping") == [thread.id]
    assert live.rows_read == read

    newer = await factory.thread(category, other_member, "Ranger gearbox whine in fifth", "only when cruising")
    assert await found(db, live, "Ranger gearbox whine fifth") == [newer.id]
    assert live.rows_read == read + 1  # a new thread is read, once


async def test_an_edit_or_a_hide_in_another_process_is_seen_by_the_next_check(
        db, settings, factory, category, member, other_member, admin):
    thread = await factory.thread(category, member, "Almera CVT jerks from first to second", "at low speed")
    other = await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start")
    live = LiveIndex()
    assert await found(db, live, "Almera CVT jerks") == [thread.id]
    posting = PostingService(db, settings)

    await posting.edit_post(member, (await opening_of(db, thread.id)).id,
                            title="Civic window tint: which ceramic film?", body="new Civic, ceramic film brands")
    await db.commit()
    assert await found(db, live, "Almera CVT jerks") == []
    assert await found(db, live, "Civic ceramic window film") == [thread.id]

    await posting.set_visibility(await opening_of(db, other.id), m.Visibility.HELD, actor=admin)
    await db.commit()
    await found(db, live, "Civic ceramic window film")
    assert other.id not in live.index

    original = await factory.thread(category, other_member, "Which ceramic tint film for a Civic?", "brands")
    await DuplicateService(db, live).close_as_duplicate(thread.id, original.id, admin, move_replies=False,
                                                        now=dt.datetime.now(dt.timezone.utc))
    await db.commit()
    await found(db, live, "Civic ceramic window film")
    assert thread.id not in live.index


async def test_a_new_thread_checked_in_this_process_is_not_analysed_again_when_indexed(
        db, factory, category, member, other_member):
    analyzer = CountingAnalyzer()
    live = LiveIndex(analyzer)
    await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start")
    await found(db, live, "Yaris battery flat")  # builds: the thread and the query
    calls = analyzer.calls
    title, body = "Ranger gearbox whine in fifth", "only when cruising on the highway"
    checked = await DuplicateService(db, live).similar(member, title, body)  # the new thread's check
    assert checked == [] and analyzer.calls == calls + 1
    thread = await factory.thread(category, member, title, body)
    assert await found(db, live, "Ranger gearbox whine fifth") == [thread.id]
    assert analyzer.calls == calls + 2  # this query only: the catch-up reused the check's analysis
    plain = Analyzer(shared_analyzer().vocabulary)
    assert live.index.analyzer.analyze(title, body) == plain.analyze(title, body)
    assert live.index.analyzer.vocabulary is analyzer.vocabulary
