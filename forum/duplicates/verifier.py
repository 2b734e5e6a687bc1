"""(issue 17, tenth pass) The pair verifier: the automatic duplicate verdict on the best match.

The ranking score (``index.py``) orders the candidates; whether the best one is *the same
question* is decided by a logistic regression over features of the pair (the score and its
factors, cosines before and after the cross-language blend, how much of the query and of its title
the thread covers, the share of each side's content concepts the other names, the query's length,
script and romanised flag; since the twelfth pass also how much of the shorter text the longer one
covers, and coverage across scripts and romanised spellings; since the thirteenth pass the
share of a romanised query the thread covers; since the fourteenth pass whether the thread names
what the query says it is *not* about, "not a Toyota", "ไม่ใช่แบต"; since the fifteenth pass whether
the two name other positions on the car, front/rear or left/right, and how alike the two titles are
letter by letter; since the sixteenth pass how much of the thread's title the query names; since
the seventeenth pass whether the query is a title alone, and for one its thread-title and thread coverage;
since the twentieth how short the post is; since the twenty-first the circumstances named on one
side only or on both with none shared, and the symmetric overlap of the two texts and titles; since
the twenty-second what one title names (model, item, symptom, position) that the other text does not;
``DuplicateIndex._pair_features``). Since the
thirteenth pass the verifier also orders close rivals among the best matches (``index.RERANK``). None of them depends on the board, so
the verdict on a pair is the same on a board of 200 threads and on one of 1,000,000.

The model is a small text file (``data/verifier.txt``), trained by
``benchmarks/duplicates_verifier.py --write`` from the labelled queries and dev threads in
``data/`` (deterministic: the same data give the same file). Its output is put on the score's
scale: the verdict is ``sigmoid(z - cut + logit(ANCHOR))``, where ``cut`` is the logit chosen by
the threshold rule (``benchmarks/duplicates_verifier.py``), so the shipped threshold (ANCHOR,
0.58, ``index.DUPLICATE_THRESHOLD``) flags exactly what the rule chose, and an admin's stricter
threshold asks for more certainty.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

VERIFIER_FILE = "verifier.txt"
# (eleventh pass) Blind splits written for judging the verifier and not yet scored: never read by
# the trainer (`training_queries`), the leave-one-split-out benchmark or the threshold rule. The
# one place to name them; a split leaves this list once it has been scored once. (twelfth pass)
# `fresh12` was scored once and joined training. (thirteenth pass) `fresh13` was scored once, after
# the twelfth pass, and joined training; `fresh14` was written blind and scored once, after the
# twelfth and after the thirteenth pass, and joined training in the fourteenth pass. (fourteenth
# pass) `fresh15` and `fresh16` were written blind, by two new writers, and scored once after the
# fourteenth pass: the next pass moves them into training. `fresh17` is being written blind.
# (fifteenth pass) `fresh15` and `fresh16` joined training; `fresh17`, written blind by a third new
# writer while the pass was made, was scored once after it and then joined training too.
# (sixteenth pass) `fresh18` and `fresh19`, written blind by two new writers while the pass was
# made, were scored once after it and then joined training. `fresh20`, reserved here before its
# writer started, was written blind and scored once with the retrained file (cut 0.79); it stays
# out of training so that the shipped file is the one it judged: the next pass moves it in.
# (seventeenth and eighteenth passes) `fresh20`..`fresh23` joined training, each after it was scored
# blind (fresh23 decided, by a rule written before it was scored, that the seventeenth pass stays).
# `fresh24`, reserved here before its writer started, was scored once with the shipped file (the
# eighteenth pass shipped nothing); it stays out of training so that the shipped file is the one it
# judged: the next pass moves it in.
# (nineteenth pass) `fresh24` joined training; `fresh25` and `fresh26` are reserved here before their
# writers start, and each is scored once, blind, after the pass.
# (twentieth pass) `fresh25` and `fresh26`, scored once with the nineteenth pass's file, joined
# training; `fresh27` and `fresh28` are reserved here before their writers start.
# (twenty-first pass) `fresh27` and `fresh28`, scored once with the twentieth pass's file, joined
# training; `fresh29` and `fresh30` are reserved here before their writers start.
# `fresh31` and `fresh32` are reserved here too, at 07:15 UTC, before their writers start.
# (twenty-second pass) `fresh29`..`fresh32`, scored once with the twenty-first pass's file, joined
# training; `fresh33` and `fresh34` are reserved here before their writers start.
# `fresh35` and `fresh36` are reserved here too, at 09:40 UTC, before their writers start.
# (twenty-third pass) `fresh33`..`fresh36`, scored once with the twenty-second pass's file, joined
# training; `fresh37` and `fresh38` are reserved here before their writers start.
# (twenty-fourth pass) `fresh37` and `fresh38`, scored once with the twenty-second pass's file (the
# twenty-third shipped nothing), joined training; `fresh39` and `fresh40` are reserved here before
# their writers start.
HELD_OUT_SPLITS: tuple[str, ...] = ("fresh39", "fresh40")
ANCHOR = 0.58  # index.DUPLICATE_THRESHOLD: the verdict at the rule's cut

FEATURES = (
    "final", "plain_cos", "cos", "cross_script", "log_consistency", "about_same", "contrast",
    "conflict", "detail", "coverage", "title_coverage", "query_concepts_named", "thread_concepts_named",
    "log_query_terms", "romanised", "concept_share", "no_query_concepts", "log_thread_concepts",
    "thread_coverage", "title_weight_coverage", "cross_cos", "romanised_cos", "query_concepts_missing",
    "thread_concepts_missing",
    # (twelfth pass) coverage of the shorter text; cross-script and romanised coverage
    "short_coverage", "cross_short_coverage", "romanised_short_coverage", "cross_concept_coverage",
    "romanised_concept_coverage",
    # (thirteenth pass) coverage of a romanised query
    "romanised_coverage",
    # (fourteenth pass) the thread is about what the query says it is not ("not a Toyota")
    "contrasted_named",
    # (fifteenth pass) another position on the same axis (front/rear, left/right); the titles'
    # character-trigram overlap (MinHash)
    "side_mismatch", "title_sketch_overlap",
    # (sixteenth pass) the share of the thread's title (words, concepts; fixed weights) the query names
    "thread_title_coverage",
    # (seventeenth pass) a title-only query; its thread-title and thread coverage
    "title_only", "title_only_thread_title_coverage", "title_only_thread_coverage",
    # (twentieth pass) a short post (title plus a few words, `features.shortness`) and, for one,
    # the thread's title it covers, its own title's coverage, the titles' letter overlap, the score
    "short", "short_thread_title_coverage", "short_title_coverage", "short_title_sketch_overlap",
    "short_final",
    # (twenty-first pass) circumstances named on one side only (the query's, the thread's) and a
    # condition on each side with none shared (`DuplicateIndex._condition_features`)
    "query_conditions_only", "thread_conditions_only", "condition_mismatch",
    # (twenty-first pass, B) symmetric overlap of the two texts and of the two titles
    "coverage_harmonic", "coverage_min", "title_coverage_harmonic", "title_coverage_min",
    # (twenty-second pass) the query title's concepts (model, item, symptom, position, fuel, topic)
    # the thread does not name, and the thread title's the query does not name (each capped at 2)
    "query_title_unnamed", "thread_title_unnamed",
)


class Verifier:
    """Standardised logistic regression over `FEATURES`; `verdict(x)` on the score's scale."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float, cut: float,
                 trees: "Trees | None" = None, pairs: tuple = ()):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.cut = float(cut)
        self.trees = trees if trees is not None and len(trees.roots) else None
        self.pairs = tuple(pairs)  # (twenty-fourth pass, C) products of two features, after FEATURES
        self._a = np.array([a for a, _b in self.pairs], dtype=np.int64)
        self._b = np.array([b for _a, b in self.pairs], dtype=np.int64)
        self._shift = math.log(ANCHOR / (1.0 - ANCHOR)) - self.cut

    def logit(self, x: np.ndarray) -> float:
        x = np.asarray(x, dtype=np.float64)
        if self.pairs:
            x = np.concatenate([x, x[self._a] * x[self._b]])
        z = float(((x - self.mean) / self.scale) @ self.coef + self.intercept)
        return z + self.trees.value(x) if self.trees is not None else z

    def logits(self, X: np.ndarray) -> np.ndarray:
        """`logit` of each row of X (one vectorised pass)."""
        X = np.asarray(X, dtype=np.float64)
        if self.pairs:
            X = np.hstack([X, X[:, self._a] * X[:, self._b]])
        z = ((X - self.mean) / self.scale) @ self.coef + self.intercept
        return z + self.trees.values(X) if self.trees is not None else z

    def verdict(self, x: np.ndarray) -> float:
        z = self.logit(x) + self._shift
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @staticmethod
    @functools.cache
    def default() -> "Verifier | None":
        """The shipped verifier (read once per process), None if the file is missing."""
        path = Path(__file__).with_name("data") / VERIFIER_FILE
        return Verifier.load(path) if path.exists() else None

    @classmethod
    def load(cls, path: Path) -> "Verifier":
        values: dict[str, list[float]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, *nums = line.split()
                values[name] = [float(v) for v in nums]
        names = [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#") and line.split()[0] not in ("intercept", "cut", "node")]
        if tuple(names[:len(FEATURES)]) != FEATURES or not all(
                n.count("*") == 1 and all(p in FEATURES for p in n.split("*")) for n in names[len(FEATURES):]):
            raise ValueError(f"{path}: features {names} are not {FEATURES}")
        pairs = tuple(tuple(FEATURES.index(p) for p in n.split("*")) for n in names[len(FEATURES):])
        rows = np.array([values[n] for n in names])
        nodes = [[float(v) for v in line.split()[1:]] for line in path.read_text(encoding="utf-8").splitlines()
                 if line.startswith("node ")]
        trees = Trees.from_rows(np.array(nodes)) if nodes else None
        return cls(rows[:, 0], rows[:, 1], rows[:, 2], values["intercept"][0], values["cut"][0], trees, pairs)

    def dump(self, header: str = "") -> str:
        lines = [f"# {line}" for line in header.splitlines()]
        lines.append("# feature mean scale coefficient (standardised)")
        names = [*FEATURES, *(f"{FEATURES[a]}*{FEATURES[b]}" for a, b in self.pairs)]
        lines += [f"{n} {m:.6g} {s:.6g} {c:.6g}" for n, m, s, c in zip(names, self.mean, self.scale, self.coef)]
        lines += [f"intercept {self.intercept:.6g}", f"cut {self.cut:.6g}"]
        if self.trees is not None:
            lines.append("# node: root? feature threshold left right value (x[feature] <= threshold goes left; "
                         "a leaf points at itself, feature -1); the trees' values add to the logit")
            lines += self.trees.rows()
        return "\n".join(lines) + "\n"


class Trees:
    """(twenty-fourth pass) Small regression trees whose leaf values add to the verifier's logit
    (gradient boosting, `fit_boosted`), stored as one flat node table and walked for every tree at
    once: a leaf points at itself, so `depth` steps reach every tree's leaf."""

    def __init__(self, feature: np.ndarray, threshold: np.ndarray, left: np.ndarray, right: np.ndarray,
                 leaf_value: np.ndarray, roots: np.ndarray):
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.left = np.asarray(left, dtype=np.int64)
        self.right = np.asarray(right, dtype=np.int64)
        self.leaf_value = np.asarray(leaf_value, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int64)
        self._feat0 = np.where(self.feature < 0, 0, self.feature)
        depth, frontier = 0, self.roots
        while np.any(self.feature[frontier] >= 0):
            inner = frontier[self.feature[frontier] >= 0]
            frontier = np.concatenate([self.left[inner], self.right[inner]])
            depth += 1
        self.depth = depth

    def value(self, x: np.ndarray) -> float:
        node = self.roots
        for _ in range(self.depth):
            go_left = x[self._feat0[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return float(self.leaf_value[node].sum())

    def values(self, X: np.ndarray) -> np.ndarray:
        node = np.broadcast_to(self.roots, (len(X), len(self.roots)))
        rows = np.arange(len(X))[:, None]
        for _ in range(self.depth):
            go_left = X[rows, self._feat0[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.leaf_value[node].sum(axis=1)

    def rows(self) -> list[str]:
        is_root = np.zeros(len(self.feature), dtype=bool)
        is_root[self.roots] = True
        return [f"node {int(r)} {f} {t:.17g} {lft} {rgt} {v:.17g}" for r, f, t, lft, rgt, v in
                zip(is_root, self.feature, self.threshold, self.left, self.right, self.leaf_value)]

    @classmethod
    def from_rows(cls, a: np.ndarray) -> "Trees":
        return cls(a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5], np.flatnonzero(a[:, 0] > 0))

    @classmethod
    def from_sklearn(cls, model, weight: float = 1.0) -> "Trees":
        """The trees of a fitted HistGradientBoostingClassifier (binary), leaf values times `weight`."""
        feature, threshold, left, right, value, roots = [], [], [], [], [], []
        for (predictor,) in model._predictors:
            nodes, base = predictor.nodes, len(feature)
            roots.append(base)
            for n in nodes:
                leaf = bool(n["is_leaf"])
                feature.append(-1 if leaf else int(n["feature_idx"]))
                threshold.append(0.0 if leaf else float(n["num_threshold"]))
                i = len(feature) - 1
                left.append(i if leaf else base + int(n["left"]))
                right.append(i if leaf else base + int(n["right"]))
                value.append(float(n["value"]) * weight if leaf else 0.0)
        return cls(np.array(feature), np.array(threshold), np.array(left), np.array(right), np.array(value),
                   np.array(roots))


C = 1.0  # inverse L2 strength (0.1, 0.3 and 3 gave the same leave-one-split-out figures within a query or two)


def fit(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """The verifier trained on feature rows X and labels y (1: the best match is the duplicate):
    (twenty-fourth pass) the logistic regression over FEATURES and INTERACTIONS."""
    return fit_interact(X, y, cut)


def fit_linear(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """The logistic regression over the columns of X."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((X - mean) / scale, y)
    return Verifier(mean, scale, model.coef_[0], float(model.intercept_[0]), cut)


# (twenty-fourth pass) gradient-boosted trees: small depth, strong regularisation, no early stopping
# and no subsampling, so the same rows give the same trees
BOOST = dict(max_depth=3, max_leaf_nodes=8, learning_rate=0.15, max_iter=60, max_bins=64, min_samples_leaf=40,
             l2_regularization=1.0, early_stopping=False, random_state=0)


def _boosted(X: np.ndarray, y: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**BOOST).fit(X, y)


def fit_boosted(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """(twenty-fourth pass, variant A) The verifier as boosted trees alone (no linear part)."""
    model = _boosted(X, y)
    n = X.shape[1]
    return Verifier(np.zeros(n), np.ones(n), np.zeros(n), float(model._baseline_prediction.ravel()[0]), cut,
                    Trees.from_sklearn(model))


def fit_blend(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """(twenty-fourth pass, variant B) The mean of the logistic regression's logit and the boosted
    trees' logit: the linear model's smooth reading plus the trees' interactions."""
    lin = fit_linear(X, y, cut)
    model = _boosted(X, y)
    return Verifier(lin.mean, lin.scale, 0.5 * lin.coef,
                    0.5 * (lin.intercept + float(model._baseline_prediction.ravel()[0])), cut,
                    Trees.from_sklearn(model, 0.5))


# (twenty-fourth pass, variant C) how long the query is, times what it shares with the thread: a
# long, chatty post covers less of itself by the thread than a terse one asking the same question
INTERACTIONS = tuple(("log_query_terms", f) for f in (
    "final", "cos", "coverage", "thread_coverage", "title_coverage", "thread_title_coverage",
    "concept_share", "coverage_harmonic"))


def fit_interact(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """(twenty-fourth pass, variant C) The logistic regression over FEATURES and INTERACTIONS."""
    pairs = tuple((FEATURES.index(a), FEATURES.index(b)) for a, b in INTERACTIONS)
    a = np.array([i for i, _j in pairs])
    b = np.array([j for _i, j in pairs])
    lin = fit_linear(np.hstack([X, X[:, a] * X[:, b]]), y, cut)
    return Verifier(lin.mean, lin.scale, lin.coef, lin.intercept, cut, None, pairs)


def training_queries(queries: list[dict]) -> list[dict]:
    """The labelled queries the verifier and its threshold rule may read: every split but
    HELD_OUT_SPLITS (a query without a split belongs to ``tune``)."""
    return [q for q in queries if q.get("split", "tune") not in HELD_OUT_SPLITS]


def training_rows(index, queries: list[dict]) -> tuple[np.ndarray, np.ndarray, list[dict], list[float]]:
    """Features of each query's best match against `index` (built with verifier=None), its label,
    the queries that have a best match, and their ranking scores."""
    X, y, kept, scores = [], [], [], []
    for q in training_queries(queries):
        feats: list = []
        matches = index.query(q.get("title") or "", q.get("body") or "", k=5, features=feats)
        if not matches:
            continue
        X.append(feats[0])
        y.append(int(matches[0].id == q.get("duplicate_of")))
        kept.append(q)
        scores.append(matches[0].score)
    return np.array(X), np.array(y), kept, scores
