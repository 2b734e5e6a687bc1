"""Logged-in members' reading pages (home, category, thread) rendered once per *kind of viewer* and
filled in per member: the render cache behind `forum.page_cache` for requests with a session.

What a member sees on these pages is the guest's page plus a few personal parts: the account
menu (name, avatar, unread count, log-out form), the CSRF token in every form, the Edit/Delete or
Report links under each post and the "Report photo" link under photos that are not theirs. Those
parts are written by the template helpers below. While a page is rendered for the cache they
write a *slot* (a marker holding a random per-render nonce, so no post text can contain one), and
the stored page is the text between the slots. Serving it joins the text with each slot filled
for this viewer: a few string joins instead of the queries and the template.

What may differ between viewers beyond the slots is the key: the viewer's class ("admin" sees held
posts, the duplicate tools and the admin links; every other member sees the same page), the UI
language, the notice banner and the path with its query. Gates are checked per request: the entry
records its category's access level, and a member who may not enter (Gold-only, 18+) is sent to
the app, which answers the 403. A member with a held post of their own in the thread (visible only
to them) is sent to the app too, and a page rendered for such a member is not stored.

Only a request whose member is fully known without the database is served or rendered this way:
a session holding nothing but the member id (no flash message), not due for its hourly renewal;
the member's row, unread count and the terms in force kept by `forum.member_cache` and current;
an active or suspended member whose last visit was stamped in the last 12 hours and who has
accepted the terms in force. Anything else takes the ordinary path (which then keeps the copies,
so the next request qualifies). Invalidation is the guest cache's: the same tags and generations,
and so is the single flight (one render per kind of viewer, page and generations; the members who
waited for it have their own parts filled in and their gates checked as on a hit).
`WEBBOARD_MEMBER_PAGE_CACHE=0` turns this off while keeping the guest cache.
"""

from __future__ import annotations

import collections
import functools
import datetime as dt
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import msgspec
from jinja2 import pass_context
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.types import ASGIApp, Empty, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

import models as m

from .access import access_problem
from .i18n import current_locale, gettext
from .shared_pages import lock_name
from .single_flight import LED

SLOT_STATE = "member_page_nonce"  # scope state: this render writes slots with this nonce
META_STATE = "member_page_meta"  # scope state: what the handler says about the page (PageMeta)
MEMBER_ROUTES = frozenset({"home", "category", "thread"})
PLAIN_SESSION_KEYS = frozenset({"user_id", "_renewed"})  # anything more (a flash message) is personal
LAST_SEEN_EVERY = dt.timedelta(hours=12)  # forum.web.provide_user stamps last_seen_at this often
ENDED = (m.MemberStatus.REVOKED.value, m.MemberStatus.RESIGNED.value)


@dataclass(frozen=True)
class PageMeta:
    """Set by a handler on a page it rendered for the cache: the category access level to check per
    request, and who has held posts on it (those members' pages are their own)."""

    access: str
    held_authors: frozenset[int] = frozenset()


def describe(request: Any, access: m.CategoryAccess | str, held_authors: frozenset[int] = frozenset()) -> None:
    """Called by the reading handlers once the page is known to be shown: lets it be stored."""
    if SLOT_STATE in request.scope.get("state", {}):
        value = access.value if isinstance(access, m.CategoryAccess) else access
        request.scope["state"][META_STATE] = PageMeta(value, held_authors)


def rendering_for_cache(request: Any) -> bool:
    return SLOT_STATE in request.scope.get("state", {})


class PersonalPartInSharedPage(RuntimeError):
    """A template read something about its viewer while rendering a page stored for many viewers."""


class KindOfViewer:
    """The `user` a page stored for every member of a kind is rendered with: it says that there is
    a viewer and whether they are an admin, and refuses (loudly, not as an empty value) anything
    else, so a template change that shows something personal fails its tests instead of showing
    one member's data to the others. Personal parts go through the helpers above (slots)."""

    __slots__ = ("is_admin",)

    def __init__(self, is_admin: bool) -> None:
        self.is_admin = is_admin

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        raise PersonalPartInSharedPage(
            f"user.{name} on a page stored for every {'admin' if self.is_admin else 'member'}: "
            "write it through a forum.member_pages helper (a slot filled per viewer)")


