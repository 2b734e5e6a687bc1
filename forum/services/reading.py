"""Read-side queries for pages and the API: plain rows (no ORM objects) on the hot paths, and
keyset pagination so a deep page costs what the first one does."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

import models as m

from ..inputs import in_range
from ..sqlite_driver import ON_LOOP

starter = aliased(m.User, name="starter")
last_author = aliased(m.User, name="last_author")
PUBLISHED = m.Visibility.PUBLISHED

async def rows(session: AsyncSession, statement: Any, params: dict[str, Any] | None = None) -> list[Any]:
    """Plain rows through the session's connection: the same transaction, without the ORM's
    per-execution loading machinery (a third of a page's time on the hot paths)."""
    connection = await session.connection()
    return list((await connection.execute(statement, params)).all())


async def first_row(session: AsyncSession, statement: Any, params: dict[str, Any] | None = None) -> Any | None:
    connection = await session.connection()
    return (await connection.execute(statement, params)).first()


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
            return cls(stamp, int(ident)) if in_range(int(ident)) else None
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None
    read_ids: tuple[int, ...] = ()  # every thread the page read, the one past its last included (forum.page_cache)


# Statements are built once and run with parameters: building and cache-keying a statement on
# every request cost as much as running it.
_AT = bindparam("cursor_at", type_=m.Thread.__table__.c.last_activity_at.type)
_ID = bindparam("cursor_id", type_=Integer)
_ORDER_KEY = tuple_(m.Thread.last_activity_at, m.Thread.id)
# The reads of the cached pages (category, thread) run without a thread hop (forum.sqlite_driver.ON_LOOP):
# each is one indexed range of at most a page's rows (ix_threads_category_activity, ix_posts_thread_visibility_id)
# or a lookup by key. While members post, a changed page is rendered once and its readers wait for that
# render; with a hop, the render's wall time included whatever the event loop ran meanwhile (a submit's
# duplicate check or classifier: milliseconds), and every reader of the page, in every process, waited that long.
_ON_LOOP = {ON_LOOP: True}
_NEWEST_FIRST = (m.Thread.last_activity_at.desc(), m.Thread.id.desc())


def _category_statements(row: Any) -> tuple[Any, Any, Any]:
    """A category's first page, older pages and newer pages, of these columns."""
    listed = row.where(m.Thread.category_id == bindparam("category_id"), m.Thread.visibility == PUBLISHED)
    return (
        listed.order_by(*_NEWEST_FIRST).limit(bindparam("limit")).execution_options(**_ON_LOOP),
        listed.where(_ORDER_KEY < tuple_(_AT, _ID)).order_by(*_NEWEST_FIRST).limit(bindparam("limit"))
        .execution_options(**_ON_LOOP),
        listed.where(_ORDER_KEY > tuple_(_AT, _ID))
        .order_by(m.Thread.last_activity_at.asc(), m.Thread.id.asc()).limit(bindparam("limit"))
        .execution_options(**_ON_LOOP),
    )


CATEGORY_FIRST_PAGE, CATEGORY_OLDER_PAGE, CATEGORY_NEWER_PAGE = _category_statements(THREAD_ROW)
# The category page's rows (forum.web.thread_row) show only these: no created_at, kind, lock or category to convert.
SHOWN_ROW = (
    select(
        m.Thread.id, m.Thread.title, m.Thread.reply_count, m.Thread.last_activity_at, m.Thread.duplicate_of_id,
        starter.display_name.label("starter"), last_author.display_name.label("last_author"),
    )
    .join(starter, starter.id == m.Thread.author_id)
    .outerjoin(last_author, last_author.id == m.Thread.last_author_id)
)
_SHOWN_PAGES = _category_statements(SHOWN_ROW)


async def category_threads(
    session: AsyncSession, category_id: int, *, limit: int, after: str | None = None, before: str | None = None,
    shown_only: bool = False,
) -> Page:
    """Published threads of a category by latest activity. `after` pages towards older threads,
    `before` back towards newer ones. `shown_only`: rows of the columns the category page shows (SHOWN_ROW)."""
    first_page, older_page, newer_page = _SHOWN_PAGES if shown_only else (
        CATEGORY_FIRST_PAGE, CATEGORY_OLDER_PAGE, CATEGORY_NEWER_PAGE)
    after_cursor, before_cursor = Cursor.decode(after), Cursor.decode(before)
    params: dict[str, Any] = {"category_id": category_id, "limit": limit + 1}
    if before_cursor:
        params.update(cursor_at=before_cursor.at, cursor_id=before_cursor.id)
        found = await rows(session, newer_page, params)
        has_more_newer = len(found) > limit
        found = found[:limit][::-1]
        return Page(
            found,
            next_cursor=Cursor(found[-1].last_activity_at, found[-1].id).encode() if found else None,
            prev_cursor=Cursor(found[0].last_activity_at, found[0].id).encode() if found and has_more_newer else None,
        )
    if after_cursor:
        params.update(cursor_at=after_cursor.at, cursor_id=after_cursor.id)
    found = await rows(session, older_page if after_cursor else first_page, params)
    read_ids = tuple(row.id for row in found)
    has_more = len(found) > limit
    found = found[:limit]
    return Page(
        found,
        next_cursor=Cursor(found[-1].last_activity_at, found[-1].id).encode() if has_more else None,
        prev_cursor=Cursor(found[0].last_activity_at, found[0].id).encode() if found and after_cursor else None,
        read_ids=read_ids,
    )


POST_ROW = (
    select(
        m.Post.id, m.Post.thread_id, m.Post.author_id, m.Post.is_opening, m.Post.body_html, m.Post.body_raw,
        m.Post.visibility, m.Post.created_at, m.Post.edited_at,
        m.User.display_name.label("author_name"), m.User.role.label("author_role"),
        m.User.status.label("author_status"), m.User.tier.label("author_tier"),
    ).join(m.User, m.User.id == m.Post.author_id)
)
# A thread page's posts also carry the disclaimer a guru answer was recorded with (versions are
# never edited), so the notes under them (forum.post_notes) need no query of their own.
THREAD_POST_ROW = (
    POST_ROW.add_columns(
        m.GuruDisclaimer.version.label("guru_disclaimer_version"), m.GuruDisclaimer.text_th.label("guru_disclaimer_th"),
        m.GuruDisclaimer.text_en.label("guru_disclaimer_en"),
    )
    .outerjoin(m.GuruAnswer, m.GuruAnswer.post_id == m.Post.id)
    .outerjoin(m.GuruDisclaimer, m.GuruDisclaimer.id == m.GuruAnswer.disclaimer_id)
)


def _visible_posts_clause(viewer_kind: str):
    """Posts a viewer of this kind may see; a member's own held posts through :viewer_id."""
    if viewer_kind == "guest":
        return m.Post.visibility == PUBLISHED
    if viewer_kind == "admin":
        return m.Post.visibility != m.Visibility.DELETED
    return or_(m.Post.visibility == PUBLISHED,
               and_(m.Post.visibility == m.Visibility.HELD, m.Post.author_id == bindparam("viewer_id")))


def _viewer(viewer: m.User | None) -> tuple[str, dict[str, Any]]:
    """The viewer's kind (one prepared statement each) and the parameters that kind needs."""
    if viewer is None:
        return "guest", {}
    if viewer.is_admin:
        return "admin", {}
    return "member", {"viewer_id": viewer.id}


@cache
def _thread_posts_statement(viewer_kind: str, paged: bool) -> Any:
    query = THREAD_POST_ROW.where(m.Post.thread_id == bindparam("thread_id"), _visible_posts_clause(viewer_kind))
    if paged:
        query = query.where(m.Post.id > bindparam("after"))
    query = query.order_by(m.Post.id).limit(bindparam("limit"))
    # Only the guests' statement walks ix_posts_thread_visibility_id in order and stops at the limit; the
    # members' and admins' (an OR, or a range, on visibility) sort the thread's posts: they keep their hop.
    return query.execution_options(**_ON_LOOP) if viewer_kind == "guest" else query


async def thread_posts(
    session: AsyncSession, thread_id: int, viewer: m.User | None, *, limit: int, after: int | None = None
) -> tuple[list[Any], int | None]:
    """Posts of a thread in order, the opening post first; keyset on post id."""
    kind, params = _viewer(viewer)
    params.update(thread_id=thread_id, limit=limit + 1)
    if after:
        params["after"] = after
    found = await rows(session, _thread_posts_statement(kind, bool(after)), params)
    next_after = found[limit - 1].id if len(found) > limit else None
    return found[:limit], next_after


@cache
def _page_start_statement(viewer_kind: str) -> Any:
    return (
        select(m.Post.id)
        .where(m.Post.thread_id == bindparam("thread_id"), _visible_posts_clause(viewer_kind),
               m.Post.id < bindparam("post_id"))
        .order_by(m.Post.id.desc()).offset(bindparam("before")).limit(1)
        .execution_options(sqlite_on_loop=True)  # at most a page of a thread's posts: no hop
    )


async def page_ending_with(session: AsyncSession, thread_id: int, post_id: int, viewer: m.User | None, *,
                           limit: int) -> int | None:
    """The `after` cursor of the thread page whose last post is `post_id` (None: the first page
    holds it), so a new reply is shown below the posts it answers."""
    kind, params = _viewer(viewer)
    params.update(thread_id=thread_id, post_id=post_id, before=limit - 1)
    row = await first_row(session, _page_start_statement(kind), params)
    return row.id if row is not None else None


THREAD_HEADER = THREAD_ROW.add_columns(
    m.Thread.visibility, m.Thread.author_id, m.Category.slug.label("category_slug"),
    m.Category.name_th.label("category_name_th"), m.Category.name_en.label("category_name_en"),
    m.Category.access.label("category_access"), m.Thread.distinct_reason, m.Thread.distinct_from_id,
).join(m.Category, m.Category.id == m.Thread.category_id).where(m.Thread.id == bindparam("thread_id")).execution_options(
    **_ON_LOOP)


HELD_AUTHORS = select(m.Post.author_id).distinct().where(
    m.Post.thread_id == bindparam("thread_id"), m.Post.visibility == m.Visibility.HELD).execution_options(**_ON_LOOP)


async def held_authors(session: AsyncSession, thread_id: int) -> frozenset[int]:
    """Members with a held post in the thread (each sees it, and only they: their page is their own)."""
    return frozenset(row.author_id for row in await rows(session, HELD_AUTHORS, {"thread_id": thread_id}))


async def thread_header(session: AsyncSession, thread_id: int) -> Any | None:
    return await first_row(session, THREAD_HEADER, {"thread_id": thread_id})


async def search_threads(session: AsyncSession, query_text: str, *, limit: int = 20, viewer: m.User | None = None,
                         today: dt.date | None = None) -> list[Any]:
    """The first `limit` results of a search (see forum.services.search, which has the rest)."""
    from .search import search_threads as search

    return list(await search(session, query_text, viewer=viewer, per_page=limit, today=today))
