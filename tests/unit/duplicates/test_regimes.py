"""(issue 17, thirty-ninth pass, candidate B) Regime coefficients: the verifier's logistic regression
gets one masked copy of its standardised features for cross-script or romanised pairs and one for
short or title-only queries, so those pairs' weights can differ from the others'. The copies act only
in their regime, survive the text file, and a file without them loads with the same verdicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forum.duplicates.features import SHORT_TERMS, shortness
from forum.duplicates.verifier import FEATURES, REGIME_FLOORS, REGIMES, Difference, Verifier, fit, regime_masks

N = len(FEATURES)
COL = {f: i for i, f in enumerate(FEATURES)}
SHIPPED = Path(__file__).resolve().parents[3] / "forum" / "duplicates" / "data" / "verifier.txt"


def _row(**values) -> np.ndarray:
    x = np.zeros(N)
    for name, v in values.items():
        x[COL[name]] = v
    return x


def test_regimes_are_read_from_the_pairs_own_features():
    assert dict(REGIMES) == {"cross": ("cross_script", "romanised"), "short": ("short", "title_only")}
    # "short" is shortness(body_terms), above 0 for every post: a title plus at most SHORT_TERMS body
    # terms is in the regime, one more term is not
    assert shortness(0) > shortness(int(SHORT_TERMS)) > REGIME_FLOORS["short"] > shortness(int(SHORT_TERMS) + 1)
    X = np.array([_row(short=shortness(40)), _row(cross_script=1.0), _row(romanised=1.0),
                  _row(short=shortness(3)), _row(title_only=1.0, short=1.0), _row(short=shortness(5)),
                  _row(cross_script=1.0, short=shortness(2))])
    cross, short = regime_masks(X)
    assert cross.tolist() == [False, True, True, False, False, False, True]
    assert short.tolist() == [False, False, False, True, True, False, True]


def _with_regimes() -> Verifier:
    rng = np.random.default_rng(1)
    return Verifier(rng.normal(size=N), rng.uniform(0.5, 2.0, N), rng.normal(size=N), 0.2, 0.4,
                    regimes={"cross": rng.normal(size=N), "short": rng.normal(size=N)})


def test_regime_copies_act_only_in_their_regime():
    v = _with_regimes()
    plain = Verifier(v.mean, v.scale, v.coef, v.intercept, v.cut)
    z = lambda x: (x - v.mean) / v.scale  # noqa: E731
    outside = _row(final=0.7, plain_cos=0.5, coverage=0.6)
    assert v.logit(outside) == pytest.approx(plain.logit(outside))
    cross = _row(final=0.7, plain_cos=0.2, cross_script=1.0)
    assert v.logit(cross) == pytest.approx(plain.logit(cross) + z(cross) @ v.regimes["cross"])
    short = _row(final=0.7, short=0.5)
    assert v.logit(_row(final=0.7, short=0.2)) == pytest.approx(plain.logit(_row(final=0.7, short=0.2)))
    assert v.logit(short) == pytest.approx(plain.logit(short) + z(short) @ v.regimes["short"])
    both = _row(final=0.7, romanised=1.0, title_only=1.0)
    assert v.logit(both) == pytest.approx(
        plain.logit(both) + z(both) @ v.regimes["cross"] + z(both) @ v.regimes["short"])


def test_regime_coefficients_survive_the_text_file(tmp_path):
    v = _with_regimes()
    v.difference = Difference({"qk:model": -1.0}, 0.1)
    path = tmp_path / "verifier.txt"
    path.write_text(v.dump("header"), encoding="utf-8")
    back = Verifier.load(path)
    assert set(back.regimes) == {"cross", "short"}
    rng = np.random.default_rng(2)
    for _ in range(20):
        x = rng.normal(size=N)
        x[COL["cross_script"]], x[COL["short"]] = rng.integers(2), rng.integers(2) * 0.3
        assert back.logit(x) == pytest.approx(v.logit(x), abs=1e-4)
        assert back.verdict(x) == pytest.approx(v.verdict(x), abs=1e-4)


def test_a_file_without_regime_coefficients_loads_with_the_same_verdicts(tmp_path):
    old = Verifier.load(SHIPPED)
    text = SHIPPED.read_text(encoding="utf-8")
    assert "\nregime " not in text or old.regimes
    if old.regimes:  # a shipped file with regimes: strip them to make the older file
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("regime "))
    path = tmp_path / "old.txt"
    path.write_text(text, encoding="utf-8")
    older = Verifier.load(path)
    assert older.regimes == {}
    # the older file's verdicts are those of the plain standardised logistic regression it stores
    rng = np.random.default_rng(3)
    for _ in range(30):
        x = older.mean + rng.normal(size=N) * older.scale
        x[COL["cross_script"]], x[COL["title_only"]] = rng.integers(2), rng.integers(2)
        expected = float(((x - older.mean) / older.scale) @ older.coef + older.intercept)
        assert older.logit(x) == pytest.approx(expected)
        shift = np.log(0.58 / 0.42) - older.cut
        assert older.verdict(x) == pytest.approx(1.0 / (1.0 + np.exp(-(expected + shift))))


def test_an_unknown_regime_in_a_file_is_refused(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(SHIPPED.read_text(encoding="utf-8") + "regime longish final 0.5\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Verifier.load(path)


def test_fit_learns_a_regime_where_a_feature_behaves_otherwise():
    # plain cosine says "same question" outside the cross regime and nothing inside it, where a
    # second feature carries the signal: the fitted model weighs them differently by regime
    rng = np.random.default_rng(4)
    n = 3000
    X = np.zeros((n, N))
    y = rng.integers(2, size=n)
    cross = rng.random(n) < 0.4
    X[:, COL["cross_script"]] = cross
    X[:, COL["plain_cos"]] = np.where(cross, rng.random(n), 0.3 + 0.4 * y + 0.2 * rng.random(n))
    X[:, COL["cross_cos"]] = np.where(cross, 0.3 + 0.4 * y + 0.2 * rng.random(n), rng.random(n))
    X[:, COL["final"]] = rng.random(n)
    model = fit(X, y)
    assert set(model.regimes) == {"cross"}  # no short rows: no short copy
    outside = model.coef[COL["plain_cos"]]
    inside = outside + model.regimes["cross"][COL["plain_cos"]]
    assert outside > 1.0 and abs(inside) < outside / 2
    assert model.regimes["cross"][COL["cross_cos"]] > 1.0
    p = np.array([1 / (1 + np.exp(-model.logit(x))) for x in X])
    assert ((p > 0.5) == y)[cross].mean() > 0.95 and ((p > 0.5) == y)[~cross].mean() > 0.95


def test_fit_without_regime_rows_gives_the_plain_regression():
    rng = np.random.default_rng(5)
    X = rng.random((400, N))
    X[:, [COL["cross_script"], COL["romanised"], COL["short"], COL["title_only"]]] = 0.0
    y = (X[:, COL["final"]] > 0.5).astype(int)
    model = fit(X, y)
    assert model.regimes == {}
    assert "regime " not in model.dump()
