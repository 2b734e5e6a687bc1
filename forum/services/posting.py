"""The one place where threads, replies and edits are created. Every path (HTML form, JSON API,
Ask Guru) goes through `PostingService`, and the duplicate check and moderation plug in once,
as `PostHook`s: `before_save` may refuse the draft or hold it, `after_save` sees the saved post
in the same transaction (the request commits; this service never does)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Sequence

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

import models as m

from ..access import thread_visible
from ..core_writes import adopt_row, insert_row, insert_statement
from ..i18n import N_
from ..errors import Forbidden, NotFound, RateLimited, ValidationFailed
from .. import events, sqlite_driver
from ..rendering import render_markdown
from ..settings import BoardSettings, Settings
from ..text import search_terms
from .accounts import utcnow
from .membership import COIN_RULES, TERMS_IN_FORCE, check_posting, local_date, posting_checks_passed

DraftAction = Literal["thread", "reply", "edit"]
# Point reads of a submit run on SQLite's connection without a thread hop (forum.sqlite_driver).
ON_LOOP = {sqlite_driver.ON_LOOP: True}


@dataclass
class Draft:
    """What is about to be saved; hooks read it and may change `visibility` or add notes."""

    action: DraftAction
    author: m.User
    body: str
    title: str | None = None
    category_id: int | None = None
    thread: m.Thread | None = None
    post: m.Post | None = None  # the post being edited
    kind: m.ThreadKind = m.ThreadKind.DISCUSSION
    distinct_reason: str | None = None
    distinct_from_id: int | None = None
    visibility: m.Visibility = m.Visibility.PUBLISHED
    notes: dict[str, Any] = field(default_factory=dict)
    photos: Sequence[Any] = ()  # forum.photos.service.PreparedPhoto: re-encoded and stored, not yet attached
    # What "post.saving" subscribers read before the post is written, for their "post.created" part
    # (the coins: forum.coins.handlers), by subscriber.
    prepared: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}" if self.title else self.body


@dataclass(frozen=True)
class Allowance:
    """A member's remaining posting allowance: `left` of `limit` in the current window (the
    first day for a new account, else the last hour); `retry_at` when none is left."""

    limit: int
    left: int
    new_account: bool
    retry_at: dt.datetime | None = None


class PostHook(Protocol):
    async def before_save(self, session: AsyncSession, draft: Draft) -> None: ...

    async def after_save(self, session: AsyncSession, draft: Draft, post: m.Post) -> None: ...


def can_post(user: m.User, now: dt.datetime) -> str | None:
    """Why this member may not post now, or None."""
    if user.status == m.MemberStatus.SUSPENDED and (user.suspended_until is None or user.suspended_until > now):
        return N_("Your account is suspended; you cannot post until the suspension ends.")
    if user.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
        return N_("This membership has ended.")
    return None


class PostingService:
    def __init__(self, session: AsyncSession, settings: Settings, hooks: Sequence[PostHook] = ()) -> None:
        self.session = session
        self.settings = settings
        self.hooks = tuple(hooks)

    # -- public operations -------------------------------------------------------------
    async def create_thread(
        self,
        author: m.User,
        *,
        category_id: int,
        title: str,
        body: str,
        kind: m.ThreadKind = m.ThreadKind.DISCUSSION,
        distinct_reason: str | None = None,
        distinct_from_id: int | None = None,
        photos: Sequence[Any] = (),
    ) -> tuple[m.Thread, m.Post]:
        now = utcnow()
        self._check_author(author, now)
        title, body = self._validate(title, body, with_title=True)
        if await self.session.get(m.Category, category_id) is None:
            raise ValidationFailed("Choose a category.", field_errors={"category_id": N_("Choose a category.")})
        checks = await self._thread_reads(author, category_id, now)
        if checks is None:
            await check_posting(self.session, author, category_id, now)  # gated category, revised terms
            await self._check_rate(author, "thread", now)
        else:  # the same checks on what one statement read
            checks, allowance = checks
            self._passed_checks(checks, author, now)
            await self._check_rate(author, "thread", now, allowance)
        draft = Draft(
            action="thread", author=author, title=title, body=body, category_id=category_id, kind=kind,
            distinct_reason=(distinct_reason or "").strip()[:500] or None, distinct_from_id=distinct_from_id,
            photos=photos,
        )
        await self._before_save(draft)
        await self._saving(draft)
        # Everything slow is done before the first INSERT: on SQLite the write lock is held from
        # there to the commit, and every other writer of every process waits that long.
        terms, body_html = search_terms(f"{title}\n{body}"), render_markdown(body)
        thread = await insert_row(
            self.session, m.Thread,
            category_id=category_id, author_id=author.id, kind=kind, title=title, visibility=draft.visibility,
            last_activity_at=now, last_author_id=author.id, distinct_reason=draft.distinct_reason,
            distinct_from_id=draft.distinct_from_id if draft.distinct_reason else None,
            search_terms=terms,
        )
        post = await insert_row(self.session, m.Post, thread_id=thread.id, author_id=author.id, is_opening=True,
                                body_raw=body, body_html=body_html, visibility=draft.visibility)
        draft.thread, draft.post = thread, post
        if draft.visibility == m.Visibility.PUBLISHED:
            await self._bump_category(category_id, +1)
        await self._after_save(draft, post)
        return thread, post

    async def create_reply(self, author: m.User, *, thread_id: int, body: str, photos: Sequence[Any] = ()) -> m.Post:
        now = utcnow()
        self._check_author(author, now)
        # The thread, the posting checks and the allowance in one statement (and on SQLite the
        # earning's reads with them).
        thread, checks, allowance = await self._reply_reads(author, thread_id, now)
        if thread is None or not self.thread_visible_to(thread, author):
            raise NotFound("Thread not found.")
        self._passed_checks(checks, author, now)
        if thread.is_locked or thread.duplicate_of_id:
            raise Forbidden("This thread is closed to new replies.")
        _, body = self._validate(None, body, with_title=False)
        await self._check_rate(author, "reply", now, allowance)
        draft = Draft(action="reply", author=author, body=body, thread=thread, category_id=thread.category_id,
                      photos=photos)
        await self._before_save(draft)
        await self._saving(draft)
        # Rendered before the INSERT: from there to the commit the post holds SQLite's write lock.
        values = dict(thread_id=thread.id, author_id=author.id, is_opening=False, body_raw=body,
                      body_html=render_markdown(body), visibility=draft.visibility)
        if draft.visibility == m.Visibility.PUBLISHED and _on_postgresql(self.session):
            post = await insert_reply_and_bump(self.session, thread, now, values)
        else:
            post = await insert_row(self.session, m.Post, **values)
            if draft.visibility == m.Visibility.PUBLISHED:
                await bump_reply_count(self.session, thread, +1, last_activity_at=now, last_author_id=author.id)
        draft.post = post
        await self._after_save(draft, post)
        return post

    async def edit_post(self, editor: m.User, post_id: int, *, body: str, title: str | None = None) -> m.Post:
        now = utcnow()
        post = await self.session.get(m.Post, post_id)
        if post is None or post.visibility == m.Visibility.DELETED:
            raise NotFound("Post not found.")
        if post.author_id != editor.id:
            raise Forbidden("You can only edit your own posts.")
        self._check_author(editor, now)
        thread = await self.session.get(m.Thread, post.thread_id)
        assert thread is not None
        await check_posting(self.session, editor, thread.category_id, now)
        with_title = post.is_opening
        title, body = self._validate(title if with_title else None, body, with_title=with_title)
        draft = Draft(action="edit", author=editor, title=title, body=body, thread=thread, post=post,
                      category_id=thread.category_id, visibility=post.visibility)
        await self._before_save(draft)
        self.session.add(m.PostRevision(post_id=post.id, editor_id=editor.id,
                                        title=thread.title if with_title else None, body_raw=post.body_raw,
                                        revised_at=now))
        post.body_raw, post.body_html, post.edited_at = body, render_markdown(body), now
        if with_title and title:
            thread.title = title
            thread.search_terms = search_terms(f"{title}\n{body}")
        await self.set_visibility(post, draft.visibility, actor=editor)
        await self._after_save(draft, post)
        return post

    async def delete_own_post(self, user: m.User, post_id: int) -> m.Post:
        post = await self.session.get(m.Post, post_id)
        if post is None or post.visibility == m.Visibility.DELETED:
            raise NotFound("Post not found.")
        if post.author_id != user.id:
            raise Forbidden("You can only delete your own posts.")
        await self.set_visibility(post, m.Visibility.DELETED, actor=user)
        return post

    # -- visibility: also used by moderation ------------------------------------------
    async def set_visibility(self, post: m.Post, visibility: m.Visibility, actor: m.User | None = None) -> None:
        """Changes a post's visibility and keeps the thread and counters in step. An opening
        post carries its whole thread with it. `actor` is who changed it (None: the system)."""
        before = post.visibility
        if before == visibility:
            return
        post.visibility = visibility
        thread = await self.session.get(m.Thread, post.thread_id)
        assert thread is not None
        published = m.Visibility.PUBLISHED
        if post.is_opening:
            thread.visibility = visibility
            if (before == published) != (visibility == published):
                await self._bump_category(thread.category_id, +1 if visibility == published else -1)
        elif (before == published) != (visibility == published):
            await bump_reply_count(self.session, thread, +1 if visibility == published else -1)
            last = await self.session.execute(
                select(m.Post.created_at, m.Post.author_id)
                .where(m.Post.thread_id == thread.id, m.Post.visibility == published)
                .order_by(m.Post.id.desc()).limit(1)
            )
            row = last.first()
            if row is not None:
                thread.last_activity_at, thread.last_author_id = row.created_at, row.author_id
        await events.emit("post.visibility_changed", self.session, post=post, thread=thread, before=before,
                          after=visibility, actor=actor)

    @staticmethod
    def thread_visible_to(thread: m.Thread, user: m.User | None) -> bool:
        return thread_visible(thread, user)  # decided in forum.access, with the category gates

    # -- internals ---------------------------------------------------------------------
    def _check_author(self, author: m.User, now: dt.datetime) -> None:
        if reason := can_post(author, now):
            raise Forbidden(reason)

    def _validate(self, title: str | None, body: str, *, with_title: bool) -> tuple[str | None, str]:
        return validate_text(self.settings.board, title, body, with_title=with_title)

    async def allowance(self, author: m.User, action: Literal["thread", "reply"] = "thread",
                        now: dt.datetime | None = None) -> Allowance:
        """How many more threads (Ask Guru questions count) or replies the member may post now,
        by the same count that refuses the next one; forms show it before the member writes."""
        now = now or utcnow()
        window, limit, new_account = self._window(author, action, now)
        recent = (await self.session.scalars(RECENT_POSTS[action == "thread"],
                                             {"author_id": author.id, "since": now - window, "limit": limit})).all()
        return self._allowance_from(author, len(recent), recent[0] if recent else None, window, limit, new_account)

    def _window(self, author: m.User, action: Literal["thread", "reply"],
                now: dt.datetime) -> tuple[dt.timedelta, int, bool]:
        """The allowance's window, its limit, and whether the account is new (its first day)."""
        board = self.settings.board
        new_account = author.created_at is not None and now - author.created_at < dt.timedelta(days=1)
        if new_account:
            window, limit = dt.timedelta(days=1), (
                board.new_account_threads_per_day if action == "thread" else board.new_account_replies_per_day
            )
        else:
            window, limit = dt.timedelta(hours=1), (board.threads_per_hour if action == "thread" else board.replies_per_hour)
        return window, limit, new_account

    @staticmethod
    def _allowance_from(author: m.User, count: int, oldest: dt.datetime | None, window: dt.timedelta, limit: int,
                        new_account: bool) -> Allowance:
        """The allowance from the member's posts in the window: how many `RECENT_POSTS` returns
        (at most `limit`) and the first of them (the oldest; None when there is none)."""
        retry_at = None
        if count >= limit:
            assert oldest is not None
            retry_at = oldest + window
            if new_account:
                retry_at = min(retry_at, author.created_at + window)
        return Allowance(limit=limit, left=max(0, limit - count), new_account=new_account, retry_at=retry_at)

    async def _check_rate(self, author: m.User, action: Literal["thread", "reply"], now: dt.datetime,
                          allowance: Allowance | None = None) -> None:
        allowance = allowance or await self.allowance(author, action, now)
        if allowance.left == 0:
            assert allowance.retry_at is not None
            raise RateLimited("You have reached the posting limit. You can post again at {time}.",
                              retry_at=allowance.retry_at)

    def _passed_checks(self, checks: Any, author: m.User, now: dt.datetime) -> None:
        """`check_posting`'s verdict on a one-statement read's row, whose coin rules the earning
        that follows reads from the session instead of the database."""
        from ..coins import service as coin_service  # (at import: a cycle through forum.web)

        coin_service.keep_rules(self.session, checks.coin_rules)
        posting_checks_passed(checks, author, local_date(now))

    async def _reply_reads(self, author: m.User, thread_id: int,
                           now: dt.datetime) -> tuple[m.Thread | None, Any, Allowance | None]:
        """What a reply reads before its checks, in one statement: the thread (loaded as
        `session.get` loads it), its category's `POSTING_CHECKS` columns and the author's replies in
        the allowance's window (and on SQLite the earning's reads). (None, None, None): no such thread."""
        row, allowance = await self._reads_with_allowance(True, author, "reply", now, thread_id=thread_id)
        if row is None:
            return None, None, None
        return row.Thread, row, allowance

    async def _thread_reads(self, author: m.User, category_id: int, now: dt.datetime) -> tuple[Any, Allowance] | None:
        """A new thread's `POSTING_CHECKS` row and the author's allowance (and on SQLite the earning's
        reads), in one statement. None: no such category (the caller then takes `check_posting`'s own path)."""
        row, allowance = await self._reads_with_allowance(False, author, "thread", now, category_id=category_id)
        return None if row is None else (row, allowance)

    async def _reads_with_allowance(self, reply: bool, author: m.User, action: Literal["thread", "reply"],
                                    now: dt.datetime, **keys: int) -> tuple[Any, Allowance | None]:
        """One row of the submit's reads (`submit_reads(reply, dialect)`: the posting checks and the
        author's posts in the window) and the allowance made from it; (None, None): no row. On
        SQLite the row also has the earning's reads, kept for the earning (`keep_earning_read`)."""
        from ..coins import service as coin_service  # (at import: a cycle through forum.web)

        window, limit, new_account = self._window(author, action, now)
        params = {**keys, "today": local_date(now), "settings_key": coin_service.SETTINGS_KEY,
                  "author_id": author.id, "since": now - window, "limit": limit}
        on_postgresql = _on_postgresql(self.session)
        if not on_postgresql:
            self.session.info.pop(coin_service.EARNING_READ_AHEAD, None)  # an earlier submit's: not to be used
            earning_now = coin_service.clock()  # the earning's clock, as `post.saving` reads it
            params.update(coin_service.earning_read_params(author.id, earning_now))
        row = (await self.session.execute(submit_reads(reply, on_postgresql), params)).first()
        if row is None:
            return None, None
        if on_postgresql:
            recent = row.recent or []
            count, oldest = len(recent), (recent[0] if recent else None)
        else:
            count, oldest = row.recent_count, row.recent_oldest
            coin_service.keep_earning_read(self.session, author.id, earning_now, row.coin_rules, row)
        return row, self._allowance_from(author, count, oldest, window, limit, new_account)

    async def _bump_category(self, category_id: int, delta: int) -> None:
        await self.session.execute(BUMP_CATEGORY, {"bumped_category_id": category_id, "delta": delta})

    async def _before_save(self, draft: Draft) -> None:
        if draft.photos:  # limits and the photo hold policy, before the moderation hooks see the draft
            from ..photos import service as photos

            if await photos.check(self.session, self.settings, draft.author, draft.photos, utcnow()):
                draft.visibility, draft.notes[photos.NOTE_HELD] = m.Visibility.HELD, True
        for hook in self.hooks:
            await hook.before_save(self.session, draft)

    async def _saving(self, draft: Draft) -> None:
        """The last step before a new post's first write: "post.saving" subscribers do their reads
        now (on SQLite, from the first INSERT to the commit every writer waits for this one)."""
        await events.emit("post.saving", self.session, draft=draft)

    async def _after_save(self, draft: Draft, post: m.Post) -> None:
        if draft.photos:
            from ..photos import service as photos

            await photos.attach(self.session, post, draft.photos, utcnow(), held=bool(draft.notes.get(photos.NOTE_HELD)))
        for hook in self.hooks:
            await hook.after_save(self.session, draft, post)
        if draft.action != "edit":
            await events.emit("post.created", self.session, post=post, thread=draft.thread, draft=draft)


