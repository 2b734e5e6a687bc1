"""CPU of the two per-post steps of a submit that do not touch the database: the moderation
classifier's score of the post (`ModerationModel.score`, as the moderation hook calls it) and the
body's HTML (`forum.rendering.render_markdown`), timed one call at a time with this thread's CPU
clock, over two sets of posts:

- `corpus`: the moderation corpus shipped in the repository (dev, held out, every 5th training
  post): real Thai, English and romanised posts, most of them short;
- `bench`: replies as `benchmarks/submit_profile.py` writes them (50 words of Thai and English car
  talk, about 380 characters).

    python benchmarks/submit_parts_cpu.py [--rounds 5] [--bench-posts 500] [--against /tmp/base-tree]

Each round times every post once per step; printed: the median over rounds of each round's
median and mean, in microseconds. To compare two trees, copy this file into the other tree's
benchmarks/ and run both, alternating (the model, the code and the corpus are each tree's own).

On a busy machine two processes are not comparable (the same tree's figures move by a third from
one run to the next): `--against TREE` times, in this one process and post by post (the order of
the two swapped every post), this tree's steps and those of another tree's
`moderation/features.py` and `forum/rendering.py` (loaded from its files, with this tree's
`forum.text`, and the same fitted model state), and checks that both give the same scores and
HTML.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("engine oil battery tyre brake gearbox aircon noise leak service ยาง เบรก แอร์ เกียร์ "
         "น้ำมันเครื่อง แบตเตอรี่ ช่วงล่าง เสียงดัง ศูนย์บริการ ครับ").split()


def _bench_posts(count: int) -> list[str]:
    rng = random.Random(16)  # as submit_profile.py's replies

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words))

    return [f"{text(30)} profile0-{n}-{rng.randrange(10**9)} {text(20)}" for n in range(count)]


def _corpus_posts() -> list[str]:
    posts = []
    for name, step in (("dev.jsonl", 1), ("heldout.jsonl", 1), ("train.jsonl", 5)):
        path = ROOT / "moderation" / "corpus" / name
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        posts += [json.loads(line)["text"] for line in lines[::step]]
    return posts


def _load_module(name: str, path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _other_steps(tree: Path, model):
    """score and render as another tree's features and rendering modules compute them."""
    import numpy as np

    from moderation.classifier import LABELS, _sigmoid

    features_module = _load_module("_other_features", tree / "moderation" / "features.py")
    rendering_module = _load_module("_other_rendering", tree / "forum" / "rendering.py")
    features = features_module.ModerationFeatures.__new__(features_module.ModerationFeatures)
    features.__dict__.update({k: v for k, v in model.features.__dict__.items() if k != "_fast"})

    def score(text: str) -> dict[str, float]:  # ModerationModel.score as the classifier had it
        probs = _sigmoid(np.asarray(features.transform_fast([text]) @ model.coef) + model.intercept)
        return [{label: round(float(p), 4) for label, p in zip(LABELS, row)} for row in probs][0]

    return {"score": score, "render": rendering_module.render_markdown}


def _against(args, model, sets, steps) -> int:
    from forum.text import normalize

    other = _other_steps(Path(args.against).resolve(), model)
    clock = time.thread_time_ns
    results: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for round_no in range(args.rounds):
        for set_name, posts in sets.items():
            for step_name in steps:
                spent = {"this": [], "other": []}
                for n, post in enumerate(posts):
                    order = (("this", steps[step_name]), ("other", other[step_name]))
                    outputs = {}
                    for who, step in order if (n + round_no) % 2 else order[::-1]:
                        normalize.cache_clear()  # each pays for normalising the post, as a reply does
                        started = clock()
                        outputs[who] = step(post)
                        spent[who].append((clock() - started) / 1000)
                    if outputs["this"] != outputs["other"]:
                        raise SystemExit(f"{step_name} differs for {post!r}: {outputs}")
                for who, values in spent.items():
                    results.setdefault((set_name, step_name, who), []).append(
                        (statistics.median(values), statistics.fmean(values)))
    print(f"this {ROOT} against {args.against}, in one process, {args.rounds} rounds; CPU per call in us, "
          "median over rounds of the round's median / mean; outputs identical")
    for (set_name, step_name, who), rounds in results.items():
        median = statistics.median(r[0] for r in rounds)
        mean = statistics.median(r[1] for r in rounds)
        print(f"  {set_name:6s} ({len(sets[set_name]):5d} posts) {step_name:6s} {who:5s} median {median:8.1f}  mean {mean:8.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bench-posts", type=int, default=500)
    parser.add_argument("--against", help="another tree, timed in this process post by post (see above)")
    args = parser.parse_args()

    from forum.rendering import render_markdown
    from forum.text import normalize
    from moderation.classifier import load

    model = load()
    sets = {"corpus": _corpus_posts(), "bench": _bench_posts(args.bench_posts)}
    steps = {"score": model.score, "render": render_markdown}
    for posts in sets.values():  # warm: dictionaries, tables, regex caches
        for step in steps.values():
            step(posts[0])
    if args.against:
        return _against(args, model, sets, steps)
    clock = time.thread_time_ns
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for set_name, posts in sets.items():
            for step_name, step in steps.items():
                spent = []
                for post in posts:
                    normalize.cache_clear()  # as a reply: its text not normalised before
                    started = clock()
                    step(post)
                    spent.append((clock() - started) / 1000)
                results.setdefault((set_name, step_name), []).append((statistics.median(spent),
                                                                      statistics.fmean(spent)))
    print(f"{ROOT}: {args.rounds} rounds; CPU per call in us, median over rounds of the round's median / mean")
    for (set_name, step_name), rounds in results.items():
        median = statistics.median(r[0] for r in rounds)
        mean = statistics.median(r[1] for r in rounds)
        print(f"  {set_name:6s} ({len(sets[set_name]):5d} posts) {step_name:6s} median {median:8.1f}  mean {mean:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
