"""The saved index: a process loads the snapshot instead of analysing every thread, catches up
with the database, and never trusts a file it did not write for this code and this database."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

import models as m
from forum.duplicates import cli
from forum.duplicates.features import Analyzer
from forum.duplicates.hook import live_index, save_index_on_shutdown
from forum.duplicates.service import DuplicateService, LiveIndex
from forum.duplicates.snapshot import MAGIC, SnapshotStore, database_identity

from .counting import CountingAnalyzer

QUERIES = [
    ("Yaris battery dead every morning", "need a jump start"),
    ("ยาริสแบตหมดตอนเช้า", "พ่วงแบตทุกวัน"),
    ("Revo brake squeal", ""),
    ("ฟอร์จูนเนอร์ เปลี่ยนน้ำมันเครื่องทุกกี่โล", ""),
    ("City aircon not cold in traffic", ""),
    ("ฟิล์มกรองแสง ซีวิค เซรามิก", ""),
    ("Almera CVT jerks", "at low speed"),
]


@pytest.fixture
def store(tmp_path, settings) -> SnapshotStore:
    store = SnapshotStore(tmp_path / "duplicates", database_identity(settings.db.url))
    store.POLL_SECONDS = 0.01
    return store


def fresh(store: SnapshotStore) -> tuple[LiveIndex, CountingAnalyzer]:
    """A new process's index on the same snapshot directory (its own lock handle)."""
    analyzer = CountingAnalyzer()
    return LiveIndex(analyzer, store=SnapshotStore(store.directory, store.database)), analyzer


def results(live: LiveIndex) -> list[list[tuple[int, float]]]:
    return [[(x.id, x.score) for x in live.index.query(t, b, k=10, min_score=0)] for t, b in QUERIES]


async def found(db, live: LiveIndex, title: str, body: str = "") -> list[int]:
    return [s.id for s in await DuplicateService(db, live).similar(None, title, body)]


async def test_the_first_process_writes_a_snapshot_that_the_next_loads_with_identical_results(
        db, factory, category, other_member, board, store):
    first, first_analyzer = fresh(store)
    await first.sync(db)
    assert first_analyzer.calls == 5 and not first.loaded_from_snapshot
    # a thread added afterwards sits in the mutable tail, a hidden one is removed: both saved too
    late = await factory.thread(category, other_member, "Almera CVT jerks from first to second", "at low speed")
    board["film"].visibility = m.Visibility.HELD
    await db.commit()
    await first.sync(db)
    assert await first.save_snapshot() is not None
    assert [p.name for p in store.directory.glob("index-*.bin")] == [f"index-{first.version()}.bin"]

    second, second_analyzer = fresh(store)
    await second.sync(db)
    assert second.ready and second.loaded_from_snapshot
    assert second_analyzer.calls == 0  # nothing analysed: every thread came from the file
    assert sorted(second.index.ids()) == sorted(first.index.ids()) and late.id in second.index
    assert board["film"].id not in second.index
    assert results(second) == results(first)
    assert any(results(first))


async def test_a_loaded_snapshot_catches_up_on_threads_added_edited_hidden_or_committed_late(
        db, factory, category, other_member, board, store):
    first, _ = fresh(store)
    await first.sync(db)
    assert first.snapshot is not None  # written by the build
    added = await factory.thread(category, other_member, "Almera CVT jerks from first to second", "at low speed")
    edited = board["oil"]
    edited.title = "Civic window tint: which ceramic film?"
    opening = await db.scalar(select(m.Post).where(m.Post.thread_id == edited.id, m.Post.is_opening.is_(True)))
    opening.body_raw = "new Civic, ceramic film brands"
    board["aircon"].visibility = m.Visibility.HELD
    await db.commit()
    # committed late: a timestamp well before the snapshot's watermark, outside the sync's overlap
    late = await factory.thread(category, other_member, "Mazda 2 wipers squeak on the windscreen", "new blades")
    late.updated_at = late.content_changed_at = first.watermark - dt.timedelta(hours=1)
    await db.commit()

    second, analyzer = fresh(store)
    await second.sync(db)
    assert second.loaded_from_snapshot
    assert analyzer.calls == 3  # the added, edited and late threads; the rest came from the file
    assert await found(db, second, "Almera CVT jerks") == [added.id]
    assert await found(db, second, "Mazda 2 wipers squeak") == [late.id]
    assert edited.id in await found(db, second, "ฟิล์มกรองแสง ซีวิค เซรามิก")
    assert edited.id not in await found(db, second, "Fortuner oil change interval")
    assert board["aircon"].id not in second.index
    assert await found(db, second, "City aircon not cold in traffic") == []


