"""Members' reports: any member reports a post they can see (not their own) under the rule it
breaks, once per post. A report joins the same queue as the classifier's flags: it opens the
post's review item or raises the open one's priority."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forum.i18n import N_
from forum.access import can_read_post
from forum.services.posting import can_post
from moderation import audit
from moderation.queue import open_item, report_priority
from moderation.rules import RULES

NOTE_MAX = 500


async def reportable_post(session: AsyncSession, post_id: int, member: m.User) -> tuple[m.Post, m.Thread]:
    """The post, if this member may see it and report it."""
    post = await session.get(m.Post, post_id)
    thread = await session.get(m.Thread, post.thread_id) if post is not None else None
    if post is None or thread is None or not await can_read_post(session, member, post, thread):
        raise NotFound("Post not found.")  # a gated post is "not found", like any post one cannot read
    if post.author_id == member.id:
        raise Forbidden("You cannot report your own post.")
    return post, thread


async def already_reported(session: AsyncSession, post_id: int, member: m.User) -> bool:
    return await session.scalar(
        select(m.Report.id).where(m.Report.post_id == post_id, m.Report.reporter_id == member.id)
    ) is not None


async def report_post(session: AsyncSession, member: m.User, post_id: int, *, rule: str | None,
                      note: str | None = None, now: dt.datetime) -> m.Report:
    if reason := can_post(member, now):  # a suspended or ended membership cannot report either
        raise Forbidden(reason)
    post, _ = await reportable_post(session, post_id, member)
    errors: dict[str, str] = {}
    if rule not in RULES:
        errors["rule"] = N_("Choose the rule this post breaks.")
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        errors["note"] = N_("The note is longer than 500 characters.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    if await already_reported(session, post.id, member):
        raise Conflict("You have already reported this post. The admins will review it.")
    item, _ = await open_item(session, post, now, priority=report_priority(rule), reported=True)  # type: ignore[arg-type]
    report = m.Report(item_id=item.id, post_id=post.id, reporter_id=member.id, rule=rule, note=note,
                      created_at=now, updated_at=now)
    session.add(report)
    try:
        await session.flush()
    except IntegrityError:  # the same member's report arriving twice at once
        raise Conflict("You have already reported this post. The admins will review it.") from None
    audit.record(session, "reported", now, actor=member, item=item, target_user_id=post.author_id,
                 after={"rule": rule}, note=note)
    return report
