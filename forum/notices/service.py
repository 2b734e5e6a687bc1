"""Notices: writing, listing and the maintenance window's admin actions. Never commits (the
request does); every time-dependent rule takes `now`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..errors import NotFound, ValidationFailed
from ..i18n import N_
from .clock import BANGKOK
from ..inputs import in_range

PER_PAGE = 10
FEED_SIZE = 20
TITLE_MAX = 200
BODY_MAX = 20_000
TERMS_VERSION_MAX = 20
MAX_EXTENSION_MINUTES = 7 * 24 * 60

KIND_LABELS = {
    m.NoticeKind.IMPORTANT: N_("Important"),
    m.NoticeKind.TERMS_REVISION: N_("Terms revision"),
    m.NoticeKind.MAINTENANCE: N_("Maintenance"),
    m.NoticeKind.OUTAGE: N_("Outage"),
    m.NoticeKind.RECOVERY: N_("Recovery"),
    m.NoticeKind.GENERAL: N_("General"),
}
FUNCTION_LABELS = {
    m.BoardFunction.POSTING: N_("Posting"),
    m.BoardFunction.REPLIES: N_("Replies"),
    m.BoardFunction.ASK_GURU: N_("Ask Guru"),
    m.BoardFunction.REGISTRATION: N_("Registration"),
    m.BoardFunction.LOGIN: N_("Login"),
    m.BoardFunction.WHOLE_BOARD: N_("The whole board"),
}
# Shown on the home page: notices of these kinds, and pinned ones.
HOME_KINDS = (m.NoticeKind.IMPORTANT, m.NoticeKind.TERMS_REVISION)


def parse_time(value: Any) -> dt.datetime | None:
    """A form's or the API's time: ISO 8601; without an offset it is Bangkok time. Returns UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    return moment.astimezone(dt.timezone.utc)


def local_input(moment: dt.datetime | None) -> str:
    """A UTC time as the value of a datetime-local input, in Bangkok time."""
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M") if moment else ""


@dataclass
class NoticeInput:
    kind: str = m.NoticeKind.GENERAL.value
    title_th: str = ""
    title_en: str = ""
    body_th: str = ""
    body_en: str = ""
    published_at: dt.datetime | None = None  # None: now (on create) or unchanged (on edit)
    pinned: bool = False
    terms_version: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    functions: Sequence[str] = ()
    recovers_id: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], functions: Sequence[str] | None = None) -> NoticeInput:
        """From a form or a JSON body; unparseable times or ids are field errors."""
        errors: dict[str, str] = {}
        times: dict[str, dt.datetime | None] = {}
        for name in ("published_at", "starts_at", "ends_at"):
            try:
                times[name] = parse_time(data.get(name))
            except (TypeError, ValueError):
                errors[name] = N_("Enter a date and time, like 2026-12-01 22:00.")
                times[name] = None
        recovers_id = data.get("recovers_id")
        try:
            recovers_id = int(recovers_id) if recovers_id not in (None, "") else None
            if recovers_id is not None and not in_range(recovers_id):
                raise ValueError(recovers_id)
        except (TypeError, ValueError):
            errors["recovers_id"] = N_("Choose the outage this notice recovers from.")
            recovers_id = None
        if errors:
            raise ValidationFailed(N_("Please correct the marked fields."), field_errors=errors)
        pinned = data.get("pinned")
        return cls(
            kind=str(data.get("kind") or ""), title_th=str(data.get("title_th") or ""),
            title_en=str(data.get("title_en") or ""), body_th=str(data.get("body_th") or ""),
            body_en=str(data.get("body_en") or ""), pinned=pinned is True or pinned in ("on", "true", "1"),
            terms_version=str(data.get("terms_version") or "") or None,
            functions=list(functions if functions is not None else data.get("functions") or ()),
            recovers_id=recovers_id, **times,
        )


@dataclass
class NoticePage:
    items: list[m.Notice]
    page: int
    pages: int
    total: int
    # outage id -> its published recovery; recovery id -> the outage it closes
    recoveries: dict[int, m.Notice] = field(default_factory=dict)
    outages: dict[int, m.Notice] = field(default_factory=dict)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def window_state(notice: m.Notice, now: dt.datetime) -> str | None:
    """"upcoming", "active" or "ended" for a maintenance window."""
    if notice.kind != m.NoticeKind.MAINTENANCE or notice.starts_at is None or notice.ends_at is None:
        return None
    if now < notice.starts_at:
        return "upcoming"
    return "active" if now < notice.ends_at else "ended"


