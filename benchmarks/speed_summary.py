"""Summaries for benchmarks/speed_bench.sh.

    python benchmarks/speed_summary.py wrkline LABEL PATH WRK_OUTPUT SERVER_TICKS DB_TICKS   # one result line
    python benchmarks/speed_summary.py report RESULTS                                        # Markdown tables

Read cells: median over rounds of requests/s, p50, p99, and the ratio to the bare page's matching
page (thread page -> ceiling topic page, category -> ceiling forum list) measured in the same run.
Write cells: posts/s and submit latency. CPU: server and database ticks (1/100 s) over a cell."""

from __future__ import annotations

import re
import statistics
import sys
from collections import defaultdict


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrkline(label: str, path: str, out: str, server_ticks: str, db_ticks: str) -> None:
    text = open(out, encoding="utf-8", errors="replace").read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    print(f"{label} path={path} req/s={rps.group(1) if rps else 'NA'} p50={to_ms(p50.group(1)) if p50 else 'NA'}ms "
          f"p99={to_ms(p99.group(1)) if p99 else 'NA'}ms non2xx={non2xx.group(1) if non2xx else 0} "
          f"server_ticks={server_ticks} db_ticks={db_ticks}")


READ = re.compile(r"^(?P<w>[\w-]+)\|(?P<round>r\d+|busy|[ib]\d+)\|(?P<who>\w+)\|(?P<page>\w+) path=(?P<path>\S+) req/s=(?P<rps>[\d.]+) "
                  r"p50=(?P<p50>[\d.]+)ms p99=(?P<p99>[\d.]+)ms non2xx=(?P<non2xx>\d+) server_ticks=(?P<st>\d+) db_ticks=(?P<dt>-?\d+)")
CEIL = re.compile(r"^ceiling rep=\d+ page=(?P<page>[ab]) path=(?P<path>\S+) c=(?P<c>\d+) req/s=(?P<rps>[\d.]+) "
                  r"p50=(?P<p50>[\d.]+)ms p99=(?P<p99>[\d.]+)ms")
WRITE = re.compile(r"^(?P<w>[\w-]+)\|write\|(?P<kind>\w+) WRITE posts=(?P<posts>\d+) seconds=(?P<secs>[\d.]+) "
                   r"posts/s=(?P<pps>[\d.]+) p50=(?P<p50>[\d.]+)ms p95=(?P<p95>[\d.]+)ms p99=(?P<p99>[\d.]+)ms "
                   r"max=(?P<max>[\d.]+)ms statuses=(?P<statuses>\S*)(?: server_ticks=(?P<st>\d+) db_ticks=(?P<dt>-?\d+))?")
