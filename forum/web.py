"""Shared request plumbing: the current user, locale, rendering, and error translation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request
from markupsafe import Markup, escape
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .errors import DomainError, RateLimited
from . import flash, member_cache, member_pages
from .sessions import USER_KEY
from .services import notifications
from .services.membership import TermsAcceptanceRequired, terms_pending
from .i18n import LOCALE_COOKIE, current_locale, gettext, pick_locale

SESSION_USER_KEY = USER_KEY
FLASH_KEY = "_messages"
ENDED = (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED)


def locale_middleware(app: ASGIApp) -> ASGIApp:
    """Sets the UI language for the whole request from the `lang` cookie (Thai by default)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        cookie_value = None
        for name, value in scope.get("headers", ()):
            if name == b"cookie" and LOCALE_COOKIE.encode() in value:
                for part in value.decode("latin-1").split(";"):
                    key, _, val = part.strip().partition("=")
                    if key == LOCALE_COOKIE:
                        cookie_value = val
        token = current_locale.set(pick_locale(cookie_value))
        try:
            await app(scope, receive, send)
        finally:
            current_locale.reset(token)

    return middleware


async def provide_user(request: Request, db_session: AsyncSession) -> m.User | None:
    """The logged-in member, re-read every request so a revoked member's session ends at once."""
    if "user" in request.state:
        return request.state.user
    user = None
    user_id = request.session.get(SESSION_USER_KEY) if request.scope.get("session") else None
    cache = member_cache.of(request)  # per-process copies checked against shared generations
    if user_id is not None:
        user, unread = await (cache.user(request, db_session, user_id) if cache else member_cache.load_with_unread(db_session, user_id))
        if user is None or user.status in ENDED:
            request.clear_session()
            user = None
        else:
            request.state.unread_notifications = await notifications.unread_count(db_session, user.id) if unread is None else unread
        if user is not None and (user.last_seen_at is None or dt.datetime.now(dt.timezone.utc) - user.last_seen_at > dt.timedelta(hours=12)):
            user.last_seen_at = dt.datetime.now(dt.timezone.utc)
    request.state.user = user
    # Revised terms must be accepted before going on (pages redirect to the accept page); the
    # posting service refuses writes, so a reply being typed is not lost to a redirect.
    exempt = (getattr(request.scope.get("route_handler"), "opt", None) or {}).get("terms_exempt")
    if user is not None and request.method in ("GET", "HEAD") and not exempt:
        if pending := await (cache.terms_pending(db_session, user) if cache else terms_pending(db_session, user)):
            raise TermsAcceptanceRequired(pending.version)
    return user


async def provide_member(request: Request, db_session: AsyncSession) -> m.User:
    user = await provide_user(request, db_session)
    if user is None:
        raise NotAuthorizedException(gettext("Please log in first."))
    return user


async def provide_admin(request: Request, db_session: AsyncSession) -> m.User:
    user = await provide_member(request, db_session)
    if not user.is_admin:
        raise PermissionDeniedException(gettext("Only admins can do this."))
    return user


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Template:
    if (shared := member_pages.shared_viewer(request)) is not None:
        context["user"] = shared  # a page stored for every member of a kind: nothing personal in it
    context.setdefault("user", request.state.get("user"))
    context.setdefault("lang", current_locale.get())
    context.setdefault("unread_notifications", request.state.get("unread_notifications", 0))
    messages, cookie = take_messages(request)
    if messages:
        context["messages"] = messages
    return Template(template_name=name, context=context, status_code=status_code,
                    cookies=[cookie] if cookie is not None else None)


def take_messages(request: Request) -> tuple[list[dict[str, str]], Any]:
    """The flash messages to show on this page (`forum.flash`'s cookie, and any left in the
    session by an older version), and the cookie that deletes them (None: there was none)."""
    messages, cookie = flash.take(request)
    session = request.scope.get("session")
    if isinstance(session, dict) and FLASH_KEY in session:  # touching an empty session would create one
        messages = [*request.session.pop(FLASH_KEY), *messages]
    return messages, cookie


def redirect(request: Request, path: str, message: str | None = None, category: str = "success") -> Redirect:
    """A 303 to `path`, with a message shown once on the next page (a signed cookie: the session
    is not rewritten for it, see forum.flash)."""
    if message:
        return Redirect(path, status_code=303, cookies=[flash.add(request, gettext(message), category)])
    return Redirect(path, status_code=303)


def error_text(error: DomainError) -> str:
    message = gettext(error.message)
    if isinstance(error, RateLimited):
        message = message.replace("{time}", format_time(error.retry_at))
    return message


def field_errors(error: DomainError) -> dict[str, str]:
    return {name: gettext(text) for name, text in error.field_errors.items()}


BANGKOK = dt.timezone(dt.timedelta(hours=7))


def format_time(moment: dt.datetime | None) -> str:
    """Bangkok time, as every page shows it (runs for each row of a list: no strftime)."""
    if moment is None:
        return ""
    t = moment.astimezone(BANGKOK)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d} (GMT+7)"


# Template helpers (globals of the Jinja environment): plain functions, since a Jinja macro call
# costs several times more and these run once per post on a thread page.
_ROWS: dict[tuple[Any, ...], Markup] = {}
ROWS_KEPT = 4096


def thread_row(row: Any) -> Markup:
    """A category page's row for one thread (category.html). A reply changes page 1 of its category
    (the thread moves to the top), and every process renders that page again on each one: the rows
    of the threads that did not change are taken as they were rendered. A row is kept under every
    value it shows and the UI language, so a changed thread (title, replies, last activity, names,
    duplicate mark) gets a new row, and an unchanged one cannot differ from a fresh render."""
    key = (current_locale.get(), row.id, row.title, row.duplicate_of_id, row.starter, row.reply_count,
           row.last_activity_at, row.last_author)
    if (found := _ROWS.get(key)) is not None:
        return found
    duplicate = f' <span class="tag">{escape(gettext("duplicate"))}</span>' if row.duplicate_of_id else ""
    last_author = f'<div class="by">{escape(row.last_author)}</div>' if row.last_author else ""
    html = Markup(
        f'<tr><td><a href="/t/{int(row.id)}">{escape(row.title)}</a>{duplicate}'
        f'        <div class="by">{escape(gettext("by"))} {escape(row.starter)}</div></td>\n'
        f'        <td class="num" data-label="{escape(gettext("Replies"))}">{int(row.reply_count)}</td>\n'
        f'        <td>{format_time(row.last_activity_at)}{last_author}</td></tr>'
    )
    if len(_ROWS) >= ROWS_KEPT:
        _ROWS.clear()  # (bounded; the rows on the busy pages are back after one render)
    _ROWS[key] = html
    return html


def author_label(name: str | None, status: m.MemberStatus | None) -> Markup:
    """A post's author as shown: resigned members are "former member"."""
    if status == m.MemberStatus.RESIGNED:
        return Markup("<em>%s</em>") % gettext("former member")
    return escape(name or "")


def tier_badge(tier: m.Tier | str | None) -> Markup:
    if (tier.value if isinstance(tier, m.Tier) else tier) != m.Tier.GOLD.value:
        return Markup("")
    return Markup('<span class="gold-badge" title="%s"><svg class="icon" aria-hidden="true" focusable="false">'
                  '<use href="/static/icons.svg#i-gold"></use></svg>%s</span>') % (gettext("Verified Gold member"), gettext("Gold"))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
