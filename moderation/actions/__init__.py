"""One module per moderation verb (approve, delete, edit_and_approve, suspend, revoke), each a
function that acts on a claimed review item and says whether anything changed. They never
commit; `moderation.queue.QueueService.act` claims the item first and the request commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.services.posting import PostingService


@dataclass
class ActionContext:
    session: AsyncSession
    posting: PostingService
    admin: m.User
    now: dt.datetime


@dataclass
class Target:
    item: m.ReviewItem
    post: m.Post
    thread: m.Thread
    author: m.User

    @property
    def text(self) -> str:
        """The post's text as the classifier saw it (an opening post with its thread title)."""
        return f"{self.thread.title}\n{self.post.body_raw}" if self.post.is_opening else self.post.body_raw

    def snapshot(self) -> dict:
        return {"status": self.item.status.value, "visibility": self.post.visibility.value,
                "author_status": self.author.status.value,
                "suspended_until": self.author.suspended_until.isoformat() if self.author.suspended_until else None}


async def load_target(session: AsyncSession, item: m.ReviewItem) -> Target:
    post = await session.get(m.Post, item.post_id)
    assert post is not None
    thread = await session.get(m.Thread, post.thread_id)
    author = await session.get(m.User, item.author_id)
    assert thread is not None and author is not None
    return Target(item, post, thread, author)


def resolve(ctx: ActionContext, item: m.ReviewItem, status: m.ReviewStatus, rule: str | None = None) -> None:
    item.status, item.rule = status, rule
    item.resolved_by_id, item.resolved_at = ctx.admin.id, ctx.now


async def keep_decision(ctx: ActionContext, item: m.ReviewItem, decision: str, text: str, labels: list[str],
                        rule: str | None = None) -> None:
    """The decision as a labelled example for retraining; a later decision on the item replaces it."""
    row = await ctx.session.scalar(select(m.ModerationDecision).where(m.ModerationDecision.item_id == item.id))
    if row is None:
        row = m.ModerationDecision(item_id=item.id)
        ctx.session.add(row)
    row.decision, row.text, row.labels, row.rule, row.decided_by_id = decision, text, labels, rule, ctx.admin.id


def thread_link(target: Target) -> str | None:
    """Where the author can still see the thread, if anywhere."""
    if target.thread.visibility == m.Visibility.DELETED:
        return None
    return f"/t/{target.thread.id}"