CEILING_OF = {"thread": "b", "category": "a", "page1000": "a"}


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(path: str) -> None:
    reads: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    busy: dict[tuple[str, str, str], dict] = {}
    pairs: dict[tuple[str, str, str], dict[str, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    ceiling: dict[str, list[dict]] = defaultdict(list)
    writes: list[dict] = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if match := READ.match(line):
            row = {k: (float(v) if k in ("rps", "p50", "p99", "non2xx", "st", "dt") else v) for k, v in match.groupdict().items()}
            row["dt"] = max(0.0, row["dt"])  # negative: backends that exited during the cell took their ticks along
            if row["round"] == "busy":  # (runs before the paired rounds: one busy cell against the idle rounds)
                busy[(row["w"], row["who"], row["page"])] = row
            elif row["round"][0] in "ib":  # a paired round: idle (i<n>) and while posting (b<n>)
                pairs[(row["w"], row["who"], row["page"])][row["round"][1:]][row["round"][0]] = row
            else:
                reads[(row["w"], row["who"], row["page"])].append(row)
        elif match := CEIL.match(line):
            ceiling[match["page"]].append({k: float(match[k]) for k in ("rps", "p50", "p99")})
        elif match := WRITE.match(line):
            writes.append(match.groupdict())
    print("| run | viewer | page | rounds | req/s (median) | p50 ms | p99 ms | ratio to bare page | server CPU ms/req | DB CPU share |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, page in (("ceiling topic page", "b"), ("ceiling thread list", "a")):
        if runs := ceiling.get(page):
            print(f"| bare page | guest | {name} | {len(runs)} | {med([r['rps'] for r in runs]):,.0f} | "
                  f"{med([r['p50'] for r in runs]):.1f} | {med([r['p99'] for r in runs]):.1f} | 1.00 | | |")
    for (w, who, page), runs in reads.items():
        rps = med([r["rps"] for r in runs])
        base = ceiling.get(CEILING_OF[page])
        ratio = f"{rps / med([r['rps'] for r in base]):.2f}" if base else ""
        cpu = med([r["st"] * 10 / (r["rps"] * DURATION_GUESS) for r in runs if r["rps"]])
        share = med([r["dt"] / (r["dt"] + r["st"]) for r in runs if r["dt"] + r["st"]]) if any(r["dt"] for r in runs) else None
        print(f"| {w} | {who} | {page} `{runs[0]['path'][:30]}` | {len(runs)} | {rps:,.0f} | {med([r['p50'] for r in runs]):.1f} | "
              f"{med([r['p99'] for r in runs]):.1f} | {ratio} | {cpu:.2f} | {'' if share is None else f'{share:.0%}'} |")
    if busy:
        print()
        print("| run | viewer | page | idle req/s (median) | req/s while 16 paced posters post | ratio to idle | p99 ms while posting |")
        print("|---|---|---|---|---|---|---|")
        for (w, who, page), row in busy.items():
            idle = med([r["rps"] for r in reads.get((w, who, page), [])])
            print(f"| {w} | {who} | {page} | {idle:,.0f} | {row['rps']:,.0f} | {row['rps'] / idle:.2f} | {row['p99']:.1f} |")
    if pairs:
        print()
        print("| run | viewer | page | pairs | idle req/s (median) | req/s while 16 paced posters post (median) "
              "| ratio to idle, per pair | median ratio | p99 ms while posting (median) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (w, who, page), rounds in pairs.items():
            done = [r for _, r in sorted(rounds.items()) if "i" in r and "b" in r and r["i"]["rps"]]
            ratios = [r["b"]["rps"] / r["i"]["rps"] for r in done]
            print(f"| {w} | {who} | {page} | {len(done)} | {med([r['i']['rps'] for r in done]):,.0f} | "
                  f"{med([r['b']['rps'] for r in done]):,.0f} | {' / '.join(f'{x:.2f}' for x in ratios)} | "
                  f"**{med(ratios):.2f}** | {med([r['b']['p99'] for r in done]):.1f} |")
    if writes:
        print()
        print("| run | 16 posters | submits | posted (303) | posted/s | p50 ms | p95 ms | p99 ms | max ms | HTTP statuses "
              "| server CPU ms/submit | DB CPU share |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for row in writes:
            cpu, share = write_cpu(row)
            print(f"| {row['w']} | {WRITE_KINDS.get(row['kind'], row['kind'])} | {row['posts']} | {posted(row)} | "
                  f"{posted(row) / float(row['secs']):,.1f} | {float(row['p50']):.1f} | {float(row['p95']):.1f} | "
                  f"{float(row['p99']):.1f} | {float(row['max']):.1f} | {row['statuses']} | {cpu} | {share} |")
    scale_out(reads, writes)


WRITE_KINDS = {"saturated": "saturated (no think time)", "paced": "paced (0.25-0.75 s think time)",
               "pacedreaders": "paced, while the reader cells run"}


def posted(row: dict) -> int:
    counts = dict(part.split(":") for part in row["statuses"].split(",") if ":" in part)
    return int(counts.get("303", 0))


def write_cpu(row: dict) -> tuple[str, str]:
    """Server CPU per submit and the database's share of server + database CPU (ticks are 1/100 s)."""
    if not row.get("st"):
        return "", ""
    st, dt = int(row["st"]), max(0, int(row["dt"] or 0))
    cpu = f"{st * 10 / int(row['posts']):.1f}" if int(row["posts"]) else ""
    return cpu, (f"{dt / (st + dt):.0%}" if dt and st + dt else "")


def scale_out(reads: dict, writes: list[dict]) -> None:
    """One row per server-process count (runs named <db>-w<N>), when there are several."""
    runs = sorted({w for (w, _, _) in reads} | {row["w"] for row in writes},
                  key=lambda w: (w.rsplit("-w", 1)[0], int(w.rsplit("-w", 1)[1]) if w.rsplit("-w", 1)[-1].isdigit() else 0))
    if len(runs) < 2:
        return
    print()
    print("Scale-out (one database; on a 2-core machine the load generator, the database and every server process "
          "share the same two cores, so these are ratios between rows, not capacity figures):")
    print()
    print("| run | guest thread req/s | Silver thread req/s | DB CPU share (Silver thread) | posted/s saturated | "
          "p95 ms saturated | p95 ms paced | server CPU ms/submit | DB CPU share (saturated writes) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for w in runs:
        guest, silver = reads.get((w, "guest", "thread"), []), reads.get((w, "silver", "thread"), [])
        shares = [r["dt"] / (r["dt"] + r["st"]) for r in silver if r["dt"] + r["st"]]
        by_kind = {row["kind"]: row for row in writes if row["w"] == w}
        sat, paced = by_kind.get("saturated"), by_kind.get("paced")
        cpu, wshare = write_cpu(sat) if sat else ("", "")
        cells = [
            w,
            f"{med([r['rps'] for r in guest]):,.0f}" if guest else "",
            f"{med([r['rps'] for r in silver]):,.0f}" if silver else "",
            f"{med(shares):.0%}" if shares and any(r["dt"] for r in silver) else "",
            f"{posted(sat) / float(sat['secs']):,.1f}" if sat else "",
            f"{float(sat['p95']):.1f}" if sat else "",
            f"{float(paced['p95']):.1f}" if paced else "",
            cpu, wshare,
        ]
        print("| " + " | ".join(cells) + " |")

DURATION_GUESS = 10.0

if __name__ == "__main__":
    if sys.argv[1] == "wrkline":
        wrkline(*sys.argv[2:7])
    else:
        import os

        DURATION_GUESS = float(os.environ.get("DURATION", "10"))
        report(sys.argv[2])
