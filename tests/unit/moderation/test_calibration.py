"""Threshold choice under the dev clean-flag cap, and the corpus build's guards against leaks
and template artefacts."""

from __future__ import annotations

import json

import numpy as np

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


def test_heldout_splits_include_fresh3_and_never_reach_training():
    fresh = build.read_fresh()
    splits = {kind.split("/")[0] for _, _, kind in fresh}
    assert {"fresh", "fresh2", "fresh3"} <= splits
    train_texts = {json.loads(line)["text"] for line in (build.HERE / "train.jsonl").read_text(encoding="utf-8").splitlines()}
    assert not train_texts & {text for text, _, _ in fresh}
