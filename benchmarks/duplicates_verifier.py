"""The pair verifier (forum/duplicates/verifier.py): leave-one-split-out figures, the threshold
rule, and training the shipped file (docs/BENCHMARKS.md, "Quality, tenth pass").

    .venv/bin/python benchmarks/duplicates_verifier.py            # leave-one-split-out table
    .venv/bin/python benchmarks/duplicates_verifier.py --write    # also writes data/verifier.txt
    .venv/bin/python benchmarks/duplicates_verifier.py --write --no-table  # the same file, without the table
    .venv/bin/python benchmarks/duplicates_verifier.py --blind    # the blind splits only (twelfth pass)

Every labelled query of ``forum/duplicates/data/queries.jsonl`` is scored against the dev threads
alone (the score and the features do not depend on the board). Protocol, the same for the plain
score and the verifier: for each split left out, a threshold is chosen on the other splits by the
rule, then applied to the left-out split; the figures pooled over the left-out splits are the
estimate for a new blind split.

Rule: the lowest value on the grid whose false-alarm rate (new topics given any ``duplicate_of``)
is at most 5% on the training splits pooled. For the verifier the rule reads out-of-fold values
(each training split scored by a model trained on the other training splits), never values of a
model that saw the query. Training also reads hard negatives: each query's best match among
20,000 synthetic threads (the generator of the benchmarks, another seed), when it scores 0.30 or
more, labelled "not the same question" and left out with the query's split. The shipped verifier is trained on every split, its cut chosen by the
rule on the leave-one-split-out values of every split.
"""

from __future__ import annotations

import argparse
import math
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forum.duplicates.cli import read_jsonl  # noqa: E402
from forum.duplicates.index import DUPLICATE_THRESHOLD, SURE_SCORE, DuplicateIndex  # noqa: E402
from forum.duplicates.verifier import (FEATURES, HELD_OUT_SPLITS, VERIFIER_FILE, fit, fit_difference,  # noqa: E402
                                      training_queries, training_rows)

DATA = ROOT / "forum" / "duplicates" / "data"
LIMIT = 0.05
SCORE_GRID = [round(0.30 + 0.01 * i, 2) for i in range(61)]
PROB_GRID = [round(0.05 + 0.01 * i, 2) for i in range(91)]


def load(queries: list[dict] | None = None, threads: list[dict] | None = None,
         hard_threads: int | None = None) -> dict:
    """Every labelled query's (best match) features and label, and the hard negatives; the splits
    of HELD_OUT_SPLITS are dropped here, before anything is scored."""
    index = DuplicateIndex(verifier=None)
    index.build(threads if threads is not None else read_jsonl(DATA / "threads.jsonl"), progress=False)
    if queries is None:
        queries = read_jsonl(DATA / "queries.jsonl", required=("id", "title", "duplicate_of"))
    queries = training_queries(queries)
    T: list = []
    best: list = []
    X, y, kept, scores = training_rows(index, queries, differences=T, best_ids=best)
    HT: list = []
    HX, hsplit = hard_negatives(index, queries, HARD_THREADS if hard_threads is None else hard_threads, HT)
    # queries with no match at all are never flagged: they count in the denominators only
    return {"X": X, "y": y, "T": T, "HT": HT, "group": np.array([_group(b) for b in best], dtype=int),
            "hgroup": np.array([_group(i) for i in range(len(HT))], dtype=int), "split": np.array([q.get("split", "tune") for q in kept]),
            "dup": np.array([q.get("duplicate_of") is not None for q in kept]), "score": np.array(scores),
            "all_split": np.array([q.get("split", "tune") for q in queries]),
            "all_dup": np.array([q.get("duplicate_of") is not None for q in queries]),
            "how": np.array([q.get("how") or q.get("kind") or "?" for q in kept]),
            "ids": np.array([q.get("id") for q in kept]),
            "HX": HX, "hsplit": hsplit}


HARD_THREADS = 20_000  # synthetic threads the hard negatives are drawn from
HARD_SEED = 11  # not the quality benchmark's 17: those distractors stay unseen
HARD_MIN_SCORE = 0.30


