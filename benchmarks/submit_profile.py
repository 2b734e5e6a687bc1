"""CPU per submit in one process (no server, no network): replies and new threads posted through
the whole ASGI app (middleware, CSRF, session, member, posting service with the duplicate check
and the classifier, coins, page-cache invalidation, commit, redirect with its flash message), as
the HTML form of a logged-in member. CPU time (`time.process_time`: every thread of the process,
so the SQLite driver's thread counts too), not wall time, so the figure holds on a busy machine.

The board is copied first (`--data-dir`, default /tmp/webboard-bench: any board seeded by
`benchmarks/seed_board.py`; a small one, e.g. `seed_board.py --threads 3000 --data-dir /tmp/x`,
is enough to find where the CPU goes) into a scratch dir, so the seeded board is never changed.
Members are the seeded Silver users (a month old, so the first-day limits do not apply); each
posts at most a few replies and one thread, under the hourly limits.

    python benchmarks/submit_profile.py --data-dir /tmp/x [--replies 300] [--rounds 3]
        [--profile reply|thread] [--sort tottime|cumulative] [--dump /tmp/x.prof]

Prints the median CPU ms per reply and per new thread for each round, the median over rounds,
and with `--profile` where that kind of submit spends its CPU (cProfile of the app's thread; the
SQLite driver's thread is not in it, only in the totals). The requests go through httpx's ASGI
transport in the script's own event loop, so the figure is the app's CPU plus the client's small
share (building the form post: measured below a tenth of a millisecond), with no test-client
thread hop."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import contextlib
import logging
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-password-not-secret"
WORDS = ("engine oil battery tyre brake gearbox aircon noise leak service ยาง เบรก แอร์ เกียร์ "
         "น้ำมันเครื่อง แบตเตอรี่ ช่วงล่าง เสียงดัง ศูนย์บริการ ครับ").split()


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def submit_form(rng: random.Random, kind: str, slug: str, threads: int, token: str, tag: str) -> tuple[str, dict]:
    """The path and form of one benchmark submit: a new thread in `slug`, or a reply to a random thread."""
    if kind == "thread":
        return f"/c/{slug}/new", {"_csrf_token": token, "title": f"{text(rng, 5)} {tag}",
                                  "body": f"{text(rng, 40)} {tag} {text(rng, 20)}",
                                  "distinct_reason": f"a different car and symptom {tag}"}
    return f"/t/{rng.randint(1, threads)}/reply", {"_csrf_token": token, "body": f"{text(rng, 30)} {tag} {text(rng, 20)}"}


def copy_board(source: Path, scratch: str | None = None) -> Path:
    """A scratch copy of the seeded board's database (the duplicate index is built at start-up).
    With `scratch`, the copy goes to that directory, replacing the database there but keeping its
    duplicate-index snapshot (it names the database by path): the next run loads and reconciles
    it instead of building the index again (87 s at 20,000 threads)."""
    if scratch:
        target = Path(scratch)
        target.mkdir(parents=True, exist_ok=True)
        for item in target.iterdir():
            if item.is_file() and item.name.startswith("webboard.db"):
                item.unlink()
    else:
        target = Path(tempfile.mkdtemp(prefix="submit-profile-", dir=os.environ.get("TMPDIR")))
    for item in source.iterdir():
        if item.is_file() and item.name.startswith("webboard.db"):
            shutil.copy2(item, target / item.name)
    return target


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--replies", type=int, default=300, help="replies per round (and a tenth as many new threads)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--only", choices=("reply", "thread"), help="post only this kind (e.g. under py-spy)")
    parser.add_argument("--profile", choices=("reply", "thread"), help="cProfile this kind of submit (last round)")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--timer", choices=("wall", "cpu"), default="wall",
                        help="cProfile's clock: wall time, or this thread's CPU time (waits and other threads left out)")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--dump", help="write the cProfile stats here (for snakeviz, pstats)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy of the board")
    parser.add_argument("--scratch", help="copy the board here and keep it (and its duplicate-index snapshot) between runs")
    args = parser.parse_args()

    scratch = copy_board(Path(args.data_dir), args.scratch)
    os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "submit-profile-secret")
    os.environ.pop("REDIS_URL", None)
    try:
        return await run(args)
    finally:
        if not args.keep and not args.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"board kept in {scratch}", file=sys.stderr)


async def log_in(client, token: str, user_ids) -> list[str]:
    """A fresh session per member, as a browser logging in: each one's Cookie header."""
    cookies = []
    for user_id in user_ids:
        client.cookies.clear()
        client.cookies.set("csrftoken", token)
        done = await client.post("/login", data={"_csrf_token": token, "login_id": f"user{user_id}",
                                                 "password": PASSWORD})
        assert done.status_code in (200, 303) and "session" in client.cookies, done.status_code
        cookies.append(f"session={client.cookies['session']}; csrftoken={token}")
    return cookies


