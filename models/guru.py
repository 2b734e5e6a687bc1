"""Ask Guru: questions' extra fields, guru profiles and areas, guru answers with the disclaimer
version they were shown with, helpful marks. Questions and answers themselves are ordinary
threads and posts (made by the one posting path); these tables hang off them by id."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class GuruDisclaimer(BigIntAuditBase):
    """One version of the guru-answer disclaimer. Admins never edit a row: saving new texts adds
    the next version, and every answer keeps the version it was first shown with."""

    __tablename__ = "guru_disclaimers"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    text_th: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_th


class GuruProfile(BigIntAuditBase):
    """A guru's public profile. It outlives a revoked role, so old answers still link somewhere."""

    __tablename__ = "guru_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    bio: Mapped[str] = mapped_column(String(1000), default="")
    answer_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)


class GuruArea(BigIntBase):
    """A guru's area of expertise: one board category."""

    __tablename__ = "guru_areas"
    __table_args__ = (UniqueConstraint("user_id", "category_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)


class GuruQuestion(BigIntBase):
    """An Ask Guru question's own fields, keyed by its thread. Counters are kept by the guru
    service so lists filter on them without counting answers row by row."""

    __tablename__ = "guru_questions"
    __table_args__ = (Index("ix_guru_questions_open", "answer_count", "asked_at"),)

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    car_model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    car_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mileage_km: Mapped[int | None] = mapped_column(Integer, nullable=True)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    answer_count: Mapped[int] = mapped_column(Integer, default=0)  # published guru answers
    accepted_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), nullable=True)


class GuruAnswer(BigIntAuditBase):
    """A post written by a guru (in Ask Guru or on the webboard), recorded when it was written,
    with the disclaimer version shown under it. A revoked guru's answers keep it."""

    __tablename__ = "guru_answers"
    __table_args__ = (
        Index("ix_guru_answers_thread", "thread_id", "post_id"),
        Index("ix_guru_answers_guru", "guru_id", "thread_id"),
        # At most one accepted answer per question, whatever two requests do at once.
        Index("uq_guru_answers_one_accepted", "thread_id", unique=True,
              sqlite_where=text("is_accepted = 1"), postgresql_where=text("is_accepted")),
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    guru_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    disclaimer_id: Mapped[int] = mapped_column(ForeignKey("guru_disclaimers.id"))
    is_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)
    # When the asker was told and the event went out (a held answer waits for publication).
    announced_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class GuruHelpfulMark(BigIntBase):
    """One member found one guru answer helpful (once each)."""

    __tablename__ = "guru_helpful_marks"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    marked_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
