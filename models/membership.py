"""Membership lifecycle and personal data: vehicles and Gold applications, terms versions,
status changes (with the inactivity notices), deletion requests, the admins' data-access log,
and the names nobody may use as a display name."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class GoldStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Vehicle(BigIntAuditBase):
    """A car a member registered; `verified_at` is set when an admin approves its Gold application."""

    __tablename__ = "vehicles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(60))
    plate: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(60))
    vin_last6: Mapped[str] = mapped_column(String(6))
    dealer: Mapped[str] = mapped_column(String(100))
    purchased_on: Mapped[dt.date] = mapped_column(Date)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class GoldApplication(BigIntAuditBase):
    """A request to verify one vehicle (and so the Gold tier); admins approve or reject it."""

    __tablename__ = "gold_applications"
    __table_args__ = (Index("ix_gold_applications_status_id", "status", "id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"))
    status: Mapped[GoldStatus] = mapped_column(
        Enum(GoldStatus, name="gold_status", native_enum=False, values_callable=lambda e: [s.value for s in e], length=20),
        default=GoldStatus.PENDING,
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


class TermsVersion(BigIntAuditBase):
    """A published version of the club's terms; it applies from `effective_on`."""

    __tablename__ = "terms_versions"

    version: Mapped[str] = mapped_column(String(20), unique=True)
    body_th: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date] = mapped_column(Date, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class MembershipEvent(BigIntBase):
    """The history of a membership: denials, suspensions, revocations, reinstatements,
    inactivity notices and terminations. `actor_id` is the admin (None: the system)."""

    __tablename__ = "membership_events"
    __table_args__ = (Index("ix_membership_events_user_kind_at", "user_id", "kind", "at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    with_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class DataAccess(BigIntBase):
    """An admin looked at or exported a member's personal data."""

    __tablename__ = "data_access_log"
    __table_args__ = (Index("ix_data_access_log_subject_at", "subject_id", "at"),)

    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class DeletionRequest(BigIntBase):
    """A member asked for their personal data to be deleted; `posts` says what became of their posts."""

    __tablename__ = "deletion_requests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    posts: Mapped[str] = mapped_column(String(10))  # "keep" (shown as a former member) or "delete"
    posts_deleted: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class ReservedName(BigIntAuditBase):
    """A name nobody else may take as a display name, compared by its look-alike-folded `key`:
    a public figure an admin protects (`user_id` empty, `name` shown to admins), or a member's
    private real name (`user_id` set; only the key is kept here, the name stays on the user)."""

    __tablename__ = "reserved_names"

    key: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
