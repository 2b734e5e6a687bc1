"""Two server processes share their rendered pages (forum.shared_pages): a page one process rendered serves
the other without a render of its own, with the other's visitor's own token and a member's own parts;
while one renders, the other waits for that page instead of rendering it too; a page rendered before a
change is never served after it; a render that fails or cannot be shared leaves the other to render on its
own; and a member the Gold-only gate refuses gets the 403, not the page a Gold member's render stored."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import uuid

import httpx
import pytest
from litestar.testing import AsyncTestClient

import models as m
from forum import shared_pages
from forum.app import create_app
from forum.services.posting import PostingService

from .test_member_pages import account_name, from_cache, signed_in, tokens
from .test_page_cache import Browser
from .test_single_flight import Renders, cookie_header


REDIS_URL = os.environ.get("WEBBOARD_TEST_REDIS_URL")


@pytest.fixture(params=["files", *(["redis"] if REDIS_URL else [])])
def run(request, monkeypatch, settings):
    """The settings of a server run whose processes share their pages: in the data dir (the run named as
    `webboard serve` names one for its workers) or, with WEBBOARD_TEST_REDIS_URL, in Redis."""
    monkeypatch.setenv(shared_pages.RUN_ENV, uuid.uuid4().hex)
    if request.param == "files":
        return settings
    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"webboard-pc-test-{uuid.uuid4().hex[:8]}")
    return dataclasses.replace(settings, security=dataclasses.replace(settings.security, redis_url=REDIS_URL))


@pytest.fixture
def app(run):
    return create_app(run)


@pytest.fixture
async def elsewhere(run):
    """The second server process: another app on the same data dir and run, with its own test client."""
    other = create_app(run)
    async with AsyncTestClient(app=other) as client:
        yield client


def stats(client):
    return client.app.state.page_cache.stats


async def _get(client, url: str, cookies: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=client.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
        return await http.get(url, headers={"cookie": cookies} if cookies else {})


def started(client, url: str, cookies: str | None = None):
    """The request sent on that client's own event loop, not waited for (a future)."""
    return client.blocking_portal.start_task_soon(_get, client, url, cookies)


async def test_a_page_one_process_rendered_serves_the_other_with_its_visitors_own_token(client, elsewhere, monkeypatch,
                                                                                       factory, member, category):
    thread = await factory.thread(category, member, "ยางรั่วซึมที่วาล์ว")
    renders = Renders(monkeypatch)
    first = await Browser(client).get(f"/t/{thread.id}")
    assert first.status_code == 200 and "ยางรั่วซึมที่วาล์ว" in first.text
    page = await elsewhere.get(f"/t/{thread.id}")
    assert page.status_code == 200 and "ยางรั่วซึมที่วาล์ว" in page.text
    assert renders.count == 1 and stats(elsewhere).hits == 1  # no render of its own
    token = elsewhere.cookies["csrftoken"]
    assert tokens(page.text) == {token} and tokens(first.text) != {token}


async def test_a_page_stored_before_a_reply_is_never_served_after_it_by_either_process(client, elsewhere, db, settings,
                                                                                      factory, member, category):
    thread = await factory.thread(category, member, "แอร์ไม่เย็นตอนรถติด")
    urls = (f"/t/{thread.id}", f"/c/{category.slug}")
    for url in urls:
        await Browser(client).get(url)
        assert (await elsewhere.get(url)).status_code == 200
    await PostingService(db, settings, []).create_reply(member, thread_id=thread.id, body="ลองล้างคอยล์ร้อนดูครับ")
    await db.commit()
    assert "ลองล้างคอยล์ร้อนดูครับ" in (await elsewhere.get(urls[0])).text
    assert "ลองล้างคอยล์ร้อนดูครับ" in (await Browser(client).get(urls[0])).text
    for page in ((await elsewhere.get(urls[1])).text, (await Browser(client).get(urls[1])).text):
        assert re.search(r'<td class="num" data-label="[^"]*">1</td>', page)  # the thread's reply count


async def test_while_one_process_renders_a_page_the_other_waits_for_it_instead_of_rendering(
        client, elsewhere, monkeypatch, factory, member, category):
    thread = await factory.thread(category, member, "เกียร์กระตุกตอนเช้า")
    url = f"/t/{thread.id}"
    renders = Renders(monkeypatch, hold_first=True)
    first = started(client, url)
    assert renders.held.wait(10)  # rendered, not yet stored: the process still holds the page's lock
    second = started(elsewhere, url)
    # Until the other process has missed the page (then it waits for ours): on a loaded machine its
    # request may not even reach the cache within a fixed pause, and would then find the stored page.
    for _ in range(200):
        if stats(elsewhere).misses:
            break
        await asyncio.sleep(0.05)
    assert stats(elsewhere).misses == 1 and not second.done()  # waiting for the first process's page
    renders.release.set()
    one, two = first.result(timeout=10), second.result(timeout=10)
    assert one.status_code == two.status_code == 200
    assert "เกียร์กระตุกตอนเช้า" in one.text and "เกียร์กระตุกตอนเช้า" in two.text
    assert renders.count == 1 and stats(elsewhere).shared == 1
    assert tokens(two.text) == {two.cookies["csrftoken"]} != tokens(one.text)


