"""Moderation classifier benchmark: model load, single-post latency, batch throughput.

    .venv/bin/python benchmarks/moderation_bench.py [--posts 10000] [--model-dir DIR] [--sentences FILE]

Runs on one core (BLAS threads pinned to 1). Posts are distinct: sentences of the shipped corpus
joined in random pairs, and the word-segmentation cache is cleared before each timed phase, so
the figures do not profit from repeated text. Each figure is given as CPU time of this process
(robust when other work shares the machine) and as wall-clock time.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum import text as forum_text  # noqa: E402
from moderation import classifier  # noqa: E402


def distinct_posts(n: int, seed: int = 7, sentences_from: Path | None = None) -> list[str]:
    if sentences_from is not None:  # the same sentences for two models' runs (an A/B)
        sentences = [e.text for e in classifier.load_examples(sentences_from)]
    else:
        sentences = [e.text for e in classifier.load_examples(classifier.TRAIN_PATH)]
        sentences += [e.text for e in classifier.load_examples(classifier.HELDOUT_PATH)]
    rng = random.Random(seed)
    posts = set()
    while len(posts) < n:
        posts.add(f"{rng.choice(sentences)} {rng.choice(sentences)}")
    return list(posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--model-dir", type=Path, default=classifier.DEFAULT_MODEL_DIR)
    parser.add_argument("--sentences", type=Path, default=None,
                        help="JSON lines {text, labels} to build the posts from (default: the shipped corpus)")
    args = parser.parse_args()

    classifier.load_or_train(args.model_dir)  # make sure an artifact exists (not timed)
    clocks = (time.process_time, time.perf_counter)  # (cpu, wall)

    def timed(fn):
        start = [clock() for clock in clocks]
        fn()
        return [clock() - s for clock, s in zip(clocks, start)]

    loads, holder = [], {}
    for _ in range(5):
        loads.append(timed(lambda: holder.__setitem__("model", classifier.load(args.model_dir))))
    model = holder["model"]
    warmup = timed(lambda: model.score("warm up: ขอบคุณครับ"))  # loads PyThaiNLP's dictionary

    posts = distinct_posts(args.posts + args.single, sentences_from=args.sentences)
    batch, singles = posts[: args.posts], posts[args.posts:]

    forum_text._segment_thai.cache_clear()
    latencies = sorted((timed(lambda p=post: model.score(p)) for post in singles), key=lambda t: t[0])
    cpu_ms = sorted(t[0] * 1000 for t in latencies)
    wall_ms = sorted(t[1] * 1000 for t in latencies)

    forum_text._segment_thai.cache_clear()

    def run_batch():
        for i in range(0, len(batch), 512):
            model.score_many(batch[i:i + 512])

    batch_time = timed(run_batch)

    def pct(values, q):
        return values[max(int(q * len(values)) - 1, 0)]

    size = (args.model_dir / model.metadata["artifact"]["file"]).stat().st_size
    median = lambda i: statistics.median(t[i] for t in loads)  # noqa: E731
    rows = [
        ("model load (median of 5)", f"{median(0) * 1000:.0f} ms", f"{median(1) * 1000:.0f} ms", "< 1 s"),
        ("first score (loads Thai dictionary)", f"{warmup[0] * 1000:.0f} ms", f"{warmup[1] * 1000:.0f} ms", ""),
        (f"single post p50 ({len(singles)} posts)", f"{pct(cpu_ms, .5):.2f} ms", f"{pct(wall_ms, .5):.2f} ms", ""),
        (f"single post p95 ({len(singles)} posts)", f"{pct(cpu_ms, .95):.2f} ms", f"{pct(wall_ms, .95):.2f} ms", "< 5 ms"),
        (f"batch, {len(batch)} posts (posts/s)", f"{len(batch) / batch_time[0]:,.0f}", f"{len(batch) / batch_time[1]:,.0f}", ">= 2,000"),
    ]
    print(f"moderation model {model.version}, scikit-learn {model.metadata['sklearn_version']}, "
          f"one core, artifact {size / 1e6:.1f} MB, posts avg {statistics.mean(map(len, batch)):.0f} chars")
    print(f"{'measure':<40}{'cpu':>12}{'wall':>12}  target")
    for name, cpu, wall, target in rows:
        print(f"{name:<40}{cpu:>12}{wall:>12}  {target}")


if __name__ == "__main__":
    main()
