from __future__ import annotations

import models as m

from ...factories import api, login, post_form


async def test_thai_words_are_found_inside_unspaced_thai_text(client, factory, member, category):
    await factory.thread(category, member, "เปลี่ยนน้ำมันเครื่องทุกกี่กิโล", "รถยาริสของผมใช้น้ำมันเครื่องสังเคราะห์")
    await factory.thread(category, member, "ยางแตกบนทางด่วน", "ต้องทำอย่างไร")
    results = (await client.get("/api/search?q=น้ำมันเครื่อง")).json()["results"]
    assert [r["title"] for r in results] == ["เปลี่ยนน้ำมันเครื่องทุกกี่กิโล"]
    # A word that occurs only in the body, typed with a stray space inside it.
    body_hit = (await client.get("/api/search?q=สังเคราะ ห์")).json()["results"]
    assert len(body_hit) == 1


async def test_english_and_mixed_queries(client, db, factory, member, category):
    drains = await factory.thread(category, member, "Battery drains overnight", "My Fortuner battery dies")
    await factory.thread(category, member, "แบตเตอรี่ Fortuner หมดเร็ว", "ขับน้อย")
    assert len((await client.get("/api/search?q=fortuner")).json()["results"]) == 2
    assert len((await client.get("/api/search?q=BATTERY drains")).json()["results"]) == 1
    # The vocabulary makes "แบตเตอรี่" and "battery" one concept: the Thai title first, then the
    # English thread that has Fortuner in its body.
    mixed = (await client.get("/api/search?q=Fortuner แบตเตอรี่")).json()["results"]
    assert [r["title"] for r in mixed] == ["แบตเตอรี่ Fortuner หมดเร็ว", "Battery drains overnight"]
    page = await client.get("/search?q=fortuner")
    assert "Battery drains overnight" in page.text and "0 คำตอบ" in page.text
    drains.reply_count = 1
    await db.commit()
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    english = await client.get("/search?q=fortuner")
    assert "1 reply ·" in english.text and "0 replies" in english.text and "1 replies" not in english.text


async def test_search_operators_typed_by_members_are_plain_words(client, factory, member, category):
    await factory.thread(category, member, "ABS light NEAR the dash", "")
    for query in ('"', "NEAR(", "abs OR", "*", "'"):
        assert (await client.get("/api/search", params={"q": query})).status_code == 200


async def test_held_threads_are_not_found_by_search(client, factory, member, category):
    await factory.thread(category, member, "ไฟเบรกค้าง", visibility=m.Visibility.HELD)
    assert (await client.get("/api/search?q=ไฟเบรก")).json()["results"] == []


async def test_edited_title_is_searchable(client, db, factory, member, category):
    thread = await factory.thread(category, member, "old words", "body")
    await login(client, member)
    post = (await client.get(f"/api/threads/{thread.id}")).json()["posts"][0]
    await api(client, "PATCH", f"/api/posts/{post['id']}", {"title": "ช่วงล่างมีเสียง", "body": "body"})
    assert len((await client.get("/api/search?q=ช่วงล่าง")).json()["results"]) == 1
    assert (await client.get("/api/search?q=old")).json()["results"] == []