async def test_a_thread_deleted_from_the_database_after_the_snapshot_is_dropped_on_load(
        db, factory, category, other_member, board, store):
    first, _ = fresh(store)
    await first.sync(db)
    gone = board["brakes"].id
    await db.execute(delete(m.Post).where(m.Post.thread_id == gone))
    await db.execute(delete(m.Thread).where(m.Thread.id == gone))
    await db.commit()

    second, analyzer = fresh(store)
    await second.sync(db)
    assert second.loaded_from_snapshot and analyzer.calls == 0
    assert gone not in second.index and len(second.index) == 4
    assert await found(db, second, "Hilux Revo brakes squeal when stopping") == []


def _rewrite_header(path, **changes) -> None:
    data = path.read_bytes()
    end = data.index(b"\n", len(MAGIC)) + 1
    header = {**json.loads(data[len(MAGIC):end]), **changes}
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + data[end:])


def _flip_payload_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))


SPOILERS = {
    "garbage": lambda path: path.write_bytes(b"not a snapshot at all"),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:-1000]),
    "flipped payload byte": _flip_payload_byte,
    "other format": lambda path: _rewrite_header(path, format=999),
    "other analyzer": lambda path: _rewrite_header(path, analyzer="0123456789abcdef"),
    "other threshold": lambda path: _rewrite_header(path, threshold=0.75),
    "other database": lambda path: _rewrite_header(path, database="another-board"),
}


@pytest.mark.parametrize("spoil", SPOILERS.values(), ids=SPOILERS.keys())
async def test_a_corrupt_or_foreign_snapshot_is_ignored_and_rebuilt(db, board, store, spoil):
    first, _ = fresh(store)
    await first.sync(db)
    path = store.path(first.version())
    spoil(path)

    second, analyzer = fresh(store)
    await second.sync(db)
    assert second.ready and not second.loaded_from_snapshot
    assert analyzer.calls == 5  # built from the database
    assert sorted(second.index.ids()) == sorted(t.id for t in board.values())

    third, analyzer = fresh(store)  # ... and wrote a good snapshot again
    await third.sync(db)
    assert third.loaded_from_snapshot and analyzer.calls == 0
    assert results(third) == results(second)


async def test_a_snapshot_of_another_threshold_is_not_loaded(db, board, store):
    first, _ = fresh(store)
    await first.sync(db)
    second, analyzer = fresh(store)
    second.index.threshold = 0.8
    await second.sync(db)
    assert not second.loaded_from_snapshot and analyzer.calls == 5


async def test_a_second_process_waits_for_the_first_to_build_then_loads_its_snapshot(db, board, store):
    first, first_analyzer = fresh(store)
    second, second_analyzer = fresh(store)
    second.store.POLL_SECONDS = 0.01
    await asyncio.gather(first.sync(db), second.sync(db))
    assert first_analyzer.calls == 5 and not first.loaded_from_snapshot
    assert second.store.waits > 0  # it found the lock taken ...
    assert second.loaded_from_snapshot and second_analyzer.calls == 0  # ... and analysed nothing
    assert results(second) == results(first)


