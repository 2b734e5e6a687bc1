"""Request ids, the access log and the log of unhandled errors.

Every request gets an id (`X-Request-ID` on the response). An unhandled error is logged with its
traceback and that id on the `webboard.errors` logger, and the id is shown on the error page and
in the JSON error body, so an admin given the id by a member finds the traceback in the log.
Each request is logged on `webboard.access` (method, path without the query string, status,
time) unless `WEBBOARD_ACCESS_LOG=0`."""

from __future__ import annotations

import logging
import secrets
import sys
import time
from contextvars import ContextVar

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

REQUEST_ID_HEADER = "x-request-id"
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

error_log = logging.getLogger("webboard.errors")
access_log = logging.getLogger("webboard.access")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# One line per request: client "METHOD /path" status time id=request-id
ACCESS_FORMAT = '%s "%s %s" %d %.1fms id=%s'


def configure_logging(settings: Settings) -> None:
    """Gives the `webboard` loggers a stderr handler once per process (Granian's workers and
    `webboard` commands configure nothing for them), unless the host application already did."""
    root = logging.getLogger("webboard")
    root.setLevel(settings.log.level)
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
        root.propagate = False  # the server's root logger would print every line twice


def new_request_id() -> str:
    return secrets.token_hex(8)


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Gives the request its id (for the error handlers, the log and the response header)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = new_request_id()
        token = current_request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)

    return middleware


def access_log_middleware(app: ASGIApp) -> ASGIApp:
    """Logs each request once its response has been sent (or has failed)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when nothing was sent

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_and_note)
        finally:
            client = scope.get("client")
            access_log.info(ACCESS_FORMAT, client[0] if client else "-", scope.get("method", "-"), scope.get("path", ""),
                            status, (time.perf_counter() - started) * 1000, current_request_id.get() or "-")

    return middleware


def wrap(asgi_handler: ASGIApp, settings: Settings) -> ASGIApp:
    """Puts the request id and the access log around Litestar's whole handler, outside its
    app-level exception handling, so errors raised by middleware (a refused CSRF token) get
    the id and the log line too. The access log only when it is on."""
    if settings.log.access_log:
        asgi_handler = access_log_middleware(asgi_handler)
    return request_id_middleware(asgi_handler)


def log_unhandled(error: BaseException, method: str, path: str) -> str:
    """Logs an unhandled error with its traceback; returns the request id to show."""
    request_id = current_request_id.get() or new_request_id()
    error_log.error("unhandled error id=%s %s %s", request_id, method, path, exc_info=error)
    return request_id
