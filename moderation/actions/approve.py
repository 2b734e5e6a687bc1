"""Approve: the post was fine (a false positive). Undoes everything the item caused, in one step:
the post is published again (unhidden, or restored if the moderation deleted it) and a suspension
this item imposed is lifted."""

from __future__ import annotations

from sqlalchemy import select

import models as m
from forum.services import membership
from moderation import audit, notices
from moderation.actions import ActionContext, Target, keep_decision, resolve


async def approve(ctx: ActionContext, target: Target, *, note: str | None = None) -> bool:
    item = target.item
    if item.status == m.ReviewStatus.APPROVED:
        return False
    before = target.snapshot()
    kind, _ = await undo(ctx, target)
    resolve(ctx, item, m.ReviewStatus.APPROVED)
    await keep_decision(ctx, item, "approved", target.text, [])
    await tell_author(ctx, target, kind)
    audit.record(ctx.session, "approved", ctx.now, actor=ctx.admin, item=item, target_user_id=target.author.id,
                 before=before, after=target.snapshot(), note=note)
    return True


async def undo(ctx: ActionContext, target: Target) -> tuple[str | None, bool]:
    """Publishes the post again if this item hid or deleted it, and lifts the suspension this
    item imposed. Returns the notice to send about the post (if any) and whether it lifted one."""
    item, post = target.item, target.post
    kind = None
    if post.visibility == m.Visibility.HELD:
        kind = "moderation.published"
    elif (post.visibility == m.Visibility.DELETED and item.status == m.ReviewStatus.DELETED
          and await _deleted_by_moderation(ctx, item)):
        kind = "moderation.restored"
    if kind:
        await ctx.posting.set_visibility(post, m.Visibility.PUBLISHED, actor=ctx.admin)
    return kind, await lift_suspension(ctx, target)


async def lift_suspension(ctx: ActionContext, target: Target) -> bool:
    """Lifts the author's suspension if it is the one this item imposed (not a later one),
    through the membership service, which records it and tells the member."""
    item, author = target.item, target.author
    if (item.suspended_until is None or author.status != m.MemberStatus.SUSPENDED
            or author.suspended_until != item.suspended_until):
        return False
    await membership.reinstate(ctx.session, ctx.admin, author, ctx.now, with_notice=True,
                               note=f"moderation item {item.id} approved")
    item.suspended_until = None
    return True


async def tell_author(ctx: ActionContext, target: Target, kind: str | None) -> None:
    if kind:
        await notices.tell(ctx.session, target.author, kind, post=target.post,
                           link=f"/t/{target.thread.id}#p{target.post.id}")


async def _deleted_by_moderation(ctx: ActionContext, item: m.ReviewItem) -> bool:
    """Whether the item's deletion hid the post (rather than finding it deleted by its author)."""
    before = await ctx.session.scalar(
        select(m.ReviewHistory.before).where(m.ReviewHistory.item_id == item.id, m.ReviewHistory.action == "deleted")
        .order_by(m.ReviewHistory.id.desc()).limit(1)
    )
    return bool(before) and before.get("visibility") != m.Visibility.DELETED.value
