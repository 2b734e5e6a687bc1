"""Seventeenth pass (h-dups18): an everyday Thai word that shares a vocabulary form's consonant key
makes that key ambiguous, so a romanised text no longer reads everyday words as car concepts;
and a few everyday romanised spellings of vocabulary forms."""

from __future__ import annotations

import pytest

from forum.duplicates.features import Analyzer
from forum.duplicates.romanised import RomanisedLexicon, common_thai_words, thai_keys


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def concepts(analyzer: Analyzer, title: str, body: str = "") -> set[str]:
    return {c for names in analyzer.analyze(title, body).concepts.values() for c in names}


def test_the_common_word_list_is_thai_and_frequent_first():
    words = common_thai_words(200)
    assert len(words) == 200
    assert all(all("\u0e00" <= ch <= "\u0e7f" for ch in w) for w in words)
    assert "ทำให้" in words  # one of the corpus's most frequent words


def test_an_everyday_word_with_a_forms_key_makes_the_key_ambiguous():
    forms = {"ชุมพร": "place.chumphon", "หัวเทียน": "part.spark_plug"}
    alone = RomanisedLexicon(forms)
    assert thai_keys("จำเป็น") & set(alone.keys)  # จำเป็น spells ชุมพร's key
    with_common = RomanisedLexicon(forms, ["จำเป็น", "หัวเทียน"])
    assert not thai_keys("จำเป็น") & set(with_common.keys)
    # a common word that is itself a vocabulary form competes with nothing
    assert {key for key in thai_keys("หัวเทียน") if len(key) >= 3} <= set(with_common.keys)


def test_everyday_romanised_words_are_not_read_as_car_concepts(analyzer):
    found = concepts(analyzer, "jam pen tong pai sun mai", "tham mai rot san, du krajok khang yang ngai")
    assert not {"place.chumphon", "topic.buy", "sym.jerk"} & found


def test_the_vocabularys_own_keys_still_read(analyzer):
    assert {"part.engine_oil", "part.spark_plug"} <= concepts(analyzer, "plian nam man kreuang kap hua tian ki kilo")


def test_everyday_spellings_reach_their_thai_forms(analyzer):
    roman = concepts(analyzer, "fortuner plian bat yee ho nai dee", "krajok na taek, khlem prakan dai mai")
    assert {"part.battery", "word.replace", "part.windshield", "topic.claim"} <= roman
    assert "sym.stall" in concepts(analyzer, "brv khrueng dap eng tid fai daeng", "pen phro arai")
    assert "place.bangkok" in concepts(analyzer, "krungthep fon tok nak mak", "tanon nai tuam")
