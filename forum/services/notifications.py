"""In-app notifications and e-mail, for every feature. A feature registers its kinds once
(`register_kind`), then calls `notify`; e-mail goes out only to members who consented."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..i18n import current_locale, translations


@dataclass(frozen=True)
class NotificationKind:
    subject: str  # msgid with {placeholders} filled from params
    body: str


KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: str, subject: str, body: str) -> None:
    KINDS[kind] = NotificationKind(subject, body)


def render(kind: str, params: dict[str, Any], locale: str | None = None) -> tuple[str, str]:
    spec = KINDS.get(kind) or NotificationKind(kind, "")
    catalog = translations(locale or current_locale.get())
    return (catalog.ugettext(spec.subject).format(**params), catalog.ugettext(spec.body).format(**params) if spec.body else "")


class EmailSender(Protocol):
    async def send(self, session: AsyncSession, to: str, subject: str, body: str) -> None: ...


class OutboxSender:
    """Keeps e-mail in the outbox table (the default: nothing leaves the machine)."""

    async def send(self, session: AsyncSession, to: str, subject: str, body: str) -> None:
        session.add(m.OutboxEmail(to_address=to, subject=subject, body=body))


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    async def send(self, session: AsyncSession, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)

        def deliver() -> None:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(message)

        await asyncio.to_thread(deliver)


def email_sender() -> EmailSender:
    if host := os.environ.get("SMTP_HOST"):
        return SmtpSender(host, int(os.environ.get("SMTP_PORT", "25")), os.environ.get("SMTP_FROM", "webboard@localhost"))
    return OutboxSender()


async def notify(session: AsyncSession, user: m.User, kind: str, params: dict[str, Any], link: str | None = None,
                 *, email: bool = True, sender: EmailSender | None = None) -> m.Notification:
    notification = m.Notification(user_id=user.id, kind=kind, params=params, link=link)
    session.add(notification)
    if email and user.email_consent and user.email and user.status == m.MemberStatus.ACTIVE:
        subject, body = render(kind, params, user.locale)
        await (sender or email_sender()).send(session, user.email, subject, f"{body}\n\n{link or ''}".strip())
    return notification


async def unread_count(session: AsyncSession, user_id: int) -> int:
    return await session.scalar(
        select(func.count()).where(m.Notification.user_id == user_id, m.Notification.read_at.is_(None))
    ) or 0


async def recent(session: AsyncSession, user_id: int, *, limit: int = 20, before_id: int | None = None) -> list[m.Notification]:
    query = select(m.Notification).where(m.Notification.user_id == user_id)
    if before_id:
        query = query.where(m.Notification.id < before_id)
    return list((await session.scalars(query.order_by(m.Notification.id.desc()).limit(limit))).all())


async def mark_all_read(session: AsyncSession, user_id: int, now: dt.datetime) -> None:
    await session.execute(
        update(m.Notification).where(m.Notification.user_id == user_id, m.Notification.read_at.is_(None)).values(read_at=now)
    )
