from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

import models as m
from forum.services.posting import PostingService

from ...factories import api, login, post_form
from .conftest import answer, ask, service


async def count(db, model, *where) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where))


async def test_only_gurus_can_post_guru_answers(client, db, settings, member, other_member, admin, guru, category):
    thread = await ask(db, settings, member, category, "เบรกมีเสียงดังเอี๊ยด")
    for user in (other_member, admin, member):
        await login(client, user)
        page = await post_form(client, f"/guru/q/{thread.id}/answer", {"body": "คำตอบ"})
        assert page.status_code == 403
        response = await api(client, "POST", f"/api/guru/questions/{thread.id}/answers", {"body": "คำตอบ"})
        assert response.status_code == 403 and response.json()["status_code"] == 403
    assert await count(db, m.Post) == 1 and await count(db, m.GuruAnswer) == 0
    await login(client, guru)
    response = await api(client, "POST", f"/api/guru/questions/{thread.id}/answers", {"body": "คำตอบจากกูรู"})
    assert response.status_code == 201 and response.json()["disclaimer"]["version"] == 1
    assert await count(db, m.GuruAnswer) == 1


async def test_the_answer_form_is_offered_to_gurus_only(client, db, settings, member, guru, category):
    thread = await ask(db, settings, member, category, "ยางสึกไม่เท่ากัน")
    await login(client, member)
    page = await client.get(f"/guru/q/{thread.id}")
    assert f'action="/guru/q/{thread.id}/answer"' not in page.text and f'action="/guru/q/{thread.id}/comment"' in page.text
    await login(client, guru)
    page = await client.get(f"/guru/q/{thread.id}")
    assert f'action="/guru/q/{thread.id}/answer"' in page.text and 'class="disclaimer"' in page.text


async def test_an_empty_answer_is_refused_and_nothing_is_stored(client, db, settings, member, guru, category):
    thread = await ask(db, settings, member, category, "ไฟหน้าขุ่น")
    await login(client, guru)
    page = await post_form(client, f"/guru/q/{thread.id}/answer", {"body": "   "})
    assert page.status_code == 400 and 'class="field-error"' in page.text
    assert await count(db, m.GuruAnswer) == 0 and await count(db, m.Post) == 1


async def test_members_comments_are_shown_apart_below_the_guru_answers(client, db, settings, member, other_member, guru, category):
    thread = await ask(db, settings, member, category, "ควรเปลี่ยนหัวเทียนกี่กิโล")
    await login(client, other_member)
    await post_form(client, f"/guru/q/{thread.id}/comment", {"body": "ผมเปลี่ยนทุก 40,000 กม. ครับ"})
    guru_post = await answer(db, settings, guru, thread, "ตามคู่มือรุ่นนี้คือ 100,000 กม. ครับ")
    html = (await client.get(f"/guru/q/{thread.id}")).text
    answers_at, comments_at = html.index('id="answers-heading"'), html.index('id="comments-heading"')
    assert answers_at < html.index(f'id="p{guru_post.id}"') < comments_at < html.index("40,000 กม.")
    body = (await client.get(f"/api/guru/questions/{thread.id}")).json()
    assert [a["id"] for a in body["answers"]] == [guru_post.id]
    assert [c["body"] for c in body["comments"]] == ["ผมเปลี่ยนทุก 40,000 กม. ครับ"]
    assert "disclaimer" not in body["comments"][0]


async def test_one_accepted_answer_per_question_by_the_asker_only(client, db, settings, factory, member, other_member, guru, category, emitted):
    second_guru = await factory.user("guru2", "Guru Two", role=m.Role.GURU)
    thread = await ask(db, settings, member, category, "น้ำมันเครื่องหายเร็ว")
    first = await answer(db, settings, guru, thread, "เช็คซีลก้านวาล์วครับ")
    second = await answer(db, settings, second_guru, thread, "ดูควันที่ท่อไอเสียก่อนครับ")
    await login(client, other_member)
    member_comment = (await api(client, "POST", f"/api/guru/questions/{thread.id}/comments", {"body": "เหมือนกันเลย"})).json()
    for user in (other_member, guru):
        await login(client, user)
        assert (await api(client, "POST", f"/api/guru/answers/{first.id}/accept")).status_code == 403
        assert (await post_form(client, f"/guru/a/{first.id}/accept")).status_code == 403
    await login(client, member)
    assert (await api(client, "POST", f"/api/guru/answers/{member_comment['id']}/accept")).status_code == 404
    assert (await api(client, "POST", f"/api/guru/answers/{first.id}/accept")).status_code == 200
    moved = await post_form(client, f"/guru/a/{second.id}/accept", follow_redirects=False)
    assert moved.status_code == 303
    accepted = (await db.scalars(select(m.GuruAnswer.post_id).where(m.GuruAnswer.is_accepted.is_(True))
                                 .execution_options(populate_existing=True))).all()
    assert accepted == [second.id]
    question = await db.scalar(select(m.GuruQuestion).execution_options(populate_existing=True))
    assert question.accepted_post_id == second.id
    counts = dict((await db.execute(select(m.GuruProfile.user_id, m.GuruProfile.accepted_count)
                                    .execution_options(populate_existing=True))).all())
    assert counts == {guru.id: 0, second_guru.id: 1}
    body = (await client.get(f"/api/guru/questions/{thread.id}")).json()
    assert [(a["id"], a["is_accepted"]) for a in body["answers"]] == [(second.id, True), (first.id, False)]
    # Accepting the accepted answer again changes nothing and tells nobody again.
    assert (await api(client, "POST", f"/api/guru/answers/{second.id}/accept")).status_code == 200
    assert [name for name, _ in emitted].count("guru.answer_accepted") == 2


