"""`webboard members inactive`: two years without a visit earns a notice; still no visit after
the grace period ends the membership. Dry run by default; running again changes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

from click.testing import CliRunner
from sqlalchemy import func, select

import models as m
from forum.cli import main

NOW = dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
LONG_AGO = NOW - dt.timedelta(days=2 * 365 + 10)


async def run(settings, *args: str) -> str:
    result = await asyncio.to_thread(CliRunner().invoke, main,
                                     ["members", "inactive", "--database-url", settings.db.url, *args])
    assert result.exit_code == 0, result.output
    return result.output


async def people(factory, db):
    gone = await factory.user("gone", "Long Gone")
    gone.created_at, gone.last_seen_at = LONG_AGO - dt.timedelta(days=100), LONG_AGO
    never = await factory.user("never", "Never Came Back")  # no visit recorded: counts from joining
    never.created_at, never.last_seen_at = LONG_AGO, None
    recent = await factory.user("recent", "Still Here")
    recent.created_at, recent.last_seen_at = LONG_AGO, NOW - dt.timedelta(days=3)
    old_admin = await factory.user("oldadmin", "Old Admin", role=m.Role.ADMIN)
    old_admin.created_at, old_admin.last_seen_at = LONG_AGO, LONG_AGO
    await db.commit()
    return gone, never, recent


async def count(db, model, *where) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where))


async def test_the_dry_run_reports_and_changes_nothing(db, factory, settings):
    await people(factory, db)
    output = await run(settings, "--now", NOW.isoformat())
    assert "Would send notice to 2 member(s)" in output and "gone" in output and "never" in output
    assert "recent" not in output and "oldadmin" not in output
    assert "Dry run" in output
    assert await count(db, m.MembershipEvent) == 0 and await count(db, m.Notification) == 0


async def test_notice_then_termination_after_the_grace_period_and_reruns_change_nothing(db, factory, settings):
    gone, never, recent = await people(factory, db)
    output = await run(settings, "--apply", "--now", NOW.isoformat())
    assert "Sent notice to 2 member(s)" in output and "Terminated 0" in output
    assert await count(db, m.MembershipEvent, m.MembershipEvent.kind == "inactivity_notice") == 2
    assert await count(db, m.Notification, m.Notification.kind == "membership.inactivity_notice") == 2
    assert await count(db, m.OutboxEmail) == 2  # the terms' notice, sent whatever the e-mail choice

    again = await run(settings, "--apply", "--now", (NOW + dt.timedelta(days=1)).isoformat())
    assert "Sent notice to 0" in again and "Terminated 0" in again
    assert await count(db, m.MembershipEvent) == 2

    # `never` comes back during the grace period; `gone` does not.
    never_seen = NOW + dt.timedelta(days=10)
    await db.execute(m.User.__table__.update().where(m.User.id == never.id).values(last_seen_at=never_seen))
    await db.commit()
    later = (NOW + dt.timedelta(days=31)).isoformat()
    assert "Would terminate 1" in await run(settings, "--now", later)
    output = await run(settings, "--apply", "--now", later)
    assert "Terminated 1 member(s)" in output and "gone" in output.split("Terminated")[1]
    statuses = dict((await db.execute(select(m.User.login_id, m.User.status))).all())
    assert statuses["gone"] == m.MemberStatus.REVOKED
    assert statuses["never"] == statuses["recent"] == m.MemberStatus.ACTIVE
    ended = await db.scalar(select(m.MembershipEvent).where(m.MembershipEvent.kind == "terminated"))
    assert ended.user_id == gone.id and ended.reason == "inactivity" and ended.actor_id is None

    final = await run(settings, "--apply", "--now", later)
    assert "Sent notice to 0" in final and "Terminated 0" in final
    assert await count(db, m.MembershipEvent) == 3


async def test_a_member_who_becomes_inactive_again_gets_a_new_notice(db, factory, settings):
    member = await factory.user("again", "Again")
    member.created_at, member.last_seen_at = LONG_AGO - dt.timedelta(days=900), LONG_AGO - dt.timedelta(days=800)
    await db.commit()
    await run(settings, "--apply", "--now", (NOW - dt.timedelta(days=800)).isoformat())
    await db.execute(m.User.__table__.update().where(m.User.id == member.id).values(last_seen_at=LONG_AGO))
    await db.commit()
    await run(settings, "--apply", "--now", NOW.isoformat())
    assert await count(db, m.MembershipEvent, m.MembershipEvent.kind == "inactivity_notice") == 2
    assert (await db.scalar(select(m.User.status).where(m.User.id == member.id))) == m.MemberStatus.ACTIVE
