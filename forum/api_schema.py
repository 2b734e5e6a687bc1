"""What the OpenAPI schema at /api/schema says about errors and limits.

`ErrorBody` is the one JSON error body: the error handlers in `forum.app` build it, and
`document_errors` declares it on every /api operation for each error status that operation can
answer. `Text` gives request fields the lengths the services check (same constants), so a body
valid by the schema is not refused for its length."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import KwargDefinition
from litestar.routes import HTTPRoute

from .settings import BODY_MAX, TITLE_MAX

API_PREFIX = "/api"
# Integers in request bodies are bounded by the columns they go to, so a larger number is
# refused when the body is read (400) instead of failing in the database (500). Row ids are
# 64-bit; the schema states bounds as JSON numbers (doubles), so the id bound is the largest
# double below 2**63 and says exactly what is accepted.
ID_MAX = 2**63 - 1024
INT_MAX = 2**31 - 1  # counts, amounts, years, minutes: 32-bit columns on PostgreSQL
Id = Annotated[int, msgspec.Meta(ge=-ID_MAX, le=ID_MAX)]  # a row id
Int32 = Annotated[int, msgspec.Meta(ge=-INT_MAX, le=INT_MAX)]  # any other integer


class ErrorBody(msgspec.Struct, omit_defaults=True, kw_only=True):
    """Every error answer under /api. Some errors add keys of their own (a refused duplicate's
    `matches`, a maintenance window's `function` and `retry_at`, revised terms' `terms_url`)."""

    error: str  # what went wrong, in the request's language
    status_code: int
    request_id: str | None = None  # quote it to an admin: the server log has the same id
    fields: dict[str, str] | None = None  # a message per refused field
    retry_at: str | None = None  # 429 and 503: when to try again (also the Retry-After header)
    extra: Any = None  # request validation: what did not decode, per key

    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


def Text(min_length: int = 1, max_length: int | None = None, *, blank: bool = False) -> KwargDefinition:
    """Schema limits of a text field (for `Annotated[str, Text(...)]`). The services enforce the
    same limits after trimming, with their own translated messages; `blank=False` says the text
    needs a non-space character."""
    return KwargDefinition(min_length=min_length, max_length=max_length, pattern=None if blank else r"\S")


TITLE = Text(1, TITLE_MAX)
BODY = Text(1, BODY_MAX)

DESCRIPTIONS = {
    400: "The request is malformed or a field is refused (`fields` says which).",
    401: "Log in first.",
    403: "Not allowed: role, category access, suspension, revised terms to accept, or a missing CSRF token.",
    404: "No such resource, or not one you may see.",
    409: "Conflicts with the current state (already done, a duplicate, a stale version).",
    429: "Too many attempts; `retry_at` and Retry-After say when to try again.",
    500: "Unexpected server error; quote `request_id` to an admin.",
    503: "Closed by a maintenance window; Retry-After says until when.",
}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_LOGIN_DEPENDENCIES = {"member", "admin", "guru_user"}
_RESERVED = {"request", "state", "scope", "headers", "cookies", "socket"}


def error_statuses(handler: HTTPRouteHandler, path: str) -> list[int]:
    """The error statuses an /api operation can answer, from what it takes: any input can be
    malformed (400); a login dependency gives 401; path ids can be unknown (404); writes need
    a CSRF token (403) and can conflict or be rate limited (409, 429)."""
    params = handler.parsed_fn_signature.parameters.keys()
    dependencies = handler.resolve_dependencies().keys()
    writes = bool(handler.http_methods & _UNSAFE)
    statuses = {403, 500, 503}  # category gates and terms reach readers too; any route may fail or be closed
    if writes or params - dependencies - _RESERVED:  # path, query or body input
        statuses.add(400)
    if _LOGIN_DEPENDENCIES & dependencies & params:
        statuses.add(401)
    if "{" in path or writes:
        statuses.add(404)
    if writes:
        statuses |= {409, 429}
    return sorted(statuses)


def document_errors(app: Litestar) -> None:
    """Declares `ErrorBody` for the error statuses of every /api operation in the schema."""
    for route in app.routes:
        if not route.path.startswith(API_PREFIX):
            continue
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.include_in_schema:
                continue
            declared = dict(handler.responses or {})
            for status in error_statuses(handler, route.path):
                declared.setdefault(status, ResponseSpec(data_container=ErrorBody, description=DESCRIPTIONS[status]))
            handler.responses = declared


def fix_options_allow(app: Litestar) -> None:
    """Litestar 2 answers OPTIONS with the methods of the first handler registered for a path
    (its automatic OPTIONS handler keeps the route object it was made with, and a path served by
    several handlers gets a new route object). Points each automatic handler at its final route,
    so `Allow` lists every method of the path."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            fn = getattr(handler.fn, "__func__", handler.fn)
            if handler.http_methods != {"OPTIONS"} or getattr(fn, "__name__", "") != "options_handler":
                continue
            for cell in fn.__closure__ or ():
                if isinstance(cell.cell_contents, HTTPRoute):
                    cell.cell_contents = route
