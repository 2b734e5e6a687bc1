"""Which categories a viewer may read. Lists, search, the API and duplicate suggestions all ask
here, so a gated category (Gold-only, 18+) never leaks through one of them.

A category is open to everyone, Gold-only (verified Gold members, gurus and admins) or 18+
(members whose date of birth shows them 18 or over on `today`; admins always). Guests see
open categories only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .errors import Forbidden
from .i18n import N_

ADULT_AGE = 18


def access_problem(access: m.CategoryAccess, viewer: m.User | None, today: dt.date | None = None) -> str | None:
    """Why this viewer may not enter a category with this access level (a msgid), or None."""
    if access == m.CategoryAccess.OPEN:
        return None
    if viewer is not None and viewer.is_admin:
        return None
    today = today or dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()  # the day in Thailand
    if access == m.CategoryAccess.GOLD:
        if viewer is None:
            return N_("This area is for verified Gold members. Log in, then apply for Gold with your vehicle's details.")
        if viewer.tier == m.Tier.GOLD or viewer.is_guru:
            return None
        return N_("This area is for verified Gold members. Apply for Gold with your vehicle's details to enter.")
    if access == m.CategoryAccess.ADULT:
        if viewer is None:
            return N_("This area is for members aged 18 or over. Log in to enter.")
        age = viewer.age_on(today)
        if age is not None and age >= ADULT_AGE:
            return None
        return N_("This area is for members aged 18 or over.")
    return N_("This area is closed.")


# Built once: every new thread's duplicate check (and each search) asks (on the table's columns:
# the same SQL without the ORM's compile state per execution).
_CATEGORIES = m.Category.__table__
_GATED_CATEGORIES = (select(_CATEGORIES.c.id, _CATEGORIES.c.access).where(_CATEGORIES.c.access != m.CategoryAccess.OPEN)
                      .execution_options(sqlite_on_loop=True))  # a handful of rows: no thread hop


async def hidden_category_ids(session: AsyncSession, viewer: m.User | None, today: dt.date | None = None) -> frozenset[int]:
    """Categories this viewer may not read (empty when nothing is gated for them)."""
    if viewer is not None and viewer.is_admin:
        return frozenset()
    rows = await session.execute(_GATED_CATEGORIES)
    return frozenset(row.id for row in rows if access_problem(row.access, viewer, today))


class CategoryGated(Forbidden):
    """The viewer may not enter this category; `extra` carries the access level for the API."""


async def require_category(session: AsyncSession, viewer: m.User | None, category_id: int,
                           today: dt.date | None = None) -> None:
    """Raises CategoryGated (403, with the reason) when the viewer may not enter the category."""
    access = await session.scalar(select(m.Category.access).where(m.Category.id == category_id))
    if access is not None and (reason := access_problem(access, viewer, today)):
        raise CategoryGated(reason, access=access.value)


def thread_visible(thread: m.Thread | object, viewer: m.User | None) -> bool:
    """Whether a thread's moderation state lets this viewer see it: published threads to everyone,
    held ones to their author and admins, deleted ones to nobody. (The category gate is separate:
    `can_read_thread` asks both.)"""
    visibility = getattr(thread, "visibility")
    if visibility == m.Visibility.PUBLISHED:
        return True
    if visibility == m.Visibility.HELD and viewer is not None:
        return viewer.is_admin or viewer.id == getattr(thread, "author_id")
    return False


async def can_read_thread(session: AsyncSession, viewer: m.User | None, thread: m.Thread,
                          today: dt.date | None = None) -> bool:
    """Whether this viewer may read the thread: its moderation state and its category's gate.
    Every path that shows or acts on a post by id (reports, helpful marks, accepting) asks here, so
    a gated post is never reachable by guessing its sequential id."""
    if not thread_visible(thread, viewer):
        return False
    access = await session.scalar(select(m.Category.access).where(m.Category.id == thread.category_id))
    return access is None or access_problem(access, viewer, today) is None


async def can_read_post(session: AsyncSession, viewer: m.User | None, post: m.Post, thread: m.Thread,
                        today: dt.date | None = None) -> bool:
    """A post inside a readable thread: published, or held and the viewer's own (or an admin)."""
    if post.visibility == m.Visibility.HELD:
        if viewer is None or not (viewer.is_admin or post.author_id == viewer.id):
            return False
    elif post.visibility != m.Visibility.PUBLISHED:
        return False
    return await can_read_thread(session, viewer, thread, today)
