"""The guests' page cache (forum.page_cache): served again while nothing it shows changed, and never
once something did, whichever way the change was made; never a member's page to anyone else; the
Gold-only and 18+ gates hold; and two app instances see each other's changes."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

import models as m
from forum.app import create_app
from forum.page_cache import LocalGenerations, RedisGenerations, register, thread_tag
from forum.services.posting import PostingService

from ...factories import PASSWORD, login, post_form
from ..guru.conftest import answer, ask

UTC = dt.timezone.utc


class Browser:
    """Another browser (its own cookie jar) on the test client, so that it shares the client's
    event loop (asyncpg connections belong to one loop)."""

    def __init__(self, client) -> None:
        self.client, self.cookies, self.app = client, httpx.Cookies(), client.app

    async def _call(self, method: str, url: str, **kwargs):
        saved, self.client.cookies = self.client.cookies, self.cookies
        try:
            return await getattr(self.client, method)(url, **kwargs)
        finally:
            self.cookies, self.client.cookies = self.client.cookies, saved

    async def get(self, url: str, **kwargs):
        return await self._call("get", url, **kwargs)

    async def post(self, url: str, **kwargs):
        return await self._call("post", url, **kwargs)


@pytest.fixture
def guest(client):
    """A second browser, never logged in."""
    return Browser(client)


@pytest.fixture
def stats(app):
    return app.state.page_cache.stats


async def cached_twice(guest, stats, url: str) -> str:
    """Fetches a page twice as a guest and checks the second came from the cache."""
    first = await guest.get(url)
    assert first.status_code == 200
    hits = stats.hits
    second = await guest.get(url)
    assert second.status_code == 200 and stats.hits == hits + 1
    assert second.text == first.text
    return second.text


async def test_a_guest_page_is_served_from_the_cache_with_the_visitors_own_csrf_token(app, client, guest, stats,
                                                                                     factory, member, category):
    thread = await factory.thread(category, member, "ยางรั่วซึม", "ลมยางลดทุกวัน")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    # A new visitor gets their own token, its cookie, and a page whose form carries it.
    hits = stats.hits
    page = await client.get(f"/t/{thread.id}")
    assert stats.hits == hits + 1
    token = client.cookies["csrftoken"]
    assert token != guest.cookies["csrftoken"] and f'value="{token}"' in page.text
    assert guest.cookies["csrftoken"] not in page.text
    # and the language switch works with it (the token is valid)
    switched = await post_form(client, "/lang", {"lang": "en", "next": f"/t/{thread.id}"})
    assert switched.status_code == 200 and 'lang="en"' in switched.text


async def test_each_language_has_its_own_page(guest, stats, factory, member, category):
    thread = await factory.thread(category, member, "แอร์ไม่เย็น")
    thai = await cached_twice(guest, stats, f"/t/{thread.id}")
    guest.cookies["lang"] = "en"
    english = (await guest.get(f"/t/{thread.id}")).text
    assert 'lang="th"' in thai and 'lang="en"' in english


async def test_a_reply_refreshes_the_thread_the_category_and_not_other_threads(client, guest, stats, factory, member,
                                                                               category):
    thread = await factory.thread(category, member, "เบรกมีเสียง")
    other = await factory.thread(category, member, "ไฟหน้าเหลือง")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    await cached_twice(guest, stats, f"/t/{other.id}")
    await cached_twice(guest, stats, f"/c/{category.slug}")
    await login(client, member)
    await post_form(client, f"/t/{thread.id}/reply", {"body": "เปลี่ยนผ้าเบรกแล้วหายครับ"})
    assert "เปลี่ยนผ้าเบรกแล้วหายครับ" in (await guest.get(f"/t/{thread.id}")).text
    listing = (await guest.get(f"/c/{category.slug}")).text
    assert f'/t/{thread.id}">เบรกมีเสียง' in listing.split("<tbody>")[1].split("</tr>")[0]  # bumped to the top
    hits = stats.hits
    await guest.get(f"/t/{other.id}")  # untouched: still from the cache
    assert stats.hits == hits + 1


async def test_an_edit_is_shown_at_once(client, guest, stats, db, factory, member, category):
    thread = await factory.thread(category, member, "น้ำมันเครื่องรุ่นไหนดี", "ใช้ 5W-30 อยู่")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    await cached_twice(guest, stats, f"/c/{category.slug}")
    post = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    await login(client, member)
    await post_form(client, f"/p/{post.id}/edit", {"body": "เปลี่ยนเป็น 0W-20 แล้ว", "title": "น้ำมันเครื่องเกรดไหนดี"})
    page = (await guest.get(f"/t/{thread.id}")).text
    assert "0W-20" in page and "5W-30" not in page
    assert "น้ำมันเครื่องเกรดไหนดี" in (await guest.get(f"/c/{category.slug}")).text


async def test_a_visibility_change_hides_the_post_from_the_cached_pages(guest, stats, db, settings, factory, member,
                                                                        admin, category):
    thread = await factory.thread(category, member, "ขายยางมือสอง")
    reply = await PostingService(db, settings, []).create_reply(member, thread_id=thread.id, body="ทักไลน์มาเลย")
    await db.commit()
    assert "ทักไลน์มาเลย" in await cached_twice(guest, stats, f"/t/{thread.id}")
    await PostingService(db, settings, []).set_visibility(reply, m.Visibility.DELETED, admin)
    await db.commit()
    assert "ทักไลน์มาเลย" not in (await guest.get(f"/t/{thread.id}")).text
    # the opening post hidden: the thread is gone for guests
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id, m.Post.is_opening.is_(True)))
    await cached_twice(guest, stats, f"/c/{category.slug}")
    await PostingService(db, settings, []).set_visibility(opening, m.Visibility.DELETED, admin)
    await db.commit()
    assert (await guest.get(f"/t/{thread.id}")).status_code == 404
    assert "ขายยางมือสอง" not in (await guest.get(f"/c/{category.slug}")).text


async def test_a_moderators_delete_from_the_queue_reaches_the_cached_page(client, guest, stats, db, factory, member,
                                                                          other_member, admin, category):
    thread = await factory.thread(category, member, "แต่งรถ", "ขายของแต่งราคาถูก")
    post = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    assert "ขายของแต่งราคาถูก" in await cached_twice(guest, stats, f"/t/{thread.id}")
    await login(client, other_member)
    await post_form(client, f"/p/{post.id}/report", {"rule": "trading"})
    item = await db.scalar(select(m.ReviewItem).where(m.ReviewItem.post_id == post.id))
    await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})
    await login(client, admin)
    response = await post_form(client, f"/admin/moderation/{item.id}/delete", {"version": item.version, "rule": "trading"})
    assert response.status_code == 200
    assert (await guest.get(f"/t/{thread.id}")).status_code == 404


async def test_a_category_change_and_a_members_rename_reach_every_page(guest, stats, db, factory, member, category):
    thread = await factory.thread(category, member, "ช่วงล่างดัง")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    await cached_twice(guest, stats, "/")
    category.name_th = "ซ่อมบำรุง"
    await db.commit()
    assert "ซ่อมบำรุง" in (await guest.get(f"/t/{thread.id}")).text
    assert "ซ่อมบำรุง" in (await guest.get("/")).text
    member.display_name = "ช่างสมชาย"
    await db.commit()
    assert "ช่างสมชาย" in (await guest.get(f"/t/{thread.id}")).text


async def test_the_gold_and_18_gates_hold_when_a_cached_category_becomes_gated(guest, stats, db, factory, member,
                                                                               category):
    thread = await factory.thread(category, member, "รวมพลคนรักรถ")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    await cached_twice(guest, stats, f"/c/{category.slug}")
    for access in (m.CategoryAccess.GOLD, m.CategoryAccess.ADULT):
        category.access = access
        await db.commit()
        for url in (f"/t/{thread.id}", f"/c/{category.slug}"):
            page = await guest.get(url)
            assert page.status_code == 403 and "รวมพลคนรักรถ" not in page.text


async def test_a_members_page_is_never_served_to_a_guest_or_another_member(client, guest, stats, db, factory, member,
                                                                           other_member, category):
    category.access = m.CategoryAccess.GOLD
    await db.commit()
    member.tier = m.Tier.GOLD
    await db.commit()
    thread = await factory.thread(category, member, "ห้องสมาชิกโกลด์")
    await login(client, member)
    for _ in range(2):
        page = await client.get(f"/t/{thread.id}")
        assert page.status_code == 200 and member.display_name in page.text
    assert stats.hits == 0 and stats.stored == 0  # members never read from nor fill the cache
    refused = await guest.get(f"/t/{thread.id}")
    assert refused.status_code == 403 and "ห้องสมาชิกโกลด์" not in refused.text
    other = Browser(client)
    await other.get("/login")
    await other.post("/login", data={"_csrf_token": other.cookies["csrftoken"], "login_id": other_member.login_id,
                                     "password": PASSWORD})
    page = await other.get(f"/t/{thread.id}")
    assert page.status_code == 403 and "ห้องสมาชิกโกลด์" not in page.text
    assert other_member.display_name in page.text and member.display_name not in page.text
    assert stats.hits == 0


async def test_a_flash_message_is_never_cached_nor_shown_to_others(client, guest, stats, factory, member, category):
    thread = await factory.thread(category, member, "ถามเรื่องประกัน")
    await login(client, member)
    reply = await post_form(client, f"/t/{thread.id}/reply", {"body": "ต่อประกันชั้นหนึ่งที่ไหนดี"}, follow_redirects=False)
    await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})
    page = await guest.get(reply.headers["location"])
    assert 'class="flash' not in page.text


async def test_a_notice_and_a_maintenance_window_reach_the_cached_pages(app, guest, stats, db, factory, member,
                                                                        category):
    from ..notices.conftest import Clock

    app.state.clock = clock = Clock(dt.datetime.now(UTC).replace(microsecond=0))
    thread = await factory.thread(category, member, "นัดทริปเขาใหญ่")
    await cached_twice(guest, stats, f"/t/{thread.id}")
    await cached_twice(guest, stats, "/")
    start = clock.now + dt.timedelta(hours=1)
    window = m.Notice(kind=m.NoticeKind.MAINTENANCE, title_th="ปิดปรับปรุง", body_th="x", title_en="Upgrade",
                      body_en="x", published_at=clock.now - dt.timedelta(minutes=1), starts_at=start,
                      ends_at=start + dt.timedelta(hours=1), functions="replies")
    db.add(window)
    await db.commit()
    assert "ปิดปรับปรุง" in (await guest.get(f"/t/{thread.id}")).text  # announced at once
    clock.move_to(start + dt.timedelta(minutes=1))  # the window begins: the banner says so
    assert "notice-banner" in (page := (await guest.get(f"/t/{thread.id}")).text) and 'class="nb active"' in page
    clock.move_to(start + dt.timedelta(hours=2))  # and ends
    assert 'class="nb active"' not in (await guest.get(f"/t/{thread.id}")).text
    window.functions = "whole_board"
    window.ends_at = start + dt.timedelta(hours=3)
    await db.commit()
    closed = await guest.get(f"/t/{thread.id}")
    assert closed.status_code == 503  # the gate, not a cached page


async def test_guru_answers_and_accepting_one_reach_the_cached_question(client, guest, stats, db, settings, member,
                                                                        guru, category):
    question = await ask(db, settings, member, category, "รถสตาร์ทไม่ติดตอนเช้า")
    for url in (f"/t/{question.id}", f"/guru/q/{question.id}"):
        await cached_twice(guest, stats, url)
    post = await answer(db, settings, guru, question, "ตรวจแบตเตอรี่ก่อนครับ")
    for url in (f"/t/{question.id}", f"/guru/q/{question.id}"):
        assert "ตรวจแบตเตอรี่ก่อนครับ" in (await guest.get(url)).text
    before = await cached_twice(guest, stats, f"/guru/q/{question.id}")
    await login(client, member)
    accepted = await post_form(client, f"/guru/a/{post.id}/accept", follow_redirects=False)
    assert accepted.status_code == 303
    after = (await guest.get(f"/guru/q/{question.id}")).text
    assert after != before and after.count("accepted") > before.count("accepted")


async def test_two_app_instances_see_each_others_changes(settings, client, factory, member, category):
    """Two server processes: a reply through one is shown at once by the other's cache."""
    thread = await factory.thread(category, member, "ถามเรื่องเกียร์")
    other_app = create_app(settings)
    async with AsyncTestClient(app=other_app) as elsewhere:
        other_stats = other_app.state.page_cache.stats
        await cached_twice(elsewhere, other_stats, f"/t/{thread.id}")
        await login(client, member)
        await post_form(client, f"/t/{thread.id}/reply", {"body": "น้ำมันเกียร์ถึงรอบเปลี่ยนหรือยัง"})
        assert "น้ำมันเกียร์ถึงรอบเปลี่ยนหรือยัง" in (await elsewhere.get(f"/t/{thread.id}")).text


