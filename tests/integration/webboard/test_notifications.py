from __future__ import annotations

from sqlalchemy import func, select

import models as m
from forum.services.notifications import notify, register_kind

from ...factories import login, post_form

register_kind("test.hello", "Hello {name}", "A test notice for {name}.")


async def test_notifications_show_with_an_unread_count_and_can_be_marked_read(client, db, member):
    await notify(db, member, "test.hello", {"name": "นก"}, link="/")
    await db.commit()
    await login(client, member)
    home = await client.get("/")
    assert 'class="badge"' in home.text
    page = await client.get("/notifications")
    assert "Hello นก" in page.text
    await post_form(client, "/notifications/read")
    assert 'class="badge"' not in (await client.get("/")).text
    assert (await client.get("/api/notifications/")).json()["unread"] == 0


async def test_email_is_sent_only_with_consent(db, member, other_member):
    member.email_consent = True
    await notify(db, member, "test.hello", {"name": "a"})
    await notify(db, other_member, "test.hello", {"name": "b"})
    await db.commit()
    sent = (await db.scalars(select(m.OutboxEmail.to_address))).all()
    assert sent == [member.email]
    assert await db.scalar(select(func.count()).select_from(m.Notification)) == 2
