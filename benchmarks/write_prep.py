"""Prepares the write benchmark: picks N Silver members who posted nothing in the last hour (so a
re-run within the hour does not meet the hourly posting limits; the seeder's members are a month
old, so the first-day limits do not apply either), gives them a known password, logs each in
through the running server like a browser, and writes one line per member: the Cookie header value
and the CSRF token, for benchmarks/write_post.lua. The guru and the admin are the two last users.

    DATABASE_URL=... python benchmarks/write_prep.py --base http://127.0.0.1:8031 --members 200 --out /tmp/sessions.txt"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-password-not-secret"


async def prepare_accounts(members: int, staff: int) -> tuple[list[int], list[int]]:
    """The posters and readers (Silver members without a post in the last hour) and, with
    `staff`, a guru and an admin (the two highest ids); all get the benchmark password."""
    import datetime as dt

    from sqlalchemy import func, select, update

    import models as m
    from forum.db import create_engine
    from forum.security import hash_password
    from forum.settings import get_settings

    engine = create_engine(get_settings().db)
    async with engine.begin() as conn:
        top = await conn.scalar(select(func.max(m.User.id)))
        staff_ids = [top - 1, top][:staff] if staff else []
        recent = select(m.Post.author_id).where(m.Post.created_at > dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
        ids = list((await conn.scalars(
            select(m.User.id).where(m.User.role == m.Role.MEMBER, m.User.tier == m.Tier.SILVER,
                                    m.User.status == m.MemberStatus.ACTIVE, m.User.id.not_in(staff_ids),
                                    m.User.id.not_in(recent)).order_by(m.User.id).limit(members))).all())
        if len(ids) < members:
            raise SystemExit(f"only {len(ids)} members have not posted in the last hour; wait, or ask for fewer")
        await conn.execute(update(m.User).where(m.User.id.in_(ids + staff_ids)).values(password_hash=hash_password(PASSWORD)))
        if staff:
            await conn.execute(update(m.User).where(m.User.id == staff_ids[0]).values(role=m.Role.GURU))
            await conn.execute(update(m.User).where(m.User.id == staff_ids[1]).values(role=m.Role.ADMIN))
    await engine.dispose()
    return ids, staff_ids


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
    ids, staff_ids = await prepare_accounts(args.members, staff)
    async with httpx.AsyncClient(timeout=60) as client:
        lines = []
        for start in range(0, len(ids), 8):
            lines += await asyncio.gather(*(log_in(client, args.base, u) for u in ids[start:start + 8]))
        if staff:
            staff_lines = [await log_in(client, args.base, u) for u in staff_ids]
            Path(args.staff_out).write_text("\n".join(staff_lines) + "\n")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} members logged in -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
