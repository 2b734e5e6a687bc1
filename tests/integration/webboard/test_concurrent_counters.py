"""Counters hold under concurrent posting through the real server (Granian, two worker processes):
every stored count equals a COUNT of the rows it stands for afterwards."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

import models as m
from guru import disclaimers

from ...factories import PASSWORD
from ...live import live_server

POSTERS = 16
REPLIES_EACH = 3
GURUS = 6
TOPICS = [
    "Brake pads squeal after rain", "Aircon smells musty in the morning", "Battery dies after a long weekend",
    "Steering wheel shakes at 100 km/h", "Best tyre pressure for a loaded pickup", "Dashcam wiring from the fuse box",
    "Timing belt interval on an old diesel", "Windscreen chip repair or replace", "Coolant level keeps dropping",
    "Headlight lens yellowing fix", "Gearbox whine in third gear", "LPG conversion worth it",
    "Wiper blades streak on the glass", "Engine mount worn symptoms", "Insurance claim for a flood car",
    "Rust under the door sills",
]


async def logged_in(base: str, login_id: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    await client.get("/login")  # the CSRF cookie
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    response = await client.post("/api/auth/login", json={"login_id": login_id, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


async def test_counters_equal_their_counts_after_concurrent_posting_on_two_workers(db_url, db, factory, category):
    members = [await factory.user(f"poster{i:02d}", f"Poster {i:02d}") for i in range(POSTERS)]
    gurus = [await factory.user(f"guru{i}", f"Guru {i}", role=m.Role.GURU) for i in range(GURUS)]
    thread = await factory.thread(category, members[0], "One busy thread about oil changes", "Which oil do you use?")
    await disclaimers.current(db)  # version 1 of the disclaimer exists before the first answers
    await db.commit()

    with live_server(db_url, workers=2) as (base, _log):
        clients = list(await asyncio.gather(*(logged_in(base, u.login_id) for u in members)))
        guru_clients = list(await asyncio.gather(*(logged_in(base, u.login_id) for u in gurus)))
        try:
            asked = await clients[1].post("/api/guru/questions", json={
                "area_id": category.id, "title": "Car pulls to the left when braking", "body": "Since last week."})
            assert asked.status_code == 201, asked.text
            question_id = asked.json()["id"]

            async def replies(client: httpx.AsyncClient, n: int) -> list[int]:
                return [(await client.post(f"/api/threads/{thread.id}/replies",
                                           json={"body": f"Reply {i} from poster {n}: I change it every {5 + i}000 km."}
                                           )).status_code for i in range(REPLIES_EACH)]

            async def new_thread(client: httpx.AsyncClient, n: int) -> int:
                return (await client.post("/api/threads", json={
                    "category_id": category.id, "title": TOPICS[n], "body": f"{TOPICS[n]}: any advice? ({n})"})).status_code

            async def guru_answer(client: httpx.AsyncClient, n: int) -> int:
                return (await client.post(f"/api/guru/questions/{question_id}/answers",
                                          json={"body": f"Check the brake caliper on that side first ({n})."})).status_code

            results = await asyncio.gather(*(replies(c, n) for n, c in enumerate(clients)),
                                           *(new_thread(c, n) for n, c in enumerate(clients)),
                                           *(guru_answer(c, n) for n, c in enumerate(guru_clients)))
            statuses = [s for r in results for s in (r if isinstance(r, list) else [r])]
            assert statuses.count(201) >= len(statuses) * 0.9 and all(s < 500 for s in statuses), statuses

            answers = (await clients[0].get(f"/api/guru/questions/{question_id}")).json()["answers"]
            assert answers, "no guru answer was published"
            marked = await asyncio.gather(*(c.post(f"/api/guru/answers/{answers[0]['id']}/helpful") for c in clients))
            assert [r.status_code for r in marked].count(200) == POSTERS, [r.text for r in marked]
        finally:
            for client in clients + guru_clients:
                await client.aclose()

    await check_counters(db)


async def check_counters(db) -> None:
    db.expire_all()
    published = m.Visibility.PUBLISHED
    replies = dict((await db.execute(
        select(m.Post.thread_id, func.count()).where(m.Post.is_opening.is_(False), m.Post.visibility == published)
        .group_by(m.Post.thread_id))).all())
    stored = dict((await db.execute(select(m.Thread.id, m.Thread.reply_count))).all())
    assert stored == {tid: replies.get(tid, 0) for tid in stored}
    assert max(stored.values()) >= POSTERS * REPLIES_EACH * 0.9  # the busy thread got (nearly) every reply

    threads = dict((await db.execute(select(m.Thread.category_id, func.count()).where(m.Thread.visibility == published)
                                     .group_by(m.Thread.category_id))).all())
    categories = dict((await db.execute(select(m.Category.id, m.Category.thread_count))).all())
    assert categories == {cid: threads.get(cid, 0) for cid in categories}

    answer_published = (m.Post.id == m.GuruAnswer.post_id) & (m.Post.visibility == published)
    answers = dict((await db.execute(select(m.GuruAnswer.thread_id, func.count()).join(m.Post, answer_published)
                                     .group_by(m.GuruAnswer.thread_id))).all())
    questions = dict((await db.execute(select(m.GuruQuestion.thread_id, m.GuruQuestion.answer_count))).all())
    assert questions == {tid: answers.get(tid, 0) for tid in questions} and sum(questions.values()) >= 1

    by_guru = dict((await db.execute(select(m.GuruAnswer.guru_id, func.count()).join(m.Post, answer_published)
                                     .group_by(m.GuruAnswer.guru_id))).all())
    profiles = dict((await db.execute(select(m.GuruProfile.user_id, m.GuruProfile.answer_count))).all())
    assert profiles == {uid: by_guru.get(uid, 0) for uid in profiles}

    marks = dict((await db.execute(select(m.GuruHelpfulMark.post_id, func.count()).group_by(m.GuruHelpfulMark.post_id))).all())
    helpful = dict((await db.execute(select(m.GuruAnswer.post_id, m.GuruAnswer.helpful_count))).all())
    assert helpful == {pid: marks.get(pid, 0) for pid in helpful} and max(helpful.values()) == POSTERS
