"""/favicon.ico is served on every board (it was a 404), and pages link the SVG icon."""

from __future__ import annotations


async def test_favicon_ico_is_an_icon(client):
    response = await client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00" and len(response.content) > 500


async def test_pages_link_the_svg_favicon_and_the_ico(client):
    page = await client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    assert 'href="/favicon.ico"' in page.text
    svg = await client.get("/static/favicon.svg")
    assert svg.status_code == 200 and "<svg" in svg.text