def test_two_mappings_of_the_generation_file_share_every_bump(tmp_path):
    """The file is what processes share: one mapping's bump is read by another at once."""
    one, two = LocalGenerations(tmp_path / "gen"), LocalGenerations(tmp_path / "gen")
    tags = ("all", thread_tag(7))
    before = two.read(tags)
    one.bump([thread_tag(7)])
    after = two.read(tags)
    assert after[0] == before[0] and after[1] != before[1]


def test_two_boards_on_one_redis_with_their_own_prefixes_keep_their_own_stores(monkeypatch):
    """The prefix from WEBBOARD_PAGE_CACHE_PREFIX names the store: two boards on one Redis never share pages."""
    url = "redis://127.0.0.1:6379/15"
    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"board-a-{uuid.uuid4().hex}")
    first = register(RedisGenerations(url))
    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"board-b-{uuid.uuid4().hex}")
    second = register(RedisGenerations(url))
    assert first is not second
    assert first.prefix != second.prefix


@pytest.mark.skipif(not os.environ.get("WEBBOARD_TEST_REDIS_URL"), reason="WEBBOARD_TEST_REDIS_URL not set")
async def test_two_app_instances_sharing_redis_see_each_others_changes(settings, factory, member, category,
                                                                       monkeypatch):
    import dataclasses

    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"webboard-pc-test-{uuid.uuid4().hex[:8]}")
    redis_settings = dataclasses.replace(
        settings, security=dataclasses.replace(settings.security, redis_url=os.environ["WEBBOARD_TEST_REDIS_URL"]))
    thread = await factory.thread(category, member, "ทริปเชียงใหม่")
    one, two = create_app(redis_settings), create_app(redis_settings)
    async with AsyncTestClient(app=one) as writer, AsyncTestClient(app=two) as reader:
        await reader.get(f"/t/{thread.id}")
        assert "ทริปเชียงใหม่" in (await writer.get(f"/t/{thread.id}")).text
        assert one.state.page_cache.stats.hits == 1  # rendered by the other instance, shared through Redis
        await login(writer, member)
        await post_form(writer, f"/t/{thread.id}/reply", {"body": "ออกเดินทางวันศุกร์"})
        assert "ออกเดินทางวันศุกร์" in (await reader.get(f"/t/{thread.id}")).text


