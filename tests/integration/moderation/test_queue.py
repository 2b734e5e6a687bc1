"""The admins' queue: who may reach it, each action's effect, the audit rows, notices to authors,
bulk actions, filters, and two admins acting on one item at once."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select, update

import models as m
from forum import events
from forum.errors import Conflict
from moderation.queue import claim

from ...factories import api, login, post_form
from ...write_gate import watch_gate
from .conftest import CLEAN_TEXT, FLAGGED_TEXT, HELD_TEXT
from .helpers import fresh, history, item_for, logout, notifications_of, post_reply, post_thread


@pytest.fixture
async def held(client, db, member, category) -> dict:
    created = await post_thread(client, member, category, "Wheels clearance", HELD_TEXT)
    created["item"] = await item_for(db, created["post_id"])
    return created


async def test_only_admins_reach_the_queue(client, db, member, admin, held):
    item = held["item"]
    pages = ["/admin", "/admin/moderation/", f"/admin/moderation/{item.id}", "/admin/moderation/history",
             "/admin/moderation/thresholds"]
    apis = ["/api/moderation/items", f"/api/moderation/items/{item.id}", "/api/moderation/counts",
            "/api/moderation/history", "/api/moderation/thresholds", "/api/moderation/model"]
    for url in pages:
        response = await client.get(url, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"], url
    for url in apis:
        assert (await client.get(url)).status_code == 401, url
    await login(client, member)
    for url in pages + apis:
        assert (await client.get(url)).status_code == 403, url
    action = await post_form(client, f"/admin/moderation/{item.id}/approve", {"version": item.version})
    assert action.status_code == 403
    api_action = await api(client, "POST", f"/api/moderation/items/{item.id}/delete",
                           {"version": item.version, "rule": "trading"})
    assert api_action.status_code == 403
    assert (await item_for(db, held["post_id"])).status == m.ReviewStatus.OPEN
    await logout(client)
    await login(client, admin)
    for url in pages + apis:
        assert (await client.get(url)).status_code == 200, url


async def test_the_item_page_shows_the_post_in_context_with_scores_highlighted_words_and_reports(
        client, db, admin, other_member, held, category):
    await login(client, other_member)
    # a held post is not visible to other members, so reports come on flagged (published) posts;
    # here the admin's view of a held item is checked
    await logout(client)
    await login(client, admin)
    page = await client.get(f"/admin/moderation/{held['item'].id}")
    assert page.status_code == 200
    assert "Wheels clearance" in page.text and f"/t/{held['id']}#p{held['post_id']}" in page.text
    assert category.name_th in page.text or category.name_en in page.text
    assert "<mark>sellsell</mark>" in page.text
    assert "0.97" in page.text
    queue = await client.get("/admin/moderation/")
    assert f"/admin/moderation/{held['item'].id}" in queue.text and "<mark>sellsell</mark>" in queue.text
    assert "0.95" in queue.text  # the model's precision on the queue page


async def test_deleting_removes_the_post_tells_the_author_neutrally_and_is_audited(client, db, member, admin, held):
    await login(client, admin)
    client.cookies["lang"] = "en"
    item = held["item"]
    response = await post_form(client, f"/admin/moderation/{item.id}/delete",
                               {"version": item.version, "rule": "trading", "reason": "Use the classifieds site."})
    assert response.status_code == 200  # followed the 303 back to the queue
    item = await item_for(db, held["post_id"])
    assert item.status == m.ReviewStatus.DELETED and item.rule == "trading" and item.resolved_by_id == admin.id
    post = await fresh(db, m.Post, held["post_id"])
    assert post.visibility == m.Visibility.DELETED
    [notice] = await notifications_of(db, member)
    assert notice.kind == "moderation.removed.trading"
    await logout(client)
    await login(client, member)
    listing = (await client.get("/api/notifications/")).json()["items"]
    text = listing[0]["subject"] + listing[0]["body"]
    assert "sellsell" not in text and "Clearance" not in text  # never quotes the post
    assert "report" not in text.lower() and "member" not in text.lower()  # never says who raised it
    assert "Use the classifieds site." in text
    [row] = await history(db, "deleted")
    assert row.actor_id == admin.id and row.item_id == item.id and row.target_user_id == member.id
    assert row.before["visibility"] == "held" and row.after["visibility"] == "deleted" and row.after["rule"] == "trading"
    decision = await db.scalar(select(m.ModerationDecision))
    assert decision.decision == "deleted" and decision.labels == ["trading"] and "sellsell" in decision.text


async def test_delete_needs_a_rule(client, db, admin, held):
    await login(client, admin)
    response = await post_form(client, f"/admin/moderation/{held['item'].id}/delete", {"version": held["item"].version})
    assert response.status_code == 400 and 'class="field-error"' in response.text
    item = await item_for(db, held["post_id"])
    assert item.status == m.ReviewStatus.OPEN and item.version == held["item"].version


async def test_approving_publishes_a_held_post_for_everyone_and_keeps_a_clean_example(client, db, member, admin,
                                                                                       held, category):
    await login(client, admin)
    response = await api(client, "POST", f"/api/moderation/items/{held['item'].id}/approve",
                         {"version": held["item"].version})
    assert response.status_code == 200 and response.json()["changed"] is True
    assert response.json()["item"]["status"] == "approved"
    await logout(client)
    assert (await client.get(f"/t/{held['id']}")).status_code == 200
    assert f"/t/{held['id']}" in (await client.get(f"/c/{category.slug}")).text
    await db.refresh(category)
    assert category.thread_count == 1
    notices = await notifications_of(db, member)
    assert [n.kind for n in notices] == ["moderation.published"]
    [row] = await history(db, "approved")
    assert row.before["visibility"] == "held" and row.after["visibility"] == "published"
    decision = await db.scalar(select(m.ModerationDecision))
    assert decision.decision == "approved" and decision.labels == []


async def test_approve_lifts_the_suspension_this_item_caused_in_the_same_step(client, db, member, admin, held):
    await login(client, admin)
    item = held["item"]
    suspended = await api(client, "POST", f"/api/moderation/items/{item.id}/suspend",
                          {"version": item.version, "days": 3})
    assert suspended.status_code == 200
    version = suspended.json()["item"]["version"]
    approved = await api(client, "POST", f"/api/moderation/items/{item.id}/approve", {"version": version})
    assert approved.status_code == 200
    author = await fresh(db, m.User, member.id)
    assert author.status == m.MemberStatus.ACTIVE and author.suspended_until is None
    assert (await fresh(db, m.Post, held["post_id"])).visibility == m.Visibility.PUBLISHED
    assert "membership.reinstated" in [n.kind for n in await notifications_of(db, member)]
    await logout(client)
    await post_reply(client, member, held["id"], CLEAN_TEXT)  # can post again


async def test_approve_does_not_lift_a_later_suspension_from_another_item(client, db, member, admin, category, held):
    other = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    other_item = await item_for(db, other["post_id"])
    await login(client, admin)
    first = await api(client, "POST", f"/api/moderation/items/{held['item'].id}/suspend",
                      {"version": held["item"].version, "days": 1})
    await api(client, "POST", f"/api/moderation/items/{other_item.id}/suspend", {"version": other_item.version, "days": 30})
    await api(client, "POST", f"/api/moderation/items/{held['item'].id}/approve",
              {"version": first.json()["item"]["version"]})
    author = await fresh(db, m.User, member.id)
    assert author.status == m.MemberStatus.SUSPENDED and author.suspended_until > dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=29)


async def test_edit_and_approve_publishes_the_edited_text_and_audits_before_and_after(client, db, member, admin, held):
    await login(client, admin)
    item = held["item"]
    response = await post_form(client, f"/admin/moderation/{item.id}/edit_and_approve",
                               {"version": item.version, "title": "Wheels", "body": "Wheels and tyres, ask a dealer."})
    assert response.status_code == 200
    post = await fresh(db, m.Post, held["post_id"])
    thread = await fresh(db, m.Thread, held["id"])
    assert post.visibility == m.Visibility.PUBLISHED and post.body_raw == "Wheels and tyres, ask a dealer."
    assert thread.title == "Wheels" and post.edited_at is not None
    # the duplicate analysis kept with the thread is the edited text's (forum.duplicates.stored)
    from forum.duplicates import stored
    from forum.duplicates.service import shared_analyzer

    analysis = await db.scalar(select(m.ThreadAnalysis.data).where(m.ThreadAnalysis.thread_id == held["id"]))
    assert stored.decode(analysis, "Wheels", post.body_raw) == shared_analyzer().analyze("Wheels", post.body_raw)
    revision = await db.scalar(select(m.PostRevision))
    assert HELD_TEXT == revision.body_raw
    [row] = await history(db, "edited_and_approved")
    assert row.before["body"] == HELD_TEXT and row.after["body"] == "Wheels and tyres, ask a dealer."
    assert [n.kind for n in await notifications_of(db, member)] == ["moderation.edited"]
    await logout(client)
    assert "ask a dealer" in (await client.get(f"/t/{held['id']}")).text


async def test_a_suspended_member_cannot_post_until_the_suspension_ends(client, db, member, admin, held, category):
    await login(client, admin)
    response = await post_form(client, f"/admin/moderation/{held['item'].id}/suspend",
                               {"version": held["item"].version, "days": "7", "reason": "Trading twice"})
    assert response.status_code == 200
    author = await fresh(db, m.User, member.id)
    assert author.status == m.MemberStatus.SUSPENDED
    assert dt.timedelta(days=6) < author.suspended_until - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=7)
    [row] = await history(db, "suspended")
    assert row.before["author_status"] == "active" and row.after["author_status"] == "suspended"
    assert "membership.suspended.inappropriate_behaviour" in [n.kind for n in await notifications_of(db, member)]
    event = await db.scalar(select(m.MembershipEvent).where(m.MembershipEvent.user_id == member.id))
    assert event.kind == "suspended" and event.actor_id == admin.id  # the member's history shows it too
    await logout(client)
    await login(client, member)
    refused = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Hi", "body": CLEAN_TEXT})
    assert refused.status_code == 403 and refused.json()["error"]
    form = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "Hi", "body": CLEAN_TEXT})
    assert form.status_code == 403
    await db.execute(update(m.User).where(m.User.id == member.id)
                     .values(suspended_until=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))
    await db.commit()
    allowed = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Hi", "body": CLEAN_TEXT})
    assert allowed.status_code == 201


async def test_suspend_refuses_a_bad_number_of_days(client, db, admin, held):
    await login(client, admin)
    for days in ("0", "366", "seven"):
        response = await post_form(client, f"/admin/moderation/{held['item'].id}/suspend",
                                   {"version": held["item"].version, "days": days})
        assert response.status_code == 400
    assert await history(db, "suspended") == []


async def test_revoking_ends_the_membership_and_the_session_at_once(client, db, member, admin, held):
    ended = []

    async def on_ended(session, user, reason):
        ended.append((user.id, reason))

    events.subscribe("membership.ended")(on_ended)
    try:
        await login(client, member)
        member_client_cookies = dict(client.cookies)
        await logout(client)
        await login(client, admin)
        refused = await post_form(client, f"/admin/moderation/{held['item'].id}/revoke", {"version": held["item"].version})
        assert refused.status_code == 400  # the confirmation box
        response = await post_form(client, f"/admin/moderation/{held['item'].id}/revoke",
                                   {"version": held["item"].version, "confirm": "1", "terms": "serious_harm"})
        assert response.status_code == 200
    finally:
        events._handlers["membership.ended"].remove(on_ended)
    assert ended == [(member.id, "serious_harm")]
    assert (await fresh(db, m.User, member.id)).status == m.MemberStatus.REVOKED
    [row] = await history(db, "revoked")
    assert row.actor_id == admin.id and row.after["author_status"] == "revoked"
    client.cookies.clear()
    client.cookies.update(member_client_cookies)
    assert (await client.get("/api/auth/me")).status_code == 401  # the old session no longer works


async def test_two_admins_acting_on_one_item_get_a_conflict_not_a_double_action(client, db, admin, factory, held):
    second_admin = await factory.user("admin2", "Admin Two", role=m.Role.ADMIN)
    item = held["item"]
    await login(client, admin)
    first = await api(client, "POST", f"/api/moderation/items/{item.id}/approve", {"version": item.version})
    assert first.status_code == 200
    await logout(client)
    await login(client, second_admin)
    client.cookies["lang"] = "en"
    late = await api(client, "POST", f"/api/moderation/items/{item.id}/delete",
                     {"version": item.version, "rule": "trading"})
    assert late.status_code == 409 and "Another admin" in late.json()["error"]
    page = await post_form(client, f"/admin/moderation/{item.id}/delete", {"version": item.version, "rule": "trading"})
    assert page.status_code == 409 and "Another admin" in page.text
    assert (await fresh(db, m.Post, held["post_id"])).visibility == m.Visibility.PUBLISHED
    assert (await item_for(db, held["post_id"])).status == m.ReviewStatus.APPROVED
    assert [r.action for r in await history(db) if r.actor_id in (admin.id, second_admin.id)] == ["approved"]


async def test_bulk_actions_are_all_or_nothing(client, db, member, admin, category):
    one = await post_thread(client, member, category, "Wheels clearance", HELD_TEXT)
    two = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    first, second = await item_for(db, one["post_id"]), await item_for(db, two["post_id"])
    await login(client, admin)
    stale = await post_form(client, "/admin/moderation/bulk", {
        "action": "delete", "rule": "trading", "item": [f"{first.id}:{first.version}", f"{second.id}:{second.version + 5}"]})
    assert stale.status_code == 409
    assert (await item_for(db, one["post_id"])).status == m.ReviewStatus.OPEN
    assert (await fresh(db, m.Post, one["post_id"])).visibility == m.Visibility.HELD
    done = await post_form(client, "/admin/moderation/bulk", {
        "action": "delete", "rule": "profanity", "item": [f"{first.id}:{first.version}", f"{second.id}:{second.version}"]})
    assert done.status_code == 200
    assert {(await item_for(db, p)).status for p in (one["post_id"], two["post_id"])} == {m.ReviewStatus.DELETED}
    assert len(await history(db, "deleted")) == 2


async def test_the_queue_filters_by_label_category_and_age(client, db, member, admin, category, factory):
    other_category = await factory.category("electrical", "ระบบไฟฟ้า", "Electrical")
    trading = await post_thread(client, member, category, "Wheels clearance", HELD_TEXT)
    insult = await post_thread(client, member, other_category, "Brand loyalty", FLAGGED_TEXT)
    old_item = await item_for(db, insult["post_id"])
    await db.execute(update(m.ReviewItem).where(m.ReviewItem.id == old_item.id)
                     .values(created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)))
    await db.commit()
    await login(client, admin)

    async def ids(**params) -> set[int]:
        body = (await client.get("/api/moderation/items", params=params)).json()
        return {i["post"]["id"] for i in body["items"]}

    both = {trading["post_id"], insult["post_id"]}
    assert await ids() == both
    assert await ids(label="trading") == {trading["post_id"]}
    assert await ids(label="profanity") == {insult["post_id"]}
    assert await ids(category=other_category.id) == {insult["post_id"]}
    assert await ids(age="24h") == {trading["post_id"]}
    assert await ids(age="older") == {insult["post_id"]}
    page = await client.get("/admin/moderation/", params={"label": "trading"})
    assert "Wheels clearance" in page.text and "Brand loyalty" not in page.text


async def test_the_dashboard_counts_what_waits(client, db, member, admin, category):
    await post_thread(client, member, category, "Wheels clearance", HELD_TEXT)
    await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    await login(client, admin)
    counts = (await client.get("/api/moderation/counts")).json()
    assert counts["open"] == 2 and counts["held"] == 1
    assert counts["by_label"]["trading"] == 1 and counts["by_label"]["profanity"] == 1
    page = await client.get("/admin")
    assert 'data-count="open">2<' in page.text and 'data-count="held">1<' in page.text


async def test_thresholds_are_admin_settings_that_decide_what_is_held(client, db, member, admin, category):
    await login(client, admin)
    bad = await post_form(client, "/admin/moderation/thresholds",
                          {"profanity.flag": "0.9", "profanity.hold": "0.5"})
    assert bad.status_code == 400 and 'class="field-error"' in bad.text
    form = {f"{label}.{level}": value for label, levels in
            (await client.get("/api/moderation/thresholds")).json()["thresholds"].items() for level, value in levels.items()}
    form["profanity.hold"] = "0.6"
    saved = await post_form(client, "/admin/moderation/thresholds", form)
    assert saved.status_code == 200
    [row] = await history(db, "thresholds_changed")
    assert row.before["profanity"]["hold"] == 0.85 and row.after["profanity"]["hold"] == 0.6
    await logout(client)
    created = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    assert created["visibility"] == "held"


async def test_the_audit_log_lists_every_action(client, db, admin, held):
    await login(client, admin)
    await api(client, "POST", f"/api/moderation/items/{held['item'].id}/approve", {"version": held["item"].version})
    page = await client.get("/admin/moderation/history")
    assert page.status_code == 200
    assert "Admin One" in page.text
    rows = (await client.get("/api/moderation/history")).json()["items"]
    assert [r["action"] for r in rows] == ["approved", "held"]
    assert rows[0]["actor"] == "Admin One" and rows[1]["actor"] is None


def waits_behind_the_first(session_maker, monkeypatch):
    """An awaitable that holds once a second writer waits for the first: at SQLite's writers' gate
    (tests/write_gate.py), or on a PostgreSQL lock. The test commits
    the first only then: after a fixed pause, a loaded machine could commit it before the second
    UPDATE had even been sent, which then lost without having waited (h-suite3)."""
    import time

    from sqlalchemy import text

    at_gate = watch_gate(monkeypatch)

    async def waiting() -> bool:
        if session_maker.kw["bind"].dialect.name != "postgresql":
            return await asyncio.to_thread(at_gate.wait, 10)
        async with session_maker() as probe:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if await probe.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                           " AND wait_event_type = 'Lock'")):
                    return True
                await probe.rollback()  # (pg_stat_activity is read once per transaction)
                await asyncio.sleep(0.01)
        return False

    return at_gate, waiting


async def test_of_two_admins_claiming_an_item_at_the_same_moment_exactly_one_wins(session_maker, held, monkeypatch):
    item_id, version = held["item"].id, held["item"].version
    at_gate, second_waits = waits_behind_the_first(session_maker, monkeypatch)
    async with session_maker() as first, session_maker() as second:
        mine, theirs = await first.get(m.ReviewItem, item_id), await second.get(m.ReviewItem, item_id)
        await claim(first, mine, version)  # holds the row until it commits
        at_gate.clear()
        late = asyncio.create_task(claim(second, theirs, version))
        assert await second_waits()  # the second UPDATE has reached the database and waits there
        await first.commit()
        with pytest.raises(Conflict):
            await late
        await second.rollback()
    async with session_maker() as check:
        assert (await check.get(m.ReviewItem, item_id)).version == version + 1


async def test_the_dashboard_shows_precision_and_recall_from_the_moderators_decisions(
        client, db, member, other_member, admin, category):
    # A held trading post deleted as trading (true positive), a flagged insult approved (false
    # positive), and a clean post reported for profanity and deleted (a miss).
    right = await post_thread(client, member, category, "Wheels clearance", HELD_TEXT)
    wrong = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    missed = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    await login(client, other_member)
    assert (await api(client, "POST", f"/api/posts/{missed['post_id']}/reports", {"rule": "profanity"})).status_code in (200, 201)
    await logout(client)
    await login(client, admin)
    for created, action, body in ((right, "delete", {"rule": "trading"}), (wrong, "approve", {}),
                                  (missed, "delete", {"rule": "profanity"})):
        item = await item_for(db, created["post_id"])
        response = await api(client, "POST", f"/api/moderation/items/{item.id}/{action}", {"version": item.version, **body})
        assert response.status_code == 200, response.text
    page = await client.get("/admin")
    assert page.status_code == 200
    trading = page.text.split('data-label="trading"')[1].split("</tr>")[0]
    profanity = page.text.split('data-label="profanity"')[1].split("</tr>")[0]
    assert 'data-figure="precision">100%<' in trading and 'data-figure="recall">100%<' in trading
    # profanity: one approved flag (precision 0 of 1) and one miss (recall 0 of 1)
    assert 'data-figure="precision">0%<' in profanity and 'data-figure="recall">0%<' in profanity
