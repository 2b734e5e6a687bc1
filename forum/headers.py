"""Browser security headers on every response (pages, JSON, static files, error pages and the
router's own 404/405), added by one before-send hook at the app level.

The Content-Security-Policy allows scripts, styles, fonts and fetches from the board itself
only: no inline script, no inline style, no `eval`, no plug-ins, no framing by other sites, forms
posting only back to the board. Images may also come over https (prize pictures are given as web
addresses). The OpenAPI viewer under /api/schema is a third-party page that loads its code from a
CDN with inline bootstrapping; it holds no member content and gets a policy of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.types import Message, Scope

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
DOCS_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com",
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com https://fonts.googleapis.com",
    "font-src 'self' https://fonts.gstatic.com https://cdn.jsdelivr.net",
    "img-src 'self' https: data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
))
DOCS_PREFIX = "/api/schema"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=()"
HSTS = "max-age=31536000; includeSubDomains"

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(https: bool):  # noqa: ANN201  (a Litestar before-send hook)
    """The hook for `Litestar(before_send=[...])`; HSTS only when the board is served over HTTPS
    (`WEBBOARD_HTTPS=1`), since a browser would otherwise refuse plain-HTTP development."""
    fixed = dict(BASE_HEADERS, **({"Strict-Transport-Security": HSTS} if https else {}))
    # The same headers as raw ASGI pairs, built once: this hook runs on every response, cached pages
    # included, where looking each name up through MutableScopeHeaders (a decode and a lower() per
    # header per name) cost more than serving the page (h-readers).
    raw_fixed = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in fixed.items()]
    csp_name, csp, docs_csp = b"content-security-policy", CSP.encode("latin-1"), DOCS_CSP.encode("latin-1")

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        if "headers" not in message:
            raise ValueError(f"Invalid message type: {message['type']!r}")  # as MutableScopeHeaders did
        headers = message["headers"]
        if not isinstance(headers, list):
            headers = message["headers"] = list(headers)  # type: ignore[arg-type]
        present = {bytes(name).lower() for name, _ in headers}
        for name, value in raw_fixed:
            if name not in present:
                headers.append((name, value))
        if csp_name not in present:
            docs = scope.get("path", "").startswith(DOCS_PREFIX)
            headers.append((csp_name, docs_csp if docs else csp))

    return add_security_headers


def request_cookie(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The value of the first cookie called `name` in raw ASGI request headers (None: not sent),
    for middleware that must decide before Litestar parses the request."""
    for header, value in headers:
        if header == b"cookie" and name in value:
            for part in value.split(b";"):
                key, _, val = part.strip().partition(b"=")
                if key == name:
                    return val
    return None
