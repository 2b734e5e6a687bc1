"""Score the output of `webboard duplicates check` against the labelled dev queries.

    .venv/bin/python benchmarks/duplicates_quality.py --real-text 20000        # /tmp/dup-distractors.jsonl
    .venv/bin/webboard duplicates check --threads /tmp/dup-distractors.jsonl \\
        --queries forum/duplicates/data/queries.jsonl > /tmp/dup-check.jsonl
    .venv/bin/python benchmarks/duplicates_check_score.py /tmp/dup-check.jsonl

`check` reads only id/category/title/body of each query (its input format is unchanged); this
script joins its output lines back to the labels (duplicate_of, split) by id and prints, per
split, recall@1, recall@5, the share of true duplicates given the right `duplicate_of` and the
share of new topics given any.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

QUERIES = Path(__file__).resolve().parents[1] / "forum" / "duplicates" / "data" / "queries.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check_output", help="JSONL written by `webboard duplicates check`")
    parser.add_argument("--queries", default=str(QUERIES), help="labelled queries (default: the dev set)")
    args = parser.parse_args()
    labels = {q["id"]: q for q in map(json.loads, Path(args.queries).read_text(encoding="utf-8").splitlines())}
    per_split: dict[str, list[tuple[dict, dict]]] = {}
    for line in Path(args.check_output).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        query = labels[row["id"]]
        per_split.setdefault(query.get("split", "tune"), []).append((query, row))
    print("| split | duplicates / new | recall@1 | recall@5 | flagged | false alarms |")
    print("|---|---|---|---|---|---|")
    for split, rows in per_split.items():
        dups = [(q, r) for q, r in rows if q["duplicate_of"] is not None]
        new = [r for q, r in rows if q["duplicate_of"] is None]
        ids = [([m["id"] for m in r["matches"]], q["duplicate_of"], r["duplicate_of"]) for q, r in dups]
        r1 = sum(got[:1] == [want] for got, want, _ in ids) / len(dups)
        r5 = sum(want in got[:5] for got, want, _ in ids) / len(dups)
        flagged = sum(verdict == want for _, want, verdict in ids) / len(dups)
        alarms = sum(r["duplicate_of"] is not None for r in new) / len(new)
        print(f"| {split} | {len(dups)} / {len(new)} | {r1:.3f} | {r5:.3f} | {flagged:.2f} | {alarms:.1%} |")


if __name__ == "__main__":
    main()