async def test_a_reader_after_a_reply_does_not_wait_for_the_other_process_rendering_the_page_before_it(
        client, elsewhere, monkeypatch, db, settings, factory, member, category):
    thread = await factory.thread(category, member, "น้ำมันเกียร์ออโต้")
    url = f"/t/{thread.id}"
    elsewhere.app.state.page_cache.flights.wait = 60  # waiting on the older render would outlast the test's patience
    renders = Renders(monkeypatch, hold_first=True)
    before = started(client, url)
    assert renders.held.wait(10)  # the page as it was, rendered and held: its process keeps the page's lock
    await PostingService(db, settings, []).create_reply(member, thread_id=thread.id, body="เปลี่ยนทุก 40,000 กม.")
    await db.commit()
    after = started(elsewhere, url).result(timeout=10)
    assert after.status_code == 200 and "เปลี่ยนทุก 40,000 กม." in after.text
    assert not before.done() and renders.count == 2
    renders.release.set()
    assert "เปลี่ยนทุก 40,000 กม." not in before.result(timeout=10).text  # asked before the reply


async def test_a_render_that_fails_in_one_process_leaves_the_other_to_render_on_its_own(
        client, elsewhere, monkeypatch, factory, member, category):
    thread = await factory.thread(category, member, "ไฟหน้ามัว")
    url = f"/t/{thread.id}"
    renders = Renders(monkeypatch, slow=0.5, fail_first=True)
    first = started(client, url)
    # the second process asks only once the first process's render (the one that fails) has begun
    assert await asyncio.to_thread(renders.began.wait, 10)
    second = started(elsewhere, url)
    one, two = first.result(timeout=10), second.result(timeout=10)
    assert one.status_code == 500
    assert two.status_code == 200 and "ไฟหน้ามัว" in two.text
    assert renders.count == 2 and stats(elsewhere).shared == 0


async def test_a_members_page_from_the_other_process_carries_the_viewers_own_name_and_token(
        client, elsewhere, monkeypatch, factory, member, other_member, category):
    thread = await factory.thread(category, member, "เช็คระยะ 10,000 กม.")
    url = f"/t/{thread.id}"
    one = await signed_in(client, member)
    two = await signed_in(elsewhere, other_member)
    members_here, members_there = client.app.state.page_cache.members.stats, elsewhere.app.state.page_cache.members.stats
    await from_cache(two, members_there, "/")  # the member's row kept by the second process
    first = await from_cache(one, members_here, url)
    assert account_name(first) == member.display_name
    renders, hits = Renders(monkeypatch), members_there.hits
    page = await two.get(url)
    assert page.status_code == 200 and renders.count == 0 and members_there.hits == hits + 1
    assert account_name(page.text) == other_member.display_name
    assert tokens(page.text) == {two.cookies["csrftoken"]}
    assert member.display_name not in page.text.split('class="me-name">')[1][:80]


async def test_the_gold_gate_is_checked_for_a_page_another_process_rendered_for_a_gold_member(
        client, elsewhere, db, factory, member, other_member, category):
    member.tier = m.Tier.GOLD
    category.access = m.CategoryAccess.GOLD
    await db.commit()
    thread = await factory.thread(category, member, "บันทึกเจ้าของรถคันแรก")
    url = f"/t/{thread.id}"
    gold, silver = await signed_in(client, member), await signed_in(elsewhere, other_member)
    members_there = elsewhere.app.state.page_cache.members.stats
    await from_cache(silver, members_there, "/")
    assert "บันทึกเจ้าของรถคันแรก" in await from_cache(gold, client.app.state.page_cache.members.stats, url)
    refused = await silver.get(url)
    assert refused.status_code == 403 and "บันทึกเจ้าของรถคันแรก" not in refused.text


async def test_a_file_store_serves_only_the_key_it_was_given(tmp_path):
    store = shared_pages.FileStore(tmp_path, slots=1)  # every key in one file
    await store.put("a", b"page a", 60)
    assert await store.get("a") == b"page a"
    assert await store.get("b") is None  # the slot holds another key's page
    handle = await store.try_lock("a")
    assert handle is not None and await store.locked("a") and await store.try_lock("a") is None
    await store.release("a", handle)
    assert not await store.locked("a")


