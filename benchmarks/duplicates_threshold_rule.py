"""The duplicate threshold rule, applied (docs/BENCHMARKS.md, "Quality, ninth pass").

Since the tenth pass the verdict is the pair verifier's (forum/duplicates/verifier.py), put on the
score's scale so that the shipped threshold is its cut; the cut is chosen by the rule in
``benchmarks/duplicates_verifier.py`` on leave-one-split-out values. This script reads the same
verdict (``Match.verdict_score``), so on the splits the verifier was trained on it shows in-sample
figures, not an estimate for a new split.

    .venv/bin/python benchmarks/duplicates_threshold_rule.py                 # every split but the newest
    .venv/bin/python benchmarks/duplicates_threshold_rule.py --exclude fresh10

The lowest value on a 0.01 grid whose false-alarm rate (new topics given any `duplicate_of`) is
at most 5% both on `fresh`+`fresh2` and on the pooled splits (every split of
``forum/duplicates/data/queries.jsonl`` except those excluded: the split about to be scored),
scored against the dev threads alone through ``index.query`` as ``webboard duplicates check``
does.  Prints the chosen value with the pooled and per-split figures at it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forum.duplicates.cli import read_jsonl  # noqa: E402
from forum.duplicates.index import DuplicateIndex  # noqa: E402
from forum.duplicates.verifier import HELD_OUT_SPLITS, training_queries  # noqa: E402

DATA = ROOT / "forum" / "duplicates" / "data"
LIMIT = 0.05


def rates(rows: list[tuple[dict, list]], threshold: float) -> tuple[float, float, int, int]:
    """(flagged share of duplicates, false-alarm share of new topics, duplicates, new topics)."""
    dups = [(q, m) for q, m in rows if q.get("duplicate_of")]
    new = [(q, m) for q, m in rows if not q.get("duplicate_of")]
    flagged = sum(1 for q, m in dups if m and m[0].id == q["duplicate_of"] and m[0].verdict_score >= threshold)
    alarms = sum(1 for _q, m in new if m and m[0].verdict_score >= threshold)
    return flagged / max(1, len(dups)), alarms / max(1, len(new)), len(dups), len(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exclude", nargs="*", default=[],
                        help=f"splits left out of the pool (besides the held-out {', '.join(HELD_OUT_SPLITS)})")
    args = parser.parse_args()
    index = DuplicateIndex()
    index.build(read_jsonl(DATA / "threads.jsonl"), progress=False)
    queries = training_queries(read_jsonl(DATA / "queries.jsonl", required=("id", "title")))
    pooled = [(q, index.query(q.get("title") or "", q.get("body") or "", k=5)) for q in queries
              if q.get("split") not in args.exclude]
    calibration = [(q, m) for q, m in pooled if q.get("split") in ("fresh", "fresh2")]
    grid = [round(0.30 + 0.01 * i, 2) for i in range(61)]
    chosen = next((t for t in grid if rates(pooled, t)[1] <= LIMIT and rates(calibration, t)[1] <= LIMIT), None)
    if chosen is None:
        print("no threshold on the grid meets the rule")
        return
    flagged, alarms, n_dup, n_new = rates(pooled, chosen)
    print(f"threshold {chosen:.2f}: pooled {flagged:.1%} flagged of {n_dup}, {alarms:.2%} false alarms of {n_new}")
    f, a, _, _ = rates(calibration, chosen)
    print(f"  fresh+fresh2: {f:.1%} / {a:.1%}")
    for split in dict.fromkeys(q.get("split") for q, _m in pooled):
        f, a, d, n = rates([(q, m) for q, m in pooled if q.get("split") == split], chosen)
        print(f"  {split}: {f:.3f} flagged ({d}), {a:.1%} false alarms ({n})")


if __name__ == "__main__":
    main()
