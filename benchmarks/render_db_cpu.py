"""CPU of one page *render* on PostgreSQL, in one process: the server's (`time.process_time`) and the
database's (the CPU time of the PostgreSQL backends of the app's pooled connections, read from
/proc/<pid>/schedstat: this must run on the database's machine with the right to read it), per
request, with the page caches off so every request renders. CPU time, not wall time: the figures
hold on a busy machine.

`--bumps N` then bumps N threads of the page's category as N published replies do (one UPDATE each of
`reply_count`, `last_activity_at`, `last_author_id`, `updated_at`, autocommitted, the newest first), and
measures again: the listing index's dead entries (autovacuum off, or not yet run) against the render.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wb_x WEBBOARD_DATA_DIR=/tmp/x/data \\
      python benchmarks/render_db_cpu.py [--requests 300] [--path /c/maintenance] [--bumps 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["WEBBOARD_PAGE_CACHE"] = "0"  # every request renders
os.environ.setdefault("WEBBOARD_ACCESS_LOG", "0")

sys.path.insert(0, str(Path(__file__).resolve().parent))
# the PostgreSQL backends' CPU, read as pg_submit_probe.py reads it (pids added to its BACKENDS below)
from pg_submit_probe import BACKENDS, backend_cpu_ns  # noqa: E402


def install() -> None:
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    @event.listens_for(Pool, "connect")
    def _connected(dbapi_connection, _record):
        inner = getattr(dbapi_connection, "_connection", None)
        if inner is not None and hasattr(inner, "get_server_pid"):
            BACKENDS.add(inner.get_server_pid())


async def measure(client, path: str, requests: int) -> tuple[float, float]:
    cpus, dbs = [], []
    for _ in range(requests):
        db, cpu = backend_cpu_ns(), time.process_time()
        answer = await client.get(path)
        cpus.append((time.process_time() - cpu) * 1000)
        dbs.append((backend_cpu_ns() - db) / 1e6)
        assert answer.status_code == 200, answer.status_code
    return statistics.median(cpus), statistics.mean(dbs)


async def bump(url: str, slug: str, count: int) -> None:
    """`count` replies' thread UPDATEs in the category, each its own transaction, as the submits commit them."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        ids = [r["id"] for r in await conn.fetch(
            "SELECT t.id FROM threads t JOIN categories c ON c.id = t.category_id WHERE c.slug = $1 "
            "AND t.visibility = 'published' ORDER BY random() LIMIT $2", slug, max(count // 3, 1))]
        for n in range(count):
            await conn.execute(
                "UPDATE threads SET reply_count = reply_count + 1, last_activity_at = clock_timestamp(), "
                "last_author_id = author_id, updated_at = clock_timestamp() WHERE id = $1", ids[n % len(ids)])
    finally:
        await conn.close()


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--path", action="append", help="pages to render (default: /c/maintenance and /t/50000)")
    parser.add_argument("--bumps", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    paths = args.path or ["/c/maintenance", "/t/50000"]
    install()
    from litestar.testing import AsyncTestClient

    from forum.app import create_app
    from forum.duplicates.hook import build_index_on_startup
    from forum.settings import get_settings

    settings = get_settings()
    app = create_app(settings, post_hooks=[])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app.on_startup.remove(build_index_on_startup)
    async with AsyncTestClient(app=app) as client:
        for path in paths:
            for _ in range(20):
                assert (await client.get(path)).status_code == 200
        for round_ in range(args.rounds):
            for path in paths:
                cpu, db = await measure(client, path, args.requests)
                print(f"{args.label} round {round_ + 1} before bumps {path}: server CPU {cpu:.3f} ms (median), "
                      f"database CPU {db:.3f} ms (mean) per render, {args.requests} renders", flush=True)
            if args.bumps:
                slug = paths[0].split("/")[2].split("?")[0] if paths[0].startswith("/c/") else "maintenance"
                started = time.perf_counter()
                await bump(settings.db.url, slug, args.bumps)
                print(f"{args.label} round {round_ + 1}: {args.bumps} bumps in /c/{slug} "
                      f"({time.perf_counter() - started:.1f} s)", flush=True)
                for path in paths:
                    cpu, db = await measure(client, path, args.requests)
                    print(f"{args.label} round {round_ + 1} after bumps {path}: server CPU {cpu:.3f} ms (median), "
                          f"database CPU {db:.3f} ms (mean) per render, {args.requests} renders", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
