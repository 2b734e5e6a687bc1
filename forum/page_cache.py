"""A page cache for guests: the home, category, thread and Ask Guru question pages rendered once and served to every
visitor without a session until something they show changes.

What makes it safe:
- Only requests without a session cookie use it, only GET, only those routes, only 200
  responses that set no cookie of their own. A request carrying a flash message (`forum.flash`)
  never uses a cache. Requests with a session (a member) go to `forum.member_pages`, which keeps members' pages apart, by kind of viewer,
  with their personal parts filled in per request; anything it cannot serve gets a fresh page.
- The key is the path with its query, the UI language and the notice banner as evaluated at
  this request's time (so a maintenance window opening or closing changes the key on the second).
- The CSRF token of the page's forms (the language switch) is the visitor's own: the stored body
  is split where the first visitor's token was and joined with this visitor's token on a hit
  (a new visitor gets a fresh token and its cookie, as Litestar's CSRF middleware would).
- Invalidation is by tag generations. Every page depends on a few tags ("all", "notices" and one
  of "home", "c:<category id>", "t:<thread id>"); an entry records the generation of each tag
  read *before* the page was rendered, and is served only while they are unchanged. Writes bump
  the tags they change *after* their transaction commits (`track_sessions`, below), so a render
  that raced a write is stored under the old generation and never served.
- The generations are shared by every server process: a memory-mapped file in the data dir (one
  machine; the session store is in the data dir too unless Redis is configured), or Redis when
  `REDIS_URL` is set. A write in one process is seen by the others on their next request.
  Pages are kept in each process's memory and in a store the processes share (`forum.shared_pages`:
  Redis, or files in the data dir for the processes of one `webboard serve`), so a page rendered by
  one process serves the others.
- A missing page is rendered once per process however many readers ask for it at that moment
  (`forum.single_flight`): the others wait for that render, keyed by the page *and the generations
  they read*, so a reader that arrives after a change never receives a render of the older ones.
  With a shared store it is rendered once across the processes too: the first process to miss it
  takes the page's lock there, the others wait for the page it stores (`forum.shared_pages`).

Which writes bump which tags is decided in one place, `tags_of_flush`, from what the unit of work
flushed (posts, threads, categories, notices, display-relevant member columns, guru answers...),
plus the domain events whose changes are bulk statements the unit of work does not see
(`forum.events`: an accepted or helpful guru answer, a thread closed as a duplicate).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import mmap
import os
import random
import re
import time
import weakref
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from sqlalchemy import event, select
from sqlalchemy.util.concurrency import await_only, in_greenlet
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

import models as m

from . import events, tail_trace
from .flash import has_flash
from .headers import request_cookie
from .i18n import current_locale
from .shared_pages import RedisStore, Store, file_store, lock_name, wait_for_other
from .single_flight import LED, Flights

log = logging.getLogger(__name__)

ALL = "all"  # categories, member names/tiers/status: on every page
NOTICES = "notices"  # the banner and the home page's notices
HOME = "home"  # the category list with thread counts
TERMS = "terms"  # terms versions (forum.member_cache)
ALL_NOTIFICATIONS = "n:all"  # notifications changed for members not known (forum.member_cache)
STATE_KEY = "page_cache"
CACHED_ROUTES = frozenset({"home", "category", "thread", "guru_question"})
SESSION_COOKIE = b"session"
TOKEN = re.compile(r"^[0-9a-f]{128}$")  # Litestar's CSRF token (64 hex + 64 hex HMAC)
USER_COLUMNS = ("display_name", "status", "tier", "role", "date_of_birth")  # what pages show or gate on
SESSION_TAGS = "page_cache_tags"


def thread_tag(thread_id: int) -> str:
    return f"t:{thread_id}"


def category_tag(category_id: int) -> str:
    return f"c:{category_id}"


def older_tag(category_id: int) -> str:
    """A category's older pages (`?after=`): bumped with `c:<id>` by every change of its listing except a
    reply, whose thread only leaves the older pages it was shown on (their `t:<id>` tags: see `narrow`)."""
    return f"co:{category_id}"


def listing_tags(category_id: int) -> set[str]:
    return {category_tag(category_id), older_tag(category_id)}


# A reply moves its thread to the key (its timestamp, id), taken when the request began. An older page
# is tagged by its rows only when its cursor is older than this margin at its render; a reply committed
# this long or more after its timestamp bumps the older pages' tag too, so a thread can never slip into
# an older page below its rows (a reply stamped before the cursor and committed after the render).
OLDER_MARGIN = dt.timedelta(seconds=30)
ROWS_STATE = "page_cache_rows"  # scope state: the thread ids an older category page read (rows + the next one)


def note_rows(request: Any, thread_ids: Iterable[int]) -> None:
    """Called by the category handler with the threads its page read, the one past the page included."""
    request.scope.setdefault("state", {})[ROWS_STATE] = tuple(thread_ids)


def user_tag(user_id: int) -> str:
    return f"u:{user_id}"


def notifications_tag(user_id: int) -> str:
    return f"n:{user_id}"


def session_tag(session_id: str) -> str:
    return f"s:{session_id}"


# --- generations ---------------------------------------------------------------------------------


class LocalGenerations:
    """Generations in a memory-mapped file shared by the processes of one machine. A tag hashes
    to one of `slots` 64-bit counters (two tags sharing a slot only invalidate each other more
    often). A bump writes a fresh random value, not an increment, so two processes bumping the
    same slot at once cannot both write the same "next" value and hide one of the changes."""

    def __init__(self, path: Path, slots: int = 1 << 16) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        size = slots * 8
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            self._map = mmap.mmap(fd, size)
        finally:
            os.close(fd)
        self._values = memoryview(self._map).cast("Q")
        self.slots = slots
        self.identity = f"file:{path.resolve()}"

    def _slot(self, tag: str) -> int:
        return zlib.crc32(tag.encode()) % self.slots

    async def values(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        return self.read(tags)

    def read(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        values = self._values
        return tuple(values[self._slot(tag)] for tag in tags)

    def bump(self, tags: Iterable[str]) -> None:
        for tag in in_bump_order(tags):
            self._values[self._slot(tag)] = random.getrandbits(63) + 1

    async def bump_async(self, tags: Iterable[str]) -> None:
        self.bump(tags)


class RedisGenerations:
    """Generations as Redis counters (several machines). Reads go through the asyncio client on
    the request's loop; bumps run in the writer's commit hook, which is synchronous, so they use
    a small blocking client (a write costs one round trip more)."""

    def __init__(self, url: str, prefix: str | None = None) -> None:
        self.url, self.prefix = url, prefix or os.environ.get("WEBBOARD_PAGE_CACHE_PREFIX", "webboard-pc")
        self.identity = f"redis:{url}:{self.prefix}"
        self._clients: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()  # a client per event loop
        self._sync: Any = None

    def _key(self, tag: str) -> str:
        return f"{self.prefix}:gen:{tag}"

    @property
    def client(self) -> Any:
        loop = asyncio.get_running_loop()
        if (client := self._clients.get(loop)) is None:
            from redis.asyncio import Redis

            client = self._clients[loop] = Redis.from_url(self.url)
        return client

    async def values(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        found = await self.client.mget([self._key(tag) for tag in tags])
        return tuple(int(value or 0) for value in found)

    def bump(self, tags: Iterable[str]) -> None:
        if self._sync is None:
            from redis import Redis

            self._sync = Redis.from_url(self.url)
        pipe = self._sync.pipeline(transaction=False)
        for tag in in_bump_order(tags):
            pipe.incr(self._key(tag))
        pipe.execute()

    async def bump_async(self, tags: Iterable[str]) -> None:
        """The same bump through the asyncio client: the event loop serves other requests while
        Redis answers (the blocking client held every request of the process for the round trip)."""
        pipe = self.client.pipeline(transaction=False)
        for tag in in_bump_order(tags):
            pipe.incr(self._key(tag))
        await pipe.execute()

    def page_key(self, key: str) -> str:
        return f"{self.prefix}:page:{key}"

    async def get_page(self, key: str) -> bytes | None:
        return await self.client.get(self.page_key(key))

    async def set_page(self, key: str, value: bytes, ttl: int) -> None:
        await self.client.set(self.page_key(key), value, ex=ttl)


Generations = LocalGenerations | RedisGenerations


def in_bump_order(tags: Iterable[str]) -> list[str]:
    """Category tags first: an older page tagged by its rows reads `c:<id>` again after its rows' tags
    (`PageCache.narrow`), so a write's `t:<id>` must move after its `c:<id>` (see there)."""
    return sorted(set(tags), key=lambda tag: not tag.startswith("c:"))

