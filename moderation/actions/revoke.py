"""Revoke the author's membership (rules: serious harm or inappropriate behaviour, without
notice). Their session ends on the next request (forum.web re-reads the member every time) and
`membership.ended` lets other features close what the membership held."""

from __future__ import annotations

import models as m
from forum import events
from moderation import audit, notices
from moderation.actions import ActionContext, Target
from moderation.actions.suspend import check_target


async def revoke(ctx: ActionContext, target: Target, *, reason: str | None = None) -> bool:
    check_target(target, ctx)
    author = target.author
    if author.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
        return False
    before = target.snapshot()
    reason = (reason or "").strip()[:500] or None
    # Told first, while the membership is active, so a consenting member also gets the e-mail.
    await notices.tell(ctx.session, author, "moderation.revoked", reason=reason)
    author.status, author.suspended_until = m.MemberStatus.REVOKED, None
    author.status_reason = reason or f"moderation item {target.item.id}"
    await events.emit("membership.ended", ctx.session, user=author, reason="revoked")
    audit.record(ctx.session, "revoked", ctx.now, actor=ctx.admin, item=target.item, target_user_id=author.id,
                 before=before, after=target.snapshot(), note=reason)
    return True
