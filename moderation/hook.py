"""The moderation PostHook: every thread, reply, Ask Guru question and answer, and edit is scored
on submit through PostingService. Above a label's hold threshold the post is held (only its author
and admins see it); above its flag threshold it is published and queued for review."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.services.accounts import utcnow
from forum.services.posting import Draft
from moderation import queue, thresholds
from moderation.classifier import LABELS, ModerationModel
from moderation.runtime import model_for

NOTE = "moderation"


class ModerationHook:
    def __init__(self, model_dir: str | Path, model: ModerationModel | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.model = model  # set at start-up from app.state.moderation_model

    def _model(self) -> ModerationModel:
        if self.model is None:  # a service used outside the app (scripts, tests)
            self.model = model_for(self.model_dir)
        return self.model

    async def before_save(self, session: AsyncSession, draft: Draft) -> None:
        model = self._model()
        scores = model.score(draft.text)
        limits = await thresholds.current(session, shared=True)  # read only
        verdict = queue.Verdict(
            scores=scores,
            flagged=[label for label in LABELS if scores[label] >= limits[label]["flag"]],
            held=[label for label in LABELS if scores[label] >= limits[label]["hold"]],
            model_version=model.version,
        )
        draft.notes[NOTE] = verdict
        if verdict.held and draft.visibility == m.Visibility.PUBLISHED:
            draft.visibility = m.Visibility.HELD

    async def after_save(self, session: AsyncSession, draft: Draft, post: m.Post) -> None:
        verdict: queue.Verdict | None = draft.notes.get(NOTE)
        if verdict is None:
            return
        now = utcnow()
        if draft.action == "edit":
            await queue.rescore(session, post, verdict, now)
        elif verdict.flagged or verdict.held:
            await queue.flag(session, post, verdict, now)
