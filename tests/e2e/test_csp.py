"""Every HTML page, from the app's route list, under the real Content-Security-Policy in
headless Chromium: no violation reported (an inline script or style, a blocked fetch) and no
script error, as a guest and as the demo admin (who can open nearly every page)."""

from __future__ import annotations

import os
import tempfile

import pytest

pytestmark = pytest.mark.e2e

os.environ.setdefault("WEBBOARD_DATA_DIR", tempfile.mkdtemp(prefix="webboard-csp-"))
os.environ.setdefault("WEBBOARD_SECRET_KEY", "csp-test")

# Records violations before any page script runs.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""
VALUES = {"slug": "maintenance", "int": 1, "version": "2026-01", "action": "approve", "name": "x.png",
          "file_path": "style.css", "path": "openapi.json", "digest": "0" * 32, "token": "not-a-token"}


def html_pages() -> list[str]:
    from forum.app import create_app

    from ..integration.security.routes import endpoints, fill
    from .pages import NOT_PAGES  # images, feeds, downloads: the browser's own viewer styles them

    urls = set()
    for endpoint in endpoints(create_app()):
        path = endpoint.path
        if endpoint.method != "GET" or path.startswith(("/api", "/static", "/coins/pictures")) or path.endswith((".atom", "/export")) \
                or path in NOT_PAGES:
            continue
        urls.add(fill(path, VALUES))
    return sorted(urls)


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    page.add_init_script(WATCH)
    return problems


def visit_all(page, urls: list[str], problems: list[str]) -> int:
    shown = 0
    for url in urls:
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        shown += 1
        for violation in page.evaluate("window.__csp"):
            problems.append(f"{url}: {violation}")
    return shown


def log_in(page, login_id: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=login_id]").fill(login_id)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


def test_no_page_breaks_the_content_security_policy(page):
    urls = html_pages()
    problems = watch(page)
    shown = visit_all(page, urls, problems)
    log_in(page, "admin", "demo-admin-2026")
    shown_admin = visit_all(page, urls, problems)
    assert shown > 10 and shown_admin > 40, (shown, shown_admin)
    # The scripts still work under the policy: similar threads appear while a title is typed.
    page.goto("/c/maintenance/new")
    page.locator("input[name=title]").fill("น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโล")
    page.wait_for_timeout(1500)
    problems += [f"/c/maintenance/new: {v}" for v in page.evaluate("window.__csp")]
    assert not problems, "\n".join(problems)
