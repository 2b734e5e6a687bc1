"""What moderation adds to a post submit: the ModerationHook's before_save (score + thresholds)
on real held-out posts, inside a database session as the posting service runs it.

    .venv/bin/python benchmarks/moderation_submit_bench.py [--posts 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def run(posts: int) -> None:
    data_dir = tempfile.mkdtemp(prefix="webboard-modbench-")
    os.environ["WEBBOARD_DATA_DIR"] = data_dir
    sys.path.insert(0, str(ROOT))
    from sqlalchemy.ext.asyncio import AsyncSession

    import models as m
    from forum.db import create_engine
    from forum.migrate import upgrade
    from forum.services.posting import Draft
    from forum.settings import DatabaseSettings, get_settings
    from moderation.hook import ModerationHook

    url = f"sqlite+aiosqlite:///{data_dir}/bench.db"
    await asyncio.to_thread(upgrade, url)
    texts = [json.loads(line)["text"] for line in (ROOT / "moderation/corpus/heldout.jsonl").open(encoding="utf-8")]
    texts = (texts * (posts // len(texts) + 1))[:posts]
    hook = ModerationHook(get_settings().moderation.model_dir)
    engine = create_engine(DatabaseSettings(url=url))
    author = m.User(id=1, login_id="bench", display_name="bench", terms_version="x")
    async with AsyncSession(engine) as session:
        for text in texts[:20]:  # warm-up: model load, Thai dictionary, threshold cache
            await hook.before_save(session, Draft(action="reply", author=author, body=text))
        timings = []
        for text in texts:
            started = time.perf_counter()
            await hook.before_save(session, Draft(action="reply", author=author, body=text))
            timings.append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"posts={len(timings)} p50={statistics.median(timings):.2f} ms p95={p95:.2f} ms max={timings[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    asyncio.run(run(parser.parse_args().posts))


if __name__ == "__main__":
    main()
