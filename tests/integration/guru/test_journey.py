"""The issue's "tried as a new user would": a member asks in Thai, a guru answers, the disclaimer
shows in Thai and in English (page and API), the asker accepts the answer and is notified."""

from __future__ import annotations

from sqlalchemy import select

import models as m
from guru.disclaimers import DEFAULT_EN, DEFAULT_TH

from ...factories import api, login, post_form
from .conftest import article, disclaimer_of, give_areas, parse


async def test_a_member_asks_in_thai_a_guru_answers_and_the_asker_accepts_and_is_notified(
    client, db, member, guru, category, emitted
):
    await give_areas(db, guru, category)
    await login(client, member)
    assert (await client.get("/guru/ask")).status_code == 200
    asked = await post_form(client, "/guru/ask", {
        "area_id": category.id, "title": "แอร์ไม่เย็นตอนรถติด Civic 2018",
        "body": "เปิดแอร์แล้วลมออกแต่ไม่เย็น โดยเฉพาะตอนรถติด ควรเช็คอะไรก่อนครับ",
        "car_model": "Civic", "car_year": "2018", "mileage_km": "85,000",
    }, follow_redirects=False)
    assert asked.status_code == 303
    thread = await db.scalar(select(m.Thread))
    question = await db.scalar(select(m.GuruQuestion))
    assert thread.kind == m.ThreadKind.QUESTION and thread.category_id == category.id
    assert (question.thread_id, question.car_model, question.car_year, question.mileage_km) == (thread.id, "Civic", 2018, 85000)
    page = await client.get(asked.headers["location"])
    assert "แอร์ไม่เย็นตอนรถติด" in page.text and "85,000" in page.text

    await login(client, guru)
    inbox = (await api(client, "GET", "/api/guru/inbox")).json()
    assert [q["id"] for q in inbox["questions"]] == [thread.id]
    answered = await post_form(client, f"/guru/q/{thread.id}/answer",
                               {"body": "น่าจะเป็น**พัดลมหม้อน้ำ**หรือน้ำยาแอร์ขาด ลองให้ศูนย์เช็คแรงดันน้ำยาครับ"})
    assert answered.status_code == 200
    post = await db.scalar(select(m.Post).where(m.Post.is_opening.is_(False)))

    # The page, in Thai (the default) and in English.
    await login(client, member)
    thai = parse((await client.get(f"/guru/q/{thread.id}")).text)
    note = disclaimer_of(thai, post.id)
    assert note is not None and DEFAULT_TH in note.all_text() and note.attrs["lang"] == "th"
    assert article(thai, post.id).find_all("span", "guru-badge")
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    english = parse((await client.get(f"/guru/q/{thread.id}")).text)
    assert DEFAULT_EN in disclaimer_of(english, post.id).all_text()

    # The API, with both texts and the reader's.
    for lang, expected in (("th", DEFAULT_TH), ("en", DEFAULT_EN)):
        body = (await client.get(f"/api/guru/questions/{thread.id}?lang={lang}")).json()
        [given] = body["answers"]
        assert given["id"] == post.id
        assert given["disclaimer"] == {"version": 1, "text": expected, "text_th": DEFAULT_TH, "text_en": DEFAULT_EN,
                                       "lang": lang}

    accepted = await api(client, "POST", f"/api/guru/answers/{post.id}/accept")
    assert accepted.status_code == 200 and accepted.json()["is_accepted"] is True
    notices = (await client.get("/api/notifications/")).json()
    assert notices["unread"] == 2
    assert {n["kind"] for n in notices["items"]} == {"guru.answered", "guru.accepted"}
    assert all(n["link"].startswith(f"/guru/q/{thread.id}") for n in notices["items"])
    assert [name for name, _ in emitted] == ["guru.answer_posted", "guru.answer_accepted"]
    posted, accepted_event = emitted[0][1], emitted[1][1]
    assert (posted["answer"].id, posted["question"].id, posted["guru"].id) == (post.id, thread.id, guru.id)
    assert (accepted_event["asker"].id, accepted_event["answerer"].id) == (member.id, guru.id)
    listing = (await client.get("/api/guru/questions?status=accepted")).json()
    assert [q["id"] for q in listing["questions"]] == [thread.id]
    profile = (await client.get(f"/api/guru/gurus/{guru.id}")).json()
    assert (profile["answer_count"], profile["accepted_count"]) == (1, 1)


async def test_asking_a_question_already_asked_shows_the_match_and_posts_once_the_difference_is_given(
        client, db, member, category):
    await login(client, member)
    question = {"area_id": category.id, "title": "Yaris battery flat every morning",
                "body": "My 2018 Yaris needs a jump start every morning. The battery is one year old."}
    first = await post_form(client, "/guru/ask", question, follow_redirects=False)
    assert first.status_code == 303
    original = await db.scalar(select(m.Thread))
    again = await post_form(client, "/guru/ask", question | {"title": "แบตยาริสหมดทุกเช้าเลย",
                                                             "body": "ต้องพ่วงแบตทุกวัน ทำไงดีครับ"})
    assert again.status_code == 409
    assert 'id="similar-heading"' in again.text and f'href="/t/{original.id}"' in again.text  # the match itself
    assert 'name="distinct_reason"' in again.text and f'name="distinct_from_id" value="{original.id}"' in again.text
    assert len((await db.scalars(select(m.Thread))).all()) == 1
    confirmed = await post_form(client, "/guru/ask", question | {
        "title": "แบตยาริสหมดทุกเช้าเลย", "body": "ต้องพ่วงแบตทุกวัน ทำไงดีครับ",
        "distinct_from_id": original.id, "distinct_reason": "This time it is a new battery, changed last week"},
        follow_redirects=False)
    assert confirmed.status_code == 303
    assert len((await db.scalars(select(m.Thread))).all()) == 2
