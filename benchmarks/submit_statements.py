"""The SQL statements one submit sends, and where each comes from: replies and new threads posted
through the whole ASGI app as `submit_profile.py` posts them (the HTML form of a logged-in member,
duplicate check and classifier on), with a `before_cursor_execute` listener on every engine.
Prints, per kind of submit, the mean number of statements (and commits) a submit sent, and the
statements of the last one with the first frame of the app's own code that sent each.

    python benchmarks/submit_statements.py --data-dir /tmp/x [--replies 40] [--members 10]

(SQLite by default, as `submit_profile.py`; with DATABASE_URL set to PostgreSQL the same on
PostgreSQL: the board must already be there, `seed_postgres.py`.)"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_profile import copy_board, lifespan, log_in, prepare_members, submit_form  # noqa: E402

_ROOT = str(Path(__file__).resolve().parent.parent)
_PLUMBING = ("forum/db.py", "forum/sqlite_driver.py", "forum/core_writes.py", "forum/tail_trace.py",
             "forum/observability.py")


def origin() -> str:
    """The innermost frame of the app's own code (not its database plumbing) on the stack."""
    for frame in reversed(traceback.extract_stack()):
        name = frame.filename
        if name.startswith(_ROOT) and "/benchmarks/" not in name and "/.venv/" not in name:
            short = name[len(_ROOT) + 1:]
            if not short.endswith(_PLUMBING):
                return f"{short}:{frame.lineno} {frame.name}"
    return "?"


_CURRENT = ["?"]


def _trace_spawns() -> None:
    """SQLAlchemy's asyncio layer runs each statement in a greenlet, whose stack does not show the
    coroutine that awaited it: the origin is taken where the greenlet is spawned."""
    from sqlalchemy.ext.asyncio import engine as async_engine, result as async_result, session as async_session

    for module in (async_engine, async_session, async_result):
        spawn = module.greenlet_spawn

        async def traced(fn, *args, __spawn=spawn, **kwargs):
            previous, _CURRENT[0] = _CURRENT[0], origin()
            try:
                return await __spawn(fn, *args, **kwargs)
            finally:
                _CURRENT[0] = previous

        module.greenlet_spawn = traced


async def run(args) -> None:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from forum.app import create_app
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY
    from forum.settings import get_settings
    from forum.warmup import WARM_UP_KEY

    _trace_spawns()
    settings = get_settings()
    ids, threads, slug = await prepare_members(settings, args.members)
    app = create_app(settings)
    app.state[WARM_UP_KEY] = True
    app.state[FREEZE_AFTER_START_KEY] = True
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sent: list[tuple[str, str]] = []
    commits = [0]

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((" ".join(statement.split())[:110], _CURRENT[0]))

    def committed(conn):
        commits[0] += 1

    event.listen(Engine, "before_cursor_execute", record)
    event.listen(Engine, "commit", committed)
    rng = random.Random(16)
    counts: dict[str, list[int]] = {"reply": [], "thread": []}
    commit_counts: dict[str, list[int]] = {"reply": [], "thread": []}
    last: dict[str, list[tuple[str, str]]] = {}
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
        token = (await client.get("/login")).cookies["csrftoken"]
        cookies = await log_in(client, token, ids)
        for n in range(args.replies + args.replies // 10):
            kind = "thread" if n % 11 == 10 else "reply"
            path, form = submit_form(rng, kind, slug, threads, token, f"stmt-{n}-{rng.randrange(10**9)}")
            client.cookies.clear()
            del sent[:]
            commits[0] = 0
            answer = await client.post(path, data=form, headers={"Cookie": cookies[n % len(cookies)]},
                                       follow_redirects=False)
            if answer.status_code == 409 and kind == "thread":
                continue  # refused as a duplicate
            assert answer.status_code == 303, (path, answer.status_code)
            if n >= len(cookies):  # each member's first submit (a cold member copy) left out
                counts[kind].append(len(sent))
                commit_counts[kind].append(commits[0])
                last[kind] = list(sent)
    event.remove(Engine, "before_cursor_execute", record)
    event.remove(Engine, "commit", committed)
    dialect = settings.db.url.split(":", 1)[0]
    for kind, values in counts.items():
        if not values:
            continue
        print(f"{dialect} {kind}: statements per submit mean {statistics.fmean(values):.2f}, "
              f"median {statistics.median(values)}, min {min(values)}, max {max(values)} (n={len(values)}); "
              f"spread {dict(sorted(Counter(values).items()))}; commits per submit {statistics.fmean(commit_counts[kind]):.2f}")
        for i, (statement, where) in enumerate(last[kind], 1):
            print(f"  {i:2d}. {statement}\n      <- {where}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--scratch", help="copy the board here (kept between runs)")
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--members", type=int, default=10)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        scratch = copy_board(Path(args.data_dir), args.scratch)
        os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "submit-statements-secret")
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
