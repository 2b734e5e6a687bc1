"""One render at a time per cached page in this process (the page caches' "single flight").

When a cached page is missing or its generations moved (a reply to a busy category, say), every
reader arriving before the new page is stored would render it again: on a board where replies
come every few hundred milliseconds that is most of the readers of the page, each doing the work
of a full render (the thundering herd). Here the first request for a key renders; the requests
for the same key that arrive while it runs wait for its result and serve that.

The key of a flight is the page's cache key *with the generations read before rendering*. A
request that arrives after a change reads the new generations, so it never joins a render of the
older ones: it starts its own flight (and may run beside the old one, which then serves only the
requests that asked before the change). A waiter therefore only receives what it would have been
served from the cache had the leader finished a moment earlier.

What is shared is what the cache would store; nothing else: a failed render (an exception), a
response that is not shareable (not a 200, a cookie of its own, a member's own held post) or a
render slower than `wait` seconds gives the waiters None, and each of them renders on its own
(so an error reaches only the requests whose own render fails). A flight's entry is removed when
its render ends, however it ends (returned, raised or cancelled).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from . import tail_trace

T = TypeVar("T")


class _Led:
    """The result for the request that rendered: it has answered already."""

    def __repr__(self) -> str:
        return "LED"


LED: Any = _Led()


class Flights(Generic[T]):
    def __init__(self, wait: float = 3.0) -> None:
        self.wait = wait
        self._running: dict[Hashable, asyncio.Future[T | None]] = {}

    def __len__(self) -> int:
        return len(self._running)

    def running(self, key: Hashable) -> bool:
        """Whether `run(key, ...)` would now wait for a flight of this event loop (its render running, or
        its result published and its render still answering its own request): a request that joins it
        need not look anywhere else first (the page caches skip their look at the shared store)."""
        running = self._running.get(key)
        return running is not None and running.get_loop() is asyncio.get_running_loop()

    def publish(self, key: Hashable, result: T) -> None:
        """Hands the running flight's shareable result to its waiters now, before its render has
        finished answering its own request (whose send may give the event loop to other work)."""
        running = self._running.get(key)
        if running is not None and not running.done():
            running.set_result(result)

    async def run(self, key: Hashable, render: Callable[[], Awaitable[T | None]]) -> T | None:
        """Renders through `render` if no flight for `key` is running (returns LED: the request has
        its response), else waits for the running one: its shareable result, or None when the
        waiter must render on its own."""
        running = self._running.get(key)
        if running is not None and running.get_loop() is not asyncio.get_running_loop():
            return None  # a flight of another event loop (an app driven from two loops): not awaitable here
        if running is None:
            future: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
            self._running[key] = future
            result: T | None = None
            try:
                result = await render()
            finally:
                if self._running.get(key) is future:
                    del self._running[key]
                if not future.done():
                    future.set_result(result)  # None when the render raised or was cancelled
            return LED
        started = time.monotonic()
        try:
            return await asyncio.wait_for(asyncio.shield(running), self.wait)
        except TimeoutError:
            return None
        finally:
            if tail_trace.PATH is not None:
                tail_trace.note("wait", (time.monotonic() - started) * 1000, started)
