"""Members report posts under the rule they break; reports join the classifier's queue."""

from __future__ import annotations

from sqlalchemy import select

import models as m

from ...factories import api, login, post_form
from .conftest import CLEAN_TEXT, FLAGGED_TEXT
from .helpers import count, history, item_for, logout, post_thread


async def test_a_report_lands_in_the_queue_with_its_rule_and_note(client, db, member, other_member, admin, category):
    thread = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    await login(client, other_member)
    form = await client.get(f"/p/{thread['post_id']}/report")
    assert form.status_code == 200 and 'name="rule"' in form.text
    response = await post_form(client, f"/p/{thread['post_id']}/report", {"rule": "impersonation", "note": "Not the real Dr. Somchai"})
    assert response.status_code == 200  # back on the thread
    item = await item_for(db, thread["post_id"])
    assert item.status == m.ReviewStatus.OPEN and item.report_count == 1 and not item.flagged
    report = await db.scalar(select(m.Report))
    assert (report.reporter_id, report.rule, report.item_id) == (other_member.id, "impersonation", item.id)
    [row] = await history(db, "reported")
    assert row.actor_id == other_member.id and row.after == {"rule": "impersonation"}
    await logout(client)
    await login(client, admin)
    page = await client.get(f"/admin/moderation/{item.id}")
    assert "Not the real Dr. Somchai" in page.text and "Member Two" in page.text
    queue = (await client.get("/api/moderation/items", params={"label": "impersonation"})).json()
    assert [i["id"] for i in queue["items"]] == [item.id]


async def test_a_member_cannot_report_the_same_post_twice(client, db, member, other_member, category):
    thread = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    await login(client, other_member)
    client.cookies["lang"] = "en"
    first = await api(client, "POST", f"/api/posts/{thread['post_id']}/reports", {"rule": "trading"})
    assert first.status_code == 201
    again = await api(client, "POST", f"/api/posts/{thread['post_id']}/reports", {"rule": "profanity"})
    assert again.status_code == 409 and "already reported" in again.json()["error"]
    page = await post_form(client, f"/p/{thread['post_id']}/report", {"rule": "profanity"})
    assert page.status_code == 409 and "already reported" in page.text
    form = await client.get(f"/p/{thread['post_id']}/report")
    assert "already reported" in form.text and 'name="rule"' not in form.text
    assert await count(db, m.Report) == 1


async def test_more_reports_raise_the_priority_of_the_one_open_item(client, db, member, other_member, factory,
                                                                    category):
    third = await factory.user("member3", "Member Three")
    flagged = await post_thread(client, member, category, "Brand loyalty", FLAGGED_TEXT)
    before = await item_for(db, flagged["post_id"])
    item_id, priority = before.id, before.priority
    for reporter in (other_member, third):
        await login(client, reporter)
        response = await api(client, "POST", f"/api/posts/{flagged['post_id']}/reports", {"rule": "profanity"})
        assert response.status_code == 201
        await logout(client)
    after = await item_for(db, flagged["post_id"])
    assert after.id == item_id and await count(db, m.ReviewItem) == 1
    assert after.report_count == 2 and after.priority == priority + 20
    assert after.flagged  # still says the classifier flagged it


async def test_members_cannot_report_their_own_posts_and_guests_cannot_report(client, db, member, category):
    thread = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    guest = await client.get(f"/p/{thread['post_id']}/report", follow_redirects=False)
    assert guest.status_code == 303 and "/login" in guest.headers["location"]
    assert (await api(client, "POST", f"/api/posts/{thread['post_id']}/reports", {"rule": "other"})).status_code == 401
    await login(client, member)
    own = await api(client, "POST", f"/api/posts/{thread['post_id']}/reports", {"rule": "other"})
    assert own.status_code == 403
    assert await count(db, m.Report) == 0


async def test_a_report_needs_one_of_the_rules(client, db, member, other_member, category):
    thread = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    await login(client, other_member)
    response = await post_form(client, f"/p/{thread['post_id']}/report", {"rule": "boring"})
    assert response.status_code == 400 and 'class="field-error"' in response.text
    assert await count(db, m.ReviewItem) == 0


async def test_the_report_link_shows_on_other_members_posts_only(client, member, other_member, category):
    thread = await post_thread(client, member, category, "Engine oil interval", CLEAN_TEXT)
    link = f'/p/{thread["post_id"]}/report'
    assert link not in (await client.get(f"/t/{thread['id']}")).text  # guests
    await login(client, member)
    assert link not in (await client.get(f"/t/{thread['id']}")).text  # the author
    await logout(client)
    await login(client, other_member)
    assert link in (await client.get(f"/t/{thread['id']}")).text


async def test_a_held_post_cannot_be_reported_by_members_who_cannot_see_it(client, db, member, other_member, category):
    held = await post_thread(client, member, category, "Wheels clearance", "Clearance sellsell today")
    await login(client, other_member)
    response = await api(client, "POST", f"/api/posts/{held['post_id']}/reports", {"rule": "trading"})
    assert response.status_code == 404
