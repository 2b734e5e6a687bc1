"""Duplicate detection on the board: the per-process index kept in step with the database, the
admin thresholds, suggestions while composing, the verdict on a new thread, and closing a thread
as a duplicate of another.

The engine (`forum.duplicates.index.DuplicateIndex`) holds the published threads of this server
process in memory. Before every query the index reads the threads changed since its watermark
(`threads.updated_at`, indexed), so every worker sees the same threads and a thread is findable
by the next query after its transaction commits. Suggestions are checked against the database
before they are shown: only published threads, not closed as duplicates, in categories the
viewer may read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from ..access import hidden_category_ids
from ..errors import Conflict, NotFound, ValidationFailed
from ..i18n import N_
from .features import Analyzer
from .index import DUPLICATE_THRESHOLD, DuplicateIndex

log = logging.getLogger(__name__)

PUBLISHED = m.Visibility.PUBLISHED
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


async def load_settings(session: AsyncSession) -> DuplicateSettings:
    value = await session.scalar(select(m.SiteSetting.value).where(m.SiteSetting.key == SETTINGS_KEY))
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


class LiveIndex:
    """A `DuplicateIndex` of the published threads, built from the database and refreshed from
    it before each query (`sync`). One per app, i.e. per server process."""

    # Rows whose updated_at is this close to the watermark are read again at each sync: a
    # transaction that flushed before the watermark but committed after it is not missed.
    OVERLAP = dt.timedelta(seconds=30)
    FINGERPRINTS = 20_000  # threads whose indexed text is remembered (replies skip re-analysis)
    REFRESH_NORMS_UP_TO = 10_000

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.index = DuplicateIndex(analyzer or shared_analyzer())
        self.ready = False
        self.watermark: dt.datetime | None = None
        self.recent: dict[int, dt.datetime] = {}  # id -> updated_at, rows inside the overlap
        self.fingerprints: OrderedDict[int, int] = OrderedDict()
        self.built_at: dt.datetime | None = None
        self._lock = asyncio.Lock()

    async def sync(self, session: AsyncSession) -> None:
        """Brings the index up to date with the database: one indexed query when nothing
        changed, plus one read of the changed threads when something did. While a background
        build is running it returns at once, and the index stays not `ready`."""
        if not self.ready and self._lock.locked():
            return
        async with self._lock:
            if not self.ready:
                await self._build(session)
                return
            assert self.watermark is not None
            since = self.watermark - self.OVERLAP
            rows = (await session.execute(
                select(m.Thread.id, m.Thread.updated_at).where(m.Thread.updated_at >= since)
            )).all()
            changed = [row.id for row in rows if self.recent.get(row.id) != row.updated_at]
            for start in range(0, len(changed), 500):
                await self._apply(session, changed[start:start + 500])
            if changed and len(self.index) <= self.REFRESH_NORMS_UP_TO:
                # Rows added one by one keep the norm computed with the IDF of that moment; on a
                # small board the IDF still moves a lot, so refresh them (milliseconds at this size).
                self.index.optimize()
            for row in rows:
                self.recent[row.id] = row.updated_at
                if row.updated_at > self.watermark:
                    self.watermark = row.updated_at
            floor = self.watermark - self.OVERLAP
            self.recent = {i: at for i, at in self.recent.items() if at >= floor}

    async def rebuild(self, session: AsyncSession) -> None:
        async with self._lock:
            self.index = DuplicateIndex(self.index.analyzer, threshold=self.index.threshold)
            self.ready = False
            self.fingerprints.clear()
            await self._build(session)

    async def _build(self, session: AsyncSession, chunk: int = 5000) -> None:
        newest = await session.scalar(select(func.max(m.Thread.updated_at)))
        self.watermark = newest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        query = (
            select(m.Thread.id, m.Thread.category_id, m.Thread.title, m.Post.body_raw, m.Thread.author_id)
            .join(m.Post, (m.Post.thread_id == m.Thread.id) & m.Post.is_opening.is_(True))
            .where(m.Thread.visibility == PUBLISHED, m.Thread.duplicate_of_id.is_(None))
            .order_by(m.Thread.id)
        )
        last_id = 0
        while True:  # keyset batches: no server-side cursor held across the analysis
            batch = (await session.execute(query.where(m.Thread.id > last_id).limit(chunk))).all()
            if not batch:
                break
            rows = [(r.id, str(r.category_id), r.title, (r.body_raw or "")[:QUERY_BODY_CHARS], r.author_id)
                    for r in batch]
            await asyncio.to_thread(self.index.build, rows, False)
            last_id = batch[-1].id
        recent = (await session.execute(
            select(m.Thread.id, m.Thread.updated_at).where(m.Thread.updated_at >= self.watermark - self.OVERLAP)
        )).all()
        self.recent = {row.id: row.updated_at for row in recent}
        self.ready = True
        self.built_at = dt.datetime.now(dt.timezone.utc)

    async def _apply(self, session: AsyncSession, ids: list[int]) -> None:
        rows = (await session.execute(
            select(m.Thread.id, m.Thread.category_id, m.Thread.title, m.Thread.author_id, m.Thread.visibility,
                   m.Thread.duplicate_of_id, m.Post.body_raw)
            .outerjoin(m.Post, (m.Post.thread_id == m.Thread.id) & m.Post.is_opening.is_(True))
            .where(m.Thread.id.in_(ids))
        )).all()
        seen = set()
        for row in rows:
            seen.add(row.id)
            if row.visibility == PUBLISHED and row.duplicate_of_id is None and row.body_raw is not None:
                body = row.body_raw[:QUERY_BODY_CHARS]
                fingerprint = hash((row.category_id, row.author_id, row.title, body))
                if self.fingerprints.get(row.id) == fingerprint and row.id in self.index:
                    continue
                self.index.add(row.id, str(row.category_id), row.title, body, author_id=row.author_id)
                self.fingerprints[row.id] = fingerprint
                self.fingerprints.move_to_end(row.id)
                while len(self.fingerprints) > self.FINGERPRINTS:
                    self.fingerprints.popitem(last=False)
            else:
                self._forget(row.id)
        for thread_id in set(ids) - seen:  # gone from the database altogether
            self._forget(thread_id)

    def _forget(self, thread_id: int) -> None:
        self.index.remove(thread_id)
        self.fingerprints.pop(thread_id, None)

    def stats(self) -> dict[str, Any]:
        return {"threads": len(self.index), "memory_bytes": self.index.memory_bytes(), "ready": self.ready,
                "built_at": self.built_at, "watermark": self.watermark}


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
        hidden = await hidden_category_ids(self.session, viewer)
        found: list[Similar] = []
        skipped: set[int] = set(exclude_ids)
        for _ in range(4):  # more rounds only when the database refused some of the index's hits
            want = k - len(found) + 5
            matches = self.live.index.query(title, body, k=want, exclude_ids=skipped | {s.id for s in found})
            matches = [x for x in matches if x.score >= min_score]
            rows = await self._rows([x.id for x in matches], hidden)
            for match in matches:
                row = rows.get(match.id)
                if row is None:
                    skipped.add(match.id)
                elif len(found) < k:
                    found.append(_similar(row, match.score))
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
            ("duplicate", lambda s: s.score >= settings.duplicate_threshold),
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

    async def _rows(self, ids: list[int], hidden: frozenset[int]) -> dict[int, Any]:
        if not ids:
            return {}
        query = (
            select(m.Thread.id, m.Thread.title, m.Thread.category_id, m.Thread.reply_count, m.Thread.kind,
                   m.Thread.author_id, m.Category.slug, m.Category.name_th, m.Category.name_en,
                   m.DuplicateAnswerMark.answered_at, m.DuplicateAnswerMark.accepted_post_id)
            .join(m.Category, m.Category.id == m.Thread.category_id)
            .outerjoin(m.DuplicateAnswerMark, m.DuplicateAnswerMark.thread_id == m.Thread.id)
            .where(m.Thread.id.in_(ids), m.Thread.visibility == PUBLISHED, m.Thread.duplicate_of_id.is_(None))
        )
        if hidden:
            query = query.where(m.Thread.category_id.not_in(hidden))
        return {row.id: row for row in (await self.session.execute(query)).all()}

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
        thread.reply_count = max(0, thread.reply_count - published)
        original.reply_count += published
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


@dataclass
class CloseResult:
    thread: m.Thread
    original: m.Thread
    changed: bool
    moved: int


def _similar(row: Any, score: float) -> Similar:
    return Similar(
        id=row.id, title=row.title, score=score, category_id=row.category_id, category_slug=row.slug,
        category_name_th=row.name_th, category_name_en=row.name_en, reply_count=row.reply_count,
        kind=row.kind.value if hasattr(row.kind, "value") else str(row.kind), author_id=row.author_id,
        answered=row.answered_at is not None, accepted=row.accepted_post_id is not None,
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
