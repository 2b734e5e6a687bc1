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


async def hidden_category_ids(session: AsyncSession, viewer: m.User | None, today: dt.date | None = None) -> frozenset[int]:
    """Categories this viewer may not read (empty when nothing is gated for them)."""
    if viewer is not None and viewer.is_admin:
        return frozenset()
    rows = await session.execute(select(m.Category.id, m.Category.access).where(m.Category.access != m.CategoryAccess.OPEN))
    return frozenset(row.id for row in rows if access_problem(row.access, viewer, today))


class CategoryGated(Forbidden):
    """The viewer may not enter this category; `extra` carries the access level for the API."""


async def require_category(session: AsyncSession, viewer: m.User | None, category_id: int,
                           today: dt.date | None = None) -> None:
    """Raises CategoryGated (403, with the reason) when the viewer may not enter the category."""
    access = await session.scalar(select(m.Category.access).where(m.Category.id == category_id))
    if access is not None and (reason := access_problem(access, viewer, today)):
        raise CategoryGated(reason, access=access.value)
