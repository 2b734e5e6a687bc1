"""Fifty members redeem the last unit of a prize at the same moment, through the real server
(Granian with two worker processes, as `webboard serve` runs it), on SQLite and PostgreSQL:
exactly one wins, every other one is refused with nothing debited, and the ledger adds up."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

import models as m
from forum.coins.service import CoinService

from ...factories import PASSWORD
from .conftest import NOW, add_prize, assert_balances_match_ledger, balance_of

MEMBERS = 50
# Cheap Argon2 parameters for these test accounts only, so fifty logins take a moment, not a minute.
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A Granian server as `webboard serve` runs it (two workers) on a free loopback port,
    against the test database. It starts in the background while the test prepares its data."""

    def __init__(self, db_url: str) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="webboard-coins-race-")
        env = {**os.environ, "DATABASE_URL": db_url, "WEBBOARD_DATA_DIR": self.data_dir,
               "WEBBOARD_SECRET_KEY": "coins-race-secret"}
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        # The schema is already migrated by the test session, so Granian is started directly
        # (what `webboard serve` does after migrating).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2", "--no-access-log", "forum.asgi:app"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )

    async def ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.base, timeout=2) as probe:
            while True:
                if self.process.poll() is not None:
                    output = self.process.stdout.read().decode(errors="replace")
                    raise RuntimeError(f"the server stopped: {output[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start in time")
                try:
                    if (await probe.get("/login")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture
def live_server(db, db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(db_url)
    try:
        yield server
    finally:
        server.stop()


async def _logged_in_client(base: str, user: m.User) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30.0))
    assert (await client.get("/login")).status_code == 200
    response = await client.post("/login", data={"login_id": user.login_id, "password": PASSWORD,
                                                 "_csrf_token": client.cookies["csrftoken"]})
    assert response.status_code == 303, response.text
    assert "session" in client.cookies
    return client


async def test_fifty_members_race_for_the_last_unit_and_exactly_one_wins(db, live_server: LiveServer):
    prize = await add_prize(db, price=60, stock=1, name="Last floor mat")
    members = []
    for i in range(MEMBERS):
        user = m.User(login_id=f"racer{i:02d}", display_name=f"Racer {i}", email=f"racer{i}@example.com",
                      password_hash=CHEAP_HASH, date_of_birth=dt.date(1990, 1, 1), terms_version="2026-01",
                      terms_accepted_at=NOW, created_at=NOW - dt.timedelta(days=30))
        db.add(user)
        members.append(user)
    await db.commit()
    for user in members:
        await CoinService(db).adjust(user, user.id, 100, "race stake", now=NOW)
        db.add(m.DeliveryAddress(user_id=user.id, recipient=user.display_name, phone="081 234 5678",
                                 address="1 ถนนราชดำเนิน", province="กรุงเทพมหานคร", postal_code="10200"))
    await db.commit()
    await live_server.ready()

    async def race() -> list[httpx.Response]:
        gate = asyncio.Semaphore(10)

        async def login(user: m.User) -> httpx.AsyncClient:
            async with gate:
                return await _logged_in_client(live_server.base, user)

        clients = await asyncio.gather(*(login(u) for u in members))
        start = asyncio.Event()

        async def redeem(client: httpx.AsyncClient) -> httpx.Response:
            await start.wait()
            return await client.post(f"/api/coins/prizes/{prize.id}/redeem", json={"quantity": 1},
                                     headers={"x-csrftoken": client.cookies["csrftoken"]})

        try:
            tasks = [asyncio.create_task(redeem(c)) for c in clients]
            await asyncio.sleep(0.05)
            start.set()
            return await asyncio.gather(*tasks)
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    responses = await asyncio.wait_for(race(), timeout=60)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (MEMBERS - 1), [r.text for r in responses if r.status_code not in (201, 409)]
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {r["code"] for r in refusals} == {"out_of_stock"} and all(r["error"] for r in refusals)
    winner_balance = next(r.json()["balance"] for r in responses if r.status_code == 201)
    assert winner_balance == 40

    assert (await db.get(m.CoinPrize, prize.id, populate_existing=True)).stock == 0
    assert await db.scalar(select(func.count()).select_from(m.CoinRedemption)) == 1
    balances = sorted([await balance_of(db, u) for u in members])
    assert balances == [40] + [100] * (MEMBERS - 1)
    debits = await db.scalar(select(func.count()).where(m.CoinLedgerEntry.amount < 0))
    assert debits == 1
    await assert_balances_match_ledger(db)
