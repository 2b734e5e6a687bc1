"""CPU of what another process's catch-up does with a new thread's text, before and after
`forum.duplicates.stored` (h-analysis): analysing the title and body (`Analyzer.analyze`, what
`DuplicateIndex.add` runs) against decoding the analysis stored with the thread (`stored.decode`:
the text digest, the check of it and the MessagePack decode), plus what the posting process adds
(`stored.encode`), timed one call at a time with this thread's CPU clock.

    python benchmarks/stored_analysis_cpu.py [--rounds 5] [--posts 300]

Two sets of texts: `bench`, new threads as `benchmarks/write_post.lua` writes them (5 + 40 + 20
words of its 20-word vocabulary and a unique tag, ~400 characters), and `data`, the 245 threads of
`forum/duplicates/data/threads.jsonl` (Thai, English and mixed club questions). Each round analyses
each text with a fresh analyzer's `analyze` (the process-wide Thai segmentation cache stays warm,
as in a server) and decodes its stored bytes, alternating the order text by text, and checks that
the decoded analysis equals the analysed one. Printed: per set, the median over rounds of each
round's median, in microseconds, and the stored size in bytes (median and max).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("engine oil battery tyre brake gearbox aircon noise leak service ยาง เบรก แอร์ เกียร์ "
         "น้ำมันเครื่อง แบตเตอรี่ ช่วงล่าง เสียงดัง ศูนย์บริการ ครับ").split()


def bench_texts(count: int) -> list[tuple[str, str]]:
    rng = random.Random(17)

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words))

    out = []
    for _ in range(count):
        tag = f"bench1764950000-{rng.randrange(1, 10**9)}"
        out.append((f"{text(5)} {tag}", f"{text(40)} {tag} {text(20)}"))
    return out


def data_texts() -> list[tuple[str, str]]:
    path = ROOT / "forum" / "duplicates" / "data" / "threads.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["title"], row["body"]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--posts", type=int, default=300)
    args = parser.parse_args()

    from forum.duplicates import stored
    from forum.duplicates.features import Analyzer
    from forum.duplicates.service import QUERY_BODY_CHARS, shared_analyzer

    vocabulary = shared_analyzer().vocabulary
    for name, texts in (("bench", bench_texts(args.posts)), ("data", data_texts())):
        texts = [(title, body[:QUERY_BODY_CHARS]) for title, body in texts]
        warm = Analyzer(vocabulary)
        encoded = [stored.encode(warm.analyze(t, b), t, b) for t, b in texts]
        sizes = sorted(len(data) for data in encoded)
        medians: dict[str, list[float]] = {"analyze": [], "decode": [], "encode": []}
        for round_ in range(args.rounds):
            analyzer = Analyzer(vocabulary)  # no per-analyzer caches carried over
            times: dict[str, list[float]] = {key: [] for key in medians}
            for i, ((title, body), data) in enumerate(zip(texts, encoded)):
                order = ("analyze", "decode") if (i + round_) % 2 == 0 else ("decode", "analyze")
                results = {}
                for step in order:
                    started = time.thread_time_ns()
                    if step == "analyze":
                        results[step] = analyzer.analyze(title, body)
                    else:
                        results[step] = stored.decode(data, title, body)
                    times[step].append((time.thread_time_ns() - started) / 1000)
                assert results["decode"] == results["analyze"], title
                started = time.thread_time_ns()
                stored.encode(results["analyze"], title, body)
                times["encode"].append((time.thread_time_ns() - started) / 1000)
            for key in medians:
                medians[key].append(statistics.median(times[key]))
        figures = {key: statistics.median(values) for key, values in medians.items()}
        print(f"{name}: {len(texts)} texts x {args.rounds} rounds; analyze p50 {figures['analyze']:.0f} us, "
              f"stored decode p50 {figures['decode']:.1f} us ({figures['decode'] / figures['analyze']:.2%} of it), "
              f"encode p50 {figures['encode']:.1f} us; stored bytes p50 {statistics.median(sizes):.0f}, "
              f"max {sizes[-1]}; decoded == analysed for every text")


if __name__ == "__main__":
    main()
