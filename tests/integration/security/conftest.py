"""Fixtures for the hardening tests: the gated areas and members of the membership tests."""

from __future__ import annotations

import datetime as dt

import pytest

import models as m

from ..membership.conftest import adult_area, gold_area, gold_member, minor, years_ago  # noqa: F401  (fixtures)


@pytest.fixture
async def suspended(factory, db) -> m.User:
    user = await factory.user("benched", "Benched Member")
    user.status = m.MemberStatus.SUSPENDED
    user.suspended_until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    await db.commit()
    return user
