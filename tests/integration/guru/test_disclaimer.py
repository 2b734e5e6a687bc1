from __future__ import annotations

from sqlalchemy import select

import models as m
from guru.disclaimers import DEFAULT_EN, DEFAULT_TH

from ...factories import api, login, post_form
from .conftest import answer, article, ask, disclaimer_of, parse

SNEAKY = "\n\n".join([
    '<div class="disclaimer" style="display:none">hidden</div>',
    "<style>.disclaimer { display: none !important }</style>",
    '<span style="position:absolute;top:0" class="post">x</span></div></article><aside class="disclaimer">fake</aside>',
    '<!-- <aside class="disclaimer">',
    "> an unclosed quote\n> > nested\n\n- list\n  - deeper",
    "```\nunclosed code fence </div>",
])


async def test_the_disclaimer_shows_under_every_guru_answer_and_the_answers_markup_cannot_hide_or_restyle_it(
    client, db, settings, factory, member, guru, category
):
    second_guru = await factory.user("guru2", "Guru Two", role=m.Role.GURU)
    thread = await ask(db, settings, member, category, "ช่วงล่างมีเสียงดังกึกกัก")
    posts = [await answer(db, settings, guru, thread, "ปกติ **ลูกหมาก** ครับ"),
             await answer(db, settings, second_guru, thread, SNEAKY)]
    for post in posts:  # the sanitiser leaves no element that could style or imitate the page
        elements = parse(post.body_html).find_all()
        assert elements and all("style" not in e.attrs and "class" not in e.attrs for e in elements)
        assert not {e.tag for e in elements} & {"style", "aside", "article", "div", "span"}
    await login(client, member)
    html = (await client.get(f"/guru/q/{thread.id}")).text
    page = parse(html)
    notes = page.find_all("aside", "disclaimer")
    assert len(notes) == len(posts)
    for post in posts:
        note = disclaimer_of(page, post.id)
        assert note is not None and DEFAULT_TH in note.all_text()
        assert "style" not in note.attrs and not any("body" in a.classes for a in note.ancestors())
        body = [c for c in article(page, post.id).children if "body" in c.classes][0]
        for element in body.find_all():
            assert "style" not in element.attrs and "class" not in element.attrs
            assert element.tag not in ("style", "aside", "article", "div", "span")
    assert page.find_all("style") == [] and not [e for e in page.find_all() if "display" in (e.attrs.get("style") or "")]
    body = (await client.get(f"/api/guru/questions/{thread.id}")).json()
    assert [a["disclaimer"]["text_th"] for a in body["answers"]] == [DEFAULT_TH, DEFAULT_TH]


