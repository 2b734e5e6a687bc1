"""(issue 17, twenty-fourth pass) The verifier's optional parts: boosted trees whose leaf values add
to the logit, and products of two features, read back from the text file exactly as trained."""

from __future__ import annotations

import numpy as np

from forum.duplicates.verifier import FEATURES, Trees, Verifier, _boosted, fit_blend, fit_boosted, fit_interact


def _rows(n: int = 600):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, len(FEATURES)))
    y = ((X[:, 0] * X[:, 1] + X[:, 2]) > 0).astype(int)  # an interaction a linear model cannot form
    return X, y


def test_the_trees_give_the_boosted_models_own_logit():
    X, y = _rows()
    model = _boosted(X, y)
    verifier = fit_boosted(X, y)
    np.testing.assert_allclose(verifier.logits(X), model.decision_function(X), atol=1e-9)
    assert verifier.logit(X[7]) == verifier.logits(X[7:8])[0]


def test_a_blend_and_its_trees_survive_the_text_file(tmp_path):
    X, y = _rows()
    verifier = fit_blend(X, y, cut=0.4)
    path = tmp_path / "v.txt"
    path.write_text(verifier.dump("a header"), encoding="utf-8")
    again = Verifier.load(path)
    assert isinstance(again.trees, Trees) and again.cut == 0.4
    np.testing.assert_allclose(again.logits(X), verifier.logits(X), atol=1e-3)
    assert again.verdict(X[0]) == verifier.verdict(X[0]) or abs(again.verdict(X[0]) - verifier.verdict(X[0])) < 1e-4


def test_products_of_two_features_survive_the_text_file(tmp_path):
    X, y = _rows()
    verifier = fit_interact(X, y)
    path = tmp_path / "v.txt"
    path.write_text(verifier.dump(), encoding="utf-8")
    again = Verifier.load(path)
    assert again.pairs == verifier.pairs and len(again.coef) == len(FEATURES) + len(verifier.pairs)
    np.testing.assert_allclose(again.logits(X), verifier.logits(X), atol=1e-3)


def test_the_same_rows_give_the_same_trees():
    X, y = _rows()
    assert fit_boosted(X, y).dump() == fit_boosted(X, y).dump()
