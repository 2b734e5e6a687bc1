"""Flash messages in a signed, short-lived cookie (forum.flash) instead of the session."""

from __future__ import annotations

import dataclasses
import time

import pytest
from litestar.testing import AsyncTestClient

from forum import flash
from forum.app import create_app

from ...factories import login, post_form
from ...redis_probe import REDIS_URL, redis_or_skip



def _secret(settings) -> bytes:
    return ("flash\x00" + settings.security.secret_key).encode()


def _count_store_writes(app, monkeypatch) -> list[str]:
    store = app.stores.get("sessions")
    writes: list[str] = []
    original_set, original_delete = type(store).set, type(store).delete

    async def counting_set(self, key, value, expires_in=None):
        writes.append(f"set {key}")
        return await original_set(self, key, value, expires_in=expires_in)

    async def counting_delete(self, key):
        writes.append(f"delete {key}")
        return await original_delete(self, key)

    monkeypatch.setattr(type(store), "set", counting_set)
    monkeypatch.setattr(type(store), "delete", counting_delete)
    return writes


def _flash_header(response) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith("flash="))


async def test_a_reply_s_message_is_shown_once_without_writing_the_session(app, client, factory, member, category,
                                                                          monkeypatch):
    thread = await factory.thread(category, member, "ถามเรื่องยาง")
    await login(client, member)
    await client.get("/")  # shows the login's message
    writes = _count_store_writes(app, monkeypatch)
    response = await post_form(client, f"/t/{thread.id}/reply", {"body": "เปลี่ยนยางทุกสี่ปีครับ"},
                               follow_redirects=False)
    assert response.status_code == 303
    header = _flash_header(response)
    assert "HttpOnly" in header and "SameSite=lax" in header and "Max-Age=" in header and "Path=/" in header
    shown = await client.get(response.headers["location"])
    assert shown.status_code == 200 and shown.text.count('class="flash') == 1
    assert "flash" not in client.cookies  # the page that showed it deleted it
    assert 'class="flash' not in (await client.get(f"/t/{thread.id}")).text
    assert writes == []


async def test_a_guest_s_message_needs_no_session(app, client, member, monkeypatch):
    await login(client, member)
    response = await post_form(client, "/logout", {}, follow_redirects=False)
    assert response.status_code == 303
    assert "flash=" in ";".join(response.headers.get_list("set-cookie"))
    assert client.cookies.get("session") in (None, "", "null")  # no new session just for the message
    writes = _count_store_writes(app, monkeypatch)
    page = await client.get("/")
    assert 'class="flash' in page.text and client.cookies.get("session") in (None, "", "null")
    assert writes == []


@pytest.mark.parametrize("make", ["forged", "other_secret", "expired", "garbage"])
async def test_a_cookie_the_board_did_not_sign_is_ignored_and_deleted(client, settings, make):
    now = time.time()
    text = "Call 0812345678 to claim your prize"
    if make == "forged":
        good = flash.encode(_secret(settings), [{"message": "Reply posted.", "category": "success"}], now)
        other = flash.encode(_secret(settings), [{"message": text, "category": "success"}], now)
        value = other.rpartition(".")[0] + "." + good.rpartition(".")[2]  # another text under a valid signature
    elif make == "other_secret":
        value = flash.encode(b"flash\x00not-the-boards-secret", [{"message": text, "category": "success"}], now)
    elif make == "expired":
        value = flash.encode(_secret(settings), [{"message": text, "category": "success"}], now - flash.MAX_AGE - 5)
    else:
        value = "not-base64!.x"
    client.cookies.set("flash", value, domain="testserver.local")
    page = await client.get("/")
    assert page.status_code == 200
    assert text not in page.text and 'class="flash' not in page.text
    assert "flash" not in client.cookies


async def test_a_message_is_escaped_like_any_text(client, settings):
    text = '<script>alert(1)</script><b>bold</b>'
    client.cookies.set("flash", flash.encode(_secret(settings), [{"message": text, "category": "x\" onclick=\"y"}],
                                             time.time()), domain="testserver.local")
    page = await client.get("/")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert 'onclick="y' not in page.text


def test_the_cookie_round_trips_thai_text_and_keeps_unshown_messages():
    secret, now = b"s", time.time()
    messages = [{"message": "ตอบกลับแล้ว", "category": "success"}, {"message": "Saved.", "category": "error"}]
    assert flash.decode(secret, flash.encode(secret, messages, now), now) == messages
    assert flash.decode(secret, flash.encode(secret, messages, now), now + flash.MAX_AGE + 1) == []


async def test_pages_with_a_message_never_come_from_or_go_to_the_page_caches(app, client, factory, member, category):
    thread = await factory.thread(category, member, "ถามเรื่องแบต")
    cache = app.state.page_cache
    if cache is None:
        pytest.skip("page cache off")
    guest = client
    client.cookies.set("flash", flash.encode(_secret(app.state.settings), [{"message": "Only for me", "category": "success"}],
                                             time.time()), domain="testserver.local")
    hits, stored = cache.stats.hits, cache.stats.stored
    page = await guest.get(f"/t/{thread.id}")
    assert "Only for me" in page.text
    assert (cache.stats.hits, cache.stats.stored) == (hits, stored)
    assert "Only for me" not in (await guest.get(f"/t/{thread.id}")).text


async def test_messages_work_with_sessions_in_redis(settings, factory, member, category):
    redis_settings = dataclasses.replace(settings, security=dataclasses.replace(settings.security, redis_url=REDIS_URL))
    probe = redis_or_skip(REDIS_URL)
    thread = await factory.thread(category, member, "ถามเรื่องแอร์")
    app = create_app(redis_settings)
    async with AsyncTestClient(app=app) as client:
        await login(client, member)
        session_id = client.cookies["session"]
        stored = probe.get(f"webboard-sessions:{session_id}")
        response = await post_form(client, f"/t/{thread.id}/reply", {"body": "ล้างแอร์ปีละครั้ง"}, follow_redirects=False)
        assert response.status_code == 303
        assert probe.get(f"webboard-sessions:{session_id}") == stored  # the message did not rewrite it
        page = await client.get(response.headers["location"])
        assert page.text.count('class="flash') == 1
        assert probe.get(f"webboard-sessions:{session_id}") == stored
