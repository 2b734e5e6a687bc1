"""(issue 17, thirty-sixth pass) Swapped roles: what one title says is *fine* ("DC charging OK
but AC won't charge", "hard to start when hot, fine in the morning") that the other's title asks
about (`Analysis.fine`, `DuplicateIndex._fine_features`), two features of the pair verifier."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.verifier import FEATURES, FINE_FEATURES, LATEST_FEATURES, OPTIONAL_FEATURE_GROUPS, Verifier

from .small_index import pair_features

NAMES = ("query_fine_thread_title", "thread_fine_query_title")
CHARGE = ("MG ZS EV ชาร์จ DC ไม่ได้ แต่ AC ได้", "")
SWAPPED = "MG ZS EV: DC fast charge OK but home AC won't charge"


def _slots(thread, title, body="") -> dict[str, float]:
    feats = pair_features(thread, title, body)
    return {n: feats[n] for n in NAMES}


def test_the_features_sit_before_the_difference_models_logit_and_may_be_missing_from_a_file():
    assert FEATURES[-1] == "difference"
    assert set(NAMES) == set(FINE_FEATURES) and all(n in FEATURES for n in NAMES)
    assert FEATURES.index("thread_rare_unmatched") < FEATURES.index(NAMES[0])
    assert OPTIONAL_FEATURE_GROUPS == (LATEST_FEATURES, FINE_FEATURES)


def test_the_same_text_swaps_nothing():
    assert _slots(CHARGE, *CHARGE) == {n: 0.0 for n in NAMES}
    plain = ("Vios oil change cost", "How much at the dealer?")
    assert _slots(plain, *plain) == {n: 0.0 for n in NAMES}


def test_a_duplicate_that_keeps_the_roles_is_not_a_swap():
    """The same roles in other words and another language: the query says the same thing is fine."""
    for title in ("MG ZS EV DC fast charge ไม่เข้า, AC at home ok",
                  "MG ZS EV will not charge on DC fast chargers, AC at home is fine",
                  "mg zs ev charge dc mai khao tae ac dai"):
        assert _slots(CHARGE, title) == {n: 0.0 for n in NAMES}, title
    rear = _slots(("Fortuner แอร์ไม่เย็นแถวหลัง", ""), "Fortuner rear AC not cold, front is fine")
    assert rear == {n: 0.0 for n in NAMES}


def test_the_values_are_bounded_and_do_not_depend_on_the_board():
    alone = _slots(CHARGE, SWAPPED)
    index = DuplicateIndex(verifier=None)
    others = [{"id": f"o{i}", "category": "repair", "title": f"MG ZS EV charging question {i}, AC fine",
               "body": "DC charger at the mall, AC wallbox at home"} for i in range(12)]
    index.build([{"id": "t", "category": "repair", "title": CHARGE[0], "body": CHARGE[1]}, *others], progress=False)
    feats: list = []
    index.query(SWAPPED, "", k=1, min_score=0.0, features=feats, exclude_ids=[o["id"] for o in others])
    crowded = dict(zip(FEATURES, feats[0].tolist()))
    assert {n: crowded[n] for n in NAMES} == pytest.approx(alone)
    assert all(0.0 <= v <= 2.0 for v in alone.values())


@pytest.mark.parametrize("drop", [FINE_FEATURES, LATEST_FEATURES, LATEST_FEATURES | FINE_FEATURES])
def test_a_file_lacking_a_group_of_the_newest_features_loads_with_no_weight_on_them(tmp_path, drop):
    rng = np.random.default_rng(3)
    n = len(FEATURES)
    verifier = Verifier(rng.normal(size=n), rng.uniform(0.5, 2.0, size=n), rng.normal(size=n), 0.3, cut=0.1)
    for name in drop:
        verifier.coef[FEATURES.index(name)] = 0.0
    text = "\n".join(line for line in verifier.dump().splitlines() if line.split(" ", 1)[0] not in drop)
    path = tmp_path / "old.txt"
    path.write_text(text + "\n", encoding="utf-8")
    old = Verifier.load(path)
    x = rng.normal(size=n)
    assert old.logit(x) == pytest.approx(verifier.logit(x), rel=1e-4)


def test_a_file_lacking_part_of_a_group_or_out_of_order_is_refused(tmp_path):
    rng = np.random.default_rng(4)
    n = len(FEATURES)
    text = Verifier(rng.normal(size=n), np.ones(n), rng.normal(size=n), 0.0, cut=0.0).dump()
    partial = tmp_path / "partial.txt"
    partial.write_text("\n".join(l for l in text.splitlines() if not l.startswith(NAMES[0] + " ")) + "\n",
                       encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        Verifier.load(partial)
    lines = text.splitlines()
    i, j = (next(k for k, l in enumerate(lines) if l.startswith(name + " ")) for name in NAMES[:2])
    lines[i], lines[j] = lines[j], lines[i]
    swapped = tmp_path / "swapped.txt"
    swapped.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        Verifier.load(swapped)


def test_the_shipped_file_loads():
    assert Verifier.default() is not None


def test_a_file_without_the_features_gives_the_verdicts_it_gave(tmp_path):
    """A file written before these two (main's, before this pass) loads with no weight on them: the
    shipped file with their lines cut reads any pair as the shipped file reads it with the two
    features at their training means (where they add nothing)."""
    shipped = Verifier.default()
    path = tmp_path / "before.txt"
    # an older file has neither the features' own lines nor regime lines naming them
    path.write_text("\n".join(l for l in shipped.dump().splitlines()
                              if l.split(" ", 1)[0] not in NAMES
                              and not (l.startswith("regime ") and l.split(" ")[2] in NAMES)) + "\n",
                    encoding="utf-8")
    before = Verifier.load(path)
    x = np.linspace(-1.0, 1.0, len(FEATURES))
    at_mean = x.copy()
    for name in NAMES:
        x[FEATURES.index(name)] = 2.0
        at_mean[FEATURES.index(name)] = shipped.mean[FEATURES.index(name)]
    assert before.logit(x) == pytest.approx(shipped.logit(at_mean), rel=1e-4, abs=1e-4)
    assert before.cut == pytest.approx(shipped.cut)


@pytest.fixture(scope="module")
def analyzer():
    return DuplicateIndex(verifier=None).analyzer


@pytest.mark.parametrize("title, fine", [
    ("CX-5 hard to start when hot, fine in the morning", {"cond.morning"}),
    ("ไฮลักซ์แชมป์ ยางหน้าสึกเร็ว ยางหลังยังดี", {"side.rear"}),
    ("รีโว่ ความร้อนขึ้นตอนรถติดในเมือง ขึ้นเขากลับไม่เป็น", {"cond.uphill"}),
    ("Jazz GK right high beam out, low beam ok", {"part.low_beam"}),
])
def test_what_a_title_says_is_fine(analyzer, title, fine):
    assert fine <= analyzer.analyze(title, "").fine


@pytest.mark.parametrize("title", [
    "Vios oil change cost",                      # one clause
    "Is it normal for the Vios to idle rough?",  # a question, not a fine clause
    "Vios brakes squeal, is that normal?",       # the second clause asks
    "Vios window not working, motor clicks",     # no clause says it works
    "Got a fine for tinted windows, Vios",       # a traffic fine is not a cue
])
def test_titles_without_a_fine_clause(analyzer, title):
    assert analyzer.analyze(title, "").fine == frozenset()


def test_a_fine_clause_names_nothing_the_problem_clause_names(analyzer):
    got = analyzer.analyze("Vios front brakes squeal, rear brakes fine", "").fine
    assert "side.rear" in got and "side.front" not in got and "part.brake" not in got


def test_swapped_roles_are_read_both_ways():
    """The thread's problem is what the query's title says is fine, and the reverse."""
    thread = ("MG ZS EV ชาร์จ DC ไม่ได้ แต่ AC ได้", "")
    got = _slots(thread, "MG ZS EV: DC fast charge OK but home AC won't charge")
    assert got["query_fine_thread_title"] >= 1.0
    assert got["thread_fine_query_title"] >= 1.0
    morning = _slots(("CX-5 สตาร์ทติดยากตอนเช้า", ""), "CX-5 hard to start when hot, fine in the morning")
    assert morning["query_fine_thread_title"] == 1.0
    rear = _slots(("Hilux Champ ยางหลังสึกเร็วผิดปกติ", ""), "ไฮลักซ์แชมป์ ยางหน้าสึกเร็ว ยางหลังยังดี")
    assert rear["query_fine_thread_title"] == 1.0


def test_the_same_roles_are_not_a_swap():
    thread = ("CX-5 hard to start in the morning, fine when hot", "")
    got = _slots(thread, "CX-5 สตาร์ทติดยากตอนเช้า")
    assert got["query_fine_thread_title"] == 0.0
    assert got["thread_fine_query_title"] == 0.0
    same = _slots(thread, "CX-5 hard to start when cold in the morning, ok when hot")
    assert same["query_fine_thread_title"] == 0.0


def test_the_fine_entries_survive_the_index_state():
    thread = {"id": "t", "category": "repair", "title": "MG ZS EV ชาร์จ DC ไม่ได้ แต่ AC ได้", "body": ""}
    index = DuplicateIndex(verifier=None)
    index.build([thread], progress=False)
    again = DuplicateIndex.from_state(index.to_state(), index.analyzer)
    query = "MG ZS EV: DC fast charge OK but home AC won't charge"
    a: list = []
    b: list = []
    index.query(query, "", k=1, min_score=0.0, features=a)
    again.query(query, "", k=1, min_score=0.0, features=b)
    assert a[0][:-1].tolist() == b[0][:-1].tolist()  # the difference logit needs a verifier


def test_what_a_title_says_is_fine_does_not_move_the_score(monkeypatch):
    """The "f" signature entries are the verifier's only: the conflict test skips them, so the
    ranking score of a pair is the same with and without them."""
    from forum.duplicates.features import Analyzer

    threads = [{"id": "t", "category": "repair", "title": CHARGE[0], "body": "wallbox at home is fine"},
               {"id": "u", "category": "repair", "title": "Fortuner front tyres wear fast, rear ones fine", "body": ""}]
    queries = (SWAPPED, "Fortuner rear tyres wear fast", "MG ZS EV DC fast charge ไม่เข้า, AC at home ok")

    def scores():
        index = DuplicateIndex(verifier=None)
        index.build(threads, progress=False)
        return [[(m.id, m.score) for m in index.query(q, "", k=5, min_score=0.0)] for q in queries]

    with_fine = scores()
    monkeypatch.setattr(Analyzer, "fine_in", lambda self, title, roman=False: frozenset())
    assert scores() == with_fine
