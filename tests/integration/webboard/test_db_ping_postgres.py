"""forum.db.ping_when_idle on a real PostgreSQL server: a pooled connection that the server dropped
while it sat idle is found by the ping and replaced, and the request never sees it. (One dropped
while it was in use a moment ago is met by the next request, which fails once; the pool is then
invalidated and the request after it connects again: the trade made for no ping per checkout.)"""

import asyncio
import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from forum.db import ping_when_idle

POSTGRES_URL = os.environ.get("WEBBOARD_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="WEBBOARD_TEST_POSTGRES_URL not set")


async def _terminate(pid: int) -> None:
    admin = create_async_engine(POSTGRES_URL)
    try:
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await conn.commit()
    finally:
        await admin.dispose()


async def test_a_connection_dropped_while_idle_is_replaced_before_use():
    engine = create_async_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    ping_when_idle(engine, 0.2)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        await _terminate(first)
        await asyncio.sleep(0.4)
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged_and_the_pool_recovers_after_a_drop():
    engine = create_async_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    ping_when_idle(engine, 60)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        await _terminate(first)
        with pytest.raises(Exception):  # noqa: B017 - the driver's disconnect error, whichever it is
            async with engine.connect() as conn:
                await conn.scalar(text("SELECT 1"))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        await engine.dispose()
