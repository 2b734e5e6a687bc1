"""Ninth pass (h-dups10): romanised-Thai function words, positions (tyre edge, seat side, air-con
row), and a title's contrast clause that says what is fine."""

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
    ("p1", "tyres_brakes", "Fortuner front tyres wearing on the inner edge",
     "The inner edge of both front tyres on my Fortuner is worn while the rest has plenty of tread."),
    ("p2", "electrical", "Jazz driver's window will not go up or down",
     "The power window on the driver's side of my Jazz does nothing, the others work."),
    ("p3", "electrical", "Fortuner rear air-con not cold",
     "The rear air-con of my Fortuner blows warm air, the kids in the back complain."),
]


@pytest.fixture(scope="module")
def index():
    return build_index(THREADS)


@pytest.mark.parametrize("thread_id, title, body", [
    ("p1", "Fortuner front tyres wearing on the outer edge",
     "The outer edge of both front tyres on my Fortuner is worn while the rest has plenty of tread."),
    ("p1", "ฟอร์จูนเนอร์ ยางหน้าสึกด้านนอก", "ยางหน้าทั้งสองเส้นขอบนอกหมด ตรงกลางยังเหลือดอกเยอะ"),
    ("p2", "Jazz passenger window will not go up or down",
     "The power window on the passenger side of my Jazz does nothing, the others work."),
])
def test_the_other_position_is_a_conflict(index, monkeypatch, thread_id, title, body):
    from forum.duplicates import index as index_module

    r = factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", thread_id, title, body)
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)


@pytest.mark.parametrize("thread_id, title, body", [
    ("p1", "ฟอร์จูนเนอร์ ยางหน้าสึกด้านใน", "ยางหน้าทั้งสองเส้นขอบในหมด ตรงกลางยังเหลือดอกเยอะ"),
    ("p2", "แจ๊สกระจกฝั่งคนขับไม่ขึ้นไม่ลง", "กระจกไฟฟ้าฝั่งคนขับกดแล้วเงียบ บานอื่นปกติ"),
])
def test_the_same_position_in_the_other_language_is_no_conflict(index, monkeypatch, thread_id, title, body):
    assert factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", thread_id, title, body) == pytest.approx(1.0, abs=1e-6)


def test_inside_the_cabin_is_not_a_tyre_edge(analyzer):
    assert "side.inner" not in concepts(analyzer, "ด้านในรถมีกลิ่นอับ", "เปิดแอร์แล้วด้านในห้องโดยสารเหม็น")


def test_a_title_clause_saying_what_is_fine_is_not_asked_about(analyzer):
    fine = analyzer.analyze("Fortuner แอร์หน้าไม่เย็น แต่แอร์หลังเย็น", "")
    assert "side.front" in fine.title_concepts and "side.rear" not in fine.title_concepts
    assert "@side.rear" in fine.weights  # still a feature
    both = analyzer.analyze("Fortuner front air-con cold but rear air-con not cold", "")
    assert {"side.front", "side.rear"} <= both.title_concepts  # the clause after "but" is the problem


def test_front_not_cold_but_rear_fine_is_not_the_rear_question(index, monkeypatch):
    from forum.duplicates import index as index_module

    r = factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", "p3", "Fortuner แอร์หน้าไม่เย็น แต่แอร์หลังเย็น",
                     "แอร์ตอนหน้าเป่าแต่ลมร้อน ส่วนแอร์หลังยังเย็นดี")
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)