def test_serve_names_a_fresh_run_and_removes_the_earlier_runs_pages(tmp_path, monkeypatch):
    monkeypatch.setenv(shared_pages.RUN_ENV, "")  # (restored after the test: start_run sets it for the workers)
    first = shared_pages.start_run(tmp_path)
    old = shared_pages.file_store(tmp_path)
    assert old is not None and old.directory.exists()
    monkeypatch.setenv(shared_pages.RUN_ENV, "")
    second = shared_pages.start_run(tmp_path)
    assert second != first and not old.directory.exists()
    monkeypatch.setenv(shared_pages.RUN_ENV, "0")
    assert shared_pages.start_run(tmp_path) is None and shared_pages.file_store(tmp_path) is None


async def test_a_store_whose_directory_was_removed_keeps_serving_without_sharing(tmp_path):
    store = shared_pages.FileStore(tmp_path / "run")
    (tmp_path / "run").rmdir()
    await store.put("a", b"page a", 60)  # not stored, no error: the page stays the process's own
    handle = await store.try_lock("a|1")
    assert handle is not None  # the directory made again: the render goes on
    await store.release("a|1", handle)


async def test_readers_joining_a_render_here_skip_the_shared_store_and_get_the_page_before_it_is_stored(
        client, monkeypatch, db, settings, factory, member, category):
    """After a reply, the readers of its category page that arrive while this process renders it wait for that
    render without looking in the shared store, and are answered as soon as it is rendered: before the page is
    written to the shared store (held here), which only the rendering request waits for."""
    import threading

    thread = await factory.thread(category, member, "ช่วงล่างมีเสียงดังกึกกัก")
    url = f"/c/{category.slug}"
    assert (await Browser(client).get(url)).status_code == 200
    await PostingService(db, settings, []).create_reply(member, thread_id=thread.id, body="ลองเช็คลูกหมากดูครับ")
    await db.commit()
    store = client.app.state.page_cache.store
    looks, written = [], threading.Event()
    original_get, original_put = store.get, store.put

    async def counted_get(key):
        looks.append(key)
        return await original_get(key)

    async def held_put(key, value, ttl):
        await asyncio.to_thread(written.wait, 10)
        await original_put(key, value, ttl)

    monkeypatch.setattr(store, "get", counted_get)
    monkeypatch.setattr(store, "put", held_put)
    renders = Renders(monkeypatch, slow=0.3)
    leader = started(client, url)
    assert await asyncio.to_thread(renders.began.wait, 10)
    looked = len(looks)  # the rendering request's own looks (before its render began)
    followers = [started(client, url), started(client, url)]
    try:
        pages = [follower.result(timeout=10) for follower in followers]  # while the store is still held
        assert not leader.done()
    finally:
        written.set()
    pages.append(leader.result(timeout=10))
    for page in pages:
        assert page.status_code == 200
        assert re.search(r'<td class="num" data-label="[^"]*">1</td>', page.text)  # the reply counted
    assert renders.count == 1 and stats(client).waited == 2
    assert len(looks) == looked  # the followers never looked in the shared store
    assert tokens(pages[0].text) != tokens(pages[1].text)  # each visitor's own token


@pytest.fixture(params=["files", *(["redis"] if REDIS_URL else [])])
def bare_store(request, tmp_path):
    if request.param == "files":
        return shared_pages.FileStore(tmp_path / "run")
    from forum.page_cache import RedisGenerations

    return shared_pages.RedisStore(RedisGenerations(REDIS_URL, prefix=f"webboard-pc-test-{uuid.uuid4().hex[:8]}"))


async def test_lock_and_get_tries_the_lock_and_reads_the_page_together(bare_store):
    handle, raw = await bare_store.lock_and_get("a|1", "a")
    assert handle is not None and raw is None and await bare_store.locked("a|1")
    await bare_store.put("a", b"page a", 60)
    again, raw = await bare_store.lock_and_get("a|1", "a")
    assert again is None and raw == b"page a"  # locked by the first: the page as stored now
    if isinstance(bare_store, shared_pages.RedisStore):
        await bare_store.release("a|1", "not-the-holders-token")
        assert await bare_store.locked("a|1")  # another's lock (an expired one retaken) stays theirs
    await bare_store.release("a|1", handle)
    assert not await bare_store.locked("a|1")
    other, raw = await bare_store.lock_and_get("a|2", "a")  # the lock of other generations: free
    assert other is not None and raw == b"page a"
    await bare_store.release("a|2", other)
