"""Phase one's candidates (branch h-newthread): `_best_rows` picks exactly the rows that partitioning
every scored row picks (`_best_rows_by_partition`, the code before it), ties at the cut included,
and a whole query on a board large enough for the shortcut gives the same matches and verifier
features either way."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates import index as index_module
from forum.duplicates.features import Analyzer
from forum.duplicates.index import BLOCK_ROWS, CANDIDATES, DuplicateIndex, _best_rows, _best_rows_by_partition


def _scores(rng: np.random.Generator, total: int, touched: float, levels: int | None) -> np.ndarray:
    scores = np.zeros(total, dtype=np.float32)
    rows = rng.random(total) < touched
    if levels is None:
        values = rng.random(int(rows.sum())).astype(np.float32)
    else:  # few distinct values: ties everywhere, at the cut too
        values = (rng.integers(1, levels + 1, int(rows.sum())) / levels).astype(np.float32)
    scores[rows] = values
    return scores


@pytest.mark.parametrize("total", [0, 50, 150, BLOCK_ROWS * CANDIDATES - 1, BLOCK_ROWS * CANDIDATES,
                                   20_000, 100_003])
@pytest.mark.parametrize("touched", [0.0, 0.0005, 0.01, 0.3, 0.9, 1.0])
@pytest.mark.parametrize("levels", [None, 3, 50, 5000])
def test_the_same_rows_as_the_partition(total: int, touched: float, levels: int | None) -> None:
    rng = np.random.default_rng(total * 7 + int(touched * 1000) + (levels or 0))
    for _ in range(5):
        scores = _scores(rng, total, touched, levels)
        got, want = _best_rows(scores, CANDIDATES), _best_rows_by_partition(scores, CANDIDATES)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_the_shortcut_and_the_fallback_are_both_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Distinct scores take the shortcut (no partition of every row); a tie at the cut falls back."""
    calls = []
    real = index_module._best_rows_by_partition
    monkeypatch.setattr(index_module, "_best_rows_by_partition", lambda s, n: calls.append(1) or real(s, n))
    rng = np.random.default_rng(1)
    distinct = _scores(rng, 100_000, 0.9, None)
    index_module._best_rows(distinct, CANDIDATES)
    assert calls == []
    tied = distinct.copy()
    order = np.argsort(-tied)
    tied[order[CANDIDATES - 3 : CANDIDATES + 5]] = tied[order[CANDIDATES - 3]]  # a tie across the cut
    assert np.array_equal(index_module._best_rows(tied, CANDIDATES), real(tied, CANDIDATES))
    assert calls == [1]
    # a tie just above the cut is no tie at the cut: the shortcut still answers, and rightly
    above = distinct.copy()
    above[order[CANDIDATES - 5 : CANDIDATES]] = above[order[CANDIDATES - 5]]
    assert np.array_equal(index_module._best_rows(above, CANDIDATES), real(above, CANDIDATES))
    assert calls == [1]


WORDS = ("engine oil battery tyre brake gearbox aircon noise leak service ยาง เบรก แอร์ เกียร์ "
         "น้ำมันเครื่อง แบตเตอรี่ ช่วงล่าง เสียงดัง ศูนย์บริการ ครับ Vios Yaris Jazz Revo ร้อน สั่น").split()


def test_whole_queries_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A board of 8,000 threads (enough blocks for the shortcut), some texts repeated so that ties
    at the cut happen too: every query's matches and verifier features are those of the partition."""
    rng = np.random.default_rng(16)

    def text(n: int) -> str:
        return " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), n))

    pool = [(text(6), text(30)) for _ in range(1500)]
    rows = []
    for i in range(8000):
        title, body = pool[int(rng.integers(0, len(pool)))] if i % 3 == 0 else (text(6), text(30))
        rows.append((i, f"c{i % 4}", title, body, i % 97))
    idx = DuplicateIndex(Analyzer())
    idx.build(rows, progress=False)
    queries = [(text(5), text(40)) for _ in range(40)] + [pool[i] for i in range(0, 400, 20)]
    taken = {"shortcut": 0, "fallback": 0}
    real = index_module._best_rows_by_partition

    def counted(scores, n):
        taken["fallback"] += 1
        return real(scores, n)

    for title, body in queries:
        for k, min_score in ((15, 0.2), (5, 0.0)):
            monkeypatch.setattr(index_module, "_best_rows_by_partition", counted)
            before = taken["fallback"]
            features_new: list = []
            new = idx.query(title, body, k=k, min_score=min_score, features=features_new)
            taken["shortcut"] += taken["fallback"] == before
            monkeypatch.setattr(index_module, "_best_rows", real)
            features_old: list = []
            old = idx.query(title, body, k=k, min_score=min_score, features=features_old)
            monkeypatch.undo()
            assert repr(new) == repr(old)
            assert repr(features_new) == repr(features_old)
    assert taken["shortcut"] > 0 and taken["fallback"] > 0