# A member's recent threads (opening posts) or replies, oldest first: the posting allowance's count.
# (On the table's columns, not the mapped class's: the same SQL without the ORM's per-execution
# compile state and result processing, which cost more than the statement.)
_POSTS, _THREADS = m.Post.__table__, m.Thread.__table__
RECENT_POSTS = {
    opening: select(_POSTS.c.created_at).where(
        _POSTS.c.author_id == bindparam("author_id"), _POSTS.c.created_at > bindparam("since"),
        _POSTS.c.is_opening.is_(opening),
    ).order_by(_POSTS.c.created_at).limit(bindparam("limit")).execution_options(sqlite_on_loop=True)  # no hop
    for opening in (True, False)
}

def _recent_posts_array(opening: bool) -> Any:
    """PostgreSQL: `RECENT_POSTS[opening]`'s rows as one array (oldest first; NULL when none)."""
    recent = select(_POSTS.c.created_at).where(
        _POSTS.c.author_id == bindparam("author_id"), _POSTS.c.created_at > bindparam("since"),
        _POSTS.c.is_opening.is_(opening),
    ).order_by(_POSTS.c.created_at).limit(bindparam("limit")).subquery("recent")
    return select(func.array_agg(aggregate_order_by(recent.c.created_at, recent.c.created_at))).scalar_subquery()


