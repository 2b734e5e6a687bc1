"""The posting allowance's count of a member's recent posts (`forum.services.posting`) is the same on
both databases."""

from __future__ import annotations

import datetime as dt

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
