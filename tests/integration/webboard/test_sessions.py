from __future__ import annotations

import dataclasses

from litestar.stores.redis import RedisStore
from litestar.testing import AsyncTestClient

from forum.app import create_app

from ...factories import PASSWORD, login, post_form
from ...redis_probe import REDIS_URL, redis_or_skip



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
    probe = redis_or_skip(REDIS_URL)
    async with AsyncTestClient(app=app) as client:
        await login(client, member)
        session_id = client.cookies["session"]
        assert probe.exists(f"webboard-sessions:{session_id}")
        assert (await client.get("/profile", follow_redirects=False)).status_code == 200


async def test_a_visitor_without_a_session_gets_no_session_cookie_and_no_stored_session(app, client, monkeypatch):
    store = app.stores.get("sessions")
    touched = []

    async def refuse(self, *args, **kwargs):
        touched.append(args)

    monkeypatch.setattr(type(store), "set", refuse)
    monkeypatch.setattr(type(store), "delete", refuse)
    for path in ("/", "/c/no-such-category", "/login"):
        response = await client.get(path)
        assert not any(h.startswith("session=") for h in response.headers.get_list("set-cookie")), path
    assert touched == []


async def test_an_unchanged_session_is_not_rewritten_on_every_page(app, client, member, monkeypatch):
    await login(client, member)
    await client.get("/")  # shows (and so removes) the login's flash message
    store = app.stores.get("sessions")
    session_id = client.cookies["session"]
    writes = []
    original_set = type(store).set

    async def counting_set(self, key, value, expires_in=None):
        writes.append(key)
        return await original_set(self, key, value, expires_in=expires_in)

    monkeypatch.setattr(type(store), "set", counting_set)
    for _ in range(3):
        assert (await client.get("/profile", follow_redirects=False)).status_code == 200
    assert writes == []
    # A flash message does not rewrite the session (forum.flash carries it in a signed cookie):
    # neither the form post that sets it nor the page that shows it writes the store.
    response = await post_form(client, "/profile", {"display_name": "New Name", "email": member.email},
                               follow_redirects=False)
    assert response.status_code == 303 and writes == []
    page = await client.get("/profile")
    assert "New Name" in page.text and 'class="flash' in page.text and writes == []
    assert client.cookies["session"] == session_id


async def test_logging_in_and_out_issues_a_new_session_id_and_deletes_the_old_one(app, client, member):
    store = app.stores.get("sessions")
    await client.get("/login")
    await post_form(client, "/login", {"login_id": member.login_id, "password": "wrong password"})
    await login(client, member)
    logged_in_id = client.cookies["session"]
    assert await store.get(logged_in_id) is not None
    response = await post_form(client, "/logout", {}, follow_redirects=False)
    assert response.status_code == 303
    assert await store.get(logged_in_id) is None
    assert client.cookies.get("session") != logged_in_id
    assert (await client.get("/profile", follow_redirects=False)).status_code == 303  # back to the login page


async def test_a_session_id_planted_before_login_is_not_kept(app, client, member):
    store = app.stores.get("sessions")
    await store.set("planted-by-someone-else", b'{"_messages": []}')
    client.cookies.set("session", "planted-by-someone-else", domain="testserver.local")
    await login(client, member)
    assert client.cookies["session"] != "planted-by-someone-else"
    assert await store.get("planted-by-someone-else") is None
