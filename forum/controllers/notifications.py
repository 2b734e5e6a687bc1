"""The member's notification list (HTML and JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..services import notifications
from ..web import redirect, render


def notification_json(n: m.Notification) -> dict[str, Any]:
    subject, body = notifications.render(n.kind, n.params)
    return {"id": n.id, "kind": n.kind, "subject": subject, "body": body, "link": n.link,
            "created_at": n.created_at.isoformat(), "read": n.read_at is not None}


class NotificationController(Controller):
    include_in_schema = False

    @get("/notifications", name="notifications")
    async def index(self, request: Request, member: m.User, db_session: AsyncSession, before: int | None = None) -> Template:
        items = await notifications.recent(db_session, member.id, limit=20, before_id=before)
        return render(request, "notifications.html", items=[notification_json(n) for n in items],
                      next_before=items[-1].id if len(items) == 20 else None)

    @post("/notifications/read", name="notifications_read")
    async def mark_read(self, request: Request, member: m.User, db_session: AsyncSession) -> Redirect:
        await notifications.mark_all_read(db_session, member.id, dt.datetime.now(dt.timezone.utc))
        return redirect(request, "/notifications", "All notifications marked as read.")


class NotificationApiController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]

    @get("/")
    async def index(self, member: m.User, db_session: AsyncSession, before: int | None = None) -> dict[str, Any]:
        items = await notifications.recent(db_session, member.id, limit=20, before_id=before)
        return {"unread": await notifications.unread_count(db_session, member.id),
                "items": [notification_json(n) for n in items]}

    @post("/read", status_code=200)
    async def mark_read(self, member: m.User, db_session: AsyncSession) -> dict[str, Any]:
        await notifications.mark_all_read(db_session, member.id, dt.datetime.now(dt.timezone.utc))
        return {"unread": 0}
