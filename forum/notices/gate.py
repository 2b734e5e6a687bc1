"""The maintenance gate: one app-level guard that closes what an active maintenance window
closes, for every feature's routes.

How a request gets its function (first match wins):
1. The route handler (or its controller/router) declares it:
   `@post("/guru/ask", opt={"function": "ask_guru"})`. Values: "posting", "replies", "ask_guru",
   "registration", "login" (models.BoardFunction), or "open" for routes that must stay usable
   even when the whole board is closed (the notices themselves, logout, the language switch).
2. Otherwise the path decides, for writes (POST/PUT/PATCH/DELETE), by `WRITE_RULES` below:
   /c/<slug>/new, /p/<id>/edit|delete and /api/threads, /api/posts/<id> are posting;
   /t/<id>/reply and /api/threads/<id>/replies are replies; anything under /guru or /api/guru is
   ask_guru; /register, /api/auth/register are registration; /login, /api/auth/login are login.
3. Any other write is "other", any read is "reading": both close only when the whole board does.

During an active window the matching requests get 503 with Retry-After and the window's end:
an HTML page that keeps the member's submitted text in a form to send again, or JSON under /api.
Reading stays open unless the window closes the whole board. Admins pass (and may log in while
login is closed). After the window nothing needs to happen: the gate compares with the clock.
"""

from __future__ import annotations

import math
import re
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, SerializationException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Template
from sqlalchemy import select

import models as m

from ..i18n import N_, current_locale, gettext
from ..web import format_time, provide_user, take_messages
from .board import STATE_KEY as BOARD_STATE_KEY
from .board import Banner, NoticeBoard, NoticeInfo
from .clock import clock_of
from .service import FUNCTION_LABELS

OPT_KEY = "function"
OPEN = "open"
READING = "reading"
OTHER = "other"
BANNER_KEY = "notice_banner"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

WRITE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), f) for p, f in (
    (r"^/(api/auth/)?register/?$", "registration"),
    (r"^/(api/auth/)?login/?$", "login"),
    (r"^/(api/)?guru(/|$)", "ask_guru"),
    (r"^/t/\d+/reply/?$", "replies"),
    (r"^/api/threads/\d+/replies/?$", "replies"),
    (r"^/c/[^/]+/new(/|$)", "posting"),  # the duplicate check's /new/review too
    (r"^/p/\d+/(edit|delete)/?$", "posting"),
    (r"^/api/threads/?$", "posting"),
    (r"^/api/posts/\d+/?$", "posting"),
))
# Usable even while the whole board is closed: what members need to read about the closure, and
# what an admin needs to get in.
OPEN_PATHS = re.compile(r"^/(static/|notices(/|\.atom|$)|api/notices(/|$)|login/?$|logout/?$|lang/?$|api/auth/logout/?$)")
# Submitted fields never echoed back on the 503 page.
_SECRET_FIELD = re.compile(r"password|token|secret|^_", re.I)
_MAX_KEPT_FIELD = 100_000


def route_function(handler: BaseRouteHandler | None, method: str, path: str) -> str:
    declared = handler.opt.get(OPT_KEY) if handler is not None else None
    if declared:
        return str(declared.value if isinstance(declared, m.BoardFunction) else declared)
    write = method not in SAFE_METHODS
    if write:
        for pattern, function in WRITE_RULES:
            if pattern.match(path):
                return function
    if OPEN_PATHS.match(path):
        return OPEN
    return OTHER if write else READING


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class MaintenanceClosed(HTTPException):
    """A request refused because a maintenance window closes it (503, Retry-After)."""

    status_code = 503

    def __init__(self, *, window: NoticeInfo, function: str, write: bool, now: Any,
                 draft: dict[str, str] | None = None) -> None:
        assert window.ends_at is not None
        self.window, self.function, self.write, self.draft = window, function, write, draft or {}
        self.retry_after = max(1, math.ceil((window.ends_at - now).total_seconds()))
        super().__init__(detail="closed for maintenance", headers={"Retry-After": str(self.retry_after)})

    @property
    def whole_board(self) -> bool:
        return self.window.whole_board or self.function not in FUNCTION_LABELS_BY_NAME

    def message(self) -> str:
        until = format_time(self.window.ends_at)
        if self.whole_board:
            return gettext("The board is closed for maintenance until {time}.").format(time=until)
        label = gettext(FUNCTION_LABELS_BY_NAME[self.function])
        return gettext("{function} is closed for maintenance until {time}. Reading stays open.").format(
            function=label, time=until)


FUNCTION_LABELS_BY_NAME = {f.value: label for f, label in FUNCTION_LABELS.items() if f != m.BoardFunction.WHOLE_BOARD}


def board_of(app: Any) -> NoticeBoard | None:
    return app.state.get(BOARD_STATE_KEY)


def _alchemy_config(app: Any) -> Any:
    return app.plugins.get(SQLAlchemyPlugin).config[0]


def app_session_maker(app: Any) -> Any:
    """The app's SQLAlchemy session factory, for work outside a request (banners, page renders,
    the duplicate index's background catch-up)."""
    return app.state[_alchemy_config(app).session_maker_app_state_key]


