"""Twenty-first pass (h-dups22): the circumstances a question is asked in (`Analysis.conditions`)
and the pair verifier's features for a condition named on one side only, or on both with none
shared ("rattles when the engine is cold" is not "rattles when the engine is hot")."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer, conditions_in
from forum.text import normalize

from .small_index import pair_features


def read(text: str) -> frozenset[str]:
    return conditions_in(normalize(text))


def test_the_lexicon_reads_circumstances_in_both_languages():
    assert read("Rattle when the engine is hot") == {"cond.hot_engine"}
    assert read("squeak at idle") == {"cond.stationary"}
    assert read("noise while driving") == {"cond.moving"}
    assert read("เสียงดังตอนเบรก") == {"cond.braking"}
    assert read("พวงมาลัยสั่นหลังเปลี่ยนยาง") == {"cond.after_work"}
    assert read("with the AC on the idle drops") == {"cond.ac_on"}
    assert read("เครื่องสั่นตอนจอดติดเครื่อง") == {"cond.stationary"}


def test_a_negated_circumstance_does_not_count():
    assert read("ไม่ได้เปิดแอร์ แต่ร้อน") == frozenset()
    assert "cond.braking" not in read("it is not when braking, only at idle")


def test_analysis_joins_the_vocabulary_conditions_with_their_implications():
    analyzer = Analyzer()
    cold = analyzer.analyze("Cold start rattle", "")
    assert {"cond.cold_start", "cond.morning"} <= cold.conditions
    assert analyzer.analyze("Vios horn not working", "").conditions == frozenset()


features = pair_features  # the verifier's features of the query against an index of the one thread


HOT = ("Vios engine rattle when the engine is hot", "After driving a while the engine rattles at the front.")
PLAIN = ("Vios engine rattle", "The engine rattles.")


def test_condition_features_of_a_pair():
    cold = features(HOT, "Vios engine rattle on a cold start", "Only first thing in the morning.")
    assert cold["condition_mismatch"] == 1.0
    assert cold["query_conditions_only"] >= 1.0 and cold["thread_conditions_only"] >= 1.0
    same = features(HOT, "Vios rattles once the engine is warm", "Engine rattle after a long drive.")
    assert same["condition_mismatch"] == 0.0 and same["thread_conditions_only"] == 0.0
    one_side = features(PLAIN, "Vios engine rattle on a cold start")
    assert one_side["condition_mismatch"] == 0.0
    assert one_side["query_conditions_only"] == 1.0 and one_side["thread_conditions_only"] == 0.0
    none = features(PLAIN, "Vios engine rattles")
    assert (none["query_conditions_only"], none["thread_conditions_only"], none["condition_mismatch"]) == (0, 0, 0)


def test_symmetric_overlap_features():
    """(variant B) The harmonic mean and the minimum of the two coverages, texts and titles."""
    f = features(HOT, "Vios engine rattle when hot", "It rattles after driving a while.")
    lo, hi = sorted((f["coverage"], f["thread_coverage"]))
    assert f["coverage_min"] == lo
    assert lo <= f["coverage_harmonic"] <= hi
    assert f["coverage_harmonic"] == pytest.approx(2 * lo * hi / (lo + hi) if lo + hi else 0.0)
    assert f["title_coverage_min"] == min(f["title_coverage"], f["thread_title_coverage"])
