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
since the twenty-sixth the logit of a learned difference model (`Difference`) over what one text says
that the other does not, ``DuplicateIndex._difference_tokens``; since the thirty-fourth the query's
unmatched plain words the reference corpus never saw and those it knows well, and the thread's rare words
the query lacks, ``DuplicateIndex._unmatched_features``; ``DuplicateIndex._pair_features``; since the thirty-ninth, candidate B,
each regime of `REGIMES`, cross-script or romanised pairs and short or title-only queries, has weights of
its own added to the shared ones). Since the
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
import itertools
import math
from pathlib import Path

import numpy as np

from .features import SHORT_TERMS

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
# (twenty-fifth pass) `fresh39` and `fresh40`, scored once with the twenty-second pass's file (the
# twenty-fourth shipped nothing), joined training; `fresh41` and `fresh42` are reserved here before
# their writers start.
# (twenty-sixth pass) `fresh41` and `fresh42`, scored once with the twenty-fifth pass's file (the
# twenty-fifth shipped nothing), joined training; `fresh43` and `fresh44` are reserved here before
# their writers start.
# (twenty-seventh pass) `fresh43` and `fresh44`, scored once with the twenty-fifth pass's file and once
# with the twenty-sixth's, joined training; `fresh45` and `fresh46` are reserved here before their
# writers start.
# (twenty-eighth pass) `fresh45` and `fresh46`, scored once with the twenty-seventh pass's start file
# (the twenty-seventh shipped nothing), joined training; `fresh47` and `fresh48` are reserved here
# before their writers start.
# (twenty-ninth pass) `fresh47` and `fresh48`, scored once with the twenty-eighth pass's start file
# (the twenty-eighth shipped nothing), joined training; `fresh49` and `fresh50` are reserved here
# before their writers start.
# (thirtieth pass) `fresh49` and `fresh50`, scored once with the twenty-ninth pass's start file
# (the twenty-ninth shipped nothing), joined training; `fresh51` and `fresh52` are reserved here
# before their writers start.
# (after the thirtieth pass) `fresh51` and `fresh52`, scored once with the thirtieth pass's start file
# and once with its variant A (which did not ship), joined training; `fresh53` and `fresh54` are
# reserved here for the next writers, before they start.
# (thirty-first pass) `fresh55` and `fresh56` were reserved here as well, for the pass after it,
# before their writers started; `fresh53` and `fresh54` judged the thirty-first.
# (after the thirty-first pass) `fresh53` and `fresh54`, scored once with the shipped file and once
# with the pass's variant C (which did not ship), joined training; `fresh55` and `fresh56` stay
# reserved for the thirty-second.
# (thirty-second pass) `fresh57` and `fresh58` are reserved here as well, for the pass after it,
# before their writers start; `fresh55` and `fresh56` judge the thirty-second.
# (after the thirty-second pass) `fresh55` and `fresh56`, scored once with the shipped file, joined
# training; `fresh57` and `fresh58` stay reserved for the thirty-third.
# (thirty-third pass) `fresh59` and `fresh60` are reserved here as well, for the pass after it,
# before their writers start; `fresh57` and `fresh58` judge the thirty-third.
# (after the thirty-third pass) `fresh57` and `fresh58`, scored once with the shipped file, joined
# training; `fresh59` and `fresh60` stay reserved for the thirty-fourth.
# (thirty-fourth pass) `fresh61` and `fresh62` are reserved here as well, for the pass after it,
# before their writers start; `fresh59` and `fresh60` judge the thirty-fourth.
# (after the thirty-fourth pass) `fresh59` and `fresh60`, scored once with the shipped file and once
# with the pass's, joined training; `fresh61` and `fresh62` stay reserved for the thirty-fifth.
# (thirty-fifth pass) `fresh63`..`fresh66` were reserved here before their writers started;
# after it `fresh61` and `fresh62`, scored once with the shipped file (neither candidate met the
# rule), joined training; `fresh63` and `fresh64`, scored once with the retrained file, judge the
# thirty-sixth, `fresh65` and `fresh66` (unread) the one after it.
# (thirty-sixth pass) `fresh67` and `fresh68` were reserved here before their writers started;
# after it `fresh63` and `fresh64`, scored once with the shipped file and once with the pass's
# (candidate A, which shipped), joined training; `fresh65` and `fresh66` judge the thirty-seventh,
# `fresh67` and `fresh68` (unread) the one after it.
# (thirty-seventh pass) `fresh69` and `fresh70` were reserved here as well, before their writers
# started; `fresh65` and `fresh66` judged the thirty-seventh. After it they joined training;
# `fresh67` and `fresh68` (unread) judge the thirty-eighth, `fresh69` and `fresh70` the one after it.
# (thirty-eighth pass) `fresh71` and `fresh72` were reserved here before their writers started;
# `fresh67` and `fresh68` judged the thirty-eighth pass. After it they joined training;
# `fresh69` and `fresh70` (unread) judge the thirty-ninth, `fresh71` and `fresh72` the one after it.
# (thirty-ninth pass) `fresh73` and `fresh74` were reserved here before their writers started;
# `fresh69` and `fresh70` judged the thirty-ninth pass (candidate B shipped); they stayed out of
# training until the next retrain of B's verifier (the next session's first step), then joined it;
# `fresh71` and `fresh72` (unread) judge the fortieth, `fresh73` and `fresh74` the one after it.
# (fortieth pass) `fresh71` and `fresh72` judged it (scored once, with the shipped file only: no
# candidate met the rule). After it they joined training (at the next session's retrain);
# `fresh73` and `fresh74` (unread) are next. `fresh75` and `fresh76` were reserved here before
# their writers started.
# (forty-first pass, a reading without a candidate) `fresh73` and `fresh74` were scored once, with
# the file retrained with `fresh71` and `fresh72`; then they joined training. `fresh75` and
# `fresh76` (unread) judge the next pass.
# (forty-second pass) `fresh77` and `fresh78` were reserved here before their writers started;
# `fresh75` and `fresh76` were scored once with the shipped file for the forty-second pass (its
# candidate went unjudged) and then joined training; `fresh77` and `fresh78` (unread) judge the
# forty-third.
# (forty-third pass) `fresh79` and `fresh80` were reserved here before their writers started;
# `fresh77` and `fresh78` were scored once with the shipped file (the pass's starting point) and
# then joined training; `fresh79` and `fresh80` (unread) judge the forty-fourth.
HELD_OUT_SPLITS: tuple[str, ...] = ("fresh79", "fresh80")
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
    # (thirty-fourth pass) the query's unmatched plain words by reference document frequency:
    # unseen ones (log count, share of its unmatched words), well-known ones; the thread's
    # distinctive words the query lacks (`DuplicateIndex._unmatched_features`)
    "query_unseen_unmatched", "query_unseen_share", "query_known_unmatched", "thread_rare_unmatched",
    # (thirty-sixth pass) swapped roles: what the query's title says is fine that the thread's title
    # asks about, and the reverse (`Analysis.fine`, `DuplicateIndex._fine_features`)
    "query_fine_thread_title", "thread_fine_query_title",
    # (twenty-sixth pass) the learned difference model's logit over what one text of the pair says
    # and the other does not (`Difference`, `DuplicateIndex._difference_tokens`)
    "difference",
)