def shared_viewer(request: Any) -> KindOfViewer | None:
    """The `user` for the template of a page that will be stored (see `describe`), else None."""
    user = request.state.get("user")
    if user is None or META_STATE not in request.scope.get("state", {}):
        return None
    return KindOfViewer(bool(user.is_admin))


# --- the personal parts: one function each, used by the templates and by the fill ---------------


def _token_input(token: str) -> str:
    return f'<input type="hidden" name="_csrf_token" value="{escape(token)}" />'


@functools.lru_cache(maxsize=8)
def _labels(locale: str) -> dict[str, str]:
    """The fragments' words in one language, escaped once (these run for every post of a page)."""
    from .ui import icon  # (forum.ui imports the controllers, which import forum.web, which imports this)

    words = ("Notifications", "unread", "Your profile", "Log out", "Edit", "Delete", "Report", "Report photo")
    return {word: str(escape(gettext(word))) for word in words} | {"bell": str(icon("bell"))}


def account_html(user_id: int, name: str, unread: int, csrf_input: str) -> Markup:
    from .ui import avatar

    t = _labels(current_locale.get())
    badge = f' <span class="badge"><span class="sr">{t["unread"]}: </span>{int(unread)}</span>' if unread else ""
    return Markup(
        f'<a href="/notifications" class="bell" title="{t["Notifications"]}">{t["bell"]}<span class="sr">{t["Notifications"]}</span>{badge}</a>\n'
        f'        <a href="/profile" class="me" title="{t["Your profile"]}">{avatar(name, user_id)}<span class="me-name">{escape(name)}</span></a>\n'
        f'        <form method="post" action="/logout" class="inline">{csrf_input}<button type="submit" class="link nowrap">{t["Log out"]}</button></form>'
    )


def post_actions_html(viewer_id: int, post_id: int, author_id: int, csrf_input: str) -> Markup:
    t = _labels(current_locale.get())
    post_id = int(post_id)
    if viewer_id == author_id:
        return Markup(
            f'<footer class="actions"><a href="/p/{post_id}/edit">{t["Edit"]}</a>\n'
            f'    <form method="post" action="/p/{post_id}/delete" class="inline">{csrf_input}<button type="submit" class="link">{t["Delete"]}</button></form>\n'
            '  </footer>'
        )
    return Markup(f'<footer class="actions"><a href="/p/{post_id}/report" rel="nofollow">{t["Report"]}</a></footer>')


def photo_report_html(viewer_id: int, photo_id: int, owner_id: int) -> Markup:
    if viewer_id == owner_id:
        return Markup("")
    t = _labels(current_locale.get())
    return Markup(f'<a class="photo-report" href="/photos/{int(photo_id)}/report" rel="nofollow">{t["Report photo"]}</a>')


def _nonce(context: Any) -> str | None:
    request = context.get("request")
    return request.scope.get("state", {}).get(SLOT_STATE) if request is not None else None


def _slot(nonce: str, *parts: Any) -> Markup:
    return Markup(f"{nonce}{'.'.join(str(p) for p in parts)}{nonce}")


@pass_context
def account_menu(context: Any) -> Markup:
    """The signed-in part of the page header (base.html, only when there is a user)."""
    if nonce := _nonce(context):
        return _slot(nonce, "acct")
    user = context["user"]
    return account_html(user.id, user.display_name, context.get("unread_notifications") or 0, str(context.get("csrf_input", "")))


@pass_context
def post_actions(context: Any, post_id: int, author_id: int) -> Markup:
    """Under a post, for a signed-in viewer: Edit/Delete on their own, Report on others'."""
    if nonce := _nonce(context):
        return _slot(nonce, "post", post_id, author_id)
    return post_actions_html(context["user"].id, post_id, author_id, str(context.get("csrf_input", "")))


@pass_context
def photo_report(context: Any, photo_id: int, owner_id: int) -> Markup:
    if nonce := _nonce(context):
        return _slot(nonce, "photo", photo_id, owner_id)
    return photo_report_html(context["user"].id, photo_id, owner_id)


