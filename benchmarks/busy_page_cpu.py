"""CPU of the reader side of a busy category, in one process (no server, no network, so the figure holds
on a busy machine): two apps stand for the two server processes (same data dir, same generations, and
the shared page store when WEBBOARD_SHARED_PAGES names a run); between rounds one thread of the category
gets a reply's changes (its last activity and reply count, then the tags a reply bumps), and each app
then serves READS guest requests for the category page, as it did before the reply. Prints how much
more CPU (time.process_time) the reads after a reply took than the reads before it (the re-renders), and
the renders.

    WEBBOARD_DATA_DIR=/tmp/x DATABASE_URL=sqlite+aiosqlite:////tmp/x/webboard.db \\
      python benchmarks/busy_page_cpu.py [--replies 200] [--reads 40] [--path /c/maintenance] [--viewer silver]

--viewer silver (h-readers): the reads are a logged-in Silver member's (user1901, as in page_cpu.py; both apps
share the session store), served by the member page cache (forum.member_pages); renders are its stores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE", str(Path(__file__).resolve().parent.parent)))


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--reads", type=int, default=40, help="requests per app between two replies")
    parser.add_argument("--path", default="/c/maintenance")
    parser.add_argument("--viewer", choices=("guest", "silver"), default="guest")
    args = parser.parse_args()
    from litestar.testing import AsyncTestClient
    from sqlalchemy import text, update

    import models as m

    from forum import page_cache
    from forum.app import create_app
    from forum.db import create_engine
    from forum.duplicates.hook import build_index_on_startup
    from forum.security import hash_password
    from forum.settings import get_settings

    logging.disable(logging.INFO)
    settings = get_settings()
    apps = [create_app(settings, post_hooks=[]) for _ in range(2)]
    for app in apps:
        app.on_startup.remove(build_index_on_startup)
    engine = create_engine(settings.db)
    async with engine.connect() as conn:
        threads = [row[0] for row in await conn.execute(text("SELECT id FROM threads WHERE category_id = 1"))]
    rng = random.Random(16)
    if args.viewer == "silver":
        async with engine.begin() as conn:
            await conn.execute(update(m.User).where(m.User.id == 1901).values(password_hash=hash_password("pw-bench")))
    async with AsyncTestClient(app=apps[0]) as one, AsyncTestClient(app=apps[1]) as two:
        if args.viewer == "silver":
            await one.get("/login")
            await one.post("/login", data={"_csrf_token": one.cookies["csrftoken"], "login_id": "user1901",
                                           "password": "pw-bench"})
            assert "session" in one.cookies
            for name in ("session", "csrftoken"):
                two.cookies.set(name, one.cookies[name])
        for client in (one, two):
            for _ in range(5):
                assert (await client.get(args.path)).status_code == 200
        cpu = idle = 0.0
        now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        for reply in range(args.replies):
            start = time.process_time()  # the same reads without a reply before them: the cost of hits alone
            for _ in range(args.reads):
                for client in (one, two):
                    assert (await client.get(args.path)).status_code == 200
            idle += time.process_time() - start
            thread_id = rng.choice(threads)
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE threads SET last_activity_at = :at, reply_count = reply_count + 1 "
                                        "WHERE id = :id"), {"at": now + dt.timedelta(seconds=reply), "id": thread_id})
            page_cache.bump({page_cache.thread_tag(thread_id), page_cache.category_tag(1)})
            start = time.process_time()
            for _ in range(args.reads):
                for client in (one, two):
                    assert (await client.get(args.path)).status_code == 200
            cpu += time.process_time() - start
    await engine.dispose()
    requests = args.replies * args.reads * 2
    stats = [app.state.page_cache.stats if args.viewer == "guest" else app.state.page_cache.members.stats
             for app in apps]
    renders = sum(s.stored for s in stats)
    print(f"{args.path}: {(cpu - idle) * 1000 / args.replies:.2f} ms CPU more per reply for the reads after it than for as"
          f" many reads with no change ({cpu * 1e6 / requests:.0f} / {idle * 1e6 / requests:.0f} us per request)"
          f" ({args.viewer}, {requests} requests, {args.replies} replies, renders {renders}, from the other process "
          f"{sum(s.shared for s in stats if hasattr(s, 'shared'))}, shared store "
          f"{'on' if getattr(apps[0].state.page_cache, 'store', None) is not None else 'off'})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
