"""Every enum value a page can show has a people-facing name with a Thai translation, so a Thai
page never shows a raw value such as "silver" or "held"."""

from __future__ import annotations

import enum

import pytest

import models as m
from forum.i18n import current_locale, translations
from forum.ui import ENUM_LABELS, MODERATION_LABELS, label
from moderation.classifier import LABELS

MODEL_ENUMS = sorted((value for value in vars(m).values() if isinstance(value, type) and issubclass(value, enum.Enum)),
                     key=lambda kind: kind.__name__)


def test_the_models_have_enums_to_check():
    assert {m.Tier, m.Role, m.Visibility, m.MemberStatus, m.ReviewStatus} <= set(MODEL_ENUMS)


@pytest.mark.parametrize("kind", MODEL_ENUMS, ids=lambda kind: kind.__name__)
def test_every_value_of_every_model_enum_has_a_thai_name(kind):
    for member in kind:
        assert member in ENUM_LABELS, f"{kind.__name__}.{member.name} has no label in forum/ui.py"
        msgid = ENUM_LABELS[member]
        assert _in_thai_catalog(msgid), f"no Thai for {msgid!r} ({kind.__name__}.{member.name})"


def test_every_moderation_label_has_a_thai_name():
    for name in LABELS:
        assert name in MODERATION_LABELS
        assert _in_thai_catalog(MODERATION_LABELS[name])


def test_label_shows_the_translated_name_in_the_current_language():
    token = current_locale.set("th")
    try:
        assert label(m.Tier.SILVER) == "ซิลเวอร์"
        assert label(m.Visibility.HELD) != "held"
    finally:
        current_locale.reset(token)
    token = current_locale.set("en")
    try:
        assert label(m.Tier.SILVER) == "Silver"
        assert label(None) == ""
    finally:
        current_locale.reset(token)


def _in_thai_catalog(msgid: str) -> bool:
    """Translated in the compiled Thai catalog (a brand kept in Latin letters, like "Gold", counts)."""
    return bool(translations("th")._catalog.get(msgid))  # type: ignore[attr-defined]
