"""Admins close a thread as a duplicate of another and move its replies into the original."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import models as m

from ...factories import api, login, post_form


async def reply(db, thread: m.Thread, author: m.User, body: str, at: dt.datetime,
                visibility: m.Visibility = m.Visibility.PUBLISHED) -> m.Post:
    post = m.Post(thread_id=thread.id, author_id=author.id, body_raw=body, body_html=f"<p>{body}</p>", created_at=at,
                  visibility=visibility)
    db.add(post)
    if visibility == m.Visibility.PUBLISHED:
        thread.reply_count += 1
        thread.last_activity_at, thread.last_author_id = at, author.id
    await db.commit()
    return post


async def test_an_admin_closes_a_thread_as_a_duplicate_and_its_replies_move_to_the_original(
        client, db, factory, member, other_member, admin, category):
    t0 = dt.datetime(2026, 5, 1, 8, tzinfo=dt.timezone.utc)
    original = await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start daily",
                                    at=t0)
    await reply(db, original, member, "ลองเช็คไดชาร์จ", t0 + dt.timedelta(hours=1))
    copy = await factory.thread(category, member, "ยาริสแบตหมดทุกเช้า", "ต้องพ่วงทุกวัน", at=t0 + dt.timedelta(days=1))
    await reply(db, copy, other_member, "เปลี่ยนแบตใหม่เลยครับ", t0 + dt.timedelta(days=1, hours=2))
    late = await reply(db, copy, admin, "ดูกระทู้เดิมนะครับ", t0 + dt.timedelta(days=2))
    await reply(db, copy, member, "held reply", t0 + dt.timedelta(days=2, hours=1), visibility=m.Visibility.HELD)
    await login(client, admin)
    page = await client.get(f"/t/{copy.id}")
    assert f'href="/t/{copy.id}/close-duplicate"' in page.text
    form = await client.get(f"/t/{copy.id}/close-duplicate")
    assert form.status_code == 200 and f'value="{original.id}"' in form.text  # suggested as the original
    response = await post_form(client, f"/t/{copy.id}/close-duplicate",
                               {"original_id": original.id, "move_replies": "1"})
    assert response.status_code == 200 and str(response.url).endswith(f"/t/{original.id}")
    assert "ดูกระทู้เดิมนะครับ" in response.text and "เปลี่ยนแบตใหม่เลยครับ" in response.text
    await db.refresh(copy)
    await db.refresh(original)
    assert copy.duplicate_of_id == original.id and copy.reply_count == 0
    assert original.reply_count == 3
    assert original.last_activity_at == late.created_at and original.last_author_id == admin.id
    assert copy.last_activity_at == t0 + dt.timedelta(days=1) and copy.last_author_id == member.id
    moved = (await db.scalars(select(m.Post.thread_id).where(m.Post.is_opening.is_(False)))).all()
    assert set(moved) == {original.id}
    closed = await client.get(f"/t/{copy.id}")
    assert f'href="/t/{original.id}"' in closed.text and f'href="/t/{copy.id}/close-duplicate"' not in closed.text
    refused = await api(client, "POST", f"/api/threads/{copy.id}/replies", {"body": "one more"})
    assert refused.status_code == 403


async def test_closing_through_the_api_without_moving_replies(client, db, factory, member, other_member, admin,
                                                             category):
    original = await factory.thread(category, other_member, "Revo brakes squeal", "when stopping")
    copy = await factory.thread(category, member, "Revo เบรคมีเสียง", "ตอนจะหยุด")
    await reply(db, copy, other_member, "ผ้าเบรคหมดครับ", dt.datetime.now(dt.timezone.utc))
    await login(client, admin)
    response = await api(client, "POST", f"/api/threads/{copy.id}/close-as-duplicate",
                         {"original_id": original.id, "move_replies": False})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": copy.id, "duplicate_of_id": original.id, "changed": True, "moved_replies": 0,
                               "reply_count": 1, "original_reply_count": 0}
    again = await api(client, "POST", f"/api/threads/{copy.id}/close-as-duplicate", {"original_id": original.id})
    assert again.status_code == 200 and again.json()["moved_replies"] == 1 and again.json()["changed"] is False
    thread = (await api(client, "GET", f"/api/threads/{copy.id}")).json()["thread"]
    assert thread["duplicate_of_id"] == original.id and thread["reply_count"] == 0


async def test_a_closed_duplicate_is_no_longer_suggested_but_its_original_is(client, db, factory, member,
                                                                             other_member, admin, category):
    original = await factory.thread(category, other_member, "Fortuner engine oil change interval", "2.8 diesel")
    copy = await factory.thread(category, admin, "Fortuner diesel oil change how often", "2.8 diesel engine oil")
    await login(client, admin)
    assert (await api(client, "POST", f"/api/threads/{copy.id}/close-as-duplicate",
                      {"original_id": original.id})).status_code == 200
    await login(client, member)
    found = (await client.get("/api/threads/similar", params={"title": "Fortuner oil interval"})).json()
    assert [t["id"] for t in found["threads"]] == [original.id]


async def test_closing_as_a_duplicate_of_a_closed_thread_points_to_its_original(client, db, factory, other_member,
                                                                              admin, category):
    original = await factory.thread(category, other_member, "A", "a")
    second = await factory.thread(category, other_member, "B", "b")
    third = await factory.thread(category, other_member, "C", "c")
    await login(client, admin)
    await api(client, "POST", f"/api/threads/{second.id}/close-as-duplicate", {"original_id": original.id})
    response = await api(client, "POST", f"/api/threads/{third.id}/close-as-duplicate", {"original_id": second.id})
    assert response.json()["duplicate_of_id"] == original.id


async def test_bad_originals_are_refused_and_nothing_changes(client, db, factory, other_member, admin, category):
    thread = await factory.thread(category, other_member, "Civic film", "ceramic")
    other = await factory.thread(category, other_member, "City aircon", "not cold")
    held = await factory.thread(category, other_member, "Held one", "x", visibility=m.Visibility.HELD)
    await login(client, admin)
    for original_id in (thread.id, held.id, 999_999):
        response = await api(client, "POST", f"/api/threads/{thread.id}/close-as-duplicate",
                             {"original_id": original_id})
        assert response.status_code == 400 and "original_id" in response.json()["fields"]
    form = await post_form(client, f"/t/{thread.id}/close-duplicate", {"original_id_manual": "no such"})
    assert form.status_code == 400 and 'class="field-error"' in form.text
    assert (await api(client, "POST", f"/api/threads/{thread.id}/close-as-duplicate",
                      {"original_id": other.id})).status_code == 200
    conflict = await api(client, "POST", f"/api/threads/{thread.id}/close-as-duplicate",
                         {"original_id": held.id + 1000})
    assert conflict.status_code == 400
    moved_elsewhere = await factory.thread(category, other_member, "Third", "x")
    conflict = await api(client, "POST", f"/api/threads/{thread.id}/close-as-duplicate",
                         {"original_id": moved_elsewhere.id})
    assert conflict.status_code == 409
    await db.refresh(thread)
    assert thread.duplicate_of_id == other.id


async def test_only_admins_close_threads_as_duplicates(client, db, factory, member, other_member, category):
    original = await factory.thread(category, other_member, "A thread", "a")
    copy = await factory.thread(category, member, "A copy", "a")
    await login(client, member)
    assert (await api(client, "POST", f"/api/threads/{copy.id}/close-as-duplicate",
                      {"original_id": original.id})).status_code == 403
    assert (await post_form(client, f"/t/{copy.id}/close-duplicate", {"original_id": original.id})).status_code == 403
    assert (await client.get(f"/t/{copy.id}/close-duplicate")).status_code == 403
    assert 'close-duplicate' not in (await client.get(f"/t/{copy.id}")).text
    await db.refresh(copy)
    assert copy.duplicate_of_id is None