# Every generation store of this process: a commit anywhere in the process (a request, a CLI
# command, a test's own session) bumps them all.
_stores: dict[str, Generations] = {}


def register(store: Generations) -> Generations:
    return _stores.setdefault(store.identity, store)


def store_for(data_dir: Path, redis_url: str | None) -> Generations:
    if redis_url:
        return register(RedisGenerations(redis_url))
    return register(LocalGenerations(Path(data_dir) / "page-cache.gen"))


def _default_stores() -> list[Generations]:
    """A process that made no app (a CLI command) still tells the servers what it changed."""
    if not _stores:
        from .settings import get_settings

        settings = get_settings()
        store_for(settings.data_dir, settings.security.redis_url)
    return list(_stores.values())


def bump(tags: Iterable[str]) -> None:
    """Tells every generation store of the process that these tags changed, before returning.
    Called inside an AsyncSession's commit (its after_commit hook runs in SQLAlchemy's greenlet,
    on the event loop), the stores are told through their asyncio clients, awaited there: a commit
    that bumps Redis no longer blocks the event loop for the round trip."""
    tags = set(tags)
    if not tags:
        return
    stores = _default_stores()
    if in_greenlet() and any(isinstance(store, RedisGenerations) for store in stores):
        await_only(bump_async(tags))  # (the file of LocalGenerations is written at once: no switch for it)
        return
    for store in stores:
        try:
            store.bump(tags)
        except Exception:  # noqa: BLE001 - a store that cannot be told must not serve: drop all
            _bump_failed(tags)


