"""What readers of a cached page wait for after a change, in one process (no server, no network): the page
is invalidated (its category's tag bumped, as a reply does) and READERS requests for it arrive at once,
as wrk's connections do; one renders (the single flight), the others wait. Counted per change: the
Redis commands and PostgreSQL round trips of all those requests, and how long each reader took, in
*event-loop turns*: a busy task beside them stands for a server's other work (a submit's classifier and
duplicate check), taking SLICE ms of CPU each time it runs, so every await of the miss path costs the
readers one turn of it, as it does in a busy server. Turns are counted, not timed: the figure holds on a
busy machine. CPU time (`time.process_time`) of the whole round is printed too.

    DATABASE_URL=postgresql+asyncpg://... REDIS_URL=redis://127.0.0.1:6379/9 WEBBOARD_DATA_DIR=/tmp/x/data \\
      python benchmarks/miss_path_probe.py [--rounds 40] [--readers 16] [--slice-ms 1] [--path /c/maintenance]
      [--viewer guest|silver]
    CODE=/tmp/old python benchmarks/miss_path_probe.py ...   # another checkout's code
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE") or str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# PostgreSQL round trips and Redis commands counted as pg_submit_probe.py counts them, in its COUNTS
from pg_submit_probe import COUNTS, CountingProtocol, count_redis_commands  # noqa: E402
os.environ.setdefault("WEBBOARD_ACCESS_LOG", "0")

TURNS = 0


def install_counters() -> None:
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    @event.listens_for(Pool, "connect")
    def _connected(dbapi_connection, _record):
        inner = getattr(dbapi_connection, "_connection", None)
        if inner is None or not hasattr(inner, "_protocol"):
            return
        inner._protocol = CountingProtocol(inner._protocol)

    count_redis_commands(COUNTS)


async def busy(slice_s: float, stop: asyncio.Event) -> None:
    """The server's other work: SLICE of CPU, then a turn for everyone else."""
    global TURNS
    while not stop.is_set():
        end = time.process_time() + slice_s
        while time.process_time() < end:
            pass
        TURNS += 1
        await asyncio.sleep(0)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--slice-ms", type=float, default=1.0)
    parser.add_argument("--path", default="/c/maintenance")
    parser.add_argument("--viewer", choices=("guest", "silver"), default="guest")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    install_counters()
    import httpx
    from sqlalchemy import update

    import models as m
    from forum import page_cache
    from forum.app import create_app
    from forum.db import create_engine
    from forum.duplicates.hook import build_index_on_startup
    from forum.security import hash_password
    from forum.settings import get_settings

    logging.disable(logging.INFO)
    settings = get_settings()
    if args.viewer == "silver":
        engine = create_engine(settings.db)
        async with engine.begin() as conn:
            await conn.execute(update(m.User).where(m.User.id == 1901).values(password_hash=hash_password("pw-bench")))
        await engine.dispose()
    app = create_app(settings, post_hooks=[])
    app.on_startup.remove(build_index_on_startup)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    from submit_profile import lifespan  # the app's start-up and shutdown, in this event loop

    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        cookies = {}
        first = await client.get("/login")
        cookies["csrftoken"] = first.cookies["csrftoken"]
        if args.viewer == "silver":
            done = await client.post("/login", data={"_csrf_token": cookies["csrftoken"], "login_id": "user1901",
                                                     "password": "pw-bench"}, cookies=cookies)
            assert "session" in done.cookies, done.status_code
            cookies["session"] = done.cookies["session"]  # (not the login's flash message: a page of its own)
        client.cookies.clear()
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        for _ in range(5):
            assert (await client.get(args.path, headers=header)).status_code == 200
        category_id = 1
        stop = asyncio.Event()
        spinner = asyncio.create_task(busy(args.slice_ms / 1000, stop))
        waited, per_round, cpu_round = [], collections.defaultdict(list), []

        async def read() -> int:
            started = TURNS
            answer = await client.get(args.path, headers=header)
            assert answer.status_code == 200, answer.status_code
            return TURNS - started

        for _ in range(args.rounds):
            await page_cache.bump_async({page_cache.category_tag(category_id)})
            before, cpu, turns_before = COUNTS.copy(), time.process_time(), TURNS
            turns = await asyncio.gather(*(read() for _ in range(args.readers)))
            # the readers' CPU: the round's, less the busy task's slices
            cpu_round.append((time.process_time() - cpu) * 1000 - (TURNS - turns_before) * args.slice_ms)
            waited.extend(turns)
            spent = COUNTS - before
            for key in ("redis", "pg"):
                per_round[key].append(spent.get(key, 0))
            await asyncio.sleep(0.005)
        stop.set()
        await spinner
    cache = app.state.page_cache
    stats = cache.stats if args.viewer == "guest" else cache.members.stats
    print(f"{args.label} {args.viewer} {args.path}: per change ({args.rounds} changes, {args.readers} readers at once, "
          f"other work {args.slice_ms} ms a turn): reader waits in loop turns mean {statistics.mean(waited):.2f} "
          f"median {statistics.median(waited):.1f} max {max(waited)}; Redis commands {statistics.mean(per_round['redis']):.1f}, "
          f"PostgreSQL round trips {statistics.mean(per_round['pg']):.1f}; readers' CPU {statistics.median(cpu_round):.2f} ms "
          f"(median, the busy task's slices left out); cache {stats}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
