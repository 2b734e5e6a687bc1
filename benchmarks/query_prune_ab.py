"""A/B of the dropped cosine-bound cut (`DuplicateIndex._finish_scores`, PRUNE_FIRST) against
scoring every candidate (PRUNE_FIRST above CANDIDATES), in one process on one index, the order
swapped every query; stops on the first query whose matches, verdicts, verifier features (to
1e-12) or difference tokens differ, at the check's k 15 / floor 0.2 and the composer's k 10 /
0.15. Prints the median CPU of the check's query and how many candidates the cut scored.

    DATABASE_URL=sqlite+aiosqlite:////B/webboard.db WEBBOARD_DATA_DIR=/B \
      python benchmarks/query_prune_ab.py --board snapshot --bench 200 --every 10

(Texts and boards as `query_prune_depth.py`.)"""

from __future__ import annotations

import argparse
import collections
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from query_prune_depth import DATA, reference_index, snapshot_index  # noqa: E402
from submit_profile import text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--board", choices=("snapshot", "reference"), default="snapshot")
    parser.add_argument("--distractors", type=int, default=20000)
    parser.add_argument("--bench", type=int, default=200)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()

    from forum.duplicates import index as ix
    from forum.duplicates.verifier import training_queries

    index = snapshot_index() if args.board == "snapshot" else reference_index(args.distractors)
    scored: list[int] = []
    factors = ix.DuplicateIndex._consistency_factors

    def counted(self, analysis, hits, named):
        scored.append(len(hits))
        return factors(self, analysis, hits, named)

    ix.DuplicateIndex._consistency_factors = counted
    rng = random.Random(5)
    bench = [(f"{text(rng, 5)} q{i}", f"{text(rng, 40)} q{i} {text(rng, 20)}") for i in range(args.bench)]
    queries = training_queries([json.loads(line) for line in (DATA / "queries.jsonl").open(encoding="utf-8")])
    labelled = [(q["title"], q.get("body") or "") for q in queries[::args.every]]
    cut = ix.PRUNE_FIRST
    for label, texts in (("write benchmark's new threads", bench), ("labelled training queries", labelled)):
        spent = {"every candidate": [], "cut": []}
        rounds: collections.Counter = collections.Counter()
        for i, (title, body) in enumerate(texts):
            analysis = index.analyzer.analyze(title, body)
            out = {}
            for name in (("every candidate", "cut") if i % 2 else ("cut", "every candidate")):
                ix.PRUNE_FIRST = cut if name == "cut" else 10**9
                for k, floor in ((15, 0.2), (10, 0.15)):
                    features: list = []
                    differences: list = []
                    del scored[:]
                    started = time.thread_time()
                    matches = index.query_analysis(analysis, k=k, min_score=floor, features=features,
                                                   differences=differences)
                    if k == 15:
                        spent[name].append(time.thread_time() - started)
                        if name == "cut":
                            rounds[tuple(scored)] += 1
                    out[name, k] = (matches, features, differences)
            for k in (15, 10):
                a, b = out["every candidate", k], out["cut", k]
                same = a[0] == b[0] and a[2] == b[2] and len(a[1]) == len(b[1]) and all(
                    np.allclose(x, y, rtol=1e-12, atol=1e-12) for x, y in zip(a[1], b[1]))
                if not same:
                    raise SystemExit(f"differ at k {k}: {title!r}\n{a[0]}\n{b[0]}")
        print(f"{label}: {len(texts)} queries, identical at both settings; query CPU median "
              f"{1e3 * statistics.median(spent['every candidate']):.3f} ms (every candidate) / "
              f"{1e3 * statistics.median(spent['cut']):.3f} ms (cut); candidates scored per round: "
              f"{rounds.most_common(4)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
