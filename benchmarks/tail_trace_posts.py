"""Where a POST's wall time goes in one server process (h-pgtail), from WEBBOARD_TAIL_TRACE files
(forum/tail_trace.py): for each POST its wall time, the event loop thread's CPU over that window
(its own work and any other request's) and how many other POSTs overlapped it; grouped by that
overlap, with the loop's idle time (wall minus loop CPU: waiting for PostgreSQL or Redis, for a
row lock, or for a core the machine gave to another process).

    python benchmarks/tail_trace_posts.py TRACE [T0]

TRACE: the WEBBOARD_TAIL_TRACE value (its files are TRACE.<pid>); T0: skip events before this
`time.monotonic()` value (the logins before the cells). Stop the server first (the trace is
buffered and written out at shutdown)."""

from __future__ import annotations

import collections
import glob
import statistics
import sys


def quantile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    t0 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    rows: dict[tuple[str, str], dict[str, float]] = {}
    lag: list[float] = []
    for path in glob.glob(sys.argv[1] + ".*"):
        for line in open(path):
            t, kind, ms = line.split()
            if float(t) < t0:
                continue
            if kind in ("req", "reqcpu", "reqo"):
                rows.setdefault((path, t), {})[kind] = float(ms)
            elif kind == "lag":
                lag.append(float(ms))
    reqs = [r for r in rows.values() if len(r) == 3]
    walls = [r["req"] for r in reqs]
    print(f"POSTs {len(reqs)}; wall p50 {quantile(walls, .5):.1f} p95 {quantile(walls, .95):.1f} ms")
    groups = collections.defaultdict(list)
    for r in reqs:
        groups[min(int(r["reqo"]), 4)].append(r)
    print("| other POSTs overlapping | POSTs | wall p50 | wall p95 | loop CPU in the window p50 | loop idle p50 |")
    print("|---|---|---|---|---|---|")
    for k in sorted(groups):
        rs = groups[k]
        print(f"| {k}{'+' if k == 4 else ''} | {len(rs)} | {quantile([r['req'] for r in rs], .5):.1f} | "
              f"{quantile([r['req'] for r in rs], .95):.1f} | {quantile([r['reqcpu'] for r in rs], .5):.1f} | "
              f"{quantile([r['req'] - r['reqcpu'] for r in rs], .5):.1f} |")
    slow = [r for r in reqs if r["req"] >= quantile(walls, .95)]
    print(f"slowest 5%: {len(slow)} POSTs, overlap median {statistics.median(r['reqo'] for r in slow)}, "
          f"loop CPU / wall median {statistics.median(r['reqcpu'] / r['req'] for r in slow):.2f}; "
          f"all: {statistics.median(r['reqcpu'] / r['req'] for r in reqs):.2f}")
    if lag:
        print(f"loop late > 2 ms: {len(lag)} samples, p50 {quantile(lag, .5):.1f} max {max(lag):.1f} ms")


if __name__ == "__main__":
    main()
