"""A real server (Granian, as `webboard serve` runs it) on a free loopback port, with demo data,
and headless Chromium from Debian's package. In CI a missing browser is an error, not a skip."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    data_dir = tempfile.mkdtemp(prefix="webboard-e2e-")
    # No access log: the server's output goes to a pipe nobody reads, which would fill and stall it.
    env = {**os.environ, "WEBBOARD_DATA_DIR": data_dir, "WEBBOARD_SECRET_KEY": "e2e-secret", "WEBBOARD_ACCESS_LOG": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(BIN / "webboard"), "seed-demo"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen([str(BIN / "webboard"), "serve", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        server.kill()
        raise RuntimeError("server did not start: " + (server.stdout.read() or b"").decode(errors="replace")[-2000:])
    yield base
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")  # closed before the worker goes on to async tests
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and is missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
