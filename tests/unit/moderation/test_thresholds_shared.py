"""The moderation hook reads the cached thresholds without copying them (branch h-write): the
same values and verdicts as the copy, a change saved by an admin applies to the next post, and
neither the hook nor the callers that get a copy can change what the next post is judged by."""

from __future__ import annotations

import asyncio
import copy
from types import SimpleNamespace

import pytest

import models as m
from moderation import thresholds
from moderation.classifier import LABELS
from moderation.hook import NOTE, ModerationHook

STORED = {"trading": {"flag": 0.5, "hold": 0.9}, "profanity": {"flag": 0.4, "hold": 0.8}}


class FakeSession:
    """What `thresholds.current` reads of a session: its bind's URL and the stored setting."""

    def __init__(self, stored) -> None:
        self.bind = SimpleNamespace(url="sqlite+aiosqlite:///thresholds-shared-test")
        self.stored = stored
        self.reads = 0

    async def scalar(self, _statement):
        self.reads += 1
        return self.stored


class FixedModel:
    version = "fixed"

    def __init__(self, scores) -> None:
        self.scores = scores

    def score(self, text: str) -> dict[str, float]:
        return dict(self.scores)


@pytest.fixture(autouse=True)
def fresh_cache():
    thresholds.forget()
    yield
    thresholds.forget()


def run(coro):
    return asyncio.run(coro)


def test_shared_thresholds_are_the_copy_s_values_and_read_once():
    session = FakeSession(STORED)
    shared = run(thresholds.current(session, shared=True))
    again = run(thresholds.current(session, shared=True))
    copied = run(thresholds.current(session))
    assert shared is again  # no copy per post
    assert copied == shared and copied is not shared
    assert shared["trading"] == {"flag": 0.5, "hold": 0.9} and shared["profanity"] == {"flag": 0.4, "hold": 0.8}
    assert session.reads == 1


def test_a_caller_changing_its_copy_does_not_change_the_shared_thresholds():
    session = FakeSession(STORED)
    copied = run(thresholds.current(session))
    copied["trading"]["hold"] = 1.0
    assert run(thresholds.current(session, shared=True))["trading"]["hold"] == 0.9


def test_a_fresh_read_replaces_the_shared_thresholds():
    session = FakeSession(STORED)
    run(thresholds.current(session, shared=True))
    session.stored = {"trading": {"flag": 0.2, "hold": 0.3}}
    assert run(thresholds.current(session, fresh=True))["trading"] == {"flag": 0.2, "hold": 0.3}
    assert run(thresholds.current(session, shared=True))["trading"] == {"flag": 0.2, "hold": 0.3}


@pytest.mark.parametrize("score, held, flagged", [(0.95, True, True), (0.6, False, True), (0.1, False, False)])
def test_the_hook_s_verdicts_and_the_cache_are_unchanged(score, held, flagged):
    session = FakeSession(STORED)
    before = copy.deepcopy(run(thresholds.current(session, shared=True)))
    scores = {label: 0.01 for label in LABELS} | {"trading": score}
    hook = ModerationHook("unused", model=FixedModel(scores))
    draft = SimpleNamespace(text="any", visibility=m.Visibility.PUBLISHED, notes={})
    run(hook.before_save(session, draft))
    verdict = draft.notes[NOTE]
    assert ("trading" in verdict.held) is held and ("trading" in verdict.flagged) is flagged
    assert (draft.visibility == m.Visibility.HELD) is held
    assert run(thresholds.current(session, shared=True)) == before
