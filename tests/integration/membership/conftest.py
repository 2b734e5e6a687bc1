"""Helpers for the membership tests: gated categories, ages, a second browser for the admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

import models as m
from forum.app import create_app


def years_ago(years: int, *, days: int = 0) -> dt.date:
    today = dt.date.today()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
async def admin_client(settings, session_maker) -> AsyncIterator[AsyncTestClient]:
    """A second browser, for the admin acting while the member stays logged in on `client`. Its
    own app (and engine): each test client runs the app on its own event loop, and asyncpg
    connections must not cross loops."""
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
async def gold_area(factory, db) -> m.Category:
    category = await factory.category("owners-log", "บันทึกเจ้าของรถ", "Owners' log", position=5)
    category.access = m.CategoryAccess.GOLD
    await db.commit()
    return category


@pytest.fixture
async def adult_area(factory, db) -> m.Category:
    category = await factory.category("after-dark", "คุยหลังสี่ทุ่ม", "After dark", position=6)
    category.access = m.CategoryAccess.ADULT
    await db.commit()
    return category


@pytest.fixture
async def gold_member(factory) -> m.User:
    return await factory.user("goldie", "Gold Owner", tier=m.Tier.GOLD)


@pytest.fixture
async def minor(factory, db) -> m.User:
    user = await factory.user("teen", "Teen Driver")
    user.date_of_birth = years_ago(16)
    await db.commit()
    return user
