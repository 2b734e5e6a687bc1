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


def _post_reason(is_opening: bool, thread: m.Thread | None, author_id: int) -> m.CoinReason | None:
    """What a published post earns its author first: a thread, or a reply in someone else's thread."""
    if is_opening:
        return m.CoinReason.THREAD
    if thread is None or thread.author_id == author_id:
        return None
    return m.CoinReason.REPLY


def _is_guru_answer(thread: m.Thread, author: m.User) -> bool:
    """A guru's reply to a question: it earns the guru-answer coins on top of the reply's."""
    return thread.kind == m.ThreadKind.QUESTION and author.is_guru


async def _credit_post(session: AsyncSession, post: m.Post, thread: m.Thread, author: m.User,
                       prepared: service.PreparedEarning | None = None) -> None:
    """A published thread or reply earns its author; a reply in one's own thread does not."""
    coins = _coins(session)
    now = prepared.now if prepared is not None else service.clock()
    reason = _post_reason(post.is_opening, thread, post.author_id)
    if reason is None:
        return
    await coins.earn(author, reason, post_id=post.id, now=now, prepared=prepared)
    if reason != m.CoinReason.REPLY:
        return
    if _is_guru_answer(thread, author):
        # A guru answer held by moderation and approved later: its guru-answer coins are due now.
        await coins.earn(author, m.CoinReason.GURU_ANSWER, post_id=post.id, now=now)


PREPARED = "coins"  # the key of a draft's `prepared` entry


@events.subscribe("post.saving")
async def on_post_saving(session: AsyncSession, *, draft: Any, **_: Any) -> None:
    """Before a new post is written: the reads of its earning (rules, the author's ledger, today's
    earnings), so that on SQLite only writes remain once the post's INSERT holds the write lock.
    `on_post_created` credits with them, or by the full path when the author's coins changed since."""
    if draft.action == "edit" or draft.visibility != PUBLISHED:
        return
    reason = _post_reason(draft.action == "thread", draft.thread, draft.author.id)
    if reason is None or (reason == m.CoinReason.REPLY and _is_guru_answer(draft.thread, draft.author)):
        return  # a guru answer earns twice: the full path for both
    draft.prepared[PREPARED] = await _coins(session).prepare_earning(draft.author, reason, service.clock())


@events.subscribe("post.created")
async def on_post_created(session: AsyncSession, *, post: m.Post, thread: m.Thread | None = None,
                          draft: Any = None, **_: Any) -> None:
    if post.visibility != PUBLISHED:
        return  # held: nothing until a moderator approves it
    thread = thread or await session.get(m.Thread, post.thread_id)
    author = getattr(draft, "author", None) or await _author(session, post)
    prepared = getattr(draft, "prepared", {}).get(PREPARED)
    if thread is not None and author is not None:
        await _credit_post(session, post, thread, author, prepared)


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
