"""Application factory: plugins, templates, sessions, CSRF, controllers, error handlers."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any, Sequence

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.datastructures import State
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

import guru
import moderation.web as moderation_web

from . import coins, i18n, ui
from .controllers.assets import favicon
from .controllers.accounts import AccountController
from .controllers.admin import AdminCategoryController
from .controllers.api import AuthApiController, BoardApiController
from .controllers.board import BoardController
from .controllers.notifications import NotificationApiController, NotificationController
from .controllers.deps import DEPENDENCIES
from .controllers.duplicates import DuplicateApiController, DuplicateController
from .controllers import membership as membership_web
from .duplicates.hook import DuplicateHook, build_index_on_startup, save_index_on_shutdown
from .db import create_engine, is_busy, plugin_config
from .api_schema import ErrorBody, document_errors, fix_options_allow
from .errors import DomainError, RateLimited
from .observability import configure_logging, current_request_id, log_unhandled
from . import observability
from .headers import security_headers
from .inputs import input_guard
from .notices import NoticesPlugin
from .photos import web as photos_web
from . import member_pages
from .member_cache import MemberCache
from .page_cache import PageCache, page_cache_stats_on_shutdown
from .services.posting import PostHook
from .sessions import QuietSessionConfig, session_store
from .settings import PROJECT_ROOT, Settings, get_settings
from .warmup import warm_up
from .web import author_label, error_text, field_errors, format_time, locale_middleware, thread_row, tier_badge

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
CSRF_FIELD = "_csrf_token"


def jinja_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(default=True), extensions=["jinja2.ext.i18n"],
        auto_reload=False, trim_blocks=True, lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = remembered_gettext(env.globals["gettext"])
    env.globals.update(format_time=format_time, author_label=author_label, tier_badge=tier_badge, thread_row=thread_row)
    env.globals.update(ui.GLOBALS)  # label (translated enum values), icon, avatar
    env.globals.update(member_pages.TEMPLATE_GLOBALS)  # a member's own parts of a page (slots when cached)
    return env


GETTEXT_KEPT = 4096


def remembered_gettext(newstyle: Any) -> Any:
    """The templates' `_()` and `gettext()`: Jinja's own (newstyle: the translation, marked safe when
    autoescaping, then %-formatted) for a call with variables; for a plain string (the page chrome: a
    category page makes some twenty such calls) its result is kept by UI language, autoescape mode and
    the string, everything that result depends on (the catalogs are loaded once, `i18n.translations`),
    so the same text comes back without the two context calls and the format each time. `_` is made
    the same function as `gettext` (Jinja's `_` looks `gettext` up and calls it again)."""
    kept: dict[tuple[Any, ...], Any] = {}

    @pass_context
    def gettext(__context: Any, __string: str, **variables: Any) -> Any:
        if variables or type(__string) is not str:
            return newstyle(__context, __string, **variables)
        key = (i18n.current_locale.get(), __context.eval_ctx.autoescape, __string)
        if (found := kept.get(key)) is None:
            found = newstyle(__context, __string)
            if len(kept) >= GETTEXT_KEPT:
                kept.clear()  # (bounded: a template's strings are back after one render)
            kept[key] = found
        return found

    return gettext


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def api_error(status_code: int, message: str, *, headers: dict[str, str] | None = None, **more: Any) -> Response:
    """The JSON error answer under /api: an `ErrorBody` (plus an error's own keys)."""
    known = {k: more.pop(k) for k in ("fields", "retry_at", "extra") if more.get(k) is not None}
    body = ErrorBody(error=message, status_code=status_code, request_id=current_request_id.get(), **known).to_dict()
    for key, value in more.items():  # e.g. a refused duplicate's matches (JSON-ready values)
        body.setdefault(key, value)
    return Response(body, status_code=status_code, headers=headers)


def domain_error_handler(request: Request, error: DomainError) -> Response:
    if is_api(request):
        headers = {}
        retry_at = None
        if isinstance(error, RateLimited):
            retry_at = error.retry_at.isoformat()
            headers["Retry-After"] = str(max(1, int((error.retry_at - datetime.datetime.now(error.retry_at.tzinfo)).total_seconds())))
        return api_error(error.status_code, error_text(error), headers=headers,
                         fields=field_errors(error) if error.field_errors else None, retry_at=retry_at, **error.extra)
    return error_page(request, error.status_code, error_text(error))


def http_error_handler(request: Request, error: HTTPException) -> Response:
    request_id = log_unhandled(error, request.method, request.url.path) if error.status_code >= 500 else None
    if is_api(request):
        return api_error(error.status_code, error.detail, headers=getattr(error, "headers", None),
                         extra=getattr(error, "extra", None) or None)
    if isinstance(error, NotAuthorizedException):
        return Redirect(f"/login?next={request.url.path}", status_code=303)
    detail = error.detail
    if isinstance(error, NotFoundException):
        detail = i18n.gettext("Page not found.")
    elif error.status_code == 403 and "CSRF" in str(detail):
        detail = i18n.gettext("Your form expired. Go back, reload the page and try again.")
    return error_page(request, error.status_code, detail, request_id=request_id)


def unhandled_error_handler(request: Request, error: Exception) -> Response:
    """Any other exception: logged with its traceback and request id, answered with a 500 that
    shows the id (and nothing of the error itself)."""
    if is_busy(error):  # a lock wait ran out: nothing was saved, the same request may be sent again
        return busy_answer(request, error)
    request_id = log_unhandled(error, request.method, request.url.path)
    message = i18n.gettext("Something went wrong on our side. Please try again later.")
    if is_api(request):
        return api_error(500, message)
    return error_page(request, 500, message, request_id=request_id)


BUSY_RETRY_AFTER = 2  # seconds


def busy_answer(request: Request, error: Exception) -> Response:
    """503 with Retry-After for a database too busy to take the write in time (logged as a warning
    with the request id, since it says the server is overloaded, not that the code is wrong)."""
    request_id = current_request_id.get()
    logging.getLogger("webboard.errors").warning("database busy id=%s %s %s: %s", request_id, request.method,
                                                 request.url.path, getattr(error, "orig", error))
    message = i18n.gettext("The board is very busy right now. Nothing was saved: please send it again in a moment.")
    headers = {"Retry-After": str(BUSY_RETRY_AFTER)}
    if is_api(request):
        return api_error(503, message, headers=headers)
    # The failed flush expired the member's row and the session cannot reload it: render the page
    # as for a visitor rather than fail again while rendering.
    return error_page(request, 503, message, request_id=request_id, headers=headers, anonymous=True)


def error_page(request: Request, status_code: int, message: str, request_id: str | None = None,
               headers: dict[str, str] | None = None, anonymous: bool = False) -> Response:
    return Template(
        template_name="error.html",
        context={"status_code": status_code, "message": message, "user": None if anonymous else request.state.get("user"),
                 "lang": i18n.current_locale.get(), "request_id": request_id},
        status_code=status_code, headers=headers,
    )  # type: ignore[return-value]


def create_app(settings: Settings | None = None, post_hooks: Sequence[PostHook] | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings)
    engine = create_engine(settings.db)
    template_config = TemplateConfig(engine=JinjaTemplateEngine.from_environment(jinja_environment()))
    session_config = QuietSessionConfig(
        key="session", max_age=settings.security.session_max_age, httponly=True, samesite="lax",
        secure=settings.security.https, store="sessions",
    )
    hooks = list(post_hooks) if post_hooks is not None else default_post_hooks(settings)
    session_backend = session_config._backend_class(config=session_config)  # shared with the member page cache
    page_cache = PageCache.from_settings(settings)  # guests' pages; None when WEBBOARD_PAGE_CACHE=0
    member_cache = MemberCache(page_cache.generations) if page_cache else None
    if page_cache is not None and member_pages.MemberPages.enabled():  # members' pages, filled in per member
        page_cache.members = member_pages.MemberPages(page_cache, member_cache, session_backend)
    static = [create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False)] if STATIC_DIR.exists() else []
    app = Litestar(
        route_handlers=[BoardController, AccountController, AdminCategoryController, AuthApiController,
                        BoardApiController, NotificationController, NotificationApiController, *coins.ROUTE_HANDLERS, *guru.ROUTE_HANDLERS,
                        DuplicateController, DuplicateApiController, *moderation_web.ROUTE_HANDLERS, *photos_web.ROUTE_HANDLERS, *membership_web.ROUTE_HANDLERS, *static,
                        favicon],
        on_startup=[moderation_web.on_startup, warm_up, build_index_on_startup, photos_web.on_startup],
        on_shutdown=[save_index_on_shutdown, photos_web.on_shutdown, page_cache_stats_on_shutdown],
        dependencies=DEPENDENCIES,
        plugins=[SQLAlchemyPlugin(config=plugin_config(settings.db, engine)), NoticesPlugin()],
        middleware=[locale_middleware, input_guard, *([page_cache.middleware] if page_cache else []),
                    DefineMiddleware(SessionMiddleware, backend=session_backend)],
        stores={"sessions": session_store(settings)},
        csrf_config=CSRFConfig(secret=settings.security.secret_key, cookie_name="csrftoken", cookie_httponly=False,
                               cookie_samesite="lax", cookie_secure=settings.security.https, header_name="x-csrftoken"),
        template_config=template_config,
        openapi_config=OpenAPIConfig(title="Club webboard API", version="1.0.0", path="/api/schema"),
        exception_handlers={DomainError: domain_error_handler, HTTPException: http_error_handler,
                            Exception: unhandled_error_handler, **membership_web.EXCEPTION_HANDLERS},
        state=State({"post_hooks": hooks, "settings": settings, "page_cache": page_cache,
                     "member_cache": member_cache, "db_engine": engine}),
        before_send=[security_headers(settings.security.https)],  # CSP and friends on every response
        debug=settings.debug,
    )
    document_errors(app)
    fix_options_allow(app)
    app.asgi_handler = observability.wrap(app.asgi_handler, settings)
    return app


def default_post_hooks(settings: Settings) -> list[PostHook]:
    """Duplicate detection and moderation, once their packages are wired in."""
    return [DuplicateHook(), moderation_web.post_hook(settings)]
