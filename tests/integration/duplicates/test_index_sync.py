"""The per-process index follows the database: late commits, edits, and a start-up build."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import models as m
from forum.duplicates.service import DuplicateService, LiveIndex

from ...factories import api, login


async def found(db, live: LiveIndex, title: str, body: str = "") -> list[int]:
    return [s.id for s in await DuplicateService(db, live).similar(None, title, body)]


async def test_a_thread_committed_late_with_an_older_timestamp_is_still_indexed(db, factory, category, other_member):
    live = LiveIndex()
    newer = await factory.thread(category, other_member, "Revo brakes squeal when stopping", "new pads")
    assert await found(db, live, "Revo brake squeal") == [newer.id]  # builds the index
    late = await factory.thread(category, other_member, "Fortuner engine oil change interval", "2.8 diesel")
    # flushed earlier, committed later
    late.updated_at = late.content_changed_at = newer.content_changed_at - dt.timedelta(seconds=5)
    await db.commit()
    assert await found(db, live, "Fortuner oil change interval") == [late.id]


async def test_an_edited_title_is_found_by_its_new_words_only(client, db, factory, member, other_member, category):
    thread = await factory.thread(category, member, "Almera CVT jerks from first to second", "at low speed")
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    await login(client, other_member)
    before = (await client.get("/api/threads/similar", params={"title": "Almera CVT jerks"})).json()
    assert [t["id"] for t in before["threads"]] == [thread.id]
    await login(client, member)
    edited = await api(client, "PATCH", f"/api/posts/{opening.id}",
                       {"title": "Civic window tint: which ceramic film?", "body": "new Civic, ceramic film brands"})
    assert edited.status_code == 200
    await login(client, other_member)
    assert (await client.get("/api/threads/similar", params={"title": "Almera CVT jerks"})).json()["threads"] == []
    after = (await client.get("/api/threads/similar", params={"title": "ฟิล์มกรองแสง ซีวิค เซรามิก"})).json()
    assert [t["id"] for t in after["threads"]] == [thread.id]


async def test_the_index_is_built_from_the_database_at_start_up(db, factory, settings, category, other_member):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app
    from forum.duplicates.hook import live_index

    published = await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start")
    await factory.thread(category, other_member, "Yaris battery dead each morning", "held", visibility=m.Visibility.HELD)
    app = create_app(settings)
    async with AsyncTestClient(app=app):
        live = live_index(app.state)
        assert live.ready and len(live.index) == 1 and published.id in live.index
