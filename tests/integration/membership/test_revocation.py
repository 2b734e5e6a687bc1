"""Admins deny, suspend, revoke and reinstate with a reason from the terms, with or without
notice; a revoked member is logged out at once and cannot log in; the membership's end is an
event other features (coins) act on."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import models as m
from forum import events
from forum.services import membership

from ...factories import PASSWORD, api, login, post_form


@pytest.fixture
def ended_events():
    seen: list[tuple[int, str]] = []

    async def record(session, *, user, reason):
        seen.append((user.id, reason))

    events.subscribe("membership.ended")(record)
    yield seen
    events._handlers["membership.ended"].remove(record)


async def test_a_revoked_member_is_logged_out_at_once_and_cannot_log_in_again(
        client, admin_client, db, member, admin, ended_events):
    await login(client, member)
    assert (await client.get("/profile")).status_code == 200
    await login(admin_client, admin)
    response = await post_form(admin_client, f"/admin/members/{member.id}/status",
                               {"action": "revoke", "reason": "serious_harm", "notice": "with", "note": "Threats by PM"})
    assert response.status_code == 200
    after = await client.get("/profile", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")
    refused = await post_form(client, "/login", {"login_id": member.login_id, "password": PASSWORD})
    assert refused.status_code == 403
    await db.refresh(member)
    assert member.status == m.MemberStatus.REVOKED and member.status_reason == "serious_harm"
    assert ended_events == [(member.id, "serious_harm")]


async def test_with_notice_the_member_gets_a_notification_and_an_email(db, member, admin):
    member.email_consent = False  # the terms' notice goes out whatever the member chose
    await membership.revoke(db, admin, member, "false_information", True, dt.datetime.now(dt.timezone.utc))
    await db.commit()
    kinds = (await db.scalars(select(m.Notification.kind).where(m.Notification.user_id == member.id))).all()
    assert kinds == ["membership.revoked.false_information"]
    assert (await db.scalars(select(m.OutboxEmail.to_address))).all() == [member.email]


async def test_without_notice_nothing_is_sent(db, member, admin):
    await membership.revoke(db, admin, member, "fake_person", False, dt.datetime.now(dt.timezone.utc))
    await db.commit()
    assert await db.scalar(select(func.count()).select_from(m.Notification)) == 0
    assert await db.scalar(select(func.count()).select_from(m.OutboxEmail)) == 0
    event = await db.scalar(select(m.MembershipEvent))
    assert event.kind == "revoked" and event.actor_id == admin.id and event.with_notice is False


async def test_the_reason_must_come_from_the_terms_list(client, admin_client, db, member, admin):
    await login(admin_client, admin)
    response = await post_form(admin_client, f"/admin/members/{member.id}/status",
                               {"action": "revoke", "reason": "did not like them", "notice": "with"})
    assert response.status_code == 400 and 'id="reason-error"' in response.text
    response = await api(admin_client, "POST", f"/api/admin/members/{member.id}/status", {"action": "deny"})
    assert response.status_code == 400
    await db.refresh(member)
    assert member.status == m.MemberStatus.ACTIVE


async def test_a_suspended_member_can_read_but_not_post_until_reinstated(
        client, admin_client, db, member, admin, category, ended_events):
    await login(admin_client, admin)
    response = await api(admin_client, "POST", f"/api/admin/members/{member.id}/status",
                         {"action": "suspend", "reason": "inappropriate_behaviour", "days": 7, "with_notice": True})
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    await login(client, member)
    assert (await client.get(f"/c/{category.slug}")).status_code == 200
    post = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Hello", "body": "Hi all"})
    assert post.status_code == 403
    assert ended_events == []  # a suspension does not end the membership
    await api(admin_client, "POST", f"/api/admin/members/{member.id}/status", {"action": "reinstate"})
    post = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Hello", "body": "Hi all"})
    assert post.status_code == 201


async def test_deny_ends_a_new_membership_and_the_gold_tier_ends_with_it(db, factory, admin):
    newcomer = await factory.user("newcomer", "New Comer", tier=m.Tier.GOLD, age_days=1)
    await membership.deny(db, admin, newcomer, "fake_person", True, dt.datetime.now(dt.timezone.utc))
    await db.commit()
    assert newcomer.status == m.MemberStatus.REVOKED and newcomer.tier == m.Tier.SILVER
    assert (await db.scalar(select(m.MembershipEvent))).kind == "denied"


async def test_only_admins_manage_members_and_not_their_own_or_other_admins(client, db, member, other_member, admin):
    await login(client, member)
    assert (await client.get("/admin/members")).status_code == 403
    response = await api(client, "POST", f"/api/admin/members/{other_member.id}/status",
                         {"action": "revoke", "reason": "fake_person"})
    assert response.status_code == 403
    with pytest.raises(membership.Forbidden):
        await membership.revoke(db, admin, admin, "fake_person", False, dt.datetime.now(dt.timezone.utc))
    await db.refresh(other_member)
    assert other_member.status == m.MemberStatus.ACTIVE


async def test_the_member_list_finds_members_and_the_detail_page_shows_their_history(
        admin_client, db, member, other_member, admin):
    await membership.suspend(db, admin, other_member, "inappropriate_behaviour", 3, False,
                             dt.datetime.now(dt.timezone.utc), note="Spam in three threads")
    await db.commit()
    await login(admin_client, admin)
    found = await admin_client.get("/admin/members", params={"q": "member2"})
    assert "member2" in found.text and "member1" not in found.text
    suspended = await admin_client.get("/admin/members", params={"status": "suspended"})
    assert "member2" in suspended.text and "member1" not in suspended.text
    detail = await admin_client.get(f"/admin/members/{other_member.id}")
    assert "Spam in three threads" in detail.text and other_member.email in detail.text
