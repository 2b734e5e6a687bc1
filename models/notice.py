from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase


class NoticeKind(str, enum.Enum):
    IMPORTANT = "important"
    TERMS_REVISION = "terms_revision"
    MAINTENANCE = "maintenance"
    OUTAGE = "outage"
    RECOVERY = "recovery"
    GENERAL = "general"


class BoardFunction(str, enum.Enum):
    """What a maintenance window can close (and an outage can disrupt)."""

    POSTING = "posting"  # new threads and edits
    REPLIES = "replies"
    ASK_GURU = "ask_guru"
    REGISTRATION = "registration"
    LOGIN = "login"
    WHOLE_BOARD = "whole_board"  # everything, reading included


class Notice(BigIntAuditBase):
    """A dated announcement from the operator. Maintenance notices carry a window (`starts_at`,
    `ends_at`, UTC) and the functions it closes; outage notices the functions they disrupt, until a
    recovery notice (`recovers_id`) closes them. A notice is public from `published_at` on."""

    __tablename__ = "notices"
    __table_args__ = (
        # The public list: pinned first, newest first.
        Index("ix_notices_list", "pinned", "published_at", "id"),
        # The banner's periodic query for windows that have not ended.
        Index("ix_notices_kind_ends", "kind", "ends_at"),
    )

    kind: Mapped[NoticeKind] = mapped_column(
        Enum(NoticeKind, name="notice_kind", native_enum=False, values_callable=lambda e: [m.value for m in e], length=20),
        default=NoticeKind.GENERAL,
    )
    title_th: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_th: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # The terms version a terms-revision notice announces (free text, e.g. "2026-02").
    terms_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # Comma-separated BoardFunction values.
    functions: Mapped[str] = mapped_column(String(200), default="")
    recovers_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @property
    def function_list(self) -> tuple[BoardFunction, ...]:
        return tuple(BoardFunction(f) for f in self.functions.split(",") if f)

    def title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else (self.title_th or self.title_en)

    def body(self, lang: str) -> str:
        return (self.body_en or self.body_th) if lang == "en" else (self.body_th or self.body_en)

    def is_published(self, now: dt.datetime) -> bool:
        return self.published_at <= now
