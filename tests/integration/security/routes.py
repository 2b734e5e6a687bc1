"""Walks the app's route list: every route and method with concrete ids filled in, and how a
response is classed for the authorisation matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from litestar import Litestar
from litestar.routes import HTTPRoute

SKIPPED_METHODS = {"HEAD", "OPTIONS"}  # answered by Litestar itself for every route


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the template, as in app.routes: "/t/{thread_id:int}"
    handler: Any

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def endpoints(app: Litestar) -> Iterator[Endpoint]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, entry in sorted(route.route_handler_map.items()):
            if method not in SKIPPED_METHODS:
                yield Endpoint(method, route.path, entry[0] if isinstance(entry, tuple) else entry)


def fill(path: str, values: dict[str, Any]) -> str:
    """The path with each `{name:type}` replaced by values[name] (or values[type])."""
    parts = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name, _, kind = part[1:-1].partition(":")
            part = str(values[name] if name in values else values[kind])
        parts.append(part)
    return "/".join(parts)


def outcome(response: Any) -> str:
    """'login' (sent to log in / 401), 'forbidden' (403), 'missing' (404), 'error' (5xx) or 'ok'
    (the guards let the request through; it may still be 400/409 for what it carried)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 401 or (status in (302, 303) and response.headers.get("location", "").startswith("/login")):
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "missing"
    return "ok"
