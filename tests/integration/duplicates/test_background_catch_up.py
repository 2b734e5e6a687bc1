"""A server process keeps its duplicate index caught up between checks (forum.duplicates.hook
`keep_caught_up`, h-submit6): a thread another process posts is indexed without a check of this
one, so the next new thread's check finds nothing left to read; the check's results stay the same."""

from __future__ import annotations

import asyncio
import contextlib
import time

import models as m
from forum.duplicates import hook
from forum.duplicates.service import DuplicateService, LiveIndex

from .counting import CountingAnalyzer


async def found(db, live: LiveIndex, title: str, body: str = "") -> list[int]:
    return [s.id for s in await DuplicateService(db, live).similar(None, title, body)]


async def until(condition, timeout: float = 10.0) -> bool:
    """Waits (polling) until condition() holds or timeout seconds have passed; returns condition().
    The tests wait for what they need to have happened rather than for a fixed pause, which a loaded
    machine may outlast (h-suite3)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return condition()


class Passes:
    """A session maker that counts the catch-up's sessions as they open and as they close: each
    pass of `keep_caught_up` that reads opens one, so `closed` counts the passes it finished."""

    def __init__(self, maker) -> None:
        self.maker, self.opened, self.closed = maker, 0, 0

    @contextlib.asynccontextmanager
    async def __call__(self):
        self.opened += 1
        try:
            async with self.maker() as session:
                yield session
        finally:
            self.closed += 1

    async def one_more(self) -> bool:
        """Waits until a pass that began after this call has finished (the passes run one at a time)."""
        begun = self.opened
        return await until(lambda: self.closed > begun)


async def test_threads_of_other_processes_are_indexed_before_the_next_check(
        db, session_maker, factory, category, other_member):
    first = await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start daily")
    analyzer = CountingAnalyzer()
    live = LiveIndex(analyzer)
    assert await found(db, live, "Yaris battery flat") == [first.id]
    passes = Passes(session_maker)
    task = asyncio.create_task(hook.keep_caught_up(live, passes, 0.01))
    try:
        # committed by "another process": this one has no check to catch up in
        second = await factory.thread(category, other_member, "Civic ceramic window film brand", "heat rejection")
        assert await until(lambda: second.id in live.index)
        read, analysed = live.rows_read, analyzer.calls
        # the next check reads and analyses no thread again, and finds what it found before
        assert await found(db, live, "Civic window film brand") == [second.id]
        assert live.rows_read == read
        assert analyzer.calls == analysed + 1  # the query's own text only
        held = await factory.thread(category, other_member, "Civic window film which brand", "held",
                                    visibility=m.Visibility.HELD)
        # a whole pass begun after the held thread was committed has read past it (a fixed pause
        # could end before any pass ran, and the assertion below would then prove nothing)
        assert await passes.one_more()
        assert held.id not in live.index
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_nothing_is_read_until_the_signal_moves(db, session_maker, factory, category, other_member):
    await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start daily")
    live = LiveIndex()
    await found(db, live, "Yaris battery flat")
    generation = [1]
    looks = 0  # how often the catch-up has looked at the signal

    async def signal():
        nonlocal looks
        looks += 1
        return generation[0]

    opened = 0

    def counting_maker():
        nonlocal opened
        opened += 1
        return session_maker()

    task = asyncio.create_task(hook.keep_caught_up(live, counting_maker, 0.01, signal=signal))
    try:
        # the second look at the signal comes after the first pass has finished
        assert await until(lambda: looks >= 2)
        first = opened  # the first look (the signal's value was not known yet)
        assert first == 1
        later = await factory.thread(category, other_member, "Civic ceramic window film brand", "heat rejection")
        seen = looks
        assert await until(lambda: looks >= seen + 2)  # two more looks since the commit, not a fixed pause
        assert opened == first and later.id not in live.index  # the signal did not move: no read at all
        generation[0] = 2
        assert await until(lambda: later.id in live.index)
        assert later.id in live.index and opened == first + 1
        # the check finds the same, reading nothing again
        read = live.rows_read
        assert await found(db, live, "Civic window film brand") == [later.id]
        assert live.rows_read == read
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_catch_up_is_logged_and_retried(caplog):
    calls = 0

    class Broken:
        async def __aenter__(self):
            nonlocal calls
            calls += 1
            raise RuntimeError("database gone")

        async def __aexit__(self, *exc):
            return False

    task = asyncio.create_task(hook.keep_caught_up(LiveIndex(), Broken, 0.001))
    # until the retry (after a pause of 50 intervals): a fixed 0.2 s could end before it on a loaded machine
    await until(lambda: calls >= 2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert calls >= 2
    assert "background catch-up failed" in caplog.text


def test_the_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(hook.CATCH_UP_ENV, raising=False)
    assert hook.catch_up_interval() == 0.2
    monkeypatch.setenv(hook.CATCH_UP_ENV, "0")
    assert hook.catch_up_interval() == 0
    monkeypatch.setenv(hook.CATCH_UP_ENV, "nonsense")
    assert hook.catch_up_interval() == 0.2


async def test_apps_made_in_tests_start_no_background_task(settings, factory, category, other_member):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start")
    app = create_app(settings)
    async with AsyncTestClient(app=app):
        assert app.state.get(hook.CATCH_UP_TASK_KEY) is None


async def test_a_served_app_keeps_caught_up_and_stops_on_shutdown(settings, factory, category, other_member):
    from litestar.testing import AsyncTestClient

    from forum.app import create_app

    await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start")
    app = create_app(settings)
    app.state[hook.CATCH_UP_KEY] = True
    async with AsyncTestClient(app=app):
        task = app.state.get(hook.CATCH_UP_TASK_KEY)
        assert task is not None and not task.done()
        later = await factory.thread(category, other_member, "Fortuner oil change interval", "every 10,000 km?")
        live = hook.live_index(app.state)
        assert await until(lambda: later.id in live.index)
    # (the task ran on the test client's own loop, closed by now: no pause here orders anything)
    await asyncio.sleep(0)
    assert task.done()


async def test_the_catch_up_builds_the_tail_for_the_next_check(db, session_maker, factory, category, other_member):
    """(h-newthread) After indexing another process's thread the catch-up also builds the index's
    tail postings, so the next check reuses them; that check still finds the new thread."""
    await factory.thread(category, other_member, "Yaris battery flat every morning", "jump start daily")
    live = LiveIndex()
    live.REFRESH_NORMS_UP_TO = 0  # as on a board of more than 10,000 threads: new rows stay in the tail
    await found(db, live, "Yaris battery flat")
    task = asyncio.create_task(hook.keep_caught_up(live, session_maker, 0.01))
    try:
        later = await factory.thread(category, other_member, "Civic ceramic window film brand", "heat rejection")
        await until(lambda: later.id in live.index and live.index._tail_segment is not None)
        assert later.id in live.index
        built = live.index._tail_segment
        assert built is not None and live.index._tail  # built by the catch-up, before any check
        assert await found(db, live, "Civic window film brand") == [later.id]
        assert live.index._tail_segment is built  # the check read the same postings, built nothing
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_prepare_builds_the_segment_a_query_would_build():
    from forum.duplicates.features import Analyzer
    from forum.duplicates.index import DuplicateIndex

    rows = [(1, "c", "Vios engine oil 0W-20 or 5W-30?", "Which oil for my Vios"),
            (2, "c", "Yaris oil change interval", "How often should I change the oil")]
    prepared, plain = DuplicateIndex(Analyzer()), DuplicateIndex(Analyzer())
    for idx in (prepared, plain):
        idx.build(rows[:1], progress=False)
        idx.add(*rows[1])
    prepared.prepare()
    segment = prepared._tail_segment
    assert segment is not None
    assert repr(prepared.query("Yaris oil interval", k=5, min_score=0)) == repr(plain.query("Yaris oil interval", k=5, min_score=0))
    assert prepared._tail_segment is segment
    rebuilt = plain._tail_segment
    assert (segment.indptr == rebuilt.indptr).all() and (segment.indices == rebuilt.indices).all()
