"""Conflict factor (h-dups7): two titles naming different values of one attribute (another
condition, part, side, fuel, variant or place; another number) are a new topic, not a duplicate."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates import index as index_module
from forum.duplicates.features import Analyzer, numbers_in

from .small_index import build_index, factor_ratio

THREADS = [
    ("c1", "maintenance", "วีโก้ควันดำตอนขึ้นเขา", "วีโก้ 3.0 ขับขึ้นเขาแล้วควันดำออกท่อเยอะมาก เป็นที่หัวฉีดหรือเทอร์โบ"),
    ("c2", "insurance_finance", "Trade-in price for a 2017 Almera",
     "What would a Nissan dealer give me for a 2017 Almera with 90,000 km on it?"),
    ("c3", "accessories", "Seat covers for a 7-seat Pajero Sport",
     "Looking for fitted covers for all 7 seats of a Pajero Sport, which shop is good?"),
    ("c4", "maintenance", "CX-3 slow to start in the morning",
     "My petrol CX-3 cranks for a long time before it fires on cool mornings."),
    ("c5", "accessories", "LED fog lamps for a Navara, legal?",
     "Want to fit yellow LED fog lamps on my Navara. Will the police mind?"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def ratio(index, monkeypatch, thread_id, title, body=""):
    return factor_ratio(index, monkeypatch, "CONFLICT_FACTOR", thread_id, title, body)


def test_the_other_direction_in_the_title_lowers_the_score_even_when_the_body_names_both(index, monkeypatch):
    r = ratio(index, monkeypatch, "c1", "Vigo black smoke going downhill",
              "My Vigo 3.0 puffs black smoke when coming down the mountain. Uphill it is fine.")
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)


def test_another_year_in_the_title_lowers_the_score(index, monkeypatch):
    r = ratio(index, monkeypatch, "c2", "Trade-in price for a 2021 Almera",
              "What would a Nissan dealer give me for a 2021 Almera?")
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)


@pytest.mark.parametrize("thread_id, title, body", [
    # the same question in the other language
    ("c1", "Vigo black smoke going uphill", "My Vigo 3.0 blows a lot of black smoke when climbing hills."),
    # a duplicate that adds a detail the thread does not name
    ("c2", "Trade-in price for a 2017 Almera, white, one owner",
     "One owner, white 2017 Almera with 90,000 km. What would the Nissan dealer pay?"),
    # the same year, numbers written differently elsewhere
    ("c2", "อัลเมร่า 2017 เทิร์นที่ศูนย์นิสสันได้เท่าไหร่", "อัลเมร่าปี 2017 วิ่งมา 9 หมื่นโล เทิร์นได้ประมาณกี่บาท"),
    # a title without numbers is not in conflict with numbers of another kind (km, not a year)
    ("c2", "Almera trade-in price at the Nissan dealer", "My Almera has done 120,000 km, what is it worth?"),
    # a count written two ways: rows are not seats
    ("c3", "หุ้มเบาะ Pajero Sport ครบ 3 แถว", "อยากหุ้มเบาะปาเจโร่สปอร์ตทั้งสามแถว ร้านไหนดี"),
    # the thread names a fuel in its body, the query names none
    ("c4", "CX-3 slow to start on cool mornings",
     "Takes many cranks to start when it is cold, fine later on."),
    # the same colour, named in the body only
    ("c5", "Are yellow LED fog lamps legal on a Navara?", "Thinking of LED fog lamps for my Navara."),
])
def test_a_twin_or_an_added_detail_is_not_lowered(index, monkeypatch, thread_id, title, body):
    assert ratio(index, monkeypatch, thread_id, title, body) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("thread_id, title, body", [
    # another value in the query's title than in the thread's body (its title names none)
    ("c4", "CX-3 diesel slow to start in the morning", "My diesel CX-3 needs many cranks on cool mornings."),
    # another colour (conflict-only attribute lexicon)
    ("c5", "Blue LED fog lamps for a Navara, legal?", "Want blue LED fog lamps on my Navara."),
    # another count of the same unit
    ("c3", "Seat covers for a 5-seat Pajero Sport", "Fitted covers for all 5 seats, which shop?"),
    # another year in the body when the thread's title names one
    ("c2", "Almera trade-in price at the Nissan dealer", "My Almera from 2019, what is it worth?"),
])
def test_another_value_against_the_whole_text_lowers_the_score(index, monkeypatch, thread_id, title, body):
    r = ratio(index, monkeypatch, thread_id, title, body)
    assert r == pytest.approx(index_module.CONFLICT_FACTOR, abs=2e-3)


def test_numbers_carry_their_unit_and_model_digits_are_not_numbers():
    a = Analyzer()
    assert a.numbers("ครบ 3 แถว") == {"rows:3"} and a.numbers("7 seats") == {"seats:7"}
    assert a.numbers("Camry 2015 body kit") == {"year:2015"}
    assert a.numbers("ประกันชั้น 3") == {"class:3"}
    assert a.numbers("10k km") == a.numbers("10,000 กม.") == {"km:10000"}
    assert a.numbers("MG4 to Khon Kaen") == frozenset()
    assert a.numbers("Atto 3 at 110 km/h") == {"kmh:110"}


def test_attributes_are_read_for_the_conflict_test_only():
    a = Analyzer()
    assert a.attributes("ไฟตัดหมอกสีฟ้า") == {"colour.blue"}
    assert a.attributes("stopped at a red light") == frozenset()
    assert a.attributes("road tax for my motorbike") == {"vehicle.motorcycle"}
    analysis = a.analyze("Blue fog lamps", "for my pickup")
    assert analysis.title_attributes == {"colour.blue"}
    assert analysis.attributes == {"colour.blue", "vehicle.pickup"}
    assert not any("blue" in term for term in analysis.weights if term.startswith("@"))


def test_numbers_are_compared_as_values():
    assert numbers_in("10,000 km") == numbers_in("10k km") == numbers_in("1 หมื่น กม.") == {"10000"}
    assert numbers_in("knocking on E85, fine on E20") == {"85", "20"}
    # (nineteenth pass) Thai number words are read within a number or before a unit
    assert numbers_in("สองหมื่นโล") == {"20000"}
    assert numbers_in("มือสอง เรียบร้อย") == frozenset()


def test_the_title_signature_is_kept_apart_from_the_body():
    a = Analyzer().analyze("Vigo black smoke going downhill", "Uphill it is fine, 2019 model")
    assert "cond.downhill" in a.title_concepts and "cond.uphill" not in a.title_concepts
    assert a.title_numbers == frozenset() and a.numbers == {"year:2019"}


def test_the_title_signature_survives_a_state_round_trip(index):
    restored = DuplicateIndex.from_state(index.to_state())
    for q in (("Trade-in price for a 2021 Almera", ""), ("Vigo black smoke going downhill", "")):
        assert restored.query(*q, k=2, min_score=0.0) == index.query(*q, k=2, min_score=0.0)
