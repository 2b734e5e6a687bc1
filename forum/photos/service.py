"""Photo rules: preparing uploads (decode and re-encode in a worker thread, store the files),
the checks a post's photos must pass inside the posting path (count, daily allowance, refused
images, the hold policy), attaching them to the saved post, the gate that decides who may see a
photo, and the sweep that deletes files nothing points to.

Order of work, so a post never points at a missing file: files are written (atomically) before
the post's transaction writes any row, rows are written in that transaction, and files are only
deleted by the sweep, for rows removed earlier or for files no row has pointed to for hours."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..access import access_problem
from ..errors import ValidationFailed
from ..i18n import N_, gettext
from ..settings import PhotoSettings, Settings
from .image import SIZES, PhotoRefused, Processed, fit, process
from .storage import TMP_PREFIX, Storage, digest_of, key_for

NOTE_HELD = "photos.held"
TOKEN_TTL = dt.timedelta(hours=6)  # a staged photo (form sent back with an error) stays usable this long
ORPHAN_GRACE = TOKEN_TTL + dt.timedelta(hours=1)  # the sweep leaves younger unreferenced files alone
URL_DIGEST = 32  # hex characters of the digest in a photo's URL: unguessable, and the name changes with the bytes
HOLD_PRIORITY = 15
TMP_GRACE = dt.timedelta(hours=1)  # no single write takes this long


@dataclass(frozen=True)
class PreparedPhoto:
    """A re-encoded, stored photo not yet attached to anything."""

    digest: str
    width: int
    height: int
    stored_bytes: int
    owner_id: int
    caption: str = ""
    staged_at: float = 0.0

    def token(self, secret: str) -> str:
        payload = json.dumps([self.digest, self.width, self.height, self.stored_bytes, self.owner_id, self.staged_at],
                             separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{_sign(secret, body)}"

    @classmethod
    def from_token(cls, token: str, secret: str, owner_id: int, now: dt.datetime) -> PreparedPhoto | None:
        """The staged photo a signed token names, if it is this member's and still fresh."""
        body, _, signature = (token or "").partition(".")
        if not body or not hmac.compare_digest(signature, _sign(secret, body)):
            return None
        try:
            digest, width, height, stored, owner, staged_at = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return None
        if owner != owner_id or now.timestamp() - float(staged_at) > TOKEN_TTL.total_seconds():
            return None
        return cls(str(digest), int(width), int(height), int(stored), int(owner), staged_at=float(staged_at))

    def with_caption(self, caption: str) -> PreparedPhoto:
        return PreparedPhoto(self.digest, self.width, self.height, self.stored_bytes, self.owner_id, caption,
                             self.staged_at)


