"""Registration, login (rate-limited per account and per IP), profile changes, resignation."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from ..i18n import N_
from ..errors import Forbidden, RateLimited, ValidationFailed
from . import membership
from ..security import hash_password, password_problem, verify_password
from ..settings import Settings

LOGIN_ID_PATTERN = re.compile(r"^[a-z0-9_.-]{3,40}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Registration:
    login_id: str
    display_name: str
    email: str
    password: str
    date_of_birth: str | dt.date | None
    accept_terms: bool
    real_name: str | None = None  # private; guards against impersonation (club rule 6)


class AccountService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def register(self, form: Registration, *, today: dt.date | None = None) -> m.User:
        today = today or utcnow().date()
        errors: dict[str, str] = {}
        login_id = (form.login_id or "").strip().casefold()
        display_name, name_problem = await membership.clean_display_name(self.session, form.display_name, None)
        email = (form.email or "").strip()
        if not LOGIN_ID_PATTERN.match(login_id):
            errors["login_id"] = N_("Login ID: 3-40 characters, letters a-z, digits, dot, dash or underscore.")
        elif await self.session.scalar(select(m.User.id).where(m.User.login_id == login_id)):
            errors["login_id"] = N_("This login ID is taken.")
        if name_problem:
            errors["display_name"] = name_problem
        real_name, problem = membership.clean_real_name(form.real_name)
        if problem:
            errors["real_name"] = problem
        if not EMAIL_PATTERN.match(email) or len(email) > 254:
            errors["email"] = N_("Enter a valid e-mail address.")
        if problem := password_problem(form.password or "", login_id):
            errors["password"] = problem
        born = membership.parse_date(form.date_of_birth)
        if born is None:
            errors["date_of_birth"] = N_("Enter your date of birth (YYYY-MM-DD).")
        elif born > today or born.year < 1900:
            errors["date_of_birth"] = N_("Enter a real date of birth.")
        else:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if age < self.settings.board.minimum_age:
                errors["date_of_birth"] = N_("You must be at least 13 years old to join.")
        if not form.accept_terms:
            errors["accept_terms"] = N_("You must accept the terms to join.")
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        now = utcnow()
        password_hash = await asyncio.to_thread(hash_password, form.password)  # as in authenticate
        user = m.User(
            login_id=login_id, display_name=display_name, email=email, password_hash=password_hash,
            date_of_birth=born, terms_accepted_at=now,
            terms_version=await membership.current_terms_version(self.session, self.settings.board.terms_version, today),
        )
        self.session.add(user)
        await self.session.flush()
        await membership.set_real_name(self.session, user, real_name)
        self.session.add(m.TermsAcceptance(user_id=user.id, version=user.terms_version, accepted_at=now))
        return user

    async def authenticate(self, login_id: str, password: str, ip_address: str) -> m.User:
        security = self.settings.security
        login_id = (login_id or "").strip().casefold()[:40]
        now = utcnow()
        since = now - dt.timedelta(seconds=security.login_window_seconds)
        by_account = await self.session.scalar(
            select(func.count()).where(m.LoginAttempt.login_id == login_id, m.LoginAttempt.attempted_at > since)
        )
        by_ip = await self.session.scalar(
            select(func.count()).where(m.LoginAttempt.ip_address == ip_address, m.LoginAttempt.attempted_at > since)
        )
        if by_account >= security.login_failures_per_account or by_ip >= security.login_failures_per_ip:
            raise RateLimited("Too many failed logins. Try again later.", retry_at=now + dt.timedelta(seconds=security.login_window_seconds))
        user = await self.session.scalar(select(m.User).where(m.User.login_id == login_id))
        # Argon2 costs about 170 ms of CPU (in C, without the GIL): on a worker thread, so this
        # process's other requests go on meanwhile. Run in the event loop, each login stalled every
        # page and submit of the process that long, and any of them holding SQLite's write lock
        # kept it, and every writer of every process waiting.
        if not await asyncio.to_thread(verify_password, user.password_hash if user else None, password or ""):
            await self._record_failure(m.LoginAttempt(login_id=login_id, ip_address=ip_address, attempted_at=now))
            raise ValidationFailed("Login ID or password is wrong.")
        assert user is not None
        if user.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
            raise Forbidden("This membership has ended.")
        await self.session.execute(delete(m.LoginAttempt).where(m.LoginAttempt.login_id == login_id))
        user.last_seen_at = now
        return user

    async def _record_failure(self, attempt: m.LoginAttempt) -> None:
        # Its own transaction: the request's is rolled back because the login fails.
        async with AsyncSession(self.session.bind, expire_on_commit=False) as separate:
            separate.add(attempt)
            await separate.commit()

    async def update_profile(self, user: m.User, *, display_name: str, email: str, email_consent: bool,
                             real_name: str | None = None) -> m.User:
        """`real_name` None leaves it as it is; an empty string removes it."""
        errors: dict[str, str] = {}
        display_name, name_problem = await membership.clean_display_name(self.session, display_name, user.id,
                                                                         current=user.display_name)
        if name_problem:
            errors["display_name"] = name_problem
        cleaned_real_name, problem = membership.clean_real_name(real_name)
        if problem:
            errors["real_name"] = problem
        if not EMAIL_PATTERN.match((email or "").strip()):
            errors["email"] = N_("Enter a valid e-mail address.")
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        user.display_name, user.email, user.email_consent = display_name, email.strip(), email_consent
        if real_name is not None and cleaned_real_name != user.real_name:
            await membership.set_real_name(self.session, user, cleaned_real_name)
        return user

    async def resign(self, user: m.User) -> None:
        """Personal data removed; posts stay and show as a former member."""
        user.status = m.MemberStatus.RESIGNED
        user.login_id = f"former-{user.id}"
        user.display_name = "former member"
        user.email = None
        user.password_hash = None
        user.date_of_birth = None
        user.email_consent = False
        user.real_name = None
        await events.emit("membership.ended", self.session, user=user, reason="resigned")
