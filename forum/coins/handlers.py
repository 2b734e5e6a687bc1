"""How coins are earned, reversed and forfeited: subscriptions to the domain events
(forum/events.py). They run in the emitting request's transaction and never commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from . import service
from .service import CoinService

PUBLISHED, DELETED = m.Visibility.PUBLISHED, m.Visibility.DELETED


def _coins(session: AsyncSession) -> CoinService:
    return CoinService(session)


async def _author(session: AsyncSession, post: m.Post) -> m.User | None:
    return await session.get(m.User, post.author_id)


async def _credit_post(session: AsyncSession, post: m.Post, thread: m.Thread, author: m.User) -> None:
    """A published thread or reply earns its author; a reply in one's own thread does not."""
    coins = _coins(session)
    now = service.clock()
    if post.is_opening:
        await coins.earn(author, m.CoinReason.THREAD, post_id=post.id, now=now)
        return
    if thread.author_id == post.author_id:
        return
    await coins.earn(author, m.CoinReason.REPLY, post_id=post.id, now=now)
    if thread.kind == m.ThreadKind.QUESTION and author.is_guru:
        # A guru answer held by moderation and approved later: its guru-answer coins are due now.
        await coins.earn(author, m.CoinReason.GURU_ANSWER, post_id=post.id, now=now)


@events.subscribe("post.created")
async def on_post_created(session: AsyncSession, *, post: m.Post, thread: m.Thread | None = None,
                          draft: Any = None, **_: Any) -> None:
    if post.visibility != PUBLISHED:
        return  # held: nothing until a moderator approves it
    thread = thread or await session.get(m.Thread, post.thread_id)
    author = getattr(draft, "author", None) or await _author(session, post)
    if thread is not None and author is not None:
        await _credit_post(session, post, thread, author)


@events.subscribe("post.visibility_changed")
async def on_visibility_changed(session: AsyncSession, *, post: m.Post, thread: m.Thread, before: m.Visibility,
                                after: m.Visibility, actor: m.User | None = None, **_: Any) -> None:
    if after == DELETED:
        await _coins(session).reverse_post(post, now=service.clock(), actor_id=actor.id if actor else None)
    elif after == PUBLISHED:
        author = await _author(session, post)
        if author is not None:
            await _credit_post(session, post, thread, author)


@events.subscribe("guru.answer_posted")
async def on_answer_posted(session: AsyncSession, *, answer: m.Post, question: m.Thread, guru: m.User,
                           **_: Any) -> None:
    if answer.visibility != PUBLISHED or guru.id == question.author_id:
        return  # held (credited on approval), or answering one's own question
    await _coins(session).earn(guru, m.CoinReason.GURU_ANSWER, post_id=answer.id, now=service.clock())


@events.subscribe("guru.answer_accepted")
async def on_answer_accepted(session: AsyncSession, *, answer: m.Post, question: m.Thread, asker: m.User,
                             answerer: m.User, **_: Any) -> None:
    if asker.id == answerer.id:
        return
    coins, now = _coins(session), service.clock()
    await coins.earn(answerer, m.CoinReason.ANSWER_ACCEPTED, post_id=answer.id, now=now, actor_id=asker.id)
    # The asker's reward belongs to their question's opening post: once per question, and it is
    # reversed with the question if that is deleted.
    opening = await session.scalar(
        select(m.Post.id).where(m.Post.thread_id == question.id, m.Post.is_opening.is_(True)).limit(1)
    )
    if opening is not None:
        await coins.earn(asker, m.CoinReason.ACCEPTED_AN_ANSWER, post_id=opening, now=now)


@events.subscribe("guru.answer_marked_helpful")
async def on_marked_helpful(session: AsyncSession, *, answer: m.Post, marker: m.User, answerer: m.User,
                            **_: Any) -> None:
    if marker.id == answerer.id:
        return
    await _coins(session).earn(answerer, m.CoinReason.HELPFUL, post_id=answer.id, now=service.clock(),
                               actor_id=marker.id)


@events.subscribe("membership.ended")
async def on_membership_ended(session: AsyncSession, *, user: m.User, reason: str = "", **_: Any) -> None:
    await _coins(session).forfeit(user, reason or "ended", now=service.clock())
