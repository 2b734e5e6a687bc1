from __future__ import annotations

import dataclasses
import os

import pytest
import redis
from litestar.stores.redis import RedisStore
from litestar.testing import AsyncTestClient

from forum.app import create_app

from ...factories import PASSWORD, login, post_form

REDIS_URL = os.environ.get("WEBBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_a_login_survives_a_server_restart_with_the_embedded_file_store(app, settings, member):
    async with AsyncTestClient(app=app) as before_restart:
        await login(before_restart, member)
        cookies = dict(before_restart.cookies)
    async with AsyncTestClient(app=create_app(settings)) as after_restart:
        after_restart.cookies.update(cookies)
        response = await after_restart.get("/profile", follow_redirects=False)
        assert response.status_code == 200
        assert member.login_id in response.text


async def test_session_cookie_is_httponly_and_samesite(client, member):
    response = await post_form(client, "/login", {"login_id": member.login_id, "password": PASSWORD},
                               follow_redirects=False)
    assert response.status_code == 303
    session_header = next(h for h in response.headers.get_list("set-cookie") if h.startswith("session="))
    assert "HttpOnly" in session_header and "SameSite=lax" in session_header
    assert "Secure" not in session_header  # plain HTTP here; WEBBOARD_HTTPS=1 adds it


async def test_sessions_live_in_redis_when_it_is_configured(settings, member):
    redis_settings = dataclasses.replace(settings, security=dataclasses.replace(settings.security, redis_url=REDIS_URL))
    app = create_app(redis_settings)
    store = app.stores.get("sessions")
    assert isinstance(store, RedisStore)
    probe = redis.Redis.from_url(REDIS_URL)  # a plain client: the store's own belongs to the app's loop
    try:
        probe.ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    async with AsyncTestClient(app=app) as client:
        await login(client, member)
        session_id = client.cookies["session"]
        assert probe.exists(f"webboard-sessions:{session_id}")
        assert (await client.get("/profile", follow_redirects=False)).status_code == 200