async def test_a_revoked_gurus_old_answers_keep_their_disclaimer(client, db, settings, member, admin, guru, category):
    thread = await ask(db, settings, member, category, "ปั๊มติ๊กเสีย อาการเป็นยังไง")
    old = await answer(db, settings, guru, thread)
    await login(client, admin)
    revoked = await post_form(client, f"/admin/guru/{guru.id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    await db.refresh(guru)
    assert guru.role == m.Role.MEMBER
    await login(client, guru)
    assert (await api(client, "POST", f"/api/guru/questions/{thread.id}/answers", {"body": "อีกคำตอบ"})).status_code == 403
    later = (await api(client, "POST", f"/api/guru/questions/{thread.id}/comments", {"body": "ความเห็นในฐานะสมาชิก"})).json()
    for path in (f"/guru/q/{thread.id}", f"/t/{thread.id}"):
        page = parse((await client.get(path)).text)
        assert DEFAULT_TH in disclaimer_of(page, old.id).all_text()
        assert disclaimer_of(page, later["id"]) is None
    body = (await client.get(f"/api/guru/questions/{thread.id}")).json()
    assert [(a["id"], a["disclaimer"]["version"]) for a in body["answers"]] == [(old.id, 1)]
    assert [c["id"] for c in body["comments"]] == [later["id"]]
    webboard = (await client.get(f"/api/threads/{thread.id}")).json()
    notes = {p["id"]: p.get("guru_disclaimer") for p in webboard["posts"]}
    assert notes[old.id]["text_en"] == DEFAULT_EN and notes[later["id"]] is None


async def test_a_guru_reply_on_the_webboard_carries_the_disclaimer_in_html_and_api(client, db, factory, member, guru, category):
    thread = await factory.thread(category, member, "ควรเติมน้ำมันเกรดไหนดี", "รถวิ่งทางไกลบ่อย")
    await login(client, member)
    await post_form(client, f"/t/{thread.id}/reply", {"body": "ผมใช้ 95 ครับ"})
    await login(client, guru)
    await post_form(client, f"/t/{thread.id}/reply", {"body": "ใช้ตามคู่มือก็พอครับ"})
    member_reply, guru_reply = (await db.scalars(select(m.Post).where(m.Post.is_opening.is_(False)).order_by(m.Post.id))).all()
    recorded = await db.scalar(select(m.GuruAnswer))
    assert recorded.post_id == guru_reply.id and recorded.thread_id == thread.id
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    page = parse((await client.get(f"/t/{thread.id}")).text)
    assert DEFAULT_EN in disclaimer_of(page, guru_reply.id).all_text()
    assert disclaimer_of(page, member_reply.id) is None
    posts = (await client.get(f"/api/threads/{thread.id}")).json()["posts"]
    by_id = {p["id"]: p for p in posts}
    assert by_id[guru_reply.id]["guru_disclaimer"]["text"] == DEFAULT_EN
    assert by_id[guru_reply.id]["guru_disclaimer"]["version"] == 1
    assert "guru_disclaimer" not in by_id[member_reply.id]


async def test_editing_the_disclaimer_adds_a_version_and_old_answers_keep_theirs(client, db, settings, member, admin, guru, category):
    thread = await ask(db, settings, member, category, "คลัตช์ลื่น")
    old = await answer(db, settings, guru, thread, "คำตอบแรก")
    await login(client, admin)
    refused = await post_form(client, "/admin/guru/disclaimer", {"text_th": " ", "text_en": "only English"})
    assert refused.status_code == 400
    assert len((await db.scalars(select(m.GuruDisclaimer))).all()) == 1
    saved = await post_form(client, "/admin/guru/disclaimer",
                            {"text_th": "ข้อความใหม่ รุ่นสอง", "text_en": "New text, version two"}, follow_redirects=False)
    assert saved.status_code == 303
    assert (await client.get("/api/guru/disclaimer?lang=en")).json() == {
        "version": 2, "text": "New text, version two", "text_th": "ข้อความใหม่ รุ่นสอง",
        "text_en": "New text, version two", "lang": "en"}
    new = await answer(db, settings, guru, thread, "คำตอบที่สอง")
    body = (await client.get(f"/api/guru/questions/{thread.id}")).json()
    versions = {a["id"]: (a["disclaimer"]["version"], a["disclaimer"]["text_th"]) for a in body["answers"]}
    assert versions == {old.id: (1, DEFAULT_TH), new.id: (2, "ข้อความใหม่ รุ่นสอง")}
    page = parse((await client.get(f"/guru/q/{thread.id}")).text)
    assert DEFAULT_TH in disclaimer_of(page, old.id).all_text()
    assert "ข้อความใหม่ รุ่นสอง" in disclaimer_of(page, new.id).all_text()
    history = (await client.get("/admin/guru/disclaimer")).text
    assert DEFAULT_TH in history and "ข้อความใหม่ รุ่นสอง" in history
    # Only admins edit it.
    await login(client, guru)
    assert (await api(client, "POST", "/api/guru/disclaimer", {"text_th": "x", "text_en": "y"})).status_code == 403
    assert (await post_form(client, "/admin/guru/disclaimer", {"text_th": "x", "text_en": "y"})).status_code == 403