async def prepare_members(settings, count: int) -> tuple[list[int], int, str]:
    """The first `count` active members, given PASSWORD so that they can log in; also the highest
    thread id and the first category's slug."""
    from sqlalchemy import func, select, update

    import models as m
    from forum.db import create_engine
    from forum.security import hash_password

    engine = create_engine(settings.db)
    async with engine.begin() as conn:
        ids = list((await conn.scalars(
            select(m.User.id).where(m.User.role == m.Role.MEMBER, m.User.status == m.MemberStatus.ACTIVE)
            .order_by(m.User.id).limit(count))).all())
        threads = await conn.scalar(select(func.max(m.Thread.id)))
        slug = await conn.scalar(select(m.Category.slug).order_by(m.Category.id).limit(1))
        await conn.execute(update(m.User).where(m.User.id.in_(ids)).values(password_hash=hash_password(PASSWORD)))
    await engine.dispose()
    return ids, threads, slug


async def run(args: argparse.Namespace) -> int:
    import httpx

    from forum.app import create_app
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY
    from forum.settings import get_settings
    from forum.warmup import WARM_UP_KEY

    settings = get_settings()
    ids, threads, slug = await prepare_members(settings, args.members * args.rounds)

    app = create_app(settings)  # the served hooks: duplicate check and classifier
    app.state[WARM_UP_KEY] = True  # as a server process: lazily loaded parts are loaded before the first submit
    # As forum/asgi.py: start-up objects are frozen out of the garbage collector's sight once the
    # index is built, so the timed submits (and their profiles) carry no collection of them.
    app.state[FREEZE_AFTER_START_KEY] = True
    logging.getLogger("httpx").setLevel(logging.WARNING)
    rng = random.Random(16)
    per_round = {"reply": [], "thread": []}
    timer = time.thread_time if args.timer == "cpu" else time.perf_counter
    profiler = cProfile.Profile(timer) if args.profile else None
    if profiler is not None:
        _profile_app(app, profiler)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
        token = (await client.get("/login")).cookies["csrftoken"]
        for round_no in range(args.rounds):
            members = ids[round_no * args.members:(round_no + 1) * args.members]
            cookies = await log_in(client, token, members)
            times: dict[str, list[float]] = {"reply": [], "thread": []}
            refused = 0
            last_round = round_no == args.rounds - 1
            for n in range(args.replies + args.replies // 10):
                kind = args.only or ("thread" if n % 11 == 10 else "reply")
                cookie = cookies[n % len(cookies)]
                tag = f"profile{round_no}-{n}-{rng.randrange(10**9)}"
                path, form = submit_form(rng, kind, slug, threads, token, tag)
                client.cookies.clear()
                app.state["_profiling"] = profiler is not None and last_round and kind == args.profile
                started = time.process_time()
                answer = await client.post(path, data=form, headers={"Cookie": cookie}, follow_redirects=False)
                spent = (time.process_time() - started) * 1000
                if answer.status_code == 409 and kind == "thread":
                    # The duplicate check refused it (the benchmark's words also fill the seeded
                    # board: now and then a new thread reads as a cross-post): not a submit, not timed.
                    refused += 1
                    continue
                if answer.status_code != 303:
                    Path("/tmp/submit-profile-failed.html").write_text(answer.text)
                    raise SystemExit(f"{path}: HTTP {answer.status_code} (page in /tmp/submit-profile-failed.html)")
                times[kind].append(spent)
            line = ", ".join(f"{kind} {statistics.median(v):.2f} ms (n={len(v)})" for kind, v in times.items() if v)
            print(f"round {round_no + 1}: median CPU per submit: {line}"
                  + (f"; {refused} new threads refused as duplicates (not timed)" if refused else ""))
            for kind, values in times.items():
                if values:
                    per_round[kind].append(statistics.median(values))
    summary = ", ".join(f"{kind} {statistics.median(v):.2f} ms" for kind, v in per_round.items() if v)
    print(f"median over {args.rounds} rounds: {summary} (CPU per submit, in-process, {threads:,} threads)")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats(args.sort).print_stats(args.lines)
    return 0


@contextlib.asynccontextmanager
async def lifespan(app):
    """The ASGI lifespan (start-up hooks: classifier, duplicate index, warm-up; shutdown), run in
    this event loop: the requests go through httpx's ASGI transport in the same loop and thread,
    so the process's CPU is the app's plus the client's small share (no test-client thread)."""
    inbox: asyncio.Queue = asyncio.Queue()
    started, stopped = asyncio.Event(), asyncio.Event()

    async def send(message):
        if message["type"].startswith("lifespan.startup."):
            started.set()
            if message["type"].endswith("failed"):
                raise SystemExit(f"start-up failed: {message.get('message')}")
        elif message["type"].startswith("lifespan.shutdown."):
            stopped.set()

    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await started.wait()
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await stopped.wait()
        await task


def _profile_app(app, profiler) -> None:
    """Profiles the app's handling of the requests flagged in its state (not the client's part)."""
    inner = app.asgi_handler

    async def profiled(scope, receive, send):
        if not app.state.get("_profiling"):
            return await inner(scope, receive, send)
        profiler.enable()
        try:
            await inner(scope, receive, send)
        finally:
            profiler.disable()

    app.asgi_handler = profiled


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