async def bump_async(tags: Iterable[str]) -> None:
    tags = set(tags)
    if not tags:
        return
    for store in _default_stores():
        try:
            await store.bump_async(tags)
        except Exception:  # noqa: BLE001 - a store that cannot be told must not serve: drop all
            _bump_failed(tags)


def _bump_failed(tags: set[str]) -> None:
    log.exception("page cache: could not bump %s; clearing this process's pages", sorted(tags))
    for cache in list(_caches):
        cache.clear()


# --- what a write changes ------------------------------------------------------------------------


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = sa_inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in names)


def _old_and_new(obj: Any, name: str) -> set[Any]:
    history = sa_inspect(obj).attrs[name].history
    return {value for value in (*history.deleted, *history.unchanged, *history.added) if value is not None}


def tags_of_flush(new: Iterable[Any], dirty: Iterable[Any], deleted: Iterable[Any]) -> set[str]:
    tags: set[str] = set()
    for obj, kind in [*((o, "new") for o in new), *((o, "dirty") for o in dirty), *((o, "deleted") for o in deleted)]:
        if isinstance(obj, m.User):
            if kind != "new" and obj.id is not None:
                tags.add(user_tag(obj.id))  # the member's own row (forum.member_cache)
            if kind == "dirty" and _changed(obj, USER_COLUMNS) or kind == "deleted":
                tags.add(ALL)
        elif isinstance(obj, m.Notification):
            tags.update(notifications_tag(u) for u in _old_and_new(obj, "user_id"))
        elif isinstance(obj, m.TermsVersion):
            tags.add(TERMS)
        elif isinstance(obj, m.Category):
            # a new category's own page is not cached yet; but the home list and the slug map change
            tags.add(ALL)
        elif isinstance(obj, m.GuruProfile):
            tags.add(ALL)  # a guru's shown name on every answer
        elif isinstance(obj, m.Notice):
            tags.add(NOTICES)
        elif isinstance(obj, m.Thread):
            if obj.id is not None:
                tags.add(thread_tag(obj.id))
            for c in _old_and_new(obj, "category_id"):
                tags.update(listing_tags(c))
            if kind != "dirty" or _changed(obj, ("category_id", "visibility")):
                tags.add(HOME)  # counts on the home page
        elif isinstance(obj, m.Post):
            tags.update(thread_tag(t) for t in _old_and_new(obj, "thread_id"))
        elif (thread_id := getattr(obj, "thread_id", None)) is not None:
            tags.add(thread_tag(thread_id))  # guru answers and questions, duplicate marks...
        elif isinstance(obj, m.GuruHelpfulMark | m.GuruDisclaimer):
            pass  # shown through guru.answer_marked_helpful below; disclaimers are versioned, never edited
    return tags


# Bulk statements (session.execute(update(...))) the unit of work does not see. Tables whose bulk
# changes a domain event announces (with the thread they touch) are left to that event.
ANNOUNCED_BULK = frozenset({"guru_answers", "duplicate_answer_marks", "guru_helpful_marks"})
SHOWN_TABLES = frozenset({"users", "categories", "threads", "posts", "notices", "guru_questions", "guru_profiles",
                          "notifications", "terms_versions"})


