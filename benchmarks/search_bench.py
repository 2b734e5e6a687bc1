"""Search latency at 100,000 threads: the board's search service (ranked query, filters, page
rows and snippets) timed per query on the benchmark board of seed_board.py.

    python benchmarks/seed_board.py --data-dir /tmp/wb-search-bench --replies-per-thread 1
    python benchmarks/search_bench.py --data-dir /tmp/wb-search-bench \
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/wb_search_bench] [--rounds 3]

The seeder indexes titles only; this indexes the opening posts too (once, a few minutes), as
the board does. The seeded board writes titles and bodies from a vocabulary of 25 Thai and 25 English words, so
common words ("น้ำมันเครื่อง", "brake") match tens of thousands of threads: the worst case for
ranking, which has to score every match. The queries are the relevance set's 119 (most match
nothing or little here) plus the seeder's own words, alone, mixed, partial and with filters.
With --postgres the same threads (and opening posts) are copied into that database, which is
emptied first. Each query runs in its own session, as a request would; one warm-up pass first.
Besides wall-clock percentiles it prints this process's CPU time per search (for SQLite the whole
search, the engine running in-process) and, for PostgreSQL, the server backends' CPU time per
search read from /proc (a local server only): on a shared machine those are the steadier figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDER_QUERIES = [
    {"q": "น้ำมันเครื่อง"}, {"q": "น้ำมัน"}, {"q": "เปลี่ยน oil"}, {"q": "brake"}, {"q": "แบต"},
    {"q": "ช่วงล่าง เสียงดัง"}, {"q": "engine oil price"}, {"q": "ศูนย์บริการ"}, {"q": "ไฟหน้า"},
    {"q": "gearbox noise", "guru": "question"}, {"q": "แอร์", "category": 2}, {"q": "ประกัน ไฟแนนซ์"},
    {"q": "suspens"}, {"q": "เช็คระยะ ราคา"}, {"q": "trip ภาคเหนือ"}, {"q": "battery leak replace"},
]


def queries() -> list[dict]:
    path = Path(__file__).resolve().parent / "search" / "queries.jsonl"
    judged = [{"q": json.loads(line)["q"]} for line in path.read_text(encoding="utf-8").splitlines() if line]
    return judged + SEEDER_QUERIES


def index_bodies(db_path: Path) -> None:
    """seed_board.py indexes titles only; the board indexes title and opening post, so the
    search terms are rebuilt with the bodies (the FTS5 triggers follow)."""
    from forum.search_text import index_terms

    con = sqlite3.connect(db_path)
    started = time.perf_counter()
    rows = con.execute("SELECT t.id, t.title, p.body_raw FROM threads t JOIN posts p ON p.thread_id = t.id "
                       "AND p.is_opening = 1 WHERE instr(t.search_terms, char(10)) = length(t.search_terms)").fetchall()
    for start in range(0, len(rows), 2000):
        batch = [(index_terms(title, body), ident) for ident, title, body in rows[start:start + 2000]]
        con.executemany("UPDATE threads SET search_terms = ? WHERE id = ?", batch)
        con.commit()
        print(f"\rindexed bodies of {start + len(batch):,} threads", end="", file=sys.stderr)
    con.execute("INSERT INTO thread_search(thread_search) VALUES ('optimize')")
    con.commit()
    con.close()
    print(f"\nbodies indexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _stamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)


async def copy_to_postgres(db_path: Path, url: str) -> None:
    import asyncpg

    con = sqlite3.connect(db_path)
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = [r[0] for r in await pg.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                               "AND tablename <> 'alembic_version'")]
        await pg.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        plan = {
            "categories": ("id, slug, name_th, name_en, description_th, description_en, position, thread_count, "
                           "created_at, updated_at", ()),
            "users": ("id, login_id, display_name, email, password_hash, role, tier, status, terms_version, "
                      "terms_accepted_at, locale, email_consent, created_at, updated_at", ("email_consent",)),
            "threads": ("id, category_id, author_id, kind, title, visibility, last_activity_at, reply_count, "
                        "last_author_id, is_locked, search_terms, created_at, updated_at", ("is_locked",)),
            "posts": ("id, thread_id, author_id, is_opening, body_raw, body_html, visibility, created_at, updated_at",
                      ("is_opening",)),
        }
        for table, (columns, booleans) in plan.items():
            names = [c.strip() for c in columns.split(",")]
            where = " WHERE is_opening = 1" if table == "posts" else ""
            rows = con.execute(f"SELECT {columns} FROM {table}{where}").fetchall()
            records = []
            for row in rows:
                record = []
                for name, value in zip(names, row):
                    if name in booleans:
                        value = bool(value)
                    elif name.endswith("_at") and isinstance(value, str):
                        value = _stamp(value)
                    record.append(value)
                records.append(tuple(record))
            await pg.copy_records_to_table(table, records=records, columns=names)
            await pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # As autovacuum would soon: statistics, and the GIN index's pending list merged (a search
        # reads all of that list; after a bulk copy it holds the last few thousand rows).
        await pg.execute("VACUUM ANALYZE")
    finally:
        await pg.close()
        con.close()


async def measure(url: str, workload: list[dict], rounds: int) -> dict:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from forum.db import create_engine
    from forum.services.search import search_threads
    from forum.settings import DatabaseSettings

    engine = create_engine(DatabaseSettings(url=url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    timings: list[float] = []
    per_query: dict[str, list[float]] = {}

    cpu: list[float] = []
    per_query_cpu: dict[str, list[float]] = {}
    backends: set[int] = set()
    postgres = engine.dialect.name == "postgresql"

    async def one(item: dict) -> tuple[float, float, int]:
        async with sessions() as session:
            if postgres:  # the server process this search runs in, for its CPU time
                backends.add(await session.scalar(text("SELECT pg_backend_pid()")))
            started, started_cpu = time.perf_counter(), time.process_time()
            found = await search_threads(session, item["q"], category_id=item.get("category"),
                                         guru_status=item.get("guru"))
            return ((time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000,
                    len(found))

    for item in workload:  # warm-up: vocabulary, dictionary, statement and page caches
        await one(item)
    server_before = {pid: _cpu_ticks(pid) for pid in backends}
    hits = {}
    for _ in range(rounds):
        for item in workload:
            ms, cpu_ms, count = await one(item)
            timings.append(ms)
            cpu.append(cpu_ms)
            per_query.setdefault(item["q"], []).append(ms)
            per_query_cpu.setdefault(item["q"], []).append(cpu_ms)
            hits[item["q"]] = count
    server_ticks = sum(_cpu_ticks(pid) - server_before.get(pid, _cpu_ticks(pid)) for pid in backends)
    await engine.dispose()
    timings.sort()
    cpu.sort()
    worst = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    return {
        "searches": len(timings), "p50": statistics.median(timings), "p95": _p95(timings), "max": timings[-1],
        "cpu_p50": statistics.median(cpu), "cpu_p95": _p95(cpu), "cpu_mean": statistics.fmean(cpu),
        "server_cpu_mean": server_ticks * 1000 / os.sysconf("SC_CLK_TCK") / len(timings) if postgres else None,
        "worst": [(q, statistics.median(v), hits[q]) for q, v in worst],
        "worst_cpu": sorted(((q, statistics.median(v)) for q, v in per_query_cpu.items()), key=lambda qv: -qv[1])[:5],
    }


def _p95(values: list[float]) -> float:
    return values[int(len(values) * 0.95) - 1]


def _cpu_ticks(pid: int) -> int:
    """User + system CPU ticks of a local process (the PostgreSQL backend serving a session)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def report(name: str, figures: dict) -> None:
    print(f"\n{name}: {figures['searches']} searches, p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
          f"max {figures['max']:.1f} ms (load average {os.getloadavg()[0]:.1f})")
    # CPU time of this process per search: for SQLite the whole search (the engine runs here); for
    # PostgreSQL the Python side, the server's own share being measured from /proc apart.
    print(f"  process CPU per search: p50 {figures['cpu_p50']:.1f} ms, p95 {figures['cpu_p95']:.1f} ms, "
          f"mean {figures['cpu_mean']:.1f} ms")
    if figures["server_cpu_mean"] is not None:
        print(f"  PostgreSQL server CPU per search (mean, from /proc): {figures['server_cpu_mean']:.1f} ms")
    for q, median, count in figures["worst"]:
        print(f"  slowest: {q!r} median {median:.1f} ms ({count} results on page 1)")
    print("  most process CPU: " + ", ".join(f"{q!r} {median:.1f} ms" for q, median in figures["worst_cpu"]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/wb-search-bench")
    parser.add_argument("--postgres")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres-only", action="store_true", help="skip the SQLite measurement")
    parser.add_argument("--reuse-postgres", action="store_true",
                        help="the PostgreSQL database already holds this board's copy: do not empty and refill it")
    args = parser.parse_args()
    db_path = Path(args.data_dir) / "webboard.db"
    if not db_path.exists():
        print("seed first: python benchmarks/seed_board.py --data-dir", args.data_dir, file=sys.stderr)
        return 1
    from forum.migrate import upgrade

    url = f"sqlite+aiosqlite:///{db_path}"
    upgrade(url)  # a board seeded before revision 0012 gets its search terms rebuilt here
    index_bodies(db_path)
    con = sqlite3.connect(db_path)
    threads = con.execute("SELECT count(*) FROM threads").fetchone()[0]
    con.close()
    workload = queries()
    print(f"{threads:,} threads, {len(workload)} queries x {args.rounds} rounds")
    if not args.postgres_only:
        report("SQLite FTS5", asyncio.run(measure(url, workload, args.rounds)))
    if args.postgres:
        upgrade(args.postgres)
        if not args.reuse_postgres:
            asyncio.run(copy_to_postgres(db_path, args.postgres))
        report("PostgreSQL tsvector", asyncio.run(measure(args.postgres, workload, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