async def test_helpful_marks_count_once_per_member_and_never_on_ones_own_answer(
    client, db, settings, member, other_member, guru, category, emitted
):
    thread = await ask(db, settings, member, category, "แบตเตอรี่หมดบ่อย")
    post = await answer(db, settings, guru, thread)
    await login(client, other_member)
    first = await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")
    assert first.status_code == 200 and first.json()["helpful_count"] == 1
    again = await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")
    assert again.status_code == 409
    assert (await post_form(client, f"/guru/a/{post.id}/helpful")).status_code == 409
    page = await client.get(f"/guru/q/{thread.id}")
    assert f'action="/guru/a/{post.id}/helpful"' not in page.text
    await login(client, guru)
    assert (await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")).status_code == 403
    await login(client, member)
    assert (await post_form(client, f"/guru/a/{post.id}/helpful", follow_redirects=False)).status_code == 303
    stored = await db.scalar(select(m.GuruAnswer.helpful_count).execution_options(populate_existing=True))
    assert stored == 2 and await count(db, m.GuruHelpfulMark) == 2
    helpful = [payload for name, payload in emitted if name == "guru.answer_marked_helpful"]
    assert [(p["marker"].id, p["answerer"].id, p["answer"].id) for p in helpful] == [
        (other_member.id, guru.id, post.id), (member.id, guru.id, post.id)]


class HoldEverything:
    """A stand-in for moderation: every draft waits for review."""

    async def before_save(self, session, draft):
        draft.visibility = m.Visibility.HELD

    async def after_save(self, session, draft, post):
        return None


async def test_questions_and_answers_go_through_the_posting_hooks_and_a_held_answer_is_announced_when_published(
    db, settings, member, guru, admin, category, emitted
):
    held = service(db, settings, hooks=[HoldEverything()])
    thread, _ = await held.ask(member, area_id=category.id, title="รถสั่นตอนเบรก", body="สั่นที่พวงมาลัย")
    assert thread.visibility == m.Visibility.HELD and thread.kind == m.ThreadKind.QUESTION
    await PostingService(db, settings).set_visibility(
        await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id)), m.Visibility.PUBLISHED, admin)
    post, recorded = await held.answer(guru, thread.id, "จานเบรกคดครับ")
    await db.commit()
    assert post.visibility == m.Visibility.HELD and recorded.disclaimer_id
    assert emitted == [] and await count(db, m.Notification) == 0
    await PostingService(db, settings).set_visibility(post, m.Visibility.PUBLISHED, admin)
    await db.commit()
    assert [name for name, _ in emitted] == ["guru.answer_posted"]
    assert await count(db, m.Notification, m.Notification.user_id == member.id) == 1
    question = await db.scalar(select(m.GuruQuestion))
    assert question.answer_count == 1
    # Publishing again (a moderator's double click) announces nothing twice.
    await PostingService(db, settings).set_visibility(post, m.Visibility.HELD, admin)
    await PostingService(db, settings).set_visibility(post, m.Visibility.PUBLISHED, admin)
    assert len(emitted) == 1


async def test_a_deleted_accepted_answer_stops_being_accepted(db, settings, member, guru, category):
    thread = await ask(db, settings, member, category, "เกียร์กระตุก")
    post = await answer(db, settings, guru, thread)
    await service(db, settings).accept(member, post.id, now=dt.datetime.now(dt.timezone.utc))
    await PostingService(db, settings).delete_own_post(guru, post.id)
    await db.commit()
    question = await db.scalar(select(m.GuruQuestion))
    assert question.accepted_post_id is None and question.answer_count == 0
    profile = await db.scalar(select(m.GuruProfile))
    assert (profile.answer_count, profile.accepted_count) == (0, 0)


async def test_guru_answers_follow_their_posts_when_a_question_is_closed_as_a_duplicate(
        client, db, settings, factory, member, other_member, admin, guru, category):
    original = await ask(db, settings, member, category, "แอร์ไม่เย็นตอนรถติด")
    kept = await answer(db, settings, guru, original, "เช็คพัดลมหม้อน้ำครับ")
    copy = await ask(db, settings, other_member, category, "Aircon not cold in traffic")
    moved = await answer(db, settings, guru, copy, "Check the condenser fan first")
    for asker, post in ((member, kept), (other_member, moved)):
        await login(client, asker)
        assert (await api(client, "POST", f"/api/guru/answers/{post.id}/accept")).status_code == 200
    await login(client, admin)
    response = await post_form(client, f"/t/{copy.id}/close-duplicate", {"original_id": original.id, "move_replies": "1"})
    assert response.status_code == 200
    rows = dict((await db.execute(select(m.GuruAnswer.post_id, m.GuruAnswer.thread_id)
                                  .execution_options(populate_existing=True))).all())
    assert rows == {kept.id: original.id, moved.id: original.id}
    accepted = (await db.scalars(select(m.GuruAnswer.post_id).where(m.GuruAnswer.is_accepted.is_(True))
                                 .execution_options(populate_existing=True))).all()
    assert accepted == [kept.id]  # the original keeps its own accepted answer: one per question
    questions = {q.thread_id: q for q in (await db.scalars(select(m.GuruQuestion)
                                                           .execution_options(populate_existing=True))).all()}
    assert (questions[original.id].answer_count, questions[original.id].accepted_post_id) == (2, kept.id)
    assert (questions[copy.id].answer_count, questions[copy.id].accepted_post_id) == (0, None)
    body = (await client.get(f"/api/guru/questions/{original.id}")).json()
    assert {a["id"] for a in body["answers"]} == {kept.id, moved.id}
