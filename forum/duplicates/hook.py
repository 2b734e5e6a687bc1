"""The duplicate check on the one posting path (`forum.app.default_post_hooks`), where the app
keeps its per-process index, and the start-up that builds it (or loads the snapshot)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..services.posting import Draft
from . import stored
from .service import DuplicateService, LiveIndex
from .snapshot import SnapshotStore

log = logging.getLogger(__name__)
STATE_KEY = "duplicate_index"
ANALYSIS_NOTE = "duplicate_analysis"  # (version, stored bytes) of the text, from before_save to after_save


class DuplicateHook:
    """Before a new thread is saved: a near-certain duplicate (the author's own thread, or any
    thread above the admin threshold) is refused with the matches (409) unless the author says
    how the question differs; the same text in another category is refused outright. The reason
    and the thread it differs from are kept on the new thread."""

    def __init__(self, live: LiveIndex | None = None) -> None:
        self.live = live or LiveIndex()

    async def before_save(self, session: AsyncSession, draft: Draft) -> None:
        if draft.action == "edit" and draft.post is not None and draft.post.is_opening:
            # the thread's new text: its stored analysis is replaced in after_save (no check)
            draft.notes[ANALYSIS_NOTE] = self.live.stored_analysis(draft.title or "", draft.body)
            return
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
        draft.notes[ANALYSIS_NOTE] = self.live.stored_analysis(draft.title or "", draft.body)

    async def after_save(self, session: AsyncSession, draft: Draft, post: m.Post) -> None:
        """Keeps the analysis of the text with the thread, in this transaction (see
        `forum.duplicates.stored`): the other processes' catch-ups read it instead of analysing
        the text again."""
        prepared = draft.notes.get(ANALYSIS_NOTE)
        if prepared is not None and post.is_opening:
            await stored.save(session, post.thread_id, *prepared, new=draft.action == "thread")


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
# until it is done, rather than holding the server's start for minutes. With a snapshot in the
# data dir (written by the first process to build, or by `webboard duplicates rebuild`) the
# start-up work is a load of a few seconds at most, whichever way it runs.
BLOCKING_BUILD_UP_TO = 20_000


def snapshot_store(settings: Any) -> SnapshotStore | None:
    try:
        return SnapshotStore.for_settings(settings)
    except Exception:  # a database URL we cannot read, say: run without snapshots
        log.warning("duplicate index snapshots are off", exc_info=True)
        return None


async def build_index_on_startup(app: Litestar) -> None:
    """Builds this process's index, from the snapshot in the data dir when there is a good one,
    else from the database (a short-lived engine of its own; the request sessions keep it fresh
    afterwards)."""
    settings: Any = app.state.get("settings")
    if settings is None:
        return
    live = live_index(app.state)
    if live.store is None:
        live.store = snapshot_store(settings)
    try:
        size = await _count_threads(settings)
    except Exception:  # an unmigrated database, say: the first query builds it instead
        log.warning("duplicate index not built at start-up; it will be built on first use", exc_info=True)
        return
    if size <= BLOCKING_BUILD_UP_TO:
        await _build(app, settings)
    else:
        app.state["duplicate_index_build"] = asyncio.create_task(_build(app, settings))


async def save_index_on_shutdown(app: Litestar) -> None:
    """An `on_shutdown` hook: writes the snapshot if the index changed since it was written or
    loaded, so the next start reads as little as possible again. (Skipped while another process
    holds the lock: that one is writing a snapshot of the same database.)"""
    if (task := app.state.get(CATCH_UP_TASK_KEY)) is not None:
        task.cancel()
    live = live_index(app.state)
    if live.changes:
        await live.save_snapshot(wait=False)


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
    if app.state.get(FREEZE_AFTER_START_KEY):
        freeze_long_lived_objects()
    if app.state.get(CATCH_UP_KEY) and live_index(app.state).ready and (interval := catch_up_interval()) > 0:
        from ..notices.gate import app_session_maker

        from ..page_cache import HOME, store_for

        generations = store_for(settings.data_dir, settings.security.redis_url)
        app.state[CATCH_UP_TASK_KEY] = asyncio.create_task(
            keep_caught_up(live_index(app.state), lambda: app_session_maker(app)(), interval,
                           signal=lambda: generations.values((HOME,))))


# Set by the server's entry point (forum/asgi.py), not by apps made in tests.
FREEZE_AFTER_START_KEY = "freeze_gc_after_start"
CATCH_UP_KEY = "duplicate_catch_up_in_background"
CATCH_UP_TASK_KEY = "duplicate_catch_up_task"
CATCH_UP_ENV = "WEBBOARD_DUPLICATES_CATCH_UP_S"
# the last entry of ix_threads_content_changed_at: no thread hop (forum.sqlite_driver.ON_LOOP)
NEWEST_CHANGE = select(func.max(m.Thread.content_changed_at)).execution_options(sqlite_on_loop=True)


def catch_up_interval() -> float:
    """Seconds between background catch-ups (WEBBOARD_DUPLICATES_CATCH_UP_S, default 0.2; 0 turns them off)."""
    try:
        return max(0.0, float(os.environ.get(CATCH_UP_ENV, "0.2")))
    except ValueError:
        return 0.2


async def keep_caught_up(live: LiveIndex, session_maker: Callable[[], Any], interval: float,
                         signal: Callable[[], Awaitable[Any]] | None = None) -> None:
    """Keeps a server process's index caught up with the database between duplicate checks.

    A new thread's check first brings the index up to date (`LiveIndex.sync`), and on a server of
    several processes that meant analysing and indexing every thread the *other* processes had
    posted since this one's last check, inside the new thread's request: about a sixth of its
    CPU, on its latency. Here each process catches up every `interval` seconds on its own, so a
    check usually finds nothing left to read. The check still syncs before it queries, so what it
    sees is exactly what it saw before (this only moves the work earlier).

    Nothing is read while nothing changed: `signal` returns a value that moves whenever a thread is
    created, hidden, shown or moved (the page cache's "home" generation: a read of shared memory, or
    one Redis MGET), and only then is the newest `content_changed_at` read (the last entry of its
    index); the sync itself runs only when that is past the index's watermark (the sync re-reads
    the last 30 s of changed threads each time: milliseconds on a busy board). What the signal does
    not announce (an edit of an opening post) is left to the checks' own sync, as before."""
    seen: Any = None
    while True:
        await asyncio.sleep(interval)
        try:
            current = await signal() if signal is not None else None
            if signal is not None and current == seen:
                continue
            async with session_maker() as session:
                newest = await session.scalar(NEWEST_CHANGE)
                if newest is not None and (live.watermark is None or newest > live.watermark):
                    await live.sync(session)  # (late commits are left to the checks' own sync)
                    live.index.prepare()  # the tail's postings, built here rather than in the next check
            seen = current
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the next check syncs anyway; try again later
            log.warning("duplicate index: background catch-up failed", exc_info=True)
            await asyncio.sleep(min(30.0, interval * 50))


def freeze_long_lived_objects() -> None:
    """Moves what is alive once start-up is done (the index, the classifier, the segmenter's
    dictionary) out of the garbage collector's sight: one full collection over them takes about
    100 ms on a 100,000-thread board, a stall that lands on whichever page views are running."""
    gc.collect()
    gc.freeze()


async def rebuild_snapshot(settings: Any, progress: Callable[[int], Any] | None = None,
                           total: Callable[[int], Any] | None = None) -> LiveIndex:
    """`webboard duplicates rebuild`: builds the index from the database and writes the snapshot
    (waiting for a server process that is building one). `total` is told the number of threads
    first, `progress` the threads analysed after each batch."""
    from ..db import create_engine

    store = SnapshotStore.for_settings(settings)
    live = LiveIndex(store=store)
    engine = create_engine(settings.db)
    try:
        async with AsyncSession(engine) as session:
            if total is not None:
                total(await session.scalar(
                    select(func.count()).select_from(m.Thread)
                    .where(m.Thread.visibility == m.Visibility.PUBLISHED, m.Thread.duplicate_of_id.is_(None))
                ) or 0)
            await live.rebuild(session, progress=progress)
    finally:
        await engine.dispose()
    return live
