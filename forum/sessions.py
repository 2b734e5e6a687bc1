"""Server-side sessions that touch the store only when there is something to keep, and get a new
ID whenever the logged-in member changes.

Litestar's stock backend deletes a freshly made-up session ID from the store and sets an expired
cookie on every response to a visitor without a session, and rewrites the whole session on every
response to a member: with a file store, a file operation per page view. Here a visitor without
a session costs nothing, and an unchanged session is written again only once it is an hour old,
which keeps sliding expiry without a write per page. Logging in or out issues a fresh session ID
(the old one is deleted), so an ID known before login is worthless after it."""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import timedelta
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import StorageObject, Store
from litestar.stores.file import FileStore, _safe_file_name
from litestar.types import Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from .page_cache import bump_async, session_tag
from .settings import Settings

USER_KEY = "user_id"  # the logged-in member's id in the session
RENEWED_KEY = "_renewed"  # when the session was last written (epoch seconds)
LOADED_STATE_KEY = "_session_loaded"  # (serialised session as read, its member id)
RENEW_AFTER_SECONDS = 3600
KEEP_SECONDS = 60  # a session read from the store is kept in the process at most this long
KEEP_MAX = 100_000


class QuietSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str | None:  # type: ignore[override]
        """The browser's session ID, if it sent one. (The stock backend makes up a random one for
        every request without a cookie, a tenth of a page view's work; one is made here only
        when there is a session to store.)"""
        cookie_id = connection.cookies.get(self.config.key)
        return None if cookie_id in (None, "", "null") else cookie_id

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if session_id := self.get_session_id(connection):
            raw = await self._kept_or_read(connection, session_id)
            if raw is not None:
                data = self.deserialize_data(raw)
        loaded = (self.serialize_data(data), data.get(USER_KEY)) if data else (None, None)
        connection.scope.setdefault("state", {})[LOADED_STATE_KEY] = loaded  # type: ignore[typeddict-item]
        return data

    async def _kept_or_read(self, connection: ASGIConnection, session_id: str) -> bytes | None:
        """The stored session, kept in this process while its generation (bumped by every write
        or delete of it, in any process: forum.page_cache) is unchanged, and at most a minute (so
        an expiry in the store is seen). A member's page read a session file on every request."""
        app = connection.scope["app"]
        store = self.config.get_store_from_app(app)
        page_cache = app.state.get("page_cache")
        if page_cache is None or not isinstance(store, SessionFileStore):
            # A session in Redis is read in one round trip, as its generation would be: checking
            # the generation first cost a second one whenever no current copy was kept (a member's
            # first request to this process, a copy older than a minute, a session changed since).
            return await self.get(session_id, store=store)
        kept = self.__dict__.setdefault("_kept", OrderedDict())
        generations = await page_cache.generations.values((session_tag(session_id),))
        now = time.monotonic()
        found = kept.get(session_id)
        if found is not None and found[0] == generations and now - found[1] < KEEP_SECONDS:
            return found[2]
        raw = await self.get(session_id, store=store)
        kept[session_id] = (generations, now, raw)
        kept.move_to_end(session_id)
        while len(kept) > KEEP_MAX:
            kept.popitem(last=False)
        return raw

    async def set(self, session_id: str, data: bytes, store: Store) -> None:
        await super().set(session_id, data, store)
        await bump_async([session_tag(session_id)])

    async def delete(self, session_id: str, store: Store) -> None:
        await super().delete(session_id, store)
        await bump_async([session_tag(session_id)])

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        cookie_id = self.get_session_id(connection)
        data = scope_session if isinstance(scope_session, dict) and scope_session else None

        if data is None:
            if cookie_id:  # logged out or emptied: forget it in the store and the browser
                await self.delete(cookie_id, store=store)
                headers.add("Set-Cookie", Cookie(value="null", key=self.config.key, expires=0, **cookie_params).to_header(header=""))
            return

        loaded, loaded_user = scope.get("state", {}).get(LOADED_STATE_KEY, (None, None))
        member_changed = cookie_id is not None and loaded_user != data.get(USER_KEY)
        fresh = time.time() - float(data.get(RENEWED_KEY) or 0) < RENEW_AFTER_SECONDS
        if cookie_id and not member_changed and fresh and loaded == self.serialize_data(data, scope):
            return
        if member_changed:
            await self.delete(cookie_id, store=store)  # type: ignore[arg-type]
        session_id = cookie_id if cookie_id and not member_changed else self.generate_session_id()
        data[RENEWED_KEY] = int(time.time())
        await self.set(session_id=session_id, data=self.serialize_data(data, scope), store=store)
        headers.add("Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""))


@dataclass
class QuietSessionConfig(ServerSideSessionConfig):
    _backend_class = QuietSessionBackend


class SessionFileStore(FileStore):
    """Litestar's file store, same files and format, with the file operations done in the event
    loop rather than each sent to a worker thread (a session is a few hundred bytes on a local
    disk: reading or writing it takes microseconds, the thread hop and its wake-ups cost far more
    CPU). A submit reads the member's session and writes it again for its flash message: two hops
    saved per submit."""

    def _file(self, key: str) -> Path:
        return Path(self.path) / _safe_file_name(key)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        Path(self.path).mkdir(exist_ok=True, parents=self.create_directories)  # as the stock store: a removed directory comes back
        if isinstance(value, str):
            value = value.encode("utf-8")
        self._write_sync(self._file(key), StorageObject.new(data=value, expires_in=expires_in))  # type: ignore[arg-type]

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        path = self._file(key)
        try:
            stored = StorageObject.from_bytes(path.read_bytes())
        except FileNotFoundError:
            return None
        if stored.expired:
            path.unlink(missing_ok=True)
            return None
        if renew_for and stored.expires_at:
            await self.set(key, value=stored.data, expires_in=renew_for)
        return stored.data

    async def delete(self, key: str) -> None:
        self._file(key).unlink(missing_ok=True)


def session_store(settings: Settings) -> Store:
    """Redis when configured (several machines), else files in the data dir (survive a restart)."""
    if settings.security.redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=settings.security.redis_url, namespace="webboard-sessions")
    return SessionFileStore(settings.security.session_dir, create_directories=True)