class NoticeService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- reading ---------------------------------------------------------------------------
    async def page(self, now: dt.datetime, page: int = 1, per_page: int = PER_PAGE,
                   kind: m.NoticeKind | None = None) -> NoticePage:
        """Published notices, pinned first, then newest first, page by page."""
        where = [m.Notice.published_at <= now]
        if kind is not None:
            where.append(m.Notice.kind == kind)
        total = await self.session.scalar(select(func.count()).select_from(m.Notice).where(*where)) or 0
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        rows = list(await self.session.scalars(
            select(m.Notice).where(*where)
            .order_by(m.Notice.pinned.desc(), m.Notice.published_at.desc(), m.Notice.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        ))
        result = NoticePage(rows, page, pages, total)
        await self._link_outages(result, now)
        return result

    async def all_for_admin(self, now: dt.datetime, page: int = 1, per_page: int = 30) -> NoticePage:
        """Every notice, scheduled ones included, newest publish date first."""
        total = await self.session.scalar(select(func.count()).select_from(m.Notice)) or 0
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        rows = list(await self.session.scalars(
            select(m.Notice).order_by(m.Notice.published_at.desc(), m.Notice.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        ))
        result = NoticePage(rows, page, pages, total)
        await self._link_outages(result, now)
        return result

    async def _link_outages(self, result: NoticePage, now: dt.datetime) -> None:
        outage_ids = [n.id for n in result.items if n.kind == m.NoticeKind.OUTAGE]
        if outage_ids:
            for recovery in await self.session.scalars(select(m.Notice).where(
                m.Notice.kind == m.NoticeKind.RECOVERY, m.Notice.recovers_id.in_(outage_ids),
                m.Notice.published_at <= now,
            )):
                result.recoveries[recovery.recovers_id] = recovery  # type: ignore[index]
        recovered_ids = {n.recovers_id for n in result.items if n.recovers_id}
        if recovered_ids:
            for outage in await self.session.scalars(select(m.Notice).where(m.Notice.id.in_(recovered_ids))):
                result.outages[outage.id] = outage

    async def get(self, notice_id: int) -> m.Notice:
        notice = await self.session.get(m.Notice, notice_id)
        if notice is None:
            raise NotFound(N_("Notice not found."))
        return notice

    async def visible(self, notice_id: int, now: dt.datetime, viewer: m.User | None) -> m.Notice:
        """A notice as a reader may see it: scheduled notices are admins' only."""
        notice = await self.get(notice_id)
        if not notice.is_published(now) and not (viewer and viewer.is_admin):
            raise NotFound(N_("Notice not found."))
        return notice

    async def related(self, notice: m.Notice, now: dt.datetime) -> m.Notice | None:
        """An outage's published recovery, or the outage a recovery closes."""
        if notice.kind == m.NoticeKind.OUTAGE:
            return await self.session.scalar(select(m.Notice).where(
                m.Notice.kind == m.NoticeKind.RECOVERY, m.Notice.recovers_id == notice.id, m.Notice.published_at <= now,
            ).limit(1))
        if notice.recovers_id:
            return await self.session.get(m.Notice, notice.recovers_id)
        return None

    async def feed(self, now: dt.datetime, limit: int = FEED_SIZE) -> list[m.Notice]:
        return list(await self.session.scalars(
            select(m.Notice).where(m.Notice.published_at <= now)
            .order_by(m.Notice.published_at.desc(), m.Notice.id.desc()).limit(limit)
        ))

    async def open_outages(self) -> list[m.Notice]:
        """Outages no recovery notice closes yet (for the admin's recovery form)."""
        recovered = select(m.Notice.recovers_id).where(m.Notice.kind == m.NoticeKind.RECOVERY,
                                                        m.Notice.recovers_id.is_not(None))
        return list(await self.session.scalars(
            select(m.Notice).where(m.Notice.kind == m.NoticeKind.OUTAGE, m.Notice.id.not_in(recovered))
            .order_by(m.Notice.published_at.desc())
        ))

    # -- writing ---------------------------------------------------------------------------
    async def create(self, data: NoticeInput, author: m.User, now: dt.datetime) -> m.Notice:
        notice = m.Notice(author_id=author.id)
        await self._apply(notice, data, now)
        self.session.add(notice)
        await self.session.flush()
        return notice

    async def update(self, notice: m.Notice, data: NoticeInput, now: dt.datetime) -> m.Notice:
        await self._apply(notice, data, now)
        await self.session.flush()
        return notice

    async def delete(self, notice: m.Notice) -> None:
        await self.session.execute(update(m.Notice).where(m.Notice.recovers_id == notice.id).values(recovers_id=None))
        await self.session.execute(delete(m.Notice).where(m.Notice.id == notice.id))

    async def end_window(self, notice: m.Notice, now: dt.datetime) -> m.Notice:
        """Reopen now what the window closes (or cancel a window that has not begun)."""
        state = self._window_or_error(notice, now)
        assert notice.starts_at is not None
        if state == "upcoming":
            notice.starts_at = now
        notice.ends_at = now
        await self.session.flush()
        return notice

    async def extend_window(self, notice: m.Notice, minutes: int, now: dt.datetime) -> m.Notice:
        self._window_or_error(notice, now)
        if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
            raise ValidationFailed(N_("Extend by 1 minute to 7 days."),
                                   field_errors={"minutes": N_("Extend by 1 minute to 7 days.")})
        assert notice.ends_at is not None
        notice.ends_at = notice.ends_at + dt.timedelta(minutes=minutes)
        await self.session.flush()
        return notice

    def _window_or_error(self, notice: m.Notice, now: dt.datetime) -> str:
        state = window_state(notice, now)
        if state is None:
            raise ValidationFailed(N_("Only a maintenance notice has a window."))
        if state == "ended":
            raise ValidationFailed(N_("This window has already ended."))
        return state

    async def _apply(self, notice: m.Notice, data: NoticeInput, now: dt.datetime) -> None:
        errors: dict[str, str] = {}
        try:
            kind = m.NoticeKind(data.kind)
        except ValueError:
            errors["kind"] = N_("Choose the kind of notice.")
            kind = m.NoticeKind.GENERAL
        texts = {name: (getattr(data, name) or "").strip() for name in ("title_th", "title_en", "body_th", "body_en")}
        if not (texts["title_th"] or texts["title_en"]):
            errors["title_th"] = N_("Write the title and message in Thai, English or both.")
        for lang in ("th", "en"):
            title, body = texts[f"title_{lang}"], texts[f"body_{lang}"]
            if title and not body:
                errors[f"body_{lang}"] = N_("Write the message in the same language as the title.")
            elif body and not title:
                errors[f"title_{lang}"] = N_("Give the message a title in the same language.")
            if len(title) > TITLE_MAX:
                errors[f"title_{lang}"] = N_("Title must be at most 200 characters.")
            if len(body) > BODY_MAX:
                errors[f"body_{lang}"] = N_("Message must be at most 20,000 characters.")
        terms_version = (data.terms_version or "").strip() or None
        if terms_version and len(terms_version) > TERMS_VERSION_MAX:
            errors["terms_version"] = N_("A terms version is at most 20 characters.")
        if kind == m.NoticeKind.TERMS_REVISION and not terms_version:
            errors["terms_version"] = N_("Give the terms version this notice announces.")
        functions: list[str] = []
        for name in data.functions:
            try:
                functions.append(m.BoardFunction(name).value)
            except ValueError:
                errors["functions"] = N_("Choose functions from the list.")
        functions = [f.value for f in m.BoardFunction if f.value in functions]  # stable order, no repeats
        starts_at, ends_at, recovers_id = data.starts_at, data.ends_at, None
        if kind == m.NoticeKind.MAINTENANCE:
            if starts_at is None:
                errors["starts_at"] = N_("Give the start and end of the window.")
            if ends_at is None:
                errors["ends_at"] = N_("Give the start and end of the window.")
            elif starts_at is not None and ends_at <= starts_at:
                errors["ends_at"] = N_("The window must end after it starts.")
            if not functions and "functions" not in errors:
                errors["functions"] = N_("Choose at least one function the window closes.")
        elif kind == m.NoticeKind.OUTAGE:
            ends_at = None
            if not functions and "functions" not in errors:
                errors["functions"] = N_("Choose at least one disrupted function.")
        else:
            starts_at = ends_at = None
            functions = []
        if kind == m.NoticeKind.RECOVERY:
            recovers_id = data.recovers_id
            outage = await self.session.get(m.Notice, recovers_id) if recovers_id else None
            if outage is None or outage.kind != m.NoticeKind.OUTAGE:
                errors["recovers_id"] = N_("Choose the outage this notice recovers from.")
            else:
                others = select(m.Notice.id).where(m.Notice.kind == m.NoticeKind.RECOVERY,
                                                   m.Notice.recovers_id == outage.id)
                if notice.id is not None:
                    others = others.where(m.Notice.id != notice.id)
                if await self.session.scalar(others.limit(1)):
                    errors["recovers_id"] = N_("That outage already has a recovery notice.")
                functions = [f for f in outage.functions.split(",") if f]  # shown as recovered
        if errors:
            raise ValidationFailed(N_("Please correct the marked fields."), field_errors=errors)
        if data.published_at is not None:
            notice.published_at = data.published_at
        elif notice.published_at is None:
            notice.published_at = now
        notice.kind = kind
        for name, value in texts.items():
            setattr(notice, name, value)
        notice.pinned = bool(data.pinned)
        notice.terms_version = terms_version
        notice.starts_at, notice.ends_at = starts_at, ends_at
        notice.functions = ",".join(functions)
        notice.recovers_id = recovers_id
