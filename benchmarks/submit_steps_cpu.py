"""Where a submit's CPU goes, step by step: `submit_profile.py`'s run (the whole app in one process,
the same flags) with a CPU-time accumulator (`time.process_time`) wrapped around each step a new
thread or a reply takes: the duplicate hook and, inside it, the index's catch-up (and its norm
refresh on a small board), the settings read, the rows of the matches, the text analysis and the
index query; the moderation hook; the search terms; Markdown; the Thai segmenter (newmm) and the
garbage collector. Printed per kind of submit: the mean and median milliseconds of each step over
the posted submits (steps nest: the hook's figure includes its parts).

    python benchmarks/submit_steps_cpu.py --data-dir /tmp/x --scratch /tmp/y --replies 330 --rounds 2 --members 40

(No profiler: the figures are the real per-step CPU, unlike cProfile's, which inflates Python-heavy
steps several times over.)"""

from __future__ import annotations

import asyncio
import collections
import functools
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import submit_profile  # noqa: E402

steps: dict[str, float] = {}
samples: dict[tuple[str, str], list[float]] = collections.defaultdict(list)


def timed(owner, name: str, label: str, into: dict[str, float] | None = None, clock=time.process_time) -> None:
    """Wraps owner.name (a function or coroutine function) to add its CPU time, read from `clock`,
    to `label` in `into` (this script's `steps` by default)."""
    original = getattr(owner, name)
    spent = steps if into is None else into

    def add(started: float) -> None:
        spent[label] = spent.get(label, 0.0) + clock() - started

    if asyncio.iscoroutinefunction(original):
        @functools.wraps(original)
        async def wrapper(*args, **kwargs):
            started = clock()
            try:
                return await original(*args, **kwargs)
            finally:
                add(started)
    else:
        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                add(started)
    setattr(owner, name, wrapper)


def instrument() -> None:
    import httpx
    import pythainlp.tokenize

    import moderation.hook as moderation_hook
    from forum.duplicates import features, hook, index, service, stored
    from forum.services import posting

    timed(posting.PostingService, "create_thread", "create_thread")
    timed(posting.PostingService, "create_reply", "create_reply")
    timed(hook.DuplicateHook, "before_save", "duplicates: hook before save")
    timed(hook.DuplicateHook, "after_save", "duplicates: hook after save (stored analysis)")
    timed(service.LiveIndex, "sync", "duplicates: catch-up (sync)")
    timed(service.LiveIndex, "_refresh_norms", "duplicates: catch-up's norm refresh (boards <= 10,000)")
    timed(service.LiveIndex, "_apply", "duplicates: catch-up's changed rows")
    timed(service, "load_settings", "duplicates: settings read")
    if hasattr(service, "hidden_category_ids"):  # main before h-sqlpaced
        timed(service, "hidden_category_ids", "duplicates: gated categories read")
    timed(service.DuplicateService, "_rows", "duplicates: matches' rows read")
    timed(features.Analyzer, "analyze", "duplicates: text analysis (not remembered)")
    timed(index.DuplicateIndex, "_query", "duplicates: index query")
    timed(index.DuplicateIndex, "_current_tail_segment", "duplicates: tail segment")
    timed(stored, "encode", "duplicates: stored analysis encode")
    timed(moderation_hook.ModerationHook, "before_save", "moderation: hook (classifier)")
    timed(posting, "search_terms", "search terms")
    timed(posting, "render_markdown", "Markdown")
    timed(pythainlp.tokenize, "word_tokenize", "Thai segmentation (newmm, not remembered)")

    gc_started = [0.0]

    def collector(phase, _info):
        if phase == "start":
            gc_started[0] = time.process_time()
        else:
            steps["garbage collector"] = steps.get("garbage collector", 0.0) + time.process_time() - gc_started[0]

    gc.callbacks.append(collector)
    post = httpx.AsyncClient.post

    async def counted(self, *args, **kwargs):
        steps.clear()
        started = time.process_time()
        answer = await post(self, *args, **kwargs)
        total = time.process_time() - started
        kind = "thread" if "create_thread" in steps else "reply" if "create_reply" in steps else None
        if kind and answer.status_code == 303:
            samples[kind, "whole submit"].append(total)
            for label, spent in steps.items():
                samples[kind, label].append(spent)
        return answer

    httpx.AsyncClient.post = counted


def report() -> None:
    for kind in ("thread", "reply"):
        count = len(samples[kind, "whole submit"])
        if not count:
            continue
        print(f"{kind} (n={count}): CPU ms per submit, mean / median (steps not run by a submit count as 0)")
        rows = [(label, values) for (k, label), values in samples.items() if k == kind]
        for label, values in sorted(rows, key=lambda item: -sum(item[1])):
            padded = values + [0.0] * (count - len(values))
            print(f"  {label:58s} {1000 * sum(padded) / count:7.2f} {1000 * statistics.median(padded):7.2f}")


if __name__ == "__main__":
    instrument()
    code = asyncio.run(submit_profile.main())
    report()
    sys.exit(code)
