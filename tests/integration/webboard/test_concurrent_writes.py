"""Concurrent posting through the real server (Granian, two worker processes) as browsers do it:
16 members submit reply and new-thread forms at once for a few seconds. No submit may answer 5xx
(a busy database means waiting, or a clear 503), and every submit answered 303 is stored."""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
import time

import httpx
import pytest
from sqlalchemy import select

import models as m

from ...factories import PASSWORD
from ...live import live_server

POSTERS = 16
THREADS = 8
SECONDS = 4.0
WORDS = ["engine", "oil", "battery", "tyre", "brake", "gearbox", "aircon", "noise", "leak", "service",
         "ยาง", "เบรก", "แอร์", "เกียร์", "น้ำมันเครื่อง", "แบตเตอรี่", "ช่วงล่าง", "เสียงดัง", "ศูนย์บริการ", "ครับ"]


async def browser(base: str, login_id: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
    await client.get("/login")
    token = client.cookies["csrftoken"]
    done = await client.post("/login", data={"_csrf_token": token, "login_id": login_id, "password": PASSWORD})
    assert done.status_code == 303 and "session" in client.cookies, done.text
    return client, token


async def test_concurrent_form_posts_never_answer_5xx_and_every_accepted_post_is_stored(db_url, db, factory, category):
    members = [await factory.user(f"writer{i:02d}", f"Writer {i:02d}") for i in range(POSTERS)]
    threads = [await factory.thread(category, members[i], f"Shared thread number {i} about {WORDS[i]}", "Start here.")
               for i in range(THREADS)]
    await db.commit()

    with live_server(db_url, workers=2) as (base, log_path):
        browsers = list(await asyncio.gather(*(browser(base, u.login_id) for u in members)))
        sent: list[tuple[int, str, str]] = []  # (status, tag, Location)
        serial = itertools.count()
        try:
            async def poster(n: int) -> None:
                client, token = browsers[n]
                stop = time.monotonic() + SECONDS
                while time.monotonic() < stop:
                    i = next(serial)
                    tag = f"w{n}x{i}q"
                    text = " ".join(WORDS[(i * 7 + k * 3 + n) % len(WORDS)] for k in range(25))
                    if i % 5 == 4:  # a new thread now and then; the tag keeps its title unique
                        response = await client.post(f"/c/{category.slug}/new", data={
                            "_csrf_token": token, "title": f"Question {tag} from writer {n}",
                            "body": f"{text} {tag}"})
                    else:
                        response = await client.post(f"/t/{threads[i % THREADS].id}/reply",
                                                     data={"_csrf_token": token, "body": f"{text} {tag}"})
                    sent.append((response.status_code, tag, response.headers.get("location", "")))

            await asyncio.gather(*(poster(n) for n in range(POSTERS)))
        finally:
            for client, _ in browsers:
                await client.aclose()
        log = log_path.read_text(errors="replace")

    statuses = [s for s, _, _ in sent]
    assert len(sent) >= POSTERS, statuses
    server_errors = [s for s in statuses if s >= 500]
    assert not server_errors, (sorted(set(statuses)), re.findall(r"[A-Za-z.]*(?:Error|Exception)[^\n]*", log)[:5])
    assert statuses.count(303) >= len(statuses) * 0.5, sorted(set(statuses))

    db.expire_all()
    bodies = (await db.execute(select(m.Post.body_raw))).scalars().all()
    stored_tags = {t for body in bodies for t in re.findall(r"w\d+x\d+q", body)}
    accepted = {tag for status, tag, _ in sent if status == 303}
    assert accepted <= stored_tags, sorted(accepted - stored_tags)[:10]
    refused = {tag for status, tag, _ in sent if status != 303}
    assert not (refused & stored_tags), sorted(refused & stored_tags)[:10]


async def test_a_write_lock_held_past_the_busy_timeout_answers_503_with_retry_after_and_saves_nothing(
        db_url, db, factory, category):
    """Another process keeps SQLite's write lock longer than the server waits for it: the submit
    is refused with a clear 503 and Retry-After (it used to be a 500), nothing half-saved, and the
    same submit goes through once the lock is free."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    member = await factory.user("lockwaiter", "Lock Waiter")
    thread = await factory.thread(category, member, "A thread to reply to while the database is busy", "Start here.")
    await db.commit()
    thread_id = thread.id
    path = db_url.split("///", 1)[1].split("?", 1)[0]

    with live_server(db_url, workers=1, env={"WEBBOARD_SQLITE_BUSY_MS": "300"}) as (base, log_path):
        client, token = await browser(base, member.login_id)
        try:
            holder = sqlite3.connect(path, timeout=5, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long writer in another process holds it
            try:
                refused = await client.post(f"/t/{thread.id}/reply", data={"_csrf_token": token, "body": "Blocked reply lk1"})
                api = await client.post(f"/api/threads/{thread.id}/replies", json={"body": "Blocked reply lk2"},
                                        headers={"x-csrftoken": token})
            finally:
                holder.rollback()
                holder.close()
            again = await client.post(f"/t/{thread.id}/reply", data={"_csrf_token": token, "body": "Blocked reply lk1"})
        finally:
            await client.aclose()
        log = log_path.read_text(errors="replace")

    assert refused.status_code == 503, (refused.status_code, log[-2000:])
    assert int(refused.headers["retry-after"]) >= 1
    assert api.status_code == 503 and api.json()["status_code"] == 503 and "retry-after" in api.headers, api.text
    assert again.status_code == 303, again.text
    db.expire_all()
    bodies = (await db.execute(select(m.Post.body_raw).where(m.Post.thread_id == thread_id))).scalars().all()
    assert bodies.count("Blocked reply lk1") == 1 and "Blocked reply lk2" not in bodies
    assert "Traceback" not in log