def _recent_posts_count_and_oldest(opening: bool) -> tuple[Any, Any]:
    """SQLite (no arrays): how many rows `RECENT_POSTS[opening]` returns and the first of them (the
    oldest; NULL when none), as two sub-selects over the same `ORDER BY created_at LIMIT :limit` rows:
    what the allowance is made of (`PostingService._allowance_from`)."""
    recent = select(_POSTS.c.created_at).where(
        _POSTS.c.author_id == bindparam("author_id"), _POSTS.c.created_at > bindparam("since"),
        _POSTS.c.is_opening.is_(opening),
    ).order_by(_POSTS.c.created_at).limit(bindparam("limit")).subquery("recent")
    return (select(func.count()).select_from(recent).scalar_subquery().label("recent_count"),
            select(func.min(recent.c.created_at)).scalar_subquery().label("recent_oldest"))


@cache
def submit_reads(reply: bool, on_postgresql: bool) -> Any:
    """A reply's (`reply`) or a new thread's reads before its checks, in one statement
    (`PostingService._reads_with_allowance`): for a reply the thread as an entity (loaded as
    `session.get` loads it) joined to its category; the category's access, the terms in force and the
    coin rules (`POSTING_CHECKS`' columns, read by the same sub-selects); the author's replies or
    threads in the allowance's window (PostgreSQL: as an array, `recent`; SQLite: their count and the
    oldest). On SQLite also the earning's reads of the author's coins (`EARNING_COLUMNS`, which
    `prepare_earning` would otherwise read in a statement of its own just before the post's INSERT)."""
    from ..coins import service as coin_service  # (at import: a cycle through forum.web)

    columns: list[Any] = [m.Category.access, TERMS_IN_FORCE, COIN_RULES]
    if on_postgresql:
        columns.append(_recent_posts_array(not reply).label("recent"))
    else:
        columns += [*_recent_posts_count_and_oldest(not reply), *coin_service.EARNING_COLUMNS]
    if reply:
        statement = select(m.Thread, *columns).join(m.Category, m.Category.id == m.Thread.category_id) \
            .where(m.Thread.id == bindparam("thread_id"))
    else:
        statement = select(*columns).where(m.Category.id == bindparam("category_id"))
    # point reads on keys and one bounded range of the author's posts: no thread hop on SQLite
    return statement if on_postgresql else statement.execution_options(**ON_LOOP)

