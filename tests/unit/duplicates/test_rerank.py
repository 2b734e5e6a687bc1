"""(issue 17, thirteenth pass) The best RERANK matches are put in the order of the pair verifier;
the scores stay, a near-certain match stays first, and an index without a verifier (the
verifier's own training rows) keeps the order of the ranking score."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates import index as index_module
from forum.duplicates.index import SURE_SCORE
from forum.duplicates.verifier import FEATURES, Verifier

THREADS = [
    {"id": "a", "category": "maintenance", "title": "Yaris oil change interval",
     "body": "How often should I change the engine oil on a Yaris in city driving?"},
    {"id": "b", "category": "maintenance", "title": "Yaris oil change cost",
     "body": "How much does an engine oil change cost at the dealer for a Yaris?"},
    {"id": "c", "category": "maintenance", "title": "Yaris oil leak",
     "body": "Engine oil drips under my Yaris after parking overnight."},
]
QUERY = ("Yaris oil", "my wife asks about the oil, she drives to Korat every weekend")


def _contrary() -> Verifier:
    """A verifier that prefers the lower ranking score (logit = -final)."""
    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("final")] = -1.0
    return Verifier(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), coef, 0.0, cut=0.0)


def _board(verifier) -> DuplicateIndex:
    index = DuplicateIndex(verifier=verifier)
    index.build(THREADS, progress=False)
    return index


def test_without_rerank_the_score_orders_the_matches(monkeypatch):
    monkeypatch.setattr(index_module, "RERANK", 0)
    matches = _board(_contrary()).query(*QUERY, k=3, min_score=0.0)
    scores = [m.score for m in matches]
    assert len(matches) == 3 and scores == sorted(scores, reverse=True)


def test_the_verifier_orders_the_best_matches_and_the_scores_stay(monkeypatch):
    monkeypatch.setattr(index_module, "RERANK", 0)
    plain = _board(_contrary()).query(*QUERY, k=3, min_score=0.0)
    assert max(m.score for m in plain) < SURE_SCORE
    monkeypatch.setattr(index_module, "RERANK", 20)
    monkeypatch.setattr(index_module, "RERANK_MARGIN", 0.0)
    feats: list = []
    index = _board(_contrary())
    reranked = index.query(*QUERY, k=3, min_score=0.0, features=feats)
    assert {m.id: m.score for m in reranked} == {m.id: m.score for m in plain}
    assert [m.score for m in reranked] == sorted(m.score for m in plain)  # lowest score first now
    # the verdict and the features are those of the new best match
    assert reranked[0].verdict is not None and all(m.verdict is None for m in reranked[1:])
    assert feats[0][FEATURES.index("final")] == pytest.approx(reranked[0].score, abs=1e-4)


def test_k_is_kept_and_a_near_certain_match_stays_first(monkeypatch):
    monkeypatch.setattr(index_module, "RERANK", 20)
    index = _board(_contrary())
    assert len(index.query(*QUERY, k=1, min_score=0.0)) == 1
    twin = index.query(THREADS[1]["title"], THREADS[1]["body"], k=3, min_score=0.0)
    assert twin[0].id == "b" and twin[0].score >= SURE_SCORE


def test_an_index_without_a_verifier_keeps_the_score_order(monkeypatch):
    monkeypatch.setattr(index_module, "RERANK", 20)
    feats: list = []
    matches = _board(None).query(*QUERY, k=3, min_score=0.0, features=feats)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert feats[0][FEATURES.index("final")] == pytest.approx(matches[0].score, abs=1e-4)


def test_a_match_far_under_the_best_is_not_lifted(monkeypatch):
    monkeypatch.setattr(index_module, "RERANK", 20)
    monkeypatch.setattr(index_module, "RERANK_MARGIN", 0.0)
    everything = [m.score for m in _board(_contrary()).query(*QUERY, k=3, min_score=0.0)]
    assert everything == sorted(everything)  # all three reordered: the weakest first
    monkeypatch.setattr(index_module, "RERANK_MARGIN", 0.9)
    matches = _board(_contrary()).query(*QUERY, k=3, min_score=0.0)
    best = max(m.score for m in matches)
    close = [m.score for m in matches if m.score >= 0.9 * best]
    assert len(close) == 2 and [m.score for m in matches[:2]] == sorted(close)  # rivals reordered
    assert matches[2].score < 0.9 * best  # the weak one stays last
