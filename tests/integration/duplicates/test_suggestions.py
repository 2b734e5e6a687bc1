"""Similar threads while composing: the JSON endpoint, the page's live fragment, the review step
of the script-less form, and what is never suggested."""

from __future__ import annotations

from sqlalchemy import select

import models as m
from forum import events
from forum.services.posting import PostingService

from ...factories import api, login, post_form


async def similar(client, title: str, body: str = "", category_id: int | None = None) -> dict:
    params = {"title": title, "body": body}
    if category_id is not None:
        params["category_id"] = str(category_id)
    response = await client.get("/api/threads/similar", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(result: dict) -> list[int]:
    return [t["id"] for t in result["threads"]]


async def test_a_thai_question_finds_its_thai_twin(client, member, board):
    await login(client, member)
    result = await similar(client, "ยาริสแบตหมดตอนเช้าทุกวันเลยครับ", "ต้องพ่วงแบตทุกเช้า สตาร์ทไม่ติด")
    assert ids(result)[0] == board["battery"].id


async def test_an_english_question_finds_the_thai_thread_and_a_thai_one_the_english_thread(client, member, board):
    await login(client, member)
    assert ids(await similar(client, "My Yaris battery is dead every morning", "need a jump start every day"))[0] \
        == board["battery"].id
    assert ids(await similar(client, "ฟอร์จูนเนอร์ดีเซล เปลี่ยนน้ำมันเครื่องทุกกี่โล"))[0] == board["oil"].id
    assert ids(await similar(client, "City aircon not cold in traffic", "cold when driving, warm in traffic"))[0] \
        == board["aircon"].id


async def test_a_mixed_thai_english_question_finds_its_twin(client, member, board):
    await login(client, member)
    assert ids(await similar(client, "Revo เบรคมีเสียงดังตอนจะหยุด", "brake pads เพิ่งเปลี่ยน"))[0] == board["brakes"].id
    assert ids(await similar(client, "Yaris แบตหมด every morning", "ต้องจั๊มทุกวัน"))[0] == board["battery"].id


async def test_an_unrelated_question_gets_no_suggestions(client, member, board):
    await login(client, member)
    assert (await similar(client, "ประกันชั้นหนึ่งเจ้าไหนดี", "เบี้ยถูก เคลมง่าย"))["threads"] == []
    assert (await similar(client, "   ", ""))["threads"] == []


async def test_a_suggestion_carries_title_category_reply_count_and_answer_marks(client, db, member, other_member,
                                                                               admin, board):
    thread = board["battery"]
    thread.reply_count = 2
    answer = m.Post(thread_id=thread.id, author_id=admin.id, body_raw="เช็คไดชาร์จครับ", body_html="<p>x</p>")
    db.add(answer)
    await db.flush()
    await events.emit("guru.answer_posted", db, answer=answer, question=thread, guru=admin)
    await events.emit("guru.answer_accepted", db, answer=answer, question=thread, asker=other_member, answerer=admin)
    await db.commit()
    await login(client, member)
    top = (await similar(client, "แบตยาริสหมดทุกเช้า", "สตาร์ทไม่ติด"))["threads"][0]
    assert top["id"] == thread.id and top["title"] == thread.title and top["url"] == f"/t/{thread.id}"
    assert top["category"]["slug"] == "maintenance" and top["category"]["name_th"] == "บำรุงรักษา"
    assert top["reply_count"] == 2 and top["answered"] is True and top["accepted"] is True
    assert top["yours"] is False and 0 < top["score"] <= 1
    other = (await similar(client, "Hilux Revo brake squeal", "squeals when stopping"))["threads"][0]
    assert other["answered"] is False and other["accepted"] is False


async def test_the_page_fragment_lists_suggestions_in_the_readers_language(client, member, board):
    await login(client, member)
    response = await client.get("/threads/similar", params={"title": "My Yaris battery is dead every morning"})
    assert response.status_code == 200
    assert f'href="/t/{board["battery"].id}"' in response.text and "บำรุงรักษา" in response.text
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    response = await client.get("/threads/similar", params={"title": "My Yaris battery is dead every morning"})
    assert "Maintenance" in response.text and "0 replies" in response.text
    empty = await client.get("/threads/similar", params={"title": "ประกันชั้นหนึ่งเจ้าไหนดี"})
    assert empty.status_code == 200 and "<li>" not in empty.text


async def test_the_compose_page_loads_the_live_suggestions_script(client, member, category):
    await login(client, member)
    page = await client.get(f"/c/{category.slug}/new")
    assert 'src="/static/similar.js"' in page.text and 'id="similar-threads"' in page.text
    assert f'action="/c/{category.slug}/new/review"' in page.text
    assert f'data-direct-action="/c/{category.slug}/new"' in page.text
    script = await client.get("/static/similar.js")
    assert script.status_code == 200 and "/threads/similar?" in script.text


async def test_suggestions_need_a_member(client, board):
    assert (await client.get("/api/threads/similar", params={"title": "Yaris battery"})).status_code == 401


async def test_at_most_five_suggestions_are_given_best_first(client, factory, category, other_member, member):
    for n in range(8):
        await factory.thread(category, other_member, f"ยาริส แบตหมด ครั้งที่ {n}", f"แบตหมดตอนเช้า สตาร์ทไม่ติด {n}")
    await login(client, member)
    result = await similar(client, "ยาริส แบตหมดตอนเช้า", "สตาร์ทไม่ติด")
    scores = [t["score"] for t in result["threads"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)


async def test_without_script_the_form_shows_suggestions_before_the_thread_is_created(client, db, member, board,
                                                                                       category):
    await login(client, member)
    form = {"category_id": category.id, "title": "Yaris battery warranty",
            "body": "How long is the battery warranty at the dealer?"}
    response = await post_form(client, f"/c/{category.slug}/new/review", form)
    assert response.status_code == 200
    assert f'href="/t/{board["battery"].id}"' in response.text and 'name="reviewed"' in response.text
    assert await db.scalar(select(m.Thread).where(m.Thread.author_id == member.id)) is None
    # The member read them and posts anyway: the form goes on to the board and the thread is created.
    response = await post_form(client, f"/c/{category.slug}/new/review", {**form, "reviewed": "1"})
    assert response.status_code == 200, response.text
    created = await db.scalar(select(m.Thread).where(m.Thread.author_id == member.id))
    assert created is not None and str(response.url).endswith(f"/t/{created.id}")


async def test_without_script_a_question_with_nothing_similar_is_posted_at_once(client, db, member, board, category):
    await login(client, member)
    response = await post_form(client, f"/c/{category.slug}/new/review",
                               {"category_id": category.id, "title": "ประกันชั้นหนึ่งเจ้าไหนดี", "body": "เบี้ยถูก เคลมง่าย"})
    assert response.status_code == 200
    created = await db.scalar(select(m.Thread).where(m.Thread.author_id == member.id))
    assert created is not None and str(response.url).endswith(f"/t/{created.id}")


async def test_held_and_deleted_threads_are_never_suggested(client, db, factory, settings, member, other_member,
                                                            category):
    held = await factory.thread(category, other_member, "ยาริส แบตหมดทุกเช้า", "สตาร์ทไม่ติดทุกเช้า",
                                visibility=m.Visibility.HELD)
    later_held = await factory.thread(category, other_member, "Revo brakes squeal when stopping", "pads are new")
    deleted = await factory.thread(category, other_member, "Fortuner engine oil interval", "diesel 2.8, every 10,000 km?")
    await login(client, member)
    assert ids(await similar(client, "Revo brake squeal", "squeals when I stop")) == [later_held.id]
    assert ids(await similar(client, "Fortuner oil change interval", "how often on the diesel?")) == [deleted.id]
    # Moderation holds one after it was indexed; its author deletes the other.
    posting = PostingService(db, settings)
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == later_held.id))
    await posting.set_visibility(opening, m.Visibility.HELD)
    await db.commit()
    await login(client, other_member)
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == deleted.id))
    assert (await api(client, "DELETE", f"/api/posts/{opening.id}")).status_code == 200
    await login(client, member)
    assert ids(await similar(client, "ยาริสแบตหมดทุกเช้า", "สตาร์ทไม่ติด")) == []
    assert ids(await similar(client, "Revo brake squeal", "squeals when I stop")) == []
    assert ids(await similar(client, "Fortuner oil change interval", "how often on the diesel?")) == []
    fragment = await client.get("/threads/similar", params={"title": "ยาริส แบตหมดทุกเช้า"})
    assert f"/t/{held.id}" not in fragment.text