async def test_a_members_kept_row_and_unread_count_follow_every_change(app, client, db, factory, member, category):
    """forum.member_cache: the member's row, unread count and terms are kept between requests and
    read again as soon as any of them changes."""
    category.access = m.CategoryAccess.GOLD
    await db.commit()
    await login(client, member)
    assert (await client.get(f"/c/{category.slug}")).status_code == 403
    cache = app.state.member_cache
    hits = cache.hits
    assert (await client.get("/")).status_code == 200 and cache.hits == hits + 1  # kept, no query for the row
    member.tier = m.Tier.GOLD  # an admin's decision, committed elsewhere
    await db.commit()
    assert (await client.get(f"/c/{category.slug}")).status_code == 200
    db.add(m.Notification(user_id=member.id, kind="test", params={}))
    await db.commit()
    assert 'class="badge"' in (await client.get("/")).text
    await post_form(client, "/notifications/read")  # one bulk UPDATE for the member's notifications
    assert 'class="badge"' not in (await client.get("/")).text
    db.add(m.TermsVersion(version="2027-01", effective_on=dt.date(2026, 1, 1), body_th="x", body_en="x"))
    await db.commit()
    assert (await client.get("/", follow_redirects=False)).status_code in (302, 303)  # to the terms page
    member.status = m.MemberStatus.REVOKED
    await db.commit()
    page = await client.get(f"/c/{category.slug}")
    assert page.status_code == 403 and client.cookies.get("session") in (None, "null")  # logged out at once


