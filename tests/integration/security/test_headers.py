"""Browser security headers on every kind of response, and the header search box."""

from __future__ import annotations

import dataclasses

from litestar.testing import AsyncTestClient

from forum.app import create_app

from ...factories import login
from ..guru.conftest import ask

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_secure(response, url: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name)
    assert "camera=()" in response.headers.get("permissions-policy", ""), url
    csp = response.headers.get("content-security-policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'", url  # no inline script, no eval, no other origin
    assert directives["style-src"] == "'self'", url
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'", url


async def test_every_kind_of_response_carries_the_security_headers(client, factory, category, member):
    thread = await factory.thread(category, member, "Headers everywhere", "body")
    urls = ["/", f"/c/{category.slug}", f"/t/{thread.id}", "/login", "/register", "/search?q=x", "/guru/",
            "/notices", "/static/style.css", "/api/categories", f"/api/threads/{thread.id}", "/no-such-page",
            "/api/no-such-route", "/t/99999999999999999999", "/notices.atom"]
    for url in urls:
        assert_secure(await client.get(url, follow_redirects=False), url)
    await login(client, member)
    for url in ["/profile", "/coins", "/account/export"]:
        assert_secure(await client.get(url, follow_redirects=False), url)
    response = await client.post("/profile", data={"display_name": "x"})  # no CSRF token: 403
    assert response.status_code == 403
    assert_secure(response, "/profile (403)")


async def test_hsts_only_when_served_over_https(client, settings, session_maker):
    assert "strict-transport-security" not in (await client.get("/login")).headers
    https = dataclasses.replace(settings, security=dataclasses.replace(settings.security, https=True))
    async with AsyncTestClient(app=create_app(https), base_url="https://testserver.local") as secure_client:
        response = await secure_client.get("/login")
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_the_header_search_box_is_empty_on_a_guru_question_page(client, db, settings, category, member):
    thread = await ask(db, settings, member, category, "Squeaky brakes on a 2020 Yaris", car_model="Yaris")
    page = await client.get(f"/guru/q/{thread.id}")
    assert page.status_code == 200
    box = page.text.split('id="site-q"', 1)[1].split(">", 1)[0]
    assert 'value=""' in box, box
    assert "GuruQuestion" not in page.text and "Yaris" not in box
    results = await client.get("/search?q=brakes")
    assert 'value="brakes"' in results.text.split('id="site-q"', 1)[1].split(">", 1)[0]  # search pages keep it
