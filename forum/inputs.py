"""The one gate every request's input passes before a handler sees it.

Two kinds of bad input used to reach the database and answer 500:

- Whole numbers beyond a 64-bit integer (every id column is one): `/t/99999999999999999999`,
  `?before=99999999999999999999`, `{"category_id": 1e20-as-an-int}`. A path id out of range names
  nothing, so it is 404; a query or JSON number out of range is 400. Numbers typed into form
  fields go through `parse_id`, which treats an out-of-range number like any non-number.
- Control characters. PostgreSQL cannot store NUL in text and SQLite stores it silently; other C0
  and C1 controls are invisible and never part of Thai or English text. The rule, the same on
  both databases: text may hold tab, line feed and carriage return; any other control character
  (U+0000-U+001F, U+007F-U+009F) or a lone surrogate in a form field, a JSON string, a query
  string or the path is refused (400 with a clear message; 404 in the path), and nothing is saved.
  Refused rather than stripped so what is stored is exactly what was sent.

`input_guard` is an ASGI middleware that runs after routing (it knows the handler) and before
CSRF, sessions and the handler, so no handler needs its own check.
"""

from __future__ import annotations

import json
import re
import weakref
from typing import Any, Iterator
from urllib.parse import parse_qsl

from litestar.exceptions import NotFoundException
from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ValidationFailed
from .i18n import N_

INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # a 64-bit signed integer: the id columns on both databases
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = N_("The text contains control characters (such as NUL) that cannot be saved. Remove them and try again.")
NUMBER_MESSAGE = N_("A number is out of range.")
INSPECTED_BODY_MAX = 4 * 1024 * 1024  # larger bodies are refused by the handlers' own limits anyway


def in_range(number: int) -> bool:
    return INT_MIN <= number <= INT_MAX


def parse_id(value: Any, default: int | None = None) -> int | None:
    """A whole number typed into a form (an id, a count), or `default` when it is not one or
    does not fit in 64 bits (so it can never reach the database as an overflow)."""
    if isinstance(value, bool):
        return default
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return default
    return number if in_range(number) else default


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None


def check_text(value: str, field: str | None = None) -> None:
    """Raises ValidationFailed when the text breaks the control-character rule."""
    if CONTROL_CHARS.search(value):
        raise ValidationFailed(CONTROL_MESSAGE, field_errors={field: CONTROL_MESSAGE} if field else None)


# -- the middleware -----------------------------------------------------------------------------

# Weakly keyed by the handler object: an id() would be reused by a later app's handler once an
# earlier app is gone, and hand it these names.
_INT_QUERY_CACHE: weakref.WeakKeyDictionary[Any, frozenset[str]] = weakref.WeakKeyDictionary()


def int_query_names(handler: Any) -> frozenset[str]:
    """The query parameters a handler declares as `int` (its signature says so)."""
    if handler is None:
        return frozenset()
    try:
        return _INT_QUERY_CACHE[handler]
    except KeyError:
        pass
    except TypeError:  # Litestar's own OPTIONS handlers cannot be weakly referenced: not cached
        return _int_query_names(handler)
    names = _INT_QUERY_CACHE[handler] = _int_query_names(handler)
    return names


def _int_query_names(handler: Any) -> frozenset[str]:
    names = set()
    path_names = set(getattr(handler, "paths", ()) and _path_param_names(handler))
    signature = getattr(handler, "parsed_fn_signature", None)
    for name, definition in (signature.parameters.items() if signature else ()):
        if name in path_names:
            continue
        kwarg = definition.kwarg_definition
        if kwarg is not None and (getattr(kwarg, "header", None) or getattr(kwarg, "cookie", None)):
            continue
        types = [definition.annotation, *(inner.annotation for inner in definition.inner_types)]
        if any(t is int for t in types):
            names.add(getattr(kwarg, "query", None) or name)
    return frozenset(names)


def _path_param_names(handler: Any) -> set[str]:
    return {part.split(":")[0].strip("{ ") for path in handler.paths for part in path.split("/") if part.startswith("{")}


def _strings(value: Any, field: str | None = None) -> Iterator[tuple[str | None, str]]:
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield field, str(key)
            yield from _strings(item, str(key) if field is None else field)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, field)


def _numbers(value: Any) -> Iterator[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def _check_pairs(pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        if CONTROL_CHARS.search(name) or CONTROL_CHARS.search(value):
            check_text(name + value, name)


def _multipart_fields(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The text fields of a multipart body (files are not text and are left alone)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return []
    fields = []
    for part in body.split(b"--" + match.group(1).encode("latin-1")):
        head, _, value = part.partition(b"\r\n\r\n")
        if b"filename=" in head or b"name=" not in head:
            continue
        name = re.search(rb'name="([^"]*)"', head)
        fields.append(((name.group(1) if name else b"").decode("utf-8", "replace"),
                       value.removesuffix(b"\r\n").decode("utf-8", "replace")))
    return fields


# What a URL-encoded body must contain for a decoded field to hold a refused character: the byte
# itself (C0 other than tab/LF/CR, DEL), the UTF-8 of a C1 control (C2 80-9F), or their
# percent-escapes. (Decoding replaces invalid UTF-8, so no surrogate can come out, and an escape
# and a raw byte never join into one character: raw non-ASCII bytes decode on their own.)
# A body without any of them is not decoded here (most posts): decoding a long Thai body
# byte by byte took a tenth of a millisecond, and the handler decodes it again anyway.
_MAY_HOLD_CONTROL = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|%[cC]2%[89][0-9a-fA-F]"
)


def check_body(body: bytes, content_type: str) -> None:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        if _MAY_HOLD_CONTROL.search(body) is None:
            return
        _check_pairs(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        _check_pairs(_multipart_fields(body, content_type))
    elif kind.endswith("json"):
        try:
            document = json.loads(body)
        except ValueError:
            return  # not JSON: the handler's own parsing answers 400
        for field, text in _strings(document):
            check_text(text, field)
        if any(not in_range(number) for number in _numbers(document)):
            raise ValidationFailed(NUMBER_MESSAGE)


def check_route(scope: Scope) -> None:
    """Path and query string: what routing parsed, before any handler or dependency runs."""
    if CONTROL_CHARS.search(scope.get("path", "")):
        raise NotFoundException()
    for value in (scope.get("path_params") or {}).values():
        if isinstance(value, int) and not in_range(value):
            raise NotFoundException()  # an id no row can have
    raw_query = scope.get("query_string", b"")
    if raw_query:
        pairs = parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
        _check_pairs(pairs)
        int_names = int_query_names(scope.get("route_handler"))
        for name, value in pairs:
            if name in int_names and parse_id(value) is None and _looks_whole(value):
                raise ValidationFailed(NUMBER_MESSAGE, field_errors={name: NUMBER_MESSAGE})


def _looks_whole(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?\d+\s*", value))


def input_guard(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        check_route(scope)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await app(scope, receive, send)
            return
        content_type = ""
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.decode("latin-1")
        chunks: list[bytes] = []
        size, more = 0, True
        last: Any = None
        while more:
            message = await receive()
            if message["type"] != "http.request":
                last = message  # a disconnect: hand it on after the body
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if size <= INSPECTED_BODY_MAX:
            check_body(body, content_type)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return last if last is not None else await receive()

        await app(scope, replay, send)

    # A refusal is answered here, inside the locale middleware, so its message is in the
    # member's language (the app-level handler runs after the locale is reset).
    return ExceptionHandlerMiddleware(app=middleware, debug=None)