# (thirty-fourth pass) the features a file written before them may lack (`Verifier.load`); a file
# may lack either group or both: the thirty-fourth pass's four, the thirty-sixth's two
LATEST_FEATURES = frozenset({"query_unseen_unmatched", "query_unseen_share", "query_known_unmatched",
                             "thread_rare_unmatched"})
FINE_FEATURES = frozenset({"query_fine_thread_title", "thread_fine_query_title"})
OPTIONAL_FEATURE_GROUPS = (LATEST_FEATURES, FINE_FEATURES)

# (thirty-ninth pass, B) Regime coefficients. A cross-language or romanised pair and a short or
# title-only query read the same features differently (plain cosine is low for a true Thai-English
# duplicate; a one-line title covers little of anything), so the regression also gets, for each
# regime, a second copy of every standardised feature that is zero outside the regime: the pair's
# weights in a regime are the shared weights plus that regime's own. A regime is read from the pair's
# own features: any of its features above zero. A pair in both regimes gets both copies. The verdict
# is still one probability against one cut.
REGIMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cross", ("cross_script", "romanised")),
    ("short", ("short", "title_only")),
)
# A feature marks its regime when it is above its floor here (0 when not named). "short" is
# `features.shortness`, exp(-body_terms / SHORT_TERMS), above 0 for every post, so its floor is the
# value halfway between SHORT_TERMS body terms and one more: a title plus at most SHORT_TERMS body terms.
REGIME_FLOORS = {"short": math.exp(-(SHORT_TERMS + 0.5) / SHORT_TERMS)}
# The copies enter the fit multiplied by this, so their L2 penalty is 1 / REGIME_SCALE**2 = 4 times
# the shared weights' (an effective C of C / 4 for a regime's departure from the shared weights);
# fixed before any figure was read. The file stores the effective coefficients (already scaled).
REGIME_SCALE = 0.5
_REGIME_INDEX = tuple((name, np.array([FEATURES.index(f) for f in fs]),
                       np.array([REGIME_FLOORS.get(f, 0.0) for f in fs])) for name, fs in REGIMES)


