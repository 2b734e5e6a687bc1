"""The coin rules read along with the posting check (h-pgwrite2): a published post's earning uses
them without a statement of its own, but only inside the transaction that read them, and never
after the rules were changed in that transaction; a later transaction reads the rules again."""

from __future__ import annotations

from sqlalchemy import event

import models as m
from forum.coins.service import RULE_LABELS, RULES_READ_AHEAD, CoinService
from forum.services import membership
from forum.services.posting import PostingService

from .conftest import NOW, assert_balances_match_ledger, balance_of, set_rules


def _rules_statements(db) -> list[str]:
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        if " ".join(statement.split()).startswith("SELECT site_settings.value FROM site_settings"):
            seen.append(statement)  # a statement of its own for the rules (a round trip on PostgreSQL)

    event.listen(db.bind.sync_engine, "before_cursor_execute", before)
    return seen


async def test_a_reply_reads_the_coin_rules_once_and_earns_by_them(db, settings, member, other_member, category,
                                                                  frozen_clock):
    await set_rules(db, reply=4)
    posting = PostingService(db, settings)
    thread, _ = await posting.create_thread(member, category_id=category.id, title="Aircon smells", body="musty")
    await db.commit()
    seen = _rules_statements(db)
    await posting.create_reply(other_member, thread_id=thread.id, body="Change the cabin filter")
    await db.commit()
    assert seen == []  # read with the posting check's statement, none of their own
    assert await balance_of(db, other_member) == 4
    await assert_balances_match_ledger(db)


async def test_rules_kept_from_an_earlier_transaction_are_not_used(db, session_maker, member, category, frozen_clock):
    await set_rules(db, reply=2)
    await membership.check_posting(db, member, category.id, NOW)  # keeps reply=2 with this transaction
    assert RULES_READ_AHEAD in db.info
    await db.commit()
    async with session_maker() as other:  # an admin changes the rules meanwhile
        await set_rules(other, reply=9)
    assert (await CoinService(db).rules()).reply == 9
    assert RULES_READ_AHEAD not in db.info  # used once at most


async def test_rules_changed_in_the_same_transaction_are_not_taken_from_the_read_ahead(db, member, category,
                                                                                      frozen_clock):
    rules_now = await set_rules(db, reply=2)
    await membership.check_posting(db, member, category.id, NOW)
    await CoinService(db).save_rules({**{k: getattr(rules_now, k) for k in RULE_LABELS}, "reply": 11})
    assert (await CoinService(db).rules()).reply == 11
    await db.rollback()


async def test_a_held_reply_leaves_no_read_ahead_that_a_later_approval_would_use(db, session_maker, settings, member,
                                                                                other_member, admin, category,
                                                                                frozen_clock):
    class HoldEverything:
        async def before_save(self, session, draft):
            draft.visibility = m.Visibility.HELD

        async def after_save(self, session, draft, post):
            return None

    await set_rules(db, reply=3)
    thread, _ = await PostingService(db, settings).create_thread(member, category_id=category.id, title="Tyres",
                                                                 body="Which brand?")
    await db.commit()
    reply = await PostingService(db, settings, hooks=[HoldEverything()]).create_reply(
        other_member, thread_id=thread.id, body="Michelin")
    await db.commit()  # held: no earning, the rules read with the posting check stay unused
    async with session_maker() as other:
        await set_rules(other, reply=8)
    await PostingService(db, settings).set_visibility(reply, m.Visibility.PUBLISHED, actor=admin)
    await db.commit()
    assert await balance_of(db, other_member) == 8  # the rules in force at the approval
    await assert_balances_match_ledger(db)