# A new thread's category count, built once (building and cache-keying the ORM UPDATE on every
# new thread cost more CPU than sending it). On the table: the ORM's bulk-update path did nothing here.
_CATEGORIES = m.Category.__table__
BUMP_CATEGORY = (
    update(_CATEGORIES).where(_CATEGORIES.c.id == bindparam("bumped_category_id"))
    .values(thread_count=_CATEGORIES.c.thread_count + bindparam("delta"))
)


@cache
def _bump_statement(also: tuple[str, ...]) -> Any:
    """The reply-count UPDATE setting these other columns too, built once per set of columns
    (every reply runs one: building and cache-keying it per request was a quarter millisecond)."""
    return (  # a Core UPDATE of the table: the ORM's bulk-update path did nothing here but cost CPU
        update(_THREADS).where(_THREADS.c.id == bindparam("bumped_thread_id"))
        .values(reply_count=_THREADS.c.reply_count + bindparam("delta"),
                **{name: bindparam(f"new_{name}", type_=_THREADS.c[name].type) for name in also})
        .returning(_THREADS.c.reply_count)
    )


async def bump_reply_count(session: AsyncSession, thread: m.Thread, delta: int, **also: Any) -> None:
    """Adds `delta` to a thread's reply count in one UPDATE and keeps the loaded thread in step.
    (`thread.reply_count += 1` read the count before the write: concurrent replies lost counts.)
    `also`: more thread columns to set in the same statement (a new reply's last activity), so
    they need no second UPDATE at the flush."""
    names = tuple(sorted(also))
    count = await session.scalar(_bump_statement(names), {
        "bumped_thread_id": thread.id, "delta": delta, **{f"new_{name}": also[name] for name in names}})
    set_committed_value(thread, "reply_count", count)
    for name, value in also.items():
        set_committed_value(thread, name, value)


