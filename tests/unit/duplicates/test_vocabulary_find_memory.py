"""`Vocabulary.find` remembers its last results (branch h-write): what it gives, first time or
remembered, is exactly the scan of the text, every call gives a fresh iterator, and the duplicate
analysis and the stored search terms are the same with the memory cold or warm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum import search_text
from forum.duplicates.features import Analyzer, Vocabulary
from forum.text import normalize

DATA = Path(__file__).resolve().parents[3] / "forum/duplicates/data"
TEXTS = [
    "vios น้ำมันเครื่อง oil 5w-30",
    "แอร์ไม่เย็น ฮอนด้า ซิตี้ 2019 คอมแอร์ตัด",
    "Hilux Revo alternator whining at idle, battery new",
    "รถสั่นตอนเหยียบเบรก วีออส จานเบรกคด",
    "",
    "no vocabulary words here at all",
]


def scan(vocabulary: Vocabulary, text: str) -> list:
    """The vocabulary forms of a text, found without any memory (as before h-write)."""
    return [(m.start(), m.end(), vocabulary.form_to_concept[vocabulary._keys[int(m.lastgroup[1:])]])
            for m in vocabulary._regex.finditer(text)]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.default()


def queries(n: int = 150) -> list[dict]:
    rows = [json.loads(line) for line in open(DATA / "queries.jsonl", encoding="utf-8")]
    return [r for r in rows if r.get("split") != "holdout"][:n]


def test_found_forms_are_the_scan_cold_and_remembered(vocabulary):
    texts = [normalize(t) for t in TEXTS] + [normalize(f"{q['title']} {q.get('body') or ''}") for q in queries()]
    vocabulary._found.cache_clear()
    for text in texts + texts[::-1]:  # the second time round, from the memory
        assert list(vocabulary.find(text)) == scan(vocabulary, text)
    assert vocabulary._found.cache_info().hits > 0


def test_each_call_gives_a_fresh_iterator(vocabulary):
    text = normalize(TEXTS[0])
    first = vocabulary.find(text)
    next(first)  # partly consumed
    assert list(vocabulary.find(text)) == scan(vocabulary, text)
    assert len(list(first)) == len(scan(vocabulary, text)) - 1


def test_analysis_and_search_terms_are_the_same_cold_or_warm(vocabulary):
    analyzer = Analyzer(vocabulary)

    def run() -> list:
        out = []
        for q in queries(80):
            vocabulary._found.cache_clear()  # cold for this post
            cold = (repr(analyzer.analyze(q["title"], q.get("body") or "")),
                    search_text.index_terms(q["title"], q.get("body") or ""))
            warm = (repr(analyzer.analyze(q["title"], q.get("body") or "")),
                    search_text.index_terms(q["title"], q.get("body") or ""))
            assert warm == cold
            out.append(cold)
        return out

    assert run() == run()
