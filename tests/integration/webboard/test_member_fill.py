"""The personal parts of a member's cached page (forum.member_pages.fill) are kept once built (h-readers):
a member's account menu per name, unread count, CSRF token and language, a "Report" link per post and
language. These prove a kept part is never another member's, never a guest's, never the other
language's and never outlives the count or token it was built with; and that the security headers
(now added as raw pairs, forum.headers) are on cached pages exactly once."""

from __future__ import annotations

from sqlalchemy import select

import models as m

from .test_member_pages import account_name, from_cache, guest_browser, signed_in, stats, tokens  # noqa: F401 (fixtures)


async def test_menus_and_links_stay_each_members_own_while_they_take_turns_on_cached_pages(
        client, guest_browser, stats, factory, member, other_member, category):
    thread = await factory.thread(category, member, "แอร์ไม่เย็นตอนรถติด", "เย็นแค่ตอนวิ่ง")
    mine = (await factory.session.scalars(select(m.Post.id).where(m.Post.thread_id == thread.id))).one()
    one, two = await signed_in(client, member), await signed_in(client, other_member)
    for _ in range(3):  # alternating hits: every kept part comes back to its own member only
        for browser, user, own in ((one, member, True), (two, other_member, False)):
            for url in (f"/c/{category.slug}", f"/t/{thread.id}"):
                page = await from_cache(browser, stats, url)
                assert account_name(page) == user.display_name
                assert tokens(page) == {browser.cookies["csrftoken"]}
            assert (f"/p/{mine}/edit" in page) is own and (f"/p/{mine}/report" in page) is not own
        guest_page = (await guest_browser.get(f"/t/{thread.id}")).text
        assert 'class="me-name"' not in guest_page and f"/p/{mine}/report" not in guest_page


async def test_a_kept_menu_follows_the_language_the_unread_count_and_a_new_token(client, stats, db, factory,
                                                                                  member, other_member, category):
    thread = await factory.thread(category, other_member, "ยางบวม")
    url = f"/t/{thread.id}"
    reader = await signed_in(client, member)
    reader.cookies.set("lang", "en")
    page = await from_cache(reader, stats, url)
    assert "Log out" in page and ">Report<" in page
    reader.cookies.set("lang", "th")
    page = await from_cache(reader, stats, url)
    assert "ออกจากระบบ" in page and "Log out" not in page and ">รายงาน<" in page and ">Report<" not in page
    assert 'class="badge"' not in page
    db.add(m.Notification(user_id=member.id, kind="test", params={}))
    await db.commit()
    assert 'class="badge"><span class="sr">' in await from_cache(reader, stats, url)
    old = reader.cookies["csrftoken"]
    reader.cookies.delete("csrftoken")
    page = (await reader.get(url)).text  # a new token comes with the page
    new = reader.cookies["csrftoken"]
    assert new != old and tokens(page) == {new} and old not in page
    assert tokens(await from_cache(reader, stats, url)) == {new}


async def test_security_headers_appear_once_on_cached_guest_and_member_pages(client, guest_browser, stats,
                                                                               factory, member, category):
    thread = await factory.thread(category, member, "เสียงดังใต้ท้องรถ")
    names = ("x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy",
             "cross-origin-opener-policy", "content-security-policy")
    for url in (f"/c/{category.slug}", f"/t/{thread.id}", "/"):
        for _ in range(3):  # the render, then hits from the guest cache
            response = await guest_browser.get(url)
            for name in names:
                assert len(response.headers.get_list(name)) == 1, (url, name)
        member_browser = await signed_in(client, member)
        await from_cache(member_browser, stats, url)
        response = await member_browser.get(url)
        for name in names:
            assert len(response.headers.get_list(name)) == 1, (url, name)