TEMPLATE_GLOBALS = {"account_menu": account_menu, "post_actions": post_actions, "photo_report": photo_report}


# --- the cache ----------------------------------------------------------------------------------


class MemberEntry(msgspec.Struct, array_like=True):
    parts: list[bytes]  # text, slot, text, slot, ... text (slots as "kind.arg.arg")
    headers: list[tuple[bytes, bytes]]  # without content-length (the filled body's length differs)
    tags: tuple[str, ...]
    generations: tuple[int, ...]
    access: str
    held_authors: frozenset[int]


@dataclass
class Viewer:
    user_id: int
    values: dict[str, Any]
    unread: int
    token: str | None  # their CSRF cookie (None: a token and its cookie are given with the page)
    kind: str  # "admin" or "member"
    _user: m.User | None = field(default=None, repr=False)

    def user(self) -> m.User:
        """A detached copy for the gate check (only built for a gated category)."""
        if self._user is None:
            self._user = m.User(**self.values)
        return self._user


@dataclass
class MemberStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    passed: int = 0  # sent to the ordinary path (not known enough, gated, own held post...)
    waited: int = 0  # filled in from the page another request of this process was rendering (forum.single_flight)
    shared: int = 0  # filled in from the page another process rendered (forum.shared_pages)


class MemberPages:
    def __init__(self, page_cache: Any, member_cache: Any, session_backend: Any, *, max_entries: int = 20_000) -> None:
        self.page_cache, self.member_cache, self.session_backend = page_cache, member_cache, session_backend
        self.max_entries = max_entries
        self._entries: collections.OrderedDict[str, MemberEntry] = collections.OrderedDict()
        self.stats = MemberStats()

    @classmethod
    def enabled(cls) -> bool:
        return os.environ.get("WEBBOARD_MEMBER_PAGE_CACHE", "1") not in ("0", "false", "off")

    def clear(self) -> None:
        self._entries.clear()

    async def serve(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        viewer = await self._viewer(scope)
        if viewer is None:
            self.stats.passed += 1
            await app(scope, receive, send)
            return
        found = await self.page_cache.tags_and_generations(scope)
        key = await self.page_cache.page_key(scope) if found is not None else None
        if key is None:
            self.stats.passed += 1
            await app(scope, receive, send)
            return
        tags, generations = found
        key = f"{viewer.kind}|{key}"
        entry = self._entries.get(key)
        fresh = entry is not None and await self.page_cache.fresh(entry, tags, generations)
        flight = ("member", key, tags, generations)
        # (a render of it for these generations running here: wait for that, as in forum.page_cache)
        if self.page_cache.shared and not fresh and not self.page_cache.flights.running(flight):
            raw = await self.page_cache.store.get(f"m|{key}")
            entry = msgspec.msgpack.decode(raw, type=MemberEntry) if raw else None
            fresh = entry is not None and await self.page_cache.fresh(entry, tags, generations)
        if entry is not None and fresh:
            if not self._may_use(entry, viewer):
                self.stats.passed += 1
                await app(scope, receive, send)
                return
            self.stats.hits += 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
            await self._send(entry.parts, entry.headers, 200, viewer, scope, send)
            return
        self.stats.misses += 1
        # One render per kind of viewer, page and generations: the others wait for it and fill in their own parts.
        shared = await self.page_cache.flights.run(
            flight, lambda: self._lead(app, scope, receive, send, viewer, key, tags, generations, flight))
        if shared is LED:
            return
        if shared is None:  # nothing shareable came (an error, a page of the renderer's own, too slow)
            await self._render(app, scope, receive, send, viewer, key, tags, generations)
        elif not self._may_use(shared, viewer):  # gated for this member, or their own held post is on it
            self.stats.passed += 1
            await app(scope, receive, send)
        else:
            self.stats.waited += 1
            await self._send(shared.parts, shared.headers, 200, viewer, scope, send)

    @staticmethod
    def _may_use(entry: MemberEntry, viewer: Viewer) -> bool:
        if viewer.kind == "member" and viewer.user_id in entry.held_authors:
            return False  # their own held post is on it: a page of their own
        if entry.access != m.CategoryAccess.OPEN.value:
            return access_problem(m.CategoryAccess(entry.access), viewer.user()) is None
        return True

    async def _viewer(self, scope: Scope) -> Viewer | None:
        """The member of this request, if everything the page needs about them is known here."""
        handler = scope.get("route_handler")
        if getattr(handler, "name", None) not in MEMBER_ROUTES:
            return None
        from .page_cache import _visitor_token

        token = _visitor_token(scope, scope["app"])
        if token is False:
            return None
        backend = self.session_backend
        connection = ASGIConnection(scope)
        session_id = backend.get_session_id(connection)
        if session_id is None:
            return None
        raw = await backend._kept_or_read(connection, session_id)
        data = backend.deserialize_data(raw) if raw is not None else None
        if not data or not set(data) <= PLAIN_SESSION_KEYS or not isinstance(user_id := data.get("user_id"), int):
            return None
        from .sessions import RENEW_AFTER_SECONDS

        if time.time() - float(data.get("_renewed") or 0) >= RENEW_AFTER_SECONDS - 60:
            return None  # the ordinary path rewrites it (sliding expiry)
        kept = await self.member_cache.peek(user_id)
        if kept is None:
            return None
        values, unread = kept
        if _value(values["status"]) in ENDED:
            return None
        seen = values.get("last_seen_at")
        if seen is None or dt.datetime.now(dt.timezone.utc) - seen > LAST_SEEN_EVERY - dt.timedelta(minutes=1):
            return None
        if not await self.member_cache.terms_accepted(values.get("terms_version")):
            return None
        kind = "admin" if _value(values["role"]) == m.Role.ADMIN.value else "member"
        return Viewer(user_id, values, unread, token, kind)  # type: ignore[arg-type]

    async def _lead(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, viewer: Viewer, key: str,
                    tags: tuple[str, ...], generations: tuple[int, ...], flight: Any = None) -> MemberEntry | None:
        """This process's one render of a missing page: the one another process renders for the same kind
        of viewer and generations when there is one (forum.shared_pages), else rendered here."""
        found, handle = await self.page_cache.from_other_process(f"m|{key}", MemberEntry, tags, generations)
        if found is not None:
            self.stats.shared += 1
            await self.page_cache._remember(self._entries, key, found, self.max_entries)
            if flight is not None:
                self.page_cache.flights.publish(flight, found)
            if self._may_use(found, viewer):
                await self._send(found.parts, found.headers, 200, viewer, scope, send)
            else:  # gated for this member, or their own held post is on it
                self.stats.passed += 1
                await app(scope, receive, send)
            return found
        try:
            return await self._render(app, scope, receive, send, viewer, key, tags, generations, flight)
        finally:
            if handle is not None:
                await self.page_cache.store.release(lock_name(f"m|{key}", generations), handle)

    async def _render(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, viewer: Viewer, key: str,
                      tags: tuple[str, ...], generations: tuple[int, ...], flight: Any = None) -> MemberEntry | None:
        """Renders the page with slots, keeps it, then answers this member; returns the entry (None: not
        shareable). Handed to this process's waiters and kept first, for the reasons given in
        `PageCache._render_and_store`."""
        nonce = secrets.token_hex(16)
        scope.setdefault("state", {})[SLOT_STATE] = nonce
        _swap_csrf_cookie(scope, f"{nonce}csrf{nonce}")
        from .page_cache import run_and_keep

        status, raw_headers, body = await run_and_keep(app, scope, receive)
        status = status or 500
        parts = body.split(nonce.encode())
        headers: list[tuple[bytes, bytes]] = []
        storable = status == 200 and len(parts) % 2 == 1
        for name, value in raw_headers:
            name = bytes(name).lower()
            if name == b"content-length":
                continue
            if name == b"set-cookie":
                storable = False  # the page set a cookie of its own (a session): not shareable
            headers.append((name, bytes(value)))
        meta = scope["state"].get(META_STATE)
        entry = None
        if storable and isinstance(meta, PageMeta) and not (viewer.user_id in meta.held_authors and viewer.kind == "member"):
            entry = MemberEntry(parts, headers, *await self.page_cache.narrow(scope, tags, generations), meta.access,
                                meta.held_authors)
            if flight is not None:  # this process's waiters first (forum.page_cache._render_and_store)
                self.page_cache.flights.publish(flight, entry)
            await self.page_cache.keep(self._entries, key, entry, f"m|{key}", self.stats, self.max_entries)
        await self._send(parts, headers, status, viewer, scope, send)
        return entry

    async def _send(self, parts: list[bytes], headers: list[tuple[bytes, bytes]], status: int, viewer: Viewer,
                    scope: Scope, send: Send) -> None:
        headers = list(headers)
        token = viewer.token
        if token is None:  # no CSRF cookie yet: a token and its cookie, as the CSRF middleware gives
            config = scope["app"].csrf_config
            token = generate_csrf_token(secret=config.secret)
            cookie = Cookie(key=config.cookie_name, value=token, path=config.cookie_path, secure=config.cookie_secure,
                            httponly=config.cookie_httponly, samesite=config.cookie_samesite, domain=config.cookie_domain)
            headers.append((b"set-cookie", cookie.to_header(header="").encode("latin-1")))
        body = fill(parts, viewer, token)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def fill(parts: list[bytes], viewer: Viewer, token: str) -> bytes:
    """The stored text with each slot written for this viewer."""
    if len(parts) == 1:
        return parts[0]
    out = list(parts)
    csrf_input = _token_input(token)
    token_bytes = token.encode()
    locale = current_locale.get()
    for i in range(1, len(out), 2):
        kind, _, args = out[i].partition(b".")
        if kind == b"csrf":
            out[i] = token_bytes
        elif kind == b"acct":
            name = viewer.values.get("display_name") or ""
            out[i] = _account_bytes(locale, viewer.user_id, name, viewer.unread, csrf_input)
        elif kind == b"post":
            post_id, author_id = (int(a) for a in args.split(b"."))
            out[i] = (post_actions_html(viewer.user_id, post_id, author_id, csrf_input).encode()
                      if viewer.user_id == author_id else _report_bytes(locale, post_id))
        elif kind == b"photo":
            photo_id, owner_id = (int(a) for a in args.split(b"."))
            out[i] = photo_report_html(viewer.user_id, photo_id, owner_id).encode()
        else:  # not a slot this code writes: never send the page half-filled
            raise ValueError(f"unknown slot {kind!r}")
    return b"".join(out)


# A member's account menu is the same on every page they read until their name, unread count or CSRF
# token changes (all in the key, with the language the words are in); a "Report" link depends only on
# the post and the language. Both were built again for every page served from the cache (h-readers).
@functools.lru_cache(maxsize=4096)
def _account_bytes(locale: str, user_id: int, name: str, unread: int, csrf_input: str) -> bytes:
    assert locale == current_locale.get()  # (the words come from the current language)
    return account_html(user_id, name, unread, csrf_input).encode()


@functools.lru_cache(maxsize=16384)
def _report_bytes(locale: str, post_id: int) -> bytes:
    assert locale == current_locale.get()
    return post_actions_html(0, post_id, -1, "").encode()  # (not the viewer's own post: the Report link)


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _swap_csrf_cookie(scope: Scope, marker: str) -> None:
    """The render sees `marker` as the CSRF cookie, so every form's token in the page is a slot."""
    config = scope["app"].csrf_config
    name = config.cookie_name.encode()
    headers = [(k, v) for k, v in scope.get("headers", ()) if k != b"cookie"]
    cookies = [part.strip() for k, v in scope.get("headers", ()) if k == b"cookie" for part in v.split(b";")]
    cookies = [c for c in cookies if c and c.partition(b"=")[0] != name]
    cookies.append(name + b"=" + marker.encode())
    headers.append((b"cookie", b"; ".join(cookies)))
    scope["headers"] = headers
    state = ScopeState.from_scope(scope)
    state.cookies = state.headers = Empty  # parsed again from the new header
