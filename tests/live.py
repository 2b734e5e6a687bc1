"""The real server (Granian, as `webboard serve` runs it) on a test database, for tests that must
go through separate worker processes: concurrency, and the API fuzzing run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(database_url: str, *, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """Serves the board from `database_url` (already migrated) and yields its base URL and the
    file that collects the server's output (the access log among it)."""
    data_dir = Path(tempfile.mkdtemp(prefix="webboard-live-"))
    log_path = data_dir / "server.log"
    server_env = {**os.environ, "WEBBOARD_DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
                  "WEBBOARD_SECRET_KEY": os.environ.get("WEBBOARD_SECRET_KEY", "live-test-secret"), **(env or {})}
    server_env.pop("REDIS_URL", None)
    port = free_port()
    with open(log_path, "wb") as log:  # a file, not a pipe: the access log would fill a pipe and stall the server
        server = subprocess.Popen([str(BIN / "webboard"), "serve", "--port", str(port), "--workers", str(workers)],
                                  env=server_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + log_path.read_text(errors="replace")[-3000:])
            try:
                if httpx.get(base + "/api/categories", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
