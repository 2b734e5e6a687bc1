"""CPU per reply through the whole app (as `submit_profile.py` posts them), this tree's classifier
features and Markdown rendering against another tree's, alternating reply by reply in one process,
so that a busy machine slows both alike. The other tree's `moderation/features.py` and
`forum/rendering.py` are loaded from its files (see `submit_parts_cpu.py --against`) and swapped in
for every other reply (the order swapped every pair); everything else is this tree's. (That both
give the same scores and HTML is checked by `submit_parts_cpu.py --against` and the tests, not here.)

    python benchmarks/submit_ab.py --against /tmp/base-tree --data-dir /tmp/x [--replies 400] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit_parts_cpu import _other_steps  # noqa: E402
from submit_profile import PASSWORD, copy_board, lifespan, prepare_members, text  # noqa: E402


async def run(args) -> None:
    import httpx

    from forum.app import create_app
    from forum.duplicates.hook import FREEZE_AFTER_START_KEY
    from forum.services import posting
    from forum.settings import get_settings
    from forum.warmup import WARM_UP_KEY

    settings = get_settings()
    ids, threads, _ = await prepare_members(settings, args.members * args.rounds)

    app = create_app(settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app.state[WARM_UP_KEY] = True
    app.state[FREEZE_AFTER_START_KEY] = True
    variant = {"now": "this"}
    async with lifespan(app):
        model = app.state.moderation_model
        other = _other_steps(Path(args.against).resolve(), model)
        this_score, this_render = model.score, posting.render_markdown

        def score(text_: str):
            return (this_score if variant["now"] == "this" else other["score"])(text_)

        def render(body: str) -> str:
            return (this_render if variant["now"] == "this" else other["render"])(body)

        model.score = score
        posting.render_markdown = render
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        rng = random.Random(16)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
            token = (await client.get("/login")).cookies["csrftoken"]
            for round_no in range(args.rounds):
                cookies = []
                for user_id in ids[round_no * args.members:(round_no + 1) * args.members]:
                    client.cookies.clear()
                    client.cookies.set("csrftoken", token)
                    await client.post("/login", data={"_csrf_token": token, "login_id": f"user{user_id}",
                                                      "password": PASSWORD})
                    cookies.append(f"session={client.cookies['session']}; csrftoken={token}")
                times: dict[str, list[float]] = {"this": [], "other": []}
                for n in range(args.replies):
                    pair, first = divmod(n, 2)
                    variant["now"] = ("this", "other")[(first + pair) % 2]
                    tag = f"ab{round_no}-{n}-{rng.randrange(10**9)}"
                    form = {"_csrf_token": token, "body": f"{text(rng, 30)} {tag} {text(rng, 20)}"}
                    client.cookies.clear()
                    started = time.process_time()
                    answer = await client.post(f"/t/{rng.randint(1, threads)}/reply", data=form,
                                               headers={"Cookie": cookies[n % len(cookies)]}, follow_redirects=False)
                    times[variant["now"]].append((time.process_time() - started) * 1000)
                    assert answer.status_code == 303, answer.status_code
                print(f"round {round_no + 1}: median CPU per reply: "
                      + ", ".join(f"{who} {statistics.median(v):.2f} ms (mean {statistics.fmean(v):.2f}, n={len(v)})"
                                  for who, v in times.items()), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", required=True)
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--replies", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--members", type=int, default=60)
    args = parser.parse_args()
    scratch = copy_board(Path(args.data_dir), args.scratch)
    os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "submit-ab-secret")
    os.environ.pop("REDIS_URL", None)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
