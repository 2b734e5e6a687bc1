"""Twentieth pass (h-dups21): colloquial and regional Thai particles and fillers carry no topic,
and chat or Isan spellings of ไม่ and เป็น read as the words the vocabulary is written with."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer, chat_spellings


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize("chat, plain", [
    ("แอร์ม่ายเย็นเลย", "แอร์ไม่เย็นเลย"),
    ("รถบ่ติด", "รถไม่ติด"),
    ("แอร์บ่เย็น", "แอร์ไม่เย็น"),
    ("เปนอะไร", "เป็นอะไร"),
])
def test_chat_spellings_read_as_the_plain_word(chat, plain, analyzer):
    assert chat_spellings(chat) == plain
    assert analyzer.analyze(chat, "").weights == analyzer.analyze(plain, "").weights


@pytest.mark.parametrize("word", ["บ่อยมาก", "ตอนบ่าย", "แม่ม่าย", "บ่น", "บ่อน้ำ", "บ่วง", "เปรอะเปื้อน"])
def test_words_that_only_look_like_them_stay(word):
    assert chat_spellings(word) == word


def test_particles_and_fillers_carry_no_topic(analyzer):
    plain = set(analyzer.analyze("แอร์ไม่เย็น", "").weights)
    chatty = set(analyzer.analyze("แอร์ไม่เย็นเนี่ย เป็นไรหว่า", "งี้ต้องทำไงดี แหละ").weights)
    assert plain <= chatty and chatty - plain <= {"@intent.howto"}  # "ทำไงดี" asks how, a concept
    english = set(analyzer.analyze("aircon not cold", "").weights)
    assert set(analyzer.analyze("aircon not cold lol", "btw kinda weird").weights) - english == {"weird"}
