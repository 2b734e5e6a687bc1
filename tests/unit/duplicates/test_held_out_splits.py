"""(eleventh pass) Blind splits named in ``verifier.HELD_OUT_SPLITS`` are never read by the
verifier's trainer (``benchmarks/duplicates_verifier.py``) or the threshold rule: a split being
written blind must not leak into the model or its cut before it is scored once."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from forum.duplicates import verifier
from forum.duplicates.verifier import HELD_OUT_SPLITS, training_queries

from .test_verifier import THREADS as VERIFIER_THREADS

ROOT = Path(__file__).resolve().parents[3]

# the same three small threads as the verifier's own tests
THREADS = VERIFIER_THREADS


def _trainer():
    spec = importlib.util.spec_from_file_location("duplicates_verifier_bench", ROOT / "benchmarks" / "duplicates_verifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _query(qid: str, split: str | None, thread: dict, dup: bool = True) -> dict:
    row = {"id": qid, "category": thread["category"], "title": thread["title"], "body": thread["body"],
           "duplicate_of": thread["id"] if dup else None}
    if split is not None:
        row["split"] = split
    return row


def test_there_is_a_held_out_split_and_it_is_not_an_ordinary_name():
    assert HELD_OUT_SPLITS and all(isinstance(s, str) and s for s in HELD_OUT_SPLITS)
    assert "tune" not in HELD_OUT_SPLITS


def test_training_queries_drop_every_held_out_split_and_keep_the_rest():
    queries = [_query(f"h{i}", s, THREADS[0]) for i, s in enumerate(HELD_OUT_SPLITS)]
    queries += [_query("a", "fresh3", THREADS[1]), _query("b", None, THREADS[2])]
    kept = training_queries(queries)
    assert [q["id"] for q in kept] == ["a", "b"]


def test_the_constant_is_read_at_call_time(monkeypatch):
    monkeypatch.setattr(verifier, "HELD_OUT_SPLITS", ("fresh3",))
    kept = training_queries([_query("a", "fresh3", THREADS[1]), _query("b", "fresh12", THREADS[2])])
    assert [q["id"] for q in kept] == ["b"]


def test_the_trainer_never_reads_a_held_out_query():
    trainer = _trainer()
    held = HELD_OUT_SPLITS[0]
    # the held-out queries copy their threads word for word: if they were read, they would be
    # rows with a best match (and hard-negative candidates) of their split
    queries = [_query("h1", held, THREADS[0]), _query("h2", held, THREADS[1]),
               _query("t1", "tune", THREADS[2]), _query("t2", "fresh", THREADS[1]),
               _query("n1", "fresh", THREADS[0], dup=False)]
    d = trainer.load(queries=queries, threads=THREADS, hard_threads=300)
    assert held not in set(d["split"].tolist()) | set(d["all_split"].tolist()) | set(d["hsplit"].tolist())
    assert sorted(d["ids"].tolist()) == ["n1", "t1", "t2"]
    assert len(d["all_split"]) == 3


def test_the_shipped_verifier_was_not_trained_on_a_held_out_split():
    header = (ROOT / "forum" / "duplicates" / "data" / verifier.VERIFIER_FILE).read_text(encoding="utf-8")
    found = re.search(r"\(splits ([^;)]*)", header)
    assert found, "the verifier file names the splits it was trained on"
    trained = {s.strip() for s in found.group(1).split(",")}
    assert "tune" in trained
    assert not trained & set(HELD_OUT_SPLITS)


@pytest.mark.parametrize("held", HELD_OUT_SPLITS)
def test_the_threshold_rule_script_reads_training_queries_only(held, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("duplicates_threshold_rule_bench",
                                                  ROOT / "benchmarks" / "duplicates_threshold_rule.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = [_query("h1", held, THREADS[0]), _query("t1", "fresh", THREADS[1]), _query("t2", "fresh2", THREADS[2])]
    monkeypatch.setattr(module, "read_jsonl", lambda path, **_kw: THREADS if path.name == "threads.jsonl" else rows)
    monkeypatch.setattr("sys.argv", ["duplicates_threshold_rule.py"])
    module.main()
    out = capsys.readouterr().out
    assert held not in out
    assert "fresh2" in out
