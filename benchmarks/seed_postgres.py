"""Copies the seeded benchmark board (benchmarks/seed_board.py's SQLite file) into a PostgreSQL
database made by the real migrations, so both backends are measured on the same rows.

    python benchmarks/seed_postgres.py --sqlite /tmp/webboard-bench/webboard.db \\
        --url postgresql+asyncpg://postgres@127.0.0.1:5432/wb_speed_bench"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TABLES = ("categories", "users", "threads", "posts")


def convert(kind: str):
    if kind.startswith("timestamp"):
        return lambda v: None if v is None else dt.datetime.fromisoformat(v).replace(tzinfo=dt.timezone.utc)
    if kind == "date":
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if kind == "boolean":
        return lambda v: None if v is None else bool(v)
    return lambda v: v


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", required=True)
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    import asyncpg

    base, _, name = args.url.rpartition("/")
    dsn = args.url.replace("postgresql+asyncpg://", "postgresql://")
    admin = await asyncpg.connect(base.replace("postgresql+asyncpg://", "postgresql://") + "/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    from forum.migrate import upgrade

    await asyncio.to_thread(upgrade, args.url)
    started = time.perf_counter()
    source = sqlite3.connect(args.sqlite)
    conn = await asyncpg.connect(dsn)
    for table in TABLES:
        # Columns both databases have (PostgreSQL's generated search vector is computed, not copied).
        in_sqlite = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
        columns = [c for c in await conn.fetch(
            "SELECT column_name, data_type, is_generated FROM information_schema.columns WHERE table_name = $1"
            " ORDER BY ordinal_position", table) if c["column_name"] in in_sqlite and c["is_generated"] != "ALWAYS"]
        names = [c["column_name"] for c in columns]
        converters = [convert(c["data_type"]) for c in columns]
        cursor = source.execute(f"SELECT {', '.join(names)} FROM {table}")
        total = 0
        while batch := cursor.fetchmany(50_000):
            records = [tuple(f(v) for f, v in zip(converters, row)) for row in batch]
            await conn.copy_records_to_table(table, records=records, columns=names)
            total += len(records)
        if "id" in names:
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        print(f"{table}: {total:,} rows", file=sys.stderr)
    await conn.execute("ANALYZE")
    await conn.close()
    print(f"copied in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
