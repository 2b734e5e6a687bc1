"""Notices: the public list (order, pages, scheduled ones hidden), the notice page, the home page's
important notices, admins' pages and the API, outages and their recovery."""

from __future__ import annotations

import datetime as dt
import re

from litestar.exceptions import NoRouteMatchFoundException
from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form


def titles_in(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/notices/\d+">([^<]+)</a></h2>', html)


async def test_the_list_is_newest_first_with_pinned_notices_on_top(client, clock, make_notice):
    for i in range(3):
        await make_notice(title=f"ประกาศ {i}", published_at=clock.now - dt.timedelta(days=10 - i))
    await make_notice(title="ปักหมุด", published_at=clock.now - dt.timedelta(days=30), pinned=True)
    page = await client.get("/notices")
    assert page.status_code == 200
    assert titles_in(page.text) == ["ปักหมุด", "ประกาศ 2", "ประกาศ 1", "ประกาศ 0"]


async def test_the_list_is_paginated_and_every_notice_appears_once(client, clock, make_notice):
    for i in range(23):
        await make_notice(title=f"n{i:02d}", published_at=clock.now - dt.timedelta(hours=i + 1))
    seen = []
    for number in (1, 2, 3):
        page = await client.get(f"/notices?page={number}")
        seen += titles_in(page.text)
        assert (f"?page={number + 1}" in page.text) == (number < 3)
        assert (f"?page={number - 1}" in page.text) == (number > 1)
    assert seen == [f"n{i:02d}" for i in range(23)]
    api_page = (await client.get("/api/notices?page=3")).json()
    assert api_page["pages"] == 3 and api_page["total"] == 23 and [n["title_th"] for n in api_page["items"]] == ["n20", "n21", "n22"]
    # Past the end: the last page, not an error.
    assert titles_in((await client.get("/notices?page=99")).text) == ["n20", "n21", "n22"]


async def test_a_scheduled_notice_is_hidden_until_its_publish_date(client, clock, make_notice, admin):
    notice = await make_notice(m.NoticeKind.IMPORTANT, "ประกาศล่วงหน้า", published_at=clock.now + dt.timedelta(hours=3))
    assert "ประกาศล่วงหน้า" not in (await client.get("/notices")).text
    assert (await client.get(f"/notices/{notice.id}")).status_code == 404
    assert (await client.get(f"/api/notices/{notice.id}")).status_code == 404
    assert "ประกาศล่วงหน้า" not in (await client.get("/notices.atom")).text
    assert "ประกาศล่วงหน้า" not in (await client.get("/")).text
    clock.advance(hours=3)
    assert "ประกาศล่วงหน้า" in (await client.get("/notices")).text
    assert (await client.get(f"/notices/{notice.id}")).status_code == 200
    assert "ประกาศล่วงหน้า" in (await client.get("/")).text


async def test_admins_can_preview_a_scheduled_notice(client, clock, make_notice, admin):
    notice = await make_notice(title="ร่าง", published_at=clock.now + dt.timedelta(days=1))
    await login(client, admin)
    assert (await client.get(f"/notices/{notice.id}")).status_code == 200
    assert "ร่าง" in (await client.get("/admin/notices")).text


async def test_the_notice_page_shows_the_readers_language_and_the_other_one(client, clock, make_notice):
    notice = await make_notice(m.NoticeKind.TERMS_REVISION, "แก้ไขข้อกำหนด", body_th="ข้อ **ใหม่**",
                               title_en="Terms revised", body_en="New *rules*", terms_version="2026-02")
    thai = await client.get(f"/notices/{notice.id}")
    assert "<h1>แก้ไขข้อกำหนด</h1>" in thai.text and "<strong>ใหม่</strong>" in thai.text
    assert "Terms revised" in thai.text and "2026-02" in thai.text
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    english = await client.get(f"/notices/{notice.id}")
    assert "<h1>Terms revised</h1>" in english.text and "<em>rules</em>" in english.text


async def test_the_home_page_shows_the_latest_important_notices(client, clock, make_notice):
    await make_notice(m.NoticeKind.GENERAL, "ทั่วไป")
    for i in range(4):
        await make_notice(m.NoticeKind.IMPORTANT, f"สำคัญ {i}", published_at=clock.now - dt.timedelta(hours=5 - i))
    home = await client.get("/")
    assert "สำคัญ 3" in home.text and "สำคัญ 2" in home.text and "สำคัญ 1" in home.text
    assert "สำคัญ 0" not in home.text and "ทั่วไป" not in home.text
    assert home.text.index("สำคัญ 3") < home.text.index("สำคัญ 1")
    assert 'href="/notices"' in home.text


async def test_an_outage_shows_a_banner_until_its_recovery_and_the_list_shows_both(
        client, clock, make_notice, admin, board):
    outage = await make_notice(m.NoticeKind.OUTAGE, "ระบบล่ม", functions=["login", "posting"])
    page = await client.get("/")
    assert 'class="nb outage"' in page.text and f'href="/notices/{outage.id}"' in page.text
    await login(client, admin)
    form = await client.get(f"/admin/notices/new?kind=recovery&recovers={outage.id}")
    assert form.status_code == 200 and f'<option value="{outage.id}" selected>' in form.text
    response = await post_form(client, "/admin/notices/", {
        "kind": "recovery", "title_th": "ระบบกลับมาแล้ว", "body_th": "ใช้งานได้ตามปกติ", "recovers_id": str(outage.id)})
    assert response.status_code == 200, response.text
    page = await client.get("/notices")
    assert 'class="nb outage"' not in page.text
    assert titles_in(page.text) == ["ระบบกลับมาแล้ว", "ระบบล่ม"]
    data = (await client.get(f"/api/notices/{outage.id}")).json()
    assert data["recovered_by_id"] is not None
    # One recovery per outage.
    again = await api(client, "POST", "/api/notices", {"kind": "recovery", "title_th": "อีกครั้ง", "body_th": "x",
                                                        "recovers_id": outage.id})
    assert again.status_code == 400 and "recovers_id" in again.json()["fields"]


async def test_an_admin_writes_a_maintenance_notice_in_bangkok_time(client, db, clock, admin):
    await login(client, admin)
    response = await post_form(client, "/admin/notices/", {
        "kind": "maintenance", "title_th": "ปิดปรับปรุง", "body_th": "ปิดชั่วคราว", "title_en": "Maintenance",
        "body_en": "Closed for a while", "starts_at": "2030-01-05T22:00", "ends_at": "2030-01-06T02:00",
        "functions": ["posting", "replies"], "pinned": "on"})
    assert response.status_code == 200
    notice = await db.scalar(select(m.Notice))
    assert notice.starts_at == dt.datetime(2030, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
    assert notice.ends_at == dt.datetime(2030, 1, 5, 19, 0, tzinfo=dt.timezone.utc)
    assert notice.functions == "posting,replies" and notice.pinned and notice.author_id == admin.id
    assert notice.published_at == clock.now
    assert "2030-01-05 22:00" in response.text  # shown in Bangkok time


async def test_a_bad_notice_form_is_shown_again_with_messages_and_nothing_is_saved(client, db, admin):
    await login(client, admin)
    response = await post_form(client, "/admin/notices/", {
        "kind": "maintenance", "title_th": "ปิดปรับปรุง", "body_th": "", "starts_at": "2030-01-06T02:00",
        "ends_at": "2030-01-05T22:00", "title_en": "Maintenance & more"})
    assert response.status_code == 400
    for name in ("body_th", "ends_at", "functions", "body_en"):
        assert f'id="{name}-error"' in response.text
    assert 'value="Maintenance &amp; more"' in response.text
    assert await db.scalar(select(func.count()).select_from(m.Notice)) == 0
    bad_time = await post_form(client, "/admin/notices/", {"kind": "general", "title_th": "t", "body_th": "b",
                                                           "published_at": "tomorrow"})
    assert bad_time.status_code == 400 and 'id="published_at-error"' in bad_time.text


async def test_members_cannot_write_notices(client, member):
    await login(client, member)
    assert (await client.get("/admin/notices")).status_code == 403
    refused = await post_form(client, "/admin/notices/", {"kind": "general", "title_th": "t", "body_th": "b"})
    assert refused.status_code == 403
    api_refused = await api(client, "POST", "/api/notices", {"kind": "general", "title_th": "t", "body_th": "b"})
    assert api_refused.status_code == 403


async def test_the_api_creates_edits_and_deletes_notices(client, db, clock, admin):
    await login(client, admin)
    created = await api(client, "POST", "/api/notices", {
        "kind": "maintenance", "title_en": "Upgrade", "body_en": "Database upgrade",
        "starts_at": "2030-02-01T01:00:00+07:00", "ends_at": "2030-02-01T03:00:00+07:00", "functions": ["whole_board"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["functions"] == ["whole_board"] and body["window_state"] == "upcoming"
    assert body["starts_at"] == "2030-01-31T18:00:00+00:00"
    changed = await api(client, "PATCH", f"/api/notices/{body['id']}", {"title_th": "อัปเกรด", "body_th": "ฐานข้อมูล"})
    assert changed.status_code == 200
    assert changed.json()["title_th"] == "อัปเกรด" and changed.json()["starts_at"] == body["starts_at"]
    invalid = await api(client, "PATCH", f"/api/notices/{body['id']}", {"functions": ["teleport"]})
    assert invalid.status_code == 400 and "functions" in invalid.json()["fields"]
    missing = await api(client, "POST", "/api/notices", {"kind": "terms_revision", "title_th": "ข้อกำหนด", "body_th": "x"})
    assert missing.status_code == 400 and "terms_version" in missing.json()["fields"]
    assert (await api(client, "DELETE", f"/api/notices/{body['id']}")).status_code == 200
    assert await db.scalar(select(func.count()).select_from(m.Notice)) == 0


async def test_the_list_can_be_filtered_by_kind(client, make_notice):
    await make_notice(m.NoticeKind.OUTAGE, "ล่ม", functions=["login"])
    await make_notice(m.NoticeKind.GENERAL, "ทั่วไป")
    page = await client.get("/notices?type=outage")
    assert titles_in(page.text) == ["ล่ม"]
    empty = await client.get("/notices?type=recovery")
    assert titles_in(empty.text) == [] and 'href="/notices"' in empty.text


async def test_an_empty_list_says_so(client):
    page = await client.get("/notices")
    assert page.status_code == 200 and 'class="empty"' in page.text


async def test_a_terms_revision_links_to_the_version_it_announces(app, client, make_notice):
    notice = await make_notice(m.NoticeKind.TERMS_REVISION, "ข้อกำหนดฉบับใหม่", terms_version="2026-02")
    page = await client.get(f"/notices/{notice.id}")
    try:
        href = app.route_reverse("terms_version", version="2026-02")
    except NoRouteMatchFoundException:  # the terms pages are another feature's; without them the version is plain text
        href = None
    if href:
        assert f'<a href="{href}">2026-02</a>' in page.text
    else:
        assert "2026-02" in page.text
