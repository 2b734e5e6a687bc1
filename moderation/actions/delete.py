"""Delete: the post breaks a rule. It is removed through the posting service (counters and
events stay right), the author gets a neutral notice naming the rule, and the decision is kept
as a labelled example."""

from __future__ import annotations

import models as m
from forum.errors import ValidationFailed
from forum.i18n import N_
from moderation import audit, notices
from moderation.actions import ActionContext, Target, keep_decision, resolve, thread_link
from moderation.rules import RULES, labels_for_rule

REASON_MAX = 500


def check_rule(rule: str | None, reason: str | None) -> tuple[str, str | None]:
    errors = {}
    if rule not in RULES:
        errors["rule"] = N_("Choose the rule the post breaks.")
    reason = (reason or "").strip() or None
    if reason and len(reason) > REASON_MAX:
        errors["reason"] = N_("The reason is longer than 500 characters.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    return rule, reason  # type: ignore[return-value]


async def delete(ctx: ActionContext, target: Target, *, rule: str | None, reason: str | None = None) -> bool:
    rule, reason = check_rule(rule, reason)
    item, post = target.item, target.post
    if item.status == m.ReviewStatus.DELETED:
        return False
    before = target.snapshot()
    removed = post.visibility != m.Visibility.DELETED  # the author may have deleted it already
    if removed:
        await ctx.posting.set_visibility(post, m.Visibility.DELETED, actor=ctx.admin)
    resolve(ctx, item, m.ReviewStatus.DELETED, rule)
    await keep_decision(ctx, item, "deleted", target.text, labels_for_rule(rule), rule)
    if removed:
        await notices.tell(ctx.session, target.author, f"moderation.removed.{rule}", post=post,
                           link=None if post.is_opening else thread_link(target), reason=reason)
    audit.record(ctx.session, "deleted", ctx.now, actor=ctx.admin, item=item, target_user_id=target.author.id,
                 before=before, after=target.snapshot() | {"rule": rule}, note=reason)
    return True
