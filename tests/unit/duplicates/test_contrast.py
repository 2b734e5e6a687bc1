"""Contrast factor (h-dups6): two same-language texts that each name a rare word the other lacks."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates import index as index_module

from .small_index import build_index, factor_ratio

THREADS = [
    ("k1", "travel", "Camping spots near Wiang Kalong for a pickup",
     "Looking for a quiet camping spot near Wiang Kalong where I can sleep in the back of my pickup."),
    ("k2", "travel", "กางเต็นท์แถวเวียงกาหลงกับรถกระบะ", "หาที่กางเต็นท์เงียบๆ แถวเวียงกาหลง นอนท้ายกระบะได้"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def ratio(index, monkeypatch, thread_id, title, body=""):
    return factor_ratio(index, monkeypatch, "CONTRAST_FACTOR", thread_id, title, body)


def test_another_rare_place_in_the_same_question_lowers_the_score(index, monkeypatch):
    r = ratio(index, monkeypatch, "k1", "Camping spots near Huai Nam Dang for a pickup",
              "Looking for a quiet camping spot near Huai Nam Dang where I can sleep in the back of my pickup.")
    assert r == pytest.approx(index_module.CONTRAST_FACTOR, abs=2e-3)


def test_a_duplicate_that_only_adds_a_rare_detail_is_not_lowered(index, monkeypatch):
    r = ratio(index, monkeypatch, "k1", "Camping spots near Wiang Kalong for a pickup, Zorbex rooftop tent",
              "Looking for a quiet camping spot near Wiang Kalong where I can sleep in the back of my pickup in a Zorbex tent.")
    assert r == pytest.approx(1.0, abs=1e-6)


def test_the_same_words_are_not_a_contrast(index, monkeypatch):
    assert ratio(index, monkeypatch, "k1", THREADS[0][2], THREADS[0][3]) == pytest.approx(1.0, abs=1e-6)


def test_pairs_in_two_scripts_are_never_contrasted(index, monkeypatch):
    # Thai words never match English ones; only concepts do, so unmatched words mean nothing here.
    r = ratio(index, monkeypatch, "k2", "Camping spots near Huai Nam Dang for a pickup",
              "Looking for a quiet camping spot near Huai Nam Dang where I can sleep in the back of my pickup.")
    assert r == pytest.approx(1.0, abs=1e-6)


def test_the_rare_word_count_survives_a_state_round_trip(index):
    restored = DuplicateIndex.from_state(index.to_state())
    q = ("Camping spots near Huai Nam Dang for a pickup", "near Huai Nam Dang, sleeping in the pickup")
    assert restored.query(*q, k=2, min_score=0.0) == index.query(*q, k=2, min_score=0.0)
