"""Eighth pass (h-dups9): romanised Thai by consonant key, and the unmatched-detail factor."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.features import Analyzer
from forum.duplicates.romanised import latin_key, thai_key

from .small_index import build_index, factor_ratio


@pytest.mark.parametrize("thai, latin", [
    ("หัวเทียน", "hua tian"),
    ("น้ำมันเครื่อง", "nam man kreuang"),
    ("พวงมาลัย", "puang malai"),
    ("ไม่ติด", "mai tid"),
    ("ไม่ติด", "mai tit"),
    ("พัดลม", "pat lom"),
    ("ความร้อน", "kwam ron"),
])
def test_a_thai_form_and_its_romanised_spellings_share_a_key(thai, latin):
    assert thai_key(thai) == "".join(latin_key(w) for w in latin.split())


def test_different_words_get_different_keys():
    assert thai_key("หัวเทียน") != "".join(latin_key(w) for w in "puang malai".split())


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_a_romanised_text_meets_the_thai_vocabulary(analyzer):
    text = "kwam ron keun tawn rot tid laew ja pen arai"  # ความร้อนขึ้น: no listed romanised form
    assert "sym.overheat" in analyzer.terms(text)[1]
    assert "sym.overheat" not in Analyzer(romanised=False).terms(text)[1]


@pytest.mark.parametrize("text", [
    "My mates reckon the Civic gearbox is fine",
    "Which dashcam do you lads fit, front and rear?",
    "Gridlock on the expressway every Friday, any shortcut?",
])
def test_english_is_not_read_as_romanised(analyzer, text):
    assert not analyzer.is_romanised(text)


def test_romanised_thai_is_read_as_such(analyzer):
    assert analyzer.is_romanised("rot mai tid tawn chao tong tam yang ngai dee krab")


THREADS = [
    ("d1", "accessories", "Wooden steering wheel cover for a Camry",
     "Where can I buy a wooden steering wheel cover that fits a Camry?"),
    ("d2", "accessories", "ปลอกหุ้มพวงมาลัยลายไม้ Camry", "หาซื้อปลอกหุ้มพวงมาลัยลายไม้ใส่ Camry ได้ที่ไหน"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def ratio(index, monkeypatch, thread_id, title, body=""):
    return factor_ratio(index, monkeypatch, "DETAIL_FACTOR", thread_id, title, body)


def test_another_detail_in_the_title_lowers_the_score(index, monkeypatch):
    from forum.duplicates import index as index_module

    r = ratio(index, monkeypatch, "d1", "Carbon steering wheel cover for a Camry",
              "Where can I buy a carbon steering wheel cover that fits a Camry?")
    assert r == pytest.approx(index_module.DETAIL_FACTOR, abs=2e-3)


def test_a_duplicate_that_adds_a_detail_is_not_lowered(index, monkeypatch):
    r = ratio(index, monkeypatch, "d1", "Wooden steering wheel cover for a Camry, walnut finish",
              "Where can I buy a walnut wooden steering wheel cover that fits a Camry?")
    assert r == pytest.approx(1.0, abs=1e-6)


def test_plain_words_in_two_scripts_are_never_a_detail(index, monkeypatch):
    r = ratio(index, monkeypatch, "d2", "Carbon steering wheel cover for a Camry",
              "Where can I buy a carbon steering wheel cover that fits a Camry?")
    assert r == pytest.approx(1.0, abs=1e-6)


def test_the_title_details_survive_a_state_round_trip(index):
    restored = DuplicateIndex.from_state(index.to_state())
    q = ("Carbon steering wheel cover for a Camry", "carbon cover that fits a Camry")
    assert restored.query(*q, k=2, min_score=0.0) == index.query(*q, k=2, min_score=0.0)
