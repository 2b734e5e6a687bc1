"""DuplicateIndex.to_state / from_state: what a snapshot saves rebuilds the same index (no DB)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.cli import _dev_file, read_jsonl
from forum.duplicates.index import STATE_FORMAT


@pytest.fixture(scope="module")
def dev():
    threads = read_jsonl(_dev_file("threads.jsonl"))
    queries = read_jsonl(_dev_file("queries.jsonl"), required=("id", "title", "duplicate_of"))
    return threads, queries


@pytest.fixture(scope="module")
def index(dev) -> DuplicateIndex:
    """Bulk segments, rows added one by one (some frozen, some still in the tail), two removed."""
    threads, _ = dev
    idx = DuplicateIndex(tail_size=64)
    idx.build(threads[:150], progress=False)
    for t in threads[150:]:
        idx.add(t["id"], t["category"], t["title"], t["body"], author_id=7)
    idx.remove(threads[3]["id"])
    idx.remove(threads[200]["id"])
    assert idx._tail and len(idx._segments) >= 2  # the layout this test is about
    return idx


def round_trip(index: DuplicateIndex) -> DuplicateIndex:
    return DuplicateIndex.from_state(pickle.loads(pickle.dumps(index.to_state())), index.analyzer)


def test_a_restored_index_answers_every_query_exactly_as_the_original(index, dev):
    _, queries = dev
    restored = round_trip(index)
    assert len(restored) == len(index) and sorted(restored.ids()) == sorted(index.ids())
    # The analyzer is not part of the state: the restored index is given the original's (round_trip),
    # so `query`'s first step (analysing the title and body) is the same call on both. Each query is
    # analysed once and the one analysis (read, never written, by the query) is asked of both
    # indexes: the state's part of `query`, what this test is about, still runs on each (h-suite43).
    assert restored.analyzer is index.analyzer
    for q in queries:
        analysis = index.analyzer.analyze(q["title"], q.get("body") or "")
        assert (restored.query_analysis(analysis, k=10, min_score=0)
                == index.query_analysis(analysis, k=10, min_score=0)), q["id"]
    q = queries[0]  # and `query` itself, title and body in, on both
    args = (q["title"], q.get("body") or "")
    assert restored.query(*args, k=10, min_score=0) == index.query(*args, k=10, min_score=0)
    assert restored.author_of(dev[0][160]["id"]) == 7
    assert restored.category_of(dev[0][0]["id"]) == dev[0][0]["category"]


def test_a_restored_index_keeps_growing_like_the_original(index, dev):
    threads, _ = dev
    original = round_trip(index)  # two copies, so the module fixture stays as it is
    restored = round_trip(index)
    for idx in (original, restored):
        for n in range(80):  # past the tail size: freezes and merges
            idx.add(f"new{n}", "electrical", f"Yaris battery dead morning {n}", f"jump start {n} times")
        idx.remove(threads[10]["id"])
        idx.optimize()
    assert restored.query("Yaris battery dead", k=10, min_score=0) == original.query("Yaris battery dead", k=10,
                                                                                     min_score=0)
    assert restored.memory_bytes() == original.memory_bytes()


def test_a_state_of_another_format_or_with_arrays_that_do_not_fit_is_refused(index):
    state = index.to_state()
    with pytest.raises(ValueError, match="format"):
        DuplicateIndex.from_state({**state, "format": STATE_FORMAT + 1})
    with pytest.raises(ValueError):
        DuplicateIndex.from_state({**state, "alive": np.ones(3, dtype=bool)})
    with pytest.raises(ValueError):
        DuplicateIndex.from_state({**state, "ids": state["ids"][:-1]})