def hard_negatives(index: DuplicateIndex, queries: list[dict],
                   n_threads: int = HARD_THREADS, differences: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Features of each query's best match among synthetic threads alone (the benchmarks'
    generator, its own seed), when that match scores HARD_MIN_SCORE or more: pairs that are never
    the same question, so that a generated thread outranking the real ones on a big board is not
    waved through. Each belongs to its query's split (left out with it)."""
    from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses

    gen = Generator(index.analyzer, seed=HARD_SEED)
    pool = build_pool(gen, index.analyzer, min(2_000, n_threads))
    board = DuplicateIndex(index.analyzer, verifier=None)
    board.add_many((f"x{i}", c, a, None) for i, c, a, _ in synthetic_analyses(gen, pool, n_threads, 0))
    X, split = [], []
    for q in training_queries(queries):
        feats: list = []
        toks: list = []
        m = board.query(q.get("title") or "", q.get("body") or "", k=1, features=feats, differences=toks)
        if m and m[0].score >= HARD_MIN_SCORE:
            X.append(feats[0])
            split.append(q.get("split", "tune"))
            if differences is not None:
                differences.append(toks[0])
    return (np.array(X) if X else np.zeros((0, len(FEATURES)))), np.array(split, dtype=str)


def fit_rows(d: dict, rows: np.ndarray, cut: float = 0.0):
    """The verifier trained on the labelled pairs in `rows` and the hard negatives of their splits.
    Fits are remembered by their rows (the model trained on all but splits s and t serves both s's
    and t's out-of-fold values), which halves the leave-one-split-out run without changing a value."""
    fits = d.setdefault("fits", {})  # (twenty-fifth pass) the same rows give the same model
    key = (cut, np.packbits(rows).tobytes())
    if key in fits:
        return fits[key]
    hard = np.isin(d["hsplit"], np.unique(d["split"][rows]))
    X = np.vstack([d["X"][rows], d["HX"][hard]])
    y = np.concatenate([d["y"][rows], np.zeros(int(hard.sum()), dtype=int)])
    fits[key] = model = fit(X, y, cut)
    return model


# (twenty-sixth pass) 0: each row's difference value comes from a model trained without its split
# (and the split left out). 2 (or more): also without every pair whose best match is a thread of
# the row's group (threads hashed into this many groups), so the verifier learns how far to trust the
# difference model on threads it has not seen (a live board's); the twenty-sixth pass's "D1g".
DIFFERENCE_THREAD_GROUPS = 2


def _group(value) -> int:
    return zlib.crc32(str(value).encode()) % DIFFERENCE_THREAD_GROUPS if DIFFERENCE_THREAD_GROUPS else 0


def difference_model(d: dict, leave: frozenset, group: int | None = None):
    """(twenty-sixth pass) The difference model trained on the labelled pairs of every split but
    `leave` (and, given `group`, of no thread of that group) (remembered)."""
    fits = d.setdefault("difference_fits", {})
    key = (leave, group)
    if key not in fits:
        rows = ~np.isin(d["split"], list(leave))
        if group is not None:
            rows &= d["group"] != group
        fits[key] = fit_difference([t for t, r in zip(d["T"], rows) if r], d["y"][rows])
    return fits[key]


def with_difference(d: dict, leave: tuple[str, ...] = ()) -> dict:
    """(twenty-sixth pass) The data with the verifier's "difference" column filled in honestly for
    a run that leaves out the splits `leave`: each row of split t is scored by the difference model
    trained without t and without `leave` (so no row's value, nor any training row's, comes from a
    model that saw the labels of the split being judged). Its own memo of verifier fits."""
    col = np.zeros(len(d["y"]))
    hcol = np.zeros(len(d["HX"]))
    groups = range(DIFFERENCE_THREAD_GROUPS) if DIFFERENCE_THREAD_GROUPS else (None,)
    for t in dict.fromkeys(d["split"].tolist()):
        for g in groups:
            model = difference_model(d, frozenset((t, *leave)), g)
            rows = np.flatnonzero((d["split"] == t) & ((d["group"] == g) if g is not None else True))
            col[rows] = [model.score(d["T"][i]) for i in rows]
            hrows = np.flatnonzero((d["hsplit"] == t) & ((d["hgroup"] == g) if g is not None else True))
            hcol[hrows] = [model.score(d["HT"][i]) for i in hrows]
    out = dict(d)
    out["X"], out["HX"] = d["X"].copy(), d["HX"].copy()
    out["X"][:, -1], out["HX"][:, -1] = col, hcol
    out["fits"] = {}
    return out


