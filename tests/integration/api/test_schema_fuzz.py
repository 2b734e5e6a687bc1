"""Schemathesis against the real server: every /api operation, as a guest and as a logged-in
member (with the CSRF token), a few examples each and a time budget. Any 5xx, or a status,
body, content type or header the schema at /api/schema does not declare, fails the suite."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from ...factories import PASSWORD
from ...live import BIN, live_server

# A few examples per operation and a time budget per role (raise both to fuzz harder locally).
EXAMPLES = os.environ.get("WEBBOARD_FUZZ_EXAMPLES", "3")
MAX_SECONDS = os.environ.get("WEBBOARD_FUZZ_SECONDS", "15")
# Operations that would end the member's session or account, or change who the client is.
SESSION_CHANGING = ["/api/auth/logout", "/api/auth/login", "/api/auth/register", "/api/account/delete"]
# Not schema violations: business rules refuse some requests the schema cannot describe (a
# duplicate title, a rate limit, an unknown id in the body), answered with declared 4xx; and
# Litestar reads request data leniently (0 for false, "5" for 5), so some data the schema calls
# invalid is accepted. Every other check runs: 5xx, undeclared status, body, content type,
# headers, Allow on OPTIONS and on 405.
NOT_SCHEMA_CHECKS = ["positive_data_acceptance", "negative_data_rejection"]


def credentials(base: str, login_id: str | None) -> list[str]:
    with httpx.Client(base_url=base) as client:
        client.get("/login")
        token = client.cookies["csrftoken"]
        if login_id is not None:
            response = client.post("/api/auth/login", json={"login_id": login_id, "password": PASSWORD},
                                   headers={"x-csrftoken": token})
            assert response.status_code == 200, response.text
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return ["-H", f"Cookie: {cookies}", "-H", f"x-csrftoken: {token}"]


def schemathesis(base: str, auth: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "st"), "run", f"{base}/api/schema/openapi.json", "--max-examples", EXAMPLES, "--seed", "12",
               "--max-time", MAX_SECONDS, "--exclude-checks", ",".join(NOT_SCHEMA_CHECKS), "--no-color",
               "--request-timeout", "20", *[arg for path in SESSION_CHANGING for arg in ("--exclude-path", path)],
               *auth]
    return subprocess.run(command, capture_output=True, text=True, timeout=int(MAX_SECONDS) * 3 + 60,
                          cwd=workdir)  # its .schemathesis/ cache goes with the server's data dir


async def test_the_api_answers_as_its_schema_says_to_guests_and_members(db_url, db, factory, member, category):
    await factory.thread(category, member, "Oil change intervals for a city car", "Every 10,000 km?")
    with live_server(db_url, workers=1, env={"WEBBOARD_ACCESS_LOG": "0"}) as (base, log):
        for who, login_id in (("guest", None), ("member", member.login_id)):
            run = schemathesis(base, credentials(base, login_id), log.parent)
            assert run.returncode == 0, f"as {who}:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}"
