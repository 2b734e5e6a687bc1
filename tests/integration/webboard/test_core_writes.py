"""Rows written by forum.core_writes.insert_row are what a flush would have left in the session."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

import models as m
from forum import page_cache
from forum.core_writes import insert_row


async def test_the_row_is_persistent_loaded_and_updates_flush_as_usual(db, member, category):
    thread = await insert_row(db, m.Thread, category_id=category.id, author_id=member.id, title="ยางรั่ว",
                              last_activity_at=dt.datetime.now(dt.timezone.utc), search_terms="ยาง")
    post = await insert_row(db, m.Post, thread_id=thread.id, author_id=member.id, is_opening=True,
                            body_raw="ยางรั่ว", body_html="<p>ยางรั่ว</p>")
    state = sa.inspect(post)
    assert state.persistent and not state.expired_attributes and not state.modified
    assert post.created_at is not None and post.visibility == m.Visibility.PUBLISHED and post.id > 0
    assert thread.reply_count == 0 and thread.kind == m.ThreadKind.DISCUSSION
    assert await db.get(m.Post, post.id) is post  # the identity map has it
    tags = db.sync_session.info.get(page_cache.SESSION_TAGS, set())
    assert {page_cache.thread_tag(thread.id), page_cache.category_tag(category.id), page_cache.HOME} <= tags
    post.body_raw = "ยางรั่วซึม"
    await db.flush()
    await db.commit()
    assert await db.scalar(sa.select(m.Post.body_raw).where(m.Post.id == post.id)) == "ยางรั่วซึม"


async def test_an_id_given_again_after_a_rollback_is_taken(db, member, category):
    thread = await insert_row(db, m.Thread, category_id=category.id, author_id=member.id, title="t",
                              last_activity_at=dt.datetime.now(dt.timezone.utc), search_terms="t")
    thread_id, member_id = thread.id, member.id
    await db.commit()
    first = await insert_row(db, m.Post, thread_id=thread_id, author_id=member_id, body_raw="a", body_html="a")
    first_id = first.id
    await db.rollback()  # on SQLite the next insert gets the same id again
    second = await insert_row(db, m.Post, thread_id=thread_id, author_id=member_id, body_raw="b", body_html="b")
    await db.commit()
    assert second.body_raw == "b" and await db.get(m.Post, second.id) is second
    assert first is not second and (db.bind.dialect.name != "sqlite" or second.id == first_id)


async def test_the_coin_ledger_stays_append_only(db, member):
    import pytest


    await db.execute(sa.text("INSERT INTO coin_balances (user_id, balance) VALUES (:u, 5)"), {"u": member.id})
    entry = await insert_row(db, m.CoinLedgerEntry, user_id=member.id, amount=5, balance_after=5,
                             reason=m.CoinReason.ADJUSTMENT, created_at=dt.datetime.now(dt.timezone.utc))
    entry.amount = 6
    with pytest.raises(RuntimeError, match="append-only"):
        await db.flush()
