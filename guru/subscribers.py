"""Ask Guru listening to the board: every post a guru writes is recorded as a guru answer at
the moment it is written (so the disclaimer stays after a revoked role), a held answer is
announced once it is published, and a membership's end removes the guru profile."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum import events

from .services import answer_visibility_changed, record_answer


@events.subscribe("post.created")
async def on_post_created(session: AsyncSession, *, post: m.Post, thread: m.Thread | None, draft: Any) -> None:
    if thread is not None and draft.author.is_guru and not post.is_opening:
        await record_answer(session, post, thread, draft.author)


@events.subscribe("post.visibility_changed")
async def on_visibility_changed(session: AsyncSession, *, post: m.Post, thread: m.Thread, **_: Any) -> None:
    if not post.is_opening:
        await answer_visibility_changed(session, post, thread)


@events.subscribe("membership.ended")
async def on_membership_ended(session: AsyncSession, *, user: m.User, **_: Any) -> None:
    """The profile (chosen name, bio, areas) is personal data; the answers stay, as a former member's."""
    await session.execute(delete(m.GuruArea).where(m.GuruArea.user_id == user.id))
    await session.execute(delete(m.GuruProfile).where(m.GuruProfile.user_id == user.id))
