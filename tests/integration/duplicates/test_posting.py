"""The duplicate check on submit: near-certain duplicates stop with the matches (form and API),
the author may confirm the question differs, and cross-category reposts are refused."""

from __future__ import annotations

from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form
from .conftest import YARIS_BATTERY


async def threads_by(db, user) -> list[m.Thread]:
    return list((await db.scalars(select(m.Thread).where(m.Thread.author_id == user.id))).all())


async def test_the_same_author_reposting_in_other_words_is_stopped_with_a_link_to_the_first(
        client, db, factory, member, category):
    first = await factory.thread(category, member, "Yaris battery flat every morning",
                                 "My 2018 Yaris needs a jump start every morning. The battery is one year old.")
    await login(client, member)
    form = {"category_id": category.id, "title": "แบตยาริสหมดทุกเช้าเลย", "body": "ต้องพ่วงแบตทุกวัน ทำไงดีครับ"}
    response = await post_form(client, f"/c/{category.slug}/new", form)
    assert response.status_code == 409
    assert "You have already posted a thread like this one" in response.text or "คุณเคยตั้งกระทู้" in response.text
    assert f'href="/t/{first.id}"' in response.text and 'name="distinct_reason"' in response.text
    api_response = await api(client, "POST", "/api/threads", form)
    assert api_response.status_code == 409
    body = api_response.json()
    assert body["verdict"] == "repost" and body["duplicate_of"] == first.id
    assert body["threads"][0]["id"] == first.id and body["threads"][0]["yours"] is True
    assert [t.id for t in await threads_by(db, member)] == [first.id]


async def test_another_members_near_certain_duplicate_is_stopped(client, db, member, board, category):
    await login(client, member)
    response = await api(client, "POST", "/api/threads", {
        "category_id": category.id, "title": "ยาริสแบตหมดตอนเช้าทุกวันเลยครับ",
        "body": "จอดข้ามคืน ตอนเช้าสตาร์ทไม่ติด ต้องพ่วงแบตทุกเช้า"})
    assert response.status_code == 409
    body = response.json()
    assert body["verdict"] == "duplicate" and body["duplicate_of"] == board["battery"].id
    assert body["status_code"] == 409 and body["error"]
    assert await threads_by(db, member) == []


async def test_a_different_question_is_posted_without_a_stop(client, db, member, board, category):
    await login(client, member)
    response = await api(client, "POST", "/api/threads", {
        "category_id": category.id, "title": "Vios tyre pressure for long trips", "body": "What pressure when loaded?"})
    assert response.status_code == 201, response.text
    thread = await db.get(m.Thread, response.json()["id"])
    assert thread.distinct_reason is None and thread.distinct_from_id is None


async def test_confirming_the_question_differs_posts_it_and_keeps_the_reason_for_moderators(
        client, db, member, other_member, admin, board, category):
    await login(client, member)
    form = {"category_id": category.id, "title": "ยาริสแบตหมดตอนเช้าทุกวันเลยครับ",
            "body": "จอดข้ามคืน ตอนเช้าสตาร์ทไม่ติด ต้องพ่วงแบตทุกเช้า"}
    refused = await post_form(client, f"/c/{category.slug}/new", form)
    assert refused.status_code == 409
    assert f'name="distinct_from_id" value="{board["battery"].id}"' in refused.text
    reason = "แบตเป็นแบบลิเธียม ไม่ใช่แบตน้ำ และเปลี่ยนไดชาร์จแล้ว"
    response = await post_form(client, f"/c/{category.slug}/new",
                               {**form, "distinct_reason": reason, "distinct_from_id": board["battery"].id})
    assert response.status_code == 200, response.text
    [thread] = await threads_by(db, member)
    assert thread.distinct_reason == reason and thread.distinct_from_id == board["battery"].id
    assert reason not in response.text  # the author's page does not show it; moderators' does
    await login(client, other_member)
    assert reason not in (await client.get(f"/t/{thread.id}")).text
    await login(client, admin)
    page = await client.get(f"/t/{thread.id}")
    assert reason in page.text and f'href="/t/{board["battery"].id}"' in page.text


async def test_confirming_through_the_api_keeps_the_reason(client, db, member, board, category):
    await login(client, member)
    data = {"category_id": category.id, "title": "My Yaris battery is dead every morning",
            "body": "need a jump start every day", "distinct_reason": "Mine is the hybrid Yaris Cross, 12V battery"}
    response = await api(client, "POST", "/api/threads", data)
    assert response.status_code == 201, response.text
    thread = await db.get(m.Thread, response.json()["id"])
    assert thread.distinct_reason == data["distinct_reason"] and thread.distinct_from_id == board["battery"].id


async def test_a_reason_too_short_to_say_anything_is_refused(client, db, member, board, category):
    await login(client, member)
    response = await api(client, "POST", "/api/threads", {
        "category_id": category.id, "title": "My Yaris battery is dead every morning",
        "body": "need a jump start every day", "distinct_reason": "no"})
    assert response.status_code == 409 and "distinct_reason" in response.json()["fields"]
    assert await threads_by(db, member) == []


async def test_the_same_text_in_another_category_is_refused_even_with_a_reason(
        client, db, member, board, category, accessories):
    await login(client, member)
    title, body = YARIS_BATTERY
    first = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": title, "body": body,
                                                       "distinct_reason": "ของผมเป็นอีกคันหนึ่งครับ"})
    assert first.status_code == 201  # same category: a near-certain duplicate the author may confirm
    again = await api(client, "POST", "/api/threads", {"category_id": accessories.id, "title": title, "body": body,
                                                       "distinct_reason": "อยากได้คำตอบจากห้องนี้ด้วย"})
    assert again.status_code == 409 and again.json()["verdict"] == "crosspost"
    form = await post_form(client, f"/c/{accessories.slug}/new",
                           {"category_id": accessories.id, "title": title, "body": body})
    assert form.status_code == 409 and 'name="distinct_reason"' not in form.text
    assert f'href="/t/{again.json()["duplicate_of"]}"' in form.text
    count = await db.scalar(select(func.count()).select_from(m.Thread).where(m.Thread.category_id == accessories.id))
    assert count == 1  # only the board's own film thread


async def test_replies_and_edits_are_not_checked_for_duplicates(client, db, member, board):
    await login(client, member)
    title, body = YARIS_BATTERY
    reply = await api(client, "POST", f"/api/threads/{board['battery'].id}/replies", {"body": body})
    assert reply.status_code == 201


async def test_a_thread_posted_is_findable_at_once_by_every_server_process(client, db, settings, member,
                                                                          other_member, category):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    await login(client, member)
    assert (await client.get("/api/threads/similar", params={"title": "Almera CVT jerks"})).json()["threads"] == []
    async with AsyncTestClient(app=create_app(settings)) as second_worker:
        await login(second_worker, other_member)
        created = await api(second_worker, "POST", "/api/threads", {
            "category_id": category.id, "title": "Almera CVT jerks from first to second",
            "body": "My Almera gearbox jerks when it shifts at low speed"})
        assert created.status_code == 201
    found = (await client.get("/api/threads/similar", params={"title": "อัลเมร่า เกียร์กระตุก ตอนออกตัว"})).json()
    assert [t["id"] for t in found["threads"]][:1] == [created.json()["id"]]
    repost = await api(client, "POST", "/api/threads", {
        "category_id": category.id, "title": "Almera CVT jerks from first to second",
        "body": "My Almera gearbox jerks when it shifts at low speed"})
    assert repost.status_code == 409
