"""How many SQL statements a reply and a new thread send through the HTML form (the member's row,
the submit's reads, the writes, the earning, the page cursor), so that a change which adds one to
every submit fails here. On SQLite a reply's thread, posting checks, allowance and the earning's
pre-read are one statement (forum.services.posting `submit_reads`), as on PostgreSQL (where the
post and its thread's bump, and the earning and its ledger row, are one statement each too).
Behaviour, not timing: the counts, and that the submit stored what it always stored."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

import models as m

from ...factories import login, post_form
from ..coins.conftest import assert_balances_match_ledger, balance_of, entries, grant, set_rules

# The most statements each may send here (on SQLite 10 and 15 before `h-replysql`; PostgreSQL unchanged;
# a new thread one fewer on both since `h-sqlpaced`: the gated categories come with the matches' rows).
# (A new thread's count includes the duplicate check's reads, which depend on the board: the
# benchmark board's new thread sends one more.)
MOST = {
    "sqlite": {"reply": 7, "thread": 12},
    "postgresql": {"reply": 6, "thread": 12},
}


@pytest.fixture
def sent():
    """The SQL every engine sends while the test runs (the app's included)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:80])

    event.listen(Engine, "before_cursor_execute", record)
    yield statements
    event.remove(Engine, "before_cursor_execute", record)


async def test_a_reply_and_a_new_thread_send_no_more_statements_than_before(
        client, db, factory, member, other_member, category, sent):
    dialect = db.bind.dialect.name
    await set_rules(db, thread=5, reply=3, daily_cap=0)
    await grant(db, member, 1)  # a balance row: the earning's prepared path on SQLite
    thread = await factory.thread(category, other_member, "แอร์ไม่เย็น", "ช่วยด้วย")
    await login(client, member)
    await post_form(client, f"/t/{thread.id}/reply", {"body": "warm up: the member's first submit"})

    sent.clear()
    answer = await post_form(client, f"/t/{thread.id}/reply", {"body": "เช็กน้ำยาแอร์ก่อนครับ"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    reply_statements = list(sent)
    sent.clear()
    answer = await post_form(client, f"/c/{category.slug}/new", {
        "title": "ยางรถรุ่นไหนเงียบ", "body": "อยากได้ยางที่เงียบและนุ่ม สำหรับรถเก๋ง"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    thread_statements = list(sent)

    assert len(reply_statements) <= MOST[dialect]["reply"], reply_statements
    assert len(thread_statements) <= MOST[dialect]["thread"], thread_statements
    # ...and the submits stored what they always stored.
    replies = (await db.scalars(select(m.Post).where(m.Post.thread_id == thread.id, m.Post.author_id == member.id)
                                .order_by(m.Post.id).execution_options(populate_existing=True))).all()
    assert [p.body_raw for p in replies] == ["warm up: the member's first submit", "เช็กน้ำยาแอร์ก่อนครับ"]
    stored = await db.get(m.Thread, thread.id, populate_existing=True)
    assert (stored.reply_count, stored.last_author_id) == (2, member.id)
    new_thread = await db.scalar(select(m.Thread).where(m.Thread.title == "ยางรถรุ่นไหนเงียบ"))
    assert new_thread is not None and new_thread.author_id == member.id
    assert await db.scalar(select(m.Category.thread_count).where(m.Category.id == category.id)
                           .execution_options(populate_existing=True)) == 2
    assert [(e.reason, e.amount) for e in await entries(db, member)] == [
        (m.CoinReason.ADJUSTMENT, 1), (m.CoinReason.REPLY, 3), (m.CoinReason.REPLY, 3), (m.CoinReason.THREAD, 5)]
    assert await balance_of(db, member) == 12
    assert await db.scalar(select(func.count()).select_from(m.Post).where(m.Post.author_id == member.id)) == 3
    await assert_balances_match_ledger(db)
