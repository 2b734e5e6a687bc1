"""Suspend the author for N days: they keep reading but cannot post (PostingService refuses a
suspended member). The item remembers the suspension so approving it lifts exactly this one."""

from __future__ import annotations

import datetime as dt

import models as m
from forum.errors import Forbidden, ValidationFailed
from forum.i18n import N_
from forum.web import format_time
from moderation import audit, notices
from moderation.actions import ActionContext, Target

MAX_DAYS = 365


def check_days(days: object) -> int:
    try:
        value = int(str(days).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_DAYS:
        raise ValidationFailed("Please correct the marked fields.",
                               field_errors={"days": N_("Enter a number of days from 1 to 365.")})
    return value


def check_target(target: Target, ctx: ActionContext) -> None:
    if target.author.is_admin or target.author.id == ctx.admin.id:
        raise Forbidden("Admins cannot be suspended or revoked from the moderation queue.")


async def suspend(ctx: ActionContext, target: Target, *, days: object, reason: str | None = None) -> bool:
    days = check_days(days)
    check_target(target, ctx)
    author = target.author
    if author.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
        return False
    until = ctx.now.replace(microsecond=0) + dt.timedelta(days=days)
    before = target.snapshot()
    reason = (reason or "").strip()[:500] or None
    author.status, author.suspended_until = m.MemberStatus.SUSPENDED, until
    author.status_reason = reason or f"moderation item {target.item.id}"
    target.item.suspended_until = until
    await notices.tell(ctx.session, author, "moderation.suspended", until=format_time(until), reason=reason)
    audit.record(ctx.session, "suspended", ctx.now, actor=ctx.admin, item=target.item, target_user_id=author.id,
                 before=before, after=target.snapshot() | {"days": days}, note=reason)
    return True