def regime_masks(X: np.ndarray) -> list[np.ndarray]:
    """For each of `REGIMES`, which rows of X (raw feature rows) are in it."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    return [(X[:, idx] > floor).any(axis=1) for _name, idx, floor in _REGIME_INDEX]


class Difference:
    """(twenty-sixth pass) A sparse logistic model over the pair's unmatched content
    (`DuplicateIndex._difference_tokens`): which unmatched concepts, kinds, words, letter trigrams,
    numbers, positions and circumstances go with the same question (the writer's asides) and which
    with another one (a changed detail). Its logit is the verifier's feature "difference"."""

    def __init__(self, weights: dict[str, float], intercept: float):
        self.weights = weights
        self.intercept = float(intercept)

    def score(self, tokens) -> float:
        w = self.weights
        return self.intercept + sum(w.get(t, 0.0) for t in tokens)

    def dump(self) -> list[str]:
        return [f"difference_intercept {self.intercept:.6g}"] + [
            f"diff {t} {w:.6g}" for t, w in sorted(self.weights.items()) if round(w, 6) != 0.0]


DIFFERENCE_C = 0.1  # inverse L2 strength of the difference model (chosen before any figure)
DIFFERENCE_MIN_ROWS = 3  # a token counts once at least this many training pairs have it


def fit_difference(tokens: list[list[str]], y: np.ndarray) -> Difference:
    """The difference model trained on the unmatched tokens of labelled pairs (1: same question)."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    df: dict[str, int] = {}
    for toks in tokens:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    vocab = {t: i for i, t in enumerate(sorted(t for t, n in df.items() if n >= DIFFERENCE_MIN_ROWS))}
    rows, cols = [], []
    for i, toks in enumerate(tokens):
        for t in set(toks):
            c = vocab.get(t)
            if c is not None:
                rows.append(i)
                cols.append(c)
    A = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(tokens), len(vocab)))
    model = LogisticRegression(C=DIFFERENCE_C, solver="liblinear", random_state=0)
    model.fit(A, np.asarray(y))
    return Difference({t: float(model.coef_[0][i]) for t, i in vocab.items()}, float(model.intercept_[0]))


class Verifier:
    """Standardised logistic regression over `FEATURES`; `verdict(x)` on the score's scale."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float, cut: float,
                 difference: Difference | None = None, regimes: dict[str, np.ndarray] | None = None):
        self.difference = difference
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.cut = float(cut)
        self._shift = math.log(ANCHOR / (1.0 - ANCHOR)) - self.cut
        # (thirty-ninth pass, B) each regime's own weights on the standardised features, added to
        # `coef` for a pair in that regime; a file without them (older) has none: the same logits
        self.regimes = {name: np.asarray(c, dtype=np.float64) for name, c in (regimes or {}).items()}
        active = [(tuple(zip(idx.tolist(), floor.tolist())), self.regimes[name]) for name, idx, floor in _REGIME_INDEX
                  if name in self.regimes and np.any(self.regimes[name])]
        self._regime_tests = tuple(test for test, _c in active)
        # the regime weights for each combination of regimes a pair can be in, summed once; kept apart
        # from `coef` so that the shared weights stay the ones `logit` reads
        self._regime_sums = {key: sum((c for on, (_t, c) in zip(key, active) if on), np.zeros_like(self.coef))
                             for key in itertools.product((False, True), repeat=len(active)) if any(key)}

    def logit(self, x: np.ndarray) -> float:
        x = np.asarray(x)
        z = (x - self.mean) / self.scale
        key = tuple(any(x[i] > floor for i, floor in test) for test in self._regime_tests)
        extra = self._regime_sums.get(key)
        return float(z @ self.coef + (0.0 if extra is None else z @ extra) + self.intercept)

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
        names: list[str] = []
        diff: dict[str, float] = {}
        regime: dict[str, dict[str, float]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, *nums = line.split()
                if name == "diff":
                    diff[nums[0]] = float(nums[1])
                    continue
                if name == "regime":  # (thirty-ninth pass, B) "regime <name> <feature> <coefficient>"
                    if nums[0] not in dict(REGIMES) or nums[1] not in FEATURES:
                        raise ValueError(f"{path}: unknown regime coefficient {line!r}")
                    regime.setdefault(nums[0], {})[nums[1]] = float(nums[2])
                    continue
                values[name] = [float(v) for v in nums]
                if name not in ("intercept", "cut", "difference_intercept"):
                    names.append(name)
        # (thirty-fourth pass) a file trained before the newest features were added loads with no
        # weight on them (mean 0, scale 1, coefficient 0): its verdicts are the ones it gave before
        # (thirty-sixth pass) or without the thirty-sixth pass's, or without both groups
        allowed = {tuple(f for f in FEATURES if not any(f in g for g in dropped))
                   for n in range(len(OPTIONAL_FEATURE_GROUPS) + 1)
                   for dropped in itertools.combinations(OPTIONAL_FEATURE_GROUPS, n)}
        if tuple(names) not in allowed:
            raise ValueError(f"{path}: features {names} are not {FEATURES}")
        rows = np.array([values.get(n, [0.0, 1.0, 0.0])[:3] for n in FEATURES])
        difference = Difference(diff, values["difference_intercept"][0]) if "difference_intercept" in values else None
        regimes = {name: np.array([w.get(f, 0.0) for f in FEATURES]) for name, w in regime.items()}
        return cls(rows[:, 0], rows[:, 1], rows[:, 2], values["intercept"][0], values["cut"][0], difference,
                   regimes or None)

    def dump(self, header: str = "") -> str:
        lines = [f"# {line}" for line in header.splitlines()]
        lines.append("# feature mean scale coefficient (standardised)")
        lines += [f"{n} {m:.6g} {s:.6g} {c:.6g}" for n, m, s, c in zip(FEATURES, self.mean, self.scale, self.coef)]
        lines += [f"intercept {self.intercept:.6g}", f"cut {self.cut:.6g}"]
        if self.regimes:
            lines.append("# regime coefficients (thirty-ninth pass): regime feature coefficient (standardised, "
                         "added to the shared one for a pair in the regime)")
            lines += [f"regime {name} {n} {c:.6g}" for name, _fs in REGIMES if name in self.regimes
                      for n, c in zip(FEATURES, self.regimes[name]) if round(float(c), 6) != 0.0]
        if self.difference is not None:
            lines += ["# the difference model (twenty-sixth pass): token weight"] + self.difference.dump()
        return "\n".join(lines) + "\n"


C = 1.0  # inverse L2 strength (0.1, 0.3 and 3 gave the same leave-one-split-out figures within a query or two)


def fit(X: np.ndarray, y: np.ndarray, cut: float = 0.0) -> Verifier:
    """The verifier trained on feature rows X and labels y (1: the best match is the duplicate)."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    masks = regime_masks(X) if len(X) else []
    # (thirty-ninth pass, B) one masked copy of the standardised features per regime that has rows
    kept = [(name, m) for (name, _fs), m in zip(REGIMES, masks) if m.any()]
    A = np.hstack([Z] + [Z * (m[:, None] * REGIME_SCALE) for _name, m in kept])
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(A, y)
    n = X.shape[1]
    coef = model.coef_[0]
    regimes = {name: coef[n * (i + 1):n * (i + 2)] * REGIME_SCALE for i, (name, _m) in enumerate(kept)}
    return Verifier(mean, scale, coef[:n], float(model.intercept_[0]), cut, regimes=regimes or None)


def training_queries(queries: list[dict]) -> list[dict]:
    """The labelled queries the verifier and its threshold rule may read: every split but
    HELD_OUT_SPLITS (a query without a split belongs to ``tune``)."""
    return [q for q in queries if q.get("split", "tune") not in HELD_OUT_SPLITS]


def training_rows(index, queries: list[dict], differences: list | None = None, best_ids: list | None = None
                  ) -> tuple[np.ndarray, np.ndarray, list[dict], list[float]]:
    """Features of each query's best match against `index` (built with verifier=None), its label,
    the queries that have a best match, and their ranking scores; `differences`, when given, gets
    each best match's difference tokens (`DuplicateIndex._difference_tokens`)."""
    X, y, kept, scores = [], [], [], []
    for q in training_queries(queries):
        feats: list = []
        matches = index.query(q.get("title") or "", q.get("body") or "", k=5, features=feats,
                              differences=differences)
        if not matches:
            continue
        X.append(feats[0])
        y.append(int(matches[0].id == q.get("duplicate_of")))
        if best_ids is not None:
            best_ids.append(matches[0].id)
        kept.append(q)
        scores.append(matches[0].score)
    return np.array(X), np.array(y), kept, scores
