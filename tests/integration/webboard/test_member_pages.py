"""Members' pages from the render cache (forum.member_pages): one stored page per kind of viewer,
filled in per member, so never one member's name, token or own-post links on another's page or a
guest's; never stale after a reply, an edit, a moderation action, a notice, a tier or role change,
an accepted answer or a new notification; the Gold-only and 18+ gates checked on every request;
a member's own held post keeps their page their own."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest
from sqlalchemy import select

import models as m
from forum.services.posting import PostingService

from ...factories import PASSWORD, login, post_form
from ..guru.conftest import answer, ask
from .test_page_cache import Browser

UTC = dt.timezone.utc


@pytest.fixture
def stats(app):
    return app.state.page_cache.members.stats


async def signed_in(client, user: m.User) -> Browser:
    browser = Browser(client)
    await browser.get("/login")
    done = await browser.post("/login", data={"_csrf_token": browser.cookies["csrftoken"], "login_id": user.login_id,
                                              "password": PASSWORD})
    assert done.status_code in (200, 303) and browser.cookies.get("session")
    return browser


async def from_cache(browser: Browser, stats, url: str) -> str:
    """The page as this member gets it from the cache (the first requests after a login or a change
    go the ordinary way and store the page; a hit must follow within a few requests)."""
    for _ in range(5):
        hits = stats.hits
        page = await browser.get(url)
        assert page.status_code == 200, page.status_code
        if stats.hits == hits + 1:
            return page.text
    raise AssertionError(f"{url} never came from the member page cache")


def account_name(page: str) -> str:
    return re.search(r'class="me-name">([^<]*)<', page).group(1)


def tokens(page: str) -> set[str]:
    return set(re.findall(r'name="_csrf_token" value="([^"]*)"', page))


async def test_one_stored_page_serves_every_member_with_their_own_name_token_and_links(
        client, guest_browser, stats, factory, member, other_member, guru, category):
    thread = await factory.thread(category, member, "ไฟเตือนเครื่องยนต์ติด", "ขึ้นไฟรูปเครื่องยนต์")
    mine = (await factory.session.scalars(select(m.Post.id).where(m.Post.thread_id == thread.id))).one()
    url = f"/t/{thread.id}"
    one, two, three = await signed_in(client, member), await signed_in(client, other_member), await signed_in(client, guru)
    first = await from_cache(one, stats, url)
    stored = stats.stored
    second, third = await from_cache(two, stats, url), await from_cache(three, stats, url)
    assert stats.stored == stored  # the Silver member's and the guru's pages came from the same stored page
    assert account_name(first) == member.display_name and account_name(second) == other_member.display_name
    assert account_name(third) == guru.display_name
    assert f"/p/{mine}/edit" in first and f"/p/{mine}/delete" in first and f"/p/{mine}/report" not in first
    assert f"/p/{mine}/edit" not in second and f"/p/{mine}/report" in second
    assert tokens(first) == {one.cookies["csrftoken"]} and tokens(second) == {two.cookies["csrftoken"]}
    assert tokens(third) == {three.cookies["csrftoken"]}
    guest_page = (await guest_browser.get(url)).text
    assert 'class="me-name"' not in guest_page and "/p/" not in guest_page.split("<main")[1].split("</main>")[0]
    assert tokens(guest_page) == {guest_browser.cookies["csrftoken"]}
    # the token in the page is the member's real one: their forms work
    reply = await two.post(f"/t/{thread.id}/reply", data={"_csrf_token": tokens(second).pop(), "body": "ลองเช็คปลั๊กหัวเทียน"},
                           follow_redirects=False)
    assert reply.status_code == 303


async def test_admins_have_their_own_page(client, stats, factory, member, admin, category):
    thread = await factory.thread(category, member, "เช็คระยะ 10,000 กม.")
    url = f"/t/{thread.id}"
    member_page = await from_cache(await signed_in(client, member), stats, url)
    admin_page = await from_cache(await signed_in(client, admin), stats, url)
    assert "/close-duplicate" in admin_page and 'href="/admin"' in admin_page
    assert "/close-duplicate" not in member_page and 'href="/admin"' not in member_page
    assert account_name(admin_page) == admin.display_name


async def test_a_member_without_a_csrf_cookie_gets_one_with_the_cached_page(client, stats, factory, member, category):
    thread = await factory.thread(category, member, "ล้อแม็กซ์ขอบ 17")
    browser = await signed_in(client, member)
    await from_cache(browser, stats, f"/t/{thread.id}")
    old = browser.cookies["csrftoken"]
    browser.cookies.delete("csrftoken")
    hits = stats.hits
    page = await browser.get(f"/t/{thread.id}")
    assert stats.hits == hits + 1
    new = browser.cookies["csrftoken"]
    assert new != old and tokens(page.text) == {new}


async def test_no_stale_member_page_after_replies_edits_and_moderation(client, stats, db, settings, factory, member,
                                                                       other_member, admin, category):
    thread = await factory.thread(category, member, "เกียร์กระตุก", "เปลี่ยนเกียร์ 2 ไป 3 กระตุก")
    url = f"/t/{thread.id}"
    reader = await signed_in(client, other_member)
    listing = f"/c/{category.slug}"
    await from_cache(reader, stats, url)
    await from_cache(reader, stats, listing)
    writer = await signed_in(client, member)
    await writer.post(f"/t/{thread.id}/reply", data={"_csrf_token": writer.cookies["csrftoken"], "body": "ลองล้างวาล์วบอดี้"})
    assert "ลองล้างวาล์วบอดี้" in (await reader.get(url)).text
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id, m.Post.is_opening.is_(True)))
    await writer.post(f"/p/{opening.id}/edit", data={"_csrf_token": writer.cookies["csrftoken"],
                                                      "body": "กระตุกตอนเกียร์ 3 ไป 4", "title": "เกียร์กระตุกตอนร้อน"})
    page = (await reader.get(url)).text
    assert "กระตุกตอนเกียร์ 3 ไป 4" in page and "เปลี่ยนเกียร์ 2 ไป 3" not in page
    assert "เกียร์กระตุกตอนร้อน" in (await reader.get(listing)).text
    await from_cache(reader, stats, url)
    reply = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id, m.Post.is_opening.is_(False)))
    await PostingService(db, settings, []).set_visibility(reply, m.Visibility.DELETED, admin)
    await db.commit()
    assert "ลองล้างวาล์วบอดี้" not in (await reader.get(url)).text
    await PostingService(db, settings, []).set_visibility(opening, m.Visibility.DELETED, admin)
    await db.commit()
    assert (await reader.get(url)).status_code == 404
    assert "เกียร์กระตุกตอนร้อน" not in (await reader.get(listing)).text


async def test_no_stale_member_page_after_a_notice_a_tier_or_role_change_and_a_notification(
        app, client, stats, db, factory, member, other_member, category):
    from ..notices.conftest import Clock

    app.state.clock = clock = Clock(dt.datetime.now(UTC).replace(microsecond=0))
    thread = await factory.thread(category, other_member, "นัดล้างแอร์")
    url = f"/t/{thread.id}"
    reader = await signed_in(client, member)
    await from_cache(reader, stats, url)
    start = clock.now + dt.timedelta(hours=1)
    window = m.Notice(kind=m.NoticeKind.MAINTENANCE, title_th="ปิดปรับปรุงระบบ", body_th="x", title_en="Upgrade",
                      body_en="x", published_at=clock.now - dt.timedelta(minutes=1), starts_at=start,
                      ends_at=start + dt.timedelta(hours=1), functions="replies")
    db.add(window)
    await db.commit()
    assert "ปิดปรับปรุงระบบ" in (await reader.get(url)).text
    clock.move_to(start + dt.timedelta(minutes=1))
    assert 'class="nb active"' in (await reader.get(url)).text
    clock.move_to(start + dt.timedelta(hours=2))
    assert 'class="nb active"' not in await from_cache(reader, stats, url)
    # the author becomes a Gold member, then a guru: their badges on every page at once
    other_member.tier = m.Tier.GOLD
    await db.commit()
    assert 'class="gold-badge"' in (await reader.get(url)).text
    await from_cache(reader, stats, url)
    other_member.role = m.Role.GURU
    await db.commit()
    assert 'class="guru-badge"' in (await reader.get(url)).text
    # a notification for the reader: their own count on the cached page, nobody else's
    page = await from_cache(reader, stats, url)
    assert 'class="badge"' not in page
    db.add(m.Notification(user_id=member.id, kind="test", params={}))
    await db.commit()
    page = await from_cache(reader, stats, url)
    assert 'class="badge"><span class="sr">' in page
    other = await from_cache(await signed_in(client, other_member), stats, url)
    assert 'class="badge"' not in other


async def test_an_accepted_guru_answer_reaches_the_members_cached_thread_page(client, stats, db, settings, member,
                                                                              other_member, guru, category):
    question = await ask(db, settings, member, category, "แบตเตอรี่หมดบ่อย")
    url = f"/t/{question.id}"
    reader = await signed_in(client, other_member)
    await from_cache(reader, stats, url)
    post = await answer(db, settings, guru, question, "ตรวจไดชาร์จด้วยครับ")
    before = await from_cache(reader, stats, url)
    assert "ตรวจไดชาร์จด้วยครับ" in before
    asker = await signed_in(client, member)
    accepted = await asker.post(f"/guru/a/{post.id}/accept", data={"_csrf_token": asker.cookies["csrftoken"]},
                                follow_redirects=False)
    assert accepted.status_code == 303
    misses = stats.misses
    await from_cache(reader, stats, url)
    assert stats.misses > misses  # rendered again after the accept, not served from before


async def test_gold_and_18_gates_are_checked_for_every_member_on_a_cached_page(client, stats, db, factory, member,
                                                                               other_member, category):
    member.tier = m.Tier.GOLD
    other_member.date_of_birth = dt.date.today().replace(year=dt.date.today().year - 15)
    await db.commit()
    thread = await factory.thread(category, member, "บันทึกเจ้าของรถ")
    gold, young = await signed_in(client, member), await signed_in(client, other_member)
    for access in (m.CategoryAccess.GOLD, m.CategoryAccess.ADULT):
        category.access = access
        await db.commit()
        for url in (f"/t/{thread.id}", f"/c/{category.slug}"):
            assert "บันทึกเจ้าของรถ" in await from_cache(gold, stats, url)  # stored for members
            refused = await young.get(url)
            assert refused.status_code == 403 and "บันทึกเจ้าของรถ" not in refused.text
            assert account_name(refused.text) == other_member.display_name
    # and when the gate opens for them (verified Gold), the stored page is theirs too
    category.access = m.CategoryAccess.GOLD
    other_member.tier = m.Tier.GOLD
    await db.commit()
    assert "บันทึกเจ้าของรถ" in await from_cache(young, stats, f"/t/{thread.id}")
    member.tier = m.Tier.SILVER  # and closes for the other
    await db.commit()
    assert (await gold.get(f"/t/{thread.id}")).status_code == 403


async def test_a_members_own_held_post_stays_on_their_page_only(client, stats, db, factory, member, other_member,
                                                                admin, category):
    thread = await factory.thread(category, other_member, "ยางหมดอายุกี่ปี")
    url = f"/t/{thread.id}"
    author, reader = await signed_in(client, member), await signed_in(client, other_member)
    await from_cache(reader, stats, url)
    db.add(m.Post(thread_id=thread.id, author_id=member.id, body_raw="ขายยางมือสองถูกๆ", body_html="<p>ขายยางมือสองถูกๆ</p>",
                  visibility=m.Visibility.HELD))
    await db.commit()
    for _ in range(3):
        assert "ขายยางมือสองถูกๆ" in (await author.get(url)).text
    for _ in range(3):
        assert "ขายยางมือสองถูกๆ" not in (await reader.get(url)).text
    assert "ขายยางมือสองถูกๆ" not in await from_cache(reader, stats, url)
    assert "ขายยางมือสองถูกๆ" in await from_cache(await signed_in(client, admin), stats, url)  # admins see held posts


async def test_a_flash_message_is_shown_once_and_never_stored(client, stats, factory, member, other_member, category):
    thread = await factory.thread(category, other_member, "ถามเรื่องผ้าเบรก")
    author = await signed_in(client, member)
    await from_cache(author, stats, f"/t/{thread.id}")
    await author.post(f"/t/{thread.id}/reply", data={"_csrf_token": author.cookies["csrftoken"], "body": "เปลี่ยนทุก 40,000"},
                      follow_redirects=False)
    shown = await author.get(f"/t/{thread.id}")
    assert 'class="flash' in shown.text
    assert 'class="flash' not in (await author.get(f"/t/{thread.id}")).text
    assert 'class="flash' not in await from_cache(await signed_in(client, other_member), stats, f"/t/{thread.id}")


async def test_a_revoked_member_is_logged_out_at_once_on_a_cached_page(client, stats, db, factory, member, category):
    thread = await factory.thread(category, member, "ประกันชั้นหนึ่ง")
    browser = await signed_in(client, member)
    await from_cache(browser, stats, f"/t/{thread.id}")
    member.status = m.MemberStatus.REVOKED
    await db.commit()
    page = await browser.get(f"/t/{thread.id}")
    assert 'class="me-name"' not in page.text and browser.cookies.get("session") in (None, "null")


async def test_the_viewers_own_rename_and_promotion_show_at_once(client, stats, db, factory, member, category):
    thread = await factory.thread(category, member, "ล้างหัวฉีด")
    browser = await signed_in(client, member)
    assert 'href="/admin"' not in await from_cache(browser, stats, f"/t/{thread.id}")
    member.display_name = "ช่างเอก"
    await db.commit()
    assert account_name((await browser.get(f"/t/{thread.id}")).text) == "ช่างเอก"
    member.role = m.Role.ADMIN
    await db.commit()
    assert 'href="/admin"' in (await browser.get(f"/t/{thread.id}")).text
    assert 'href="/admin"' in await from_cache(browser, stats, f"/t/{thread.id}")


@pytest.fixture
def guest_browser(client):
    return Browser(client)


@pytest.mark.skipif(not os.environ.get("WEBBOARD_TEST_REDIS_URL"), reason="WEBBOARD_TEST_REDIS_URL not set")
async def test_two_app_instances_sharing_redis_share_member_pages_and_their_changes(settings, factory, member,
                                                                                   other_member, category, monkeypatch):
    import dataclasses

    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    monkeypatch.setenv("WEBBOARD_PAGE_CACHE_PREFIX", f"webboard-pc-test-{uuid.uuid4().hex[:8]}")
    redis_settings = dataclasses.replace(
        settings, security=dataclasses.replace(settings.security, redis_url=os.environ["WEBBOARD_TEST_REDIS_URL"]))
    thread = await factory.thread(category, member, "ทริปน่าน")
    url = f"/t/{thread.id}"
    one, two = create_app(redis_settings), create_app(redis_settings)
    async with AsyncTestClient(app=one) as first, AsyncTestClient(app=two) as second:
        writer = await signed_in(first, member)
        await from_cache(writer, one.state.page_cache.members.stats, url)
        reader = await signed_in(second, other_member)
        page = await from_cache(reader, two.state.page_cache.members.stats, url)
        assert two.state.page_cache.members.stats.stored == 0  # the page the other instance stored, through Redis
        assert account_name(page) == other_member.display_name and tokens(page) == {reader.cookies["csrftoken"]}
        await writer.post(f"{url}/reply", data={"_csrf_token": writer.cookies["csrftoken"], "body": "ออกเช้าวันเสาร์"})
        assert "ออกเช้าวันเสาร์" in (await reader.get(url)).text
