"""The duplicate score of a pair does not depend on the board around it (issue 17), the fixed
reference weights behind it, the side-of-car concepts, and the relevance floor of suggestions
(a thread that shares only the car with the question is not suggested, issue 14)."""

from __future__ import annotations

import pytest

from forum.duplicates import DUPLICATE_THRESHOLD, DuplicateIndex
from forum.duplicates.service import DuplicateSettings
from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses
from forum.duplicates.weights import ReferenceWeights

OIL = ("oil", "maintenance", "น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโลครับ Yaris 2020",
       "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมืองเป็นหลัก ศูนย์บอกทุก 10,000 กม. แต่เพื่อนบอกควรเปลี่ยนทุก 5,000 กม.")
INTRO = ("intro", "general", "แนะนำตัวค่ะ สมาชิกใหม่จากขอนแก่น",
         "สวัสดีค่ะ เพิ่งออกรถ Yaris Ativ มาเดือนที่แล้ว ฝากตัวด้วยนะคะ")
BATTERY = ("battery", "electrical", "Battery dies after a week parked - Fortuner 2019",
           "My Fortuner's battery goes flat if I leave the car for about a week. The battery is 2 years old.")
CHAMP_REAR = ("champ", "tyres_brakes", "Hilux Champ ยางหลังสึกเร็วผิดปกติ",
              "ไฮลักซ์แชมป์บรรทุกของทุกวัน ยางหลังสึกเร็วมาก 2 หมื่นโลดอกเกือบหมด")
THREADS = [OIL, INTRO, BATTERY, CHAMP_REAR]

QUERIES = [
    ("Yaris 2020 oil change: every 5,000 or 10,000 km?", "Fully synthetic oil, mostly city driving."),
    ("ฟอร์จูนเนอร์ จอดทิ้งไว้อาทิตย์เดียวแบตหมด", "แบตอายุสองปี เป็นที่แบตหรือมีไฟรั่ว"),
    ("Hilux Champ rear tyres wear out fast", "I carry loads every day, rear tyres nearly bald at 20,000 km."),
]


def small_board() -> DuplicateIndex:
    index = DuplicateIndex()
    index.build([{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in THREADS], progress=False)
    return index


@pytest.fixture(scope="module")
def big_board() -> DuplicateIndex:
    """The same threads among 20,000 synthetic ones (the benchmarks' generator)."""
    index = small_board()
    generator = Generator(index.analyzer, seed=3)
    pool = build_pool(generator, index.analyzer, 300)
    index.add_many((f"x{i}", c, a, None) for i, c, a, _ in synthetic_analyses(generator, pool, 20_000, 0))
    return index


@pytest.mark.parametrize("title, body", QUERIES)
def test_a_pair_scores_the_same_on_a_board_of_four_threads_and_of_twenty_thousand(big_board, title, body):
    small = small_board().query(title, body, k=1, min_score=0.0)[0]
    big = {m.id: m.score for m in big_board.query(title, body, k=10, min_score=0.0)}
    assert small.score >= DUPLICATE_THRESHOLD
    assert big[small.id] == pytest.approx(small.score, abs=1e-3)
    assert big_board.duplicate_of(big_board.query(title, body)).id == small.id


def test_the_score_survives_the_board_changing_after_the_thread_was_added():
    index = small_board()
    before = index.query(*QUERIES[0], min_score=0.0)[0]
    for n in range(300):  # the board's own statistics move a lot; the pair's score does not
        index.add(f"n{n}", "maintenance", f"Yaris น้ำมันเครื่อง เรื่องที่ {n}", f"ทริป {n} ร้าน{n}x")
    index.optimize()
    after = {m.id: m.score for m in index.query(*QUERIES[0], k=20, min_score=0.0)}
    assert after[before.id] == pytest.approx(before.score, abs=1e-3)


def test_sharing_only_the_car_is_below_the_suggestion_floor():
    # The live box once offered a self-introduction (it names a Yaris) for an oil question.
    index = small_board()
    floor = DuplicateSettings().suggest_threshold
    for title in ("น้ำมันเครื่อง Yaris เปลี่ยนกี่โล", "oil change interval for my Yaris Ativ",
                  "เปลี่ยนน้ำมันเครื่อง Yaris Ativ ที่ศูนย์ ราคาเท่าไหร่"):
        scores = {m.id: m.score for m in index.query(title, "", k=5, min_score=0.0)}
        assert scores["oil"] >= floor
        assert scores.get("intro", 0.0) < floor
    assert [m.id for m in index.query("oil change interval for my Yaris Ativ", "", min_score=floor)] == ["oil"]


def test_the_other_side_of_the_car_is_another_question():
    index = small_board()
    same = index.query("ยางหลัง Hilux Champ สึกไว", "บรรทุกหนักทุกวัน ยางหลังหมดดอกเร็ว", min_score=0.0)
    other = index.query("ยางหน้า Hilux Champ สึกไว", "บรรทุกหนักทุกวัน ยางหน้าหมดดอกเร็ว", min_score=0.0)
    assert same[0].id == other[0].id == "champ"
    assert same[0].score >= DUPLICATE_THRESHOLD > other[0].score


def test_reference_weights_weigh_unknown_terms_most_and_round_trip():
    weights = ReferenceWeights(100, {"@brand.toyota": 40, "เบรก": 10, "rare": 1})
    assert weights.idf("@brand.toyota") < weights.idf("เบรก") < weights.idf("rare") < weights.idf("a123x")
    again = ReferenceWeights.parse(weights.dump())
    assert again.docs == 100 and again.df == weights.df
    with pytest.raises(ValueError, match="docs"):
        ReferenceWeights.parse("term\t3\n")
    shipped = ReferenceWeights.default()
    assert shipped.docs > 1000 and shipped.idf("@brand.toyota") < shipped.unknown


# A broader thread: it names everything the short question names (the Civic, tyres, pulling)
# and much else besides (brakes, drums, a claim, the dealer, uphill driving).
BROAD = ("broad", "tyres_brakes", "Civic ยางสึก รถดึง เบรกดรัม เคลมประกัน",
         "ซีวิค ขึ้นเขาแล้วรถดึงซ้าย ยางสึก เบรกดรัมหลังมีเสียง ศูนย์บอกต้องเคลมประกัน "
         "ค่าเสียหายส่วนแรกเท่าไหร่ ผ้าเบรกหน้าก็หมด")
NARROW = ("narrow", "tyres_brakes", "Civic รถดึงซ้าย ยางสึกไม่เท่ากัน", "ซีวิคขับทางตรงแล้วรถดึงไปทางซ้าย ยางสึกไม่เท่ากัน")


def test_a_thread_that_talks_about_much_else_is_not_a_confident_duplicate_of_a_short_question():
    index = DuplicateIndex()
    index.build([{"id": BROAD[0], "category": BROAD[1], "title": BROAD[2], "body": BROAD[3]}], progress=False)
    query = ("Civic pulls to the left, tyres wearing unevenly", "")
    broad = index.query(*query, min_score=0.0)[0]
    index.add(*NARROW)
    narrow = {m.id: m.score for m in index.query(*query, min_score=0.0)}
    assert narrow["narrow"] >= DUPLICATE_THRESHOLD  # the thread that asks the same thing
    assert broad.score == pytest.approx(narrow["broad"], abs=1e-3)
    assert broad.score < DUPLICATE_THRESHOLD and broad.score < narrow["narrow"] - 0.1
