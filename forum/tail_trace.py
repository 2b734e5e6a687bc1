"""Opt-in timing of what can stretch a submit's tail (h-catread), for benchmark runs only.

With WEBBOARD_TAIL_TRACE=<file> each server process appends one line per event to <file>.<pid>:
`<monotonic s> <kind> <ms>` where kind is `req` (a POST, start to its last body message), `gate`
(a writer's wait for the writers' turn), `commit` (SQLite's COMMIT, an automatic WAL checkpoint
included), `ckpt` (a background checkpoint), `gc<generation>` (a collection) or `lag` (the event
loop ran late by that much, sampled every 5 ms). Off (the default) it costs one check per use.
With each `req` line (h-pgtail), at the same time stamp: `reqcpu` (the CPU time of the event loop's
thread over that POST's wall time, its own work and any other request's: wall minus it is time the
loop sat idle, waiting for the database or Redis) and `reqo` (how many other POSTs were in flight at
some point during it, in the ms column). A guest page's render for the cache (h-pgcat), at its start:
`lead_lock` (looking for another process's page and taking the page's lock), `lead_app` (the app's render),
`lead_keep` (storing it, after this process's waiters were handed it) and `lead_release` (the lock)."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from typing import Any

PATH = os.environ.get("WEBBOARD_TAIL_TRACE") or None
_out: Any = None
_gc_start = 0.0
_in_flight: dict[int, int] = {}  # POSTs in flight: id -> how many others overlapped it so far
_next_id = 0


def on() -> bool:
    return PATH is not None


def note(kind: str, ms: float, at: float | None = None) -> None:
    global _out
    if PATH is None:
        return
    if _out is None:
        _out = open(f"{PATH}.{os.getpid()}", "a", buffering=1 << 16)  # noqa: SIM115
    _out.write(f"{(at if at is not None else time.monotonic()):.6f} {kind} {ms:.3f}\n")


def _gc(phase: str, info: dict[str, Any]) -> None:
    global _gc_start
    if phase == "start":
        _gc_start = time.perf_counter()
    else:
        note(f"gc{info.get('generation')}", (time.perf_counter() - _gc_start) * 1000)


async def _lag() -> None:
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(0.005)
        late = loop.time() - before - 0.005
        if late > 0.002:
            note("lag", late * 1000)


def middleware(app: Any) -> Any:
    async def traced(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await app(scope, receive, send)
            return
        global _next_id
        started, cpu = time.monotonic(), time.thread_time()
        _next_id += 1
        me = _next_id
        for other in _in_flight:
            _in_flight[other] += 1
        _in_flight[me] = len(_in_flight)
        try:
            await app(scope, receive, send)
        finally:
            note("req", (time.monotonic() - started) * 1000, started)
            note("reqcpu", (time.thread_time() - cpu) * 1000, started)
            note("reqo", _in_flight.pop(me), started)

    return traced


async def start(_app: Any) -> None:
    if PATH is None:
        return
    gc.callbacks.append(_gc)
    _app.state["tail_trace_task"] = asyncio.get_running_loop().create_task(_lag())


async def stop(_app: Any) -> None:
    if _out is not None:
        _out.flush()
