from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase


class Notification(BigIntAuditBase):
    """An in-app notice to one member. The text is rendered from `kind` and `params` in the
    reader's language when shown, so it never stores a translated sentence."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JsonB, default=dict)
    link: Mapped[str | None] = mapped_column(String(300), nullable=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class OutboxEmail(BigIntAuditBase):
    """E-mail handed to the outbox sender (the default, for development and tests)."""

    __tablename__ = "outbox_emails"

    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
