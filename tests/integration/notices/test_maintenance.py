"""Maintenance windows: the banner beforehand, each function closed during the window and open
again afterwards by the clock alone, admins' access, the API's 503 JSON, and the kept draft."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from litestar import post
from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form

HOUR = dt.timedelta(hours=1)


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_an_announced_window_shows_a_banner_before_it_begins_and_posting_still_works(
        client, db, clock, make_window, member, category):
    window = await make_window("posting", "replies", starts_in=dt.timedelta(days=1))
    await login(client, member)
    page = await client.get("/")
    assert 'class="nb upcoming"' in page.text and 'class="nb active"' not in page.text
    assert f'href="/notices/{window.id}"' in page.text
    response = await post_form(client, f"/c/{category.slug}/new",
                               {"category_id": category.id, "title": "ก่อนปิดปรับปรุง", "body": "ยังโพสต์ได้"})
    assert response.status_code == 200 and await count(db, m.Thread) == 1


async def test_a_scheduled_notice_announces_nothing_before_its_publish_date(client, clock, make_notice):
    start = clock.now + dt.timedelta(days=2)
    await make_notice(m.NoticeKind.MAINTENANCE, "ยังไม่ประกาศ", published_at=clock.now + dt.timedelta(days=1),
                      starts_at=start, ends_at=start + HOUR, functions=["posting"])
    assert "ยังไม่ประกาศ" not in (await client.get("/")).text
    clock.advance(days=1, minutes=1)
    assert "ยังไม่ประกาศ" in (await client.get("/")).text


async def test_posting_is_refused_during_the_window_with_its_end_time_and_reopens_by_itself(
        client, db, clock, make_window, member, category, factory):
    thread = await factory.thread(category, member, "กระทู้เดิม")
    window = await make_window("posting")
    await login(client, member)
    clock.move_to(window.starts_at + dt.timedelta(minutes=5))

    refused = await post_form(client, f"/c/{category.slug}/new",
                              {"category_id": category.id, "title": "ระหว่างปิด", "body": "ข้อความ"})
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == str(int((window.ends_at - clock.now).total_seconds()))
    bangkok_end = window.ends_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d %H:%M")
    assert bangkok_end in refused.text
    assert await count(db, m.Thread) == 1

    # Reading stays open, and so do the functions the window does not close.
    assert (await client.get(f"/t/{thread.id}")).status_code == 200
    assert (await client.get(f"/c/{category.slug}")).status_code == 200
    reply = await post_form(client, f"/t/{thread.id}/reply", {"body": "ตอบได้ตามปกติ"})
    assert reply.status_code == 200

    clock.move_to(window.ends_at)
    reopened = await post_form(client, f"/c/{category.slug}/new",
                               {"category_id": category.id, "title": "หลังเปิด", "body": "ข้อความ"})
    assert reopened.status_code == 200 and await count(db, m.Thread) == 2


@pytest.fixture
def guru_route(app):
    """A stand-in for an Ask Guru write route (that feature declares nothing: its path decides)."""

    @post("/guru/gate-probe", name="notices_test_guru_probe", include_in_schema=False)
    async def ask(member: m.User) -> dict:
        return {"ok": True}

    app.register(ask)


CASES = {
    "posting": [("form", "/c/{slug}/new", {"category_id": "{cid}", "title": "หัวข้อใหม่", "body": "เนื้อหา"}),
                ("api", "/api/threads", {"category_id": "{cid}", "title": "API thread", "body": "body"})],
    "replies": [("form", "/t/{tid}/reply", {"body": "คำตอบ"}),
                ("api", "/api/threads/{tid}/replies", {"body": "reply"})],
    "ask_guru": [("form", "/guru/gate-probe", {"title": "ถามกูรู", "body": "คำถาม"}),
                 # Ask Guru's own route: reopened means the gate lets it through to its own checks.
                 ("form", "/guru/ask", {"title": "ถามกูรู", "body": "คำถาม"})],
    "registration": [("form", "/register", {"login_id": "newbie", "display_name": "Newbie", "email": "n@example.com",
                                            "password": "long-enough-pass", "date_of_birth": "1990-01-01",
                                            "accept_terms": "on"}),
                     ("api", "/api/auth/register", {"login_id": "newbie2", "display_name": "Newbie Two",
                                                    "email": "n2@example.com", "password": "long-enough-pass",
                                                    "date_of_birth": "1990-01-01", "accept_terms": True})],
    "login": [("form", "/login", {"login_id": "member2", "password": "correct-horse-battery"}),
              ("api", "/api/auth/login", {"login_id": "member2", "password": "correct-horse-battery"})],
}


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]] if value[1:-1] == "cid" else value.format(**ids)
    return value


async def _send(client, how, url, data, ids):
    url = url.format(**ids)
    data = {k: _fill(v, ids) for k, v in data.items()}
    if how == "api":
        return await api(client, "POST", url, data)
    return await post_form(client, url, data)


@pytest.mark.parametrize("function", sorted(CASES))
async def test_each_function_closes_during_its_window_and_reopens_by_the_clock(
        function, client, clock, make_window, member, other_member, category, factory, guru_route, board):
    thread = await factory.thread(category, other_member, "กระทู้")
    ids = {"slug": category.slug, "cid": category.id, "tid": thread.id}
    window = await make_window(function)
    if function not in ("registration", "login"):
        await login(client, member)
    for how, url, data in CASES[function]:
        clock.move_to(window.starts_at - dt.timedelta(seconds=1))
        before = await client.get("/notices")
        assert before.status_code == 200
        clock.move_to(window.starts_at)
        closed = await _send(client, how, url, data, ids)
        assert closed.status_code == 503, (how, url, closed.text[:300])
        assert int(closed.headers["retry-after"]) == 2 * 3600
        if how == "api":
            assert closed.json()["function"] == function
        clock.move_to(window.ends_at)
        opened = await _send(client, how, url, data, ids)
        if url == "/guru/ask":
            assert opened.status_code != 503
        else:
            assert opened.status_code in (200, 201), (how, url, opened.status_code, opened.text[:300])
        if function in ("registration", "login"):
            client.cookies.delete("session")


async def test_a_window_closes_only_the_functions_it_names(client, db, clock, make_window, member, category, factory):
    thread = await factory.thread(category, member, "กระทู้")
    window = await make_window("replies", "registration")
    await login(client, member)
    clock.move_to(window.starts_at + HOUR)
    assert (await post_form(client, f"/t/{thread.id}/reply", {"body": "ปิดอยู่"})).status_code == 503
    created = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "t", "body": "b"})
    assert created.status_code == 200
    assert (await post_form(client, "/profile", {"display_name": "ชื่อใหม่", "email": "m1@example.com"})).status_code == 200


async def test_the_api_answers_503_json_with_the_window(client, db, clock, make_window, member, category):
    window = await make_window("posting")
    await login(client, member)
    clock.move_to(window.starts_at + dt.timedelta(minutes=30))
    response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t", "body": "b"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["retry-after"] == str(90 * 60)
    body = response.json()
    assert body["status_code"] == 503 and body["function"] == "posting" and body["whole_board"] is False
    assert dt.datetime.fromisoformat(body["reopens_at"]) == window.ends_at
    assert body["retry_after"] == 90 * 60
    assert body["window"]["notice_id"] == window.id and body["window"]["functions"] == ["posting"]
    assert body["error"]
    assert await count(db, m.Thread) == 0
    # Reading through the API stays open.
    assert (await client.get("/api/categories")).status_code == 200


async def test_a_whole_board_window_closes_reading_too_but_not_the_notices_or_login(
        client, clock, make_window, member, category):
    window = await make_window("whole_board")
    clock.move_to(window.starts_at)
    home = await client.get("/")
    assert home.status_code == 503 and home.headers["retry-after"]
    api_read = await client.get("/api/categories")
    assert api_read.status_code == 503 and api_read.json()["whole_board"] is True
    assert (await client.get(f"/c/{category.slug}")).status_code == 503
    assert (await client.get("/notices")).status_code == 200
    assert (await client.get(f"/notices/{window.id}")).status_code == 200
    assert (await client.get("/notices.atom")).status_code == 200
    assert (await client.get("/api/notices/status")).status_code == 200
    assert (await client.get("/login")).status_code == 200
    refused = await post_form(client, "/login", {"login_id": member.login_id, "password": "correct-horse-battery"})
    assert refused.status_code == 503
    clock.move_to(window.ends_at)
    assert (await client.get("/")).status_code == 200


async def test_admins_keep_full_access_during_a_window(client, db, clock, make_window, admin, category, factory):
    thread = await factory.thread(category, admin, "กระทู้")
    window = await make_window("whole_board")
    clock.move_to(window.starts_at + HOUR)
    # An admin can still log in while login is closed, and then read and write everything.
    await login(client, admin)
    assert (await client.get("/")).status_code == 200
    created = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "แอดมิน", "body": "b"})
    assert created.status_code == 200
    assert (await post_form(client, f"/t/{thread.id}/reply", {"body": "ตอบ"})).status_code == 200
    assert (await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "a", "body": "b"})).status_code == 201
    assert await count(db, m.Thread) == 3


async def test_a_wrong_password_for_an_admin_is_still_refused_while_login_is_closed(client, clock, make_window, admin):
    window = await make_window("login")
    clock.move_to(window.starts_at)
    response = await post_form(client, "/login", {"login_id": admin.login_id, "password": "wrong-password-1"})
    assert response.status_code == 400
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_a_refused_post_keeps_the_members_text_in_the_form_with_the_reopening_time(
        client, db, clock, make_window, member, category, factory):
    thread = await factory.thread(category, member, "กระทู้")
    window = await make_window("posting", "replies")
    await login(client, member)
    form_page = await client.get(f"/c/{category.slug}/new")  # the member starts writing before the window
    assert form_page.status_code == 200
    clock.move_to(window.starts_at + dt.timedelta(minutes=1))
    text = "รถ Civic 2018 แอร์ไม่เย็นตอนรถติด <b>ทำไงดี</b>\nบรรทัดที่สอง"
    refused = await post_form(client, f"/c/{category.slug}/new",
                              {"category_id": category.id, "title": "แอร์ไม่เย็น & ร้อน", "body": text})
    assert refused.status_code == 503
    html = refused.text
    form = re.search(r'<form method="post" action="(?P<action>[^"]+)" class="compose">(?P<body>.*?)</form>', html, re.S)
    assert form and form["action"] == f"/c/{category.slug}/new"
    assert "รถ Civic 2018 แอร์ไม่เย็นตอนรถติด &lt;b&gt;ทำไงดี&lt;/b&gt;\nบรรทัดที่สอง</textarea>" in form["body"]
    assert 'value="แอร์ไม่เย็น &amp; ร้อน"' in form["body"]
    assert f'name="category_id" value="{category.id}"' in form["body"]
    assert 'name="_csrf_token"' in form["body"]  # a fresh token: the form can be sent again
    assert window.ends_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d %H:%M") in html
    assert await count(db, m.Thread) == 1

    # A reply being written is kept the same way.
    reply = await post_form(client, f"/t/{thread.id}/reply", {"body": "คำตอบยาวที่เขียนไว้"})
    assert reply.status_code == 503 and "คำตอบยาวที่เขียนไว้</textarea>" in reply.text

    # After the window, sending the kept form again posts it.
    clock.move_to(window.ends_at + dt.timedelta(seconds=1))
    again = await post_form(client, form["action"], {"category_id": category.id, "title": "แอร์ไม่เย็น & ร้อน", "body": text})
    assert again.status_code == 200 and await count(db, m.Thread) == 2


async def test_compose_pages_load_the_browser_draft_keeper(client, member, category):
    await login(client, member)
    page = await client.get(f"/c/{category.slug}/new")
    assert '<script src="/static/drafts.js" defer></script>' in page.text
    script = await client.get("/static/drafts.js")
    assert script.status_code == 200 and "localStorage" in script.text


async def test_the_refused_page_never_echoes_a_password(client, clock, make_window):
    window = await make_window("registration")
    clock.move_to(window.starts_at)
    response = await post_form(client, "/register", {"login_id": "newbie", "display_name": "Newbie",
                                                     "email": "n@example.com", "password": "my-secret-password-9"})
    assert response.status_code == 503
    assert "my-secret-password-9" not in response.text and 'value="newbie"' in response.text


async def test_an_admin_ends_a_window_early_and_members_can_post_at_once(
        client, db, clock, make_window, admin, member, category):
    window = await make_window("posting")
    clock.move_to(window.starts_at + dt.timedelta(minutes=10))
    await login(client, admin)
    response = await post_form(client, f"/admin/notices/{window.id}/end")
    assert response.status_code == 200
    await db.refresh(window)
    assert window.ends_at == clock.now
    await login(client, member)
    created = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "t", "body": "b"})
    assert created.status_code == 200


async def test_an_admin_extends_a_window_and_it_stays_closed_longer(client, db, clock, make_window, admin, member, category):
    window = await make_window("posting", hours=1)
    original_end = window.ends_at
    await login(client, admin)
    extended = await api(client, "POST", f"/api/notices/{window.id}/extend", {"minutes": 45})
    assert extended.status_code == 200
    assert dt.datetime.fromisoformat(extended.json()["ends_at"]) == original_end + dt.timedelta(minutes=45)
    await login(client, member)
    clock.move_to(original_end + dt.timedelta(minutes=5))
    refused = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t", "body": "b"})
    assert refused.status_code == 503 and refused.json()["retry_after"] == 40 * 60
    clock.move_to(original_end + dt.timedelta(minutes=45))
    assert (await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t", "body": "b"})).status_code == 201


async def test_only_admins_end_or_extend_windows_and_an_ended_window_cannot_be_extended(
        client, clock, make_window, admin, member):
    window = await make_window("posting")
    await login(client, member)
    assert (await api(client, "POST", f"/api/notices/{window.id}/end")).status_code == 403
    assert (await api(client, "POST", f"/api/notices/{window.id}/extend", {"minutes": 5})).status_code == 403
    await login(client, admin)
    clock.move_to(window.ends_at + HOUR)
    response = await api(client, "POST", f"/api/notices/{window.id}/extend", {"minutes": 5})
    assert response.status_code == 400 and response.json()["error"]


async def test_the_banner_does_not_query_the_database_on_every_page(client, clock, make_window, board):
    window = await make_window("posting")
    for _ in range(5):
        assert (await client.get("/")).status_code == 200
    clock.move_to(window.starts_at)
    for _ in range(5):
        await client.get("/notices")
    assert board.loads == 1


async def test_the_status_api_lists_closed_and_announced_functions(client, clock, make_window):
    window = await make_window("posting", "ask_guru")
    upcoming = (await client.get("/api/notices/status")).json()
    assert upcoming["closed"] == {} and upcoming["upcoming"][0]["notice_id"] == window.id
    clock.move_to(window.starts_at)
    active = (await client.get("/api/notices/status")).json()
    assert set(active["closed"]) == {"posting", "ask_guru"} and active["upcoming"] == []


async def test_a_route_that_declares_its_function_is_closed_with_it_and_open_routes_stay_open(app, client, clock, make_window, member):
    @post("/clubs/comment", name="notices_test_declared", opt={"function": "replies"}, include_in_schema=False)
    async def comment(member: m.User) -> dict:
        return {"ok": True}

    @post("/clubs/ping", name="notices_test_open", opt={"function": "open"}, include_in_schema=False)
    async def ping() -> dict:
        return {"ok": True}

    app.register(comment)
    app.register(ping)
    replies = await make_window("replies")
    await login(client, member)
    clock.move_to(replies.starts_at)
    assert (await post_form(client, "/clubs/comment")).status_code == 503
    whole = await make_window("whole_board", starts_in=dt.timedelta(hours=3))
    app.state.notices_board.invalidate()  # made behind the app's back, straight in the database
    clock.move_to(whole.starts_at)
    assert (await post_form(client, "/clubs/comment")).status_code == 503
    assert (await post_form(client, "/clubs/ping")).status_code == 201
    clock.move_to(whole.ends_at)
    assert (await post_form(client, "/clubs/comment")).status_code == 201
