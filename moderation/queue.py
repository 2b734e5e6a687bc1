"""The moderation queue service: opens review items (idempotently: one open item per post, a
second flag or report raises its priority), lists and counts them for admins, and runs admin
actions after claiming the item at the version the admin saw. Never commits."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Sequence

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

import models as m
from forum.errors import Conflict, NotFound, ValidationFailed
from forum.services.posting import PostingService
from moderation import audit
from moderation.actions import ActionContext, Target, load_target
from moderation.actions.approve import approve
from moderation.actions.delete import delete
from moderation.actions.edit_and_approve import edit_and_approve
from moderation.actions.revoke import revoke
from moderation.actions.suspend import suspend
from moderation.classifier import LABELS, ModerationModel
from moderation.rules import RULES

OPEN = m.ReviewStatus.OPEN
REPORT_PRIORITY = 10
EDIT_PRIORITY = 5
EXPLAIN_FROM = 0.2  # explain an unflagged label's score from here up
AGES: dict[str, tuple[dt.timedelta | None, dt.timedelta | None]] = {
    # filter -> (newer than, older than)
    "24h": (dt.timedelta(hours=24), None),
    "7d": (dt.timedelta(days=7), None),
    "older": (None, dt.timedelta(days=7)),
}

Action = Callable[..., Awaitable[bool]]
ACTIONS: dict[str, Action] = {
    "approve": approve,
    "delete": delete,
    "edit_and_approve": edit_and_approve,
    "suspend": suspend,
    "revoke": revoke,
}
BULK_ACTIONS = ("approve", "delete")


def params_for(action: str, data: Any) -> dict[str, Any]:
    """The keyword arguments of an action, from a form or a JSON body."""
    if action == "delete":
        return {"rule": data.get("rule"), "reason": data.get("reason")}
    if action == "edit_and_approve":
        return {"body": data.get("body"), "title": data.get("title"), "note": data.get("reason")}
    if action == "suspend":
        return {"days": data.get("days"), "reason": data.get("reason"), "terms": data.get("terms")}
    if action == "revoke":
        return {"reason": data.get("reason"), "terms": data.get("terms")}
    return {"note": data.get("reason")}


@dataclass(frozen=True)
class Verdict:
    """The classifier's view of one text under the current thresholds."""

    scores: dict[str, float]
    flagged: list[str]
    held: list[str]
    model_version: str


@dataclass
class Filters:
    status: str = "open"
    label: str | None = None
    category_id: int | None = None
    age: str | None = None

    @classmethod
    def parse(cls, status: str | None = None, label: str | None = None, category: Any = None,
              age: str | None = None) -> Filters:
        try:
            category_id = int(category) if category not in (None, "") else None
        except (TypeError, ValueError):
            category_id = None
        return cls(
            status=status if status in ("open", "resolved") else "open",
            label=label if label in RULES else None,
            category_id=category_id,
            age=age if age in AGES else None,
        )

    def query_string(self) -> str:
        parts = [f"status={self.status}"]
        if self.label:
            parts.append(f"label={self.label}")
        if self.category_id:
            parts.append(f"category={self.category_id}")
        if self.age:
            parts.append(f"age={self.age}")
        return "&".join(parts)


@dataclass
class QueuePage:
    rows: list[Any]
    total: int
    page: int
    pages: int


@dataclass
class ItemDetail:
    item: m.ReviewItem
    post: m.Post
    thread: Any
    author: m.User
    text: str
    reports: list[Any]
    history: list[Any]
    explanations: dict[str, list[str]] = field(default_factory=dict)


def pack_labels(labels: Sequence[str]) -> str:
    return " " + " ".join(sorted(set(labels))) + " " if labels else " "


def flag_priority(verdict: Verdict) -> int:
    top = max((verdict.scores.get(label, 0.0) for label in verdict.flagged), default=0.0)
    priority = 10 + int(top * 10)
    if verdict.held:
        priority += 20
    if "lese_majeste" in verdict.flagged:
        priority += 20
    return priority


def report_priority(rule: str) -> int:
    return REPORT_PRIORITY * (2 if rule == "lese_majeste" else 1)


async def open_item_for(session: AsyncSession, post: m.Post) -> m.ReviewItem | None:
    return await session.scalar(select(m.ReviewItem).where(m.ReviewItem.post_id == post.id, m.ReviewItem.status == OPEN))


