"""Threshold choice under the dev clean-flag cap, and the corpus build's guards against leaks
and template artefacts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from moderation import classifier
from moderation.corpus import build


def _dev_like() -> tuple[np.ndarray, np.ndarray]:
    # 100 clean posts, 10 of them scored 0.50-0.59 on obscene; 40 obscene posts scored 0.3-0.99.
    rng = np.random.default_rng(3)
    n_clean, n_pos = 100, 40
    probs = np.full((n_clean + n_pos, len(classifier.LABELS)), 0.02)
    truth = np.zeros_like(probs, dtype=bool)
    j = classifier.LABELS.index("obscene")
    probs[:10, j] = np.linspace(0.50, 0.59, 10)
    probs[n_clean:, j] = rng.uniform(0.3, 0.99, n_pos)
    truth[n_clean:, j] = True
    # the other labels have a few easy positives so their F1 is defined
    for k, label in enumerate(classifier.LABELS):
        if label != "obscene":
            probs[n_clean:n_clean + 5, k] = 0.9
            truth[n_clean:n_clean + 5, k] = True
    return probs, truth


def test_clean_flag_cap_raises_the_threshold_above_flagged_clean_posts(monkeypatch):
    probs, truth = _dev_like()
    j = classifier.LABELS.index("obscene")
    clean = ~truth.any(axis=1)
    monkeypatch.setattr(classifier, "CLEAN_FLAG_TARGET", None)
    uncapped = classifier.choose_thresholds(probs, truth)["obscene"]["flag"]
    monkeypatch.setattr(classifier, "CLEAN_FLAG_TARGET", 0.01)
    capped = classifier.choose_thresholds(probs, truth)
    flagged = probs[clean, j] >= capped["obscene"]["flag"]
    assert uncapped < 0.5  # F1 alone accepts the ten clean posts
    assert 0.58 < capped["obscene"]["flag"] <= 0.6  # one clean post in 100 may stay flagged
    assert flagged.mean() <= 0.01
    # only obscene is raised; the other labels keep their F1 thresholds
    for label in classifier.LABELS:
        if label != "obscene":
            assert capped[label]["flag"] <= 0.9
    assert capped["obscene"]["hold"] > capped["obscene"]["flag"]


def test_duplicate_questions_keep_each_topic_on_one_side():
    train, dev = build.duplicate_questions()
    assert train and dev and all(not labels for _, labels in train + dev)
    assert 0.1 < len(dev) / (len(train) + len(dev)) < 0.3
    assert not {t for t, _ in train} & {t for t, _ in dev}


def test_template_near_copies_are_thinned_per_label_set():
    rows = [("selling alloy wheels 5,000 baht dm me", ["trading"]),
            ("selling alloy wheels 5,500 baht dm me", ["trading"]),
            ("selling alloy wheels 5,500 baht dm me", []),  # other labels: kept
            ("where can i buy alloy wheels in bangkok", [])]
    kept, dropped = build._thin_near_copies(rows)
    assert dropped == [("selling alloy wheels 5,500 baht dm me", ["trading"])]
    assert len(kept) == 3


def _texts(path) -> set[str]:
    return {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def test_held_out_splits_are_the_whole_held_out_file_and_never_in_the_fitted_files():
    assert set(build.HELD_OUT_SPLITS).isdisjoint(build.OTHER_WRITER_SPLITS)
    # a split named in HELD_OUT_SPLITS holds out nothing until its folder is merged (fresh12 at
    # the eleventh pass, fresh13 at the twelfth, fresh16 at the fourteenth); every one whose folder
    # exists is the held-out file
    on_disk = {s for s in build.HELD_OUT_SPLITS if (build.HERE / "src" / s).is_dir()}
    held = build.read_fresh(build.HELD_OUT_SPLITS)
    assert {kind.split("/")[0] for _, _, kind in held} == on_disk
    heldout = [json.loads(line) for line in (build.HERE / "heldout.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["kind"].split("/")[0] for row in heldout} == on_disk
    assert len(heldout) == len(held)
    fitted = _texts(build.HERE / "train.jsonl") | _texts(build.HERE / "dev.jsonl")
    assert not fitted & {text for text, _, _ in held}
    # the other writers' splits are trained on, each under its own group
    groups = set(classifier.load_groups(classifier.TRAIN_PATH))
    assert {build.OTHER_WRITER_GROUP + split for split in build.OTHER_WRITER_SPLITS} <= groups
    assert not {build.OTHER_WRITER_GROUP + split for split in build.HELD_OUT_SPLITS} & groups


_NEAR_COPIES: dict[tuple, tuple[list, list]] = {}


@pytest.fixture
def near_copies_once(monkeypatch):
    """`build._drop_near_copies`, computed once per distinct input in this module: the builds below
    differ only in which side of the held-out line a split falls on, so the training rows checked
    against all the held-out, dev and other writers' lines (the build's costliest step, most of
    each build) are the same rows against the same set of lines each time. The result depends only
    on the rows (in order) and the set of lines (h-suite3); a new input is computed for real."""
    real = build._drop_near_copies

    def once(rows, held):
        key = (tuple((text, tuple(labels)) for text, labels in rows), frozenset(held))
        if key not in _NEAR_COPIES:
            _NEAR_COPIES[key] = real(rows, held)
        kept, dropped = _NEAR_COPIES[key]
        return list(kept), list(dropped)  # (the build extends the dropped list)

    monkeypatch.setattr(build, "_drop_near_copies", once)


def test_a_split_added_to_held_out_splits_leaves_the_fitted_files(tmp_path, monkeypatch, near_copies_once):
    # What the lead does at merge for a new blind split, tried on one that is trained on now:
    # its lines leave train/dev (and their near copies too) and make up heldout.jsonl with fresh10.
    moved = build.OTHER_WRITER_SPLITS[-1]
    monkeypatch.setattr(build, "OTHER_WRITER_SPLITS", build.OTHER_WRITER_SPLITS[:-1])
    monkeypatch.setattr(build, "HELD_OUT_SPLITS", build.HELD_OUT_SPLITS + (moved,))
    monkeypatch.setattr(build, "FRESH_SPLITS", build.OTHER_WRITER_SPLITS + build.HELD_OUT_SPLITS)
    build.build(tmp_path)
    moved_texts = {text for text, _, _ in build.read_fresh((moved,))}
    trained = _texts(tmp_path / "train.jsonl")
    assert moved_texts and not (trained | _texts(tmp_path / "dev.jsonl")) & moved_texts
    assert build._drop_near_copies([(t, []) for t in sorted(trained)], sorted(moved_texts))[1] == []  # nor near copies
    assert moved_texts <= _texts(tmp_path / "heldout.jsonl")
    assert not any(json.loads(line)["group"] == build.OTHER_WRITER_GROUP + moved
                   for line in (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines())


def test_a_held_out_split_not_merged_yet_is_no_error_and_holds_out_nothing(tmp_path, monkeypatch, near_copies_once):
    # HELD_OUT_SPLITS names the split being written blind before its folder exists (beside any
    # held-out split already merged, whose rows alone make the held-out file)
    merged = tuple(s for s in build.HELD_OUT_SPLITS if (build.HERE / "src" / s).is_dir())
    monkeypatch.setattr(build, "HELD_OUT_SPLITS", merged + ("fresh-not-written-yet",))
    monkeypatch.setattr(build, "FRESH_SPLITS", build.OTHER_WRITER_SPLITS + build.HELD_OUT_SPLITS)
    counts = build.build(tmp_path)
    held = [json.loads(line) for line in (tmp_path / "heldout.jsonl").read_text(encoding="utf-8").splitlines()]
    assert counts["heldout"] == len(held) == len(build.read_fresh(merged))
    assert not any("fresh-not-written-yet" in json.dumps(row) for row in held)
    groups = {json.loads(line)["group"] for line in (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {build.OTHER_WRITER_GROUP + split for split in build.OTHER_WRITER_SPLITS} <= groups


def test_a_fresh_folder_in_neither_list_stops_the_build(monkeypatch, tmp_path):
    # a split folder on disk that neither tuple names (the last trained-on one, taken out of the
    # list; the held-out split's folder may not exist yet)
    monkeypatch.setattr(build, "OTHER_WRITER_SPLITS", build.OTHER_WRITER_SPLITS[:-1])
    monkeypatch.setattr(build, "FRESH_SPLITS", build.OTHER_WRITER_SPLITS + build.HELD_OUT_SPLITS)
    with pytest.raises(SystemExit, match="HELD_OUT_SPLITS"):
        build.build(tmp_path)
    assert not list(tmp_path.iterdir())


def test_held_out_rows_never_reach_the_fit_or_the_threshold_choice(tmp_path, monkeypatch):
    # A small corpus: our own rows, two other writers' splits (trained on, their out-of-fold
    # scores choose the thresholds) and a held-out file whose every line carries a marker word.
    rows = []
    for g in range(3):
        for i in range(8):
            rows += [{"text": f"selling wheels set {g} {i} dm me", "labels": ["trading"], "group": f"train/trading-{g}"},
                     {"text": f"how often should I change oil {g} {i}", "labels": [], "group": f"train/clean-{g}"},
                     {"text": f"you stupid idiot {g} {i}", "labels": ["profanity"], "group": f"train/profanity-{g}"},
                     {"text": f"the king is a useless clown {g} {i}", "labels": ["lese_majeste"], "group": f"train/lese_majeste-{g}"},
                     {"text": f"naked girls on the bonnet {g} {i}", "labels": ["obscene"], "group": f"train/obscene-{g}"}]
    for split in ("fresh", "fresh2"):
        for i in range(6):
            rows += [{"text": f"wts dashcam {split} {i} inbox", "labels": ["trading"], "group": f"fresh/{split}"},
                     {"text": f"my brakes squeal {split} {i}", "labels": [], "group": f"fresh/{split}"}]
    train_path, dev_path, held_path = tmp_path / "train.jsonl", tmp_path / "dev.jsonl", tmp_path / "heldout.jsonl"
    train_path.write_text("".join(json.dumps(r) + "\n" for r in rows[:-10]))
    dev_path.write_text("".join(json.dumps(r) + "\n" for r in rows[-10:]))
    held_path.write_text("".join(json.dumps({"text": f"zqheldout idiot {i}", "labels": ["profanity"], "kind": "fresh10/prof_plain"}) + "\n"
                                 for i in range(5)))
    for name, path in (("TRAIN_PATH", train_path), ("DEV_PATH", dev_path), ("HELDOUT_PATH", held_path)):
        monkeypatch.setattr(classifier, name, path)
    fitted, chosen_on = [], []
    real_fit, real_choose = classifier._fit, classifier.choose_thresholds_per_label

    def fit(examples, bar=None, row_weight=None):
        fitted.extend(ex.text for ex in examples)
        return real_fit(examples, bar, row_weight)

    def choose(probs, truth, caps=None):
        chosen_on.append((len(probs), caps))
        return real_choose(probs, truth, caps)

    monkeypatch.setattr(classifier, "_fit", fit)
    monkeypatch.setattr(classifier, "choose_thresholds_per_label", choose)
    model = classifier.train(progress=False)
    assert fitted and not [t for t in fitted if "zqheldout" in t]
    # thresholds from the 24 other-writer rows only (the held-out rows are not among them)
    assert chosen_on == [(24, classifier.OTHER_WRITER_CLEAN_CAP)]
    assert model.metadata["other_writer_oof_evaluation"]["n"] == 24
    assert set(model.metadata["other_writer_oof_evaluation"]["splits"]) == {"fresh/fresh", "fresh/fresh2"}
    assert model.metadata["evaluation"]["n"] == 5  # the held-out file is only scored


@pytest.mark.parametrize("split", ["fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14",
                                   "fresh15", "fresh16"])  # fresh17: once merged
def test_blind_split_has_fresh6s_kind_files_and_labels_on_every_line(split):
    # read_fresh skips lines without a "[labels] " prefix (README prose), so a post written
    # without one would silently vanish from the held-out split: every non-comment line of a
    # kind file must carry one, and the kinds must match fresh6's for the per-kind breakdown.
    folder = build.HERE / "src" / split
    kinds = {p.stem for p in folder.glob("*.txt")} - {"README"}
    assert kinds == {p.stem for p in (build.HERE / "src" / "fresh6").glob("*.txt")} - {"README"}
    for path in folder.glob("*.txt"):
        if path.stem == "README":
            continue
        lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines()]
        posts = [l for l in lines if l and not l.startswith("#")]
        assert posts and all(build._PREFIX.match(l) for l in posts), path.name
    rows = [(labels, kind) for _, labels, kind in build.read_fresh() if kind.startswith(f"{split}/")]
    # fresh11's README quotes "[obscene,trading] ..." style lines; they are prose, never posts
    assert {kind for _, kind in rows} == {f"{split}/{kind}" for kind in kinds}
    assert all(not labels for labels, kind in rows if "/clean" in kind)
    assert all(labels for labels, kind in rows if "/clean" not in kind)
    assert all(len(labels) == 2 for labels, kind in rows if kind == f"{split}/multi")


def test_out_of_fold_scores_come_from_models_that_never_saw_the_group():
    # Group "sarcasm-file" is the only source of the made-up word "qzvx" and all its rows are
    # profanity (other groups have other profanity); a model that saw the group scores them
    # high, an out-of-fold one cannot.
    examples, groups = [], []
    for i in range(12):
        examples.append(classifier.Example(f"qzvx qzvx number {i}", ("profanity",)))
        groups.append("sarcasm-file")
    for g in range(4):
        for i in range(12):
            examples.append(classifier.Example(f"selling wheels set {g} {i} dm me", ("trading",)))
            groups.append(f"trading-{g}")
            examples.append(classifier.Example(f"how often should I change oil {g} {i}", ()))
            groups.append(f"clean-{g}")
            examples.append(classifier.Example(f"the king is a useless clown {g} {i}", ("lese_majeste",)))
            groups.append(f"lm-{g}")
            examples.append(classifier.Example(f"naked girls on the bonnet {g} {i}", ("obscene",)))
            groups.append(f"obscene-{g}")
            examples.append(classifier.Example(f"you stupid idiot {g} {i}", ("profanity",)))
            groups.append(f"swearing-{g}")
    oof = classifier.oof_probabilities(examples, groups, folds=3)
    features, coef, intercept = classifier._fit(examples)
    seen = classifier.ModerationModel(features, coef, intercept, {})._probabilities([e.text for e in examples[:12]])
    j = classifier.LABELS.index("profanity")
    assert oof.shape == (len(examples), len(classifier.LABELS))
    assert seen[:, j].min() > 0.5
    assert oof[:12, j].max() < 0.2


def test_corpus_rows_carry_their_source_group():
    groups = classifier.load_groups(classifier.TRAIN_PATH) + classifier.load_groups(classifier.DEV_PATH)
    assert len(groups) == len(classifier.load_examples(classifier.TRAIN_PATH)) + len(classifier.load_examples(classifier.DEV_PATH))
    assert groups.count("other") < 0.01 * len(groups)
    assert len(set(groups)) >= 20  # enough groups for grouped folds


def test_other_writers_rows_carry_the_other_writer_weight_in_the_fit(monkeypatch):
    monkeypatch.setattr(classifier, "OTHER_WRITER_WEIGHT", 2.0)
    weights = classifier._row_weight(["fresh/fresh3", "train/profanity-11", "templates/issue13", "fresh/fresh9"])
    assert list(weights) == [2.0, 1.0, 1.0, 2.0]
    monkeypatch.setattr(classifier, "OTHER_WRITER_WEIGHT", 1.0)
    assert classifier._row_weight(["fresh/fresh3", "train/profanity-11"]) is None
