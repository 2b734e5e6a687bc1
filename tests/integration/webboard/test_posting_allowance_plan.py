"""The posting allowance's count of a member's recent posts (`forum.services.posting`) keeps one
generic plan on PostgreSQL: its statement bounds `created_at` on both sides, so the planner does not
plan it again for every submit. The count itself is the same on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from forum.services.posting import PostingService


async def test_the_allowance_counts_the_same_posts_on_both_databases(db, factory, settings, category):
    member = await factory.user("counted", age_days=30)
    posting = PostingService(db, settings, [])
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Mine", body="Hello")
    for i in range(3):
        await posting.create_reply(member, thread_id=thread.id, body=f"reply {i}")
    await db.commit()
    replies = await posting.allowance(member, "reply")
    threads = await posting.allowance(member, "thread")
    assert replies.left == replies.limit - 3 and threads.left == threads.limit - 1
    later = await posting.allowance(member, "reply", now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))
    assert later.left == later.limit  # the window has moved past them


async def test_the_allowance_statement_keeps_a_generic_plan_on_postgresql(db, factory, settings):
    if db.bind.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    member = await factory.user("planned", age_days=30)
    posting = PostingService(db, settings, [])
    await db.commit()
    async with db.begin():  # one connection, so one prepared statement
        for _ in range(8):  # PostgreSQL makes custom plans for the first five executions
            assert (await posting.allowance(member, "reply")).left > 0
        plans = (await db.execute(text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE 'SELECT posts.created_at %' AND statement LIKE '%infinity%'"))).all()
    assert plans and all(row.generic_plans >= 3 for row in plans), plans
