from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form


def parse_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    tags: list = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Collector().feed(html)
    return tags


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_member_posts_a_thai_thread_and_a_reply(client, db, member, category):
    await login(client, member)
    response = await post_form(client, f"/c/{category.slug}/new",
                               {"category_id": category.id, "title": "แอร์ไม่เย็น ตอนรถติด", "body": "รถ **Civic** 2018"})
    assert response.status_code == 200
    thread = await db.scalar(select(m.Thread))
    assert thread.title == "แอร์ไม่เย็น ตอนรถติด"
    assert "<strong>Civic</strong>" in response.text
    reply = await post_form(client, f"/t/{thread.id}/reply", {"body": "ลองเช็คน้ำยาแอร์ครับ"})
    assert reply.status_code == 200 and "ลองเช็คน้ำยาแอร์ครับ" in reply.text
    await db.refresh(thread)
    await db.refresh(category)
    assert thread.reply_count == 1 and category.thread_count == 1


async def test_empty_and_oversized_posts_are_refused_and_nothing_is_stored(client, db, member, category):
    await login(client, member)
    cases = [
        {"title": "   ", "body": "body"},
        {"title": "title", "body": " \n\t "},
        {"title": "x" * 201, "body": "body"},
        {"title": "title", "body": "y" * 20_001},
    ]
    for case in cases:
        response = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, **case})
        assert response.status_code == 400
        assert 'class="field-error"' in response.text
        api_response = await api(client, "POST", "/api/threads", {"category_id": category.id, **case})
        assert api_response.status_code == 400
        assert api_response.json()["fields"]
    assert await count(db, m.Thread) == 0 and await count(db, m.Post) == 0


async def test_empty_reply_is_refused(client, db, member, category, factory):
    thread = await factory.thread(category, member, "title")
    await login(client, member)
    response = await post_form(client, f"/t/{thread.id}/reply", {"body": "  "})
    assert response.status_code == 400
    assert await count(db, m.Post) == 1


async def test_markup_is_sanitised(client, db, member, category):
    await login(client, member)
    body = ('<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
            '<a href="https://evil.example" onclick="x()">a</a> https://toyota.co.th')
    response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "xss", "body": body})
    assert response.status_code == 201
    post = await db.scalar(select(m.Post))
    tags = parse_tags(post.body_html)
    assert {name for name, _ in tags} <= {"p", "a"}
    attributes = {key: value for _, attrs in tags for key, value in attrs}
    assert not any(key.startswith("on") for key in attributes)
    assert [value for name, attrs in tags for key, value in attrs if key == "href"] == ["https://toyota.co.th"]
    assert attributes["rel"] == "nofollow ugc noopener"
    assert "&lt;script&gt;" in post.body_html  # shown as text, never run
    assert post.body_raw == body  # the raw text is kept


async def test_author_edits_with_history_and_others_cannot(client, db, member, other_member, category, factory):
    thread = await factory.thread(category, member, "เดิม", "ข้อความเดิม")
    post = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    await login(client, other_member)
    assert (await post_form(client, f"/p/{post.id}/edit", {"title": "hijack", "body": "x"})).status_code == 403
    assert (await api(client, "PATCH", f"/api/posts/{post.id}", {"body": "x"})).status_code == 403
    assert (await api(client, "DELETE", f"/api/posts/{post.id}")).status_code == 403
    await post_form(client, "/logout")
    await login(client, member)
    response = await post_form(client, f"/p/{post.id}/edit", {"title": "ใหม่", "body": "ข้อความใหม่"})
    assert response.status_code == 200 and "ข้อความใหม่" in response.text
    revisions = (await db.scalars(select(m.PostRevision))).all()
    assert [(r.title, r.body_raw) for r in revisions] == [("เดิม", "ข้อความเดิม")]


async def test_author_deletes_own_reply(client, db, member, category, factory):
    thread = await factory.thread(category, member, "title")
    await login(client, member)
    created = await api(client, "POST", f"/api/threads/{thread.id}/replies", {"body": "oops"})
    reply_id = created.json()["id"]
    assert (await api(client, "DELETE", f"/api/posts/{reply_id}")).status_code == 200
    page = await client.get(f"/t/{thread.id}")
    assert "oops" not in page.text
    await db.refresh(thread)
    assert thread.reply_count == 0


async def test_new_accounts_have_a_stricter_posting_limit(client, db, factory, category):
    newcomer = await factory.user("newbie", age_days=0)
    await login(client, newcomer)
    for index in range(3):
        response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": f"t{index}", "body": "b"})
        assert response.status_code == 201
    response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t4", "body": "b"})
    assert response.status_code == 429
    assert response.json()["retry_at"] and "Retry-After" in response.headers
    page = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "t5", "body": "b"})
    assert page.status_code == 429 and "GMT+7" in page.text
    assert await count(db, m.Thread) == 3


async def test_guests_are_sent_to_login_and_api_says_401(client, category):
    response = await client.get(f"/c/{category.slug}/new", follow_redirects=False)
    assert response.status_code == 303 and "/login?next=" in response.headers["location"]
    api_response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t", "body": "b"})
    assert api_response.status_code == 401


async def test_only_admins_manage_categories(client, db, member, admin):
    await login(client, member)
    data = {"slug": "tyres", "name_th": "ยาง", "name_en": "Tyres"}
    assert (await post_form(client, "/admin/categories/", data)).status_code == 403
    assert (await api(client, "POST", "/api/categories", data)).status_code == 403
    assert (await client.get("/admin/categories/")).status_code == 403
    await post_form(client, "/logout")
    await login(client, admin)
    assert (await post_form(client, "/admin/categories/", data)).status_code == 200
    assert (await api(client, "POST", "/api/categories", data | {"slug": "brakes"})).status_code == 201
    assert await count(db, m.Category) == 2
