"""(sixteenth pass) The everyday paraphrase lexicon (vocabulary.txt, ROMANISED_FORMS) and the
question's core of a long post (`features.body_clauses`, STORY_WEIGHT); the verifier's
`thread_title_coverage`."""

from __future__ import annotations

import numpy as np
import pytest

import forum.duplicates.features as features
from forum.duplicates.features import STORY_WEIGHT, Analyzer, body_clauses
from forum.duplicates.index import DuplicateIndex


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _concepts(analyzer: Analyzer, title: str, body: str = "") -> set[str]:
    return {t[1:] for t in analyzer.analyze(title, body).weights if t.startswith("@")}


@pytest.mark.parametrize("one, other, concepts", [
    ("Fortuner won't turn over in the morning", "ฟอร์จูนเนอร์สตาร์ทไม่ขึ้นตอนเช้า", {"sym.no_start", "cond.morning"}),
    ("Battery won't hold a charge", "แบตไม่เก็บไฟ", {"sym.dead_battery", "part.battery"}),
    ("bat mai keb fai loey krub", "แบตเก็บไฟไม่อยู่", {"sym.dead_battery", "part.battery"}),  # romanised
    ("Installed a dash recorder", "ติดตั้งกล้องบันทึกหน้ารถ", {"word.install", "part.dashcam"}),
    ("My steering wheel shimmies at 100", "พวงมาลัยสั่นมือที่ 100", {"sym.vibration"}),
    ("cam belt due?", "สายพานไทม์มิ่งถึงรอบ", {"part.timing_belt"}),
    ("Swapped the pads", "เปลี่ยนผ้าดิสเบรก", {"word.replace", "part.brake_pad"}),
    ("Aircon only blowing lukewarm", "แอร์อ่อน ลมไม่เย็น", {"sym.not_cold"}),
])
def test_paraphrases_share_concepts(analyzer, one, other, concepts):
    assert concepts <= _concepts(analyzer, one)
    assert concepts <= _concepts(analyzer, other)


def test_broad_words_are_left_out(analyzer):
    # "เติมน้ำยา" alone is not the air-con's refrigerant: the radiator's coolant stays coolant
    assert "part.refrigerant" not in _concepts(analyzer, "เติมน้ำยาหม้อน้ำ")


def test_a_synonym_pair_now_ranks_and_scores(analyzer):
    index = DuplicateIndex(analyzer, verifier=None)
    index.add("t1", "c", "Fortuner hard to start in the morning", "Takes several tries to start on cold mornings.")
    index.add("t2", "c", "Fortuner turning circle in the morning traffic", "Is the turning circle big in town?")
    matches = index.query("Fortuner won't turn over first thing in the morning", "")
    assert matches[0].id == "t1" and matches[0].score > 0.5


def test_body_clauses():
    assert body_clauses("ขับอัลติสไปโคราช เริ่มสั่นที่ร้อย ถ่วงล้อแล้วไม่หาย") == \
        ["ขับอัลติสไปโคราช", "เริ่มสั่นที่ร้อย", "ถ่วงล้อแล้วไม่หาย"]
    assert body_clauses("My car is old. Is it worth fixing?\nThanks") == ["My car is old.", "Is it worth fixing?", "Thanks"]
    assert body_clauses("Yaris 2018 ราคา 5,000 บาท") == ["Yaris 2018 ราคา 5,000 บาท"]  # no space between two Thai letters


STORY_TITLE = "Jazz driver's window dead, motor clicks"
STORY_BODY = ("Long story, sorry. My daughter borrowed the family Jazz for a week of rain in Chiang Mai. "
              "She drove up to Doi Suthep with her friends and parked at the temple market every day. "
              "The wipers and the headlights were used a lot on the mountain. "
              "When she came back the driver's window would not move, I only hear the motor click. "
              "What should I check first?")


def test_story_clauses_weigh_less_and_name_nothing(analyzer):
    a = analyzer.analyze(STORY_TITLE, STORY_BODY)
    # "daughter" is only in the story; "window" is in the title and the question's clause
    assert a.weights["daughter"] == pytest.approx(STORY_WEIGHT)
    assert "part.wiper" not in a.concepts.get("part", frozenset())
    assert "@part.wiper" in a.weights and a.weights["@part.wiper"] < 1.0
    short = analyzer.analyze(STORY_TITLE, "Window would not move. Motor clicks.")  # a short body: in full
    assert short.weights["move"] >= 1.0


def test_a_long_story_post_ranks_its_thread_first(analyzer, monkeypatch):
    def scores() -> list:
        index = DuplicateIndex(Analyzer(), verifier=None)
        index.add("t1", "c", "Power window on driver side of Jazz stuck", "Driver's window won't go up or down, motor clicks.")
        index.add("t2", "c", "Jazz wipers and headlights for mountain rain in Chiang Mai",
                  "Driving up Doi Suthep in heavy rain: are the stock wipers and headlights enough?")
        return index.query(STORY_TITLE, STORY_BODY)

    with_core = scores()
    assert with_core[0].id == "t1"
    monkeypatch.setattr(features, "STORY_WEIGHT", 1.0)
    monkeypatch.setattr(features, "STORY_CONCEPTS_NAMED", True)
    in_full = scores()
    s_core = next(m.score for m in with_core if m.id == "t1")
    s_full = next(m.score for m in in_full if m.id == "t1")
    assert s_core > s_full  # the story no longer dilutes the question


def _features(index: DuplicateIndex, title: str, body: str = "") -> dict[str, float]:
    from forum.duplicates.verifier import FEATURES

    feats: list = []
    assert index.query(title, body, features=feats)
    return dict(zip(FEATURES, feats[0]))


def test_thread_title_coverage_and_the_index_state(analyzer):
    index = DuplicateIndex(analyzer, verifier=None)
    index.add("t1", "c", "Veloz engine oil: 0W-20 or 5W-30?",
              "The manual says 0W-20 but my shop wants 5W-30 because of the heat. Which is right?")
    twin = _features(index, "Veloz: 0W-20 vs 5W-30 oil?")  # a title-only twin names the whole title
    other = _features(index, "Veloz gearbox oil: which brand?")  # another part: the title is half named
    assert twin["thread_title_coverage"] == pytest.approx(1.0)
    assert 0.0 < other["thread_title_coverage"] < twin["thread_title_coverage"]
    again = DuplicateIndex.from_state(index.to_state(), analyzer)
    again.verifier = None
    assert _features(again, "Veloz gearbox oil: which brand?") == other
    index.add("t2", "c", "", "A thread without a title")
    assert index._thread_title_coverage(np.array([0], dtype=np.int64), index._row_of["t2"]) == 0.0