def _sign(secret: str, body: str) -> str:
    return hmac.new(f"photos:{secret}".encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def clean_caption(text: str | None, config: PhotoSettings) -> str:
    return " ".join((text or "").split())[: config.caption_max]


async def prepare(storage: Storage, config: PhotoSettings, owner_id: int, data: bytes, caption: str,
                  now: dt.datetime) -> PreparedPhoto:
    """Re-encodes one upload off the event loop and writes its files. Raises PhotoRefused or
    StorageError; on a storage error nothing refers to the files written so far (the sweep
    removes them)."""
    processed: Processed = await asyncio.to_thread(process, data, max_bytes=config.max_file_bytes,
                                                   max_pixels=config.max_pixels)
    await store(storage, processed)
    return PreparedPhoto(processed.digest, processed.width, processed.height, processed.stored_bytes, owner_id,
                         clean_caption(caption, config), now.timestamp())


async def store(storage: Storage, processed: Processed) -> None:
    # The smaller sizes first: the original (largest, slowest) last.
    for rendition in sorted(processed.renditions, key=lambda r: len(r.data)):
        await storage.put(key_for(processed.digest, rendition.size), rendition.data)


def refused_text(error: PhotoRefused) -> str:
    return gettext(error.message).format(**error.params)


# -- inside the posting path --------------------------------------------------------------------
async def published_post_count(session: AsyncSession, user_id: int) -> int:
    return await session.scalar(select(func.count(m.Post.id)).where(
        m.Post.author_id == user_id, m.Post.visibility == m.Visibility.PUBLISHED)) or 0


def should_hold(config: PhotoSettings, author: m.User, published_posts: int, now: dt.datetime) -> bool:
    """The explicit hold policy (there is no image model offline): photos from members in their
    first `hold_days` days, or with fewer than `hold_min_posts` published posts, wait for an admin.
    Admins and gurus are trusted."""
    if author.is_admin or author.is_guru:
        return False
    created = author.created_at or now
    return now - created < dt.timedelta(days=config.hold_days) or published_posts < config.hold_min_posts


async def check(session: AsyncSession, settings: Settings, author: m.User, photos: Sequence[PreparedPhoto],
                now: dt.datetime, *, existing: int = 0) -> bool:
    """Refuses a post's photos that break a limit (ValidationFailed, on the `photos` field);
    returns whether the post must be held for review because of them."""
    if not photos:
        return False
    config = settings.photos
    if existing + len(photos) > config.per_post:
        raise _invalid(N_("A post can have at most {n} photos."), n=config.per_post)
    if any(p.owner_id != author.id for p in photos):
        raise _invalid(N_("These photos could not be used. Please choose them again."))
    digests = {p.digest for p in photos}
    if await session.scalar(select(m.PhotoBlock.id).where(m.PhotoBlock.digest.in_(digests)).limit(1)) is not None:
        raise _invalid(N_("One of these photos was removed by the admins before and cannot be posted."))
    since = now - dt.timedelta(days=1)
    used = await session.scalar(select(func.coalesce(func.sum(m.Photo.stored_bytes), 0)).where(
        m.Photo.owner_id == author.id, m.Photo.created_at > since)) or 0
    if used + sum(p.stored_bytes for p in photos) > config.daily_bytes:
        raise _invalid(N_("You have reached today's photo allowance ({mb} MB). You can add more photos tomorrow."),
                       mb=config.daily_bytes // (1024 * 1024))
    return should_hold(config, author, await published_post_count(session, author.id), now)


def _invalid(message: str, **params: Any) -> ValidationFailed:
    text = gettext(message).format(**params) if params else message
    return ValidationFailed("Please correct the marked fields.", field_errors={"photos": text})


async def attach(session: AsyncSession, post: m.Post, photos: Sequence[PreparedPhoto], now: dt.datetime, *,
                 held: bool, start: int = 0) -> list[m.Photo]:
    """Rows for the post's photos (the files are already stored); a post held because of its
    photos joins the moderation queue."""
    rows = [m.Photo(owner_id=p.owner_id, post_id=post.id, purpose=m.PhotoPurpose.POST, status=m.PhotoStatus.ATTACHED,
                    position=start + index, caption=p.caption, digest=p.digest, width=p.width, height=p.height,
                    stored_bytes=p.stored_bytes, created_at=now, updated_at=now)
            for index, p in enumerate(photos)]
    session.add_all(rows)
    await session.flush()
    if held and post.visibility == m.Visibility.HELD:
        from moderation import audit
        from moderation.queue import open_item

        item, _ = await open_item(session, post, now, priority=HOLD_PRIORITY)
        audit.record(session, "photos_held", now, item=item, target_user_id=post.author_id,
                     after={"photos": len(rows)}, note="photo hold policy")
    return rows


# -- reading and the gate -----------------------------------------------------------------------
def photo_url(photo_id: int, digest: str, size: str) -> str:
    return f"/photos/{photo_id}/{digest[:URL_DIGEST]}/{size}.jpg"


def photo_view(row: Any) -> dict[str, Any]:
    """What a template or the API needs to show one photo."""
    width, height = row.width, row.height
    urls = {size: photo_url(row.id, row.digest, size) for size in SIZES}
    dims = {size: fit(width, height, edge) for size, edge in SIZES.items()}
    return {
        "id": row.id, "owner_id": row.owner_id, "caption": row.caption, "urls": urls,
        "width": dims["display"][0], "height": dims["display"][1],
        "thumb_width": dims["thumb"][0], "thumb_height": dims["thumb"][1],
        "original_width": width, "original_height": height,
        "srcset": ", ".join(f"{urls[s]} {dims[s][0]}w" for s in ("thumb", "display")),
    }


PHOTO_COLUMNS = (m.Photo.id, m.Photo.post_id, m.Photo.owner_id, m.Photo.caption, m.Photo.digest, m.Photo.width, m.Photo.height,
                 m.Photo.position)


async def for_posts(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The attached photos of these posts, in order, as `photo_view` dicts."""
    if not post_ids:
        return {}
    connection = await session.connection()
    rows = (await connection.execute(
        select(*PHOTO_COLUMNS).where(m.Photo.post_id.in_(list(post_ids)), m.Photo.status == m.PhotoStatus.ATTACHED)
        .order_by(m.Photo.post_id, m.Photo.position, m.Photo.id)
        .execution_options(sqlite_on_loop=True)  # a page's posts, by key: no thread hop (forum.sqlite_driver)
    )).all()
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.post_id, []).append(photo_view(row))
    return found


GATE = (
    select(m.Photo.id, m.Photo.digest, m.Photo.status, m.Photo.purpose, m.Photo.owner_id,
           m.Post.visibility.label("post_visibility"), m.Post.author_id.label("post_author_id"),
           m.Thread.visibility.label("thread_visibility"), m.Thread.author_id.label("thread_author_id"),
           m.Category.access.label("category_access"))
    .outerjoin(m.Post, m.Post.id == m.Photo.post_id)
    .outerjoin(m.Thread, m.Thread.id == m.Post.thread_id)
    .outerjoin(m.Category, m.Category.id == m.Thread.category_id)
)


def _sees(visibility: m.Visibility | None, author_id: int | None, viewer: m.User | None) -> bool:
    if visibility == m.Visibility.PUBLISHED:
        return True
    return (visibility == m.Visibility.HELD and viewer is not None
            and (viewer.is_admin or viewer.id == author_id))


async def viewable(session: AsyncSession, photo_id: int, url_digest: str, viewer: m.User | None,
                   today: dt.date | None = None) -> str | None:
    """The digest of the photo if this viewer may see it (the same rule as its post: held,
    deleted, Gold-only and 18+ posts keep their photos too), else None."""
    connection = await session.connection()
    row = (await connection.execute(GATE.where(m.Photo.id == photo_id))).first()
    if row is None or row.status != m.PhotoStatus.ATTACHED or not hmac.compare_digest(row.digest[:URL_DIGEST], url_digest):
        return None
    if row.purpose == m.PhotoPurpose.REGISTRATION:
        return row.digest if viewer is not None and (viewer.is_admin or viewer.id == row.owner_id) else None
    if row.post_visibility is None:
        return None
    if not _sees(row.post_visibility, row.post_author_id, viewer) or not _sees(row.thread_visibility, row.thread_author_id, viewer):
        return None
    if access_problem(row.category_access, viewer, today) is not None:
        return None
    return row.digest


# -- removal and the sweep ----------------------------------------------------------------------
async def mark_removed(session: AsyncSession, photo: m.Photo, now: dt.datetime, *, actor: m.User | None = None,
                       rule: str | None = None) -> None:
    photo.status, photo.removed_at = m.PhotoStatus.REMOVED, now
    photo.removed_by_id, photo.removed_rule = (actor.id if actor else None), rule


@dataclass
class SweepResult:
    purged_rows: int = 0
    deleted_files: int = 0
    expired: int = 0
    details: list[str] = field(default_factory=list)


async def sweep(session: AsyncSession, storage: Storage, config: PhotoSettings, now: dt.datetime) -> SweepResult:
    """Removes what nothing may show any more, in this order: photos of posts deleted more than
    `purge_after_days` ago and registration photos of decided applications are marked removed;
    removed rows lose their files (unless another photo uses the same image) and are deleted;
    files that no row names and that are older than the staging grace are deleted. Commits."""
    result = SweepResult()
    cutoff = now - dt.timedelta(days=config.purge_after_days)
    deleted_posts = select(m.Post.id).where(m.Post.visibility == m.Visibility.DELETED, m.Post.updated_at < cutoff)
    decided = select(m.GoldApplication.id).where(m.GoldApplication.status != m.GoldStatus.PENDING)
    expired = await session.execute(
        update(m.Photo).where(m.Photo.status == m.PhotoStatus.ATTACHED, (
            m.Photo.post_id.in_(deleted_posts)
            | (m.Photo.purpose == m.PhotoPurpose.REGISTRATION)
            & (m.Photo.gold_application_id.is_(None) | m.Photo.gold_application_id.in_(decided))))
        .values(status=m.PhotoStatus.REMOVED, removed_at=now).execution_options(synchronize_session=False))
    result.expired = expired.rowcount or 0
    removed = (await session.execute(select(m.Photo.id, m.Photo.digest, m.Photo.removed_at)
                                     .where(m.Photo.status == m.PhotoStatus.REMOVED))).all()
    removed_at: dict[str, dt.datetime] = {}
    for row in removed:
        stamp = row.removed_at or now
        removed_at[row.digest] = max(stamp, removed_at.get(row.digest, stamp))
    if removed:
        await session.execute(delete(m.Photo).where(m.Photo.id.in_([r.id for r in removed])))
        result.purged_rows = len(removed)
    await session.commit()  # rows first: a crash after this leaves only unreferenced files
    known = set((await session.scalars(select(m.Photo.digest).distinct())).all())
    grace = now - ORPHAN_GRACE
    stale = []
    async for obj in storage.iter_objects():
        if obj.key.rsplit("/", 1)[-1].startswith(TMP_PREFIX):  # a write that died midway
            if obj.modified < now - TMP_GRACE:
                stale.append(obj.key)
            continue
        digest = digest_of(obj.key)
        if digest is not None and digest in known:
            continue
        # A removed image's files go at once, unless written again since (someone uploading the
        # same image right now); anything else unreferenced waits out the staging grace.
        if obj.modified < grace or (digest in removed_at and obj.modified <= removed_at[digest]):
            stale.append(obj.key)
    if stale:
        # A digest may have been attached since `known` was read; check again just before deleting.
        recheck = set((await session.scalars(select(m.Photo.digest).where(
            m.Photo.digest.in_({d for k in stale if (d := digest_of(k))})))).all())
        stale = [k for k in stale if digest_of(k) not in recheck or k.rsplit("/", 1)[-1].startswith(TMP_PREFIX)]
        await storage.delete(stale)
        result.deleted_files += len(stale)
    await session.commit()
    return result
