"""Seventeenth pass (h-dups18): a title-only question (a body that adds no word or concept) is
marked as such, and the pair verifier reads its coverage of the thread's title and of the thread
on their own."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.features import Analyzer
from forum.duplicates.verifier import FEATURES


def test_title_only_means_the_body_adds_nothing():
    analyzer = Analyzer()
    assert analyzer.analyze("Revo horn not working", "").title_only
    assert analyzer.analyze("Revo horn not working", "ครับ ??").title_only
    assert not analyzer.analyze("Revo horn not working", "since the rain yesterday").title_only
    assert not analyzer.analyze("", "Revo horn not working").title_only


def features(index: DuplicateIndex, title: str, body: str = "") -> dict[str, float]:
    out: list = []
    assert index.query(title, body, features=out)
    return dict(zip(FEATURES, out[0].tolist()))


def test_the_title_only_features_are_zero_for_a_full_post(index):
    f = features(index, "Revo horn not working", "pressed it this morning and nothing happens")
    assert f["title_only"] == 0.0
    assert f["title_only_thread_title_coverage"] == 0.0 and f["title_only_thread_coverage"] == 0.0


def test_a_title_only_query_carries_its_coverages(index):
    f = features(index, "Hilux Revo horn not working")
    assert f["title_only"] == 1.0
    assert f["title_only_thread_title_coverage"] == pytest.approx(f["thread_title_coverage"])
    assert f["title_only_thread_coverage"] == pytest.approx(f["thread_coverage"])
    assert f["title_only_thread_title_coverage"] > 0.5
