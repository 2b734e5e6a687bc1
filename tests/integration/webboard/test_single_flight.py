"""The page caches render a missing page once per process however many readers ask for it at the same
moment (forum.single_flight), and never hand a reader a page rendered for generations older than the
ones it read: a request that arrives after a change gets the changed page even while a render of the
old one is still running. A failing render is not shared; no flight outlives its render."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
import uuid

import httpx
import pytest

from forum import page_cache
from forum.app import create_app
from forum.services.posting import PostingService

from .test_member_pages import account_name, from_cache, signed_in, tokens


class Renders:
    """Counts the caches' renders (every render for a cache goes through `page_cache.run_and_keep`).
    Renders can be made slow (so the other readers arrive meanwhile); the first can be made to fail,
    or be held after it rendered until released."""

    def __init__(self, monkeypatch, *, slow: float = 0.0, fail_first: bool = False, hold_first: bool = False) -> None:
        self.count = 0
        self.held, self.release = threading.Event(), threading.Event()
        self.began = threading.Event()  # the first render has started
        original = page_cache.run_and_keep

        async def counted(app, scope, receive, forward=None):
            self.count += 1
            first = self.count == 1
            if first:
                self.began.set()
            if slow:
                await asyncio.sleep(slow)
            if first and fail_first:
                raise RuntimeError("the render failed")
            kept = await original(app, scope, receive, forward)
            if first and hold_first:
                self.held.set()
                await asyncio.to_thread(self.release.wait, 20)
            return kept

        monkeypatch.setattr(page_cache, "run_and_keep", counted)


async def _get(client, url: str, cookies: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=client.app, raise_app_exceptions=False)
    headers = {"cookie": cookies} if cookies else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
        return await http.get(url, headers=headers)


def at_once(client, *requests: tuple[str, str | None]) -> list[httpx.Response]:
    """The requests sent together on the app's own event loop (the test client sends one at a time)."""

    async def run() -> list[httpx.Response]:
        return list(await asyncio.gather(*(_get(client, url, cookies) for url, cookies in requests)))

    return client.blocking_portal.call(run)


def cookie_header(browser) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


REDIS_URL = os.environ.get("WEBBOARD_TEST_REDIS_URL")


@pytest.fixture(params=["memory", *(["redis"] if REDIS_URL else [])])
def app(request, settings, monkeypatch):
    """The app with its generations in the data dir's file, and (WEBBOARD_TEST_REDIS_URL) in Redis with
    the pages stored there too."""
    if request.param == "memory":
        return create_app(settings)
    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"webboard-pc-test-{uuid.uuid4().hex[:8]}")
    shared = create_app(dataclasses.replace(settings, security=dataclasses.replace(settings.security, redis_url=REDIS_URL)))
    assert shared.state.page_cache.shared
    return shared


@pytest.fixture
def cache(app):
    return app.state.page_cache


async def test_readers_asking_at_once_for_a_missing_guest_page_cause_one_render(client, cache, monkeypatch, factory,
                                                                                member, category):
    thread = await factory.thread(category, member, "ช่วงล่างมีเสียงกึกกัก")
    renders = Renders(monkeypatch, slow=0.3)
    pages = at_once(client, *[(f"/t/{thread.id}", None)] * 8 + [(f"/c/{category.slug}", None)] * 4)
    assert renders.count == 2  # one per page
    assert all(page.status_code == 200 for page in pages)
    assert all("ช่วงล่างมีเสียงกึกกัก" in page.text for page in pages)
    assert cache.stats.waited == 10
    # each reader has a token of its own, in its cookie and in the page's form
    own = [page.cookies["csrftoken"] for page in pages]
    assert len(set(own)) == 12
    assert all(f'value="{token}"' in page.text for token, page in zip(own, pages))
    assert len(cache.flights) == 0


