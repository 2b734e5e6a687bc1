"""Round trips and time per submit on PostgreSQL (or SQLite), in one process: replies and new
threads posted through the whole ASGI app as the HTML form of a logged-in member (as
benchmarks/submit_profile.py, whose lifespan helper it uses), counting for each submit

- `pg`: PostgreSQL round trips (each simple query, prepare, bind/execute and statement close that
  the asyncpg protocol sends and waits for: BEGIN and COMMIT included, pool pre-pings too);
- `prep`: of those, prepares (a statement not yet in the connection's prepared-statement cache);
- `redis`: Redis round trips (each command or pipeline sent, by the asyncio and the blocking client);
- `conn`: new database connections opened during the submit;
- wall ms (`time.perf_counter`) and CPU ms (`time.process_time`) per submit.

The board is changed (posts are added), so point it at a copy: a PostgreSQL database of one's own
(seeded by benchmarks/seed_postgres.py) and a data dir whose duplicate-index snapshot was made by
`webboard duplicates rebuild` with the same DATABASE_URL.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wb_x REDIS_URL=redis://127.0.0.1:6379/10 \\
      WEBBOARD_DATA_DIR=/tmp/x/data python benchmarks/pg_submit_probe.py [--replies 200] [--members 100] \\
      [--offset 0] [--concurrency 1]

To compare two trees, run it from each with PYTHONPATH=TREE (the script itself can stay in one
place); alternate the runs, and give each run other members (`--offset`) so the hourly posting
limits are not met. `--concurrency N`: N posters at once (each waits for its answer before the
next submit), which shows the connection pool at work (`conn`)."""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COUNTS: collections.Counter = collections.Counter()
# `--breakdown`: the wall ms of each round trip, by statement (the SQL's first 70 characters), and the
# CPU ms the PostgreSQL backends spent meanwhile (exact with --concurrency 1: one backend busy at a time).
TIMES: list[tuple[str, float, float]] = []
# The PostgreSQL backends of the app's pooled connections (their pids), whose CPU time each submit
# reads from /proc/<pid>/schedstat (nanoseconds: the `db_cpu_ms` columns).
BACKENDS: set[int] = set()


def backend_cpu_ns() -> int:
    total = 0
    for pid in BACKENDS:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


# `--statements FILE`: every round trip of each submit (call, SQL, arguments), for EXPLAIN replays.
STATEMENTS: list[dict] | None = None
PROTOCOL_CALLS = {"query": "pg", "prepare": "pg", "bind_execute": "pg", "bind_execute_many": "pg",
                  "close_statement": "pg", "execute": "pg", "bind": "pg"}


class CountingProtocol:
    """Forwards to an asyncpg protocol, counting the calls that send and wait for the server."""

    def __init__(self, inner):
        object.__setattr__(self, "_inner", inner)

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if name in PROTOCOL_CALLS and callable(value):
            def counted(*args, **kwargs):
                COUNTS["pg"] += 1
                if STATEMENTS is not None:
                    STATEMENTS.append(statement_record(name, args))
                if name == "prepare":
                    COUNTS["prep"] += 1
                result = value(*args, **kwargs)
                if not asyncio.iscoroutine(result) and not isinstance(result, asyncio.Future):
                    return result
                return timed(name, args, result)
            return counted
        return value

    def __setattr__(self, name, value):
        setattr(self._inner, name, value)


def statement_label(name: str, args: tuple) -> str:
    if name in ("query", "prepare"):
        sql = args[1] if name == "prepare" and len(args) > 1 else args[0]
    else:
        sql = getattr(args[0], "query", "") if args else ""
    sql = " ".join(str(sql).split())
    return f"{name}: {sql[:70]}"


def statement_record(name: str, args: tuple) -> dict:
    if name in ("query", "prepare"):
        sql, values = (args[1] if name == "prepare" and len(args) > 1 else args[0]), []
    else:
        sql, values = getattr(args[0], "query", ""), list(args[1]) if len(args) > 1 and name != "close_statement" else []
    return {"call": name, "sql": str(sql), "args": [jsonable(v) for v in values]}


