"""Sub-models, negated actions, part qualifiers, new intents/places and romanised Thai (h-dups5)."""

from __future__ import annotations

import pytest

from forum.duplicates import DUPLICATE_THRESHOLD, DuplicateIndex
from forum.duplicates.features import Analyzer, Vocabulary

from .small_index import build_index

THREADS = [
    ("y1", "maintenance", "ยาริส 2019 เช็คระยะ 10,000 กม. ที่ศูนย์ราคาเท่าไหร่ครับ",
     "เพิ่งออกรถยาริสมาครบหมื่นโล อยากทราบว่าเข้าเช็คระยะแรกที่ศูนย์โตโยต้าเสียค่าใช้จ่ายประมาณกี่บาท"),
    ("r1", "tyres_brakes", "Revo steering wheel shakes when braking at speed",
     "Braking from 100 km/h in my Hilux Revo makes the steering wheel shake. Warped discs?"),
    ("c1", "electrical", "Revo กล้องถอยหลังภาพมัว", "รีโว่ กล้องถอยหลังภาพเบลอเป็นฝ้า ตอนกลางคืนแทบมองไม่เห็น"),
    ("o1", "maintenance", "How many litres of engine oil does a Navara 2.3 take?",
     "Doing my first DIY oil change on a 2.3 twin turbo Navara. What is the oil capacity with the filter?"),
    ("x1", "insurance_finance", "ต่อภาษีรถออนไลน์ ต้องใช้อะไรบ้าง",
     "ต่อภาษีรถยนต์ประจำปีผ่านเว็บกรมขนส่ง ต้องเตรียมเอกสารอะไร ป้ายภาษีส่งมาทางไปรษณีย์กี่วัน"),
    ("p1", "maintenance", "Honda City turbo ไส้กรองอากาศเปลี่ยนทุกกี่กิโล", "ซิตี้เทอร์โบ 1.0 ควรเปลี่ยนกรองอากาศทุกกี่กิโล เปลี่ยนเองได้ไหม"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    return build_index(THREADS)


def top(index: DuplicateIndex, title: str, body: str = ""):
    matches = index.query(title, body, k=3, min_score=0.0)
    return matches[0] if matches else None


def test_sub_model_is_another_car_but_stays_a_suggestion(index):
    ativ = top(index, "Ativ เช็คระยะหมื่นโลราคาเท่าไหร่", "ยาริสเอทีฟ ครบ 10,000 กม. เข้าศูนย์ครั้งแรกเสียเงินเท่าไหร่ครับ")
    same = top(index, "Yaris เช็คระยะหมื่นโลราคาเท่าไหร่", "ยาริส ครบ 10,000 กม. เข้าศูนย์ครั้งแรกเสียเงินเท่าไหร่ครับ")
    assert same.id == "y1" and same.score >= DUPLICATE_THRESHOLD
    assert ativ.id == "y1" and 0.20 <= ativ.score < DUPLICATE_THRESHOLD


def test_raptor_and_civic_generations_are_concepts_of_their_own():
    terms = Analyzer().terms("Ranger Raptor or Civic FE or Civic FD")[1]
    assert "model.ranger_raptor" in terms and "model.civic_fe" in terms and "model.civic_fd" in terms


@pytest.mark.parametrize("text", ["steering shakes at 100 km/h without braking",
                                  "shakes even when I am not touching the brakes",
                                  "พวงมาลัยสั่นที่ 100 ทั้งที่ไม่ได้เหยียบเบรก"])
def test_negated_action_is_not_the_action(index, text):
    terms = Analyzer().terms(text)[1]
    assert "part.not_brake" in terms and "part.brake" not in terms
    match = top(index, "Revo " + text)
    assert match.id == "r1" and match.score < DUPLICATE_THRESHOLD


def test_lacking_a_part_is_not_a_negated_part():
    # "ไม่มีเซ็นเซอร์ถอย": the car has none -- the same question as adding sensors.
    assert "part.parking_sensor" in Analyzer().terms("ยาริสรุ่นล่างไม่มีเซ็นเซอร์ถอย")[1]


def test_front_camera_is_not_the_reverse_camera(index):
    match = top(index, "Revo front camera blurry", "รีโว่ กล้องหน้ารถภาพเบลอตอนกลางคืน")
    assert match is None or match.score < DUPLICATE_THRESHOLD
    twin = top(index, "Revo reverse camera picture foggy at night", "The rear camera on my Revo is blurry at night.")
    assert twin.id == "c1" and twin.score >= DUPLICATE_THRESHOLD


def test_oil_grade_is_not_oil_capacity(index):
    terms = Analyzer().terms("Navara 2.3 engine oil 5W-30 or 10W-30?")[1]
    assert "intent.grade" in terms and "part.engine_oil" in terms
    match = top(index, "Navara 2.3 engine oil: 5W-30 or 10W-30?", "Which viscosity for a 2.3 twin turbo Navara?")
    assert match.score < DUPLICATE_THRESHOLD


def test_tax_at_seven_eleven_is_not_tax_online(index):
    match = top(index, "ต่อภาษีรถที่เซเว่น ต้องใช้อะไรบ้าง", "จะไปต่อภาษีรถประจำปีที่ 7-Eleven ต้องเอาเอกสารอะไรไป")
    assert match is None or match.id != "x1" or match.score < DUPLICATE_THRESHOLD


def test_romanised_thai_finds_its_thread(index):
    match = top(index, "city turbo krong akat plian gee km", "honda city turbo tong plian sai krong akat took gee kilo")
    assert match.id == "p1" and match.score >= DUPLICATE_THRESHOLD


def test_known_concept_line_adds_forms_and_conflicting_implies_fail():
    vocab = Vocabulary("brand.toyota : toyota\nmodel.yaris > brand.toyota : yaris\nmodel.yaris : ยาริส\n")
    assert vocab.concepts["model.yaris"].implies == ("brand.toyota",)
    assert vocab.form_to_concept["ยาริส"] == "model.yaris"
    with pytest.raises(ValueError):
        Vocabulary("brand.toyota : toyota\nbrand.honda : honda\nmodel.yaris > brand.toyota : yaris\n"
                   "model.yaris > brand.honda : ยาริส\n")


def test_reference_corpus_leaves_out_posts_quoting_held_out_queries(tmp_path):
    import json

    from forum.duplicates.weights import reference_texts

    held_out = next(q for q in map(json.loads, open("forum/duplicates/data/queries.jsonl", encoding="utf-8"))
                    if q["split"] == "fresh5" and len(q["body"]) >= 20)
    corpus = tmp_path / "moderation" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "train.jsonl").write_text(
        json.dumps({"text": "ถามหน่อยครับ " + held_out["body"], "labels": []}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "รถใครเคยเป็นแบบนี้บ้าง พัดลมหม้อน้ำไม่หมุนเลย", "labels": []}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    bodies = [body for _, body in reference_texts(tmp_path)]
    assert "รถใครเคยเป็นแบบนี้บ้าง พัดลมหม้อน้ำไม่หมุนเลย" in bodies
    assert not any(held_out["body"] in body for body in bodies)
