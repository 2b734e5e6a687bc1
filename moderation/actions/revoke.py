"""Revoke the author's membership (the terms: serious harm or inappropriate behaviour, without
notice), through the membership service: the member is told under the terms, their session ends
on the next request (forum.web re-reads the member every time), and `membership.ended` lets
other features close what the membership held."""

from __future__ import annotations

import models as m
from forum.services import membership
from moderation import audit
from moderation.actions import ActionContext, Target
from moderation.actions.suspend import terms_reason


async def revoke(ctx: ActionContext, target: Target, *, reason: str | None = None, terms: str | None = None) -> bool:
    author = target.author
    if author.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
        return False
    before = target.snapshot()
    note = (reason or "").strip()[:500] or None
    await membership.revoke(ctx.session, ctx.admin, author, terms_reason(terms), with_notice=True, now=ctx.now,
                            note=note or f"moderation item {target.item.id}")
    audit.record(ctx.session, "revoked", ctx.now, actor=ctx.admin, item=target.item, target_user_id=author.id,
                 before=before, after=target.snapshot() | {"reason": terms_reason(terms)}, note=note)
    return True
