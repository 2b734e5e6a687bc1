"""(nineteenth pass) Everyday words members swap freely, read as classes: a dead device has no
power (not a flat battery), overheating phrasings, gear letters, pulling to one side, ages,
"twice", speed words."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _concepts(analyzer: Analyzer, text: str) -> set[str]:
    return set(analyzer.terms(text)[1])


@pytest.mark.parametrize("text", ["horn dead", "my horn is dead", "dead radio", "power window died",
                                  "แตรตาย", "วิทยุดับ", "กระจกไฟฟ้าไม่ทำงาน"])
def test_a_dead_device_has_no_power(analyzer, text):
    found = _concepts(analyzer, text)
    assert "sym.no_power" in found and "sym.dead_battery" not in found


@pytest.mark.parametrize("text", ["the battery is dead", "dead battery", "แบตตาย"])
def test_a_dead_battery_stays_a_dead_battery(analyzer, text):
    assert "sym.dead_battery" in _concepts(analyzer, text)


def test_fixed_price_is_not_a_dead_device(analyzer):
    assert "sym.no_power" not in _concepts(analyzer, "ราคาตายตัว")


@pytest.mark.parametrize("text", ["ความร้อนพุ่ง", "เข็มวัดความร้อนขึ้น", "temp gauge high", "engine running hot",
                                  "temperature needle climbing", "ความร้อนขึ้น"])
def test_overheating(analyzer, text):
    assert "sym.overheat" in _concepts(analyzer, text)


@pytest.mark.parametrize("text, cond", [("เกียร์ R", "cond.reverse"), ("ใส่เกียร์ถอย", "cond.reverse"),
                                        ("put it in reverse", "cond.reverse"), ("เกียร์ D", "cond.gear_drive"),
                                        ("in drive", "cond.gear_drive"), ("in park", "cond.gear_park")])
def test_gear_letters_are_conditions(analyzer, text, cond):
    assert cond in _concepts(analyzer, text)


def test_a_dmax_gearbox_is_not_gear_d(analyzer):
    found = _concepts(analyzer, "เกียร์ D-Max มีเสียง")
    assert {"part.gearbox", "model.dmax"} <= found and "cond.gear_drive" not in found


@pytest.mark.parametrize("one, other", [("car drifts left", "รถดึงไปทางซ้าย"), ("pulls to one side", "พวงมาลัยดึง")])
def test_pulling_to_a_side(analyzer, one, other):
    assert "sym.pull" in _concepts(analyzer, one) & _concepts(analyzer, other)
    assert "sym.dead_battery" not in _concepts(analyzer, one)


@pytest.mark.parametrize("text", ["decade-old car", "ten-year-old car", "10 year old car", "a decade old car"])
def test_ages(analyzer, text):
    assert analyzer.numbers(text) == {"years:10"}
    assert "word.old" in _concepts(analyzer, text)


def test_ten_is_not_a_distance(analyzer):
    assert "topic.distance" not in _concepts(analyzer, "10 ปี")


@pytest.mark.parametrize("one, other, concept", [("twice a year", "ปีละสองเท่า", "word.twice"),
                                                 ("double the price", "แพงขึ้น 2 เท่า", "word.twice")])
def test_everyday_words(analyzer, one, other, concept):
    assert concept in _concepts(analyzer, one) & _concepts(analyzer, other)


@pytest.mark.parametrize("one, other", [("ยางหมดไว", "ยางหมดเร็ว"), ("wears quickly", "wears fast")])
def test_speed_words_are_one_word(analyzer, one, other):
    assert analyzer.terms(one) == analyzer.terms(other)


@pytest.mark.parametrize("text", ["ต้องทำไว้", "ไวเปอร์"])
def test_speed_word_only_as_a_word_of_its_own(analyzer, text):
    assert "เร็ว" not in analyzer.terms(text)[0]


@pytest.mark.parametrize("one, other", [("wrapping", "wraps"), ("stopped", "stops"), ("slipping", "slips")])
def test_a_doubled_consonant_is_undone(one, other):
    from forum.duplicates.features import _stem
    assert _stem(one) == _stem(other)


@pytest.mark.parametrize("text, concept", [
    ("screen locks up", "sym.stuck"), ("camera goes dark", "sym.no_power"),
    ("coolant keeps disappearing", "sym.level_drop"), ("pinging uphill", "sym.clunk"),
    ("แป้นเบรกยวบ", "sym.soft_pedal"), ("battery symbol lit on the dash", "sym.warning_light"),
    ("parked for two months", "topic.parking"), ("oil seeping from the sump", "part.oil_pan"),
    ("tail lamp fogs up", "part.taillight"), ("ไฟหน้าเป็นไอน้ำข้างใน", "sym.fog"),
])
def test_everyday_phrasings(analyzer, text, concept):
    assert concept in _concepts(analyzer, text)


def test_vapour_is_not_the_aion_brand(analyzer):
    assert "brand.aion" not in _concepts(analyzer, "ไฟหน้าเป็นไอน้ำข้างใน")


def test_parked_overnight_is_not_stuck(analyzer):
    assert "sym.stuck" not in _concepts(analyzer, "จอดค้างคืน")
