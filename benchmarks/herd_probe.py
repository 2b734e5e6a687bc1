"""Renders and CPU per read of one busy page while replies land on it, in one process (no server, no
network): READERS concurrent readers ask for the page in a loop while a writer commits a reply to one
of its category's threads every WRITE_MS (each reply invalidates the page). Counts the page caches'
renders (every render goes through `forum.page_cache.run_and_keep`) and the process's CPU time,
so the figures hold on a busy machine. The writer is another process (as another server worker
would be; its CPU is not counted); the page caches' generations are shared through the data dir.

    WEBBOARD_DATA_DIR=/tmp/busy-board python benchmarks/herd_probe.py [--seconds 10] [--readers 16]
        [--write-ms 100] [--path /c/maintenance] [--viewer guest|silver]
    CODE=/work/main /work/main/.venv/bin/python benchmarks/herd_probe.py ...   # another checkout's code

The board is written to (replies): use a copy of a seeded board (benchmarks/seed_board.py).
WEBBOARD_PAGE_CACHE_WAIT=0 turns the single flight off (every reader that misses renders)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE") or str(Path(__file__).resolve().parent.parent))


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--write-ms", type=float, default=100)
    parser.add_argument("--path", default="/c/maintenance")
    parser.add_argument("--viewer", choices=("guest", "silver"), default="guest")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        print(await write(args))
        return 0
    import httpx
    from litestar.testing import AsyncTestClient
    from sqlalchemy import update

    import models as m
    from forum import page_cache
    from forum.app import create_app
    from forum.db import create_engine
    from forum.duplicates.hook import build_index_on_startup
    from forum.security import hash_password
    from forum.settings import get_settings

    settings = get_settings()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("webboard.access").setLevel(logging.WARNING)
    engine = create_engine(settings.db)
    async with engine.begin() as conn:
        await conn.execute(update(m.User).where(m.User.id == 1901).values(password_hash=hash_password("pw-bench")))
    await engine.dispose()
    app = create_app(settings, post_hooks=[])
    app.on_startup.remove(build_index_on_startup)
    renders = 0
    original = page_cache.run_and_keep

    async def counted(*a, **kw):
        nonlocal renders
        renders += 1
        return await original(*a, **kw)

    page_cache.run_and_keep = counted

    async with AsyncTestClient(app=app) as client:
        cookie = ""
        if args.viewer == "silver":
            await client.get("/login")
            await client.post("/login", data={"_csrf_token": client.cookies["csrftoken"], "login_id": "user1901",
                                              "password": "pw-bench"})
            assert "session" in client.cookies
            for _ in range(5):
                await client.get("/")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

        async def run(readers: int, writing: bool) -> dict[str, float]:
            nonlocal renders
            transport = httpx.ASGITransport(app=app)
            reads = writes = 0

            async def reader() -> None:
                nonlocal reads
                async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local",
                                             headers={"cookie": cookie} if cookie else {}) as http:
                    while time.monotonic() < stop:
                        response = await http.get(args.path)
                        assert response.status_code == 200, response.status_code
                        reads += 1

            async def writer() -> None:  # another process, as a server's other worker would be
                nonlocal writes
                out, _ = await child.communicate()
                writes = int(out.decode().split()[-1])

            if writing:
                child = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--writer", "--seconds", str(args.seconds), "--write-ms", str(args.write_ms),
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=os.environ.copy())
                assert (await child.stdout.readline()).strip() == b"ready"
            stop = time.monotonic() + args.seconds
            renders = 0
            cpu, wall = time.process_time(), time.monotonic()
            await asyncio.gather(*(reader() for _ in range(readers)), *([writer()] if writing else []))
            cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            return {"reads": reads, "writes": writes, "renders": renders, "cpu": cpu, "wall": wall}

        portal = client.blocking_portal
        idle = portal.call(run, args.readers, False)
        busy = portal.call(run, args.readers, True)
    wait = os.environ.get("WEBBOARD_PAGE_CACHE_WAIT", "default")
    print(f"code={os.environ.get('CODE') or 'this checkout'} wait={wait} viewer={args.viewer} path={args.path} "
          f"readers={args.readers} write_every={args.write_ms:.0f}ms seconds={args.seconds:.0f}")
    print(f"  idle: {idle['reads']} reads, {idle['reads'] / idle['wall']:.0f}/s, {idle['renders']} renders, "
          f"{idle['cpu'] * 1000 / max(idle['reads'], 1):.3f} ms CPU/read")
    print(f"  busy: {busy['reads']} reads, {busy['reads'] / busy['wall']:.0f}/s, {busy['writes']} replies, "
          f"{busy['renders']} renders ({busy['renders'] / max(busy['writes'], 1):.2f} per reply), "
          f"{busy['cpu'] * 1000 / max(busy['reads'], 1):.3f} ms CPU/read")
    return 0


async def write(args: argparse.Namespace) -> int:
    """The writer process: a reply to one of the category's threads every WRITE_MS; prints how many."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    import models as m
    from forum import page_cache  # noqa: F401 - its listeners turn each commit into the pages' invalidation
    from forum.db import create_engine
    from forum.services.posting import PostingService
    from forum.settings import get_settings

    settings = get_settings()
    engine = create_engine(settings.db)
    async with engine.connect() as conn:
        threads = list((await conn.scalars(select(m.Thread.id).where(m.Thread.category_id == 1).limit(2000))).all())
        authors = list((await conn.scalars(select(m.User.id).where(m.User.id.between(1000, 1800)))).all())
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    print("ready", flush=True)
    writes, stop = 0, time.monotonic() + args.seconds
    while time.monotonic() < stop:
        async with sessions() as session:
            author = await session.get(m.User, random.choice(authors))
            await PostingService(session, settings, []).create_reply(
                author, thread_id=random.choice(threads), body=f"probe reply {random.getrandbits(48)}")
            await session.commit()
        writes += 1
        await asyncio.sleep(args.write_ms / 1000)
    await engine.dispose()
    return writes


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
