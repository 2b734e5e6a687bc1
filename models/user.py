from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class Role(str, enum.Enum):
    MEMBER = "member"
    GURU = "guru"
    ADMIN = "admin"


class Tier(str, enum.Enum):
    SILVER = "silver"
    GOLD = "gold"


class MemberStatus(str, enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    RESIGNED = "resigned"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native ENUM type) so SQLite and PostgreSQL share one schema.
    return Enum(kind, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20)


class User(BigIntAuditBase):
    __tablename__ = "users"

    login_id: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    real_name: Mapped[str | None] = mapped_column(String(100), nullable=True)  # private; guards against impersonation
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"), default=Role.MEMBER)
    tier: Mapped[Tier] = mapped_column(_enum(Tier, "user_tier"), default=Tier.SILVER)
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus, "member_status"), default=MemberStatus.ACTIVE)
    suspended_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    terms_version: Mapped[str] = mapped_column(String(20))
    terms_accepted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    locale: Mapped[str] = mapped_column(String(5), default="th")
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_guru(self) -> bool:
        return self.role == Role.GURU

    @property
    def is_former(self) -> bool:
        return self.status == MemberStatus.RESIGNED

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class TermsAcceptance(BigIntBase):
    """Every acceptance of a terms version, kept when the terms are revised."""

    __tablename__ = "terms_acceptances"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class LoginAttempt(BigIntBase):
    """Failed logins, counted per account and per IP address to rate-limit guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_login_id_at", "login_id", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip_address", "attempted_at"),
    )

    login_id: Mapped[str] = mapped_column(String(40))
    ip_address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
