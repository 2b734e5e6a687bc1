"""Ask Guru listening to the board: every post a guru writes is recorded as a guru answer at
the moment it is written (so the disclaimer stays after a revoked role), a held answer is
announced once it is published, answers follow their posts when an admin closes a question as a
duplicate and moves its replies, and a membership's end removes the guru profile."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum import events

from .services import answer_visibility_changed, record_answer, refresh_counts


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


@events.subscribe("thread.closed_as_duplicate")
async def on_closed_as_duplicate(session: AsyncSession, *, thread: m.Thread, original: m.Thread,
                                 moved_post_ids: list[int], **_: Any) -> None:
    """Moved guru answers belong to the original from now on. The original keeps its own accepted
    answer if it has one (one per question); otherwise a moved accepted answer stays accepted."""
    if not moved_post_ids:
        return
    answers = list((await session.scalars(select(m.GuruAnswer).where(m.GuruAnswer.post_id.in_(moved_post_ids)))).all())
    if not answers:
        return
    original_has_accepted = await session.scalar(select(m.GuruAnswer.id).where(
        m.GuruAnswer.thread_id == original.id, m.GuruAnswer.is_accepted.is_(True)).limit(1)) is not None
    has_accepted = original_has_accepted
    for answer in answers:
        if answer.is_accepted:
            answer.is_accepted = not has_accepted
            has_accepted = True
        answer.thread_id = original.id
    await session.flush()
    gurus = {answer.guru_id for answer in answers}
    await refresh_counts(session, thread.id, gurus)
    await refresh_counts(session, original.id, gurus)
