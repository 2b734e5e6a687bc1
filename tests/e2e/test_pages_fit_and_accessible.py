"""Every page of the board, as the role that can see it, on a 360 px phone: no horizontal
scrolling (document.scrollingElement.scrollWidth <= 360) and no serious or critical axe-core
violations. Also /favicon.ico and the icons the pages link."""

from __future__ import annotations

import httpx
import pytest

from forum.app import create_app

from .pages import NOT_PAGES, PAGES, html_routes
from .ui_helpers import PHONE, axe_problems, log_in, new_tab, resolve, screenshot, scroll_width

pytestmark = pytest.mark.e2e

ROLES_IN_ORDER = ("guest", "member", "guru", "admin")


def test_every_page_route_is_listed():
    routes = html_routes(create_app())
    unlisted = sorted(routes - set(PAGES) - NOT_PAGES)
    assert not unlisted, f"GET routes with no entry in tests/e2e/pages.py: {unlisted}"


@pytest.mark.parametrize("role", ROLES_IN_ORDER)
def test_each_page_fits_a_360px_phone_and_has_no_serious_accessibility_problem(browser, live_server, role):
    context, tab = new_tab(browser, live_server, PHONE)
    try:
        log_in(tab, role)
        cache: dict[str, str] = {}
        too_wide, inaccessible, checked = [], [], []
        for key, page in PAGES.items():
            if page.role != role:
                continue
            url = resolve(tab, key, cache)
            tab.goto(url)
            checked.append(url)
            width = scroll_width(tab)
            if width > PHONE:
                too_wide.append(f"{url}: {width}px")
                screenshot(tab, f"too-wide-{role}-{url.strip('/').replace('/', '_')[:60] or 'home'}")
            inaccessible += [f"{url}: {problem}" for problem in axe_problems(tab)]
        assert checked, f"no page is listed for {role}"
        assert not too_wide, "pages wider than 360 px:\n" + "\n".join(too_wide)
        assert not inaccessible, "serious or critical axe-core violations:\n" + "\n".join(inaccessible)
    finally:
        context.close()


def test_favicon_ico_is_served_and_pages_link_the_svg_icon(live_server):
    icon = httpx.get(live_server + "/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/")
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    home = httpx.get(live_server + "/").text
    assert 'rel="icon" href="/static/favicon.svg"' in home
    for asset in ("/static/favicon.svg", "/static/logo.svg", "/static/icons.svg"):
        response = httpx.get(live_server + asset)
        assert response.status_code == 200 and b"<svg" in response.content, asset