# --- older category pages (`?after=`): stored under their rows' tags (h-catread) ---------------------------

async def _older_board(client, factory, member, category, at: dt.datetime | None = None):
    """45 threads a minute apart (two per minute): page 1 shows thread-44..25, page 2 thread-24..05."""
    start = at or dt.datetime(2026, 1, 1, tzinfo=UTC)
    threads = [await factory.thread(category, member, f"thread-{i:02d}", at=start + dt.timedelta(minutes=i // 2))
               for i in range(45)]
    cursor = (await client.get(f"/api/categories/{category.slug}/threads")).json()["next_cursor"]
    return threads, f"/c/{category.slug}?after={cursor}", f"/api/categories/{category.slug}/threads?after={cursor}"


async def _titles_agree(client, page: str, api: str) -> list[str]:
    """The cached page lists exactly the threads an uncached read of the same cursor gives."""
    titles = [t["title"] for t in (await client.get(api)).json()["threads"]]
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert [t for t in titles if f">{t}<" in body] == titles
    assert body.count("/t/") >= len(titles)
    return titles


async def test_a_reply_to_a_thread_on_no_older_page_leaves_that_page_cached(client, guest, stats, factory, member,
                                                                           category):
    threads, older, api = await _older_board(client, factory, member, category)
    page = await cached_twice(guest, stats, older)
    await login(client, member)
    await post_form(client, f"/t/{threads[40].id}/reply", {"body": "ตอบกระทู้ในหน้าแรก"})  # on page 1
    await post_form(client, f"/t/{threads[1].id}/reply", {"body": "ตอบกระทู้ที่อยู่หลังหน้านี้"})  # past page 2
    hits = stats.hits
    again = await guest.get(older)
    assert stats.hits == hits + 1 and again.text == page  # neither reply changed it: still from the cache
    titles = await _titles_agree(client, again.text, api)
    assert titles[0] == "thread-24" and titles[-1] == "thread-05"
    # page 1 did change: the replied threads are on top
    first = (await guest.get(f"/c/{category.slug}")).text.split("<tbody>")[1]
    assert first.index(">thread-01<") < first.index(">thread-40<") < first.index(">thread-44<")


async def test_a_reply_moves_its_thread_off_the_older_page_it_was_on(client, guest, stats, factory, member, category):
    threads, older, api = await _older_board(client, factory, member, category)
    assert ">thread-10<" in await cached_twice(guest, stats, older)
    await login(client, member)
    await post_form(client, f"/t/{threads[10].id}/reply", {"body": "ยังมีปัญหาอยู่ครับ"})
    misses = stats.misses
    page = (await guest.get(older)).text
    assert stats.misses == misses + 1  # rendered again
    assert ">thread-10<" not in page and ">thread-04<" in page  # gone to page 1; the next one moved up
    await _titles_agree(client, page, api)
    # and the page stored after the move is served while nothing on it changes
    assert (await cached_twice(guest, stats, older)) == page


async def test_the_thread_past_an_older_page_drops_it_too(client, guest, stats, factory, member, category):
    threads, older, api = await _older_board(client, factory, member, category)
    await cached_twice(guest, stats, older)
    await login(client, member)
    await post_form(client, f"/t/{threads[4].id}/reply", {"body": "ตอบกระทู้ถัดจากหน้านี้"})  # read for the next link
    misses = stats.misses
    await _titles_agree(client, (await guest.get(older)).text, api)
    assert stats.misses == misses + 1


async def test_a_thread_moved_into_an_older_pages_range_or_hidden_on_it_reaches_it(guest, stats, db, settings, factory,
                                                                                  member, admin, category):
    threads, older, api = await _older_board(guest, factory, member, category)
    other = await factory.category("suspension", "ช่วงล่าง", "Suspension")
    stranger = await factory.thread(other, member, "moved-in", at=threads[15].last_activity_at)
    await cached_twice(guest, stats, older)
    moved = await db.get(m.Thread, stranger.id)
    moved.category_id = category.id
    await db.commit()
    page = (await guest.get(older)).text
    assert ">moved-in<" in page  # shown on no page before: only the category's older-pages tag can tell
    await _titles_agree(guest, page, api)
    await cached_twice(guest, stats, older)
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == threads[20].id, m.Post.is_opening.is_(True)))
    await PostingService(db, settings, []).set_visibility(opening, m.Visibility.DELETED, admin)
    await db.commit()
    page = (await guest.get(older)).text
    assert ">thread-20<" not in page
    await _titles_agree(guest, page, api)


