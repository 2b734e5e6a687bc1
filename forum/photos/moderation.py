"""Moderating photos: a member reports one photo (rule 5, obscene pictures), which opens or
raises its post's review item like any report; an admin deletes one photo and keeps the text
(an audit entry, a neutral notice to the author, and the image's digest refused from then on);
the queue shows each item's photos as thumbnails. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..i18n import N_
from ..services.notifications import notify, register_kind
from ..web import format_time
from . import service

PHOTO_RULE = "obscene"  # rule 5: obscene stories or pictures
NOTE_MAX = 500

register_kind("photos.removed", N_("A photo was removed from your post"),
              N_("An admin removed a photo from your post of {date} because it breaks the club rule against "
                 "obscene content. The text of the post stays.{note}"))
register_kind("photos.removed.other", N_("A photo was removed from your post"),
              N_("An admin removed a photo from your post of {date}. The text of the post stays.{note}"))


def register_audit_actions() -> None:
    from moderation.audit import ACTIONS

    ACTIONS.setdefault("photo_reported", N_("photo reported by a member"))
    ACTIONS.setdefault("photo_deleted", N_("photo deleted"))
    ACTIONS.setdefault("photos_held", N_("held: photos from a new member"))


async def _photo_and_post(session: AsyncSession, photo_id: int) -> tuple[m.Photo, m.Post, m.Thread]:
    photo = await session.get(m.Photo, photo_id)
    if photo is None or photo.status != m.PhotoStatus.ATTACHED or photo.post_id is None:
        raise NotFound("Photo not found.")
    post = await session.get(m.Post, photo.post_id)
    thread = await session.get(m.Thread, post.thread_id) if post is not None else None
    if post is None or thread is None:
        raise NotFound("Photo not found.")
    return photo, post, thread


async def reportable(session: AsyncSession, photo_id: int, member: m.User) -> tuple[m.Photo, m.Post, m.Thread]:
    photo, post, thread = await _photo_and_post(session, photo_id)
    if await service.viewable(session, photo.id, photo.digest[:service.URL_DIGEST], member) is None:
        raise NotFound("Photo not found.")
    if photo.owner_id == member.id:
        raise Forbidden("You cannot report your own photo.")
    return photo, post, thread


async def already_reported(session: AsyncSession, photo_id: int, member: m.User) -> bool:
    return await session.scalar(select(m.PhotoReport.id).where(
        m.PhotoReport.photo_id == photo_id, m.PhotoReport.reporter_id == member.id)) is not None


async def report_photo(session: AsyncSession, member: m.User, photo_id: int, *, note: str | None,
                       now: dt.datetime) -> m.PhotoReport:
    from moderation import audit
    from moderation.queue import open_item, report_priority

    from ..services.posting import can_post

    if reason := can_post(member, now):
        raise Forbidden(reason)
    photo, post, _ = await reportable(session, photo_id, member)
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ValidationFailed("Please correct the marked fields.",
                               field_errors={"note": N_("The note is longer than 500 characters.")})
    if await already_reported(session, photo.id, member):
        raise Conflict("You have already reported this photo. The admins will review it.")
    item, _ = await open_item(session, post, now, priority=report_priority(PHOTO_RULE), reported=True)
    report = m.PhotoReport(photo_id=photo.id, reporter_id=member.id, item_id=item.id, rule=PHOTO_RULE, note=note,
                           created_at=now, updated_at=now)
    session.add(report)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("You have already reported this photo. The admins will review it.") from None
    audit.record(session, "photo_reported", now, actor=member, item=item, target_user_id=photo.owner_id,
                 after={"photo_id": photo.id, "rule": PHOTO_RULE}, note=note)
    return report


async def delete_photo(session: AsyncSession, admin: m.User, photo_id: int, *, rule: str | None,
                       reason: str | None, now: dt.datetime) -> m.Photo:
    """Takes one photo down and keeps the post: the author is told, the audit log records it,
    and the same image is refused from now on. Returns the photo (already removed is 404)."""
    from moderation import audit
    from moderation.queue import open_item_for
    from moderation.rules import RULES

    if not admin.is_admin:
        raise Forbidden("Only admins can do this.")
    rule = rule if rule in RULES else PHOTO_RULE
    reason = (reason or "").strip()[:NOTE_MAX] or None
    photo, post, thread = await _photo_and_post(session, photo_id)
    await service.mark_removed(session, photo, now, actor=admin, rule=rule)
    if await session.scalar(select(m.PhotoBlock.id).where(m.PhotoBlock.digest == photo.digest)) is None:
        session.add(m.PhotoBlock(digest=photo.digest, rule=rule, blocked_by_id=admin.id, blocked_at=now))
    author = await session.get(m.User, photo.owner_id)
    item = await open_item_for(session, post)
    audit.record(session, "photo_deleted", now, actor=admin, item=item, post_id=post.id,
                 target_user_id=photo.owner_id, before={"photo_id": photo.id, "status": "attached"},
                 after={"photo_id": photo.id, "status": "removed", "rule": rule}, note=reason)
    if author is not None:
        kind = "photos.removed" if rule == PHOTO_RULE else "photos.removed.other"
        link = f"/t/{thread.id}#p{post.id}" if post.visibility != m.Visibility.DELETED else None
        await notify(session, author, kind, {"date": format_time(post.created_at), "note": f"\n{reason}" if reason else ""},
                     link)
    await session.flush()
    # The post's visibility did not change but its page did (a guest page cache drops it here).
    await events.emit("post.photos_changed", session, post=post, thread=thread, actor=admin)
    return photo


async def for_review(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Photos of posts in the queue, with how many members reported each."""
    found = await service.for_posts(session, post_ids)
    ids = [p["id"] for photos in found.values() for p in photos]
    if ids:
        counts = dict((await session.execute(select(m.PhotoReport.photo_id, func.count()).where(
            m.PhotoReport.photo_id.in_(ids)).group_by(m.PhotoReport.photo_id))).all())
        for photos in found.values():
            for p in photos:
                p["reports"] = counts.get(p["id"], 0)
    return found
