"""forum.text.normalize remembers its last results (h-submit): a remembered result is the one the
function computes, and the memory is bounded."""

from __future__ import annotations

from forum.text import normalize

TEXTS = ["มากกกก ๆ ครับ", "SOOOOO good 5555", "Ｆｕｌｌ ｗｉｄｔｈ ๑๒๓", "zero\u200bwidth", "", None, "แอร์ไม่เย็น  แต่แอร์หลังเย็น"]


def test_a_remembered_result_is_the_computed_one():
    normalize.cache_clear()
    fresh = [normalize.__wrapped__(t) for t in TEXTS]
    assert [normalize(t) for t in TEXTS] == fresh  # first calls: computed
    assert [normalize(t) for t in TEXTS] == fresh  # again: remembered
    assert normalize.cache_info().hits >= len(TEXTS)
    assert normalize("มากกกก ๆ ครับ") == "มาก ครับ"


def test_the_memory_is_bounded():
    normalize.cache_clear()
    for i in range(1000):
        normalize(f"post number {i}")
    info = normalize.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize <= 256
