"""Fourteenth pass (h-dups15): romanised spellings of Thai vocabulary forms (ROMANISED_FORMS)."""

from __future__ import annotations

import pytest

from forum.duplicates.features import ROMANISED_FORMS, Analyzer, Vocabulary, _form_key


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_every_line_names_a_thai_form_of_the_vocabulary():
    vocabulary = Vocabulary.default()
    for line in ROMANISED_FORMS.splitlines():
        thai, forms = line.split(" : ", 1)
        assert _form_key(thai) in vocabulary.form_to_concept, thai
        assert all(f.strip() and f.strip().isascii() for f in forms.split(",")), line


def concepts(analyzer: Analyzer, text: str) -> set[str]:
    return {c for names in analyzer.analyze(text, "").concepts.values() for c in names}


def test_a_romanised_spelling_gets_its_thai_forms_concepts(analyzer):
    roman = concepts(analyzer, "pajero sport fai na pad kra prib wub wab tawn klang kuen")
    thai = concepts(analyzer, "ปาเจโร่สปอร์ต ไฟหน้าปัดกระพริบ ตอนกลางคืน")
    assert {"part.dashboard", "sym.flicker", "cond.night"} <= roman
    # "fai na" + "pad" would read as a headlight and a brake pad
    assert "part.brake_pad" not in roman and "part.headlight" not in roman
    assert roman == thai


def test_short_keys_and_shared_keys_are_reached(analyzer):
    found = concepts(analyzer, "dok bia finance rot mue song ja pen yang ngai krub")
    assert {"topic.finance", "word.used"} <= found
    assert "part.key" in concepts(analyzer, "almera bid kunjae laew mee tae siang chaek chaek")


def test_an_english_text_never_reads_them(analyzer):
    text = "The brake pad on my Civic squeals when the dashboard light comes on"
    assert analyzer.is_romanised(text) is False
    assert "part.brake_pad" in concepts(analyzer, text)
    assert Analyzer(romanised=False).analyze(text, "").weights == analyzer.analyze(text, "").weights
