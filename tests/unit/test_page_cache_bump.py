"""forum.page_cache.bump: inside an AsyncSession's commit (SQLAlchemy's greenlet, on the event loop)
the generation stores are told through their asyncio path, awaited, so a Redis bump does not block
the loop; elsewhere (a CLI command, a sync session) through the blocking path, as before."""

import pytest
from sqlalchemy.util.concurrency import greenlet_spawn

from forum import page_cache


class RecordingStore(page_cache.RedisGenerations):
    """A Redis store as far as `bump` can tell, recording instead of sending."""

    identity = "test:recording"

    def __init__(self) -> None:  # (no client: nothing is sent)
        self.calls: list[tuple[str, frozenset[str]]] = []

    def bump(self, tags) -> None:
        self.calls.append(("sync", frozenset(tags)))

    async def bump_async(self, tags) -> None:
        self.calls.append(("async", frozenset(tags)))


@pytest.fixture
def store(monkeypatch):
    recording = RecordingStore()
    monkeypatch.setattr(page_cache, "_stores", {recording.identity: recording})
    return recording


def test_outside_a_greenlet_the_blocking_path_is_used(store):
    page_cache.bump(["t:1", "c:2"])
    assert store.calls == [("sync", frozenset({"t:1", "c:2"}))]


async def test_inside_sqlalchemys_greenlet_the_bump_is_awaited_on_the_loop(store):
    await greenlet_spawn(page_cache.bump, ["t:1"])
    assert store.calls == [("async", frozenset({"t:1"}))]


async def test_a_store_that_fails_clears_the_pages(store, monkeypatch):
    cleared: list[bool] = []

    class Cache:
        def clear(self) -> None:
            cleared.append(True)

    async def broken(tags) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(store, "bump_async", broken)
    monkeypatch.setattr(page_cache, "_caches", [Cache()])
    await greenlet_spawn(page_cache.bump, ["t:1"])
    assert cleared == [True]


async def test_a_file_store_is_written_at_once_even_inside_the_greenlet(tmp_path, monkeypatch):
    local = page_cache.LocalGenerations(tmp_path / "gen")
    monkeypatch.setattr(page_cache, "_stores", {local.identity: local})
    before = local.read(("t:1",))
    await greenlet_spawn(page_cache.bump, ["t:1"])
    assert local.read(("t:1",)) != before
