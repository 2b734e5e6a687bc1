"""Ninth pass (h-dups10): romanised-Thai function words, and model years of one generation."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer

from .small_index import build_index, factor_ratio


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def concepts(analyzer: Analyzer, title: str, body: str = "") -> set[str]:
    return {t[1:] for t in analyzer.analyze(title, body).weights if t.startswith("@")}


def test_romanised_function_words_are_not_read_as_places(analyzer):
    # "pokati" (ปกติ, normal) has the consonant key of ภูเก็ต, "pai" (ไป, go) is the town of Pai
    found = concepts(analyzer, "Attrage phat lom moon talot, pokati mai kap",
                     "khab pai tee tham ngan took wan, khem kwam ron pokati kap")
    assert "place.phuket" not in found and "place.pai" not in found


def test_romanised_function_words_are_not_features(analyzer):
    weights = analyzer.analyze("Camry smart key than mod plian yang ngai kap", "tong chai than arai laew").weights
    assert not {"kap", "ngai", "laew", "arai", "tong"} & set(weights)


def test_the_town_of_pai_is_still_a_place_in_english(analyzer):
    assert "place.pai" in concepts(analyzer, "Driving to Pai in the rainy season",
                                   "Is the road to Pai safe for a small sedan in August?")


def test_kia_is_the_gearbox_in_romanised_thai_and_the_brand_in_english(analyzer):
    romanised = concepts(analyzer, "HR-V hybrid mai mee kia tammada jing mai", "sale bok wa mai tong plian loey kap")
    assert "part.gearbox" in romanised and "brand.kia" not in romanised
    assert "brand.kia" in concepts(analyzer, "Kia Carnival rear door rattles", "The sliding door of my Kia rattles.")


THREADS = [
    ("y1", "maintenance", "Yaris 2016 battery dead every morning",
     "My 2016 Yaris will not start in the morning after parking overnight. Battery is one year old."),
]


@pytest.fixture(scope="module")
def index():
    return build_index(THREADS)


def test_a_model_year_of_the_same_generation_is_no_conflict(index, monkeypatch):
    r = factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", "y1", "Yaris 2018 battery dead every morning",
                     "My 2018 Yaris will not start in the morning after parking overnight.")
    assert r == pytest.approx(1.0, abs=1e-6)


def test_a_model_year_of_another_generation_still_conflicts(index, monkeypatch):
    from forum.duplicates import index as index_module

    r = factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", "y1", "Yaris 2022 battery dead every morning",
                     "My 2022 Yaris will not start in the morning after parking overnight.")
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)
