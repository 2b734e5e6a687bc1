"""Eighteenth pass (h-dups19): one number written several ways ("25,000", "25k", "2.5 หมื่น",
"สองหมื่นห้า", "หมื่นห้า") is one feature, its value; Thai number words are read only where they
cannot be part of another word."""

from __future__ import annotations

from forum.duplicates.features import Analyzer, canonical_numbers


def plain_numbers(title: str) -> set[str]:
    return {t for t in Analyzer().analyze(title).weights if t[:1].isdigit()}


def test_digit_numbers_with_separators_or_multipliers_become_their_value():
    assert canonical_numbers("25,000 km").split() == ["25000", "km"]
    assert canonical_numbers("25k km").split() == ["25000", "km"]
    assert canonical_numbers("2 หมื่น").split() == ["20000"]
    assert canonical_numbers("1,500,000 บาท").split() == ["1500000", "บาท"]
    assert canonical_numbers("10.5 km") == "10.5 km"


def test_thai_number_words_become_their_value_where_they_are_surely_a_number():
    assert canonical_numbers("สองหมื่น").split() == ["20000"]
    assert canonical_numbers("หมื่นห้า").split() == ["15000"]  # colloquial 15,000
    assert canonical_numbers("ยี่สิบห้าปี").split() == ["25", "ปี"]
    assert canonical_numbers("วันละร้อยโล").split() == ["วันละ", "100", "โล"]


def test_words_that_only_contain_a_number_word_stay_words():
    for text in ("เรียบร้อยแล้ว", "แสนดี", "มือสอง", "พันธุ์"):
        assert canonical_numbers(text) == text


def test_a_paraphrase_writing_the_number_otherwise_shares_its_term():
    assert "25000" in plain_numbers("Dolphin fronts bald at 25k km") & plain_numbers("Dolphin tyres worn at 25,000")
    assert "15000" in plain_numbers("เซลล์ขายเคลือบแก้วหมื่นห้า") & plain_numbers("เคลือบแก้ว 15,000 บาท")
