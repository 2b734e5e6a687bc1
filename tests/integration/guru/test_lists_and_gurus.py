from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

import models as m
from guru import queries

from ...factories import api, login, post_form
from .conftest import answer, ask, give_areas, service

START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


async def insert_questions(db, factory, category, author, count: int) -> list[m.Thread]:
    """Many questions at once (the posting rate limit would refuse them one by one)."""
    made = []
    for index in range(count):
        at = START + dt.timedelta(minutes=index // 2)  # pairs share a time: the id breaks the tie
        thread = await factory.thread(category, author, f"question-{index:02d}", at=at)
        thread.kind = m.ThreadKind.QUESTION
        db.add(m.GuruQuestion(thread_id=thread.id, asked_at=at, answer_count=0))
        made.append(thread)
    await db.commit()
    return made


async def test_the_guru_inbox_lists_open_questions_in_their_areas_unanswered_first_then_oldest_first(
    client, db, settings, factory, member, other_member, guru, category
):
    other_area = await factory.category("ev", "รถไฟฟ้า", "Electric cars")
    await give_areas(db, guru, category)
    day = dt.timedelta(days=1)
    answered_oldest = await ask(db, settings, member, category, "answered, oldest", at=START)
    unanswered_new = await ask(db, settings, member, category, "unanswered, newest", at=START + 3 * day)
    unanswered_old = await ask(db, settings, other_member, category, "unanswered, older", at=START + day)
    await ask(db, settings, member, other_area, "another area", at=START - day)
    accepted = await ask(db, settings, other_member, category, "accepted, closed", at=START - 2 * day)
    await answer(db, settings, guru, answered_oldest)
    done = await answer(db, settings, guru, accepted)
    await service(db, settings).accept(other_member, done.id)
    await db.commit()
    expected = [unanswered_old.id, unanswered_new.id, answered_oldest.id]
    await login(client, guru)
    body = (await client.get("/api/guru/inbox")).json()
    assert [q["id"] for q in body["questions"]] == expected
    assert [q["answered_by_me"] for q in body["questions"]] == [False, False, True]
    html = (await client.get("/guru/inbox")).text
    positions = [html.index(f'href="/guru/q/{thread_id}"') for thread_id in expected]
    assert positions == sorted(positions) and "another area" not in html and "accepted, closed" not in html
    # Page by page, the keyset cursor keeps the same order.
    seen, cursor = [], None
    while True:
        page = await queries.inbox(db, guru, limit=2, after=cursor)
        seen.extend(row.id for row in page.items)
        if not (cursor := page.next_cursor):
            break
    assert seen == expected
    # Members cannot open an inbox.
    await login(client, member)
    assert (await client.get("/api/guru/inbox")).status_code == 403
    assert (await client.get("/guru/inbox")).status_code == 403


async def test_a_guru_without_areas_is_told_how_to_fill_the_inbox(client, db, settings, member, guru, category):
    await ask(db, settings, member, category, "คำถาม")
    await login(client, guru)
    page = await client.get("/guru/inbox")
    assert page.status_code == 200 and 'href="/guru/profile"' in page.text and "/guru/q/" not in page.text


async def test_question_lists_filter_by_status_area_and_guru_and_page_with_a_cursor(
    client, db, settings, factory, member, other_member, guru, category
):
    second_guru = await factory.user("guru2", "Guru Two", role=m.Role.GURU)
    other_area = await factory.category("ev", "รถไฟฟ้า", "Electric cars")
    made = await insert_questions(db, factory, category, member, 25)
    ev = await ask(db, settings, other_member, other_area, "ชาร์จไฟไม่เข้า", at=START + dt.timedelta(days=2))
    await answer(db, settings, guru, made[0])
    await answer(db, settings, second_guru, made[1])
    await service(db, settings).accept(member, (await answer(db, settings, guru, made[2])).id)
    await db.commit()

    async def ids(query: str) -> list[int]:
        found, cursor = [], None
        while True:
            url = f"/api/guru/questions?{query}" + (f"&after={cursor}" if cursor else "")
            body = (await client.get(url)).json()
            found.extend(q["id"] for q in body["questions"])
            if not (cursor := body["next_cursor"]):
                return found

    everything = await ids("")
    assert len(everything) == 26 == len(set(everything)) and everything[0] == ev.id
    assert everything[1:] == [t.id for t in reversed(made)]
    assert sorted(await ids("status=answered")) == sorted(t.id for t in made[:3])
    assert await ids("status=accepted") == [made[2].id]
    assert len(await ids("status=unanswered")) == 23
    assert await ids(f"area={other_area.id}") == [ev.id]
    assert sorted(await ids(f"guru={guru.id}")) == sorted([made[0].id, made[2].id])
    assert await ids(f"guru={second_guru.id}&status=answered") == [made[1].id]
    first = await client.get("/guru/?status=unanswered")
    assert first.status_code == 200 and "status=unanswered&amp;after=" in first.text
    filtered = await client.get(f"/guru/?area={other_area.id}")
    assert "ชาร์จไฟไม่เข้า" in filtered.text and "question-00" not in filtered.text
    empty = await client.get(f"/guru/?guru={member.id}")
    assert empty.status_code == 200 and "/guru/q/" not in empty.text


async def test_asking_checks_the_car_details_and_stores_nothing_when_they_are_wrong(client, db, member, category):
    await login(client, member)
    base = {"area_id": category.id, "title": "เครื่องสั่นตอนจอด", "body": "สั่นมากตอนติดไฟแดง"}
    for wrong in ({"car_year": "18"}, {"car_year": "สองพัน"}, {"mileage_km": "-5"}, {"mileage_km": "ไกลมาก"},
                  {"car_model": "x" * 101}, {"area_id": ""}):
        page = await post_form(client, "/guru/ask", base | wrong)
        assert page.status_code == 400 and 'class="field-error"' in page.text
    response = await api(client, "POST", "/api/guru/questions", {"area_id": category.id, "title": "", "body": "x"})
    assert response.status_code == 400 and "title" in response.json()["fields"]
    assert await db.scalar(select(func.count()).select_from(m.Thread)) == 0
    assert await db.scalar(select(func.count()).select_from(m.GuruQuestion)) == 0
    created = await api(client, "POST", "/api/guru/questions",
                        base | {"car_model": "Yaris", "car_year": 2020, "mileage_km": 40000})
    assert created.status_code == 201
    assert created.json()["car_model"] == "Yaris" and created.json()["area"]["id"] == category.id


async def test_email_about_an_answer_is_not_sent_without_consent(db, settings, factory, member, guru, category):
    consenting = await factory.user("member3", "Member Three", email_consent=True, locale="en")
    quiet = await ask(db, settings, member, category, "ไม่ขออีเมล")
    loud = await ask(db, settings, consenting, category, "Please e-mail me")
    await answer(db, settings, guru, quiet)
    await answer(db, settings, guru, loud)
    notified = (await db.scalars(select(m.Notification.user_id).order_by(m.Notification.id))).all()
    assert notified == [member.id, consenting.id]
    mails = (await db.scalars(select(m.OutboxEmail))).all()
    assert [mail.to_address for mail in mails] == [consenting.email]
    assert "Please e-mail me" in mails[0].body and "/guru/q/" in mails[0].body


async def test_admins_grant_and_revoke_the_guru_role_and_gurus_keep_a_public_profile(
    client, db, factory, member, other_member, admin, category
):
    other_area = await factory.category("ev", "รถไฟฟ้า", "Electric cars")
    await login(client, member)
    assert (await client.get("/admin/guru/")).status_code == 403
    assert (await post_form(client, "/admin/guru/grant", {"login_id": "member2"})).status_code == 403
    assert (await api(client, "POST", "/api/guru/gurus", {"user_id": member.id})).status_code == 403
    await login(client, admin)
    unknown = await post_form(client, "/admin/guru/grant", {"login_id": "nobody"})
    assert unknown.status_code == 404 and 'class="field-error"' in unknown.text
    granted = await post_form(client, "/admin/guru/grant", {"login_id": "member2", "areas": [str(category.id), str(other_area.id)]},
                              follow_redirects=False)
    assert granted.status_code == 303
    await db.refresh(other_member)
    assert other_member.role == m.Role.GURU
    assert (await api(client, "POST", "/api/guru/gurus", {"user_id": admin.id})).status_code == 409
    listed = (await client.get("/api/guru/gurus")).json()
    assert [(g["user_id"], sorted(a["id"] for a in g["areas"])) for g in listed] == [
        (other_member.id, sorted([category.id, other_area.id]))]

    await login(client, other_member)
    saved = await post_form(client, "/guru/profile", {"display_name": "ช่างเอก", "bio": "ช่างยนต์ 20 ปี",
                                                      "areas": [str(other_area.id)]}, follow_redirects=False)
    assert saved.status_code == 303
    page = await client.get(f"/guru/gurus/{other_member.id}")
    assert "ช่างเอก" in page.text and "ช่างยนต์ 20 ปี" in page.text and 'class="guru-badge"' in page.text
    profile = (await api(client, "PATCH", "/api/guru/profile", {"display_name": "x", "bio": ""})).json()
    assert profile["status_code"] == 400 and "display_name" in profile["fields"]

    await login(client, admin)
    assert (await api(client, "DELETE", f"/api/guru/gurus/{other_member.id}")).json()["role"] == "member"
    assert (await api(client, "DELETE", f"/api/guru/gurus/{other_member.id}")).status_code == 409
    assert (await client.get("/api/guru/gurus")).json() == []
    former = (await client.get(f"/api/guru/gurus/{other_member.id}")).json()
    assert former["active"] is False and former["display_name"] == "ช่างเอก"


async def test_guru_pages_render_for_visitors_with_clear_empty_states(client, db, member, guru, category):
    listing = await client.get("/guru/")
    assert listing.status_code == 200 and 'href="/guru/ask"' in listing.text and "/guru/q/" not in listing.text
    gurus = await client.get("/guru/gurus")
    assert gurus.status_code == 200 and f'href="/guru/gurus/{guru.id}"' in gurus.text
    profile = await client.get(f"/guru/gurus/{guru.id}")
    assert profile.status_code == 200 and "Guru One" in profile.text
    assert (await client.get(f"/guru/gurus/{member.id}")).status_code == 404
    assert (await client.get("/guru/q/999")).status_code == 404
    assert (await client.get("/api/guru/questions/999")).status_code == 404
    assert (await client.get("/guru/ask", follow_redirects=False)).status_code == 303
