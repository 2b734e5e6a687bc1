"""One-shot flash messages ("Reply posted.") carried in a short-lived signed cookie, not in the
server-side session.

In the session, a message cost two session writes per form post (the POST that adds it and the
page that shows and removes it), each a file or Redis write plus a bump of the session's
generation, and a page with a message in its session could not come from the member page cache.
Here the redirect sets a cookie and the next page rendered shows the messages and deletes it:
the session is not touched, for members and guests alike, with file or Redis sessions.

Safety:
- The cookie holds the text the server chose (translated when it was set) and an expiry, signed
  with HMAC-SHA256 under the app's secret key; a cookie whose signature, expiry or shape is not
  right is ignored (and deleted), so a visitor or a third party cannot make the board show a text
  of theirs. The text is escaped by the templates like any other.
- It is HttpOnly, SameSite=Lax, Secure when the board is served over HTTPS, and expires after
  `MAX_AGE` seconds even if the browser keeps it.
- It only carries messages: nothing is authorised by it, and the CSRF check is Litestar's, as
  before. A request that carries one never uses the page caches (`has_flash`), and the page that
  shows it sets a cookie (the deletion), so it is never stored for anyone else.

Messages still found in a session (written before this change) are shown the same way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from litestar.datastructures import Cookie

from .headers import request_cookie

COOKIE = "flash"
MAX_AGE = 120  # seconds: a redirect is followed at once; a message older than this is dropped
MAX_BYTES = 3000  # a cookie must stay well under the browsers' 4 KB; longer messages are cut
_COOKIE_NAME = COOKIE.encode()


def _secret(request: Any) -> bytes:
    return ("flash\x00" + request.app.state.settings.security.secret_key).encode()


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()[:18]).decode()


def _https(request: Any) -> bool:
    return bool(request.app.state.settings.security.https)


def encode(secret: bytes, messages: list[dict[str, str]], now: float) -> str:
    payload = json.dumps({"e": int(now) + MAX_AGE, "m": [[m["message"], m["category"]] for m in messages]},
                         ensure_ascii=False, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def decode(secret: bytes, value: str | None, now: float) -> list[dict[str, str]]:
    """The messages of a cookie value, or [] for anything not signed by us, expired or malformed."""
    if not value or "." not in value or len(value) > 2 * MAX_BYTES:
        return []
    body, _, signature = value.rpartition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return []
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        return []
    try:
        data = json.loads(payload)
        expires, items = int(data["e"]), data["m"]
    except (ValueError, KeyError, TypeError):
        return []
    if expires < now or not isinstance(items, list):
        return []
    return [{"message": text, "category": category} for text, category in
            (item for item in items if isinstance(item, list) and len(item) == 2)
            if isinstance(text, str) and isinstance(category, str)]


def add(request: Any, message: str, category: str) -> Cookie:
    """The cookie for a redirect: the messages the request already carried (not shown yet) plus
    this one."""
    now = time.time()
    secret = _secret(request)
    messages = decode(secret, request.cookies.get(COOKIE), now)
    messages.append({"message": message, "category": category})
    value = encode(secret, messages, now)
    while len(value) > MAX_BYTES and len(messages) > 1:  # keep the newest
        messages.pop(0)
        value = encode(secret, messages, now)
    if len(value) > MAX_BYTES:
        messages = [{"message": message[:500], "category": category}]
        value = encode(secret, messages, now)
    return Cookie(key=COOKIE, value=value, path="/", max_age=MAX_AGE, httponly=True, samesite="lax",
                  secure=_https(request))


def take(request: Any) -> tuple[list[dict[str, str]], Cookie | None]:
    """The messages this request carries, and the cookie that deletes them (None: it carried none)."""
    value = request.cookies.get(COOKIE)
    if value is None:
        return [], None
    messages = decode(_secret(request), value, time.time())
    return messages, Cookie(key=COOKIE, value="", path="/", max_age=0, expires=0, httponly=True, samesite="lax",
                            secure=_https(request))


def has_flash(headers: Any) -> bool:
    """Whether the request's cookies include a flash cookie (raw ASGI headers)."""
    return request_cookie(headers, _COOKIE_NAME) is not None
