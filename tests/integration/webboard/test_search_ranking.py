"""Search finds parts of Thai compounds, synonyms across Thai and English, ranks, highlights,
filters and pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import models as m

from ...factories import login

OIL_TITLE = "เปลี่ยนน้ำมันเครื่องทุกกี่กิโลครับ"


async def search(client, **params):
    return (await client.get("/api/search", params=params)).json()


async def question(db, factory, category, author, title, *, answers=0, accepted=False, at=None):
    thread = await factory.thread(category, author, title, "คำถาม", at=at)
    thread.kind = m.ThreadKind.QUESTION
    gq = m.GuruQuestion(thread_id=thread.id, asked_at=thread.created_at, answer_count=answers)
    if accepted:
        gq.accepted_post_id = (await db.scalar(
            m.Post.__table__.select().with_only_columns(m.Post.id).where(m.Post.thread_id == thread.id)))
    db.add(gq)
    await db.commit()
    return thread


async def test_part_of_a_thai_compound_finds_the_thread(client, factory, member, category):
    await factory.thread(category, member, OIL_TITLE, "รถยาริส")
    await factory.thread(category, member, "ยางแตกบนทางด่วน", "ทำอย่างไรดี")
    for query in ("น้ำมัน", "น้ำมันเครื่อง", "น้ำมันเครื่", "เครื่อง"):
        assert [r["title"] for r in (await search(client, q=query))["results"]] == [OIL_TITLE], query
    page = await client.get("/search", params={"q": "น้ำมัน"})
    assert OIL_TITLE in page.text


async def test_mixed_thai_and_english_query_finds_a_thai_oil_change_thread(client, factory, member, category):
    await factory.thread(category, member, OIL_TITLE, "ใช้สังเคราะห์แท้")
    await factory.thread(category, member, "เปลี่ยนยางใหม่ยี่ห้อไหนดี", "ยางเดิมหมดดอก")
    assert [r["title"] for r in (await search(client, q="เปลี่ยน oil"))["results"]] == [OIL_TITLE]
    assert [r["title"] for r in (await search(client, q="engine oil"))["results"]] == [OIL_TITLE]


async def test_english_words_find_their_thai_synonyms_and_spelling_variants(client, factory, member, category):
    await factory.thread(category, member, "ผ้าเบรคหน้าหมดเร็วมาก", "ฟอร์จูนเนอร์ 2020")
    assert len((await search(client, q="brake pads"))["results"]) == 1
    assert len((await search(client, q="ผ้าเบรก"))["results"]) == 1  # เบรก / เบรค
    assert len((await search(client, q="fortuner"))["results"]) == 1  # Thai script in the body
    assert len((await search(client, q="fortunr"))["results"]) == 1  # one typo


async def test_title_matches_rank_above_body_matches(client, factory, member, category):
    body_only = await factory.thread(category, member, "รถมีปัญหา", "ช่วงนี้แอร์ไม่เย็นเลย")
    in_title = await factory.thread(category, member, "แอร์ไม่เย็น", "ช่วงนี้มีปัญหา",
                                    at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))
    assert [r["id"] for r in (await search(client, q="แอร์"))["results"]] == [in_title.id, body_only.id]


async def test_recent_and_answered_threads_rank_higher(client, db, factory, member, category):
    now = dt.datetime.now(dt.timezone.utc)
    old = await question(db, factory, category, member, "ไฟหน้าเหลือง", at=now - dt.timedelta(days=700))
    recent = await question(db, factory, category, member, "ไฟหน้าเหลือง", at=now - dt.timedelta(days=1))
    assert [r["id"] for r in (await search(client, q="ไฟหน้า"))["results"]] == [recent.id, old.id]
    answered = await question(db, factory, category, member, "ไฟหน้าเหลือง", answers=1, accepted=True,
                              at=now - dt.timedelta(days=2))
    assert [r["id"] for r in (await search(client, q="ไฟหน้า"))["results"]][0] == answered.id


async def test_filters_by_category_and_ask_guru_status(client, db, factory, member, category):
    other = await factory.category("ev", "รถไฟฟ้า", "EVs", position=2)
    discussion = await factory.thread(category, member, "แบตเตอรี่เสื่อม", "คุยกัน")
    waiting = await question(db, factory, category, member, "แบตเตอรี่หมดบ่อย")
    answered = await question(db, factory, category, member, "แบตเตอรี่บวม", answers=1)
    accepted = await question(db, factory, other, member, "แบตเตอรี่ใหม่", answers=2, accepted=True)

    def ids(found):
        return sorted(r["id"] for r in found["results"])

    assert ids(await search(client, q="แบตเตอรี่")) == sorted([discussion.id, waiting.id, answered.id, accepted.id])
    assert ids(await search(client, q="แบตเตอรี่", category=other.slug)) == [accepted.id]
    assert ids(await search(client, q="battery", guru="question")) == sorted([waiting.id, answered.id, accepted.id])
    assert ids(await search(client, q="แบตเตอรี่", guru="answered")) == sorted([answered.id, accepted.id])
    assert ids(await search(client, q="แบตเตอรี่", guru="accepted")) == [accepted.id]
    assert ids(await search(client, q="แบตเตอรี่", guru="unanswered")) == [waiting.id]
    assert ids(await search(client, q="แบตเตอรี่", guru="discussion")) == [discussion.id]
    assert ids(await search(client, q="แบตเตอรี่", category="no-such-category")) == []
    page = await client.get("/search", params={"q": "แบตเตอรี่", "guru": "unanswered", "category": category.slug})
    assert "แบตเตอรี่หมดบ่อย" in page.text and "แบตเตอรี่บวม" not in page.text
    assert f'<option value="{category.slug}" selected>' in page.text and "รอกูรูตอบ" in page.text  # Thai labels


async def test_snippets_highlight_matched_words_and_stay_html_safe(client, factory, member, category):
    await factory.thread(category, member, "Oil question",
                         '<img src=x onerror=alert(1)> x<y & "q" ผมใช้น้ำมันเครื่อง 5w-30 ครับ')
    hit = (await search(client, q="oil"))["results"][0]
    assert "<img" not in hit["snippet_html"] and "x&lt;y &amp; &#34;q&#34;" in hit["snippet_html"]
    assert "<mark>น้ำมันเครื่อง</mark>" in hit["snippet_html"] and "<mark>Oil</mark>" in hit["title_html"]
    page = await client.get("/search", params={"q": "oil"})
    assert "<mark>น้ำมันเครื่อง</mark>" in page.text and "onerror" not in page.text


async def test_pages_of_results_do_not_overlap(client, factory, member, category):
    now = dt.datetime.now(dt.timezone.utc)
    for i in range(25):
        await factory.thread(category, member, f"โช้คอัพรั่ว {i}", at=now - dt.timedelta(hours=i))
    first = await search(client, q="โช้ค")
    second = await search(client, q="โช้ค", page=2)
    assert len(first["results"]) == 20 and first["has_next"] and len(second["results"]) == 5 and not second["has_next"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    page = await client.get("/search", params={"q": "โช้ค"})
    assert 'rel="next" href="/search?q=' in page.text and "page=2" in page.text


async def test_held_deleted_and_gated_threads_stay_out_even_when_filtered_and_paged(client, db, factory, member,
                                                                                    category):
    gold = await factory.category("gold", "เจ้าของรถ", "Owners", position=3)
    gold.access = m.CategoryAccess.GOLD
    await db.commit()
    for i in range(25):
        await factory.thread(gold, member, f"กรองอากาศ gold {i}")
    await factory.thread(category, member, "กรองอากาศ held", visibility=m.Visibility.HELD)
    await factory.thread(category, member, "กรองอากาศ deleted", visibility=m.Visibility.DELETED)
    visible = await factory.thread(category, member, "กรองอากาศ สกปรก")
    await login(client, member)  # a Silver member, not Gold
    assert [r["id"] for r in (await search(client, q="กรองอากาศ"))["results"]] == [visible.id]
    assert (await search(client, q="กรองอากาศ", category=gold.slug))["results"] == []
    assert [r["id"] for r in (await search(client, q="air filter", page=1))["results"]] == [visible.id]


async def test_when_no_thread_has_every_word_some_words_are_enough(client, factory, member, category):
    await factory.thread(category, member, OIL_TITLE, "ยาริส")
    found = await search(client, q="น้ำมันเครื่อง xylophone")
    assert found["broadened"] and [r["title"] for r in found["results"]] == [OIL_TITLE]
    assert not (await search(client, q="น้ำมันเครื่อง ยาริส"))["broadened"]
    page = await client.get("/search", params={"q": "น้ำมันเครื่อง xylophone"})
    assert OIL_TITLE in page.text


async def test_postgres_walk_and_index_plans_find_the_same_threads(client, db, factory, member, category, monkeypatch):
    """PostgreSQL picks a newest-first walk or the GIN index from a probe; a small board always
    takes the index, so the walk is forced here and must give the same page (SQLite: one plan)."""
    from forum.services import search as search_service

    other = await factory.category("other", "อื่น ๆ", "Other", position=4)
    now = dt.datetime.now(dt.timezone.utc)
    for i in range(12):
        await factory.thread(category if i % 2 else other, member, f"ผ้าเบรกหน้า {i}", "เสียงดัง",
                             at=now - dt.timedelta(days=i * 40))
    body_only = await factory.thread(category, member, "ยางแบน", "ผ้าเบรก สึก", at=now)  # ranks last
    await factory.thread(category, member, "ยางแบนกลางทาง", "ปะยางข้างทาง")  # the rarer word only
    await factory.thread(category, member, "ผ้าเบรก held", visibility=m.Visibility.HELD)
    await question(db, factory, category, member, "ผ้าเบรก guru", answers=1, accepted=True)
    cases = [{"q": "ผ้าเบรก"}, {"q": "brake pad"}, {"q": "ผ้าเบรก", "category": category.slug},
             {"q": "ผ้าเบรก", "guru": "accepted"}, {"q": "ผ้าเบรก xylophone"}, {"q": "xylophone"}]
    by_index = [[r["id"] for r in (await search(client, **case))["results"]] for case in cases]
    rare_cases = [{"q": "ผ้าเบรก เสียงดัง"}, {"q": "ผ้าเบรก หน้า", "category": category.slug},
                  {"q": "ผ้าเบรก xylophone"}, {"q": "ผ้าเบรก ยางแบน"}]
    by_whole_query = [[r["id"] for r in (await search(client, **case))["results"]] for case in rare_cases]
    chosen: list[bool] = []
    rarest: list[str] = []
    original = search_service._ranked_sql

    def spy(dialect, where, match="", *, walk=False, rare=""):
        chosen.append(walk)
        rarest.append(rare)
        return original(dialect, where, match, walk=walk, rare=rare)

    monkeypatch.setattr(search_service, "_ranked_sql", spy)
    monkeypatch.setattr(search_service, "HEAP_ROW_COST", 1e9)  # any match at all: walk
    by_walk = [[r["id"] for r in (await search(client, **case))["results"]] for case in cases]
    assert by_walk == by_index
    # Every word required, the index path taking ids from the rarest word alone: same pages.
    monkeypatch.setattr(search_service, "HEAP_ROW_COST", 1e-9)
    monkeypatch.setattr(search_service, "POSTING_COST", 1e9)
    assert [[r["id"] for r in (await search(client, **case))["results"]] for case in rare_cases] == by_whole_query
    assert len(by_whole_query[0]) == 12 and len(by_whole_query[1]) == 6 and len(by_whole_query[2]) == 14
    assert by_whole_query[3] == [body_only.id]
    assert len(by_index[0]) == 14 and by_index[0][-1] == body_only.id and len(by_index[2]) == 8
    assert len(by_index[3]) == 1 and by_index[5] == []
    if db.bind.dialect.name == "postgresql":
        assert True in chosen and any(rarest)  # the walk and the rarest-word path did run


async def test_postgres_ranks_only_the_newest_matches_of_a_common_word_on_every_page(
        client, db, factory, member, category, monkeypatch):
    """PostgreSQL ranks the newest COMMON_CANDIDATES matches of a word found in most new threads
    (each ranked row has its stored tsvector tested and ranked), the same set on every page; SQLite
    ranks CANDIDATES. A small board is scaled down here: 30 matches, 22 ranked."""
    from forum.services import search as search_service

    now = dt.datetime.now(dt.timezone.utc)
    best = await question(db, factory, category, member, "โช้คอัพ โช้คอัพ รั่ว", answers=1, accepted=True,
                          at=now - dt.timedelta(hours=40))  # the oldest: a title hit with an accepted answer
    for i in range(29):
        await factory.thread(category, member, f"ถามเรื่องรถ {i}", "โช้คอัพรั่ว", at=now - dt.timedelta(hours=i))
    full = [await search(client, q="โช้คอัพ", page=page) for page in (1, 2)]
    assert full[0]["results"][0]["id"] == best.id and len(full[1]["results"]) == 10
    monkeypatch.setattr(search_service, "COMMON_CANDIDATES", 22)
    first, second = [await search(client, q="โช้คอัพ", page=page) for page in (1, 2)]
    if db.bind.dialect.name == "postgresql":
        shown = [r["id"] for r in first["results"] + second["results"]]
        assert len(shown) == len(set(shown)) == 22 and first["has_next"] and not second["has_next"]
        assert best.id not in shown
        assert (await search(client, q="โช้คอัพ", guru="accepted"))["results"][0]["id"] == best.id  # a filter finds it
    else:
        assert [first, second] == full


async def test_postgres_index_plan_does_not_leave_the_planner_setting_behind(db, factory, member, category):
    """The GIN path turns sequential scans off for its one statement (the planner may otherwise
    test every row once ANALYZE has run); the request's later statements plan as usual."""
    from sqlalchemy import text

    from forum.services.search import search_threads

    await factory.thread(category, member, "ผ้าเบรกหมด", "เสียงดัง")
    if db.bind.dialect.name != "postgresql":
        assert len(await search_threads(db, "ผ้าเบรก")) == 1
        return
    await db.execute(text("ANALYZE threads"))
    assert len(await search_threads(db, "ผ้าเบรก xylophone")) == 1  # broadened: two index-plan statements
    assert (await db.execute(text("SHOW enable_seqscan"))).scalar() == "on"
