"""The moderation history, which is also the audit log: one row per event on a review item and
per admin action (who, what, when, before and after)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.i18n import N_

# action -> msgid shown in the audit log
ACTIONS: dict[str, str] = {
    "flagged": N_("flagged by the classifier"),
    "held": N_("held by the classifier"),
    "rescored": N_("re-scored after an edit"),
    "reported": N_("reported by a member"),
    "approved": N_("approved"),
    "deleted": N_("deleted"),
    "edited_and_approved": N_("edited and approved"),
    "suspended": N_("author suspended"),
    "revoked": N_("membership revoked"),
    "thresholds_changed": N_("thresholds changed"),
}


def record(session: AsyncSession, action: str, now: dt.datetime, *, actor: m.User | None = None,
           item: m.ReviewItem | None = None, post_id: int | None = None, target_user_id: int | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           note: str | None = None) -> m.ReviewHistory:
    row = m.ReviewHistory(
        item_id=item.id if item is not None else None, actor_id=actor.id if actor is not None else None,
        action=action, post_id=post_id if post_id is not None else (item.post_id if item is not None else None),
        target_user_id=target_user_id, before=before or {}, after=after or {}, note=note or None, created_at=now,
    )
    session.add(row)
    return row