async def test_members_asking_at_once_cause_one_render_and_each_gets_their_own_parts(client, cache, monkeypatch,
                                                                                     factory, member, other_member,
                                                                                     guru, category):
    thread = await factory.thread(category, member, "แบตเตอรี่หมดเร็ว")
    third = await factory.user("member3", "Member Three")
    people = [member, other_member, guru, third]
    browsers = [await signed_in(client, person) for person in people]
    for browser in browsers:  # their rows and sessions kept: the member page cache serves them
        await from_cache(browser, cache.members.stats, "/")
    renders = Renders(monkeypatch, slow=0.3)
    pages = at_once(client, *[(f"/t/{thread.id}", cookie_header(b)) for b in browsers])
    assert renders.count == 1
    assert cache.members.stats.waited == 3
    for person, browser, page in zip(people, browsers, pages):
        assert page.status_code == 200 and "แบตเตอรี่หมดเร็ว" in page.text
        assert account_name(page.text) == person.display_name
        assert tokens(page.text) == {browser.cookies["csrftoken"]}
    assert len(cache.flights) == 0


async def test_a_reader_after_a_reply_never_gets_the_page_still_being_rendered_for_before_it(
        client, cache, monkeypatch, db, settings, factory, member, category):
    thread = await factory.thread(category, member, "น้ำมันเกียร์ออโต้")
    url = f"/t/{thread.id}"
    cache.flights.wait = 60  # a reader that joined the old render would wait for it, not render on its own
    renders = Renders(monkeypatch, hold_first=True)
    before = client.blocking_portal.start_task_soon(_get, client, url)
    assert renders.held.wait(10)  # the page as it was is rendered, not yet handed out nor stored
    await PostingService(db, settings, []).create_reply(member, thread_id=thread.id, body="เปลี่ยนทุก 40,000 กม.")
    await db.commit()  # bumps the thread's generation

    async def within(seconds: float) -> httpx.Response:
        return await asyncio.wait_for(_get(client, url), seconds)

    after = client.blocking_portal.call(within, 10)
    assert after.status_code == 200 and "เปลี่ยนทุก 40,000 กม." in after.text
    assert renders.count == 2 and not before.done()  # its own render, beside the old one
    renders.release.set()
    old = before.result(timeout=10)
    assert old.status_code == 200 and "เปลี่ยนทุก 40,000 กม." not in old.text  # asked before the reply
    hits = cache.stats.hits
    again = await client.get(url)
    assert "เปลี่ยนทุก 40,000 กม." in again.text and cache.stats.hits == hits + 1  # the old render was not stored over it
    assert renders.count == 2 and len(cache.flights) == 0


async def test_a_failing_render_does_not_reach_the_readers_waiting_for_it(client, cache, monkeypatch, factory,
                                                                          member, category):
    thread = await factory.thread(category, member, "ไฟหน้าขุ่น")
    renders = Renders(monkeypatch, slow=0.3, fail_first=True)
    pages = at_once(client, *[(f"/t/{thread.id}", None)] * 5)
    failed = [page for page in pages if page.status_code == 500]
    assert len(failed) == 1  # the request whose render failed (the first to arrive, whichever it is)
    assert all(page.status_code == 200 and "ไฟหน้าขุ่น" in page.text for page in pages if page not in failed)
    assert renders.count == 5  # each waiter rendered on its own
    assert cache.stats.waited == 0
    assert len(cache.flights) == 0
    hits = cache.stats.hits
    assert "ไฟหน้าขุ่น" in (await client.get(f"/t/{thread.id}")).text and cache.stats.hits == hits + 1


async def test_a_failing_member_render_does_not_reach_the_members_waiting_for_it(client, cache, monkeypatch, factory,
                                                                                 member, other_member, category):
    thread = await factory.thread(category, member, "ยางแตกลายงา")
    browsers = [await signed_in(client, person) for person in (member, other_member)]
    for browser in browsers:
        await from_cache(browser, cache.members.stats, "/")
    renders = Renders(monkeypatch, slow=0.3, fail_first=True)
    pages = at_once(client, *[(f"/t/{thread.id}", cookie_header(b)) for b in browsers])
    assert sorted(page.status_code for page in pages) == [200, 500]
    for person, page in zip((member, other_member), pages):
        if page.status_code == 200:
            assert account_name(page.text) == person.display_name
    assert renders.count == 2 and cache.members.stats.waited == 0
    assert len(cache.flights) == 0
