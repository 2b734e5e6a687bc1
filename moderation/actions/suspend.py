"""Suspend the author for N days: they keep reading but cannot post (PostingService refuses a
suspended member). The status change goes through the membership service (one place for the
member pages and the queue: its history, its notice under the terms). The item remembers the
suspension so approving it lifts exactly this one."""

from __future__ import annotations

from typing import Any

import models as m
from forum.errors import ValidationFailed
from forum.i18n import N_
from forum.services import membership
from moderation import audit
from moderation.actions import ActionContext, Target

MAX_DAYS = 365
DEFAULT_REASON = "inappropriate_behaviour"  # breaking the posting rules, in the terms' words


def check_days(days: object) -> int:
    try:
        value = int(str(days).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_DAYS:
        raise ValidationFailed("Please correct the marked fields.",
                               field_errors={"days": N_("Enter a number of days from 1 to 365.")})
    return value


def terms_reason(value: Any) -> str:
    """The reason under the club's terms (membership.REASONS); the queue's default otherwise."""
    return value if value in membership.REASONS else DEFAULT_REASON


async def suspend(ctx: ActionContext, target: Target, *, days: object, reason: str | None = None,
                  terms: str | None = None) -> bool:
    days = check_days(days)
    author = target.author
    if author.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
        return False
    before = target.snapshot()
    note = (reason or "").strip()[:500] or None
    await membership.suspend(ctx.session, ctx.admin, author, terms_reason(terms), days, with_notice=True,
                             now=ctx.now, note=note or f"moderation item {target.item.id}")
    target.item.suspended_until = author.suspended_until
    audit.record(ctx.session, "suspended", ctx.now, actor=ctx.admin, item=target.item, target_user_id=author.id,
                 before=before, after=target.snapshot() | {"days": days, "reason": terms_reason(terms)}, note=note)
    return True
