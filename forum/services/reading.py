"""Read-side queries for pages and the API: plain rows (no ORM objects) on the hot paths, and
keyset pagination so a deep page costs what the first one does."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, column, or_, select, table, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

import models as m

from ..access import hidden_category_ids
from ..text import tokenize

starter = aliased(m.User, name="starter")
last_author = aliased(m.User, name="last_author")
PUBLISHED = m.Visibility.PUBLISHED
# SQLite FTS5 index over threads.search_terms, made by the migrations (not a model).
THREAD_SEARCH = table("thread_search", column("rowid"), column("rank"))

THREAD_ROW = (
    select(
        m.Thread.id, m.Thread.title, m.Thread.kind, m.Thread.reply_count, m.Thread.created_at, m.Thread.last_activity_at,
        m.Thread.duplicate_of_id, m.Thread.is_locked, m.Thread.category_id,
        starter.display_name.label("starter"), last_author.display_name.label("last_author"),
    )
    .join(starter, starter.id == m.Thread.author_id)
    .outerjoin(last_author, last_author.id == m.Thread.last_author_id)
)


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (timestamp desc, id desc)."""

    at: dt.datetime
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.at.isoformat()}|{self.id}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at, ident = raw.split("|")
            stamp = dt.datetime.fromisoformat(at)
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.timezone.utc)
            return cls(stamp, int(ident))
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None


async def category_threads(
    session: AsyncSession, category_id: int, *, limit: int, after: str | None = None, before: str | None = None
) -> Page:
    """Published threads of a category by latest activity. `after` pages towards older threads,
    `before` back towards newer ones."""
    order_key = tuple_(m.Thread.last_activity_at, m.Thread.id)
    query = THREAD_ROW.where(m.Thread.category_id == category_id, m.Thread.visibility == PUBLISHED)
    after_cursor, before_cursor = Cursor.decode(after), Cursor.decode(before)
    if before_cursor:
        query = query.where(order_key > tuple_(before_cursor.at, before_cursor.id))
        query = query.order_by(m.Thread.last_activity_at.asc(), m.Thread.id.asc()).limit(limit + 1)
        rows = list((await session.execute(query)).all())
        has_more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        return Page(
            rows,
            next_cursor=Cursor(rows[-1].last_activity_at, rows[-1].id).encode() if rows else None,
            prev_cursor=Cursor(rows[0].last_activity_at, rows[0].id).encode() if rows and has_more_newer else None,
        )
    if after_cursor:
        query = query.where(order_key < tuple_(after_cursor.at, after_cursor.id))
    query = query.order_by(m.Thread.last_activity_at.desc(), m.Thread.id.desc()).limit(limit + 1)
    rows = list((await session.execute(query)).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        rows,
        next_cursor=Cursor(rows[-1].last_activity_at, rows[-1].id).encode() if has_more else None,
        prev_cursor=Cursor(rows[0].last_activity_at, rows[0].id).encode() if rows and after_cursor else None,
    )


POST_ROW = (
    select(
        m.Post.id, m.Post.thread_id, m.Post.author_id, m.Post.is_opening, m.Post.body_html, m.Post.body_raw,
        m.Post.visibility, m.Post.created_at, m.Post.edited_at,
        m.User.display_name.label("author_name"), m.User.role.label("author_role"),
        m.User.status.label("author_status"), m.User.tier.label("author_tier"),
    ).join(m.User, m.User.id == m.Post.author_id)
)


def _visible_posts_clause(viewer: m.User | None):
    if viewer is None:
        return m.Post.visibility == PUBLISHED
    if viewer.is_admin:
        return m.Post.visibility != m.Visibility.DELETED
    return or_(m.Post.visibility == PUBLISHED, and_(m.Post.visibility == m.Visibility.HELD, m.Post.author_id == viewer.id))


async def thread_posts(
    session: AsyncSession, thread_id: int, viewer: m.User | None, *, limit: int, after: int | None = None
) -> tuple[list[Any], int | None]:
    """Posts of a thread in order, the opening post first; keyset on post id."""
    query = POST_ROW.where(m.Post.thread_id == thread_id, _visible_posts_clause(viewer))
    if after:
        query = query.where(m.Post.id > after)
    rows = list((await session.execute(query.order_by(m.Post.id).limit(limit + 1))).all())
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after


async def thread_header(session: AsyncSession, thread_id: int) -> Any | None:
    query = THREAD_ROW.add_columns(
        m.Thread.visibility, m.Thread.author_id, m.Category.slug.label("category_slug"),
        m.Category.name_th.label("category_name_th"), m.Category.name_en.label("category_name_en"),
        m.Thread.distinct_reason, m.Thread.distinct_from_id,
    ).join(m.Category, m.Category.id == m.Thread.category_id).where(m.Thread.id == thread_id)
    return (await session.execute(query)).first()


def fts_query(words: list[str]) -> str:
    # Each word quoted, so FTS5 operators typed by a member are plain text.
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


async def search_threads(session: AsyncSession, query_text: str, *, limit: int = 20, viewer: m.User | None = None,
                         today: dt.date | None = None) -> list[Any]:
    """Published threads whose title or opening post has every word of the query, in the
    categories `viewer` may read (None: a guest). Thai is segmented the same way on both sides,
    since neither FTS5 nor PostgreSQL segments it."""
    words = [w for w in tokenize(query_text) if w.strip()][:12]
    if not words:
        return []
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    base = THREAD_ROW.add_columns(m.Category.slug.label("category_slug"), m.Category.name_th.label("category_name_th"),
                                  m.Category.name_en.label("category_name_en")).join(
        m.Category, m.Category.id == m.Thread.category_id).where(m.Thread.visibility == PUBLISHED)
    if hidden := await hidden_category_ids(session, viewer, today):
        base = base.where(m.Thread.category_id.not_in(hidden))  # in SQL, before the LIMIT
    if dialect == "sqlite":
        query = (
            base.join(THREAD_SEARCH, THREAD_SEARCH.c.rowid == m.Thread.id)
            .where(text("thread_search MATCH :q").bindparams(q=fts_query(words)))
            .order_by(THREAD_SEARCH.c.rank)
            .limit(limit)
        )
    else:
        tsquery = " & ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        query = base.where(
            text("to_tsvector('simple', threads.search_terms) @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery)
        ).order_by(m.Thread.last_activity_at.desc()).limit(limit)
    return list((await session.execute(query)).all())