async def test_threads_in_categories_hidden_from_the_viewer_are_never_suggested(client, db, factory, member, admin,
                                                                                other_member, board):
    gold = await factory.category("owners-log", "บันทึกเจ้าของรถ", "Owner's log", position=2)
    gold.access = m.CategoryAccess.GOLD
    await db.commit()
    log = await factory.thread(gold, other_member, "Yaris Cross hybrid battery health after 3 years",
                               "Hybrid battery capacity of my Yaris Cross after 60,000 km")
    query = {"title": "Yaris Cross hybrid battery health", "body": "hybrid battery capacity after 60,000 km"}
    await login(client, member)  # a Silver member
    result = await similar(client, **query)
    assert log.id not in ids(result)
    fragment = await client.get("/threads/similar", params=query)
    assert f"/t/{log.id}" not in fragment.text
    await login(client, admin)
    assert ids(await similar(client, **query))[0] == log.id


async def test_the_live_box_leaves_out_a_thread_that_shares_only_the_car(client, factory, category, member,
                                                                        other_member):
    # The demo board once offered a member's self-introduction (she drives a Yaris Ativ) for an
    # oil question about a Yaris: suggestions must be about the question, not only the car.
    intro = await factory.thread(category, other_member, "แนะนำตัวค่ะ สมาชิกใหม่จากขอนแก่น",
                                 "สวัสดีค่ะ เพิ่งออกรถ Yaris Ativ มาเดือนที่แล้ว ฝากตัวด้วยนะคะ")
    oil = await factory.thread(category, other_member, "น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโลครับ Yaris 2020",
                               "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมือง ศูนย์บอกทุก 10,000 กม.")
    await login(client, member)
    for title in ("น้ำมันเครื่อง Yaris เปลี่ยนกี่โล", "oil change interval for my Yaris Ativ"):
        fragment = await client.get("/threads/similar", params={"title": title})
        assert fragment.status_code == 200
        assert f"/t/{oil.id}" in fragment.text
        assert f"/t/{intro.id}" not in fragment.text
        assert ids(await similar(client, title)) == [oil.id]
    # asking about the car alone suggests nothing at all
    assert (await similar(client, "Yaris Ativ"))["threads"] == []
