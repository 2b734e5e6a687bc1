"""Gold-only and 18+ areas: who gets in, the explanation for the others, and no leak of gated
threads through category pages, thread pages, search, the API, posting or suggestions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

import models as m
from forum.access import hidden_category_ids
from forum.services import reading

from ...factories import api, login, post_form
from .conftest import years_ago

SECRET = "Zirconia ceramic brake log"


async def test_guests_and_silver_members_get_an_explanation_not_the_gold_area(client, factory, member, gold_member, gold_area):
    await factory.thread(gold_area, gold_member, SECRET, 'Gold-only body')
    page = await client.get(f"/c/{gold_area.slug}")
    assert page.status_code == 403
    assert "Gold" in page.text and SECRET not in page.text
    assert 'href="/login' in page.text  # a guest is shown the way in, not a dead end
    await login(client, member)
    page = await client.get(f"/c/{gold_area.slug}")
    assert page.status_code == 403 and SECRET not in page.text
    assert 'href="/membership/gold"' in page.text


async def test_a_gold_member_and_an_admin_read_the_gold_area(client, factory, gold_member, admin, gold_area):
    thread = await factory.thread(gold_area, gold_member, SECRET, 'Gold-only body')
    await login(client, gold_member)
    assert SECRET in (await client.get(f"/c/{gold_area.slug}")).text
    assert SECRET in (await client.get(f"/t/{thread.id}")).text
    await post_form(client, "/logout")
    await login(client, admin)
    assert SECRET in (await client.get(f"/c/{gold_area.slug}")).text


async def test_the_thread_page_of_a_gated_thread_shows_neither_title_nor_body(client, factory, member, gold_member, gold_area):
    thread = await factory.thread(gold_area, gold_member, SECRET, "The hidden body text")
    for who in (None, member):
        if who:
            await login(client, who)
        page = await client.get(f"/t/{thread.id}")
        assert page.status_code == 403
        assert SECRET not in page.text and "hidden body" not in page.text


async def test_a_minor_cannot_open_or_post_in_an_18_plus_area(client, db, minor, member, adult_area):
    await login(client, minor)
    page = await client.get(f"/c/{adult_area.slug}")
    assert page.status_code == 403 and "18" in page.text
    assert (await client.get(f"/c/{adult_area.slug}/new")).status_code == 403
    response = await post_form(client, f"/c/{adult_area.slug}/new", {"title": "Hello there", "body": "A first post"})
    assert response.status_code == 403
    response = await api(client, "POST", "/api/threads", {"category_id": adult_area.id, "title": "Hello", "body": "Hi"})
    assert response.status_code == 403 and "18" in response.json()["error"]
    assert await db.scalar(select(func.count()).select_from(m.Thread)) == 0
    await post_form(client, "/logout")
    await login(client, member)  # born 1990
    assert (await client.get(f"/c/{adult_area.slug}")).status_code == 200


async def test_age_counts_from_the_birthday_in_thailand(db, factory, adult_area):
    turning = await factory.user("birthday", "Birthday")
    turning.date_of_birth = years_ago(18)
    day_before = years_ago(18, days=-1)
    await db.commit()
    assert adult_area.id not in await hidden_category_ids(db, turning, dt.date.today())
    turning.date_of_birth = day_before  # turns 18 tomorrow
    assert adult_area.id in await hidden_category_ids(db, turning, dt.date.today())
    assert adult_area.id in await hidden_category_ids(db, None, dt.date.today())


async def test_search_pages_and_api_leave_out_gated_threads(client, factory, member, gold_member, gold_area, category):
    await factory.thread(gold_area, gold_member, SECRET, 'Gold-only body')
    open_thread = await factory.thread(category, member, "Zirconia ceramic pads review")
    page = await client.get("/search", params={"q": "zirconia"})
    assert "Zirconia ceramic pads review" in page.text and SECRET not in page.text
    await login(client, member)
    results = (await client.get("/api/search", params={"q": "zirconia"})).json()["results"]
    assert [r["id"] for r in results] == [open_thread.id]
    await post_form(client, "/logout")
    await login(client, gold_member)
    results = (await client.get("/api/search", params={"q": "zirconia"})).json()["results"]
    assert len(results) == 2


async def test_search_filters_gated_threads_before_the_limit(db, factory, member, gold_member, gold_area, category):
    for i in range(25):
        await factory.thread(gold_area, gold_member, f"Zirconia gold note {i}")
    visible = await factory.thread(category, member, "Zirconia open question")
    rows = await reading.search_threads(db, "zirconia", limit=20, viewer=member)
    assert [r.id for r in rows] == [visible.id]
    assert len(await reading.search_threads(db, "zirconia", limit=20, viewer=gold_member)) == 20


async def test_the_api_answers_403_with_a_reason_for_gated_lists_and_threads(client, factory, member, gold_member, gold_area):
    thread = await factory.thread(gold_area, gold_member, SECRET, 'Gold-only body')
    await login(client, member)
    listing = await client.get(f"/api/categories/{gold_area.slug}/threads")
    assert listing.status_code == 403
    assert "Gold" in listing.json()["error"] and listing.json()["access"] == "gold"
    assert SECRET not in listing.text
    single = await client.get(f"/api/threads/{thread.id}")
    assert single.status_code == 403 and SECRET not in single.text
    reply = await api(client, "POST", f"/api/threads/{thread.id}/replies", {"body": "Let me in"})
    assert reply.status_code == 403
    categories = (await client.get("/api/categories")).json()
    assert {c["slug"]: c["access"] for c in categories}[gold_area.slug] == "gold"


async def test_replying_into_a_gated_thread_through_the_form_is_refused_without_showing_it(
        client, factory, db, member, gold_member, gold_area):
    thread = await factory.thread(gold_area, gold_member, SECRET, 'Gold-only body')
    await login(client, member)
    response = await post_form(client, f"/t/{thread.id}/reply", {"body": "Let me in please"})
    assert response.status_code == 403 and SECRET not in response.text
    assert await db.scalar(select(func.count()).select_from(m.Post).where(m.Post.author_id == member.id)) == 0


async def test_the_home_page_marks_gated_areas_with_a_lock(client, gold_area, adult_area, category):
    page = await client.get("/")
    assert page.text.count("icons.svg#i-lock") == 2  # the lock icon (was an emoji)
    assert f'href="/c/{gold_area.slug}"' in page.text


async def test_duplicate_suggestions_leave_out_gated_threads(client, factory, member, gold_member, gold_area):
    await factory.thread(gold_area, gold_member, "Zirconia ceramic brake pads squeal on a Yaris 2020",
                         "Zirconia ceramic brake pads squeal when braking softly on my Yaris 2020")
    query = {"title": "Zirconia ceramic brake pads squeal on Yaris 2020",
             "body": "My Yaris 2020 zirconia ceramic brake pads squeal when braking softly"}
    await login(client, gold_member)
    seen_by_gold = (await client.get("/api/threads/similar", params=query)).json()
    await post_form(client, "/logout")
    await login(client, member)
    seen_by_silver = (await client.get("/api/threads/similar", params=query))
    assert "Zirconia" not in seen_by_silver.text
    assert "Zirconia" in str(seen_by_gold)  # the same text finds it for a member who may read it


async def test_admins_set_who_may_enter_a_category(client, db, admin, member, category):
    await login(client, member)
    assert (await client.get("/admin/access")).status_code == 403
    denied = await api(client, "PUT", f"/api/admin/categories/{category.id}/access", {"access": "gold"})
    assert denied.status_code == 403
    await post_form(client, "/logout")
    await login(client, admin)
    page = await client.get("/admin/access")
    assert page.status_code == 200 and category.name_th in page.text
    saved = await post_form(client, "/admin/access", {"category_id": category.id, "access": "adult18"})
    assert saved.status_code == 200
    await db.refresh(category)
    assert category.access == m.CategoryAccess.ADULT
    wrong = await api(client, "PUT", f"/api/admin/categories/{category.id}/access", {"access": "vip"})
    assert wrong.status_code == 400
    assert (await client.get("/admin/terms")).status_code == 200
