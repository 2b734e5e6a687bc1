"""The query path's per-query shortcuts (branch h-submit) give exactly what the straightforward
per-candidate computation gives: the consistency factor replayed from one outcome per (kind,
thread concepts), the verifier's query-side features worked out once, the title coverage read
from a mask, and optimize() computing the norms once."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from forum.duplicates import index as index_module
from forum.duplicates.features import NEGATABLE_KINDS, Analyzer, is_negated
from forum.duplicates.index import DuplicateIndex, _negates

THREADS = [
    ("t1", "maintenance", "Vios engine oil 0W-20 or 5W-30?", "Which oil for my Vios, the shop says 5W-30."),
    ("t2", "maintenance", "Yaris Ativ oil change interval", "How many km between oil changes on the Ativ?"),
    ("t3", "maintenance", "Yaris oil change interval", "How often should I change the oil on a Yaris hatchback?"),
    ("t4", "tyres_brakes", "Vios rear brake pads worn out", "Rear pads on my Vios are gone at 30,000 km."),
    ("t5", "tyres_brakes", "Vios front brake pads squeal", "Front pads squeal when braking downhill."),
    ("t6", "tyres_brakes", "รถสั่นตอนเหยียบเบรก วีออส", "เหยียบเบรกแล้วพวงมาลัยสั่น ต้องเปลี่ยนจานเบรกไหม"),
    ("t7", "tyres_brakes", "รถสั่นโดยไม่ได้เหยียบเบรก", "ขับ 100 แล้วสั่น ไม่ได้แตะเบรกเลย"),
    ("t8", "electrical", "Jazz battery dead every morning", "New battery, still dead after two days parked."),
    ("t9", "electrical", "แจ๊ส แบตหมดทุกเช้า", "เปลี่ยนแบตใหม่แล้ว จอดสองวันสตาร์ทไม่ติด"),
    ("t10", "electrical", "Hilux Revo alternator noise", "Whining from the alternator on my Revo at idle."),
    ("t11", "electrical", "Hilux Vigo alternator noise", "Whining from the alternator on my Vigo, cold start only."),
    ("t12", "general", "Fortuner front tyres wearing on the outer edge", "Both front tyres worn on the outside."),
]
QUERIES = [
    ("Vios oil 5W-30 ok?", ""),
    ("Ativ oil change how often", "every 10,000 km or 5,000?"),
    ("รถสั่นตอนเบรก", "วีออส เหยียบเบรกแล้วสั่นมาก"),
    ("shaking without braking at 100", "Vios shakes at speed, not touching the brakes"),
    ("Jazz battery flat in the morning", "Battery is new"),
    ("Revo alternator whining", "cold start"),
    ("Fortuner tyres worn outer edge front", ""),
    ("brake pads", "rear pads worn, front fine"),
]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    idx = DuplicateIndex(Analyzer())
    idx.build([{"id": i, "category": c, "title": t, "body": b} for i, c, t, b in THREADS], progress=False)
    return idx


def consistency_per_row(idx: DuplicateIndex, analysis, row: int, named: frozenset[str]) -> float:
    """The consistency factor of one candidate, worked out on its own (as before h-submit)."""
    query = analysis.concepts
    doc: dict[str, set[str]] = {}
    for tid in idx._cids.array[idx._cptr.array[row] : idx._cptr.array[row + 1]].tolist():
        doc.setdefault(idx._concept_kind[tid], set()).add(idx._concept_name[tid])
    unnamed = sum(1 for kind in index_module.UNNAMED_KINDS if kind in doc
                  for c in idx._leaves(frozenset(doc[kind])) if c not in named and not is_negated(c))
    factor = index_module.UNNAMED_FACTOR ** max(0, unnamed - index_module.UNNAMED_FREE)
    if not query:
        return factor
    for kind, (disjoint, partial) in index_module.CONSISTENCY.items():
        q, d = query.get(kind), doc.get(kind)
        if not q or not d:
            if kind == "sym" and q and not d:
                factor *= index_module.MISSING_SYMPTOM
            elif kind == "sym" and d and not q:
                factor *= index_module.EXTRA_SYMPTOM
            continue
        q_leaves, d_leaves = idx._leaves(frozenset(q)), idx._leaves(frozenset(d))
        q_hit = [c for c in q_leaves if c in d]
        d_hit = [c for c in d_leaves if c in q]
        if not q_hit and not d_hit:
            factor *= disjoint
        elif len(q_hit) < len(q_leaves) and len(d_hit) < len(d_leaves):
            factor *= partial
        elif kind == "model" and (idx._other_submodel(q_leaves, d) or idx._other_submodel(d_leaves, q)):
            factor *= index_module.SUBMODEL_MISMATCH
        if kind in NEGATABLE_KINDS and (_negates(q_leaves, q, d) or _negates(d_leaves, d, q)):
            factor *= index_module.NEGATION_MISMATCH
    return factor


@pytest.mark.parametrize("title, body", QUERIES)
def test_consistency_factors_are_those_of_each_candidate_on_its_own(index, title, body):
    analysis = index.analyzer.analyze(title, body)
    named = frozenset().union(*analysis.concepts.values()) if analysis.concepts else frozenset()
    rows = np.array(sorted(index._row_of.values()), dtype=np.int64)
    got = index._consistency_factors(analysis, rows, named)
    want = [consistency_per_row(index, analysis, row, named) for row in rows.tolist()]
    assert got.tolist() == want  # to the last bit
    assert any(f < 1.0 for f in want)  # the queries do exercise the factors


@pytest.mark.parametrize("title, body", QUERIES)
def test_title_coverage_from_the_mask_is_that_of_the_search(index, title, body):
    analysis = index.analyzer.analyze(title, body)
    tids = np.array([index._vocab[t] for t in analysis.weights if t in index._vocab], dtype=np.int64)
    mask = np.zeros(len(index._vocab), dtype=bool)
    mask[tids] = True
    for row in index._row_of.values():
        assert index._thread_title_coverage(tids, row, mask) == index._thread_title_coverage(tids, row)


def test_the_query_side_of_the_pair_features_is_shared_safely(index, monkeypatch):
    """The query-side part of the verifier's features (`_PairQuery`) is worked out once and read
    for every candidate: reading a fresh copy for each candidate gives the same matches, verdicts
    and features (nothing a candidate's features do changes it)."""
    def run() -> list:
        out = []
        for title, body in QUERIES:
            feats: list = []
            out.append((index.query(title, body, k=5, min_score=0.0, features=feats), feats[0].tolist()))
        return out

    shared = run()
    original = DuplicateIndex._pair_features
    monkeypatch.setattr(DuplicateIndex, "_pair_features",
                        lambda self, q, *rest: original(self, copy.deepcopy(q), *rest))
    assert run() == shared
    assert any(matches[0].verdict is not None for matches, _ in shared)


def test_optimize_gives_the_state_of_norms_computed_after_every_step(monkeypatch):
    """optimize() computes the norms once at the end (and keeps a segment with nothing to purge):
    the same state as computing them after the freeze and each merge too."""
    def build() -> DuplicateIndex:
        idx = DuplicateIndex(Analyzer(), tail_size=4)
        for i, c, t, b in THREADS:
            idx.add(i, c, t, b)
        idx.remove("t3")
        idx.add("t1", "maintenance", "Vios engine oil grade", "0W-20 or 5W-30 for a Vios?")  # re-indexed
        return idx

    fast = build()
    fast.optimize()
    fast.optimize()  # a second time: removed rows whose postings are already dropped
    slow = build()
    freeze, merge = DuplicateIndex._freeze_tail, DuplicateIndex._merge_last_two
    monkeypatch.setattr(DuplicateIndex, "_freeze_tail", lambda self, norms=True: freeze(self, True))
    monkeypatch.setattr(DuplicateIndex, "_merge_last_two", lambda self, norms=True: merge(self, True))
    slow.optimize()
    slow.optimize()
    a, b = fast.to_state(), slow.to_state()
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype and np.array_equal(a[key], b[key]), key
        elif key == "segments":
            for sa, sb in zip(a[key], b[key], strict=True):
                assert all(np.array_equal(x, y) for x, y in zip(sa, sb)), key
        else:
            assert a[key] == b[key], key
    assert fast.query("Vios oil 5W-30 ok?") == slow.query("Vios oil 5W-30 ok?")