def tags_of_bulk(table: str, columns: Iterable[str], users: set[int] | None = None) -> set[str]:
    if table in ANNOUNCED_BULK or table not in SHOWN_TABLES:
        return set()
    if table == "notifications":  # "mark all as read": the member's own count
        return {notifications_tag(u) for u in users} if users else {ALL_NOTIFICATIONS}
    if table == "terms_versions":
        return {TERMS}
    if table == "categories" and set(columns) <= {"thread_count", "updated_at"}:
        return {HOME}
    if table == "threads" and set(columns) <= {"reply_count", "last_activity_at", "last_author_id"}:
        # posting.bump_reply_count (with a new reply's last activity): its callers announce the thread (post.created,
        # post.visibility_changed, thread.closed_as_duplicate), which tags its pages precisely
        return set()
    if table == "notices":
        return {NOTICES}
    return {ALL}  # not attributable to one page: every page


def _bound_user_ids(statement: Any) -> set[int] | None:
    """The user ids a bulk statement's WHERE pins with `user_id == value` (None: not pinned)."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    found: set[int] = set()
    for node in visitors.iterate(where):
        if isinstance(node, BinaryExpression) and node.operator is operators.eq:
            left, right = node.left, node.right
            if getattr(left, "key", None) == "user_id" and isinstance(right, BindParameter) and isinstance(right.value, int):
                found.add(right.value)
    return found or None


def _add(session: Session, tags: Iterable[str]) -> None:
    session.info.setdefault(SESSION_TAGS, set()).update(tags)


def add_tags(session: Any, tags: Iterable[str]) -> None:
    """Tags to bump when this session commits (for writes the unit of work does not see)."""
    _add(_sync(session), tags)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if tags := tags_of_flush(session.new, session.dirty, session.deleted):
        _add(session, tags)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: Any) -> None:
    if not (state.is_update or state.is_delete):
        return
    statement = state.statement
    table = getattr(getattr(statement, "table", None), "name", None)
    columns = [getattr(key, "key", str(key)) for key in (getattr(statement, "_values", None) or {})]
    # Only a notifications UPDATE reads the pinned user ids (walking a WHERE clause is the costly
    # part, and every submit runs two UPDATEs of other tables).
    users = _bound_user_ids(statement) if table == "notifications" else None
    if table and (tags := tags_of_bulk(table, columns, users)):
        _add(state.session, tags)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tags = session.info.pop(SESSION_TAGS, None)
    if stamps := session.info.pop(REPLY_STAMPS, None):
        late = dt.datetime.now(dt.timezone.utc) - OLDER_MARGIN
        tags = set(tags or ())
        tags.update(older_tag(c) for c, stamp in stamps.items() if stamp is None or stamp <= late)
    if tags:
        bump(tags)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(SESSION_TAGS, None)
    session.info.pop(REPLY_STAMPS, None)


def _sync(session: Any) -> Session:
    return getattr(session, "sync_session", session)


@events.subscribe("guru.answer_accepted")
@events.subscribe("guru.answer_posted")
async def _guru_answer(session: Any, *, question: m.Thread, **_: Any) -> None:
    _add(_sync(session), {thread_tag(question.id)})


@events.subscribe("guru.answer_marked_helpful")
async def _helpful(session: Any, *, answer: m.Post, **_: Any) -> None:
    _add(_sync(session), {thread_tag(answer.thread_id)})


@events.subscribe("thread.closed_as_duplicate")
async def _closed_as_duplicate(session: Any, *, thread: m.Thread, original: m.Thread, **_: Any) -> None:
    _add(_sync(session), {thread_tag(thread.id), thread_tag(original.id), *listing_tags(thread.category_id),
                          *listing_tags(original.category_id), HOME})


@events.subscribe("post.visibility_changed")
async def _visibility(session: Any, *, post: m.Post, thread: m.Thread, **_: Any) -> None:
    _add(_sync(session), {thread_tag(thread.id), *listing_tags(thread.category_id), HOME})


@events.subscribe("post.photos_changed")  # a moderator removed one photo; the post stays
async def _photos_changed(session: Any, *, thread: m.Thread, **_: Any) -> None:
    _add(_sync(session), {thread_tag(thread.id), *listing_tags(thread.category_id)})


REPLY_STAMPS = "page_cache_reply_stamps"


@events.subscribe("post.created")
async def _created(session: Any, *, thread: m.Thread, post: Any = None, **_: Any) -> None:
    """A reply: its thread's page and its category's first page. The older pages change only where the
    thread was shown (its `t:<id>`), unless the reply commits late (`OLDER_MARGIN`, checked at the commit)."""
    sync = _sync(session)
    _add(sync, {thread_tag(thread.id), category_tag(thread.category_id)})
    if post is not None and getattr(post, "is_opening", False):
        _add(sync, {older_tag(thread.category_id)})  # (a new thread's INSERT tags them already)
        return
    stamp = thread.last_activity_at
    stamps = sync.info.setdefault(REPLY_STAMPS, {})
    if stamp is None:
        stamps[thread.category_id] = None
    elif thread.category_id not in stamps or (stamps[thread.category_id] is not None
                                              and _aware(stamp) < stamps[thread.category_id]):
        stamps[thread.category_id] = _aware(stamp)


def _aware(stamp: dt.datetime) -> dt.datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)


@events.subscribe("membership.ended")
async def _ended(session: Any, **_: Any) -> None:
    _add(_sync(session), {ALL})  # "former member" on their posts


# --- the cache -----------------------------------------------------------------------------------


class Entry(msgspec.Struct, array_like=True):
    parts: list[bytes]  # the body split where the rendering visitor's CSRF token was
    headers: list[tuple[bytes, bytes]]
    tags: tuple[str, ...]
    generations: tuple[int, ...]


_caches: list[PageCache] = []


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    waited: int = 0  # served the page another request of this process was rendering (forum.single_flight)
    shared: int = 0  # served the page another process rendered for the same generations (forum.shared_pages)


class PageCache:
    def __init__(self, generations: Generations, *, max_entries: int = 20_000, redis_ttl: int = 3600,
                 store: Store | None = None) -> None:
        self.generations = generations
        self.max_entries = max_entries
        self.redis_ttl = redis_ttl
        if store is None and isinstance(generations, RedisGenerations):
            store = RedisStore(generations)
        self.store = store  # pages shared with the other processes (forum.shared_pages), or None
        self.shared = store is not None
        self._entries: collections.OrderedDict[str, Entry] = collections.OrderedDict()
        self._slugs: dict[str, int] | None = None
        self._slugs_generation: int | None = None
        self._notices_generation: int | None = None
        self.stats = Stats()
        # one render at a time per page and generations; the member page cache uses it too
        self.flights: Flights[Any] = Flights(float(os.environ.get("WEBBOARD_PAGE_CACHE_WAIT", "3")))
        self.members: Any = None  # forum.member_pages.MemberPages, for requests with a session
        _caches.append(self)

    @classmethod
    def from_settings(cls, settings: Any) -> PageCache | None:
        if os.environ.get("WEBBOARD_PAGE_CACHE", "1") in ("0", "false", "off"):
            return None
        generations = store_for(settings.data_dir, settings.security.redis_url)
        return cls(generations, store=None if isinstance(generations, RedisGenerations) else file_store(settings.data_dir))

    def clear(self) -> None:
        self._entries.clear()
        self._slugs = self._slugs_generation = None
        if self.members is not None:
            self.members.clear()

    # The middleware (inside the locale middleware, outside the session middleware).
    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def page_cache(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] != "GET":
                await app(scope, receive, send)
                return
            if has_flash(scope.get("headers", ())):  # a page showing a message is the visitor's own: never cached
                await app(scope, receive, send)
                return
            if _has_session(scope):  # a member (forum.member_pages), or a guest with a flash message from an older version
                if self.members is not None:
                    await self.members.serve(app, scope, receive, send)
                else:
                    await app(scope, receive, send)
                return
            handler = scope.get("route_handler")
            if getattr(handler, "name", None) not in CACHED_ROUTES:
                await app(scope, receive, send)
                return
            await self._serve(app, scope, receive, send)

        return page_cache

    async def _serve(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        litestar_app = scope["app"]
        token = _visitor_token(scope, litestar_app)
        if token is False:
            await app(scope, receive, send)
            return
        found = await self.tags_and_generations(scope)
        key = await self.page_key(scope) if found is not None else None
        if key is None:
            await app(scope, receive, send)
            return
        tags, generations = found
        entry = self._entries.get(key)
        fresh = entry is not None and await self.fresh(entry, tags, generations)
        flight = ("guest", key, tags, generations)
        # A render of this page for these generations already running here: wait for it (its leader looked
        # in the shared store just now and renders, or takes another process's page, for everyone here).
        if self.shared and not fresh and not self.flights.running(flight):
            raw = await self.store.get(key)  # type: ignore[union-attr]
            entry = msgspec.msgpack.decode(raw, type=Entry) if raw else None
            fresh = entry is not None and await self.fresh(entry, tags, generations)
        if fresh:
            self.stats.hits += 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
            await self._send_entry(entry, token, litestar_app, send)
            return
        self.stats.misses += 1
        shared = await self.flights.run(flight, lambda: self._lead(app, scope, receive, send, key, tags, generations,
                                                                   token, flight))
        if shared is LED:
            return
        if shared is not None:  # rendered by another request that asked for the same generations
            self.stats.waited += 1
            await self._send_entry(shared, token, litestar_app, send)
            return
        await self._render_and_store(app, scope, receive, send, key, tags, generations)  # nothing shareable came

    async def _lead(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, key: str,
                    tags: tuple[str, ...], generations: tuple[int, ...], token: str | None,
                    flight: Any = None) -> Entry | None:
        """This process's one render of a missing page: the page another process renders for the same
        generations when there is one (forum.shared_pages), else rendered here."""
        started = time.monotonic()
        found, handle = await self.from_other_process(key, Entry, tags, generations)
        if tail_trace.PATH is not None:
            tail_trace.note("lead_lock", (time.monotonic() - started) * 1000, started)
        if found is not None:
            self.stats.shared += 1
            await self._remember(self._entries, key, found, self.max_entries)
            if flight is not None:
                self.flights.publish(flight, found)
            await self._send_entry(found, token, scope["app"], send)
            return found
        try:
            return await self._render_and_store(app, scope, receive, send, key, tags, generations, flight)
        finally:
            if handle is not None:
                started = time.monotonic()
                await self.store.release(lock_name(key, generations), handle)  # type: ignore[union-attr]
                if tail_trace.PATH is not None:
                    tail_trace.note("lead_release", (time.monotonic() - started) * 1000, started)

    async def from_other_process(self, shared_key: str, kind: type, tags: tuple[str, ...],
                                 generations: tuple[int, ...]) -> tuple[Any, Any]:
        """(entry, None): the page as another process rendered it for these generations; (None, handle):
        render it here, holding the lock other processes wait on (release it with the store); (None, None):
        render it here without it."""
        if self.store is None:
            return None, None

        async def usable(raw: bytes) -> Any:
            entry = msgspec.msgpack.decode(raw, type=kind)
            return entry if await self.fresh(entry, tags, generations) else None

        return await wait_for_other(self.store, shared_key, lock_name(shared_key, generations), usable, self.flights.wait)

    @staticmethod
    async def _remember(entries: collections.OrderedDict[str, Any], key: str, entry: Any, max_entries: int) -> None:
        entries[key] = entry
        entries.move_to_end(key)
        while len(entries) > max_entries:
            entries.popitem(last=False)

    async def tags_and_generations(self, scope: Scope) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
        """The tags this page depends on and their generations now (read before it is rendered),
        or None for a page that cannot be keyed (an unknown category slug)."""
        litestar_app = scope["app"]
        name = scope["route_handler"].name
        params = scope.get("path_params") or {}
        while True:
            tags = self._page_tags(name, params, scope.get("query_string", b"") if name == "category" else b"")
            generations = await self.generations.values(tags or (ALL, NOTICES))
            if name != "category" or self._slugs_generation == generations[0]:
                break
            await self._load_slugs(litestar_app, generations[0])  # a category changed since the map was read
        if self._notices_generation != generations[1]:  # a notice changed (maybe in another process)
            if (board := litestar_app.state.get("notices_board")) is not None:
                board.invalidate()
            self._notices_generation = generations[1]
        return None if tags is None else (tags, generations)

    def _page_tags(self, name: str, params: dict[str, Any], query: bytes = b"") -> tuple[str, ...] | None:
        if name in ("thread", "guru_question"):
            return (ALL, NOTICES, thread_tag(params["thread_id"]))
        if name == "home":
            return (ALL, NOTICES, HOME)
        category_id = (self._slugs or {}).get(params.get("slug"))
        if category_id is None:
            return None
        if _older_cursor(query):
            # An older page: looked up and rendered under both category tags; stored under its rows' tags
            # instead of `c:<id>` when that is safe (`narrow`).
            return (ALL, NOTICES, older_tag(category_id), category_tag(category_id))
        return (ALL, NOTICES, category_tag(category_id))

    async def fresh(self, entry: Any, tags: tuple[str, ...], generations: tuple[int, ...]) -> bool:
        """Whether a stored page may be served to a request that read `tags` at `generations`: the same
        tags at the same generations, or (an older category page stored by its rows) the same first three
        and its rows' tags unchanged since it was rendered."""
        if entry.tags == tags:
            return entry.generations == generations
        if (len(tags) == 4 and len(entry.tags) > 3 and entry.tags[:3] == tags[:3]
                and entry.generations[:3] == generations[:3] and entry.tags[2].startswith("co:")):
            return await self.generations.values(entry.tags[3:]) == tuple(entry.generations[3:])
        return False

    async def narrow(self, scope: Scope, tags: tuple[str, ...],
                     generations: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The tags and generations to store a rendered page under. An older category page (`?after=`,
        its cursor older than `OLDER_MARGIN`) is stored under `co:<id>` and the `t:<id>` of the threads it
        read instead of `c:<id>`: a reply to another thread leaves it as it was (that thread moves to the
        first page and leaves only a page it was on). Everything else that changes the listing bumps
        `co:<id>` with `c:<id>`.

        Race-free because the rows' generations are read *after* the render and `c:<id>` once more after
        them: a write bumps `c:<id>` before its `t:<id>` (`in_bump_order`), so if `c:<id>` has not moved
        since before the render, no write the render missed has bumped a row's tag yet (its bump comes
        later and drops the page). If it moved, the page keeps `c:<id>` (and is not stored: it changed)."""
        rows = (scope.get("state") or {}).get(ROWS_STATE)
        if len(tags) != 4 or rows is None or not _older_cursor(scope.get("query_string", b""), OLDER_MARGIN):
            return tags, generations
        row_tags = tuple(thread_tag(t) for t in dict.fromkeys(rows))
        row_generations = await self.generations.values(row_tags) if row_tags else ()
        if (await self.generations.values(tags[3:]))[0] != generations[3]:
            return tags, generations
        return (*tags[:3], *row_tags), (*generations[:3], *row_generations)

    async def _load_slugs(self, litestar_app: Any, all_generation: int) -> None:
        """Category slugs to ids (a category page's tag), read again after any category change."""
        from .notices.gate import app_session_maker

        async with app_session_maker(litestar_app)() as session:
            rows = await session.execute(select(m.Category.slug, m.Category.id))
            self._slugs = {row.slug: row.id for row in rows}
        self._slugs_generation = all_generation

    async def page_key(self, scope: Scope) -> str | None:
        from .notices.gate import BANNER_KEY, current_banner

        scope.setdefault("state", {})
        banner = await current_banner(ASGIConnection(scope))  # kept in the request state for the gate
        if banner is not None and any(w.whole_board for w in banner.active):
            return None  # the gate answers
        fingerprint = "" if banner is None else "|".join(
            ",".join(str(n.id) for n in group) for group in (banner.active, banner.upcoming, banner.outages, banner.important))
        scope["state"][BANNER_KEY] = banner
        query = scope.get("query_string", b"").decode("latin-1")
        return f"{current_locale.get()}|{fingerprint}|{scope['path']}?{query}"

    async def _send_entry(self, entry: Entry, token: str | None, litestar_app: Any, send: Send) -> None:
        headers = list(entry.headers)
        if token is None:  # a first visit: a CSRF token and its cookie, as the CSRF middleware gives
            config = litestar_app.csrf_config
            token = generate_csrf_token(secret=config.secret)
            cookie = Cookie(key=config.cookie_name, value=token, path=config.cookie_path, secure=config.cookie_secure,
                            httponly=config.cookie_httponly, samesite=config.cookie_samesite, domain=config.cookie_domain)
            headers.append((b"set-cookie", cookie.to_header(header="").encode("latin-1")))
        body = token.encode().join(entry.parts)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _render_and_store(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, key: str,
                                tags: tuple[str, ...], generations: tuple[int, ...], flight: Any = None) -> Entry | None:
        """Renders the page for this request and keeps it; returns the entry (None: not shareable).

        The page is handed to this process's waiters, then stored, *before* it is sent to this request:
        sending may give the event loop to other work (a submit's classifier, a duplicate query), and
        every reader of the page, in this process and the others, waits for it. The waiters here are
        handed it before the store is written (`keep`: two Redis round trips with a shared store, during
        which the event loop runs other work): they asked for these generations, whether or not it is
        stored (`keep` leaves out a page whose generations moved during the render)."""
        messages: list[Message] = []
        started = time.monotonic()
        try:
            status, raw_headers, body = await run_and_keep(app, scope, receive, _collect(messages))
        except BaseException:
            await _forward(messages, send)
            raise
        rendered = time.monotonic()
        entry = self._entry_of(scope, status, raw_headers, body, *await self.narrow(scope, tags, generations))
        if entry is not None:
            if flight is not None:  # this process's waiters asked for these generations: theirs at once
                self.flights.publish(flight, entry)
            await self.keep(self._entries, key, entry, key, self.stats, self.max_entries)
        if tail_trace.PATH is not None:
            tail_trace.note("lead_app", (rendered - started) * 1000, started)
            tail_trace.note("lead_keep", (time.monotonic() - rendered) * 1000, rendered)
        await _forward(messages, send)
        return entry

    @staticmethod
    def _entry_of(scope: Scope, status: int | None, raw_headers: list[tuple[bytes, bytes]], body: bytes,
                  tags: tuple[str, ...], generations: tuple[int, ...]) -> Entry | None:
        if status != 200:
            return None
        headers: list[tuple[bytes, bytes]] = []
        csrf_cookie = (scope["app"].csrf_config.cookie_name + "=").encode()
        for name, value in raw_headers:
            name = bytes(name).lower()
            if name == b"set-cookie":
                if not bytes(value).startswith(csrf_cookie):
                    return None  # the page set a cookie of its own (a session): not shareable
                continue
            headers.append((name, bytes(value)))
        token = ScopeState.from_scope(scope).csrf_token
        parts = body.split(token.encode()) if isinstance(token, str) and TOKEN.match(token) else [body]
        return Entry(parts, headers, tags, generations)

    async def keep(self, entries: collections.OrderedDict[str, Any], key: str, entry: Any, shared_key: str,
                   stats: Any, max_entries: int) -> None:
        """Stores a rendered page, unless what it shows changed while it was rendered: it could never be
        served then, and it must not take the place of the newer page a later request may have stored."""
        if await self.generations.values(entry.tags) != entry.generations:
            return
        await self._remember(entries, key, entry, max_entries)
        stats.stored += 1
        if self.store is not None:
            await self.store.put(shared_key, msgspec.msgpack.encode(entry), self.redis_ttl)


async def page_cache_stats_on_shutdown(app: Any) -> None:
    """With WEBBOARD_PAGE_CACHE_STATS=<file>, each server process appends its caches' counters there
    when it stops (hits, renders stored, pages waited for or taken from another process: for the benchmarks)."""
    path, cache = os.environ.get("WEBBOARD_PAGE_CACHE_STATS"), app.state.get("page_cache")
    if not path or cache is None:
        return
    from dataclasses import asdict

    line = {"pid": os.getpid(), "guest": asdict(cache.stats),
            "member": asdict(cache.members.stats) if cache.members is not None else None}
    with open(path, "a", encoding="utf-8") as out:
        out.write(msgspec.json.encode(line).decode() + "\n")


async def run_and_keep(app: ASGIApp, scope: Scope, receive: Receive,
                       forward: Send | None = None) -> tuple[int | None, list[tuple[bytes, bytes]], bytes]:
    """Runs the app for this request and keeps its response (status, headers, body), handing
    each message on to `forward` as it comes when there is one."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
        if forward is not None:
            await forward(message)

    await app(scope, receive, keep)
    return start.get("status"), list(start.get("headers", ())), b"".join(chunks)


def _older_cursor(query: bytes, margin: dt.timedelta | None = None) -> bool:
    """Whether a category page's query asks for an older page (`after`, and no `before`, which wins);
    with `margin`: and its cursor is a valid one at least that much older than now."""
    if not query or b"after=" not in query:
        return False
    from urllib.parse import parse_qs

    found = parse_qs(query.decode("latin-1"))
    if not found.get("after") or found.get("before"):
        return False
    if margin is None:
        return True
    from .services.reading import Cursor

    cursor = Cursor.decode(found["after"][-1])
    return cursor is not None and cursor.at <= dt.datetime.now(dt.timezone.utc) - margin


def _collect(messages: list[Message]) -> Send:
    async def collect(message: Message) -> None:
        messages.append(message)

    return collect


async def _forward(messages: list[Message], send: Send) -> None:
    for message in messages:
        await send(message)


def _has_session(scope: Scope) -> bool:
    return request_cookie(scope.get("headers", ()), SESSION_COOKIE) not in (None, b"", b"null")


def _visitor_token(scope: Scope, litestar_app: Any) -> str | None | bool:
    """The visitor's CSRF token (their cookie), None for a first visit, False for a cookie that
    is not a token this app could have made (left to the app)."""
    config = litestar_app.csrf_config
    if config is None:
        return False
    value = request_cookie(scope.get("headers", ()), config.cookie_name.encode())
    if value is None:
        return None
    text = value.decode("latin-1")
    return text if TOKEN.match(text) else False
