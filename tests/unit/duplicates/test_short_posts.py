"""Twentieth pass (h-dups21): a short post (a title and a few body words) is measured smoothly by
`shortness`, and the pair verifier reads what such a post shares with the thread's title on its own
terms."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.features import Analyzer, shortness
from forum.duplicates.verifier import FEATURES


def features(index: DuplicateIndex, title: str, body: str = "") -> dict[str, float]:
    out: list = []
    assert index.query(title, body, features=out)
    return dict(zip(FEATURES, out[0].tolist()))


def test_body_terms_count_the_body_only():
    analyzer = Analyzer()
    assert analyzer.analyze("Revo horn not working", "").body_terms == 0
    assert analyzer.analyze("Revo horn not working", "ครับ ??").body_terms == 0
    assert analyzer.analyze("Revo horn not working", "since the rain yesterday").body_terms >= 2
    long = analyzer.analyze("Revo horn not working", "pressed it this morning in the carpark and nothing "
                            "happens, the fuse looked fine and the steering wheel button feels normal")
    assert long.body_terms > 8


def test_shortness_falls_smoothly_with_the_body():
    assert shortness(0) == 1.0
    values = [shortness(n) for n in range(12)]
    assert all(a > b for a, b in zip(values, values[1:]))
    assert 0.3 < shortness(3) < 0.7
    assert shortness(20) < 0.01


def test_a_title_only_post_is_fully_short(index):
    f = features(index, "Hilux Revo horn not working")
    assert f["short"] == 1.0
    assert f["short_thread_title_coverage"] == pytest.approx(f["thread_title_coverage"])
    assert f["short_title_coverage"] == pytest.approx(f["title_coverage"])
    assert f["short_title_sketch_overlap"] == pytest.approx(f["title_sketch_overlap"])
    assert f["short_final"] == pytest.approx(f["final"])


def test_a_few_body_words_keep_part_of_the_short_features(index):
    few = features(index, "Hilux Revo horn not working", "since yesterday")
    full = features(index, "Hilux Revo horn not working",
                    "pressed it this morning in the carpark and nothing happens, the fuse looked fine and "
                    "the steering wheel button feels normal, the dealer is closed until monday")
    assert 0.2 < few["short"] < 1.0
    assert few["short_thread_title_coverage"] == pytest.approx(few["short"] * few["thread_title_coverage"])
    assert full["short"] < 0.05 and full["short_final"] < 0.05 * full["final"] + 1e-9
