"""Benchmark of the duplicate-thread index (forum.duplicates) at 100k and 1M threads.

    .venv/bin/python benchmarks/duplicates_bench.py                 # 100k and 1M
    .venv/bin/python benchmarks/duplicates_bench.py --sizes 100000 --queries 300

Synthetic but realistic threads: Thai, English and mixed titles/bodies generated from the club
vocabulary (model names, parts, symptoms in Thai script and Latin) with Thai/English filler and
a long tail of rare words (plate numbers, place and shop names) drawn from a Zipf law.  A pool
of distinct texts goes through the real analyser (PyThaiNLP segmentation and all); threads are
pool analyses plus their own rare words, so building 1M threads does not take an hour of
segmentation.  Queries are fresh texts through the full ``index.query(title, body)`` path
(analysis included).

Reports: query latency p50/p95/p99, index memory (RSS delta and the index's own arrays), bulk
build time, add() cost including segment merges, and the time from add() to findable.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from forum.duplicates.features import Analyzer  # noqa: E402
from forum.duplicates.index import DuplicateIndex  # noqa: E402
from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses  # noqa: E402,F401

def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def run(size: int, n_queries: int, pool_size: int, analyzer: Analyzer) -> dict:
    gen = Generator(analyzer, seed=size)
    t0 = time.perf_counter()
    pool = build_pool(gen, analyzer, pool_size)
    pool_s = time.perf_counter() - t0
    queries = [gen.text() for _ in range(n_queries)]
    for _, title, body in queries[:50]:  # warm the analyser
        analyzer.analyze(title, body)

    gc.collect()
    rss0 = rss_bytes()
    index = DuplicateIndex(analyzer)
    t0 = time.perf_counter()
    chunk = 50_000
    for start in range(0, size, chunk):
        index.add_many(synthetic_analyses(gen, pool, min(chunk, size - start), start))
    build_s = time.perf_counter() - t0
    gc.collect()
    rss_delta = rss_bytes() - rss0
    nnz = sum(len(s.indices) for s in index._segments)

    latencies, cpu = [], []
    for _, title, body in queries:
        t, c = time.perf_counter(), time.process_time()
        index.query(title, body, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)  # this process's CPU: fair on a busy machine

    # add() -> findable: a brand-new thread is the top hit of a query with its own text
    add_ms, findable_ms, found = [], [], 0
    for j in range(200):
        category, title, body = gen.text()
        body += f" plate {gen.rare[j]}{j}"
        tid = size + 1 + j
        t = time.perf_counter()
        index.add(tid, category, title, body)
        t_added = time.perf_counter()
        matches = index.query(title, body, k=5)
        t_found = time.perf_counter()
        add_ms.append((t_added - t) * 1000)
        findable_ms.append((t_found - t) * 1000)
        found += bool(matches and matches[0].id == tid)

    # sustained add() rate, tail freezes and segment merges included
    extra = 5_000
    analyses = list(synthetic_analyses(gen, pool, extra, size + 1000))
    t0 = time.perf_counter()
    worst = 0.0
    for item in analyses:
        t = time.perf_counter()
        index.add_analysis(*item)
        worst = max(worst, time.perf_counter() - t)
    sustained_us = (time.perf_counter() - t0) / extra * 1e6

    return {
        "threads": size,
        "pool_texts": pool_size,
        "pool_analysis_s": pool_s,
        "build_s": build_s,
        "nnz": nnz,
        "segments": len(index._segments),
        "rss_delta_mb": rss_delta / 2**20,
        "index_arrays_mb": index.memory_bytes() / 2**20,
        "query_p50_ms": percentile(latencies, 50),
        "query_p95_ms": percentile(latencies, 95),
        "query_p99_ms": percentile(latencies, 99),
        "query_cpu_p50_ms": percentile(cpu, 50),
        "query_cpu_p95_ms": percentile(cpu, 95),
        "load_average": os.getloadavg()[0],
        "add_p50_ms": percentile(add_ms, 50),
        "add_to_findable_p95_ms": percentile(findable_ms, 95),
        "add_to_findable_max_ms": max(findable_ms),
        "new_thread_top1": found / 200,
        "sustained_add_us": sustained_us,
        "worst_add_ms": worst * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--pool", type=int, default=5_000, help="distinct analysed texts")
    args = parser.parse_args()
    analyzer = Analyzer()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cpus {os.cpu_count()}")
    for size in args.sizes:
        r = run(size, args.queries, args.pool, analyzer)
        print(
            f"\n== {r['threads']:,} threads ({r['nnz']:,} postings, {r['segments']} segment(s))\n"
            f"build (bulk, pre-analysed): {r['build_s']:.1f} s; pool of {r['pool_texts']:,} texts analysed in "
            f"{r['pool_analysis_s']:.1f} s\n"
            f"memory: RSS delta {r['rss_delta_mb']:.0f} MiB, index arrays {r['index_arrays_mb']:.0f} MiB\n"
            f"query (title+body, analysis included): p50 {r['query_p50_ms']:.1f} ms, p95 {r['query_p95_ms']:.1f} ms, "
            f"p99 {r['query_p99_ms']:.1f} ms; CPU time p50 {r['query_cpu_p50_ms']:.1f} ms, "
            f"p95 {r['query_cpu_p95_ms']:.1f} ms (load average {r['load_average']:.1f})\n"
            f"add(): p50 {r['add_p50_ms']:.2f} ms; add()+query until findable: p95 {r['add_to_findable_p95_ms']:.1f} ms, "
            f"max {r['add_to_findable_max_ms']:.1f} ms; new thread is top-1: {r['new_thread_top1']:.0%}\n"
            f"sustained add_analysis(): {r['sustained_add_us']:.0f} us/thread, worst single call "
            f"(tail freeze + merge) {r['worst_add_ms']:.0f} ms"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
