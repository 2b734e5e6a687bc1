"""Question intents, conditions, cross-language twins and the suggestion floor."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from forum.duplicates import DUPLICATE_THRESHOLD, SUGGESTION_MIN_SCORE, DuplicateIndex
from forum.duplicates.cli import duplicates
from forum.duplicates.features import Analyzer

from .small_index import build_index

THREADS = [
    ("a1", "maintenance", "Triton timing belt replacement cost",
     "The garage quoted me for a timing belt job on my 2.4 Triton. How much did you pay at a dealer or shop?"),
    ("a2", "maintenance", "Almera ไส้กรองแอร์ เปลี่ยนเองยังไง อยู่ตรงไหน",
     "อยากเปลี่ยนกรองแอร์ Almera เอง ไม่อยากเข้าศูนย์ ต้องถอดลิ้นชักหน้ารถไหม มีขั้นตอนไหม"),
    ("a3", "maintenance", "ไฮลักซ์ รีโว่ ความร้อนขึ้นตอนขึ้นเขา",
     "รีโว่ 2.4 ขึ้นดอยแล้วเข็มความร้อนขึ้นเกือบแดง ทางราบปกติ"),
    ("a4", "maintenance", "Ranger 2.0 bi-turbo white smoke at cold start",
     "Ford Ranger 2.0 bi-turbo blows white smoke for a minute on cold mornings, then it clears."),
    ("a5", "electrical", "MG ZS EV ชาร์จ DC ไม่ได้ แต่ AC ได้",
     "เอ็มจีแซดเอสอีวี ไปตู้ชาร์จเร็ว DC แล้วชาร์จไม่เข้า แต่ชาร์จ AC ที่บ้านได้ปกติ"),
    ("a6", "electrical", "ยาริส แบตหมดทุกเช้า ต้องพ่วงตลอด",
     "ยาริส 2018 จอดข้ามคืนแล้วตอนเช้าแบตหมด สตาร์ทไม่ติด ต้องพ่วงแบตทุกวัน"),
    ("a7", "tyres_brakes", "Revo steering wheel shakes when braking at speed",
     "Braking from 100 km/h in my Hilux Revo makes the steering wheel shake. Warped discs?"),
    ("a8", "insurance_finance", "ประกันชั้น 1 ยาริส เจ้าไหนถูกและเคลมง่าย",
     "ยาริสประกันปีแรกจะหมด อยากต่อประกันชั้นหนึ่งที่เบี้ยถูกและเคลมง่าย"),
    ("a9", "travel", "Driving to Malaysia with a Thai car: documents?",
     "Planning to drive my Fortuner across at Sadao. Which documents and insurance do I need?"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def score_of(matches, thread_id) -> float:
    return next((m.score for m in matches if m.id == thread_id), 0.0)


# ------------------------------------------------------------------ question intents
def test_intent_concepts_in_both_languages():
    analyzer = Analyzer()
    cases = {
        "intent.cost": ["ราคาเท่าไหร่", "how much does it cost", "กี่บาท"],
        "intent.interval": ["ทุกกี่โล", "how often", "เปลี่ยนเมื่อไหร่"],
        "intent.howto": ["ทำยังไง", "how do i", "ขั้นตอน"],
        "intent.where_buy": ["ซื้อที่ไหน", "where can i buy", "ร้านไหนมี"],
        "intent.recommend": ["ยี่ห้อไหนดี", "which brand", "รุ่นไหนดี"],
    }
    for intent, forms in cases.items():
        for form in forms:
            assert intent in analyzer.analyze(form).concepts.get("intent", ()), form


def test_intent_mismatch_lowers_the_score(index):
    same = index.query("ไทรทัน เปลี่ยนสายพานราวลิ้น ค่าใช้จ่ายเท่าไหร่", "อู่ให้ราคามา แพงไปไหม")
    other = index.query("Triton timing belt: how many km before replacing?", "When is the timing belt due?")
    assert same[0].id == "a1" and same[0].score >= DUPLICATE_THRESHOLD
    assert score_of(other, "a1") < DUPLICATE_THRESHOLD
    assert score_of(other, "a1") < same[0].score - 0.1


def test_how_to_vs_where_to_buy(index):
    howto = index.query("How to change the cabin air filter on a Nissan Almera myself", "behind the glovebox?")
    buy = index.query("ซื้อไส้กรองแอร์ Almera แท้ได้ที่ไหน", "ร้านไหนมีขาย สั่งออนไลน์ที่ไหนดี")
    assert howto[0].id == "a2" and index.duplicate_of(howto) is not None
    assert score_of(buy, "a2") < DUPLICATE_THRESHOLD


# ------------------------------------------------------------------ neighbouring problems
def test_condition_mismatch_lowers_the_score(index):
    uphill = index.query("Revo overheating when climbing a mountain road", "temp gauge near red going up the doi")
    traffic = index.query("ไฮลักซ์ รีโว่ ความร้อนขึ้นตอนรถติด", "รถติดนานๆ เข็มความร้อนขึ้น")
    assert uphill[0].id == "a3"
    assert score_of(traffic, "a3") < uphill[0].score
    assert index.duplicate_of(traffic) is None


def test_smoke_colour_and_charging_type_are_different_problems(index):
    black = index.query("Ranger 2.0 bi-turbo black smoke when accelerating", "blows black smoke when I floor it")
    assert index.duplicate_of(black) is None
    white = index.query("แรนเจอร์ ควันขาว ตอนสตาร์ทเช้า", "สตาร์ทเช้าๆ มีควันขาวออกท่อแป๊บนึงแล้วหาย")
    assert white[0].id == "a4" and index.duplicate_of(white) is not None
    slow_ac = index.query("MG ZS EV ชาร์จ AC ที่บ้านช้ามาก", "ชาร์จไฟบ้าน 10 ชั่วโมงยังไม่เต็ม")
    assert index.duplicate_of(slow_ac) is None


# ------------------------------------------------------------------ cross-language twins
@pytest.mark.parametrize("title, body, expected", [
    ("My Yaris battery is dead every morning", "have to jump start it every day, won't start", "a6"),
    ("ไทรทัน เปลี่ยนสายพานราวลิ้น ราคาเท่าไหร่", "", "a1"),
    ("รีโว่ เบรกแรงๆ ที่ความเร็วสูงแล้วพวงมาลัยสั่น", "จานเบรกคดหรือเปล่า", "a7"),
    ("Cheapest first-class insurance for a Yaris with easy claims?", "renewing after the first year", "a8"),
    ("ขับรถไปมาเลเซีย ใช้เอกสารอะไรบ้าง", "ฟอร์จูนเนอร์ ข้ามด่านสะเดา", "a9"),
])
def test_cross_language_twins_pass_the_threshold(index, title, body, expected):
    matches = index.query(title, body)
    assert matches[0].id == expected
    assert index.duplicate_of(matches) is not None


def test_script_share_of_plain_words():
    analyzer = Analyzer()
    assert analyzer.analyze("Revo brakes squeal when stopping", "pads replaced last month").script == 0.0
    assert analyzer.analyze("รีโว่ เบรกดังตอนจะจอด", "เพิ่งเปลี่ยนผ้าเบรกเดือนที่แล้ว").script == 1.0
    assert analyzer.analyze("Yaris", "").script is None  # concepts only: no plain words


def test_cross_script_scoring_keeps_word_ties_in_order():
    idx = DuplicateIndex()
    idx.build([(f"r{n}", "travel", f"ทริปเขาใหญ่ รอบที่ {n}", f"รวมพลสมาชิก code{n}x") for n in range(5)],
              progress=False)
    assert idx.query("Khao Yai trip", "code3x")[0].id == "r3"


# ------------------------------------------------------------------ suggestion floor
def test_min_score_filters_weak_matches(index):
    weak_all = index.query("Best car wash shampoo for a Toyota", "", min_score=0.0)
    assert weak_all and max(m.score for m in weak_all) < SUGGESTION_MIN_SCORE
    assert index.query("Best car wash shampoo for a Toyota", "") == []
    strong = index.query("ยาริสแบตหมดทุกเช้า", "ต้องพ่วงแบตทุกวัน")
    assert strong and all(m.score >= SUGGESTION_MIN_SCORE for m in strong)
    assert all(m.score >= 0.5 for m in index.query("ยาริสแบตหมดทุกเช้า", "", min_score=0.5))


def test_check_command_applies_the_floor_and_keeps_the_format(tmp_path):
    threads = tmp_path / "threads.jsonl"
    queries = tmp_path / "queries.jsonl"
    threads.write_text("".join(json.dumps({"id": i, "category": c, "title": t, "body": b}, ensure_ascii=False) + "\n"
                               for i, c, t, b in THREADS), encoding="utf-8")
    queries.write_text(json.dumps({"id": "w", "category": "general", "title": "Best car wash shampoo for a Toyota", "body": ""},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(duplicates, ["check", "--threads", str(threads), "--queries", str(queries)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": "w", "matches": [], "duplicate_of": None}
    loose = CliRunner().invoke(duplicates, ["check", "--threads", str(threads), "--queries", str(queries),
                                            "--min-score", "0"])
    record = json.loads(loose.stdout)
    assert set(record) == {"id", "matches", "duplicate_of"} and 0 < len(record["matches"]) <= 5
