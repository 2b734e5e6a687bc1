"""Suggestions and the new-thread check read their matches' rows with each category's access level
and leave out, row by row, what the viewer may not read (h-sqlpaced: no separate read of the gated
categories first). Every gate (Gold, 18+), every kind of viewer, and one viewer's answer never
reused for another."""

from __future__ import annotations

import datetime as dt

import pytest

import models as m
from forum.duplicates import service as duplicates

from ...factories import login, post_form

GOLD_LOG = ("Yaris Cross hybrid battery health after 3 years",
            "Hybrid battery capacity of my Yaris Cross after 60,000 km, is it still fine?")
AFTER_DARK = ("Fortuner night drive headlight aim too low",
              "My Fortuner headlights point too low on night drives, how do I adjust the aim?")


@pytest.fixture
async def gated(db, factory, other_member) -> dict[str, m.Thread]:
    gold = await factory.category("owners-log", "บันทึกเจ้าของรถ", "Owners' log", position=5)
    adult = await factory.category("after-dark", "คุยหลังสี่ทุ่ม", "After dark", position=6)
    gold.access, adult.access = m.CategoryAccess.GOLD, m.CategoryAccess.ADULT
    await db.commit()
    return {"gold": await factory.thread(gold, other_member, *GOLD_LOG),
            "adult": await factory.thread(adult, other_member, *AFTER_DARK)}


async def similar_ids(client, title: str, body: str) -> list[int]:
    response = await client.get("/api/threads/similar", params={"title": title, "body": body})
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["threads"]]


async def test_each_viewer_gets_only_the_gated_threads_it_may_read(client, db, factory, member, admin, gated):
    gold_member = await factory.user("goldie", "Gold Owner", tier=m.Tier.GOLD)
    minor = await factory.user("teen", "Teen Driver")
    minor.date_of_birth = dt.date.today().replace(year=dt.date.today().year - 16)
    await db.commit()
    gold_q, adult_q = GOLD_LOG, AFTER_DARK
    expected = {  # viewer: (finds the Gold thread, finds the 18+ thread)
        member: (False, True), gold_member: (True, True), minor: (False, False), admin: (True, True),
    }
    for viewer, (sees_gold, sees_adult) in expected.items():
        await login(client, viewer)
        assert (gated["gold"].id in await similar_ids(client, *gold_q)) is sees_gold, viewer.login_id
        assert (gated["adult"].id in await similar_ids(client, *adult_q)) is sees_adult, viewer.login_id
    # and again in the other order: nothing of one viewer's answer is kept for the next
    for viewer, (sees_gold, sees_adult) in reversed(list(expected.items())):
        await login(client, viewer)
        assert (gated["gold"].id in await similar_ids(client, *gold_q)) is sees_gold, viewer.login_id
        assert (gated["adult"].id in await similar_ids(client, *adult_q)) is sees_adult, viewer.login_id


async def test_a_new_thread_is_not_stopped_by_a_twin_its_author_may_not_read(client, db, factory, member,
                                                                             category, gated):
    await login(client, member)  # Silver: the Gold twin is not a match for them
    form = {"category_id": category.id, "title": GOLD_LOG[0], "body": GOLD_LOG[1]}
    response = await post_form(client, f"/c/{category.slug}/new", form, follow_redirects=False)
    assert response.status_code == 303, response.text
    gold_member = await factory.user("goldie", "Gold Owner", tier=m.Tier.GOLD)
    await login(client, gold_member)  # Gold: the same text is stopped by that thread
    response = await post_form(client, f"/c/{category.slug}/new", {**form, "title": GOLD_LOG[0] + " again"},
                               follow_redirects=False)
    assert response.status_code == 409
    assert f'href="/t/{gated["gold"].id}"' in response.text


def test_the_gate_asks_once_per_access_level_and_per_viewer(monkeypatch):
    asked = []

    def problem(access, viewer, today=None):
        asked.append((access, viewer))
        return None if access == m.CategoryAccess.OPEN or viewer == "gold" else "closed"

    monkeypatch.setattr(duplicates, "access_problem", problem)
    silver = duplicates._Gate("silver")
    levels = [m.CategoryAccess.OPEN, m.CategoryAccess.GOLD, m.CategoryAccess.OPEN, m.CategoryAccess.GOLD]
    assert [silver.open(level) for level in levels] == [True, False, True, False]
    assert asked == [(m.CategoryAccess.OPEN, "silver"), (m.CategoryAccess.GOLD, "silver")]
    gold = duplicates._Gate("gold")  # another viewer: asked afresh, not the first one's answers
    assert [gold.open(level) for level in levels] == [True, True, True, True]
    assert asked[2:] == [(m.CategoryAccess.OPEN, "gold"), (m.CategoryAccess.GOLD, "gold")]
