"""Where a new thread's duplicate query spends its CPU, step by step, on a board's saved index
(the snapshot `webboard duplicates rebuild` writes in its data dir): the texts of
`submit_profile.py`'s new threads, analysed (`Analyzer.analyze`) and queried as the check queries
(k 15), each step of `DuplicateIndex._query` wrapped with this thread's CPU clock; phase one is
the time from the query's start to its candidates (`_best_rows`). Printed: mean CPU ms per query.

    DATA=/tmp/board python benchmarks/query_steps_cpu.py [QUERIES]

(No profiler: real per-step CPU. The index is loaded from the snapshot, so the tail segment is
not rebuilt per query here, as in a server whose background catch-up prepares it.)"""

from __future__ import annotations

import collections
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_profile import text  # noqa: E402
from submit_steps_cpu import timed  # noqa: E402

STEPS = ("_gather", "_cross_script", "_consistency_factors", "_shared_content_concepts", "_contrast",
         "_detail_candidates", "_apply_conflict", "_pair_features", "_difference_tokens")


def snapshot_index():
    """The board's index as its servers load it (the snapshot of `webboard duplicates rebuild` for
    the board that WEBBOARD_DATA_DIR and DATABASE_URL name)."""
    from forum.duplicates.index import DuplicateIndex
    from forum.duplicates.service import LiveIndex
    from forum.duplicates.snapshot import SnapshotStore
    from forum.settings import get_settings

    store = SnapshotStore.for_settings(get_settings())
    live = LiveIndex(store=store)
    found = store.read(live.version(), live._expected())
    if found is None:
        raise SystemExit("no usable snapshot for this tree: run `webboard duplicates rebuild` first")
    return DuplicateIndex.from_state(found[1]["index"], live.index.analyzer)


def main() -> int:
    data = os.environ.get("DATA", "/tmp/webboard-bench")
    os.environ["WEBBOARD_DATA_DIR"] = data
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{data}/webboard.db"
    from forum.duplicates import index as ix
    from forum.duplicates.features import Analyzer

    index = snapshot_index()
    spent: dict[str, float] = collections.defaultdict(float)

    for name in STEPS + ("_query",):
        timed(ix.DuplicateIndex, name, name, into=spent, clock=time.thread_time)
    query_started = [0.0]
    query = ix.DuplicateIndex._query

    def marked(self, *args, **kwargs):
        query_started[0] = time.thread_time()
        return query(self, *args, **kwargs)
    ix.DuplicateIndex._query = marked
    best_rows = ix._best_rows

    def phase_one(scores, n):
        rows = best_rows(scores, n)
        spent["phase one (to the candidates)"] += time.thread_time() - query_started[0]
        return rows
    ix._best_rows = phase_one

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rng = random.Random(5)
    posts = [(f"{text(rng, 5)} q{i}", f"{text(rng, 40)} q{i} {text(rng, 20)}") for i in range(count)]
    analyzer = Analyzer()
    warm = max(1, count // 10)
    for title, body in posts[:warm]:
        index.query_analysis(analyzer.analyze(title, body), k=15)
    spent.clear()
    analysis = []
    for title, body in posts[warm:]:
        started = time.thread_time()
        parsed = analyzer.analyze(title, body)
        analysis.append(time.thread_time() - started)
        index.query_analysis(parsed, k=15)
    n = len(posts) - warm
    print(f"{len(index):,} threads, {n} queries: CPU ms per query (mean)")
    print(f"  {'text analysis (median)':36s} {1000 * statistics.median(analysis):.3f}")
    for name, total in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:36s} {1000 * total / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