def counts(d: dict, value: np.ndarray, cut: float, mask: np.ndarray, all_mask: np.ndarray) -> tuple[int, int, int, int]:
    """(flagged, duplicates, false alarms, new topics) for the queries in mask."""
    on = (value >= cut) & mask
    flagged = int((on & (d["y"] == 1)).sum())
    alarms = int((on & ~d["dup"]).sum())
    return flagged, int((d["all_dup"] & all_mask).sum()), alarms, int((~d["all_dup"] & all_mask).sum())


def rule(d: dict, value: np.ndarray, mask: np.ndarray, all_mask: np.ndarray, grid) -> float:
    for t in grid:
        _f, _n, a, m = counts(d, value, t, mask, all_mask)
        if a <= LIMIT * m:
            return t
    return grid[-1]


def oof(d: dict, train: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities for the rows in `train`, one model per split left out."""
    out = np.full(len(d["y"]), np.nan)
    for s in np.unique(d["split"][train]):
        inner = train & (d["split"] != s)
        model = fit_rows(d, inner)
        rows = train & (d["split"] == s)
        out[rows] = _probs(d, model, rows)
    return out


def _prob(model, x) -> float:
    return 1.0 / (1.0 + math.exp(-model.logit(x)))


def _probs(d: dict, model, rows: np.ndarray) -> np.ndarray:
    """The model's probabilities for `rows`, 1 where the ranking score is SURE_SCORE or more
    (the index keeps at least the score as the verdict there: flagged at any cut on the grid)."""
    p = np.array([_prob(model, x) for x in d["X"][rows]])
    return np.where(d["score"][rows] >= SURE_SCORE, 1.0, p)


def _left_out(whole: dict, s: str):
    """Split `s` left out: (data with its difference values, its rows, the other rows, every
    row's probability from the verifier trained on the other rows)."""
    d = with_difference(whole, (s,))
    test, train = d["split"] == s, d["split"] != s
    return d, test, train, _probs(d, fit_rows(d, train), np.ones(len(d["y"]), dtype=bool))


def loso_values(whole: dict) -> np.ndarray:
    """Every row's leave-one-split-out probability, as `loso` computes it, without the per-split
    table (its inner out-of-fold fits for each split's cut cost as much again)."""
    outer = np.full(len(whole["y"]), np.nan)
    for s in dict.fromkeys(whole["split"].tolist()):
        _d, test, _train, p = _left_out(whole, s)
        outer[test] = p[test]
    return outer


def loso(d: dict) -> tuple[list, np.ndarray]:
    """Per left-out split: (split, baseline figures, verifier figures); plus every row's
    leave-one-split-out probability."""
    rows, outer = [], np.full(len(d["y"]), np.nan)
    whole = d
    for s in dict.fromkeys(whole["split"].tolist()):
        d, test, train, p = _left_out(whole, s)
        test_all, train_all = d["all_split"] == s, d["all_split"] != s
        base_cut = rule(d, d["score"], train, train_all, SCORE_GRID)
        base = counts(d, d["score"], base_cut, test, test_all)
        fixed = counts(d, d["score"], DUPLICATE_THRESHOLD, test, test_all)
        cut = rule(d, oof(d, train), train, train_all, PROB_GRID)
        outer[test] = p[test]
        ver = counts(d, p, cut, test, test_all)
        rows.append((s, base_cut, base, fixed, cut, ver))
    return rows, outer


BLIND_SPLITS = ("fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16",
                "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22",
                "fresh23", "fresh24", "fresh25", "fresh26", "fresh27", "fresh28",
                "fresh29", "fresh30", "fresh31", "fresh32",
                "fresh33", "fresh34", "fresh35", "fresh36",
                "fresh37", "fresh38", "fresh39", "fresh40", "fresh41", "fresh42",
                "fresh43", "fresh44", "fresh45", "fresh46", "fresh47", "fresh48",
                "fresh49", "fresh50", "fresh51", "fresh52",
                "fresh53", "fresh54", "fresh55", "fresh56", "fresh57", "fresh58",
                "fresh59", "fresh60", "fresh61", "fresh62", "fresh63", "fresh64",
                "fresh65", "fresh66", "fresh67", "fresh68",
                "fresh69", "fresh70", "fresh71", "fresh72", "fresh73", "fresh74",
                "fresh75", "fresh76", "fresh77", "fresh78")  # written blind by independent writers
# (fresh17: since the sixteenth pass; fresh18..fresh20: since the seventeenth; fresh21..fresh23:
# since the eighteenth; fresh24: since the nineteenth; fresh25, fresh26: since the twentieth;
# fresh27, fresh28: since the twenty-first; fresh29..fresh32: since the twenty-second;
# fresh33..fresh36: since the twenty-third; fresh37, fresh38: since the twenty-fourth;
# fresh39, fresh40: since the twenty-fifth; fresh41, fresh42: since the twenty-sixth;
# fresh43, fresh44: since the twenty-seventh; fresh45, fresh46: since the twenty-eighth;
# fresh47, fresh48: since the twenty-ninth;
# fresh49, fresh50: since the thirtieth; fresh51, fresh52: since the end of the thirtieth;
# fresh53, fresh54: since the end of the thirty-first; fresh55, fresh56: since the end of the
# thirty-second; fresh57, fresh58: since the end of the thirty-third; fresh59, fresh60: since the
# end of the thirty-fourth; fresh61, fresh62: since the end of the thirty-fifth; fresh63, fresh64:
# since the end of the thirty-sixth; fresh65, fresh66: since the end of the thirty-seventh;
# fresh67, fresh68: since the end of the thirty-eighth; fresh69, fresh70: since the end of the
# thirty-ninth; fresh71, fresh72: since the end of the fortieth; fresh73, fresh74: since the
# forty-first, a reading without a candidate; fresh75, fresh76: since the end of the forty-second;
# fresh77, fresh78: since the forty-third)


def blind_loso(d: dict, splits=BLIND_SPLITS) -> list:
    """(twelfth pass) For each split: the verifier trained on every other split, its cut by the rule
    on their out-of-fold values, the split scored at that cut: (split, cut, figures)."""
    rows = []
    whole = d
    for s in splits:
        d = with_difference(whole, (s,))
        test, train = d["split"] == s, d["split"] != s
        test_all, train_all = d["all_split"] == s, d["all_split"] != s
        if not test_all.any():
            continue
        cut = rule(d, oof(d, train), train, train_all, PROB_GRID)
        p = _probs(d, fit_rows(d, train), np.ones(len(d["y"]), dtype=bool))
        rows.append((s, cut, counts(d, p, cut, test, test_all)))
    return rows


def distance(c) -> float:
    """How far pooled figures are from >= 85% flagged at <= 5% false alarms (0 when met)."""
    f, n, a, m = c
    return max(0.0, 0.85 - f / max(1, n)) + max(0.0, a / max(1, m) - LIMIT)


def fmt(c) -> str:
    f, n, a, m = c
    return f"{f / max(1, n):.3f} ({f}/{n}), {a / max(1, m):.1%} ({a}/{m})"


def train_shipped(d: dict, outer: np.ndarray, leave_out: tuple[str, ...] = ()):
    """The verifier trained on every split (but `leave_out`), its cut by the rule on the
    leave-one-split-out values of those splits."""
    whole = d
    d = with_difference(whole, tuple(leave_out))
    everything = ~np.isin(d["split"], leave_out)
    all_rows = ~np.isin(d["all_split"], leave_out)
    if leave_out:  # the leave-one-split-out values of the splits kept, without the left-out one
        outer = np.full(len(d["y"]), np.nan)
        for s in dict.fromkeys(d["split"][everything].tolist()):
            ds = with_difference(whole, (*leave_out, s))
            rows = everything & (d["split"] == s)
            outer[rows] = _probs(ds, fit_rows(ds, everything & (d["split"] != s)), rows)
    cut_p = rule(d, outer, everything, all_rows, PROB_GRID)
    model = fit_rows(d, everything, cut=math.log(cut_p / (1.0 - cut_p)))
    # (twenty-sixth pass) the verifier read out-of-fold difference values; it ships with the
    # difference model trained on every split it was trained on
    model = type(model)(model.mean, model.scale, model.coef, model.intercept, model.cut,
                        difference_model(whole, frozenset(leave_out)), model.regimes)
    f, n, a, m = counts(d, outer, cut_p, everything, all_rows)
    hard = int(np.isin(d["hsplit"], d["split"][everything]).sum())
    header = (f"Trained by benchmarks/duplicates_verifier.py --write on {int(everything.sum())} queries with a best match "
              f"and {hard} hard negatives (best synthetic thread, seed {HARD_SEED}) "
              f"(splits {', '.join(dict.fromkeys(d['split'][everything].tolist()))}; held out, never read: "
              f"{', '.join((*HELD_OUT_SPLITS, *leave_out)) or 'none'}) against the dev threads.\n"
              f"Cut: probability {cut_p:.2f}, the lowest with <= 5% false alarms on the leave-one-split-out "
              f"values of every split ({f}/{n} flagged, {a}/{m} false alarms).")
    return model, header, cut_p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write forum/duplicates/data/{VERIFIER_FILE}")
    parser.add_argument("--by-kind", action="store_true", help="per `how`, on the leave-one-split-out values")
    parser.add_argument("--leave-out", nargs="+", default=[], metavar="SPLIT",
                        help="train the file without these splits too (for scoring one of them, e.g. among "
                             "distractors with duplicates_quality.py --verifier); needs --out")
    parser.add_argument("--blind", nargs="*", default=None, metavar="SPLIT",
                        help="only the leave-one-split-out figures of these splits (default: the blind "
                             f"splits {', '.join(BLIND_SPLITS)}), pooled, and their distance to the target")
    parser.add_argument("--out", type=Path, default=None, help="write the verifier there instead")
    parser.add_argument("--no-table", action="store_true",
                        help="skip the per-split table and its inner fits; the file written is the same")
    args = parser.parse_args()
    if args.blind is not None and not args.blind:
        args.blind = list(BLIND_SPLITS)
    if args.leave_out and args.out is None:
        parser.error("--leave-out needs --out: the shipped file is trained on every split")
    d = load()
    if args.blind:
        print("| left out | cut | flagged, false alarms |\n|---|---|---|")
        tot = [0, 0, 0, 0]
        for s, cut, c in blind_loso(d, tuple(args.blind)):
            tot = [a + b for a, b in zip(tot, c)]
            print(f"| {s} | {cut:.2f} | {fmt(c)} |")
        print(f"| pooled | | {fmt(tot)} |\ndistance to the target: {distance(tot):.4f}")
        return
    if args.leave_out:
        model, header, _cut = train_shipped(d, None, tuple(args.leave_out))
        print(header)
        args.out.write_text(model.dump(header), encoding="utf-8")
        print(f"wrote {args.out}")
        return
    rows, outer = ([], loso_values(d)) if args.no_table else loso(d)
    if rows:
        print_table(rows)
    model, header, cut_p = train_shipped(d, outer)
    if args.by_kind:
        print_by_kind(d, outer, cut_p)
    print(header)
    if args.write or args.out:
        path = args.out or DATA / VERIFIER_FILE
        path.write_text(model.dump(header), encoding="utf-8")
        print(f"wrote {path}")


def print_table(rows: list) -> None:
    print("| left out | score: rule cut | score at rule cut: flagged, false alarms | score at 0.58 | "
          "verifier: rule cut | verifier: flagged, false alarms |")
    print("|---|---|---|---|---|---|")
    tot = {k: [0, 0, 0, 0] for k in ("base", "fixed", "ver")}
    for s, base_cut, base, fixed, cut, ver in rows:
        for k, c in (("base", base), ("fixed", fixed), ("ver", ver)):
            tot[k] = [a + b for a, b in zip(tot[k], c)]
        print(f"| {s} | {base_cut:.2f} | {fmt(base)} | {fmt(fixed)} | {cut:.2f} | {fmt(ver)} |")
    print(f"| pooled | | {fmt(tot['base'])} | {fmt(tot['fixed'])} | | {fmt(tot['ver'])} |")


def print_by_kind(d: dict, outer: np.ndarray, cut_p: float) -> None:
    """Per `how`: duplicates flagged with their thread, or near misses left alone."""
    def right(on: np.ndarray, m: np.ndarray) -> int:
        return int(((on & (d["y"] == 1)) if d["dup"][m].any() else ~on)[m].sum())

    on, base_on = outer >= cut_p, d["score"] >= DUPLICATE_THRESHOLD
    for how in sorted(set(d["how"].tolist())):
        m = d["how"] == how
        print(f"  {how}: score at 0.58 {right(base_on, m)}/{int(m.sum())}, verifier {right(on, m)}/{int(m.sum())}")


if __name__ == "__main__":
    main()
