"""A plain Redis client for tests that look at what the app stored (the app's own client belongs
to the app's event loop); skips without Redis, except in CI where Redis must be there."""

from __future__ import annotations

import os

import pytest
import redis

REDIS_URL = os.environ.get("WEBBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip(url: str = REDIS_URL) -> redis.Redis:
    probe = redis.Redis.from_url(url)
    try:
        probe.ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}: {error}")
    return probe
