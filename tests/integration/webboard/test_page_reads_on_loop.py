"""The cached pages' reads are bounded indexed reads marked `sqlite_on_loop` (forum.sqlite_driver,
h-submit6): on SQLite a guest's category and thread pages run every statement on the event loop's
thread, so a changed page's render is not stretched by what the loop runs between a hop and its
return while the page's readers wait for it. The members' page of posts sorts a thread's posts
(an OR on visibility) and keeps its hop. The pages themselves are what they were."""

from __future__ import annotations

import asyncio

import pytest

from forum import sqlite_driver

from ...factories import login


def _on_an_event_loop() -> bool:
    """True on the thread of a running event loop (the app's), False on aiosqlite's thread (the test
    client may drive the app from a thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def statements(monkeypatch):
    seen = []
    run = sqlite_driver._run

    def recording(raw, turn, operation, parameters, many):
        seen.append((" ".join(operation.split()[:4]), _on_an_event_loop()))
        return run(raw, turn, operation, parameters, many)

    monkeypatch.setattr(sqlite_driver, "_run", recording)
    return seen


async def test_a_guests_category_and_thread_pages_read_without_a_hop(client, db, factory, member, category, statements):
    if db.bind.dialect.name != "sqlite":
        pytest.skip("SQLite's driver only")
    thread = await factory.thread(category, member, "Vios idle rough when cold", "shakes until warm")
    paths = (f"/c/{category.slug}", f"/t/{thread.id}", "/")
    for path in paths:  # the connection's pragmas and the page cache's slug map, once
        assert (await client.get(path)).status_code == 200
    await factory.thread(category, member, "Vios idle rough again", "still shakes")  # every page above changes
    thread.title = "Vios idle rough when cold, fixed"
    await db.commit()
    for path, shown in zip(paths, ("Vios idle rough again", "Vios idle rough when cold, fixed", category.name_th)):
        statements.clear()
        response = await client.get(path)
        assert response.status_code == 200 and shown in response.text  # rendered again, with the change
        page = [(text, on_loop) for text, on_loop in statements
                if not text.startswith("SELECT categories.slug, categories.id")]  # the cache's slug map, not the page
        assert page and all(on_loop for _, on_loop in page), (path, statements)


async def test_a_members_page_of_posts_keeps_its_hop(client, db, factory, member, other_member, category,
                                                     statements, monkeypatch):
    if db.bind.dialect.name != "sqlite":
        pytest.skip("SQLite's driver only")
    monkeypatch.setenv("WEBBOARD_MEMBER_PAGE_CACHE", "0")
    thread = await factory.thread(category, other_member, "Vios idle rough when cold", "shakes until warm")
    await login(client, member)
    statements.clear()
    response = await client.get(f"/t/{thread.id}")
    assert response.status_code == 200 and "shakes until warm" in response.text
    posts = [on_loop for text, on_loop in statements if text.startswith("SELECT posts.id")]
    assert posts == [False], statements  # the members' statement sorts the thread's posts: off the loop
