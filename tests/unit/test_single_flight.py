"""forum.single_flight: one render per key at a time; the others wait for it, and only for a result
that can be shared; no entry outlives its render."""

from __future__ import annotations

import asyncio

import pytest

from forum.single_flight import LED, Flights


class Render:
    """A render that counts its calls and takes `seconds`, then returns `result` or raises."""

    def __init__(self, result: object = "page", seconds: float = 0.05, error: Exception | None = None) -> None:
        self.result, self.seconds, self.error, self.calls = result, seconds, error, 0

    async def __call__(self) -> object:
        self.calls += 1
        await asyncio.sleep(self.seconds)
        if self.error is not None:
            raise self.error
        return self.result


async def test_concurrent_requests_for_one_key_render_once_and_the_others_get_its_result():
    flights: Flights[object] = Flights(wait=5)
    render = Render()
    results = await asyncio.gather(*(flights.run("k", render) for _ in range(10)))
    assert render.calls == 1
    assert results.count(LED) == 1 and results.count("page") == 9
    assert len(flights) == 0


async def test_different_keys_do_not_wait_for_each_other():
    flights: Flights[object] = Flights(wait=5)
    one, two = Render("one"), Render("two")
    results = await asyncio.gather(flights.run(("p", 1), one), flights.run(("p", 2), two), flights.run(("p", 2), two))
    assert one.calls == 1 and two.calls == 1
    assert results == [LED, LED, "two"]
    assert len(flights) == 0


async def test_a_failing_render_raises_for_its_own_request_and_gives_the_waiters_nothing_to_serve():
    flights: Flights[object] = Flights(wait=5)
    render = Render(error=RuntimeError("database gone"))
    results = await asyncio.gather(*(flights.run("k", render) for _ in range(4)), return_exceptions=True)
    assert render.calls == 1
    assert isinstance(results[0], RuntimeError)
    assert results[1:] == [None, None, None]  # each waiter renders on its own
    assert len(flights) == 0
    # and the key is free again: the next request renders
    again = Render("fresh")
    assert await flights.run("k", again) is LED and again.calls == 1


async def test_a_render_slower_than_the_wait_lets_the_waiter_go_and_its_entry_still_ends_with_it():
    flights: Flights[object] = Flights(wait=0.05)
    render = Render(seconds=0.5)
    leader = asyncio.create_task(flights.run("k", render))
    await asyncio.sleep(0.01)
    started = asyncio.get_running_loop().time()
    assert await flights.run("k", render) is None  # rendered on its own, not after the slow one
    assert asyncio.get_running_loop().time() - started < 0.4
    assert len(flights) == 1  # the slow render is still running
    assert await leader is LED
    assert len(flights) == 0


async def test_a_cancelled_render_frees_its_key_and_its_waiters():
    flights: Flights[object] = Flights(wait=5)
    render = Render(seconds=5)
    leader = asyncio.create_task(flights.run("k", render))
    await asyncio.sleep(0.01)
    waiter = asyncio.create_task(flights.run("k", render))
    await asyncio.sleep(0.01)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    assert await asyncio.wait_for(waiter, 1) is None
    assert len(flights) == 0


async def test_a_waiter_that_goes_away_does_not_cancel_the_render_the_others_wait_for():
    flights: Flights[object] = Flights(wait=5)
    release = asyncio.Event()
    calls = 0

    async def render() -> object:
        # ends when the test says so, not after 0.1 s: a loop stalled that long (a loaded machine)
        # finished the render before the waiters had joined it, and they each rendered on their own
        nonlocal calls
        calls += 1
        await release.wait()
        return "page"

    leader = asyncio.create_task(flights.run("k", render))
    await asyncio.sleep(0.01)
    gone, staying = asyncio.create_task(flights.run("k", render)), asyncio.create_task(flights.run("k", render))
    await asyncio.sleep(0.01)
    gone.cancel()
    await asyncio.sleep(0.01)  # the cancellation is delivered while the render still runs
    assert not leader.done() and not staying.done()
    release.set()
    assert await staying == "page" and await leader is LED
    assert calls == 1 and len(flights) == 0


async def test_a_published_result_reaches_the_waiters_before_the_render_has_answered_its_own_request():
    flights: Flights[object] = Flights(wait=5)
    sent = asyncio.Event()

    async def render() -> object:
        await asyncio.sleep(0.01)
        flights.publish("k", "page")  # stored: the waiters may go
        await sent.wait()  # the leader's own send, held up (by a submit on the loop, say)
        return "page"

    leader = asyncio.ensure_future(flights.run("k", render))
    await asyncio.sleep(0)
    waiters = [asyncio.ensure_future(flights.run("k", render)) for _ in range(3)]
    done, _ = await asyncio.wait(waiters, timeout=1)
    assert len(done) == 3 and all(w.result() == "page" for w in waiters)
    assert not leader.done()
    sent.set()
    assert await leader is LED and len(flights) == 0
    flights.publish("k", "late")  # no flight running: nothing to do


async def test_a_flight_is_running_from_its_start_until_its_render_returns_even_after_it_published():
    flights: Flights[object] = Flights(wait=5)
    published, finish = asyncio.Event(), asyncio.Event()

    async def render() -> object:
        flights.publish("k", "page")  # handed to the waiters before the render has answered its own request
        published.set()
        await finish.wait()
        return "page"

    assert not flights.running("k")
    leader = asyncio.ensure_future(flights.run("k", render))
    await published.wait()
    assert flights.running("k") and not flights.running("other")
    assert await flights.run("k", Render("never")) == "page"  # a late joiner gets the published page at once
    finish.set()
    assert await leader is LED
    assert not flights.running("k") and len(flights) == 0
