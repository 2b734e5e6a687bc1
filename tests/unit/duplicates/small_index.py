"""A duplicate index over a handful of hand-written threads, and scores read from it."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates import index as index_module
from forum.duplicates.verifier import FEATURES

Thread = tuple[str, str, str, str]  # id, category, title, body


def build_index(threads: list[Thread]) -> DuplicateIndex:
    idx = DuplicateIndex()
    idx.build([{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in threads], progress=False)
    return idx


def score(index: DuplicateIndex, thread_id: str, title: str, body: str = "") -> float:
    return next(m.score for m in index.query(title, body, k=5, min_score=0.0) if m.id == thread_id)


def factor_ratio(index: DuplicateIndex, monkeypatch: pytest.MonkeyPatch, factor: str, thread_id: str, title: str,
                 body: str = "") -> float:
    """The score with one of the index's factors (e.g. "CONFLICT_FACTOR") over the score without it."""
    with_factor = score(index, thread_id, title, body)
    monkeypatch.setattr(index_module, factor, 1.0)
    without = score(index, thread_id, title, body)
    monkeypatch.undo()
    return with_factor / without


def pair_features(thread: tuple[str, str], title: str, body: str = "", category: str = "repair") -> dict[str, float]:
    """The verifier's features of the query against an index of the one thread (title, body)."""
    index = DuplicateIndex(verifier=None)
    index.build([{"id": "t", "category": category, "title": thread[0], "body": thread[1]}], progress=False)
    out: list = []
    assert index.query(title, body, k=1, min_score=0.0, features=out)
    return dict(zip(FEATURES, out[0].tolist()))
