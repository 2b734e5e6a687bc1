"""(nineteenth pass) Numbers written any way are read as their value (`features.read_numbers`): as
one feature and as one value of the conflict test; Thai number words only inside a number or
before a unit, so ordinary words stay words."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer, numbers_in, read_numbers


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize("written", ["25,000", "25k", "25K", "25 thousand", "2.5 หมื่น", "2หมื่น5",
                                     "สองหมื่นห้า", "สองหมื่นห้าพัน", "twenty five thousand"])
def test_one_value_however_written(written):
    assert read_numbers(written.lower()) == "25000"
    assert numbers_in(f"ค่าซ่อม {written} บาท") == {"25000"}


@pytest.mark.parametrize("written, value", [
    ("หมื่นห้า", "15000"), ("แสนสอง", "120000"), ("สามพันห้าร้อย", "3500"), ("ห้าสิบ", "50"),
    ("สิบห้าปี", "15ปี"), ("สองปี", "2ปี"), ("ครบหมื่นกิโล", "ครบ10000กิโล"), ("1,200,000", "1200000"),
])
def test_thai_number_words(written, value):
    assert read_numbers(written) == value


@pytest.mark.parametrize("word", ["เรียบร้อย", "แสนดี", "มือสอง", "สายพันธุ์", "ชั้นหนึ่ง", "สามารถ", "เก้าอี้",
                                  "ยี่ห้อ", "ห้าง", "บางแสน", "สร้อยคอ", "ร้อยละ", "สองแถว", "ร้อยเอ็ด"])
def test_ordinary_words_stay_words(word):
    assert read_numbers(word) == word


def test_same_feature_and_same_conflict_value(analyzer):
    a = analyzer.analyze("Yaris service cost 25k baht?")
    b = analyzer.analyze("ยาริส เช็คระยะ สองหมื่นห้า บาท")
    assert "25000" in a.weights and "25000" in b.weights
    assert a.numbers == b.numbers == {"money:25000"}


def test_word_stays_a_feature(analyzer):
    words, _concepts = analyzer.terms("เปลี่ยนเรียบร้อยแล้ว")
    assert "เรียบร้อย" in words


@pytest.mark.parametrize("text", ["ยาริสปี 19", "ยาริส ปี 62", "ยาริส ปี 2562", "Yaris 2019"])
def test_model_years_after_pi(analyzer, text):
    # two digits after ปี are a model year, 40-79 and 25xx the Buddhist era
    assert analyzer.numbers(text) == {"year:2019"}


def test_a_count_after_pi_is_not_a_year(analyzer):
    assert "year:2005" not in analyzer.numbers("ผ่อน 4 ปี 48 งวด")


def test_romanised_numbers(analyzer):
    words, _ = analyzer.terms("yaris pha brake na mod tuk song muen loke")
    assert "20000" in words
    words, _ = analyzer.terms("hilux yang lang sueak reo mak 2 muen lo")
    assert "20000" in words


def test_distance_is_the_number_and_km_in_any_script(analyzer):
    en = analyzer.analyze("Yaris first service at 10,000 km")
    th = analyzer.analyze("ยาริส เช็คระยะ ครบหมื่นโล")
    assert {"10000", "@word.km"} <= set(en.weights) & set(th.weights)
    assert "@topic.distance" not in en.weights and "@topic.distance" not in th.weights
