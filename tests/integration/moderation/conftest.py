"""Moderation tests run the app with a deterministic stand-in for the classifier, so what is held
or flagged depends on marker words, not on the shipped model's latest training. The real model's
wiring is tested on its own (test_startup.py)."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar

import models as m
from forum.app import create_app
from forum.settings import Settings
from moderation.classifier import LABELS
from moderation import thresholds as moderation_thresholds
from moderation.hook import ModerationHook

# The thresholds these tests run with (an admin setting), whatever the classifier's defaults become.
THRESHOLDS = {
    "lese_majeste": {"flag": 0.35, "hold": 0.45},
    "profanity": {"flag": 0.5, "hold": 0.85},
    "trading": {"flag": 0.5, "hold": 0.9},
    "obscene": {"flag": 0.5, "hold": 0.8},
}
# marker word -> (label, score)
MARKERS = {
    "sellsell": ("trading", 0.97),  # held
    "dmdeal": ("trading", 0.6),  # flagged, published
    "idiot": ("profanity", 0.7),  # flagged, published
    "royalinsult": ("lese_majeste", 0.9),  # held
}
HELD_TEXT = "Clearance today sellsell wheels and tyres"
FLAGGED_TEXT = "Anyone who buys this brand is an idiot"
CLEAN_TEXT = "How often should I change the engine oil on a 2019 City?"


class MarkerModel:
    """Scores 0.01 for every label, or the marker's score for its label; explains with the marker."""

    version = "test-markers"
    metadata = {
        "model_version": "test-markers",
        "extra_examples": 0,
        "evaluation": {"labels": {label: {"precision": 0.95, "recall": 0.9, "f1": 0.92} for label in LABELS},
                       "clean_flag_rate": 0.02},
    }

    def score(self, text: str) -> dict[str, float]:
        scores = {label: 0.01 for label in LABELS}
        for word in re.findall(r"\w+", text.lower()):
            if word in MARKERS:
                label, value = MARKERS[word]
                scores[label] = max(scores[label], value)
        return scores

    def score_many(self, texts):
        return [self.score(t) for t in texts]

    def explain(self, text: str, label: str, top: int = 5) -> list[str]:
        return [w for w in re.findall(r"\w+", text.lower()) if MARKERS.get(w, ("",))[0] == label][:top]


@pytest.fixture(autouse=True)
async def thresholds(db):
    db.add(m.SiteSetting(key=moderation_thresholds.KEY, value=THRESHOLDS))
    await db.commit()
    moderation_thresholds.forget()  # each process caches them; this test's database has its own
    yield THRESHOLDS
    moderation_thresholds.forget()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    model = MarkerModel()
    application = create_app(settings, post_hooks=[ModerationHook(settings.moderation.model_dir, model=model)])
    application.state.moderation_model = model
    return application