async def open_item(session: AsyncSession, post: m.Post, now: dt.datetime, *, priority: int,
                    verdict: Verdict | None = None, reported: bool = False) -> tuple[m.ReviewItem, bool]:
    """The post's open review item, created if there is none; otherwise its priority rises (and
    its scores follow the latest verdict). Returns (item, created)."""
    item = await open_item_for(session, post)
    if item is None:
        item = m.ReviewItem(
            post_id=post.id, author_id=post.author_id, status=OPEN, priority=priority,
            flagged=verdict is not None and bool(verdict.flagged), held=verdict is not None and bool(verdict.held),
            scores=dict(verdict.scores) if verdict else {}, labels=pack_labels(verdict.flagged if verdict else []),
            report_count=1 if reported else 0, model_version=verdict.model_version if verdict else None,
            version=1, created_at=now, updated_at=now,
        )
        try:
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                async with session.begin_nested():  # a concurrent first flag or report on the same post
                    session.add(item)
                    await session.flush()
            else:  # SQLite serialises writers
                session.add(item)
                await session.flush()
            return item, True
        except IntegrityError:
            item = await open_item_for(session, post)
            if item is None:
                raise
    values: dict[str, Any] = {"priority": m.ReviewItem.priority + priority, "updated_at": now}
    if reported:
        values["report_count"] = m.ReviewItem.report_count + 1
    if verdict is not None:
        values |= {"scores": dict(verdict.scores), "model_version": verdict.model_version,
                   "labels": pack_labels(set(item.label_list) | set(verdict.flagged)),
                   "flagged": item.flagged or bool(verdict.flagged), "held": item.held or bool(verdict.held),
                   # the text changed: an admin's decision on the old text must not apply to it
                   "version": m.ReviewItem.version + 1}
    await session.execute(update(m.ReviewItem).where(m.ReviewItem.id == item.id).values(**values)
                          .execution_options(synchronize_session=False))
    await session.refresh(item)
    return item, False


async def flag(session: AsyncSession, post: m.Post, verdict: Verdict, now: dt.datetime, *,
               edited: bool = False) -> m.ReviewItem:
    """Queues a post the classifier flagged (or held)."""
    waiting = edited and await open_item_for(session, post) is not None
    priority = EDIT_PRIORITY if waiting else flag_priority(verdict)
    item, created = await open_item(session, post, now, priority=priority, verdict=verdict)
    action = "rescored" if not created else ("held" if verdict.held else "flagged")
    audit.record(session, action, now, item=item, target_user_id=post.author_id,
                 after={"scores": verdict.scores, "labels": verdict.flagged, "held": bool(verdict.held),
                        "model_version": verdict.model_version})
    return item


async def rescore(session: AsyncSession, post: m.Post, verdict: Verdict, now: dt.datetime) -> None:
    """An edit of a post whose open item is waiting: the item follows the new text (and its
    version moves on, so an admin acting on the old text gets a conflict)."""
    if verdict.flagged:
        await flag(session, post, verdict, now, edited=True)
        return
    item = await open_item_for(session, post)
    if item is None:
        return
    await session.execute(update(m.ReviewItem).where(m.ReviewItem.id == item.id).values(
        scores=dict(verdict.scores), model_version=verdict.model_version, updated_at=now,
        version=m.ReviewItem.version + 1).execution_options(synchronize_session=False))
    await session.refresh(item)
    audit.record(session, "rescored", now, item=item, target_user_id=post.author_id,
                 after={"scores": verdict.scores, "labels": [], "held": False, "model_version": verdict.model_version})


