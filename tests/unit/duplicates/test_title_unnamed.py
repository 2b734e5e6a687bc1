"""Twenty-second pass (h-dups23): the pair verifier's features for what one title names that the
other text does not name at all (a near miss that moves the question to another position, model or
item): `query_title_unnamed`, `thread_title_unnamed`."""

from __future__ import annotations

from .small_index import pair_features


def features(thread: tuple[str, str], title: str, body: str = "") -> dict[str, float]:
    return pair_features(thread, title, body, category="tyres_brakes")


REAR = ("Fortuner ยางหลังสึกเร็ว", "ฟอร์จูนเนอร์ ยางหลังสึกด้านในมากกว่าด้านนอก")


def test_a_swapped_position_in_the_title_fires():
    moved = features(REAR, "Fortuner ยางหน้าสึกเร็ว", "ฟอร์จูนเนอร์ ยางหน้าสึกด้านใน")
    assert moved["query_title_unnamed"] == 1.0 and moved["thread_title_unnamed"] == 1.0


def test_a_reworded_duplicate_does_not_fire():
    same = features(REAR, "Fortuner ยางหลังกินขอบใน", "ยางหลังสึกด้านใน ต้องตั้งศูนย์ไหม")
    assert same["query_title_unnamed"] == 0.0 and same["thread_title_unnamed"] == 0.0


def test_another_model_in_the_title_fires():
    thread = ("Vios headlight dim", "My Vios headlights are dim at night")
    other = features(thread, "Yaris headlight dim", "My Yaris headlights are dim")
    assert other["query_title_unnamed"] >= 1.0 and other["thread_title_unnamed"] >= 1.0
    assert features(thread, "Vios headlights dim at night", "")["query_title_unnamed"] == 0.0