def _on_postgresql(session: AsyncSession) -> bool:
    bind = session.bind
    return bind is not None and bind.dialect.name == "postgresql"


_REPLY_COLUMNS = ("author_id", "body_html", "body_raw", "is_opening", "thread_id", "visibility")
# The audit columns' Python-side defaults, bound by name in the statement with a WITH (SQLAlchemy does not
# fill them there); called at each execution, as the unit of work and `insert_row` call them.
_AUDIT_DEFAULTS = tuple((name, _POSTS.c[name].default.arg) for name in ("created_at", "updated_at"))


@cache
def _reply_and_bump_statement() -> tuple[Any, tuple[str, ...]]:
    """PostgreSQL: a published reply's INSERT and its thread's count and last activity
    (`bump_reply_count(thread, +1, last_activity_at=, last_author_id=)`) in one statement, the
    UPDATE as a data-modifying WITH whose new count the INSERT returns after the post's columns.
    The same rows and locks as the two statements (the INSERT's foreign-key check shares the
    thread row, the UPDATE locks it), one round trip fewer on every published reply."""
    # (`updated_at` bound by name: its Python-side `onupdate` would clash with the INSERT's own default
    # of the same column name; the value is what that `onupdate` gives, the time of the statement)
    bumped = _bump_statement(("last_activity_at", "last_author_id", "updated_at")).cte("bumped")
    insert_post, keys = insert_statement(m.Post, tuple(sorted(_REPLY_COLUMNS + tuple(n for n, _ in _AUDIT_DEFAULTS))))
    statement = insert_post.returning(select(bumped.c.reply_count).scalar_subquery().label("bumped_reply_count")) \
        .add_cte(bumped)
    return statement, keys


