"""Eighteenth pass (h-dups19): the pair verifier reads how alike the two whole texts are letter by
letter (a MinHash of their character trigrams, stored per thread), for a pair in one script."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.features import TITLE_SKETCH, Analyzer, sketch_overlap
from forum.duplicates.verifier import FEATURES

THREADS = [
    {"id": "t1", "category": "maintenance", "title": "Vios coolant level drops every week",
     "body": "My 2017 Vios loses coolant, I top up the reservoir every week but see no leak on the ground."},
    {"id": "t2", "category": "maintenance", "title": "Hilux Champ ยางหลังสึกเร็วผิดปกติ",
     "body": "ไฮลักซ์แชมป์บรรทุกของทุกวัน ยางหลังสึกเร็วมาก 2 หมื่นโลดอกเกือบหมด"},
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    index = DuplicateIndex(verifier=None)
    index.build(THREADS, progress=False)
    return index


def overlap(index: DuplicateIndex, title: str, body: str) -> float:
    out: list = []
    assert index.query(title, body, features=out)
    return dict(zip(FEATURES, out[0].tolist()))["text_sketch_overlap"]


def test_the_whole_text_has_a_sketch():
    a = Analyzer().analyze("Vios coolant", "drops every week")
    assert len(a.text_sketch) == TITLE_SKETCH and a.text_sketch != a.title_sketch
    assert sketch_overlap(a.text_sketch, a.text_sketch) == pytest.approx(1.0)


def test_a_close_rewording_overlaps_more_than_another_question(index):
    close = overlap(index, "Vios loses coolant every week", "I top up the reservoir each week, no leak on the ground.")
    other = overlap(index, "Vios coolant colour", "Which colour of coolant should go in a 2017 Vios?")
    assert close > other


def test_a_pair_in_two_scripts_reads_zero(index):
    assert overlap(index, "แชมป์ยางหลังสึกเร็ว", "ยางหลังสึกไวมาก") > 0.0
    assert overlap(index, "Champ rear tyres wearing fast", "Hilux Champ rear tyres worn out at 20,000 km") == 0.0


def test_the_sketch_survives_the_snapshot(index):
    state = index.to_state()
    again = DuplicateIndex.from_state(state)
    assert again._text_sketch(0) == index._text_sketch(0) != b""