async def test_a_new_thread_drops_the_older_pages(client, guest, stats, factory, member, category):
    _, older, api = await _older_board(client, factory, member, category)
    await cached_twice(guest, stats, older)
    await factory.thread(category, member, "brand-new")
    misses = stats.misses
    await _titles_agree(client, (await guest.get(older)).text, api)
    assert stats.misses == misses + 1


async def test_a_late_reply_or_a_recent_cursor_keeps_the_whole_category_rule(monkeypatch, client, guest, stats,
                                                                           factory, member, category):
    from forum import page_cache

    threads, older, api = await _older_board(client, factory, member, category)
    await cached_twice(guest, stats, older)
    await login(client, member)
    # A reply committed OLDER_MARGIN or more after its own timestamp might land below an older page's rows:
    # it drops every older page of its category (here every reply counts as late).
    monkeypatch.setattr(page_cache, "OLDER_MARGIN", dt.timedelta(seconds=-3600))
    await post_form(client, f"/t/{threads[1].id}/reply", {"body": "ตอบช้าไปหน่อย"})
    misses = stats.misses
    await _titles_agree(client, (await guest.get(older)).text, api)
    assert stats.misses == misses + 1
    monkeypatch.undo()


async def test_an_older_page_with_a_recent_cursor_follows_every_reply(client, guest, stats, factory, member, category):
    threads, older, api = await _older_board(client, factory, member, category,
                                             at=dt.datetime.now(UTC) - dt.timedelta(minutes=5))
    await cached_twice(guest, stats, older)
    await login(client, member)
    await post_form(client, f"/t/{threads[1].id}/reply", {"body": "ตอบกระทู้ที่อยู่หลังหน้านี้"})
    misses = stats.misses
    await _titles_agree(client, (await guest.get(older)).text, api)
    assert stats.misses == misses + 1  # cursor within OLDER_MARGIN of now: tagged by the whole category


async def test_a_silver_members_older_page_follows_the_same_rule(client, stats, factory, member, other_member, category):
    threads, older, api = await _older_board(client, factory, member, category)
    await login(client, other_member)
    members = client.app.state.page_cache.members.stats
    await client.get(older)
    hits = members.hits
    page = (await client.get(older)).text
    assert members.hits == hits + 1
    poster = Browser(client)
    await login(poster, member)
    await post_form(poster, f"/t/{threads[1].id}/reply", {"body": "ตอบกระทู้ที่อยู่หลังหน้านี้"})
    again = (await client.get(older)).text
    assert members.hits == hits + 2 and again == page
    await post_form(poster, f"/t/{threads[12].id}/reply", {"body": "ตอบกระทู้ในหน้านี้"})
    again = (await client.get(older)).text
    assert members.hits == hits + 2 and ">thread-12<" not in again


def test_a_bump_moves_the_category_tags_before_the_threads():
    from forum.page_cache import in_bump_order

    order = in_bump_order(["t:5", "co:1", "c:1", "home", "t:7", "c:2"])
    assert set(order[:2]) == {"c:1", "c:2"} and len(order) == 6
