"""What the classifier does on submit: held posts are hidden from everyone but their author and
the admins, flagged posts are published and queued, clean posts pass untouched."""

from __future__ import annotations

import models as m

from ...factories import api, login, post_form
from .conftest import CLEAN_TEXT, FLAGGED_TEXT, HELD_TEXT
from .helpers import item_for, logout, post_reply, post_thread

HELD_TITLE = "Alloy wheels clearance"


async def _everywhere(client, category, thread_id: int, post_id: int) -> dict[str, bool]:
    """Where the held thread (or post) shows up for whoever is logged in on `client`."""
    page = await client.get(f"/t/{thread_id}")
    listing = await client.get(f"/c/{category.slug}")
    api_thread = await client.get(f"/api/threads/{thread_id}")
    api_list = await client.get(f"/api/categories/{category.slug}/threads")
    search = await client.get("/search", params={"q": "clearance"})
    api_search = await client.get("/api/search", params={"q": "clearance"})
    return {
        "thread page": page.status_code == 200 and f'id="p{post_id}"' in page.text,
        "category list": f"/t/{thread_id}" in listing.text,
        "api thread": api_thread.status_code == 200 and post_id in [p["id"] for p in api_thread.json()["posts"]],
        "api list": thread_id in [t["id"] for t in api_list.json()["threads"]],
        "search": f"/t/{thread_id}" in search.text,
        "api search": thread_id in [t["id"] for t in api_search.json()["results"]],
    }


async def test_a_held_thread_is_invisible_to_guests_and_other_members_everywhere(client, db, member, other_member,
                                                                                  category):
    created = await post_thread(client, member, category, HELD_TITLE, HELD_TEXT)
    assert created["visibility"] == "held"
    seen_by_guest = await _everywhere(client, category, created["id"], created["post_id"])
    assert not any(seen_by_guest.values()), seen_by_guest
    assert (await client.get(f"/t/{created['id']}")).status_code == 404
    await login(client, other_member)
    seen_by_member = await _everywhere(client, category, created["id"], created["post_id"])
    assert not any(seen_by_member.values()), seen_by_member
    similar = await client.get("/api/threads/similar", params={"title": HELD_TITLE, "body": HELD_TEXT})
    assert similar.status_code == 200
    assert created["id"] not in [match["id"] for match in similar.json().get("matches", [])]
    await db.refresh(category)
    assert category.thread_count == 0


async def test_a_held_thread_is_visible_to_its_author_marked_awaiting_review_and_to_admins(client, member, admin,
                                                                                           category):
    created = await post_thread(client, member, category, HELD_TITLE, HELD_TEXT)
    await login(client, member)
    page = await client.get(f"/t/{created['id']}")
    assert page.status_code == 200 and "sellsell" in page.text
    assert 'class="held"' in page.text and 'class="tag"' in page.text
    api_thread = await client.get(f"/api/threads/{created['id']}")
    assert api_thread.json()["thread"]["visibility"] == "held"
    await logout(client)
    await login(client, admin)
    page = await client.get(f"/t/{created['id']}")
    assert page.status_code == 200 and "sellsell" in page.text


async def test_a_held_reply_is_hidden_from_others_but_the_thread_stays_readable(client, db, member, other_member,
                                                                                 admin, category):
    thread = await post_thread(client, other_member, category, "Engine oil interval", CLEAN_TEXT)
    reply = await post_reply(client, member, thread["id"], HELD_TEXT)
    assert reply["visibility"] == "held"
    for viewer, sees in ((None, False), (other_member, False), (member, True), (admin, True)):
        if viewer:
            await login(client, viewer)
        page = await client.get(f"/t/{thread['id']}")
        assert page.status_code == 200
        assert (f'id="p{reply["id"]}"' in page.text) is sees, viewer
        posts = (await client.get(f"/api/threads/{thread['id']}")).json()["posts"]
        assert (reply["id"] in [p["id"] for p in posts]) is sees, viewer
        if viewer:
            await logout(client)
    stored = await db.get(m.Thread, thread["id"])
    await db.refresh(stored)
    assert stored.reply_count == 0


async def test_a_flagged_post_is_published_and_queued(client, db, member, category):
    created = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    assert created["visibility"] == "published"
    assert (await client.get(f"/t/{created['id']}")).status_code == 200
    item = await item_for(db, created["post_id"])
    assert item is not None and item.status == m.ReviewStatus.OPEN
    assert item.flagged and not item.held and item.label_list == ["profanity"]
    assert item.scores["profanity"] == 0.7


async def test_a_clean_post_is_published_and_not_queued(client, db, member, category):
    created = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    assert created["visibility"] == "published"
    assert await item_for(db, created["post_id"]) is None


async def test_the_html_form_tells_the_author_the_thread_awaits_review(client, member, category):
    await login(client, member)
    response = await post_form(client, f"/c/{category.slug}/new",
                               {"category_id": category.id, "title": HELD_TITLE, "body": HELD_TEXT})
    assert response.status_code == 200
    assert 'class="held"' in response.text


async def test_an_edit_that_breaks_the_rules_hides_a_published_post_and_queues_it(client, db, member, other_member,
                                                                                  category):
    created = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    await login(client, member)
    response = await api(client, "PATCH", f"/api/posts/{created['post_id']}",
                         {"body": HELD_TEXT, "title": "Engine oil interval"})
    assert response.status_code == 200 and response.json()["visibility"] == "held"
    item = await item_for(db, created["post_id"])
    assert item is not None and item.held
    await logout(client)
    await login(client, other_member)
    assert (await client.get(f"/t/{created['id']}")).status_code == 404


async def test_editing_a_queued_post_moves_its_item_to_a_new_version_and_keeps_it_held(client, db, member, category):
    created = await post_thread(client, member, category, HELD_TITLE, HELD_TEXT)
    before = (await item_for(db, created["post_id"])).version
    await login(client, member)
    response = await api(client, "PATCH", f"/api/posts/{created['post_id']}", {"body": CLEAN_TEXT, "title": HELD_TITLE})
    assert response.status_code == 200 and response.json()["visibility"] == "held"
    item = await item_for(db, created["post_id"])
    assert item.version == before + 1 and item.scores["trading"] == 0.01


async def test_ask_guru_questions_and_guru_answers_are_scored_on_the_same_path(client, db, member, guru, category):
    db.add(m.GuruArea(user_id=guru.id, category_id=category.id))
    await db.commit()
    await login(client, member)
    question = await api(client, "POST", "/api/guru/questions",
                         {"area_id": category.id, "title": "Which oil for a 2019 City?", "body": CLEAN_TEXT})
    assert question.status_code == 201, question.text
    held_question = await api(client, "POST", "/api/guru/questions",
                              {"area_id": category.id, "title": "Tyres", "body": HELD_TEXT})
    assert held_question.status_code == 201 and held_question.json()["visibility"] == "held"
    await logout(client)
    await login(client, guru)
    answer = await api(client, "POST", f"/api/guru/questions/{question.json()['id']}/answers", {"body": HELD_TEXT})
    assert answer.status_code == 201 and answer.json()["visibility"] == "held"
    item = await item_for(db, answer.json()["id"])
    assert item is not None and item.held and item.author_id == guru.id
