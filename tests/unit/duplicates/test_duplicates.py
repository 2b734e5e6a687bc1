"""Behaviour of the duplicate-thread detector (no database)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from forum.duplicates import DUPLICATE_THRESHOLD, DuplicateIndex, Match
from forum.duplicates.cli import duplicates
from forum.duplicates.features import Analyzer

from .small_index import build_index

THREADS = [
    ("t1", "electrical", "ยาริส แบตหมดทุกเช้า ต้องพ่วงตลอด",
     "ยาริส 2018 จอดข้ามคืนแล้วตอนเช้าแบตหมด สตาร์ทไม่ติด ต้องพ่วงแบตทุกวัน แบตเพิ่งเปลี่ยนปีที่แล้ว"),
    ("t2", "tyres_brakes", "Hilux Revo brakes squeal when stopping",
     "My 2020 Revo squeals when I lightly brake just before stopping. Pads were replaced 3 months ago."),
    ("t3", "maintenance", "Fortuner diesel engine oil change interval",
     "How often should I change the engine oil on a 2.8 Fortuner diesel? The manual says 10,000 km."),
    ("t4", "accessories", "ฟิล์มกรองแสง Civic ยี่ห้อไหนดี", "ซีวิคใหม่ อยากติดฟิล์มเซรามิกกันร้อน งบไม่เกินหมื่น"),
    ("t5", "insurance_finance", "ประกันชั้น 1 ยาริส เจ้าไหนถูก", "ยาริสประกันปีแรกจะหมด อยากต่อประกันชั้นหนึ่งที่เบี้ยถูกและเคลมง่าย"),
    ("t6", "tyres_brakes", "Revo steering wheel shakes when braking at speed",
     "Braking from 100 km/h in my Hilux Revo makes the steering wheel shake. Warped discs?"),
    ("t7", "maintenance", "Civic เช็คระยะ 40,000 กม. เปลี่ยนอะไรบ้าง",
     "ซีวิคใกล้ครบ 4 หมื่นโล ระยะนี้ต้องเปลี่ยนน้ำมันเกียร์ ผ้าเบรก หรือกรองอะไรบ้าง"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def top(matches: list[Match]):
    return matches[0].id if matches else None


def test_thai_query_finds_thai_thread(index):
    matches = index.query("ยาริสแบตหมดตอนเช้าทุกวันเลยครับ", "ต้องพ่วงแบตทุกเช้า สตาร์ทไม่ติด")
    assert top(matches) == "t1"
    assert index.duplicate_of(matches) is not None


def test_english_query_finds_english_thread(index):
    assert top(index.query("Revo brake pads squeak when I stop", "Hilux Revo squealing brakes")) == "t2"


def test_cross_language_twins(index):
    # English question finds the Thai thread, Thai question finds the English one
    assert top(index.query("My Yaris battery is dead every morning", "need a jump start every day")) == "t1"
    assert top(index.query("ฟอร์จูนเนอร์ดีเซล เปลี่ยนน้ำมันเครื่องทุกกี่โล", "")) == "t3"
    assert top(index.query("Window tint for my new Civic, which brand?", "ceramic film")) == "t4"


def test_mixed_thai_english_query(index):
    assert top(index.query("รีโว่ brake มีเสียงเอี๊ยด ตอนจะจอด", "pads เพิ่งเปลี่ยน")) == "t2"


def test_other_model_scores_below_threshold(index):
    matches = index.query("แคมรี่ แบตหมดทุกเช้า ต้องพ่วงตลอด", "แคมรี่จอดข้ามคืนแล้วแบตหมด สตาร์ทไม่ติด")
    assert all(m.score < DUPLICATE_THRESHOLD for m in matches)
    assert index.duplicate_of(matches) is None
    same = index.query("ยาริส แบตหมดทุกเช้า ต้องพ่วงตลอด", "ยาริสจอดข้ามคืนแล้วแบตหมด สตาร์ทไม่ติด")
    assert same[0].score >= DUPLICATE_THRESHOLD
    other = next((m.score for m in matches if m.id == "t1"), 0.0)
    assert other < same[0].score - 0.2


def test_neighbouring_symptom_ranks_below_exact_problem(index):
    # squeal vs shaking, same car and part: each finds its own thread first
    assert top(index.query("Revo brakes squeal", "")) == "t2"
    assert top(index.query("Revo brakes vibrate and shake", "")) == "t6"


def test_scores_in_unit_interval_and_sorted(index):
    matches = index.query("ยาริส ประกันชั้น1", "first class insurance Yaris battery", k=5)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len(matches) <= 5


def test_incremental_add_is_findable_without_rebuild():
    idx = DuplicateIndex(tail_size=4)
    idx.build([{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in THREADS], progress=False)
    segments_before = len(idx._segments)
    idx.add("new1", "electrical", "MG4 ชาร์จไฟบ้านไม่เข้า", "เอ็มจี4 เสียบสายชาร์จที่บ้านแล้วไม่เข้า ไฟกระพริบแดง")
    assert len(idx) == len(THREADS) + 1
    assert top(idx.query("MG4 won't charge at home", "plugged in the home charger, nothing")) == "new1"
    # more adds: tail frozen into segments and merged, every thread still findable
    for n in range(10):
        idx.add(f"bulk{n}", "general", f"ทริปเขาใหญ่ ครั้งที่ {n} ลงชื่อ", f"รวมพลสมาชิกรอบ {n} round{n}x")
    assert len(idx._segments) >= segments_before
    assert top(idx.query("ทริปเขาใหญ่", "round7x")) == "bulk7"
    assert top(idx.query("MG4 won't charge at home", "")) == "new1"


def test_removed_thread_never_suggested(index):
    idx = DuplicateIndex(tail_size=2)
    for i, c, t, b in THREADS:
        idx.add(i, c, t, b)
    assert top(idx.query("Revo brake squeal", "")) == "t2"
    assert idx.remove("t2") is True
    assert idx.remove("t2") is False
    for _ in range(2):
        assert "t2" not in [m.id for m in idx.query("Revo brake squeal", "Hilux Revo squeals", k=10)]
        idx.optimize()  # also after the postings are purged
    assert len(idx) == len(THREADS) - 1


def test_re_adding_an_id_replaces_the_thread():
    idx = DuplicateIndex()
    idx.add("x", "general", "Yaris battery dead", "")
    idx.add("x", "general", "Camry aircon not cold", "")
    assert len(idx) == 1
    assert top(idx.query("แคมรี่ แอร์ไม่เย็น", "")) == "x"
    assert idx.query("Yaris battery dead", "") == [] or idx.query("Yaris battery dead", "")[0].score < 0.3


def test_exclude_ids_and_category_filter(index):
    assert "t1" not in [m.id for m in index.query("ยาริสแบตหมด", "", exclude_ids=["t1"])]
    assert all(index.category_of(m.id) == "tyres_brakes"
               for m in index.query("Revo brake", "", category="tyres_brakes"))
    assert index.query("Revo brake", "", category="no-such-category") == []


def test_same_author_is_recorded():
    idx = DuplicateIndex()
    idx.add(1, "general", "Yaris battery", "", author_id=42)
    assert idx.author_of(1) == 42 and idx.author_of(2) is None


def test_empty_index_and_empty_query():
    idx = DuplicateIndex()
    assert idx.query("anything", "") == []
    idx.add(1, "general", "Yaris battery", "")
    assert idx.query("", "") == []


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("แบตหมดมากกกกก", "แบตหมดมาก"),  # repeated Thai letters
        ("ยาริส ๒๐๑๘", "ยาริส 2018"),  # Thai digits
        ("ยา\u200bริส แบ\u200bต", "ยาริส แบต"),  # zero-width characters
        ("ฟอร์ จูน เนอร์", "ฟอร์จูนเนอร์"),  # stray spaces inside a Thai word
        ("ＹＡＲＩＳ Battery", "yaris battery"),  # full-width and case
    ],
)
def test_normalisation_gives_same_features(variant, canonical):
    analyzer = Analyzer()
    assert analyzer.analyze(variant).weights == analyzer.analyze(canonical).weights


def test_repeated_latin_letters_keep_concepts():
    analyzer = Analyzer()
    assert analyzer.analyze("yaris batteryyyyy deaddddd").concepts == analyzer.analyze("yaris battery dead").concepts


def test_vocabulary_maps_thai_and_english_to_same_concepts():
    analyzer = Analyzer()
    pairs = [("ยาริส", "Yaris"), ("ฟอร์จูนเนอร์", "Fortuner"), ("ซีวิค", "Civic"), ("แคมรี่", "Camry"),
             ("ไฮลักซ์ รีโว่", "Hilux Revo"), ("อีซูซุ ดีแม็กซ์", "Isuzu D-Max"), ("เอ็มจี", "MG"),
             ("แบตเตอรี่", "battery"), ("แบต", "battery"), ("ยาง", "tyre"), ("ยาง", "tire"),
             ("น้ำมันเครื่อง", "engine oil"), ("เช็คระยะ", "periodic service"), ("เบรก", "brake"),
             ("ผ้าเบรก", "brake pads"), ("แอร์", "air-con"), ("เกียร์", "gearbox")]
    for thai, english in pairs:
        th, en = analyzer.analyze(thai), analyzer.analyze(english)
        assert th.concepts and th.concepts == en.concepts, (thai, english)
    # "อย่าง" (how) must not be read as ยาง (tyre); ทั้งหมด (all) is not a flat battery
    assert "part" not in analyzer.analyze("ทำอย่างไรดี").concepts
    assert "sym" not in analyzer.analyze("ทั้งหมดนี้").concepts


def test_typo_in_model_name_still_matches():
    analyzer = Analyzer()
    assert analyzer.analyze("fortunr").concepts.get("model") == {"model.fortuner"}
    assert analyzer.analyze("yarris batery").concepts == analyzer.analyze("yaris battery").concepts


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_check_command_output_format(tmp_path):
    threads = tmp_path / "threads.jsonl"
    queries = tmp_path / "queries.jsonl"
    _write_jsonl(threads, [{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in THREADS])
    _write_jsonl(queries, [
        {"id": "q1", "category": "electrical", "title": "ยาริสแบตหมดทุกเช้าเลยครับ",
         "body": "ยาริสต้องพ่วงแบตทุกวัน สตาร์ทไม่ติด"},
        {"id": 2, "category": "general", "title": "ขับรถไปลาว ใช้เอกสารอะไร", "body": "ด่านหนองคาย"},
    ])
    result = CliRunner().invoke(duplicates, ["check", "--threads", str(threads), "--queries", str(queries)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in lines] == ["q1", 2]
    for record in lines:
        assert set(record) == {"id", "matches", "duplicate_of"}
        assert len(record["matches"]) <= 5
        scores = [m["score"] for m in record["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(set(m) == {"id", "score"} and 0 <= m["score"] <= 1 for m in record["matches"])
    assert lines[0]["matches"][0]["id"] == "t1"
    assert lines[0]["duplicate_of"] == "t1"
    assert lines[1]["duplicate_of"] is None
    # a threshold of 1.0 never flags
    strict = CliRunner().invoke(duplicates, ["check", "--threads", str(threads), "--queries", str(queries),
                                             "--threshold", "1.0"])
    assert all(json.loads(line)["duplicate_of"] is None for line in strict.stdout.splitlines())


def test_check_command_rejects_bad_input(tmp_path):
    threads = tmp_path / "threads.jsonl"
    threads.write_text('{"id": 1, "category": "x", "title": "a"}\n', encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(duplicates, ["check", "--threads", str(threads), "--queries", str(queries)])
    assert result.exit_code != 0
    assert "missing field" in result.output and "body" in result.output


def test_evaluate_command_meets_targets_on_dev_set():
    result = CliRunner().invoke(duplicates, ["evaluate", "--split", "all"])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.startswith("[all]"))
    fields = dict(part.split("=") for part in line.replace("|", " ").split()[1:])
    assert float(fields["recall@5"]) >= 0.95
    assert float(fields["recall@1"]) >= 0.85
    assert float(fields["false_alarm_rate"]) <= 0.10
