"""Which categories a viewer may read. Lists, search, the API and duplicate suggestions all ask
here, so a gated category (Gold-only, 18+) never leaks through one of them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

import models as m


async def hidden_category_ids(session: AsyncSession, viewer: m.User | None, today: dt.date | None = None) -> frozenset[int]:
    """Categories this viewer may not read. No category is gated yet (membership tiers add it)."""
    return frozenset()
