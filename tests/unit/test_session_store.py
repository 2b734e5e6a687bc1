"""The session file store (forum.sessions.SessionFileStore): Litestar's file format and expiry,
with the file operations done in the event loop."""

from __future__ import annotations

import asyncio

from litestar.stores.file import FileStore

from forum.sessions import SessionFileStore


def test_values_round_trip_expire_and_are_deleted(tmp_path):
    async def run() -> None:
        store = SessionFileStore(tmp_path / "sessions", create_directories=True)
        assert await store.get("abc") is None
        await store.set("abc", b'{"user_id": 7}', expires_in=60)
        assert await store.get("abc") == b'{"user_id": 7}'
        assert await FileStore(tmp_path / "sessions").get("abc") == b'{"user_id": 7}'  # the stock format
        await store.set("gone", "soon", expires_in=-1)  # already expired: read as absent, file removed
        assert await store.get("gone") is None
        assert not store._file("gone").exists()
        await store.delete("abc")
        await store.delete("abc")  # deleting twice is fine
        assert await store.get("abc") is None

    asyncio.run(run())
