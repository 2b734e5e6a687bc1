"""The duplicate check on the one posting path (`forum.app.default_post_hooks`), and where the
app keeps its per-process index."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..services.posting import Draft
from .service import DuplicateService, LiveIndex

log = logging.getLogger(__name__)
STATE_KEY = "duplicate_index"


class DuplicateHook:
    """Before a new thread is saved: a near-certain duplicate (the author's own thread, or any
    thread above the admin threshold) is refused with the matches (409) unless the author says
    how the question differs; the same text in another category is refused outright. The reason
    and the thread it differs from are kept on the new thread."""

    def __init__(self, live: LiveIndex | None = None) -> None:
        self.live = live or LiveIndex()

    async def before_save(self, session: AsyncSession, draft: Draft) -> None:
        if draft.action != "thread":
            return
        service = DuplicateService(session, self.live)
        verdict, differs_from = await service.check_new_thread(
            draft.author, draft.title or "", draft.body, draft.category_id, draft.distinct_reason,
            draft.distinct_from_id,
        )
        if differs_from is None:  # nothing near-certain: no reason to keep
            draft.distinct_reason, draft.distinct_from_id = None, None
        else:
            draft.distinct_from_id = differs_from
        draft.notes["duplicates"] = {"verdict": verdict.kind, "matches": [(s.id, s.score) for s in verdict.matches]}

    async def after_save(self, session: AsyncSession, draft: Draft, post: m.Post) -> None:
        return None


def live_index(state: State) -> LiveIndex:
    """The app's index: the duplicate hook's when it is registered, else one kept in the state."""
    for hook in state.get("post_hooks") or ():
        if isinstance(hook, DuplicateHook):
            return hook.live
    if STATE_KEY not in state:
        state[STATE_KEY] = LiveIndex()
    return state[STATE_KEY]


# Up to this many threads the start-up build finishes before the first request; a larger board
# builds in the background (Thai segmentation costs about 1 ms a thread) and suggests nothing
# until it is done, rather than holding the server's start for minutes.
BLOCKING_BUILD_UP_TO = 20_000


async def build_index_on_startup(app: Litestar) -> None:
    """Builds this process's index from the database (a short-lived engine of its own; the
    request sessions keep it fresh afterwards)."""
    settings: Any = app.state.get("settings")
    if settings is None:
        return
    try:
        size = await _count_threads(settings)
    except Exception:  # an unmigrated database, say: the first query builds it instead
        log.warning("duplicate index not built at start-up; it will be built on first use", exc_info=True)
        return
    if size <= BLOCKING_BUILD_UP_TO:
        await _build(app, settings)
    else:
        app.state["duplicate_index_build"] = asyncio.create_task(_build(app, settings))


async def _count_threads(settings: Any) -> int:
    from ..db import create_engine

    engine = create_engine(settings.db)
    try:
        async with AsyncSession(engine) as session:
            return await session.scalar(select(func.count()).select_from(m.Thread)) or 0
    finally:
        await engine.dispose()


async def _build(app: Litestar, settings: Any) -> None:
    from ..db import create_engine

    engine = create_engine(settings.db)
    try:
        async with AsyncSession(engine) as session:
            await live_index(app.state).sync(session)
    except Exception:
        log.warning("duplicate index not built at start-up; it will be built on first use", exc_info=True)
    finally:
        await engine.dispose()