async def test_the_snapshot_is_written_again_after_enough_changes(db, factory, category, other_member, board, store):
    first, _ = fresh(store)
    await first.sync(db)
    first.SNAPSHOT_EVERY_CHANGES, first.SNAPSHOT_MIN_SECONDS = 2, 0.0
    one = await factory.thread(category, other_member, "Almera CVT jerks from first to second", "at low speed")
    await first.sync(db)
    assert first._snapshot_task is None  # one change: not yet
    two = await factory.thread(category, other_member, "Mazda 2 wipers squeak on the windscreen", "new blades")
    await first.sync(db)
    assert first._snapshot_task is not None
    await first._snapshot_task
    assert first.changes == 0 and first.snapshot["threads"] == 7

    second, analyzer = fresh(store)
    await second.sync(db)
    assert second.loaded_from_snapshot and analyzer.calls == 0
    assert one.id in second.index and two.id in second.index


async def test_the_rebuild_command_writes_a_snapshot_that_the_app_loads_without_analysing(
        db, board, settings, tmp_path, monkeypatch):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    board_settings = dataclasses.replace(settings, data_dir=tmp_path)
    monkeypatch.setattr(cli, "get_settings", lambda: board_settings)
    calls = []
    analyze = Analyzer.analyze

    def counting(self, title, body=""):
        calls.append(title)
        return analyze(self, title, body)

    monkeypatch.setattr(Analyzer, "analyze", counting)

    result = await asyncio.to_thread(CliRunner().invoke, cli.duplicates, ["rebuild", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Indexed 5 threads" in result.output and len(calls) == 5
    assert list((tmp_path / "duplicates").glob("index-*.bin"))

    calls.clear()
    app = create_app(board_settings)
    async with AsyncTestClient(app=app):
        live = live_index(app.state)
        assert live.ready and live.loaded_from_snapshot and len(live.index) == 5
        assert calls == []  # the start-up analysed nothing
        assert await found(db, live, "Revo brake squeal") == [board["brakes"].id]


async def test_the_shutdown_hook_saves_changes_for_the_next_start(db, factory, category, other_member, board,
                                                                  settings, tmp_path):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    board_settings = dataclasses.replace(settings, data_dir=tmp_path)
    app = create_app(board_settings)
    async with AsyncTestClient(app=app):
        live = live_index(app.state)
        assert live.ready and live.snapshot is not None and live.snapshot["threads"] == 5
        added = await factory.thread(category, other_member, "Almera CVT jerks from first to second", "low speed")
        await live.sync(db)
        assert live.changes == 1
        await save_index_on_shutdown(app)
        assert live.changes == 0

    second, analyzer = fresh(SnapshotStore.for_settings(board_settings))
    await second.sync(db)
    assert second.loaded_from_snapshot and analyzer.calls == 0 and added.id in second.index


async def test_without_a_usable_snapshot_directory_the_index_is_still_built(db, board, tmp_path, settings):
    (tmp_path / "not-a-dir").write_text("a file where the directory should be")
    live = LiveIndex(store=SnapshotStore(tmp_path / "not-a-dir" / "duplicates", database_identity(settings.db.url)))
    await live.sync(db)
    assert live.ready and len(live.index) == 5 and live.snapshot is None
    assert await found(db, live, "Revo brake squeal") == [board["brakes"].id]


async def test_the_server_process_freezes_its_start_up_objects_once_the_index_is_built(settings, monkeypatch):
    from litestar.datastructures import State

    from forum.duplicates import hook

    frozen: list[bool] = []
    monkeypatch.setattr(hook, "freeze_long_lived_objects", lambda: frozen.append(True))
    app_like = type("AppLike", (), {})()
    app_like.state = State({"settings": settings})
    await hook._build(app_like, settings)
    assert frozen == []  # apps made in tests keep their objects collectable
    app_like.state[hook.FREEZE_AFTER_START_KEY] = True
    await hook._build(app_like, settings)
    assert frozen == [True]


def test_the_asgi_entry_point_asks_for_the_freeze():
    from forum import asgi
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY

    assert asgi.app.state.get(FREEZE_AFTER_START_KEY) is True
