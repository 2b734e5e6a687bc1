"""Duplicate-detection quality on the dev set alone and among synthetic distractor threads.

    .venv/bin/python benchmarks/duplicates_quality.py                       # 0, 20k, 100k, 1M distractors
    .venv/bin/python benchmarks/duplicates_quality.py --distractors 0 100000 --splits fresh3

The labelled queries of ``forum/duplicates/data/queries.jsonl`` are scored against the dev
threads plus N distractor threads made by ``benchmarks/duplicates_bench.py``'s generator (club
vocabulary in Thai, English and mixed text, over the same categories, each thread with its own
rare words), through the same calls as ``webboard duplicates check`` (``index.query`` then
``index.duplicate_of`` at the shipped threshold).  ``--demo`` adds the demo board's threads
(``forum/seed.py``) instead of synthetic ones.

Distractors are pool analyses plus rare words (as in the speed benchmark), so 1M of them do not
take an hour of Thai segmentation; ``--real-text N`` instead writes N distractor texts as JSONL
next to the dev threads for ``webboard duplicates check``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses  # noqa: E402

from forum.duplicates.cli import evaluate_rows, read_jsonl  # noqa: E402
from forum.duplicates.features import Analyzer  # noqa: E402
from forum.duplicates.index import DUPLICATE_THRESHOLD, DuplicateIndex  # noqa: E402
from forum.duplicates.verifier import Verifier  # noqa: E402

DATA = ROOT / "forum" / "duplicates" / "data"


def demo_threads() -> list[dict]:
    from forum.seed import THREADS

    return [{"id": f"demo{i}", "category": slug, "title": title, "body": body}
            for i, (slug, _author, title, body, *_rest) in enumerate(THREADS)]


def build(threads: list[dict], n: int, analyzer: Analyzer, pool: list, gen: Generator,
          extra: list[dict] = (), verifier=True) -> DuplicateIndex:
    index = DuplicateIndex(analyzer, verifier=verifier)
    index.build([*threads, *extra], progress=False)
    chunk = 50_000
    for start in range(0, n, chunk):
        index.add_many((f"x{i}", c, a, None) for i, c, a, _ in
                       synthetic_analyses(gen, pool, min(chunk, n - start), start))
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--distractors", type=int, nargs="+", default=[0, 20_000, 100_000, 1_000_000])
    parser.add_argument("--splits", nargs="+", default=None, help="query splits (default: every split)")
    parser.add_argument("--threshold", type=float, default=DUPLICATE_THRESHOLD)
    parser.add_argument("--pool", type=int, default=5_000, help="distinct analysed distractor texts")
    parser.add_argument("--demo", action="store_true", help="also score among the demo board's threads")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--verifier", type=Path, default=None, metavar="FILE",
                        help="another pair-verifier file than the shipped one (e.g. one trained with a split "
                             "left out: benchmarks/duplicates_verifier.py --leave-out SPLIT --out FILE)")
    parser.add_argument("--by-kind", action="store_true",
                        help="per kind of query (its 'how'): duplicates flagged, new topics left alone")
    parser.add_argument("--real-text", type=int, default=0, metavar="N",
                        help="write N distractor threads (real text) to /tmp/dup-distractors.jsonl and stop")
    args = parser.parse_args()

    analyzer = Analyzer()
    gen = Generator(analyzer, seed=17)
    if args.real_text:
        with open("/tmp/dup-distractors.jsonl", "w", encoding="utf-8") as out:
            for row in read_jsonl(DATA / "threads.jsonl"):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            for i in range(args.real_text):
                category, title, body = gen.text()
                body += " " + " ".join(gen.rare_words(2))
                out.write(json.dumps({"id": f"x{i}", "category": category, "title": title, "body": body},
                                     ensure_ascii=False) + "\n")
        print("wrote /tmp/dup-distractors.jsonl")
        return
    threads = read_jsonl(DATA / "threads.jsonl")
    queries = read_jsonl(DATA / "queries.jsonl", required=("id", "title", "duplicate_of"))
    splits: dict[str, list[dict]] = {}
    for q in queries:
        splits.setdefault(q.get("split", "tune"), []).append(q)
    names = args.splits or list(splits)
    t0 = time.perf_counter()
    pool = build_pool(gen, analyzer, args.pool) if any(args.distractors) else []
    print(f"pool of {len(pool)} distractor texts analysed in {time.perf_counter() - t0:.1f} s; "
          f"threshold {args.threshold}")
    settings = [(n, ()) for n in args.distractors]
    if args.demo:
        settings.append(("demo", demo_threads()))
    print("| distractors | split | duplicates / new | recall@1 | recall@5 | flagged | false alarms |")
    print("|---|---|---|---|---|---|---|")
    for n, extra in settings:
        index = build(threads, 0 if n == "demo" else n, analyzer, pool, gen, extra,
                      Verifier.load(args.verifier) if args.verifier else True)
        for name in names:
            r = evaluate_rows(index, splits[name], args.threshold)
            label = "demo board" if n == "demo" else f"{n:,}"
            print(f"| {label} | {name} | {r['paraphrases']} / {r['new_topics']} | {r['recall@1']:.3f} | "
                  f"{r['recall@5']:.3f} | {r['flagged@threshold']:.2f} | {r['false_alarm_rate']:.1%} |")
            if args.by_kind:
                print("    " + ", ".join(f"{kind} {right}/{total}"
                                       for kind, (right, total) in sorted(r["by_kind"].items())))
            if args.show_errors:
                for q, ms in r["misses"]:
                    print(f"    MISS {q['id']} want {q['duplicate_of']} got "
                          + ", ".join(f"{m.id}:{m.score:.2f}" for m in ms[:3]))
                for q, ms in r["false_alarms"]:
                    print(f"    FALSE ALARM {q['id']} -> {ms[0].id}:{ms[0].score:.2f}")
        sys.stdout.flush()
        del index


if __name__ == "__main__":
    main()
