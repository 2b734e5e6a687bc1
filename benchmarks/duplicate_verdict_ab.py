"""This tree's duplicate verdicts and suggestions against another tree's `forum/duplicates/service.py`
(loaded as in `submit_sql_ab.py --swap duplicates`), on one index and one session: for each text,
each viewer and two categories, `DuplicateService.verdict` (kind, duplicate, matches with scores
and the verifier's verdict, as JSON) and `similar` (k 10, every score) must be equal. The board is
copied to SCRATCH and two of its categories made Gold-only and one 18+; the viewers are a Silver
member, a Gold member, a minor and an admin, so the category gate decides on real rows.

    python benchmarks/duplicate_verdict_ab.py --against /tmp/base-tree --data-dir /tmp/x --scratch /tmp/y

Texts: 150 new threads as `submit_profile.py` writes them and the `tune` split of
`forum/duplicates/data/queries.jsonl`. Exits 1 on any difference."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_profile import copy_board, text  # noqa: E402
from submit_sql_ab import other_module  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def gate_board(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE categories SET access = 'gold' WHERE id IN (2, 5)")
        conn.execute("UPDATE categories SET access = 'adult18' WHERE id = 3")
        conn.execute("UPDATE users SET tier = 'gold' WHERE id = 2")
        conn.execute("UPDATE users SET date_of_birth = '2015-01-01' WHERE id = 3")
        conn.execute("UPDATE users SET role = 'admin' WHERE id = 4")


async def compare(against: Path) -> int:
    import models as m
    from sqlalchemy.ext.asyncio import AsyncSession

    from forum.db import create_engine
    from forum.duplicates import service as mine
    from forum.settings import get_settings

    theirs = other_module(against, "forum.duplicates", "service")
    rng = random.Random(3)
    texts = [(text(rng, 5), f"{text(rng, 40)} {text(rng, 20)}") for _ in range(150)]
    with open(ROOT / "forum" / "duplicates" / "data" / "queries.jsonl", encoding="utf-8") as lines:
        texts += [(q.get("title") or "", q.get("body") or "") for q in map(json.loads, lines) if q.get("split") == "tune"]
    engine = create_engine(get_settings().db)
    live = mine.LiveIndex()
    compared = differ = 0
    gated_seen: dict[int, int] = {}
    try:
        async with AsyncSession(engine) as session:
            await live.sync(session)
            viewers = [await session.get(m.User, i) for i in (1, 2, 3, 4)]
            for title, body in texts:
                for viewer in viewers:
                    for category in (1, 2):
                        a = await mine.DuplicateService(session, live).verdict(viewer, title, body, category)
                        b = await theirs.DuplicateService(session, live).verdict(viewer, title, body, category)
                        compared += 1
                        differ += (a.json(viewer), [(s.score, s.verdict) for s in a.matches]) != \
                            (b.json(viewer), [(s.score, s.verdict) for s in b.matches])
                    lists = [await service.DuplicateService(session, live).similar(viewer, title, body, k=10,
                                                                                  min_score=0.0)
                             for service in (mine, theirs)]
                    compared += 1
                    differ += len({repr([(s.json(viewer), s.score, s.verdict) for s in found]) for found in lists}) > 1
                    gated_seen[viewer.id] = gated_seen.get(viewer.id, 0) + sum(s.category_id in (2, 3, 5)
                                                                               for s in lists[0])
    finally:
        await engine.dispose()
    print(f"{len(texts)} texts: {compared} verdicts and suggestion lists compared, {differ} differ; "
          f"gated threads among the suggestions: Silver {gated_seen[1]}, Gold {gated_seen[2]}, "
          f"minor {gated_seen[3]}, admin {gated_seen[4]}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", required=True, help="the other tree (its forum/duplicates/service.py)")
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--scratch", required=True, help="copy the SQLite board here (its categories are changed)")
    args = parser.parse_args()
    scratch = copy_board(Path(args.data_dir), args.scratch)
    gate_board(scratch / "webboard.db")
    os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    return asyncio.run(compare(Path(args.against).resolve()))


if __name__ == "__main__":
    sys.exit(main())
