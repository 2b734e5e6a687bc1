"""Summarises board_bench.sh: the median of each cell over the rounds, the ratio to the ceiling's
matching page, and the issue's targets, as a Markdown table.

    python benchmarks/board_summary.py CEILING_TXT BOARD_TXT"""

from __future__ import annotations

import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^(?P<label>\S+) rep=(?P<rep>\d+) page=(?P<page>[ab]) path=(?P<path>\S+) c=(?P<c>\d+) "
                  r"req/s=(?P<rps>[\d.]+) p50=(?P<p50>[\d.]+)ms p99=(?P<p99>[\d.]+)ms non2xx=(?P<non2xx>\d+)")
# board cell -> (name, the ceiling cell it is compared with)
CELLS = [
    (("board-list", "a"), "category, first page", ("ceiling", "a")),
    (("board-list", "b"), "category, page 1,000 (keyset)", ("ceiling", "a")),
    (("board-thread", "a"), "thread page", ("ceiling", "b")),
    (("board-thread", "b"), "home (categories)", None),
]
CEILING_NAMES = {"a": "ceiling thread list", "b": "ceiling thread page"}


def read(paths: list[str]) -> dict[tuple[str, str, int], list[dict[str, float]]]:
    cells: dict[tuple[str, str, int], list[dict[str, float]]] = defaultdict(list)
    for path in paths:
        for line in open(path, encoding="utf-8"):
            if match := LINE.match(line.strip()):
                cells[(match["label"], match["page"], int(match["c"]))].append(
                    {k: float(match[k]) for k in ("rps", "p50", "p99", "non2xx")} | {"path": match["path"]})
    return cells


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main(argv: list[str]) -> int:
    cells = read(argv[1:])
    conns = sorted({c for (_, _, c) in cells})
    rows = ["| server | page | c | rounds | req/s (median) | p50 ms | p99 ms | ratio to ceiling | non-2xx |",
            "|---|---|---|---|---|---|---|---|---|"]
    for page, name in CEILING_NAMES.items():
        for c in conns:
            if runs := cells.get(("ceiling", page, c)):
                rows.append(f"| ceiling | {name} `{runs[0]['path']}` | {c} | {len(runs)} | {median(runs, 'rps'):,.0f} | "
                            f"{median(runs, 'p50'):.1f} | {median(runs, 'p99'):.1f} | | {sum(r['non2xx'] for r in runs):.0f} |")
    verdicts = []
    for (label, page), name, against in CELLS:
        for c in conns:
            runs = cells.get((label, page, c))
            if not runs:
                continue
            rps = median(runs, "rps")
            ratio = ""
            if against and (base := cells.get((*against, c))):
                ratio = f"{rps / median(base, 'rps'):.2f}"
                if c == 16:
                    verdicts.append(f"- {name}, 16 connections: {ratio} of the ceiling (target 0.70), "
                                    f"p99 {median(runs, 'p99'):.1f} ms (target < 60)")
            rows.append(f"| board | {name} `{runs[0]['path'][:40]}` | {c} | {len(runs)} | {rps:,.0f} | "
                        f"{median(runs, 'p50'):.1f} | {median(runs, 'p99'):.1f} | {ratio} | {sum(r['non2xx'] for r in runs):.0f} |")
    for c in conns:
        first, deep = cells.get(("board-list", "a", c)), cells.get(("board-list", "b", c))
        if first and deep:
            verdicts.append(f"- page 1,000 against page 1 at {c} connections: "
                            f"{median(deep, 'rps') / median(first, 'rps'):.2f} of its req/s (target within 10%)")
    print("\n".join(rows))
    print()
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
