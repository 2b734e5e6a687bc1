"""The conflict test's per-query memory (branch h-write): one outcome per candidate signature
(and, when the test reads the thread's whole text, per signature and thread concepts), shared
by the batches of one query, gives exactly the factor of each candidate tested on its own, and
the same matches, scores and verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates.features import Analyzer
from forum.duplicates.index import DuplicateIndex

THREADS = [
    ("t1", "maintenance", "Vios engine oil 0W-20 or 5W-30?", "Which oil for my Vios, the shop says 5W-30."),
    ("t2", "maintenance", "Vios engine oil 0W-20 or 5W-30?", "Which oil for my Vios diesel? 10,000 km since."),
    ("t3", "maintenance", "Yaris oil change interval", "How often should I change the oil on a Yaris hatchback?"),
    ("t4", "maintenance", "Yaris oil change interval", "Every 5,000 km or 10,000 km on the petrol Yaris?"),
    ("t5", "tyres_brakes", "Vios rear brake pads worn out", "Rear pads on my Vios are gone at 30,000 km."),
    ("t6", "tyres_brakes", "Vios front brake pads squeal", "Front pads squeal when braking downhill."),
    ("t7", "tyres_brakes", "รถสั่นตอนเหยียบเบรก วีออส", "เหยียบเบรกแล้วพวงมาลัยสั่น ต้องเปลี่ยนจานเบรกไหม"),
    ("t8", "tyres_brakes", "รถสั่นตอนเหยียบเบรก วีออส", "รถดีเซล เหยียบเบรกแล้วสั่น"),
    ("t9", "electrical", "Jazz battery dead every morning", "New battery, still dead after two days parked."),
    ("t10", "electrical", "แจ๊ส แบตหมดทุกเช้า", "เปลี่ยนแบตใหม่แล้ว จอดสองวันสตาร์ทไม่ติด"),
    ("t11", "electrical", "Hilux Revo alternator noise", "Whining from the alternator on my Revo at idle."),
    ("t12", "electrical", "Hilux Vigo alternator noise", "Whining from the alternator on my Vigo, cold start only."),
    ("t13", "general", "CX-5 hard to start", "Petrol engine, cold mornings."),
    ("t14", "general", "CX-5 hard to start", "Diesel engine, cold mornings."),
    ("t15", "general", "CX-5 hard to start in the morning", "Diesel 2.2, 80,000 km."),
]
QUERIES = [
    ("Vios oil 5W-30 ok?", ""),
    ("Vios diesel oil 0W-20?", "10,000 km"),
    ("Yaris oil change every 5,000 km?", "petrol"),
    ("รถสั่นตอนเบรก", "วีออส เหยียบเบรกแล้วสั่นมาก"),
    ("Jazz battery flat in the morning", "Battery is new"),
    ("Revo alternator whining", "cold start"),
    ("CX-5 diesel hard to start", "cold mornings"),
    ("CX-5 petrol hard to start", "2.0 engine"),
    ("brake pads", "rear pads worn, front fine"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    idx = DuplicateIndex(Analyzer())
    idx.build([{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in THREADS], progress=False)
    return idx


def each_on_its_own(idx: DuplicateIndex, analysis, hits: np.ndarray, detail: np.ndarray) -> list[float]:
    """Each candidate's factor from a call of its own (a fresh memory, nothing shared)."""
    return [float(idx._conflict(analysis, hits[[j]], detail[[j]])[0]) for j in range(len(hits))]


@pytest.mark.parametrize("title, body", QUERIES)
def test_shared_outcomes_are_those_of_each_candidate_on_its_own(index, title, body):
    analysis = index.analyzer.analyze(title, body)
    rows = np.array(sorted(index._row_of.values()), dtype=np.int64)
    hits = np.concatenate([rows, rows[::-1], rows])  # every signature met again, in other orders
    rng = np.random.default_rng(16)
    for detail in (np.zeros(len(hits), dtype=bool), np.ones(len(hits), dtype=bool), rng.random(len(hits)) < 0.5):
        want = each_on_its_own(index, analysis, hits, detail)
        memo: dict = {}
        got = []
        for sel in (slice(0, 7), slice(7, 20), slice(20, None)):  # batches of one query share the memory
            got.extend(index._conflict(analysis, hits[sel], detail[sel], memo).tolist())
        assert got == want


def test_the_queries_exercise_both_kinds_of_memory(index):
    """Some outcomes are kept under the signature alone, some under signature and thread concepts,
    and some candidates are conflicts: the test above compares more than ones."""
    by_signature = by_whole = conflicts = 0
    rows = np.array(sorted(index._row_of.values()), dtype=np.int64)
    for title, body in QUERIES:
        analysis = index.analyzer.analyze(title, body)
        memo: dict = {}
        out = index._conflict(analysis, rows, np.zeros(len(rows), dtype=bool), memo)
        conflicts += int((out < 1.0).sum())
        for key in memo:
            if key == "query":
                continue
            if len(key) == 2 and isinstance(key[1], bytes):
                by_whole += 1
            else:
                by_signature += 1
    assert by_signature and by_whole and conflicts


def test_query_results_are_those_without_the_memory(index, monkeypatch):
    def run() -> list:
        out = []
        for title, body in QUERIES:
            feats: list = []
            out.append((index.query(title, body, k=5, min_score=0.0, features=feats),
                        [f.tolist() for f in feats]))
        return out

    shared = run()
    original = DuplicateIndex._conflict
    monkeypatch.setattr(DuplicateIndex, "_conflict",
                        lambda self, analysis, hits, detail=None, memo=None: original(self, analysis, hits, detail))
    assert run() == shared
