"""CPU per page in one process (no server, no network): the thread page for a guest and for a
logged-in Silver member, guru and admin, on the seeded benchmark board, through the whole ASGI app
(middleware, session, dependencies, queries, template). CPU time, not wall time, so the figure
holds on a busy machine; run it with WEBBOARD_PAGE_CACHE=0 for the figures without the caches.

    WEBBOARD_DATA_DIR=/tmp/webboard-bench python benchmarks/page_cpu.py [--requests 300] [--path /c/maintenance]
        [--profile silver]

WEBBOARD_MEMBER_PAGE_CACHE=0 keeps the guest cache and turns off the members' (forum.member_pages)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WEBBOARD_DATA_DIR", "/tmp/webboard-bench")


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--path", default="/t/50000")
    parser.add_argument("--profile", choices=("guest", "silver", "guru", "admin"),
                        help="also print where this viewer's requests spend their CPU (cProfile)")
    args = parser.parse_args()
    from litestar.testing import AsyncTestClient
    from sqlalchemy import update

    import models as m
    from forum.app import create_app
    from forum.db import create_engine
    from forum.duplicates.hook import build_index_on_startup
    from forum.security import hash_password
    from forum.settings import get_settings

    settings = get_settings()
    engine = create_engine(settings.db)
    async with engine.begin() as conn:  # ids 1901-1903: a Silver member, a guru, an admin
        await conn.execute(update(m.User).where(m.User.id.in_([1901, 1902, 1903])).values(password_hash=hash_password("pw-bench")))
        await conn.execute(update(m.User).where(m.User.id == 1902).values(role=m.Role.GURU))
        await conn.execute(update(m.User).where(m.User.id == 1903).values(role=m.Role.ADMIN))
    await engine.dispose()
    app = create_app(settings, post_hooks=[])
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the test client's own line per request is not the page's cost
    app.on_startup.remove(build_index_on_startup)  # reading pages do not use the duplicate index
    results = {}
    for who, user_id in (("guest", None), ("silver", 1901), ("guru", 1902), ("admin", 1903)):
        async with AsyncTestClient(app=app) as client:
            if user_id:
                page = await client.get("/login")
                done = await client.post("/login", data={"_csrf_token": client.cookies["csrftoken"],
                                                         "login_id": f"user{user_id}", "password": "pw-bench"})
                assert "session" in client.cookies, done.status_code
            for _ in range(20):
                assert (await client.get(args.path)).status_code == 200
            times = []
            profiler = cProfile.Profile() if args.profile == who else None
            if profiler:
                _profile_app(app, profiler)  # the app runs in the test client's own thread: profile it there
            for _ in range(args.requests):
                start = time.process_time()
                await client.get(args.path)
                times.append((time.process_time() - start) * 1000)
            if profiler:
                app.asgi_handler = app.asgi_handler.__wrapped__
            results[who] = statistics.median(times)
            if profiler:
                pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    cache = "on" if os.environ.get("WEBBOARD_PAGE_CACHE", "1") not in ("0", "false", "off") else "off"
    print(f"caches {cache}: " + ", ".join(f"{who} {ms:.2f} ms" for who, ms in results.items())
          + f" (median CPU per request through the test client, {args.requests} requests, {args.path})")
    return 0


def _profile_app(app, profiler) -> None:
    inner = app.asgi_handler

    async def profiled(scope, receive, send):
        profiler.enable()
        try:
            await inner(scope, receive, send)
        finally:
            profiler.disable()

    profiled.__wrapped__ = inner
    app.asgi_handler = profiled


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
