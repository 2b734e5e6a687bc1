"""(fifteenth pass) Positions on the car (`Analysis.sides`, the verifier's `side_mismatch`) and the
titles' character-trigram sketch (`title_sketch_overlap`)."""

from __future__ import annotations

import pytest

from forum.duplicates.features import TITLE_SKETCH, Analyzer, sides_in, sketch_overlap, title_sketch
from forum.duplicates.index import DuplicateIndex
from forum.duplicates.verifier import FEATURES


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize("title, body, sides", [
    ("ที่ฉีดน้ำกระจกหลังไม่ออก", "", {"side.rear"}),
    ("Rumbling from the back right wheel", "", {"side.rear", "side.right"}),
    ("Jazz power window stuck on the driver's side", "", {"side.right"}),
    ("Yaris อยากติด sensor หน้ารถเพิ่ม", "", {"side.front"}),
    ("Ranger windscreen washer not spraying", "", {"side.front"}),  # the windscreen is at the front
    ("ปีหน้าเบี้ยประกันขึ้นไหม หลังจากเคลม", "", set()),  # "next year", "after": no position
])
def test_sides(analyzer, title, body, sides):
    assert set(analyzer.analyze(title, body).sides) == sides


def test_named_position_wins_over_the_part_default(analyzer):
    # a rear washer is not at the front although washers default to the windscreen
    assert analyzer.analyze("rear washer on my Ranger", "").sides == frozenset({"side.rear"})


def test_romanised_positions_only_after_a_part():
    assert sides_in("krajok lang taek", roman=True) == frozenset({"side.rear"})
    assert sides_in("sai nam man", roman=True) == frozenset()
    assert sides_in("krajok lang taek", roman=False) == frozenset()


def test_title_sketch():
    a = title_sketch("Jazz driver window dead")
    assert len(a) == TITLE_SKETCH and a == title_sketch("jazz  driver window DEAD")
    assert sketch_overlap(a, a) == 1.0
    assert title_sketch("") == b"" and sketch_overlap(a, b"") == 0.0
    near = sketch_overlap(a, title_sketch("Jazz driver window won't move"))
    far = sketch_overlap(a, title_sketch("ประกันชั้นหนึ่งราคาเท่าไหร่"))
    assert near > far


def _features(index: DuplicateIndex, title: str) -> dict[str, float]:
    feats: list = []
    assert index.query(title, "", features=feats)
    return dict(zip(FEATURES, feats[0]))


def test_side_mismatch_and_sketch_in_the_index_and_its_state(analyzer):
    index = DuplicateIndex(analyzer, verifier=None)
    index.add("t1", "c", "Vios rear brake pads worn out", "Rear pads on my Vios are gone at 30,000 km.")
    other = _features(index, "Vios front brake pads worn out")
    same = _features(index, "Vios rear brake pads worn out")
    assert other["side_mismatch"] == 1.0 and same["side_mismatch"] == 0.0
    assert same["title_sketch_overlap"] == 1.0 and 0.0 < other["title_sketch_overlap"] < 1.0
    again = DuplicateIndex.from_state(index.to_state(), analyzer)
    again.verifier = None
    assert _features(again, "Vios front brake pads worn out") == other
