"""Where one full render of a category page goes, in CPU time (`time.process_time`, so the figure holds on a
busy machine), in one process without a server: the page caches off (every request renders), guest
requests through the whole ASGI app, and each request's CPU split into the category's lookup, the
thread list's query with its rows, the template, and the rest of the app's own work (middleware, session,
dependencies, the response); the test client's own work is outside "app" and inside "total".

    WEBBOARD_DATA_DIR=/tmp/x python benchmarks/category_render_cpu.py [--requests 300] [--rounds 5]
        [--path /c/maintenance] [--lang th]
    CODE=/tmp/old python benchmarks/category_render_cpu.py ...   # another checkout's code

Prints the median over rounds of each part's CPU per request, in ms."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE") or str(Path(__file__).resolve().parent.parent))
os.environ["WEBBOARD_PAGE_CACHE"] = "0"  # every request renders
os.environ.setdefault("WEBBOARD_ACCESS_LOG", "0")

PARTS = {"lookup": 0.0, "threads": 0.0, "template": 0.0, "app": 0.0}


def timed(part: str, function):
    def call(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[part] += time.process_time() - start
    return call


def timed_async(part: str, function):
    async def call(*args, **kwargs):
        start = time.process_time()
        try:
            return await function(*args, **kwargs)
        finally:
            PARTS[part] += time.process_time() - start
    return call


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--path", default="/c/maintenance")
    parser.add_argument("--lang", choices=("th", "en"), default="th")
    args = parser.parse_args()
    import jinja2
    from litestar.testing import AsyncTestClient

    from forum.app import create_app
    from forum.duplicates.hook import build_index_on_startup
    from forum.services import reading
    from forum.services.categories import CategoryService
    from forum.settings import get_settings

    logging.disable(logging.INFO)
    reading.category_threads = timed_async("threads", reading.category_threads)
    for lookup in ("by_slug", "shown_by_slug"):  # the page's lookup: the ORM object (main) or its shown row
        if hasattr(CategoryService, lookup):
            setattr(CategoryService, lookup, timed_async("lookup", getattr(CategoryService, lookup)))
    jinja2.Template.render = timed("template", jinja2.Template.render)
    app = create_app(get_settings(), post_hooks=[])
    app.on_startup.remove(build_index_on_startup)  # reading pages do not use the duplicate index
    app.asgi_handler = timed_async("app", app.asgi_handler)
    rounds = []
    async with AsyncTestClient(app=app) as client:
        client.cookies.set("lang", args.lang)
        for _ in range(30):
            assert (await client.get(args.path)).status_code == 200
        for _ in range(args.rounds):
            for part in PARTS:
                PARTS[part] = 0.0
            start = time.process_time()
            for _ in range(args.requests):
                await client.get(args.path)
            rounds.append({"total": time.process_time() - start, **PARTS})
    ms = {part: statistics.median(r[part] for r in rounds) * 1000 / args.requests for part in rounds[0]}
    ms["rest"] = ms["app"] - ms["lookup"] - ms["threads"] - ms["template"]
    print(" ".join(f"{part} {value:.3f}" for part, value in ms.items())
          + f" (ms CPU per request, medians of {args.rounds} rounds of {args.requests}, {args.path}, lang {args.lang})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
