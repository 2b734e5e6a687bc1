"""(issue 17, tenth pass) The pair verifier: the automatic verdict on the best match comes from a
small learned model over features of the pair, on the score's scale, and the same pair gets the
same verdict whatever the board around it."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates import DUPLICATE_THRESHOLD, DuplicateIndex
from forum.duplicates.index import Match
from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses
from forum.duplicates.verifier import ANCHOR, FEATURES, Verifier, fit

THREADS = [
    {"id": "oil", "category": "maintenance", "title": "Yaris 2020 ควรเปลี่ยนน้ำมันเครื่องทุกกี่กิโล",
     "body": "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมือง ศูนย์บอกทุก 10,000 กม."},
    {"id": "horn", "category": "electrical", "title": "Hilux Revo horn not working",
     "body": "Pressed the horn and nothing happens. Fuse looks fine."},
    {"id": "mats", "category": "accessories", "title": "Floor mats for Model Y, 3D or rubber?",
     "body": "Which floor mats fit best and are easy to clean?"},
]
DUPLICATE = ("Yaris 2020 oil change: every how many km?", "Fully synthetic oil, city driving, the dealer says 10,000 km.")


def board(verifier=True) -> DuplicateIndex:
    index = DuplicateIndex(verifier=verifier)
    index.build(THREADS, progress=False)
    return index


def test_the_shipped_verifier_loads_and_reads_every_feature():
    verifier = Verifier.default()
    assert verifier is not None
    assert verifier.coef.shape == (len(FEATURES),)
    features: list = []
    board(verifier=None).query(*DUPLICATE, features=features)
    assert len(features) == 1 and features[0].shape == (len(FEATURES),)
    assert np.isfinite(features[0]).all()


def test_the_verdict_is_on_the_scores_scale_with_the_rules_cut_at_the_threshold():
    verifier = Verifier(np.zeros(2), np.ones(2), np.array([1.0, 0.0]), 0.0, cut=0.7)
    assert verifier.verdict(np.array([0.7, 5.0])) == pytest.approx(ANCHOR)
    assert verifier.verdict(np.array([0.9, 0.0])) > ANCHOR > verifier.verdict(np.array([0.5, 0.0]))
    assert ANCHOR == DUPLICATE_THRESHOLD


def test_the_best_match_carries_the_verdict_and_duplicate_of_reads_it():
    index = board()
    matches = index.query(*DUPLICATE, k=3, min_score=0.0)
    assert matches[0].id == "oil" and matches[0].verdict is not None
    assert all(m.verdict is None for m in matches[1:])
    assert index.duplicate_of(matches).id == "oil"
    # a verifier that says no turns down a best match whose ranking score is high
    doubtful = [Match(matches[0].id, 0.95, 0.2)]
    assert index.duplicate_of(doubtful) is None
    assert index.duplicate_of([Match("x", 0.3, 0.9)]).id == "x"
    assert index.duplicate_of([Match("x", 0.9)]).id == "x"  # no verifier: the score decides


def test_without_a_verifier_the_score_decides():
    matches = board(verifier=None).query(*DUPLICATE)
    assert matches[0].verdict is None


def test_a_pair_gets_the_same_verdict_among_twenty_thousand_threads():
    small = board()
    big = board()
    generator = Generator(big.analyzer, seed=5)
    pool = build_pool(generator, big.analyzer, 200)
    big.add_many((f"x{i}", c, a, None) for i, c, a, _ in synthetic_analyses(generator, pool, 20_000, 0))
    for title, body in (DUPLICATE, ("Revo horn dead", ""), ("model y prom pua 3D rue prom doem dee", "")):
        alone, among = small.query(title, body)[0], big.query(title, body)[0]
        assert among.id == alone.id
        assert among.verdict == pytest.approx(alone.verdict, abs=1e-4)


def test_training_is_deterministic_and_learns_the_direction_of_a_feature():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    y = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)
    a, b = fit(X, y), fit(X, y)
    assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept
    assert a.coef[0] > 1.0 and abs(a.coef[1]) < a.coef[0] / 3


def test_the_file_round_trips(tmp_path):
    verifier = Verifier.default()
    path = tmp_path / "v.txt"
    path.write_text(verifier.dump("a header"), encoding="utf-8")
    again = Verifier.load(path)
    x = np.linspace(0, 1, len(FEATURES))
    assert again.verdict(x) == pytest.approx(verifier.verdict(x), abs=1e-4)


def test_a_best_match_at_the_sure_score_keeps_at_least_its_score_as_verdict():
    from forum.duplicates.index import SURE_SCORE

    sceptic = Verifier(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), -10.0, cut=0.0)
    index = DuplicateIndex(verifier=sceptic)
    index.build(THREADS, progress=False)
    copy = index.query(THREADS[0]["title"], THREADS[0]["body"])[0]
    assert copy.id == "oil" and copy.score >= SURE_SCORE
    assert copy.verdict == pytest.approx(copy.score, abs=1e-4)
    assert index.duplicate_of([copy]) is not None
    weaker = index.query("Yaris oil", "")
    assert weaker and weaker[0].score < SURE_SCORE
    assert weaker[0].verdict < 0.01 and index.duplicate_of(weaker) is None
