"""The app's clock: one callable in `app.state.clock` returning the current time (aware, UTC).

The maintenance gate, the banner and the notices pages all read the time from here, so tests move
the clock (`app.state.clock = lambda: moment`) instead of sleeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from litestar.datastructures import State

Clock = Callable[[], dt.datetime]
STATE_KEY = "clock"
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no daylight saving time


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def clock_of(state: State) -> Clock:
    return state.get(STATE_KEY) or utcnow


def provide_now(state: State) -> dt.datetime:
    """Dependency `now`: the current time from the app's clock."""
    return clock_of(state)()