async def claim(session: AsyncSession, item: m.ReviewItem, expected_version: Any) -> None:
    """Moves the item to the next version if it is still at the one the admin saw. The UPDATE is
    conditional, so of two admins acting at once exactly one wins; the other gets a conflict."""
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed("This form is missing the item's version; reload the page.") from None
    result = await session.execute(
        update(m.ReviewItem).where(m.ReviewItem.id == item.id, m.ReviewItem.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("Another admin has acted on this item, or the post changed, since you opened it. "
                       "Reload it to see its current state.", item_id=item.id)
    set_committed_value(item, "version", expected + 1)


author_alias = aliased(m.User, name="author")


def _row_query():
    return (
        select(
            m.ReviewItem, m.Post.body_raw, m.Post.visibility.label("post_visibility"), m.Post.is_opening,
            m.Post.created_at.label("posted_at"), m.Thread.id.label("thread_id"), m.Thread.title.label("thread_title"),
            m.Category.id.label("category_id"), m.Category.slug.label("category_slug"),
            m.Category.name_th.label("category_name_th"), m.Category.name_en.label("category_name_en"),
            author_alias.display_name.label("author_name"), author_alias.status.label("author_status"),
        )
        .join(m.Post, m.Post.id == m.ReviewItem.post_id)
        .join(m.Thread, m.Thread.id == m.Post.thread_id)
        .join(m.Category, m.Category.id == m.Thread.category_id)
        .join(author_alias, author_alias.id == m.ReviewItem.author_id)
    )


def _filtered(query, filters: Filters, now: dt.datetime):
    if filters.status == "open":
        query = query.where(m.ReviewItem.status == OPEN)
    else:
        query = query.where(m.ReviewItem.status != OPEN)
    if filters.label:
        query = query.where(or_(
            m.ReviewItem.labels.contains(f" {filters.label} ", autoescape=True),
            exists(select(m.Report.id).where(m.Report.item_id == m.ReviewItem.id, m.Report.rule == filters.label)),
        ))
    if filters.category_id:
        query = query.where(m.Thread.category_id == filters.category_id)
    if filters.age:
        newer, older = AGES[filters.age]
        if newer is not None:
            query = query.where(m.ReviewItem.created_at >= now - newer)
        if older is not None:
            query = query.where(m.ReviewItem.created_at < now - older)
    return query


class QueueService:
    def __init__(self, session: AsyncSession, posting: PostingService, model: ModerationModel | None = None) -> None:
        self.session = session
        self.posting = posting
        self.model = model

    # -- reading -------------------------------------------------------------------------
    async def page(self, filters: Filters, now: dt.datetime, *, page: int = 1, per_page: int = 25) -> QueuePage:
        base = _filtered(_row_query(), filters, now)
        total = await self.session.scalar(
            _filtered(select(func.count(m.ReviewItem.id)).select_from(m.ReviewItem)
                      .join(m.Post, m.Post.id == m.ReviewItem.post_id)
                      .join(m.Thread, m.Thread.id == m.Post.thread_id), filters, now)
        ) or 0
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        if filters.status == "open":
            order = (m.ReviewItem.priority.desc(), m.ReviewItem.created_at.asc(), m.ReviewItem.id.asc())
        else:
            order = (m.ReviewItem.resolved_at.desc(), m.ReviewItem.id.desc())
        rows = list((await self.session.execute(base.order_by(*order).limit(per_page).offset((page - 1) * per_page))).all())
        return QueuePage(rows, total, page, pages)

    async def counts(self, now: dt.datetime) -> dict[str, Any]:
        """Figures for the admin dashboard."""
        open_items = (await self.session.execute(
            select(m.ReviewItem.id, m.ReviewItem.labels, m.ReviewItem.held, m.ReviewItem.report_count,
                   m.ReviewItem.created_at).where(m.ReviewItem.status == OPEN)
        )).all()
        rules = (await self.session.execute(
            select(m.Report.item_id, m.Report.rule).join(m.ReviewItem, m.ReviewItem.id == m.Report.item_id)
            .where(m.ReviewItem.status == OPEN)
        )).all()
        by_label: dict[str, set[int]] = {rule: set() for rule in RULES}
        for row in open_items:
            for label in row.labels.split():
                by_label.setdefault(label, set()).add(row.id)
        for row in rules:
            by_label.setdefault(row.rule, set()).add(row.item_id)
        week_ago = now - dt.timedelta(days=7)
        decided = (await self.session.execute(
            select(m.ReviewItem.status, func.count()).where(m.ReviewItem.status != OPEN,
                                                            m.ReviewItem.resolved_at >= week_ago)
            .group_by(m.ReviewItem.status)
        )).all()
        return {
            "open": len(open_items),
            "held": sum(1 for row in open_items if row.held),
            "reported": sum(1 for row in open_items if row.report_count),
            "older_than_24h": sum(1 for row in open_items if row.created_at < now - dt.timedelta(hours=24)),
            "by_label": {label: len(ids) for label, ids in by_label.items()},
            "decided_7d": {status.value: count for status, count in decided},
        }

    async def get(self, item_id: int) -> m.ReviewItem:
        item = await self.session.get(m.ReviewItem, item_id)
        if item is None:
            raise NotFound("Review item not found.")
        return item

    async def detail(self, item_id: int) -> ItemDetail:
        item = await self.get(item_id)
        target = await load_target(self.session, item)
        header = (await self.session.execute(
            select(m.Thread.id, m.Thread.title, m.Thread.visibility, m.Category.slug.label("category_slug"),
                   m.Category.name_th.label("category_name_th"), m.Category.name_en.label("category_name_en"))
            .join(m.Category, m.Category.id == m.Thread.category_id).where(m.Thread.id == target.thread.id)
        )).one()
        reporter = aliased(m.User, name="reporter")
        reports = list((await self.session.execute(
            select(m.Report.id, m.Report.rule, m.Report.note, m.Report.created_at, reporter.display_name.label("reporter"))
            .join(reporter, reporter.id == m.Report.reporter_id).where(m.Report.post_id == item.post_id)
            .order_by(m.Report.id)
        )).all())
        history = await self.history(item_id=item.id, limit=100)
        detail = ItemDetail(item, target.post, header, target.author, target.text, reports, history)
        if self.model is not None:
            # the flagged labels, or (for a reported post) any label the text leans towards
            explain = item.label_list or [label for label in LABELS if item.scores.get(label, 0.0) >= EXPLAIN_FROM]
            for label in explain:
                if label in LABELS:
                    detail.explanations[label] = self.model.explain(target.text, label)
        return detail

    async def history(self, *, item_id: int | None = None, before_id: int | None = None, limit: int = 50) -> list[Any]:
        actor = aliased(m.User, name="actor")
        target = aliased(m.User, name="target")
        query = (
            select(m.ReviewHistory, actor.display_name.label("actor_name"), target.display_name.label("target_name"))
            .outerjoin(actor, actor.id == m.ReviewHistory.actor_id)
            .outerjoin(target, target.id == m.ReviewHistory.target_user_id)
        )
        if item_id is not None:
            query = query.where(m.ReviewHistory.item_id == item_id)
        if before_id:
            query = query.where(m.ReviewHistory.id < before_id)
        return list((await self.session.execute(query.order_by(m.ReviewHistory.id.desc()).limit(limit))).all())

    # -- acting ----------------------------------------------------------------------------
    async def act(self, item_id: int, action: str, admin: m.User, now: dt.datetime, *, version: Any,
                  **params: Any) -> bool:
        """Runs one admin action on one item. Raises Conflict if the item moved on since the
        admin saw `version`; returns whether anything changed."""
        verb = ACTIONS.get(action)
        if verb is None:
            raise NotFound("Unknown moderation action.")
        item = await self.get(item_id)
        await claim(self.session, item, version)
        target = await load_target(self.session, item)
        return await verb(ActionContext(self.session, self.posting, admin, now), target, **params)

    async def bulk(self, action: str, items: Sequence[tuple[int, Any]], admin: m.User, now: dt.datetime,
                   **params: Any) -> int:
        """Approve or delete several items. All or nothing: a conflict on one refuses the lot."""
        if action not in BULK_ACTIONS:
            raise ValidationFailed("Choose approve or delete for the selected items.")
        if not items:
            raise ValidationFailed("Select at least one item.")
        changed = 0
        for item_id, version in items:
            changed += await self.act(item_id, action, admin, now, version=version, **params)
        return changed

    async def target(self, item: m.ReviewItem) -> Target:
        return await load_target(self.session, item)

    # -- learning ----------------------------------------------------------------------------
    async def decision_figures(self) -> dict[str, dict[str, Any]]:
        """Per label, the classifier's precision and recall as the moderators' decisions judge it
        (see `figures_from_decisions`)."""
        rows = (await self.session.execute(
            select(m.ReviewItem.flagged, m.ReviewItem.labels, m.ModerationDecision.decision,
                   m.ModerationDecision.labels.label("decided"))
            .join(m.ModerationDecision, m.ModerationDecision.item_id == m.ReviewItem.id)
        )).all()
        return figures_from_decisions(
            (set(row.labels.split()) & set(LABELS) if row.flagged else set(), row.decision, set(row.decided or ()))
            for row in rows)

    async def decisions(self) -> list[tuple[str, list[str]]]:
        """Admins' decisions as (text, labels) training pairs: approvals as clean, deletions
        under a rule the classifier knows as that label. Deletions for other rules (a duplicate,
        impersonation) say nothing about the labels and are left out."""
        rows = (await self.session.execute(
            select(m.ModerationDecision.text, m.ModerationDecision.labels, m.ModerationDecision.decision)
            .order_by(m.ModerationDecision.id)
        )).all()
        return [(row.text, list(row.labels)) for row in rows if row.decision == "approved" or row.labels]



def figures_from_decisions(rows) -> dict[str, dict[str, Any]]:
    """Per label {tp, fp, fn, precision, recall} from (flagged labels, decision, decided labels)
    triples. An approval makes every flagged label a false positive; a deletion makes the flagged
    labels it was decided under true positives, the other flagged labels false positives, and the
    decided labels the classifier had not flagged (a member's report upheld) misses. A deletion
    under a rule the classifier has no label for (a duplicate) says nothing about the labels."""
    counts = {label: {"tp": 0, "fp": 0, "fn": 0} for label in LABELS}
    for flagged, decision, decided in rows:
        if decision == "approved":
            for label in flagged:
                counts[label]["fp"] += 1
        elif decision == "deleted" and decided:
            for label in flagged & decided:
                counts[label]["tp"] += 1
            for label in flagged - decided:
                counts[label]["fp"] += 1
            for label in decided - flagged:
                if label in counts:
                    counts[label]["fn"] += 1
    for row in counts.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else None
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else None
    return counts
