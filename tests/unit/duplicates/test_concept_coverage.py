"""Twentieth pass (h-dups21): the pair verifier reads the share of each side's content concepts
(by their fixed weights) that the other names, for every query whatever its script: a reworded
question keeps its concepts when its words change."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.verifier import FEATURES

from .test_verifier import THREADS


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    index = DuplicateIndex(verifier=None)
    index.build(THREADS, progress=False)
    return index


def features(index: DuplicateIndex, title: str, body: str = "") -> dict[str, float]:
    out: list = []
    assert index.query(title, body, features=out)
    return dict(zip(FEATURES, out[0].tolist()))


def test_a_reworded_question_shares_its_concepts_both_ways(index):
    f = features(index, "Revo hooter dead", "push the horn button, no sound at all")
    assert f["concept_coverage"] > 0.5
    assert f["thread_concept_coverage"] > 0.5


def test_the_coverages_stay_between_zero_and_one(index):
    for title, body in [("Hilux Revo horn not working", ""), ("แตรรีโว่ไม่ดัง", "กดแล้วเงียบ"),
                        ("Yaris oil change interval", "every 10,000 km?"), ("Model Y floor mats", "")]:
        f = features(index, title, body)
        assert 0.0 <= f["concept_coverage"] <= 1.0 and 0.0 <= f["thread_concept_coverage"] <= 1.0


def test_another_part_lowers_the_share(index):
    same = features(index, "Hilux Revo horn not working", "no sound")
    other = features(index, "Hilux Revo wipers and horn not working", "wipers stopped, horn silent, radio dead too")
    assert other["concept_coverage"] < same["concept_coverage"]
