"""Moderation: a bilingual (Thai/English) multi-label classifier for the club's posting rules.

Public API (see `moderation.classifier`): LABELS, ModerationModel, train, save, load,
load_or_train, retrain, evaluate, DEFAULT_MODEL_DIR, DEFAULT_THRESHOLDS. CLI: `moderation.cli`.
"""

from moderation.classifier import (
    DEFAULT_MODEL_DIR,
    DEFAULT_THRESHOLDS,
    LABELS,
    ModelArtifactError,
    ModerationModel,
    evaluate,
    load,
    load_or_train,
    retrain,
    save,
    train,
)

__all__ = [
    "DEFAULT_MODEL_DIR",
    "DEFAULT_THRESHOLDS",
    "LABELS",
    "ModelArtifactError",
    "ModerationModel",
    "evaluate",
    "load",
    "load_or_train",
    "retrain",
    "save",
    "train",
]
