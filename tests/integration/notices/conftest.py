"""Notices fixtures: a clock the tests move (the app reads `app.state.clock`), and a notice builder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import models as m

UTC = dt.timezone.utc


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def move_to(self, moment: dt.datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(app) -> Clock:
    start = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    app.state.clock = clock = Clock(start)
    return clock


@pytest.fixture
def board(app):
    return app.state.notices_board


@pytest.fixture
def make_notice(db, clock):
    async def make(kind: m.NoticeKind = m.NoticeKind.GENERAL, title: str = "ประกาศ", *, published_at: dt.datetime | None = None,
                   **fields: Any) -> m.Notice:
        fields.setdefault("title_th", title)
        fields.setdefault("body_th", f"รายละเอียด {title}")
        if isinstance(fields.get("functions"), (list, tuple)):
            fields["functions"] = ",".join(f.value if isinstance(f, m.BoardFunction) else f for f in fields["functions"])
        notice = m.Notice(kind=kind, published_at=published_at or clock.now - dt.timedelta(minutes=1), **fields)
        db.add(notice)
        await db.commit()
        return notice

    return make


@pytest.fixture
def make_window(make_notice, clock):
    """A published maintenance window starting `starts_in` from now and lasting `hours`."""

    async def make(*functions: str, starts_in: dt.timedelta = dt.timedelta(hours=1), hours: float = 2,
                   title: str = "ปิดปรับปรุงระบบ") -> m.Notice:
        start = clock.now + starts_in
        return await make_notice(m.NoticeKind.MAINTENANCE, title, title_en="Server maintenance",
                                 body_en="We upgrade the servers.", starts_at=start,
                                 ends_at=start + dt.timedelta(hours=hours), functions=list(functions))

    return make
