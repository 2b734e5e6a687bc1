from __future__ import annotations

import datetime as dt

from ...factories import login, post_form


async def test_category_pages_use_keyset_cursors_and_cover_every_thread_once(client, factory, member, category):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for index in range(45):
        # Equal timestamps in pairs check the id tie-breaker.
        await factory.thread(category, member, f"thread-{index:02d}", at=start + dt.timedelta(minutes=index // 2))
    seen, cursor, pages = [], None, 0
    while True:
        url = f"/api/categories/{category.slug}/threads" + (f"?after={cursor}" if cursor else "")
        body = (await client.get(url)).json()
        seen.extend(t["title"] for t in body["threads"])
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == 45 and len(set(seen)) == 45
    assert seen[0] == "thread-44" and seen[-1] == "thread-00"
    # Going back from the last page returns the page before it.
    last = (await client.get(f"/api/categories/{category.slug}/threads?after={body['prev_cursor']}")).json()
    assert last["threads"][0]["title"] != seen[-20]
    html = await client.get(f"/c/{category.slug}")
    assert "thread-44" in html.text and "?after=" in html.text and "OFFSET" not in html.text


async def test_a_bad_cursor_falls_back_to_the_first_page(client, factory, member, category):
    await factory.thread(category, member, "only")
    response = await client.get(f"/c/{category.slug}?after=garbage!!")
    assert response.status_code == 200 and "only" in response.text


async def test_thread_page_paginates_replies(client, db, factory, member, category, settings):
    thread = await factory.thread(category, member, "long thread")
    import models as m
    from forum.rendering import render_markdown

    for index in range(settings.board.posts_per_page + 5):
        db.add(m.Post(thread_id=thread.id, author_id=member.id, body_raw=f"reply-{index}",
                      body_html=render_markdown(f"reply-{index}")))
    await db.commit()
    first = await client.get(f"/t/{thread.id}")
    assert "reply-0" in first.text and "reply-24" not in first.text
    assert "?after=" in first.text
    second = (await client.get(f"/api/threads/{thread.id}")).json()
    following = (await client.get(f"/api/threads/{thread.id}?after={second['next_after']}")).json()
    assert following["posts"][-1]["body"] == "reply-24"


async def test_language_switch_is_remembered(client):
    thai = await client.get("/")
    assert 'lang="th"' in thai.text
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    english = await client.get("/")
    assert 'lang="en"' in english.text and "Log in" in english.text
    await post_form(client, "/lang", {"lang": "th", "next": "/"})
    assert "เข้าสู่ระบบ" in (await client.get("/")).text


async def test_unknown_pages_get_a_friendly_404(client):
    response = await client.get("/t/999999")
    assert response.status_code == 404 and "<a href=\"/\">" in response.text
    assert (await client.get("/api/threads/999999")).status_code == 404


async def test_openapi_schema_is_served(client):
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/threads" in schema["paths"]


async def test_after_replying_the_member_sees_the_reply_below_the_posts_it_answers(
        client, db, factory, member, other_member, category, settings):
    import models as m
    from forum.rendering import render_markdown

    thread = await factory.thread(category, other_member, "Brake squeal on a new car", "opening words")
    await login(client, member)
    short = await post_form(client, f"/t/{thread.id}/reply", {"body": "first reply"}, follow_redirects=False)
    assert short.status_code == 303 and short.headers["location"].startswith(f"/t/{thread.id}#p")
    page = await client.get(short.headers["location"])
    assert "opening words" in page.text and "first reply" in page.text and "ตอบกระทู้แล้ว" in page.text
    per_page = settings.board.posts_per_page
    for index in range(per_page + 3):
        db.add(m.Post(thread_id=thread.id, author_id=other_member.id, body_raw=f"filler-{index}",
                      body_html=render_markdown(f"filler-{index}")))
    await db.commit()
    long = await post_form(client, f"/t/{thread.id}/reply", {"body": "latest reply"}, follow_redirects=False)
    location = long.headers["location"]
    assert "?after=" in location
    page = await client.get(location)
    bodies = [f"filler-{index}" for index in range(per_page + 3)]
    shown = [body for body in bodies if f"<p>{body}</p>" in page.text]
    assert "latest reply" in page.text and shown == bodies[-(per_page - 1):]  # a full page ending with the reply