async def current_banner(connection: ASGIConnection) -> Banner | None:
    """The banner for this request (computed once, kept in the request's state)."""
    if BANNER_KEY in connection.state:
        return connection.state[BANNER_KEY]
    app = connection.app
    board = board_of(app)
    if board is None:
        return None
    now = clock_of(app.state)()
    snapshot = await board.snapshot(lambda: app_session_maker(app)(), now)  # no query while the cache is fresh
    banner = snapshot.banner(now)
    connection.state[BANNER_KEY] = banner
    return banner


async def maintenance_gate(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-level guard; see the module docstring."""
    if connection.scope["type"] != "http" or connection.scope["path"].startswith("/static/"):
        return
    banner = await current_banner(connection)
    if banner is None or not banner.active:
        return
    method = connection.scope["method"]
    write = method not in SAFE_METHODS
    function = route_function(handler, method, connection.scope["path"])
    window = banner.closing_window(function, write)
    if window is None:
        return
    if await _is_admin(connection):
        return
    if function == m.BoardFunction.LOGIN.value and write and await _logs_in_an_admin(connection):
        return
    draft = await _submitted_fields(connection) if write and not is_api(connection.scope["path"]) else {}
    raise MaintenanceClosed(window=window, function=function, write=write, now=banner.now, draft=draft)


async def _is_admin(connection: ASGIConnection) -> bool:
    if not connection.scope.get("session"):
        return False
    config = _alchemy_config(connection.app)
    session = config.provide_session(connection.app.state, connection.scope)
    user = await provide_user(connection, session)  # type: ignore[arg-type]
    return bool(user and user.is_admin)


async def _logs_in_an_admin(connection: ASGIConnection) -> bool:
    """Login is closed, but an admin must still get in: let an admin's login ID through (the
    login handler still checks the password)."""
    request: Request = connection  # type: ignore[assignment]
    try:
        data = await request.json() if is_api(request.url.path) else await request.form()
        login_id = str((data or {}).get("login_id") or "").strip().casefold()[:40]
    except (SerializationException, ValueError, AttributeError):
        return False
    if not login_id:
        return False
    config = _alchemy_config(connection.app)
    session = config.provide_session(connection.app.state, connection.scope)
    role = await session.scalar(select(m.User.role).where(m.User.login_id == login_id))
    return role == m.Role.ADMIN


async def _submitted_fields(connection: ASGIConnection) -> dict[str, str]:
    request: Request = connection  # type: ignore[assignment]
    try:
        form = await request.form()
    except Exception:  # noqa: BLE001 - an unreadable body keeps nothing, the page still explains
        return {}
    kept: dict[str, str] = {}
    for name, value in form.items():
        if isinstance(value, str) and not _SECRET_FIELD.search(name):
            kept[name] = value[:_MAX_KEPT_FIELD]
    return kept


# Fields shown as text boxes on the 503 page (the rest travel as hidden fields).
LONG_FIELDS = frozenset({"body", "content", "question", "answer", "message", "text", "description"})
LINE_FIELDS = frozenset({"title", "subject", "display_name", "login_id", "email", "car_model"})
FIELD_LABELS = {"title": N_("Title"), "body": N_("Message"), "login_id": N_("Login ID"),
                "display_name": N_("Display name"), "email": N_("E-mail")}


def _fields_for_page(draft: dict[str, str]) -> list[dict[str, str]]:
    fields = []
    for name, value in draft.items():
        if name in LONG_FIELDS or "\n" in value or len(value) > 200:
            widget = "textarea"
        elif name in LINE_FIELDS:
            widget = "text"
        else:
            widget = "hidden"
        label = gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").capitalize()
        fields.append({"name": name, "value": value, "widget": widget, "label": label})
    return fields


def maintenance_closed_handler(request: Request, error: MaintenanceClosed) -> Response:
    window = error.window
    headers = {"Retry-After": str(error.retry_after)}
    if is_api(request.url.path):
        return Response({
            "error": error.message(), "status_code": 503, "function": error.function,
            "whole_board": error.whole_board, "reopens_at": window.ends_at.isoformat() if window.ends_at else None,
            "retry_after": error.retry_after,
            "window": {"notice_id": window.id, "starts_at": window.starts_at.isoformat() if window.starts_at else None,
                       "ends_at": window.ends_at.isoformat() if window.ends_at else None,
                       "functions": list(window.functions), "notice_url": window.url},
        }, status_code=503, headers=headers)
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    fields = _fields_for_page(error.draft)
    messages, flash_cookie = take_messages(request)
    context = {
        "user": request.state.get("user"), "lang": current_locale.get(),
        "messages": messages,
        "error": error, "window": window, "message": error.message(), "action": action, "fields": fields,
        "kept": any(f["widget"] != "hidden" and f["value"].strip() for f in fields),
    }
    return Template(template_name="notices_closed.html", context=context, status_code=503, headers=headers,
                    cookies=[flash_cookie] if flash_cookie is not None else None)  # type: ignore[return-value]
