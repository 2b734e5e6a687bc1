"""Prepares the write benchmark: gives benchmark members 1..N a known password (members old enough
that the first-day posting limits do not apply: the seeder's are a month old), logs each in through
the running server like a browser, and writes one line per member: the Cookie header value and the
CSRF token, for benchmarks/write_post.lua.

    DATABASE_URL=... python benchmarks/write_prep.py --base http://127.0.0.1:8031 --members 200 --out /tmp/sessions.txt"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-password-not-secret"


async def set_passwords(members: int, staff: int) -> None:
    """Members 1..N posters and readers (Silver); the next `staff` ids a guru, then an admin."""
    from sqlalchemy import update

    import models as m
    from forum.db import create_engine
    from forum.security import hash_password
    from forum.settings import get_settings

    engine = create_engine(get_settings().db)
    async with engine.begin() as conn:
        await conn.execute(update(m.User).where(m.User.id <= members + staff).values(password_hash=hash_password(PASSWORD)))
        if staff:
            await conn.execute(update(m.User).where(m.User.id == members + 1).values(role=m.Role.GURU))
            await conn.execute(update(m.User).where(m.User.id == members + 2).values(role=m.Role.ADMIN))
    await engine.dispose()


async def log_in(_client: httpx.AsyncClient, base: str, user_id: int) -> str:
    async with httpx.AsyncClient(timeout=60) as client:  # a browser of its own (cookie jar)
        page = await client.get(f"{base}/login")
        token = page.cookies["csrftoken"]
        done = await client.post(f"{base}/login", follow_redirects=False,
                                 data={"_csrf_token": token, "login_id": f"user{user_id}", "password": PASSWORD})
    session = done.cookies.get("session")
    if done.status_code != 303 or not session:
        raise SystemExit(f"login of user{user_id} failed: HTTP {done.status_code}")
    return f"session={session};csrftoken={token} {token}"


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--out", required=True)
    parser.add_argument("--staff-out", help="also a guru and an admin: their lines (guru first) go here")
    args = parser.parse_args()
    if not args.base.startswith(("http://127.", "http://localhost")):
        raise SystemExit("loopback only")
    staff = 2 if args.staff_out else 0
    await set_passwords(args.members, staff)
    async with httpx.AsyncClient(timeout=60) as client:
        lines = []
        for start in range(1, args.members + 1, 8):
            lines += await asyncio.gather(*(log_in(client, args.base, u)
                                            for u in range(start, min(start + 8, args.members + 1))))
        if staff:
            staff_lines = [await log_in(client, args.base, args.members + 1), await log_in(client, args.base, args.members + 2)]
            Path(args.staff_out).write_text("\n".join(staff_lines) + "\n")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} members logged in -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
