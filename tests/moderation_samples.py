"""The training sample for tests that train a moderation model for real (unit tests of training,
saving, loading and retraining; the start-up training test): every TRAINING_SAMPLE_STEP-th row of
the shipped train.jsonl, so the tests stay fast while the same code trains the model."""

from __future__ import annotations

from pathlib import Path

from moderation import classifier

TRAINING_SAMPLE_STEP = 6


def training_sample(directory: Path) -> Path:
    """Writes every TRAINING_SAMPLE_STEP-th row of the shipped train.jsonl to directory/train.jsonl."""
    lines = (classifier.CORPUS_DIR / "train.jsonl").read_text(encoding="utf-8").splitlines()
    path = Path(directory) / "train.jsonl"
    path.write_text("\n".join(lines[::TRAINING_SAMPLE_STEP]) + "\n", encoding="utf-8")
    return path
