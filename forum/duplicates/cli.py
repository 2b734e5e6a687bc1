"""Batch interface: ``webboard duplicates check``, ``evaluate``, ``rebuild`` and ``weights``.

Also runnable without the console script: ``python -m forum.duplicates.cli check ...``.
``check`` and ``evaluate`` need no database: threads come from a JSONL file and are indexed with
the same ``DuplicateIndex`` the board uses. ``rebuild`` builds the board's index from the
database and writes the snapshot that server processes load at start.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import click

from .index import DUPLICATE_THRESHOLD, SUGGESTION_MIN_SCORE, DuplicateIndex

REQUIRED = ("id", "category", "title", "body")


def read_jsonl(path: str | Path, required: tuple[str, ...] = REQUIRED) -> list[dict]:
    """Rows of a JSONL file; a clear ClickException names the file and line of bad input."""
    rows = []
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from None
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise click.ClickException(f"{path}:{lineno}: expected a JSON object")
            missing = [key for key in required if key not in row]
            if missing:
                raise click.ClickException(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
            for key in ("title", "body", "category"):
                if key in row and row[key] is not None and not isinstance(row[key], str):
                    raise click.ClickException(f"{path}:{lineno}: field {key!r} must be a string")
            rows.append(row)
    return rows


def _dev_file(name: str) -> Path:
    return Path(str(resources.files("forum.duplicates").joinpath("data", name)))


def build_index(threads: list[dict], progress: bool) -> DuplicateIndex:
    index = DuplicateIndex()
    index.build(threads, progress=progress)
    return index


@click.group(name="duplicates")
def duplicates() -> None:
    """Duplicate-thread detection (Thai, English, mixed)."""


@duplicates.command()
@click.option("--threads", "threads_path", required=True, type=click.Path(dir_okay=False),
              help='JSONL of threads: {"id","category","title","body"}.')
@click.option("--queries", "queries_path", required=True, type=click.Path(dir_okay=False),
              help="JSONL of new posts, same fields.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Near-certain-duplicate threshold (default {DUPLICATE_THRESHOLD}).")
@click.option("-k", "--top", "k", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Matches per query.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=SUGGESTION_MIN_SCORE, show_default=True,
              help="Leave out matches scoring below this.")
def check(threads_path: str, queries_path: str, threshold: float | None, k: int, min_score: float) -> None:
    """Index THREADS, then print one JSON line per query:
    {"id", "matches": [{"id", "score"}...], "duplicate_of"}."""
    threads = read_jsonl(threads_path)
    queries = read_jsonl(queries_path)
    index = build_index(threads, progress=sys.stderr.isatty())
    limit = DUPLICATE_THRESHOLD if threshold is None else threshold
    for query in queries:
        matches = index.query(query.get("title") or "", query.get("body") or "", k=k, min_score=min_score)
        best = index.duplicate_of(matches, limit)
        record = {
            "id": query["id"],
            "matches": [{"id": m.id, "score": m.score} for m in matches],
            "duplicate_of": best.id if best else None,
        }
        click.echo(json.dumps(record, ensure_ascii=False))


def evaluate_rows(index: DuplicateIndex, queries: list[dict], threshold: float) -> dict:
    """recall@1 / recall@5 on paraphrase queries (duplicate_of set), false-alarm rate on new-topic
    queries (duplicate_of null), plus the misses for inspection and, per kind of query (its "how",
    else its "kind"), how many were right: a duplicate flagged, a new topic left alone."""
    hits1 = hits5 = n_para = n_new = alarms = flagged_para = 0
    misses, false_alarms = [], []
    by_kind: dict[str, list[int]] = {}
    for query in queries:
        matches = index.query(query.get("title") or "", query.get("body") or "", k=5)
        best = index.duplicate_of(matches, threshold)
        target = query.get("duplicate_of")
        if target is None:
            n_new += 1
            right = best is None
            if not right:
                alarms += 1
                false_alarms.append((query, matches))
        else:
            n_para += 1
            ids = [m.id for m in matches]
            hits1 += bool(ids[:1] == [target])
            hits5 += target in ids
            right = best is not None and best.id == target
            flagged_para += right
            if ids[:1] != [target]:
                misses.append((query, matches))
        tally = by_kind.setdefault(query.get("how") or query.get("kind") or "?", [0, 0])
        tally[0] += right
        tally[1] += 1
    return {
        "paraphrases": n_para,
        "recall@1": hits1 / n_para if n_para else float("nan"),
        "recall@5": hits5 / n_para if n_para else float("nan"),
        "flagged@threshold": flagged_para / n_para if n_para else float("nan"),
        "new_topics": n_new,
        "false_alarm_rate": alarms / n_new if n_new else float("nan"),
        "misses": misses,
        "false_alarms": false_alarms,
        "by_kind": by_kind,
    }


class _QueriedOnce:
    """An index whose `query` keeps each answer, for scoring a fixed query set split several ways."""

    def __init__(self, index: DuplicateIndex) -> None:
        self.index = index
        self._answers: dict[tuple[str, str, int], list] = {}

    def query(self, title: str, body: str = "", k: int = 5) -> list:
        key = (title, body, k)
        if key not in self._answers:
            self._answers[key] = self.index.query(title, body, k=k)
        return self._answers[key]

    def duplicate_of(self, matches: list, threshold: float | None = None):
        return self.index.duplicate_of(matches, threshold)


@duplicates.command()
@click.option("--threads", "threads_path", type=click.Path(dir_okay=False), default=None,
              help="Threads JSONL (default: the shipped dev set).")
@click.option("--queries", "queries_path", type=click.Path(dir_okay=False), default=None,
              help='Labelled queries JSONL: fields of a thread plus "duplicate_of" (thread id or '
                   'null for a new topic) and optionally "split" (default: the shipped dev set).')
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Near-certain-duplicate threshold (default {DUPLICATE_THRESHOLD}).")
@click.option("--split", default="all", show_default=True,
              help="Which part of the query set to score (tune, holdout, fresh, ...); 'all' also "
                   "prints each split.")
@click.option("--show-errors", is_flag=True, help="Print the misses and false alarms.")
def evaluate(threads_path, queries_path, threshold, split, show_errors) -> None:
    """Print recall@1, recall@5 (paraphrases) and the false-alarm rate (new topics)."""
    threads = read_jsonl(threads_path or _dev_file("threads.jsonl"))
    queries = read_jsonl(queries_path or _dev_file("queries.jsonl"), required=("id", "title", "duplicate_of"))
    known = {t["id"] for t in threads}
    for q in queries:
        if q["duplicate_of"] is not None and q["duplicate_of"] not in known:
            raise click.ClickException(f"query {q['id']}: duplicate_of {q['duplicate_of']!r} is not a thread")
    # "all" holds every query and each split holds its own again: each query runs once (the index
    # does not change while it is scored, so a second run would give the same matches).
    index = _QueriedOnce(build_index(threads, progress=False))
    limit = DUPLICATE_THRESHOLD if threshold is None else threshold
    parts = {"all": queries}
    for q in queries:
        parts.setdefault(q.get("split", "tune"), []).append(q)
    names = [split] if split != "all" else list(parts)
    click.echo(f"threads: {len(threads)}  threshold: {limit}")
    for name in names:
        if name not in parts:
            raise click.ClickException(f"no queries in split {name!r}")
        r = evaluate_rows(index, parts[name], limit)
        click.echo(
            f"[{name}] paraphrases={r['paraphrases']} recall@1={r['recall@1']:.3f} "
            f"recall@5={r['recall@5']:.3f} flagged_at_threshold={r['flagged@threshold']:.3f} | "
            f"new_topics={r['new_topics']} false_alarm_rate={r['false_alarm_rate']:.3f}"
        )
        if show_errors and name == names[-1]:
            titles = {t["id"]: t["title"] for t in threads}
            for q, ms in r["misses"]:
                got = ", ".join(f"{m.id}:{m.score:.2f}" for m in ms[:3])
                click.echo(f"  MISS {q['id']} want {q['duplicate_of']} ({titles[q['duplicate_of']]}) "
                           f"<- {q['title']!r} got {got}")
            for q, ms in r["false_alarms"]:
                click.echo(f"  FALSE ALARM {q['id']} {q['title']!r} -> {ms[0].id} ({titles[ms[0].id]}) "
                           f"{ms[0].score:.2f}")


@duplicates.command()
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the table (default: the shipped data/reference_weights.txt).")
def weights(output: str | None) -> None:
    """Rebuild the fixed reference weights of the duplicate score from the reference corpus (the
    dev threads, the tune/holdout queries, the clean posts of the moderation corpus). Run it after
    changing the vocabulary; the index snapshot is rebuilt when the table changes."""
    from .weights import WEIGHTS_FILE, build_weights, reference_texts

    table = build_weights(reference_texts())
    path = Path(output) if output else _dev_file(WEIGHTS_FILE)
    path.write_text(table.dump(), encoding="utf-8")
    click.echo(f"{len(table.df)} terms from {table.docs} reference documents -> {path}")


def get_settings():  # the board's settings (a function so tests can point the command elsewhere)
    from ..settings import get_settings as board_settings

    return board_settings()


@duplicates.command()
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
def rebuild(progress: bool) -> None:
    """Build the board's duplicate index from the database and write its snapshot to the data
    dir, so that server processes load it at start instead of analysing every thread. Waits
    while a server process is building one."""
    import asyncio
    import time

    from tqdm import tqdm

    from .hook import rebuild_snapshot

    settings = get_settings()
    bars: list[tqdm] = []

    def total(n: int) -> None:  # told the number of threads before the first batch
        bars.append(tqdm(total=n, disable=not progress, desc="indexing threads", unit="thread", file=sys.stderr))

    started = time.perf_counter()
    try:
        live = asyncio.run(rebuild_snapshot(settings, progress=lambda n: bars[0].update(n), total=total))
    except Exception as error:
        raise click.ClickException(f"could not build the duplicate index: {error}") from None
    finally:
        for bar in bars:
            bar.close()
    snapshot = live.snapshot
    if snapshot is None:
        raise click.ClickException("the index was built but its snapshot could not be written (see the log)")
    click.echo(f"Indexed {len(live.index)} threads in {time.perf_counter() - started:.1f} s; "
               f"snapshot {snapshot['path']} ({snapshot['bytes'] / 1e6:.1f} MB).")


if __name__ == "__main__":
    duplicates()
