from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class Visibility(str, enum.Enum):
    """Who may see a thread or post: everyone, only its author and admins, or nobody."""

    PUBLISHED = "published"
    HELD = "held"
    DELETED = "deleted"


class ThreadKind(str, enum.Enum):
    DISCUSSION = "discussion"
    QUESTION = "question"  # Ask Guru


def _visibility() -> Enum:
    return Enum(Visibility, name="visibility", native_enum=False, values_callable=lambda e: [m.value for m in e], length=20)


class Thread(BigIntAuditBase):
    __tablename__ = "threads"
    __table_args__ = (
        # Keyset pagination of a category's list by latest activity.
        Index("ix_threads_category_activity", "category_id", "visibility", "last_activity_at", "id"),
        Index("ix_threads_author_created", "author_id", "created_at"),
    )

    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[ThreadKind] = mapped_column(
        Enum(ThreadKind, name="thread_kind", native_enum=False, values_callable=lambda e: [m.value for m in e], length=20),
        default=ThreadKind.DISCUSSION,
    )
    title: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[Visibility] = mapped_column(_visibility(), default=Visibility.PUBLISHED)
    last_activity_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), nullable=True)
    # Why the author insisted the thread differs from a suggested duplicate; shown to moderators.
    distinct_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    distinct_from_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), nullable=True)
    # Segmented words of title and opening post, for the full-text index (Thai has no spaces).
    search_terms: Mapped[str] = mapped_column(Text, default="")
    # When what the duplicate index holds of this thread last changed: the title, the opening
    # post's text, the visibility, category, author or duplicate_of. A reply does not move it
    # (it moves `updated_at`). Set here on INSERT and by database triggers on UPDATE (revision
    # 0016_newthread), so every writer keeps it, ORM or not; read by `forum.duplicates.service`.
    content_changed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), nullable=True, default=lambda: dt.datetime.now(dt.timezone.utc))


class Post(BigIntAuditBase):
    """A thread's opening post or a reply. Moderation, edits and deletion act on posts."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_visibility_id", "thread_id", "visibility", "id"),
        Index("ix_posts_author_created", "author_id", "created_at"),
    )

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_opening: Mapped[bool] = mapped_column(Boolean, default=False)
    body_raw: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(_visibility(), default=Visibility.PUBLISHED)
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class PostRevision(BigIntBase):
    """The text a post had before each edit."""

    __tablename__ = "post_revisions"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body_raw: Mapped[str] = mapped_column(Text)
    revised_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
