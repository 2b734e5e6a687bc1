"""How far a new thread's duplicate query could skip candidates and still return exactly what it
returns now (issue 16, branch h-newthread): for each query, on a board's saved index or on the
labelled reference threads among synthetic distractors, runs the unchanged `DuplicateIndex._query`
and reads what it worked out for its (up to CANDIDATES) candidates.

Every factor after the cosine (consistency, identity-only, contrast, conflict, detail) is at most
1, so min(cos, 1), the cosine after the cross-script blend, bounds a candidate's final score.
A query that works the factors out only for the M candidates with the best bounds, and leaves out
the others (each scoring at most U, the best bound left out), returns the same matches exactly when
at least max(k, RERANK) of the M score above U after the conflict test (then the top, its order,
scores and the verifier's inputs are those of the M; the conflict test goes down the same scores in
the same order up to them). Printed per set of texts: the smallest such M (the *depth*; CANDIDATES
means no candidate could be skipped), how many candidates the conflict test ran on, how many
distinct concept sets the candidates have (what a per-query memo keyed by a row's concepts could
reuse), and whether the bound held for every candidate.

    DATABASE_URL=sqlite+aiosqlite:////B/webboard.db WEBBOARD_DATA_DIR=/B \
      python benchmarks/query_prune_depth.py --board snapshot --bench 200 --every 10
    python benchmarks/query_prune_depth.py --board reference --distractors 20000 --bench 200 --every 10

Texts: `submit_profile.py`'s new threads (the write benchmark's) and the titles and bodies of the
labelled queries' training splits (`verifier.training_queries`: never the held-out splits)."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_profile import text  # noqa: E402
from query_steps_cpu import snapshot_index  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "forum" / "duplicates" / "data"


def reference_index(distractors: int):
    """The labelled reference threads and `distractors` synthetic threads (`synthetic.py`)."""
    from forum.duplicates.features import Analyzer
    from forum.duplicates.index import DuplicateIndex
    from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses

    analyzer = Analyzer()
    index = DuplicateIndex(analyzer)
    index.build([json.loads(line) for line in (DATA / "threads.jsonl").open(encoding="utf-8")], progress=False)
    if distractors:
        generator = Generator(analyzer, seed=3)
        index.add_many(list(synthetic_analyses(generator, build_pool(generator, analyzer, 400), distractors, 10**9)))
    return index


def depth(upper: np.ndarray, before: np.ndarray, final: np.ndarray, wanted: int) -> int:
    """The fewest candidates, taken by best bound first, whose factors decide the top `wanted`
    exactly (see the module docstring); len(upper) when none can be left out."""
    n = len(upper)
    order = np.argsort(-upper, kind="stable")
    for size in range(min(wanted, n), n):
        bound = upper[order[size]]
        chosen = order[:size]
        kept = final[chosen[before[chosen] > bound]]
        if len(kept) >= wanted and np.partition(kept, len(kept) - wanted)[len(kept) - wanted] > bound:
            return size
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--board", choices=("snapshot", "reference"), default="snapshot")
    parser.add_argument("--distractors", type=int, default=20000, help="with --board reference")
    parser.add_argument("--bench", type=int, default=200, help="new threads as the write benchmark writes them")
    parser.add_argument("--every", type=int, default=10, help="every n-th labelled training query")
    parser.add_argument("--k", type=int, default=15)
    args = parser.parse_args()

    from forum.duplicates import index as ix
    from forum.duplicates.verifier import training_queries

    index = snapshot_index() if args.board == "snapshot" else reference_index(args.distractors)
    seen: dict[str, object] = {}
    tested = [0]
    factors, conflict, check = ix.DuplicateIndex._consistency_factors, ix.DuplicateIndex._apply_conflict, \
        ix.DuplicateIndex._conflict

    def consistency(self, analysis, hits, named):
        # the query's cosine after the cross-script blend, as `_query` computed it just before
        seen["cos"] = np.array(sys._getframe(1).f_locals["cos"], dtype=np.float64)
        seen["sets"] = len({frozenset(self._cids.array[self._cptr.array[r]:self._cptr.array[r + 1]].tolist())
                            for r in hits.tolist()})
        return factors(self, analysis, hits, named)

    def apply_conflict(self, analysis, hits, final, k, detail=None):
        seen["before"] = final.copy()
        conflict(self, analysis, hits, final, k, detail)
        seen["final"] = final.copy()

    def conflict_rows(self, analysis, hits, detail=None):
        tested[0] += len(hits)
        return check(self, analysis, hits, detail)

    ix.DuplicateIndex._consistency_factors = consistency
    ix.DuplicateIndex._apply_conflict = apply_conflict
    ix.DuplicateIndex._conflict = conflict_rows

    rng = random.Random(5)
    bench = [(f"{text(rng, 5)} q{i}", f"{text(rng, 40)} q{i} {text(rng, 20)}") for i in range(args.bench)]
    queries = training_queries([json.loads(line) for line in (DATA / "queries.jsonl").open(encoding="utf-8")])
    labelled = [(q["title"], q.get("body") or "") for q in queries[::args.every]]
    wanted = max(args.k, ix.RERANK)
    print(f"{len(index):,} threads; k {args.k}, top {wanted} decided, up to {ix.CANDIDATES} candidates a query")
    for label, texts in (("write benchmark's new threads", bench), ("labelled training queries", labelled)):
        depths, tests, sets, full, violated = [], [], [], 0, 0
        for title, body in texts:
            seen.clear()
            tested[0] = 0
            index.query_analysis(index.analyzer.analyze(title, body), k=args.k, min_score=0.2)
            if "final" not in seen:  # no candidate at all
                continue
            upper, before, final = np.minimum(seen["cos"], 1.0), seen["before"], seen["final"]
            violated += int((before > upper).any())
            d = depth(upper, before, final, wanted)
            depths.append(d)
            full += d == len(upper)
            tests.append(tested[0])
            sets.append(seen["sets"])
        if not depths:
            continue
        q = sorted(depths)
        print(f"{label}: {len(depths)} queries with candidates; depth median {statistics.median(depths):.0f}, "
              f"p10 {q[len(q) // 10]}, p90 {q[9 * len(q) // 10]}; no candidate skippable in {full} "
              f"({100 * full / len(depths):.0f}%); conflict test ran on {statistics.median(tests):.0f} candidates "
              f"(median); distinct concept sets {statistics.median(sets):.0f} (median); bound broken in {violated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
