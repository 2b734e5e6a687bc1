"""Photos attached to posts (and the registration-book photo of a Gold application), the
digests moderators refused, and members' reports of a single photo.

A photo's files are content-addressed by `digest` (SHA-256 of the original-size re-encode), so
a row never points at bytes that change; the row itself is the gate: no row (or a removed one),
no file served."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class PhotoStatus(str, enum.Enum):
    ATTACHED = "attached"  # shown wherever its post (or application) may be seen
    REMOVED = "removed"  # taken down; the sweep deletes its files, then the row


class PhotoPurpose(str, enum.Enum):
    POST = "post"
    REGISTRATION = "registration"  # a Gold application's registration book: applicant and admins only


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, values_callable=lambda e: [x.value for x in e], length=20)


class Photo(BigIntAuditBase):
    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_post_position", "post_id", "position"),
        Index("ix_photos_owner_created", "owner_id", "created_at"),
        Index("ix_photos_digest", "digest"),
    )

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), nullable=True)
    gold_application_id: Mapped[int | None] = mapped_column(
        ForeignKey("gold_applications.id", ondelete="SET NULL"), nullable=True, index=True)
    purpose: Mapped[PhotoPurpose] = mapped_column(_enum(PhotoPurpose, "photo_purpose"), default=PhotoPurpose.POST)
    status: Mapped[PhotoStatus] = mapped_column(_enum(PhotoStatus, "photo_status"), default=PhotoStatus.ATTACHED)
    position: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str] = mapped_column(String(200), default="")
    digest: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)  # of the original-size re-encode
    height: Mapped[int] = mapped_column(Integer)
    stored_bytes: Mapped[int] = mapped_column(Integer)  # all sizes together (the daily allowance counts this)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    removed_rule: Mapped[str | None] = mapped_column(String(30), nullable=True)


class PhotoBlock(BigIntBase):
    """A re-encoded image moderators deleted: the same digest is refused on upload."""

    __tablename__ = "photo_blocks"

    digest: Mapped[str] = mapped_column(String(64), unique=True)
    rule: Mapped[str | None] = mapped_column(String(30), nullable=True)
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    blocked_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class PhotoReport(BigIntAuditBase):
    """A member's report of one photo (rule 5, obscene pictures); it opens or raises the post's
    review item, whose page then marks the reported photo. One per member and photo."""

    __tablename__ = "photo_reports"
    __table_args__ = (UniqueConstraint("photo_id", "reporter_id"),)

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_items.id", ondelete="SET NULL"), nullable=True)
    rule: Mapped[str] = mapped_column(String(30), default="obscene")
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
