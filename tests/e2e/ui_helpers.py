"""Browser-test helpers shared by the page checks and the demo walk: logging in as a demo
account, axe-core (installed with npm into .cache/axe, as .ci/run does), screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .pages import DEFAULT_PASSWORD, PASSWORDS, PAGES, ROLES, matches

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = Path(os.environ.get("WEBBOARD_AXE_DIR", ROOT / ".cache" / "axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("WEBBOARD_TEST_OUTPUT", ROOT / "test-output")) / "screenshots"
PHONE, DESKTOP = 360, 1280


def axe_script() -> Path:
    """axe-core's script, installed from npm on first use (CI installs it in .ci/run)."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail("npm is needed to install axe-core for the accessibility tests")
            pytest.skip("npm is missing: cannot install axe-core")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "axe-core@4"],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not AXE_JS.exists():
            message = f"npm install axe-core failed: {result.stderr[-500:]}"
            pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return AXE_JS


def new_tab(browser, base_url: str, width: int):
    # bypass_csp: axe is injected as an inline script, which the board's CSP rightly refuses.
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 800}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return context, tab


def log_in(tab, role: str) -> None:
    login_id = ROLES[role]
    if login_id is None:
        return
    tab.goto("/login")
    tab.locator("#f-login_id").fill(login_id)
    tab.locator("#f-password").fill(PASSWORDS.get(login_id, DEFAULT_PASSWORD))
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()
    assert tab.locator("header.site .me").count() == 1, f"could not log in as {login_id}"


def resolve(tab, key: str, cache: dict[str, str]) -> str:
    """The URL of PAGES[key] on the demo board, following links where the id is not fixed."""
    if key in cache:
        return cache[key]
    page = PAGES[key]
    if page.url is not None:
        url = _expand(tab, page.url, cache)
    else:
        source = _expand(tab, page.source or "/", cache)
        tab.goto(source)
        hrefs = tab.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        found = [h for h in hrefs if matches(page.link or "", h)]
        assert found, f"no link for {key} on {source}"
        url = found[0]
    cache[key] = url
    return url


def _expand(tab, text: str, cache: dict[str, str]) -> str:
    while "<<" in text:
        start, end = text.index("<<"), text.index(">>")
        text = text[:start] + resolve(tab, text[start + 2:end], cache) + text[end + 2:]
    return text


def scroll_width(tab) -> int:
    return tab.evaluate("document.scrollingElement.scrollWidth")


def axe_problems(tab) -> list[str]:
    """Serious and critical axe-core violations on the page, as readable lines."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.add_script_tag(path=str(axe_script()))
    result = tab.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(result)


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
