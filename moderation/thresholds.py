"""Per-label hold and flag thresholds: an admin setting (models.SiteSetting), defaulting to the
thresholds the running model was calibrated with (its metadata, chosen on the dev split), or the
classifier's DEFAULT_THRESHOLDS before a model is loaded. Above `hold` a post is hidden until reviewed; above `flag` it
is published and queued."""

from __future__ import annotations

import copy
import datetime as dt
import time
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.errors import ValidationFailed
from forum.i18n import N_
from moderation import audit
from moderation.classifier import DEFAULT_THRESHOLDS, LABELS

KEY = "moderation.thresholds"
LEVELS = ("flag", "hold")
_FALLBACK = {"flag": 0.5, "hold": 0.9}

Thresholds = dict[str, dict[str, float]]


_model_defaults: dict[str, dict[str, float]] = {}


def use_model_defaults(values: Mapping[str, Any] | None) -> None:
    """The running model's calibrated thresholds become the defaults (set at start-up)."""
    _model_defaults.clear()
    for label in LABELS:
        try:
            levels = {level: float(values[label][level]) for level in LEVELS}  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            continue
        if all(0.0 <= v <= 1.0 for v in levels.values()) and levels["flag"] <= levels["hold"]:
            _model_defaults[label] = levels
    forget()


def defaults() -> Thresholds:
    return {label: dict(_model_defaults.get(label) or DEFAULT_THRESHOLDS.get(label, _FALLBACK)) for label in LABELS}


def _merge(stored: Mapping[str, Any] | None) -> Thresholds:
    merged = defaults()
    for label in LABELS:
        for level in LEVELS:
            try:
                value = float((stored or {})[label][level])
            except (KeyError, TypeError, ValueError):
                continue
            if 0.0 <= value <= 1.0:
                merged[label][level] = value
    return merged


# Read on every post, changed rarely: each process keeps them for CACHE_SECONDS (a change made in
# this process applies at once, in other workers within that time).
CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, Thresholds]] = {}


def _key(session: AsyncSession) -> str:
    return str(session.bind.url) if session.bind is not None else ""


def forget() -> None:
    _cache.clear()


async def current(session: AsyncSession, *, fresh: bool = False, shared: bool = False) -> Thresholds:
    """The thresholds in force: a copy the caller may change, or with `shared` (h-write: the
    moderation hook, which only reads them on every post) the cached dict itself, which the
    caller must not change (the copy cost more than the rest of this function)."""
    key = _key(session)
    hit = _cache.get(key)
    if hit is not None and not fresh and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1] if shared else copy.deepcopy(hit[1])
    stored = await session.scalar(select(m.SiteSetting.value).where(m.SiteSetting.key == KEY))
    merged = _merge(stored)
    _cache[key] = (time.monotonic(), merged)
    return merged if shared else copy.deepcopy(merged)


def parse(values: Mapping[str, Any]) -> Thresholds:
    """Thresholds from a form ({"<label>.<level>": "0.5"}) or JSON ({label: {level: 0.5}});
    each between 0 and 1, flag at most hold."""
    errors: dict[str, str] = {}
    parsed = defaults()
    for label in LABELS:
        for level in LEVELS:
            name = f"{label}.{level}"
            raw = values.get(name) if name in values else (values.get(label) or {}).get(level)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                errors[name] = N_("Enter a number between 0 and 1.")
                continue
            if not 0.0 <= value <= 1.0:
                errors[name] = N_("Enter a number between 0 and 1.")
            parsed[label][level] = round(value, 4)
        if f"{label}.flag" not in errors and f"{label}.hold" not in errors and parsed[label]["flag"] > parsed[label]["hold"]:
            errors[f"{label}.flag"] = N_("The flag threshold cannot be above the hold threshold.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    return parsed


async def save(session: AsyncSession, values: Mapping[str, Any], admin: m.User, now: dt.datetime) -> Thresholds:
    new = parse(values)
    setting = await session.scalar(select(m.SiteSetting).where(m.SiteSetting.key == KEY))
    before = _merge(setting.value if setting else None)
    if setting is None:
        session.add(m.SiteSetting(key=KEY, value=new))
    else:
        setting.value = new
    if new != before:
        audit.record(session, "thresholds_changed", now, actor=admin, before=before, after=new)
    _cache[_key(session)] = (time.monotonic(), copy.deepcopy(new))
    return new
