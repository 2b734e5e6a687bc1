"""What every page needs to know about notices (maintenance windows, open outages, the latest
important notices), cached per process.

The banner is on every page and the maintenance gate runs on every request, so neither queries
the database: `NoticeBoard.snapshot()` reloads at most once per `ttl` seconds (monotonic time)
and each request evaluates the snapshot against the app's clock. A window therefore opens and
closes on the second, whatever the TTL; only an admin's change (a new notice, an early end, an
extension) takes up to `ttl` seconds to reach other worker processes. The process that made the
change drops its snapshot at once (`invalidate()`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..i18n import gettext
from .service import FUNCTION_LABELS, HOME_KINDS

log = logging.getLogger(__name__)

STATE_KEY = "notices_board"
DEFAULT_TTL = float(os.environ.get("WEBBOARD_NOTICES_TTL", "15"))
WHOLE_BOARD = m.BoardFunction.WHOLE_BOARD.value
HOME_COUNT = 3


@dataclass(frozen=True)
class NoticeInfo:
    """A notice as the banner and the gate see it (plain data, safe to share between requests)."""

    id: int
    kind: m.NoticeKind
    title_th: str
    title_en: str
    published_at: dt.datetime
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    functions: tuple[str, ...] = ()
    recovered_at: dt.datetime | None = None  # an outage's recovery publish date

    @classmethod
    def of(cls, notice: m.Notice, recovered_at: dt.datetime | None = None) -> NoticeInfo:
        return cls(notice.id, notice.kind, notice.title_th, notice.title_en, notice.published_at, notice.starts_at,
                   notice.ends_at, tuple(f for f in notice.functions.split(",") if f), recovered_at)

    def title(self, lang: str) -> str:
        return (self.title_en or self.title_th) if lang == "en" else (self.title_th or self.title_en)

    @property
    def url(self) -> str:
        return f"/notices/{self.id}"

    def labels(self) -> str:
        """The functions, translated, for the banner."""
        return ", ".join(gettext(FUNCTION_LABELS[m.BoardFunction(f)]) for f in self.functions)

    @property
    def whole_board(self) -> bool:
        return WHOLE_BOARD in self.functions

    def closes(self, function: str, write: bool) -> bool:
        """Whether this (active) window closes a request of `function`; see forum.notices.gate."""
        if function == "open":
            return False
        return self.whole_board or (write and function in self.functions)


@dataclass(frozen=True)
class Banner:
    """The snapshot at one moment: what the banner shows and what the gate closes."""

    now: dt.datetime
    active: tuple[NoticeInfo, ...] = ()
    upcoming: tuple[NoticeInfo, ...] = ()
    outages: tuple[NoticeInfo, ...] = ()
    important: tuple[NoticeInfo, ...] = ()

    @property
    def shown(self) -> bool:
        return bool(self.active or self.upcoming or self.outages)

    def closing_window(self, function: str, write: bool) -> NoticeInfo | None:
        """The active window that closes this request, the one ending last if several do."""
        closing = [w for w in self.active if w.closes(function, write)]
        return max(closing, key=lambda w: w.ends_at) if closing else None  # type: ignore[arg-type,return-value]

    @property
    def closed_functions(self) -> dict[str, NoticeInfo]:
        closed: dict[str, NoticeInfo] = {}
        for window in sorted(self.active, key=lambda w: w.ends_at):  # type: ignore[arg-type,return-value]
            names = [f.value for f in m.BoardFunction] if window.whole_board else window.functions
            for name in names:
                closed[name] = window
        return closed


@dataclass(frozen=True)
class Snapshot:
    windows: tuple[NoticeInfo, ...] = ()  # maintenance windows not ended when loaded
    outages: tuple[NoticeInfo, ...] = ()  # outages without a recovery published when loaded
    important: tuple[NoticeInfo, ...] = ()  # home-page candidates, scheduled ones included

    def banner(self, now: dt.datetime) -> Banner:
        published = [w for w in self.windows if w.published_at <= now and w.ends_at and now < w.ends_at]
        return Banner(
            now=now,
            active=tuple(w for w in published if w.starts_at and w.starts_at <= now),
            upcoming=tuple(w for w in published if w.starts_at and now < w.starts_at),
            outages=tuple(o for o in self.outages
                          if o.published_at <= now and (o.recovered_at is None or now < o.recovered_at)),
            important=tuple(n for n in self.important if n.published_at <= now)[:HOME_COUNT],
        )


async def load_snapshot(session: AsyncSession, now: dt.datetime) -> Snapshot:
    N = m.Notice
    windows = await session.scalars(
        select(N).where(N.kind == m.NoticeKind.MAINTENANCE, N.ends_at > now).order_by(N.starts_at).limit(50)
    )
    recoveries = {r.recovers_id: r.published_at for r in await session.scalars(
        select(N).where(N.kind == m.NoticeKind.RECOVERY, N.recovers_id.is_not(None))
        .where(N.recovers_id.in_(select(N.id).where(N.kind == m.NoticeKind.OUTAGE)))
    )}
    outages = [o for o in await session.scalars(
        select(N).where(N.kind == m.NoticeKind.OUTAGE).order_by(N.published_at.desc()).limit(200)
    ) if recoveries.get(o.id) is None or recoveries[o.id] > now]
    homeworthy = (N.kind.in_(HOME_KINDS)) | N.pinned.is_(True)
    scheduled = await session.scalars(
        select(N).where(homeworthy, N.published_at > now).order_by(N.published_at, N.id).limit(10)
    )
    latest = await session.scalars(
        select(N).where(homeworthy, N.published_at <= now).order_by(N.published_at.desc(), N.id.desc()).limit(HOME_COUNT)
    )
    important = sorted([*scheduled, *latest], key=lambda n: (n.published_at, n.id), reverse=True)
    return Snapshot(
        windows=tuple(NoticeInfo.of(w) for w in windows),
        outages=tuple(NoticeInfo.of(o, recoveries.get(o.id)) for o in outages[:20]),
        important=tuple(NoticeInfo.of(n) for n in important),
    )


class NoticeBoard:
    """The per-process cache of the snapshot (one per app, in `app.state.notices_board`)."""

    def __init__(self, ttl: float = DEFAULT_TTL) -> None:
        self.ttl = ttl
        self._snapshot: Snapshot | None = None
        self._loaded_at = 0.0
        self._lock: asyncio.Lock | None = None
        self._generation = 0
        self.loads = 0  # how many times the database was asked (tests check the cache works)

    def invalidate(self) -> None:
        self._snapshot = None
        self._generation += 1  # a load already under way must not store what it read

    def _fresh(self) -> Snapshot | None:
        if self._snapshot is not None and time.monotonic() - self._loaded_at < self.ttl:
            return self._snapshot
        return None

    async def snapshot(self, session_maker: Callable[[], AsyncSession], now: dt.datetime) -> Snapshot:
        if (snapshot := self._fresh()) is not None:
            return snapshot
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if (snapshot := self._fresh()) is not None:
                return snapshot
            generation = self._generation
            try:
                async with session_maker() as session:
                    snapshot = await load_snapshot(session, now)
            except SQLAlchemyError:
                log.exception("could not load notices; keeping the last known ones")
                return self._snapshot or Snapshot()
            self.loads += 1
            if generation == self._generation:
                self._snapshot, self._loaded_at = snapshot, time.monotonic()
            return snapshot
