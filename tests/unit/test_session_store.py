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


def test_a_session_in_another_store_is_read_directly_and_a_file_session_is_kept(tmp_path):
    """With Redis (any store but the files) the session is read with one GET on every request: a
    generation check first would be a round trip of its own. A file session is kept in the
    process while its generation is unchanged, and read again once it changes."""
    from types import SimpleNamespace

    from litestar.stores.memory import MemoryStore

    from forum.page_cache import LocalGenerations, session_tag
    from forum.sessions import QuietSessionBackend, QuietSessionConfig

    class CountingGenerations(LocalGenerations):
        reads = 0

        async def values(self, tags):
            CountingGenerations.reads += 1
            return await super().values(tags)

    generations = CountingGenerations(tmp_path / "gen")

    async def run(store) -> list[bytes | None]:
        app = SimpleNamespace(state={"page_cache": SimpleNamespace(generations=generations)},
                              stores=SimpleNamespace(get=lambda name: store))
        backend = QuietSessionBackend(config=QuietSessionConfig())
        connection = SimpleNamespace(scope={"app": app})
        seen = []
        await store.set("sid", b'{"user_id": 1}')
        seen.append(await backend._kept_or_read(connection, "sid"))
        await store.set("sid", b'{"user_id": 2}')  # changed by another process, generation not bumped
        seen.append(await backend._kept_or_read(connection, "sid"))
        generations.bump([session_tag("sid")])
        seen.append(await backend._kept_or_read(connection, "sid"))
        return seen

    assert asyncio.run(run(MemoryStore())) == [b'{"user_id": 1}', b'{"user_id": 2}', b'{"user_id": 2}']
    assert CountingGenerations.reads == 0
    kept = asyncio.run(run(SessionFileStore(tmp_path / "sessions", create_directories=True)))
    assert kept == [b'{"user_id": 1}', b'{"user_id": 1}', b'{"user_id": 2}']  # kept until the bump
    assert CountingGenerations.reads == 3
