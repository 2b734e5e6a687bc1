"""Duplicate detection on the board: the per-process index kept in step with the database, the
admin thresholds, suggestions while composing, the verdict on a new thread, and closing a thread
as a duplicate of another.

The engine (`forum.duplicates.index.DuplicateIndex`) holds the published threads of this server
process in memory. Before every query the index reads the threads changed since its watermark
(`threads.content_changed_at`, indexed), so every worker sees the same threads and a thread is
findable by the next query after its transaction commits. That column moves only when what the
index holds of a thread can change (creation, title, opening post, visibility, category, author,
duplicate_of; database triggers keep it, revision 0016_newthread): a reply moves the thread's
`updated_at`, not it, so replies cost the next check nothing. Suggestions are checked against
the database before they are shown: only published threads, not closed as duplicates, in
categories the viewer may read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from ..access import access_problem
from ..errors import Conflict, NotFound, ValidationFailed
from ..i18n import N_
from ..services.posting import bump_reply_count
from . import stored
from .features import Analyzer
from .index import DUPLICATE_THRESHOLD, DuplicateIndex
from .snapshot import SnapshotStore, Versions, analyzer_version, micros

log = logging.getLogger(__name__)

PUBLISHED = m.Visibility.PUBLISHED

# The matches' rows for the verdict, built once with an expanding parameter: a new thread's check
# built and cache-keyed the ORM select each time, which cost more CPU than running it. Each row
# carries its category's access level, and the viewer's gate is applied to the rows
# (`DuplicateService._rows`, with `access_problem`, as `hidden_category_ids` applies it to every
# gated category): one statement a round instead of a read of the gated categories first.
_T, _C, _MARK = m.Thread.__table__, m.Category.__table__, m.DuplicateAnswerMark.__table__
MATCH_ROWS = (  # (at most a few dozen rows by key: run without a thread hop, forum.sqlite_driver.ON_LOOP)
    select(_T.c.id, _T.c.title, _T.c.category_id, _T.c.reply_count, _T.c.kind, _T.c.author_id, _C.c.slug,
           _C.c.name_th, _C.c.name_en, _MARK.c.answered_at, _MARK.c.accepted_post_id, _C.c.access)
    .join(_C, _C.c.id == _T.c.category_id)
    .outerjoin(_MARK, _MARK.c.thread_id == _T.c.id)
    .where(_T.c.id.in_(bindparam("match_ids", expanding=True)), _T.c.visibility == PUBLISHED,
           _T.c.duplicate_of_id.is_(None))
    .execution_options(sqlite_on_loop=True)
)
SETTINGS_KEY = "duplicates"
MAX_SUGGESTIONS = 5
QUERY_BODY_CHARS = 4000  # enough of a body to find its twin; keeps a query's cost bounded
MIN_REASON_CHARS = 5


# -- admin settings -----------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicateSettings:
    """Score thresholds (0..1, engine cosine scores), edited on /admin/duplicates."""

    suggest_threshold: float = 0.20  # shown while composing
    repost_threshold: float = 0.45  # the member's own thread: stop and ask
    duplicate_threshold: float = DUPLICATE_THRESHOLD  # anybody's thread: stop and ask
    crosspost_threshold: float = 0.90  # the same text in another category: refused

    @classmethod
    def from_value(cls, value: Any) -> DuplicateSettings:
        known = {f.name for f in fields(cls)}
        stored = {k: float(v) for k, v in (value or {}).items() if k in known and isinstance(v, (int, float))}
        return cls(**stored)

    def value(self) -> dict[str, float]:
        return asdict(self)


SETTING_LABELS = {
    "suggest_threshold": N_("Show as similar while composing from"),
    "repost_threshold": N_("Same author reposting: ask before posting from"),
    "duplicate_threshold": N_("Near-certain duplicate: ask before posting from"),
    "crosspost_threshold": N_("Same text in another category: refuse from"),
}


def parse_settings(form: dict[str, Any]) -> DuplicateSettings:
    """Thresholds from a form or JSON body; ValidationFailed names each bad field."""
    errors: dict[str, str] = {}
    values: dict[str, float] = {}
    for name in SETTING_LABELS:
        raw = form.get(name)
        try:
            number = float(str(raw).strip().replace(",", "."))
        except (TypeError, ValueError):
            errors[name] = N_("Enter a number between 0 and 1.")
            continue
        if not 0.0 <= number <= 1.0:
            errors[name] = N_("Enter a number between 0 and 1.")
        values[name] = round(number, 4)
    if not errors:
        order = ["suggest_threshold", "repost_threshold", "duplicate_threshold", "crosspost_threshold"]
        for lower, higher in zip(order, order[1:]):
            if values[lower] > values[higher]:
                errors[higher] = N_("Each threshold must be at least the one above it.")
    if errors:
        raise ValidationFailed(N_("Please correct the marked fields."), field_errors=errors)
    return DuplicateSettings(**values)


_SETTING_VALUE = (select(m.SiteSetting.__table__.c.value).where(m.SiteSetting.__table__.c.key == bindparam("settings_key"))
                  .execution_options(sqlite_on_loop=True))  # a point read: no thread hop (forum.sqlite_driver)


async def load_settings(session: AsyncSession) -> DuplicateSettings:
    value = await session.scalar(_SETTING_VALUE, {"settings_key": SETTINGS_KEY})  # every new thread: built once
    return DuplicateSettings.from_value(value)


async def save_settings(session: AsyncSession, settings: DuplicateSettings) -> DuplicateSettings:
    row = await session.scalar(select(m.SiteSetting).where(m.SiteSetting.key == SETTINGS_KEY))
    if row is None:
        session.add(m.SiteSetting(key=SETTINGS_KEY, value=settings.value()))
    else:
        row.value = settings.value()
    await session.flush()
    return settings


# -- the per-process index -----------------------------------------------------------------
@lru_cache(maxsize=1)
def shared_analyzer() -> Analyzer:
    """One analyzer (vocabulary, segmenter) per process, shared by every index."""
    return Analyzer()


@lru_cache(maxsize=1)
def _shared_version() -> str:
    return analyzer_version(shared_analyzer(), body_chars=QUERY_BODY_CHARS)  # = LiveIndex().version()


async def refresh_stored_analysis(session: AsyncSession, thread_id: int, title: str, body: str) -> None:
    """Replaces a thread's stored analysis (`forum.duplicates.stored`) after its title or opening
    post changed outside the posting hooks (moderation's edit and approve), with the shared
    analyzer's analysis of the new text. (A stale row would not be used anyway: its text digest
    no longer matches.)"""
    body = (body or "")[:QUERY_BODY_CHARS]
    data = stored.encode(shared_analyzer().analyze(title, body), title, body)
    await stored.save(session, thread_id, _shared_version(), data, new=False)


class RecentAnalyses:
    """An analyzer that remembers its last few results: a new thread's text is analysed for its
    duplicate check, and the same text again when the next catch-up of this process adds the
    thread to the index (and a check's extra query rounds analyse it again too). The analysis is
    a function of (title, body) alone, so a remembered one is the one a new call would give.
    Everything else is the wrapped analyzer's."""

    SIZE = 64

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        # lru_cache is thread-safe: the start-up build analyses in a worker thread
        self._cached = lru_cache(maxsize=self.SIZE)(analyzer.analyze)

    def analyze(self, title: str, body: str = "") -> Any:
        return self._cached(title, body)

    def __getattr__(self, name: str) -> Any:  # only for names not set in __init__
        if name in ("analyzer", "_cached"):
            raise AttributeError(name)
        return getattr(self.analyzer, name)


class LiveIndex:
    """A `DuplicateIndex` of the published threads, built from the database and refreshed from
    it before each query (`sync`). One per app, i.e. per server process.

    With a `SnapshotStore` (the app sets one at start-up, see `hook.build_index_on_startup`) the
    first build is saved to the data dir and later starts load it instead of analysing every
    thread again: the processes take turns on the store's lock, the first one builds (or loads)
    and writes, the others wait and load. A loaded index is reconciled with the database (threads
    whose `content_changed_at` differs from the version in the snapshot are read again, threads
    no longer published are dropped) and then caught up by the normal sync. The snapshot is
    written again now and then (`SNAPSHOT_*` below) so that restarts stay cheap."""

    # Rows whose content_changed_at is this close to the watermark are read again at each sync:
    # a transaction that flushed before the watermark but committed after it is not missed.
    OVERLAP = dt.timedelta(seconds=30)
    FINGERPRINTS = 20_000  # threads whose indexed text is remembered (replies skip re-analysis)
    REFRESH_NORMS_UP_TO = 10_000
    # The snapshot is written again (in the background, by whichever process gets the lock) once
    # this many threads were re-indexed or dropped since it was written or loaded, at most every
    # SNAPSHOT_MIN_SECONDS; and after SNAPSHOT_MAX_SECONDS when anything changed at all.
    SNAPSHOT_EVERY_CHANGES = 1000
    SNAPSHOT_MIN_SECONDS = 300.0
    SNAPSHOT_MAX_SECONDS = 1800.0

    def __init__(self, analyzer: Analyzer | None = None, store: SnapshotStore | None = None) -> None:
        self.index = DuplicateIndex(RecentAnalyses(analyzer or shared_analyzer()))
        self.ready = False
        self.watermark: dt.datetime | None = None
        self.recent: dict[int, dt.datetime] = {}  # id -> content_changed_at, rows inside the overlap
        self.fingerprints: OrderedDict[int, int] = OrderedDict()
        self.built_at: dt.datetime | None = None
        self.store = store
        self.versions = Versions()  # id -> content_changed_at of the row whose text is indexed
        self.changes = 0  # threads re-indexed or dropped since the snapshot was written or loaded
        self.rows_read = 0  # threads read again by catch-ups and reconciliations (a statistic)
        self.analysed = 0  # of them, threads whose text was analysed (statistics, as rows_read) ...
        self.stored_used = 0  # ... and threads added from the analysis stored with them
        self._version: tuple[Any, str] | None = None
        self.snapshot: dict[str, Any] | None = None  # header of the last snapshot written or loaded
        self.loaded_from_snapshot = False
        self._snapshot_clock = time.monotonic()
        self._snapshot_task: asyncio.Task[Any] | None = None
        self._lock = asyncio.Lock()

    async def sync(self, session: AsyncSession) -> None:
        """Brings the index up to date with the database: one indexed query when nothing
        changed, plus one read of the changed threads when something did. While a background
        build is running it returns at once, and the index stays not `ready`."""
        if not self.ready and self._lock.locked():
            return
        async with self._lock:
            if not self.ready:
                await self._start(session)
            await self._catch_up(session)
        self._maybe_refresh_snapshot()

    async def _catch_up(self, session: AsyncSession) -> None:
        assert self.watermark is not None
        since = self.watermark - self.OVERLAP
        rows = (await session.execute(CHANGED_SINCE, {"since": since})).all()
        changed = [row.id for row in rows if self.recent.get(row.id) != row.changed_at]
        changes_before = self.changes
        for start in range(0, len(changed), 500):
            await self._apply(session, changed[start:start + 500])
        # Only when the index itself changed: an edit that kept the indexed text (a body past
        # QUERY_BODY_CHARS, say) leaves the same fingerprint, and refreshing the norms with an
        # unchanged index gives the same norms again.
        self._refresh_norms(self.changes != changes_before)
        for row in rows:
            self.recent[row.id] = row.changed_at
            if row.changed_at > self.watermark:
                self.watermark = row.changed_at
        floor = self.watermark - self.OVERLAP
        self.recent = {i: at for i, at in self.recent.items() if at >= floor}

    def _refresh_norms(self, changed: bool) -> None:
        if changed and len(self.index) <= self.REFRESH_NORMS_UP_TO:
            # Rows added one by one keep the norm computed with the IDF of that moment; on a
            # small board the IDF still moves a lot, so refresh them (milliseconds at this size).
            self.index.optimize()

    async def rebuild(self, session: AsyncSession, progress: Callable[[int], Any] | None = None) -> None:
        """Builds the index from the database again (and writes the snapshot, with a store).
        `progress` is called with the number of threads analysed after each batch."""
        async with self._lock:
            self._reset()
            if self.store is None:
                await self._build(session, progress=progress)
                return
            async with self.store.lock():
                await self._build(session, progress=progress)
                await self._save_now()

    def _reset(self) -> None:
        self.index = DuplicateIndex(self.index.analyzer, threshold=self.index.threshold)
        self.ready = False
        self.fingerprints.clear()
        self.versions = Versions()
        self.changes = 0
        self.loaded_from_snapshot = False

    async def _start(self, session: AsyncSession) -> None:
        """The first build of this process: from the snapshot when there is a good one, else
        from the database (then saved for the next processes)."""
        if self.store is None or not self.store.usable():
            await self._build(session)
            return
        async with self.store.lock():  # another process building? wait here, then load its work
            try:
                if await self._load(session):
                    if self.changes >= self.SNAPSHOT_EVERY_CHANGES:  # an old snapshot: save the catch-up
                        await self._save_now()
                    return
            except Exception:
                log.warning("duplicate index snapshot could not be applied; building from the database",
                            exc_info=True)
                self._reset()
            await self._build(session)
            await self._save_now()

    async def _build(self, session: AsyncSession, chunk: int = 5000,
                     progress: Callable[[int], Any] | None = None) -> None:
        started = time.perf_counter()
        newest = await session.scalar(select(func.max(m.Thread.content_changed_at)))
        self.watermark = newest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        floor = self.watermark - self.OVERLAP
        query = (
            select(m.Thread.id, m.Thread.category_id, m.Thread.title, m.Post.body_raw, m.Thread.author_id,
                   m.Thread.content_changed_at)
            .join(m.Post, (m.Post.thread_id == m.Thread.id) & m.Post.is_opening.is_(True))
            .where(m.Thread.visibility == PUBLISHED, m.Thread.duplicate_of_id.is_(None))
            .order_by(m.Thread.id)
        )
        ids: list[int] = []
        versions: list[int] = []
        self.recent = {}
        last_id = 0
        while True:  # keyset batches: no server-side cursor held across the analysis
            batch = (await session.execute(query.where(m.Thread.id > last_id).limit(chunk))).all()
            if not batch:
                break
            rows = [(r.id, str(r.category_id), r.title, (r.body_raw or "")[:QUERY_BODY_CHARS], r.author_id)
                    for r in batch]
            await asyncio.to_thread(self.index.build, rows, False)
            for r in batch:
                ids.append(r.id)
                versions.append(micros(r.content_changed_at))
                if r.content_changed_at >= floor:
                    # the version just read, not a later one: an edit committed during the build
                    # is then read again by the next sync
                    self.recent[r.id] = r.content_changed_at
            last_id = batch[-1].id
            if progress is not None:
                progress(len(batch))
        self.versions = Versions(np.array(ids, dtype=np.int64), np.array(versions, dtype=np.int64))
        self.changes = 0
        self.ready = True
        self.built_at = dt.datetime.now(dt.timezone.utc)
        log.info("duplicate index: built from the database, %d threads in %.1f s", len(self.index),
                 time.perf_counter() - started)

    async def _apply(self, session: AsyncSession, ids: list[int]) -> None:
        self.rows_read += len(ids)
        rows = (await session.execute(CHANGED_ROWS, {"changed_ids": list(ids)})).all()
        seen = set()
        version = self.version()
        for row in rows:
            seen.add(row.id)
            if row.visibility == PUBLISHED and row.duplicate_of_id is None and row.body_raw is not None:
                body = row.body_raw[:QUERY_BODY_CHARS]
                fingerprint = _fingerprint(row.category_id, row.author_id, row.title, body)
                self.versions.set(row.id, row.content_changed_at)
                if self.fingerprints.get(row.id) == fingerprint and row.id in self.index:
                    continue
                # the analysis the saving process stored with the thread, when it is of this
                # analyser and of this text (forum.duplicates.stored); else the text is analysed
                analysis = stored.decode(row.analysis, row.title, body) if row.analyzer == version else None
                if analysis is None:
                    self.index.add(row.id, str(row.category_id), row.title, body, author_id=row.author_id)
                    self.analysed += 1
                else:
                    self.index.add_analysis(row.id, str(row.category_id), analysis, author_id=row.author_id)
                    self.stored_used += 1
                self.changes += 1
                self.fingerprints[row.id] = fingerprint
                self.fingerprints.move_to_end(row.id)
                while len(self.fingerprints) > self.FINGERPRINTS:
                    self.fingerprints.popitem(last=False)
            else:
                self._forget(row.id)
        for thread_id in set(ids) - seen:  # gone from the database altogether
            self._forget(thread_id)

    def _forget(self, thread_id: int) -> None:
        if self.index.remove(thread_id):
            self.changes += 1
        self.fingerprints.pop(thread_id, None)
        self.versions.drop(thread_id)

    # -- the snapshot --------------------------------------------------------------------------
    def version(self) -> str:
        """The snapshot version this process writes and accepts (analysis code and vocabulary);
        also the version of the analyses it stores with threads and reads back (`stored`)."""
        analyzer = self.index.analyzer
        if self._version is None or self._version[0] is not analyzer:
            self._version = (analyzer, analyzer_version(analyzer, body_chars=QUERY_BODY_CHARS))
        return self._version[1]

    def stored_analysis(self, title: str, body: str) -> tuple[str, bytes]:
        """(version, bytes) of the analysis of a thread's text as the catch-ups of every process
        read it back (`forum.duplicates.stored`): the text as the index analyses it, through this
        index's analyzer, whose recent results include the duplicate check's analysis of the same
        text (so a new thread's text is not analysed again here)."""
        body = (body or "")[:QUERY_BODY_CHARS]
        return self.version(), stored.encode(self.index.analyzer.analyze(title, body), title, body)

    def _expected(self) -> dict[str, Any]:
        return {"threshold": self.index.threshold}

    async def _load(self, session: AsyncSession) -> bool:
        """Loads the snapshot and reconciles it with the database; False if there is none fit
        for use (nothing is changed then)."""
        assert self.store is not None
        started = time.perf_counter()
        found = await asyncio.to_thread(self.store.read, self.version(), self._expected())
        if found is None:
            return False
        header, payload = found
        try:
            index = await asyncio.to_thread(DuplicateIndex.from_state, payload["index"], self.index.analyzer)
            versions = Versions(*payload["versions"])
            watermark, recent = payload["watermark"], dict(payload["recent"])
            fingerprints = OrderedDict(payload["fingerprints"])
        except Exception as error:
            log.warning("duplicate index snapshot ignored: %s", error)
            return False
        if index.threshold != self.index.threshold or not isinstance(watermark, dt.datetime):
            return False
        self.index, self.versions, self.watermark, self.recent = index, versions, watermark, recent
        self.fingerprints = fingerprints
        self.changes = 0
        loaded = time.perf_counter()
        changed, dropped = await self._reconcile(session)
        self.ready = True
        self.loaded_from_snapshot = True
        self.built_at = dt.datetime.now(dt.timezone.utc)
        self.snapshot = header
        self._snapshot_clock = time.monotonic()
        log.info("duplicate index: loaded %d threads from %s in %.2f s; %d threads read again and %d dropped "
                 "in %.2f s", len(self.index), self.store.path(self.version()), loaded - started, changed, dropped,
                 time.perf_counter() - loaded)
        return True

    async def _reconcile(self, session: AsyncSession) -> tuple[int, int]:
        """Compares the loaded index with the database in one query: published threads whose
        version differs (edited, added, republished, or committed late with an older timestamp)
        are read again; indexed threads no longer published, or deleted outright, are dropped."""
        rows = (await session.execute(
            select(m.Thread.id, m.Thread.content_changed_at.label("changed_at"))
            .where(m.Thread.visibility == PUBLISHED, m.Thread.duplicate_of_id.is_(None))
        )).all()
        db_ids = np.fromiter((r.id for r in rows), dtype=np.int64, count=len(rows))
        db_at = np.fromiter((micros(r.changed_at) for r in rows), dtype=np.int64, count=len(rows))
        ids, at = self.versions.arrays()
        same = np.zeros(len(rows), dtype=bool)
        if len(ids):
            pos = np.minimum(np.searchsorted(ids, db_ids), len(ids) - 1)
            same = (ids[pos] == db_ids) & (at[pos] == db_at)
        indexed = np.fromiter(self.index.ids(), dtype=np.int64)
        gone = np.setdiff1d(indexed, db_ids, assume_unique=True).tolist()
        for thread_id in gone:
            self._forget(thread_id)
        changed = db_ids[~same].tolist()
        for start in range(0, len(changed), 500):
            await self._apply(session, changed[start:start + 500])
        self._refresh_norms(bool(changed or gone))
        assert self.watermark is not None
        newest = await session.scalar(select(func.max(m.Thread.content_changed_at)))
        if newest is not None and newest < self.watermark:  # the database went back (restored): follow it
            self.watermark = newest
        floor = self.watermark - self.OVERLAP
        for row in rows:  # now known to be current: the catch-up need not read them again
            if row.changed_at >= floor:
                self.recent[row.id] = row.changed_at
        return len(changed), len(gone)

    def _capture(self) -> tuple[dict[str, Any], dict[str, Any], int]:
        """What a snapshot holds, copied (the caller holds the lock): header, payload, and the
        change count it covers."""
        self.versions.compact()
        payload = {
            "index": self.index.to_state(),
            "versions": (self.versions.ids, self.versions.at),
            "watermark": self.watermark,
            "recent": dict(self.recent),
            "fingerprints": list(self.fingerprints.items()),
        }
        assert self.watermark is not None
        header = {"threads": len(self.index), "threshold": self.index.threshold,
                  "watermark": self.watermark.isoformat()}
        return header, payload, self.changes

    async def _write(self, header: dict[str, Any], payload: dict[str, Any], covered: int) -> dict[str, Any] | None:
        assert self.store is not None
        started = time.perf_counter()
        try:
            path, size = await asyncio.to_thread(self.store.write, self.version(), header, payload)
        except Exception:
            log.warning("duplicate index snapshot not written", exc_info=True)
            return None
        self.changes = max(0, self.changes - covered)
        self._snapshot_clock = time.monotonic()
        self.snapshot = {**header, "path": str(path), "bytes": size}
        log.info("duplicate index: snapshot of %d threads written to %s (%.1f MB) in %.2f s", header["threads"],
                 path, size / 1e6, time.perf_counter() - started)
        return self.snapshot

    async def _save_now(self) -> dict[str, Any] | None:
        """Writes the snapshot; the caller holds this index's lock and the store's."""
        return await self._write(*self._capture())

    async def save_snapshot(self, *, wait: bool = False) -> dict[str, Any] | None:
        """Writes the snapshot unless another process holds the lock (wait=False) or the file
        already covers this index's watermark; returns the header written, or None."""
        if self.store is None or not self.ready or not self.store.usable():
            return None
        async with self._lock:
            async with self.store.lock(wait=wait) as acquired:
                if not acquired or not self.ready:
                    return None
                on_disk = await asyncio.to_thread(self.store.read_header, self.version())
                if on_disk is not None and self._covers(on_disk):
                    self.changes, self._snapshot_clock = 0, time.monotonic()
                    return None
                captured = self._capture()
        return await self._write(*captured)  # pickling and writing outside the locks

    def _covers(self, header: dict[str, Any]) -> bool:
        """Whether a snapshot on disk already holds what this process would write."""
        assert self.store is not None
        try:
            watermark = dt.datetime.fromisoformat(header["watermark"])
            return (self.watermark is not None and header.get("database") == self.store.database
                    and header.get("threshold") == self.index.threshold and watermark >= self.watermark)
        except (KeyError, TypeError, ValueError):
            return False

    def _maybe_refresh_snapshot(self) -> None:
        if self.store is None or not self.ready or self.changes == 0:
            return
        if self._snapshot_task is not None and not self._snapshot_task.done():
            return
        elapsed = time.monotonic() - self._snapshot_clock
        if ((self.changes >= self.SNAPSHOT_EVERY_CHANGES and elapsed >= self.SNAPSHOT_MIN_SECONDS)
                or elapsed >= self.SNAPSHOT_MAX_SECONDS):
            self._snapshot_task = asyncio.get_running_loop().create_task(self._refresh_snapshot())

    async def _refresh_snapshot(self) -> None:
        try:
            await self.save_snapshot()
        except Exception:  # a full disk, say: the index itself is fine, try again later
            self._snapshot_clock = time.monotonic()
            log.warning("duplicate index snapshot not written", exc_info=True)

    def stats(self) -> dict[str, Any]:
        return {"threads": len(self.index), "memory_bytes": self.index.memory_bytes(), "ready": self.ready,
                "built_at": self.built_at, "watermark": self.watermark,
                "loaded_from_snapshot": self.loaded_from_snapshot, "snapshot": self.snapshot}


# The catch-up's one query when nothing changed (built once: it runs before every duplicate check).
# (Threads changed in the last half minute or so, on an index: a short read, run without a thread hop.)
CHANGED_SINCE = select(m.Thread.id, m.Thread.content_changed_at.label("changed_at")).where(
    m.Thread.content_changed_at >= bindparam("since")).execution_options(sqlite_on_loop=True)

# The catch-up's rows (run by a process's next check after any thread changed, in any process:
# on a served board, nearly every new thread), built once with an expanding parameter.
_PT, _TA = m.Post.__table__, m.ThreadAnalysis.__table__
CHANGED_ROWS = (
    select(_T.c.id, _T.c.category_id, _T.c.title, _T.c.author_id, _T.c.visibility, _T.c.duplicate_of_id,
           _T.c.content_changed_at, _PT.c.body_raw, _TA.c.analyzer, _TA.c.data.label("analysis"))
    .outerjoin(_PT, (_PT.c.thread_id == _T.c.id) & _PT.c.is_opening.is_(True))
    .outerjoin(_TA, _TA.c.thread_id == _T.c.id)
    .where(_T.c.id.in_(bindparam("changed_ids", expanding=True)))
)


def _fingerprint(category_id: Any, author_id: Any, title: str, body: str) -> int:
    """The indexed text of a thread, hashed the same way in every process (saved in snapshots)."""
    data = "\x1f".join((str(category_id), str(author_id), title or "", body)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


# -- suggestions and the verdict -----------------------------------------------------------
@dataclass(frozen=True)
class Similar:
    """A suggested thread, as shown to the viewer."""

    id: int
    title: str
    score: float
    category_id: int
    category_slug: str
    category_name_th: str
    category_name_en: str
    reply_count: int
    kind: str
    author_id: int
    answered: bool
    accepted: bool
    # (tenth pass) the pair verifier's verdict when this is the index's best match, else None
    verdict: float | None = None

    def json(self, viewer: m.User | None = None) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "url": f"/t/{self.id}", "score": self.score,
            "category": {"id": self.category_id, "slug": self.category_slug, "name_th": self.category_name_th,
                         "name_en": self.category_name_en},
            "reply_count": self.reply_count, "kind": self.kind, "answered": self.answered,
            "accepted": self.accepted, "yours": viewer is not None and viewer.id == self.author_id,
        }


VerdictKind = Literal["crosspost", "repost", "duplicate"]


@dataclass
class Verdict:
    """What the board makes of a new thread: the similar threads (best first) and, when one of
    them is a near-certain duplicate, which one and why."""

    matches: list[Similar]
    kind: VerdictKind | None = None
    duplicate: Similar | None = None

    def json(self, viewer: m.User | None = None) -> dict[str, Any]:
        return {"threads": [s.json(viewer) for s in self.matches], "verdict": self.kind,
                "duplicate_of": self.duplicate.id if self.duplicate else None}


VERDICT_MESSAGES: dict[VerdictKind, str] = {
    "crosspost": N_("The same topic is already posted in another category. Post a topic once, in the one "
                    "category that fits: go to the existing thread instead."),
    "repost": N_("You have already posted a thread like this one. Go to it, or say how this question differs."),
    "duplicate": N_("This looks like a thread that already exists. Go to it, or say how your question differs."),
}
REASON_NEEDED = N_("Say in a few words how your question differs.")


class DuplicateFound(Conflict):
    """A new thread refused as a near-certain duplicate (409). `extra` carries the verdict
    (threads, verdict, duplicate_of) for the JSON body and the form."""


class DuplicateService:
    def __init__(self, session: AsyncSession, live: LiveIndex) -> None:
        self.session = session
        self.live = live

    async def similar(self, viewer: m.User | None, title: str, body: str = "", *, k: int = MAX_SUGGESTIONS,
                      exclude_ids: tuple[int, ...] = (), min_score: float | None = None) -> list[Similar]:
        """Up to k threads like this text that the viewer may read, best first."""
        title, body = (title or "").strip(), (body or "").strip()[:QUERY_BODY_CHARS]
        if not title and not body:
            return []
        await self.live.sync(self.session)
        if not self.live.ready:  # a large board's start-up build is still running
            return []
        if min_score is None:
            min_score = (await load_settings(self.session)).suggest_threshold
        gate = _Gate(viewer)
        found: list[Similar] = []
        skipped: set[int] = set(exclude_ids)
        for _ in range(4):  # more rounds only when the database refused some of the index's hits
            want = k - len(found) + 5
            matches = self.live.index.query(title, body, k=want, exclude_ids=skipped | {s.id for s in found})
            matches = [x for x in matches if x.score >= min_score]
            rows = await self._rows([x.id for x in matches], gate)
            for match in matches:
                row = rows.get(match.id)
                if row is None:
                    skipped.add(match.id)
                elif len(found) < k:
                    found.append(_similar(row, match.score, match.verdict))
            if len(found) >= k or len(matches) < want:
                break
        return found

    async def verdict(self, author: m.User, title: str, body: str, category_id: int | None) -> Verdict:
        settings = await load_settings(self.session)
        floor = min(settings.suggest_threshold, settings.repost_threshold)
        matches = await self.similar(author, title, body, k=MAX_SUGGESTIONS * 2, min_score=floor)
        elsewhere = category_id is not None
        for kind, hit in (
            ("crosspost", lambda s: elsewhere and s.category_id != category_id and s.score >= settings.crosspost_threshold),
            ("repost", lambda s: s.author_id == author.id and s.score >= settings.repost_threshold),
            # the verifier's verdict on the index's best match; a match without one on its score
            ("duplicate", lambda s: (s.score if s.verdict is None else s.verdict) >= settings.duplicate_threshold),
        ):
            duplicate = next((s for s in matches if hit(s)), None)
            if duplicate is not None:
                shown = [duplicate] + [s for s in matches if s is not duplicate]
                return Verdict(shown[:MAX_SUGGESTIONS], kind, duplicate)  # type: ignore[arg-type]
        return Verdict([s for s in matches if s.score >= settings.suggest_threshold][:MAX_SUGGESTIONS])

    async def check_new_thread(self, author: m.User, title: str, body: str, category_id: int | None,
                               distinct_reason: str | None, distinct_from_id: int | None) -> tuple[Verdict, int | None]:
        """Raises DuplicateFound unless the thread may be posted; returns the verdict and the
        thread the author said it differs from (None when nothing was near-certain)."""
        verdict = await self.verdict(author, title, body, category_id)
        if verdict.kind is None or verdict.duplicate is None:
            return verdict, None
        reason = (distinct_reason or "").strip()
        if verdict.kind == "crosspost":
            raise DuplicateFound(VERDICT_MESSAGES["crosspost"], **verdict.json(author))
        if len(reason) < MIN_REASON_CHARS:
            field_errors = {"distinct_reason": REASON_NEEDED} if reason else {}
            raise DuplicateFound(VERDICT_MESSAGES[verdict.kind], field_errors=field_errors, **verdict.json(author))
        shown = {s.id for s in verdict.matches}
        return verdict, distinct_from_id if distinct_from_id in shown else verdict.duplicate.id

    async def _rows(self, ids: list[int], gate: _Gate) -> dict[int, Any]:
        """The rows of these threads that are published, not closed as duplicates and in a
        category the viewer may read."""
        if not ids:
            return {}
        rows = await self.session.execute(MATCH_ROWS, {"match_ids": list(ids)})
        return {row.id: row for row in rows.all() if gate.open(row.access)}

    # -- moderators ------------------------------------------------------------------------
    async def close_as_duplicate(self, thread_id: int, original_id: int | None, actor: m.User, *,
                                 move_replies: bool, now: dt.datetime) -> CloseResult:
        """Closes a thread as a duplicate of another (an admin's act) and, if asked, moves its
        replies into the original, keeping reply counts and last activity right on both."""
        thread = await self.session.get(m.Thread, thread_id)
        if thread is None or thread.visibility == m.Visibility.DELETED:
            raise NotFound(N_("Thread not found."))
        original = await self._original(thread, original_id)
        changed = False
        if thread.duplicate_of_id is None:
            result = await self.session.execute(
                update(m.Thread).where(m.Thread.id == thread.id, m.Thread.duplicate_of_id.is_(None))
                .values(duplicate_of_id=original.id, updated_at=now)
                .execution_options(synchronize_session="fetch")
            )
            if result.rowcount != 1:  # another admin closed it a moment ago
                raise Conflict(N_("This thread was just closed by someone else. Reload the page."))
            changed = True
        elif thread.duplicate_of_id != original.id:
            raise Conflict(N_("This thread is already closed as a duplicate of another thread."))
        moved: list[int] = []
        if move_replies:
            moved = await self._move_replies(thread, original, now)
        if changed or moved:
            await events.emit("thread.closed_as_duplicate", self.session, thread=thread, original=original,
                              actor=actor, moved_post_ids=moved)
        return CloseResult(thread=thread, original=original, changed=changed, moved=len(moved))

    async def _original(self, thread: m.Thread, original_id: int | None) -> m.Thread:
        invalid = ValidationFailed(N_("Choose the original thread."),
                                   field_errors={"original_id": N_("Enter the number of a published thread.")})
        if original_id is None:
            raise invalid
        original = await self.session.get(m.Thread, original_id)
        for _ in range(20):  # an original that was itself closed as a duplicate: follow to its own
            if original is None or original.duplicate_of_id is None:
                break
            original = await self.session.get(m.Thread, original.duplicate_of_id)
        if original is None or original.visibility != PUBLISHED:
            raise invalid
        if original.id == thread.id:
            raise ValidationFailed(N_("A thread cannot be a duplicate of itself."),
                                   field_errors={"original_id": N_("Choose another thread.")})
        return original

    async def _move_replies(self, thread: m.Thread, original: m.Thread, now: dt.datetime) -> list[int]:
        replies = (await self.session.execute(
            select(m.Post.id, m.Post.visibility).where(m.Post.thread_id == thread.id, m.Post.is_opening.is_(False))
        )).all()
        if not replies:
            return []
        published = sum(1 for r in replies if r.visibility == PUBLISHED)
        ids = [r.id for r in replies]
        await self.session.execute(
            update(m.Post).where(m.Post.id.in_(ids)).values(thread_id=original.id)
            .execution_options(synchronize_session="fetch")
        )
        if published:  # in SQL: replies posted to the original meanwhile keep their counts
            await bump_reply_count(self.session, thread, -published)
            await bump_reply_count(self.session, original, +published)
        for target in (thread, original):
            last = (await self.session.execute(
                select(m.Post.created_at, m.Post.author_id)
                .where(m.Post.thread_id == target.id, m.Post.visibility == PUBLISHED)
                .order_by(m.Post.created_at.desc(), m.Post.id.desc()).limit(1)
            )).first()
            if last is not None:
                target.last_activity_at, target.last_author_id = last.created_at, last.author_id
        # The original inherits the answered/accepted mark when it had none.
        marks = {mark.thread_id: mark for mark in (await self.session.scalars(
            select(m.DuplicateAnswerMark).where(m.DuplicateAnswerMark.thread_id.in_([thread.id, original.id]))
        )).all()}
        if thread.id in marks and original.id not in marks:
            marks[thread.id].thread_id = original.id
        await self.session.flush()
        return ids


class _Gate:
    """Whether a viewer may read a category of a given access level, asked once per level
    within one suggestion or check (`access_problem`, as `hidden_category_ids` asks it of each
    gated category): the same categories hidden as reading the gated ones first."""

    def __init__(self, viewer: m.User | None) -> None:
        self.viewer = viewer
        self._open: dict[Any, bool] = {}

    def open(self, access: Any) -> bool:
        verdict = self._open.get(access)
        if verdict is None:
            verdict = self._open[access] = access_problem(access, self.viewer) is None
        return verdict


@dataclass
class CloseResult:
    thread: m.Thread
    original: m.Thread
    changed: bool
    moved: int


def _similar(row: Any, score: float, verdict: float | None = None) -> Similar:
    return Similar(
        id=row.id, title=row.title, score=score, category_id=row.category_id, category_slug=row.slug,
        category_name_th=row.name_th, category_name_en=row.name_en, reply_count=row.reply_count,
        kind=row.kind.value if hasattr(row.kind, "value") else str(row.kind), author_id=row.author_id,
        answered=row.answered_at is not None, accepted=row.accepted_post_id is not None, verdict=verdict,
    )


# -- answered/accepted marks, from Ask Guru's events ------------------------------------------
async def _upsert_mark(session: AsyncSession, thread_id: int, now: dt.datetime) -> None:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(m.DuplicateAnswerMark).values(thread_id=thread_id, answered_at=now)
        .on_conflict_do_nothing(index_elements=["thread_id"])
    )


@events.subscribe("guru.answer_posted")
async def _answered(session: AsyncSession, *, question: m.Thread, **_: Any) -> None:
    await _upsert_mark(session, question.id, dt.datetime.now(dt.timezone.utc))


@events.subscribe("guru.answer_accepted")
async def _accepted(session: AsyncSession, *, answer: m.Post, question: m.Thread, **_: Any) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    await _upsert_mark(session, question.id, now)
    await session.execute(
        update(m.DuplicateAnswerMark).where(m.DuplicateAnswerMark.thread_id == question.id)
        .values(accepted_post_id=answer.id, accepted_at=now)
    )
