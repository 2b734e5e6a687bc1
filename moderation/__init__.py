"""Moderation: a bilingual (Thai/English) multi-label classifier for the club's posting rules,
and the queue that acts on its scores.

Classifier API (see `moderation.classifier`): LABELS, ModerationModel, train, save, load,
load_or_train, retrain, evaluate, DEFAULT_MODEL_DIR, DEFAULT_THRESHOLDS, ModelArtifactError.
They are imported lazily, so `from moderation import audit` does not load scikit-learn.
CLI: `moderation.cli` (the `webboard moderation` group).
"""

from __future__ import annotations

import importlib

_CLASSIFIER_API = (
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
)
__all__ = list(_CLASSIFIER_API)


def __getattr__(name: str):
    if name in _CLASSIFIER_API:
        return getattr(importlib.import_module("moderation.classifier"), name)
    raise AttributeError(f"module 'moderation' has no attribute {name!r}")