async def insert_reply_and_bump(session: AsyncSession, thread: m.Thread, now: dt.datetime,
                                values: dict[str, Any]) -> m.Post:
    """`insert_row(m.Post, **values)` then `bump_reply_count(thread, +1, last_activity_at=now,
    last_author_id=author)` in one round trip (PostgreSQL; a published reply)."""
    if session.new or session.dirty or session.deleted:
        await session.flush()  # what is pending goes first, as insert_row does
    assert tuple(sorted(values)) == _REPLY_COLUMNS
    author_id = values["author_id"]
    statement, keys = _reply_and_bump_statement()
    row = (await session.execute(statement, {
        **{f"v_{name}": values[name] for name in _REPLY_COLUMNS},
        **{f"v_{name}": default(None) for name, default in _AUDIT_DEFAULTS},
        "bumped_thread_id": thread.id, "delta": 1, "new_last_activity_at": now, "new_last_author_id": author_id,
        "new_updated_at": _THREADS.c.updated_at.onupdate.arg(None),
    })).one()
    post = adopt_row(session, m.Post, keys, row)
    set_committed_value(thread, "reply_count", row.bumped_reply_count)
    set_committed_value(thread, "last_activity_at", now)
    set_committed_value(thread, "last_author_id", author_id)
    return post


def validate_text(board: BoardSettings, title: str | None, body: str, *, with_title: bool) -> tuple[str | None, str]:
    """The title and body rules every post obeys (trimmed; empty and too long refused)."""
    errors: dict[str, str] = {}
    if with_title:
        title = " ".join((title or "").split())
        if not title:
            errors["title"] = N_("The title is empty.")
        elif len(title) > board.title_max:
            errors["title"] = N_("The title is longer than 200 characters.")
    body = (body or "").strip()
    if not body:
        errors["body"] = N_("The message is empty.")
    elif len(body) > board.body_max:
        errors["body"] = N_("The message is longer than 20,000 characters.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    return title, body
