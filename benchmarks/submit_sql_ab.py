"""CPU per reply (and per new thread) through the whole app, this tree's posting service against
another tree's (`forum/services/posting.py` loaded from its file as a module of this package), in
one process, alternating submit by submit (the order swapped every pair), so that a busy machine
slows both alike. Everything else is this tree's (the other tree's posting service then runs on this
tree's coins, membership and core writes: with the other tree's statements, since it never hands
its reads to the coins). Also counts the SQL statements each variant's submits sent.

    python benchmarks/submit_sql_ab.py --against /tmp/base-tree --data-dir /tmp/x --scratch /tmp/y \
        [--replies 300] [--rounds 3] [--members 40] [--swap posting|duplicates]

With `--swap duplicates` the other tree's `forum/duplicates/service.py` is loaded instead and its
`DuplicateService` (a new thread's check: its reads and verdict, on this tree's index) swapped in.

Posts as `submit_profile.py` does (the HTML form of a logged-in member, duplicate check and classifier
on; a new thread every eleventh submit), on SQLite (no DATABASE_URL) or, with `--postgres`, on the
PostgreSQL board DATABASE_URL names (already seeded: `seed_postgres.py`); each member's first submit
is left out of the figures (it loads the member's copy either way)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_profile import copy_board, lifespan, log_in, prepare_members, submit_form  # noqa: E402


def other_posting(tree: Path):
    """The other tree's `forum/services/posting.py`, as a module of this tree's `forum.services`."""
    return other_module(tree, "forum.services", "posting")


def other_module(tree: Path, package: str, name: str):
    """The other tree's module `package.name` loaded from its file as a module of this tree's package."""
    full = f"{package}._{name}_against"
    spec = importlib.util.spec_from_file_location(full, tree.joinpath(*package.split("."), f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


def swapped(args):
    """(module, attribute, {"this": ..., "other": ...}): what is swapped every other submit. `posting`:
    the board controller's PostingService; `duplicates`: the duplicate hook's DuplicateService (the
    check's reads and verdict, on this tree's index; the other tree's module also subscribes its
    Ask Guru answer-mark handlers, which these submits never fire)."""
    tree = Path(args.against).resolve()
    if args.swap == "duplicates":
        from forum.duplicates import hook

        return hook, "DuplicateService", {
            "this": hook.DuplicateService, "other": other_module(tree, "forum.duplicates", "service").DuplicateService}
    from forum.controllers import board

    return board, "PostingService", {"this": board.PostingService, "other": other_posting(tree).PostingService}


async def run(args) -> None:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from forum.app import create_app
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY
    from forum.settings import get_settings
    from forum.warmup import WARM_UP_KEY

    target, attribute, services = swapped(args)
    settings = get_settings()
    ids, threads, slug = await prepare_members(settings, args.offset + args.members * args.rounds)
    ids = ids[args.offset:]
    app = create_app(settings)
    app.state[WARM_UP_KEY] = True
    app.state[FREEZE_AFTER_START_KEY] = True
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sent = [0]

    def count(*_):
        sent[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    rng = random.Random(16)
    summary: dict[tuple[str, str], list[float]] = {}
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
        token = (await client.get("/login")).cookies["csrftoken"]
        for round_no in range(args.rounds):
            cookies = await log_in(client, token, ids[round_no * args.members:(round_no + 1) * args.members])
            times: dict[tuple[str, str], list[float]] = {}
            statements: dict[tuple[str, str], list[int]] = {}
            seen = {"reply": 0, "thread": 0}
            for n in range(args.replies + args.replies // 10):
                kind = "thread" if n % 11 == 10 else "reply"
                pair, first = divmod(seen[kind], 2)
                seen[kind] += 1
                variant = ("this", "other")[(first + pair) % 2]
                setattr(target, attribute, services[variant])
                path, form = submit_form(rng, kind, slug, threads, token, f"sqlab{args.offset}-{round_no}-{n}-{rng.randrange(10**9)}")
                client.cookies.clear()
                sent[0] = 0
                started = time.process_time()
                answer = await client.post(path, data=form, headers={"Cookie": cookies[n % len(cookies)]},
                                           follow_redirects=False)
                spent = (time.process_time() - started) * 1000
                if answer.status_code == 409 and kind == "thread":
                    continue  # refused as a duplicate: not a submit
                assert answer.status_code == 303, (path, answer.status_code)
                if n < len(cookies):
                    continue  # the member's first submit: not timed
                times.setdefault((kind, variant), []).append(spent)
                statements.setdefault((kind, variant), []).append(sent[0])
            setattr(target, attribute, services["this"])
            for key in sorted(times):
                summary.setdefault(key, []).append(statistics.median(times[key]))
            print(f"round {round_no + 1}: median CPU ms per submit: " + ", ".join(
                f"{kind} {variant} {statistics.median(v):.2f} (mean {statistics.fmean(v):.2f}, n={len(v)}, "
                f"statements {statistics.fmean(statements[kind, variant]):.2f})"
                for (kind, variant), v in sorted(times.items())), flush=True)
    event.remove(Engine, "before_cursor_execute", count)
    print("median of rounds: " + ", ".join(f"{kind} {variant} {statistics.median(v):.2f} ms"
                                           for (kind, variant), v in sorted(summary.items())))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", required=True, help="the other tree (its forum/services/posting.py)")
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--scratch", help="copy the SQLite board here")
    parser.add_argument("--postgres", action="store_true", help="DATABASE_URL's PostgreSQL board, not a SQLite copy")
    parser.add_argument("--replies", type=int, default=300, help="replies per round (and a tenth as many new threads)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--offset", type=int, default=0, help="skip this many members (a PostgreSQL board is reused)")
    parser.add_argument("--swap", choices=("posting", "duplicates"), default="posting",
                        help="swap the other tree's posting service (default) or its duplicate service")
    args = parser.parse_args()
    if not args.postgres:
        if not args.scratch:
            parser.error("--scratch is needed on SQLite")
        scratch = copy_board(Path(args.data_dir), args.scratch)
        os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "submit-sql-ab-secret")
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
