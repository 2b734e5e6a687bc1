"""(issue 17, twelfth pass) The verifier's coverage features: how much of the *shorter* text the
longer one covers, and coverage across scripts and romanised spellings, which only
cross-script and romanised queries carry (thirteenth pass: also the romanised query's coverage)."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.verifier import FEATURES


def features(index: DuplicateIndex, title: str, body: str = "") -> tuple[str, dict[str, float]]:
    out: list = []
    matches = index.query(title, body, features=out)
    assert matches and len(out) == 1
    return matches[0].id, dict(zip(FEATURES, out[0].tolist()))


def test_a_short_query_inside_a_longer_thread_is_fully_covered(index):
    best, f = features(index, "Revo horn not working")
    assert best == "horn"
    assert f["coverage"] == pytest.approx(1.0) and f["thread_coverage"] < 0.9
    assert f["short_coverage"] == pytest.approx(1.0)


def test_a_long_query_around_a_shorter_thread_reads_the_threads_side(index):
    best, f = features(index, "Hilux Revo horn not working",
                       "Pressed the horn and nothing happens, fuse looks fine. Also the wipers squeak, the radio "
                       "crackles and the aircon smells on the long highway drive to Korat every weekend")
    assert best == "horn"
    assert f["coverage"] < 0.9 and f["thread_coverage"] == pytest.approx(1.0)
    assert f["short_coverage"] == pytest.approx(f["thread_coverage"])


def test_cross_script_and_romanised_coverage_only_for_such_queries(index):
    _best, same = features(index, "Revo horn not working")
    assert same["cross_short_coverage"] == same["cross_concept_coverage"] == 0.0
    assert same["romanised_short_coverage"] == same["romanised_concept_coverage"] == 0.0
    assert same["romanised_coverage"] == 0.0  # (thirteenth pass)

    best, thai = features(index, "ไฮลักซ์ รีโว่ แตรไม่ดัง", "กดแตรแล้วเงียบ ฟิวส์ปกติ")
    assert best == "horn" and thai["cross_script"] == 1.0 and thai["romanised"] == 0.0
    assert thai["cross_concept_coverage"] > 0.5
    assert thai["cross_short_coverage"] == pytest.approx(thai["short_coverage"])
    assert thai["romanised_concept_coverage"] == 0.0

    best, rom = features(index, "yaris plian nam man kreuang tuk ki kilo", "chai nam man sangkro, kap nai muang")
    assert best == "oil" and rom["romanised"] == 1.0
    assert rom["romanised_concept_coverage"] > 0.5
    assert rom["short_coverage"] > 0.0
    assert rom["romanised_short_coverage"] == pytest.approx(rom["short_coverage"])
    assert rom["romanised_coverage"] == pytest.approx(rom["coverage"]) and rom["coverage"] > 0.0
