"""Pooled development figures of one or more moderation models over the scored fresh splits.

    python -m moderation.corpus.pooled_report MODEL_DIR [MODEL_DIR ...] [--json]

For each model: F1 (precision / recall) per label and the clean posts flagged, pooled over every
split in heldout.jsonl; the same per split; and per kind (pooled over the splits by the kind's
name, e.g. every split's "prof_sarcasm"), the posts whose labels came out exactly right. With two
or more models the columns sit side by side (first = the reference), so a pass can compare a
candidate with the shipped model by the ship rule: no label's pooled F1 more than 0.005 below the
reference's, no more clean posts flagged. These splits have all been studied: the figures are
development figures, not held-out ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from moderation import classifier
from moderation.classifier import LABELS


def figures(model: classifier.ModerationModel, examples: list[classifier.Example]) -> dict:
    """Per label tp/fp/fn and F1, clean flagged, per split and per kind, from one scoring pass."""
    probs = model._probabilities([ex.text for ex in examples])
    flags = np.stack([probs[:, j] >= model.thresholds[label]["flag"] for j, label in enumerate(LABELS)], axis=1)
    truth = classifier._matrix(examples).astype(bool)

    def summary(rows: np.ndarray) -> dict:
        out: dict = {"n": int(rows.sum()), "labels": {}}
        for j, label in enumerate(LABELS):
            tp = int((flags[rows, j] & truth[rows, j]).sum())
            fp = int((flags[rows, j] & ~truth[rows, j]).sum())
            fn = int((~flags[rows, j] & truth[rows, j]).sum())
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
            out["labels"][label] = {"tp": tp, "fp": fp, "fn": fn, "f1": round(f1, 4),
                                    "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                                    "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0}
        clean = rows & ~truth.any(axis=1)
        out["clean"] = int(clean.sum())
        out["clean_flagged"] = int(flags[clean].any(axis=1).sum())
        return out

    splits = np.array([ex.kind.split("/")[0] for ex in examples])
    kinds = np.array([ex.kind.split("/", 1)[-1] for ex in examples])
    exact = (flags == truth).all(axis=1)
    report = {"model": model.version, "thresholds": {l: model.thresholds[l]["flag"] for l in LABELS},
              "pooled": summary(np.ones(len(examples), dtype=bool)),
              "splits": {s: summary(splits == s) for s in sorted(set(splits), key=_split_order)},
              "kinds": {k: {"n": int((kinds == k).sum()), "exact": int(exact[kinds == k].sum())}
                        for k in sorted(set(kinds))}}
    return report


def _split_order(name: str) -> int:
    digits = name.removeprefix("fresh")
    return int(digits) if digits.isdigit() else 1


def _f1_line(part: dict) -> str:
    return " / ".join(f"{part['labels'][l]['f1']:.3f}" for l in LABELS) + f"  clean {part['clean_flagged']}/{part['clean']}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dirs", nargs="+", type=Path)
    parser.add_argument("--heldout", type=Path, default=classifier.HELDOUT_PATH)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    examples = classifier.load_examples(args.heldout)
    reports = [figures(classifier.load(d), examples) for d in args.model_dirs]
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    for r in reports:
        print(f"model {r['model']}  flag " + " / ".join(f"{r['thresholds'][l]:.2f}" for l in LABELS))
        pooled = r["pooled"]
        print("  pooled F1 (P/R) " + "  ".join(
            f"{l} {pooled['labels'][l]['f1']:.3f} ({pooled['labels'][l]['precision']:.3f}/{pooled['labels'][l]['recall']:.3f})"
            for l in LABELS) + f"  clean {pooled['clean_flagged']}/{pooled['clean']}")
    print("\nper split (F1 " + " / ".join(LABELS) + "; clean flagged), one column per model")
    for split in reports[0]["splits"]:
        print(f"  {split:<8} " + "  |  ".join(_f1_line(r["splits"][split]) for r in reports))
    print("\nper kind, pooled over the splits (posts exactly right), one column per model")
    for kind in reports[0]["kinds"]:
        n = reports[0]["kinds"][kind]["n"]
        print(f"  {kind:<16} {n:>4}  " + "  ".join(f"{r['kinds'][kind]['exact']:>4}" for r in reports))
    if len(reports) > 1:
        ref = reports[0]["pooled"]
        for r in reports[1:]:
            worse = [l for l in LABELS if r["pooled"]["labels"][l]["f1"] < ref["labels"][l]["f1"] - classifier.F1_TOLERANCE]
            more_clean = r["pooled"]["clean_flagged"] > ref["clean_flagged"]
            verdict = "passes" if not worse and not more_clean else "fails"
            print(f"\nship rule, {r['model']} against {reports[0]['model']}: {verdict}"
                  + (f" (F1 lower: {', '.join(worse)})" if worse else "")
                  + (f" (clean {r['pooled']['clean_flagged']} > {ref['clean_flagged']})" if more_clean else ""))


if __name__ == "__main__":
    main()
