"""Twentieth pass (h-dups21): everyday car words read as one concept in either language (the boot,
the number plate, revs, towing, waxing, resale, the showroom, the bonnet in Thai), and the words
they were misread as before stay apart."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def concepts(analyzer: Analyzer, text: str) -> set[str]:
    return {t[1:] for t in analyzer.analyze(text, "").weights if t.startswith("@")}


@pytest.mark.parametrize("english, thai, concept", [
    ("number plate", "ป้ายทะเบียน", "word.plate"),
    ("boot space", "ที่เก็บของท้ายรถ", "part.trunk"),
    ("high revs", "รอบเครื่องสูง", "word.rpm"),
    ("tow truck", "รถยก", "word.tow"),
    ("waxing", "ขัดเงา", "topic.wash"),
    ("showroom", "โชว์รูม", "topic.dealer"),
    ("bonnet", "ฝากระโปรงหน้า", "part.body"),
])
def test_both_languages_name_the_same_concept(analyzer, english, thai, concept):
    assert concept in concepts(analyzer, english)
    assert concept in concepts(analyzer, thai)


def test_a_plate_is_not_a_driving_licence_and_a_tow_truck_not_a_pickup(analyzer):
    assert "topic.license" not in concepts(analyzer, "license plate")
    assert "topic.license" in concepts(analyzer, "driving license")
    assert "word.pickup" not in concepts(analyzer, "tow truck")
    assert "word.pickup" in concepts(analyzer, "pickup truck")


def test_longer_forms_keep_their_own_concepts(analyzer):
    assert concepts(analyzer, "ฝากระโปรงหลัง") == {"part.tailgate"}
    assert "part.towbar" in concepts(analyzer, "tow hitch")
    assert "part.tailgate" in concepts(analyzer, "boot lid")
    assert "sym.idle" in concepts(analyzer, "rpm fluctuates")