def jsonable(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": len(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"repr": repr(value)}


async def timed(name: str, args: tuple, awaitable):
    started, db_started = time.perf_counter(), backend_cpu_ns()
    try:
        return await awaitable
    finally:
        TIMES.append((statement_label(name, args), (time.perf_counter() - started) * 1000,
                      (backend_cpu_ns() - db_started) / 1e6))


def install_counters() -> None:
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    @event.listens_for(Pool, "connect")
    def _connected(dbapi_connection, _record):
        COUNTS["conn"] += 1
        inner = getattr(dbapi_connection, "_connection", None)
        if inner is not None and hasattr(inner, "_protocol"):
            inner._protocol = CountingProtocol(inner._protocol)
        if inner is not None and hasattr(inner, "get_server_pid"):
            BACKENDS.add(inner.get_server_pid())

    count_redis_commands(COUNTS)


def count_redis_commands(counts: collections.Counter) -> None:
    """Counts each command or pipeline sent by the asyncio and the blocking Redis clients as
    `counts["redis"]` (also used by miss_path_probe.py)."""
    import redis.asyncio.connection as async_redis
    import redis.connection as sync_redis

    original_async = async_redis.AbstractConnection.send_packed_command
    original_sync = sync_redis.AbstractConnection.send_packed_command

    async def send_async(self, command, check_health=True):
        counts["redis"] += 1
        return await original_async(self, command, check_health)

    def send_sync(self, command, check_health=True):
        counts["redis"] += 1
        return original_sync(self, command, check_health)

    async_redis.AbstractConnection.send_packed_command = send_async
    sync_redis.AbstractConnection.send_packed_command = send_sync


async def prepare_members(settings, count: int, offset: int) -> tuple[list[int], int, str]:
    from sqlalchemy import func, select, update

    import models as m
    from forum.db import create_engine
    from forum.security import hash_password

    engine = create_engine(settings.db)
    async with engine.begin() as conn:
        ids = list((await conn.scalars(
            select(m.User.id).where(m.User.role == m.Role.MEMBER, m.User.status == m.MemberStatus.ACTIVE)
            .order_by(m.User.id).offset(offset).limit(count))).all())
        threads = await conn.scalar(select(func.max(m.Thread.id)).where(m.Thread.id <= 100_000))
        slug = await conn.scalar(select(m.Category.slug).order_by(m.Category.id).limit(1))
        await conn.execute(update(m.User).where(m.User.id.in_(ids)).values(password_hash=hash_password(PASSWORD)))
    await engine.dispose()
    return ids, threads, slug


PASSWORD = "bench-password-not-secret"


async def database_cpu_ticks(url: str) -> int | None:
    """CPU ticks (utime + stime, /proc) of the PostgreSQL backends serving this database, but ours:
    the app's pooled connections (None: not PostgreSQL, or /proc not readable)."""
    if not url.startswith("postgresql"):
        return None
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        pids = [row["pid"] for row in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    finally:
        await conn.close()
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=200, help="replies (and a tenth as many new threads)")
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--offset", type=int, default=0, help="skip this many members (another run's)")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--label", default="")
    parser.add_argument("--breakdown", action="store_true",
                        help="also print each statement's round-trip wall ms (median, p95, total share)")
    parser.add_argument("--statements", default="",
                        help="write every round trip of each submit (call, SQL, arguments) to this JSON-lines file")
    args = parser.parse_args()
    global STATEMENTS
    if args.statements:
        STATEMENTS = []
        Path(args.statements).write_text("")
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "pg-submit-probe-secret")
    os.environ.setdefault("WEBBOARD_ACCESS_LOG", "0")
    install_counters()

    import httpx

    from forum.app import create_app
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY
    from forum.settings import get_settings
    from forum.warmup import WARM_UP_KEY
    from submit_profile import lifespan, log_in, submit_form

    settings = get_settings()
    ids, threads, slug = await prepare_members(settings, args.members, args.offset)
    app = create_app(settings)
    app.state[WARM_UP_KEY] = True
    app.state[FREEZE_AFTER_START_KEY] = True
    logging.getLogger("httpx").setLevel(logging.WARNING)
    rng = random.Random(16 + args.offset)
    rows: dict[str, list[tuple[float, float, dict]]] = {"reply": [], "thread": []}
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
        token = (await client.get("/login")).cookies["csrftoken"]
        cookies = await log_in(client, token, ids)
        client.cookies.clear()
        total = args.replies + args.replies // 10
        queue = list(range(total))

        async def poster() -> None:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as own:
                while queue:
                    n = queue.pop(0)
                    kind = "thread" if n % 11 == 10 else "reply"
                    cookie = cookies[n % len(cookies)]
                    tag = f"probe{args.offset}-{n}-{rng.randrange(10**9)}"
                    path, form = submit_form(rng, kind, slug, threads, token, tag)
                    before = COUNTS.copy()
                    if STATEMENTS is not None:
                        STATEMENTS.clear()
                    db_before = backend_cpu_ns()
                    wall, cpu = time.perf_counter(), time.process_time()
                    answer = await own.post(path, data=form, headers={"Cookie": cookie}, follow_redirects=False)
                    wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
                    spent_db = (backend_cpu_ns() - db_before) / 1e6
                    spent = COUNTS - before
                    if answer.status_code == 409 and kind == "thread":
                        continue  # refused as a duplicate: not a submit
                    if answer.status_code != 303:
                        raise SystemExit(f"{path}: HTTP {answer.status_code}: {answer.text[:300]}")
                    rows[kind].append((wall, cpu, dict(spent), spent_db))
                    if STATEMENTS is not None and args.concurrency == 1:
                        with open(args.statements, "a") as out:
                            for number, record in enumerate(STATEMENTS):
                                out.write(json.dumps({"submit": n, "kind": kind, "n": number, **record}) + "\n")

        ticks = await database_cpu_ticks(settings.db.url)
        await asyncio.gather(*(poster() for _ in range(args.concurrency)))
        if ticks is not None:
            ticks = await database_cpu_ticks(settings.db.url) - ticks
    if ticks is not None:
        submits = sum(len(values) for values in rows.values())
        print(f"{args.label} database CPU {ticks * 1000 / os.sysconf('SC_CLK_TCK') / max(submits, 1):.2f} ms per submit "
              f"(every submit, the warm-up tenth included; {submits} submits)", flush=True)
    if BACKENDS:
        print(f"{args.label} app backends (pids): {' '.join(map(str, sorted(BACKENDS)))}", flush=True)
    if args.breakdown and TIMES:
        by: dict[str, list[float]] = collections.defaultdict(list)
        db_by: dict[str, list[float]] = collections.defaultdict(list)
        for label, ms, db_ms in TIMES[len(TIMES) // 10:]:
            by[label].append(ms)
            db_by[label].append(db_ms)
        total = sum(sum(v) for v in by.values())
        db_total = sum(sum(v) for v in db_by.values()) or 1.0
        for label, values in sorted(by.items(), key=lambda kv: -sum(kv[1])):
            values.sort()
            db = db_by[label]
            print(f"{args.label} {len(values):6d} p50={statistics.median(values):6.2f} "
                  f"p95={values[int(len(values) * .95)]:6.2f} share={sum(values) / total:5.1%} "
                  f"db_cpu_ms mean={statistics.mean(db):6.3f} db_share={sum(db) / db_total:5.1%} {label}", flush=True)
    for kind, values in rows.items():
        if not values:
            continue
        values = values[len(values) // 10:]  # the first tenth warms the connections' statement caches
        walls, cpus, dbs = [v[0] for v in values], [v[1] for v in values], [v[3] for v in values]
        counts = {key: statistics.mean(v[2].get(key, 0) for v in values) for key in ("pg", "prep", "redis", "conn")}
        print(f"{args.label} {kind} n={len(values)} concurrency={args.concurrency} wall_ms p50={statistics.median(walls):.2f} "
              f"mean={statistics.mean(walls):.2f} p95={sorted(walls)[int(len(walls) * .95)]:.2f} "
              f"cpu_ms p50={statistics.median(cpus):.2f} mean={statistics.mean(cpus):.2f} "
              + (f"db_cpu_ms p50={statistics.median(dbs):.3f} mean={statistics.mean(dbs):.3f} " if BACKENDS and args.concurrency == 1 else "")
              + " ".join(f"{key}={value:.2f}" for key, value in counts.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
