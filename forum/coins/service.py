"""Reward coins: the ledger, earning rules, the prize catalogue, redemptions and shipping.

Every change to a member's coins is one ledger row written by `CoinService._append`, in the same
transaction as the matching change to that member's `coin_balances` row, so the balance always
equals the ledger's sum. Nothing here updates or deletes a ledger row, and every write acts on
one member's own account: there is no operation that moves coins between members.

Concurrency: a debit first *locks* the member's balance row (`_lock`: an UPDATE that sets the
balance to itself, which takes the row lock on PostgreSQL and the database's write lock on
SQLite, then reads the current value), and stock is taken with a conditional
`UPDATE coin_prizes SET stock = stock - :q WHERE stock >= :q`, so two members racing for the
last unit cannot both win, and the loser is refused before anything is debited.

Earning rules (amounts and the daily cap are admin settings):
- a thread or reply earns when it is published; a held post earns nothing until a moderator
  approves it, then once (a post approved again after an edit does not earn twice);
- a reply in one's own thread earns nothing (that includes answering one's own question);
- a guru answer earns the guru-answer amount on top of the reply amount; an accepted answer
  earns its answerer, and the asker earns for accepting (not when accepting their own answer);
  each helpful mark earns the answerer (not a mark on one's own answer);
- when a post is deleted, by a moderator, the system or its author, every earning tied to it
  is reversed with one debit row; deleting one's own post also takes its coins back, so posting
  and deleting cannot farm coins. A reversal never takes the balance below zero: coins already
  spent on a prize stay spent;
- the daily cap counts a member's earnings in the Bangkok calendar day; an earning that would
  pass it is cut to what is left (0 in the settings means no cap);
- when a membership ends (resigned, revoked, terminated) the balance is forfeited with one
  debit row; redemptions, shipped or not, are left as they are.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import BigInteger, Integer, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

import models as m
from models.coins import EARNINGS

from ..core_writes import adopt_row, insert_row, returned_keys
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..i18n import N_
from ..settings import Settings

SETTINGS_KEY = "coins"
BANGKOK = dt.timezone(dt.timedelta(hours=7))
ENDED = (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED)
MAX_QUANTITY = 20
MAX_AMOUNT = 1_000_000
PICTURE_DIR = "coin_pictures"
PICTURE_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")
PICTURE_MAX_BYTES = 2 * 1024 * 1024
POSTAL_CODE = re.compile(r"^\d{5}$")
PHONE = re.compile(r"^\+?[0-9 -]{9,20}$")


def clock() -> dt.datetime:
    """The time event handlers use; tests replace it to inject time."""
    return dt.datetime.now(dt.timezone.utc)


def bangkok_day(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = now.astimezone(BANGKOK)
    start = dt.datetime(local.year, local.month, local.day, tzinfo=BANGKOK)
    return start.astimezone(dt.timezone.utc), (start + dt.timedelta(days=1)).astimezone(dt.timezone.utc)


@dataclass
class CoinRules:
    """Admin-set amounts per way of earning, and the most a member may earn in a day."""

    thread: int = 5
    reply: int = 2
    guru_answer: int = 10
    answer_accepted: int = 10
    accepted_an_answer: int = 2
    helpful: int = 1
    daily_cap: int = 50

    def amount(self, reason: m.CoinReason) -> int:
        return int(getattr(self, reason.value, 0))


RULE_LABELS = {
    "thread": N_("A published thread"),
    "reply": N_("A published reply"),
    "guru_answer": N_("A guru answer"),
    "answer_accepted": N_("An answer accepted (to the answerer)"),
    "accepted_an_answer": N_("Accepting an answer (to the asker)"),
    "helpful": N_("A helpful mark received"),
    "daily_cap": N_("Daily cap per member (0 = no cap)"),
}

REASON_LABELS = {
    m.CoinReason.THREAD: N_("Thread posted"),
    m.CoinReason.REPLY: N_("Reply posted"),
    m.CoinReason.GURU_ANSWER: N_("Guru answer"),
    m.CoinReason.ANSWER_ACCEPTED: N_("Your answer was accepted"),
    m.CoinReason.ACCEPTED_AN_ANSWER: N_("You accepted an answer"),
    m.CoinReason.HELPFUL: N_("Your answer was marked helpful"),
    m.CoinReason.REVERSAL: N_("Post deleted: coins taken back"),
    m.CoinReason.REDEMPTION: N_("Prize redeemed"),
    m.CoinReason.ADJUSTMENT: N_("Adjustment by an admin"),
    m.CoinReason.FORFEIT: N_("Membership ended: balance forfeited"),
}


@dataclass(frozen=True)
class LedgerLine:
    """A ledger row and the name of who caused it (the admin who adjusted, the moderator who
    deleted the post, the member who accepted or marked the answer), if anyone."""

    entry: m.CoinLedgerEntry
    actor_name: str | None


@dataclass
class Page:
    items: list[Any]
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _page_number(value: Any) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def _int_field(value: Any, name: str, errors: dict[str, str], *, low: int, high: int, message: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = message
        return 0
    if not low <= number <= high:
        errors[name] = message
    return number


# What a member earned between day_start and day_end (a Bangkok calendar day: the daily cap's count).
# (Statements on the tables' columns, not the mapped classes': the same SQL without the ORM's
# per-execution compile state and result processing.)
_LEDGER = m.CoinLedgerEntry.__table__.c
LEDGER_KEYS = returned_keys(m.CoinLedgerEntry)
EARNED_TODAY = select(func.coalesce(func.sum(_LEDGER.amount), 0)).where(
    _LEDGER.user_id == bindparam("user_id"), _LEDGER.reason.in_(EARNINGS),
    _LEDGER.created_at >= bindparam("day_start"), _LEDGER.created_at < bindparam("day_end"),
)


# The statements of an earning (every published post runs them), built once with bound
# parameters: building and cache-keying the checks statement cost about 0.75 ms of CPU a post.
_BALANCES = m.CoinBalance.__table__
_SETTINGS = m.SiteSetting.__table__.c
RULES = select(_SETTINGS.value).where(_SETTINGS.key == bindparam("settings_key"))


def _already_credited(with_actor: bool, member: str = "user_id") -> Any:
    """EXISTS: this earning was already credited since the post's last reversal (the member bound as `member`)."""
    last_reversal = select(func.max(_LEDGER.id)).where(
        _LEDGER.user_id == bindparam(member), _LEDGER.post_id == bindparam("post_id"),
        _LEDGER.reason == m.CoinReason.REVERSAL).scalar_subquery()
    return select(_LEDGER.id).where(
        _LEDGER.user_id == bindparam(member), _LEDGER.post_id == bindparam("post_id"),
        _LEDGER.reason == bindparam("reason"),
        _LEDGER.actor_id == bindparam("actor_id") if with_actor else _LEDGER.actor_id.is_(None),
        _LEDGER.id > func.coalesce(last_reversal, 0),
    ).exists()


def _earn_checks(with_actor: bool) -> Any:
    """Whether this earning was already credited (since the post's last reversal), and what the
    member earned today: one statement, run under the balance row's lock."""
    return select(_already_credited(with_actor).label("already"), EARNED_TODAY.scalar_subquery().label("today"))


EARN_CHECKS = {False: _earn_checks(False), True: _earn_checks(True)}


def _earn_under_lock(with_actor: bool, capped: bool) -> Any:
    """PostgreSQL: `EARN_CHECKS` and `ADD_TO_BALANCE` as one statement, run under the balance row's
    lock (taken by `LOCK` in an earlier statement, so this one's snapshot sees every ledger row
    committed before the lock was ours): adds the amount, cut to what the daily cap leaves, unless
    this earning was already credited or nothing is left; returns the new balance and the amount
    added (no row: nothing was due). One round trip instead of two."""
    # (bound as `member_id`: an UPDATE of coin_balances reserves its column names as parameter names)
    already = _already_credited(with_actor, member="member_id")
    amount: Any = bindparam("amount", type_=Integer)
    if capped:
        # The amount the cap leaves, worked out once in a one-row sub-select of the UPDATE's FROM (an
        # aggregate without GROUP BY: always exactly one row). As a scalar sub-select it stood in four
        # places (SET, two conditions, RETURNING) and PostgreSQL summed the member's day four times.
        due = select(
            func.least(amount, bindparam("daily_cap", type_=Integer)
                       - func.coalesce(func.sum(_LEDGER.amount), 0)).label("amount")
        ).where(
            _LEDGER.user_id == bindparam("member_id"), _LEDGER.reason.in_(EARNINGS),
            _LEDGER.created_at >= bindparam("day_start"), _LEDGER.created_at < bindparam("day_end"),
        ).subquery("due")
        amount = due.c.amount
    # (balance + amount >= 0, written as a comparison of the balance with the sub-select's column
    # when there is one: SQLAlchemy then sees how the two meet and does not warn of a cartesian product)
    not_below_zero = _BALANCES.c.balance >= -amount if capped else _BALANCES.c.balance + amount >= 0
    return (
        update(_BALANCES).where(_BALANCES.c.user_id == bindparam("member_id"), ~already, amount > 0,
                                not_below_zero)
        .values(balance=_BALANCES.c.balance + amount).returning(_BALANCES.c.balance, amount.label("amount"))
    )


EARN_UNDER_LOCK = {(actor, capped): _earn_under_lock(actor, capped) for actor in (False, True) for capped in (False, True)}


def _earn_and_record(with_actor: bool, capped: bool) -> Any:
    """PostgreSQL: `EARN_UNDER_LOCK` and the ledger row it calls for (`_append`'s INSERT, with the
    balance and amount it returned) as one statement: the UPDATE as a data-modifying WITH, the
    INSERT taking its one row (none: nothing was credited, and no ledger row is written either).
    The INSERT reads no table, so the statement sees what `EARN_UNDER_LOCK` alone saw. Returns
    the ledger row's columns (`forum.core_writes.adopt_row`)."""
    credited = EARN_UNDER_LOCK[with_actor, capped].cte("credited")
    ledger = m.CoinLedgerEntry.__table__
    row = select(
        bindparam("member_id", type_=BigInteger), credited.c.amount, credited.c.balance,
        bindparam("reason", type_=ledger.c.reason.type), bindparam("post_id", type_=BigInteger),
        bindparam("actor_id", type_=BigInteger), bindparam("created_at", type_=ledger.c.created_at.type),
    )
    return (
        insert(ledger)
        .from_select(["user_id", "amount", "balance_after", "reason", "post_id", "actor_id", "created_at"], row)
        .returning(*ledger.c).add_cte(credited)
    )


EARN_AND_RECORD = {(actor, capped): _earn_and_record(actor, capped) for actor in (False, True) for capped in (False, True)}
# Adds to a balance unless that would take it below zero; None when refused.
ADD_TO_BALANCE = (
    update(_BALANCES).where(_BALANCES.c.user_id == bindparam("member_id"),
                            _BALANCES.c.balance + bindparam("amount") >= 0)
    .values(balance=_BALANCES.c.balance + bindparam("amount")).returning(_BALANCES.c.balance)
)
# An upsert that sets the balance to itself (see CoinService._lock), the same SQL on PostgreSQL and
# SQLite. Written as text: SQLAlchemy cannot cache a dialect `insert().on_conflict_do_update()`
# (it has no cache key), so that form was compiled again on every published post.
LOCK = text(
    "INSERT INTO coin_balances (user_id, balance) VALUES (:member_id, 0) "
    "ON CONFLICT (user_id) DO UPDATE SET balance = coin_balances.balance RETURNING coin_balances.balance"
).bindparams(bindparam("member_id", type_=BigInteger)).columns(balance=Integer)
# What a published post's earning needs to know, read before the post's INSERT (SQLite: outside the
# write lock): the coin rules, the author's balance (None: no row yet), the id of their latest
# ledger row and what they earned today. One statement.
_LAST_ENTRY = select(func.coalesce(func.max(_LEDGER.id), 0)).where(_LEDGER.user_id == bindparam("user_id"))
# The member's part of it (bound as user_id, day_start, day_end: `earning_read_params`), which a
# submit's own reads also select on SQLite (forum.services.posting), so that the earning needs no
# statement of its own (`keep_earning_read`).
EARNING_COLUMNS = (
    select(_BALANCES.c.balance).where(_BALANCES.c.user_id == bindparam("user_id")).scalar_subquery().label("balance"),
    _LAST_ENTRY.scalar_subquery().label("last_entry_id"),
    EARNED_TODAY.scalar_subquery().label("today"),
)
EARNING_PREREAD = select(RULES.scalar_subquery().label("rules"), *EARNING_COLUMNS) \
    .execution_options(sqlite_on_loop=True)  # point reads on the member's keys: no thread hop (forum.sqlite_driver)


def _credit_prepared() -> Any:
    """Adds a prepared earning to the balance, only if the member's ledger is as it was read (no
    row added since: every change to a member's coins adds one) and this post has not earned it
    yet; returns the new balance, or None when either changed (the caller then takes the full
    path). On SQLite the statement runs under the write lock, so it sees every committed row."""
    last_reversal = select(func.max(_LEDGER.id)).where(
        _LEDGER.user_id == bindparam("member_id"), _LEDGER.post_id == bindparam("post_id"),
        _LEDGER.reason == m.CoinReason.REVERSAL).scalar_subquery()
    already = select(_LEDGER.id).where(
        _LEDGER.user_id == bindparam("member_id"), _LEDGER.post_id == bindparam("post_id"),
        _LEDGER.reason == bindparam("reason"), _LEDGER.actor_id.is_(None),
        _LEDGER.id > func.coalesce(last_reversal, 0),
    ).exists()
    last_entry = select(func.coalesce(func.max(_LEDGER.id), 0)).where(_LEDGER.user_id == bindparam("member_id"))
    return (
        update(_BALANCES).where(_BALANCES.c.user_id == bindparam("member_id"),
                                last_entry.scalar_subquery() == bindparam("last_entry_id"), ~already)
        .values(balance=_BALANCES.c.balance + bindparam("amount")).returning(_BALANCES.c.balance)
    )


CREDIT_PREPARED = _credit_prepared()


@dataclass(frozen=True)
class PreparedEarning:
    """A post's earning worked out before the post is written (`CoinService.prepare_earning`):
    `amount` 0 means nothing is due (the rule pays nothing, or the daily cap is reached: today's
    earnings only grow, so that stays true)."""

    user_id: int
    reason: m.CoinReason
    amount: int
    now: dt.datetime
    last_entry_id: int


# Makes sure a member has a balance row (nothing when there is one); text for the same reason.
ENSURE_BALANCE = text(
    "INSERT INTO coin_balances (user_id, balance) VALUES (:member_id, 0) ON CONFLICT (user_id) DO NOTHING"
).bindparams(bindparam("member_id", type_=BigInteger))


# The coin rules' stored value when an earlier statement of the same transaction read it along
# (the posting check, forum.services.membership.POSTING_CHECKS): a published post's earning then
# needs no statement of its own to read them. Kept with the transaction it was read in and used
# once: a later transaction, or a second earning, reads the rules again.
RULES_READ_AHEAD = "coins.rules_read_ahead"


def keep_rules(session: AsyncSession, value: Any) -> None:
    session.info[RULES_READ_AHEAD] = (session.sync_session.get_transaction(), value)


# `EARNING_PREREAD`'s values when an earlier statement of the same transaction read them along (a
# submit's reads on SQLite: forum.services.posting), for that member and Bangkok day: the post's
# `prepare_earning` then sends no statement. Kept as the rules are (with the transaction, used
# once). Read a little earlier than `prepare_earning` would read them (before the submit's hooks
# rather than after), they are checked in the same way: `CREDIT_PREPARED` credits only if the
# member's ledger has no row added since, under the write lock; else the full path.
EARNING_READ_AHEAD = "coins.earning_read_ahead"


def earning_read_params(user_id: int, now: dt.datetime) -> dict[str, Any]:
    """The parameters of `EARNING_COLUMNS` for this member on `now`'s Bangkok day."""
    day_start, day_end = bangkok_day(now)
    return {"user_id": user_id, "day_start": day_start, "day_end": day_end}


def keep_earning_read(session: AsyncSession, user_id: int, now: dt.datetime, rules: Any, row: Any) -> None:
    """Keeps what a statement with `EARNING_COLUMNS` (bound by `earning_read_params(user_id, now)`)
    and the coin rules read, for `prepare_earning` in the same transaction."""
    session.info[EARNING_READ_AHEAD] = (session.sync_session.get_transaction(), user_id, bangkok_day(now)[0],
                                        (rules, row.balance, row.last_entry_id, row.today))


class CoinService:
    def __init__(self, session: AsyncSession, settings: Settings | None = None) -> None:
        self.session = session
        self.settings = settings

    # -- settings ------------------------------------------------------------------------
    async def rules(self) -> CoinRules:
        kept = self.session.info.pop(RULES_READ_AHEAD, None)
        if kept is not None and kept[0] is not None and kept[0] is self.session.sync_session.get_transaction():
            return self._rules_from(kept[1])
        return self._rules_from(await self.session.scalar(RULES, {"settings_key": SETTINGS_KEY}))

    @staticmethod
    def _rules_from(value: Any) -> CoinRules:
        stored = value if isinstance(value, dict) else {}
        known = {f.name for f in fields(CoinRules)}
        return CoinRules(**{k: int(v) for k, v in stored.items() if k in known and isinstance(v, int)})

    async def save_rules(self, data: dict[str, Any]) -> CoinRules:
        errors: dict[str, str] = {}
        values = {
            f.name: _int_field(data.get(f.name), f.name, errors, low=0, high=100_000,
                               message=N_("A whole number from 0 to 100,000."))
            for f in fields(CoinRules)
        }
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        self.session.info.pop(RULES_READ_AHEAD, None)  # read before this change: not to be used
        row = await self.session.scalar(select(m.SiteSetting).where(m.SiteSetting.key == SETTINGS_KEY))
        if row is None:
            self.session.add(m.SiteSetting(key=SETTINGS_KEY, value=values))
        else:
            row.value = values
        await self.session.flush()
        return CoinRules(**values)

    # -- the ledger: the only place rows are written -----------------------------------
    async def _ensure_balance_row(self, user_id: int) -> None:
        await self.session.execute(ENSURE_BALANCE, {"member_id": user_id})

    async def _lock(self, user_id: int) -> int:
        """Makes sure the member has a balance row, locks it for this transaction and returns
        the balance, in one statement (an upsert that sets the balance to itself): on PostgreSQL
        it takes the row lock (others wait until we commit); on SQLite the database's write lock,
        which serialises writers. One round trip, not two: on SQLite every statement after the
        first write is time the write lock is held for every other writer."""
        balance = await self.session.scalar(LOCK, {"member_id": user_id})
        assert balance is not None
        return int(balance)

    async def _append(
        self, user_id: int, amount: int, reason: m.CoinReason, *, now: dt.datetime, post_id: int | None = None,
        redemption_id: int | None = None, actor_id: int | None = None, note: str | None = None,
        locked: bool = False, credited: int | None = None,
    ) -> m.CoinLedgerEntry | None:
        """Adds `amount` to one member's balance and records it; refuses (returns None) when it
        would make the balance negative. Balance row and ledger row change together. `locked`:
        the caller took `_lock` in this transaction, so the balance row exists. `credited`: the
        caller added the amount already (`CREDIT_PREPARED`), this is the balance it returned."""
        if amount == 0:
            return None
        if credited is not None:
            balance: int | None = credited
        else:
            if not locked:
                await self._ensure_balance_row(user_id)
            balance = await self.session.scalar(ADD_TO_BALANCE, {"member_id": user_id, "amount": amount})
        if balance is None:
            return None
        # A prepared INSERT, not the unit of work (forum.core_writes): every published post writes one.
        return await insert_row(self.session, m.CoinLedgerEntry, user_id=user_id, amount=amount,
                                balance_after=int(balance), reason=reason, post_id=post_id,
                                redemption_id=redemption_id, actor_id=actor_id,
                                note=(note or None) and note[:500], created_at=now)

    # -- reading -------------------------------------------------------------------------
    async def balance(self, user_id: int) -> int:
        value = await self.session.scalar(select(m.CoinBalance.balance).where(m.CoinBalance.user_id == user_id))
        return int(value or 0)

    async def ledger(self, user_id: int, page: Any = 1, per_page: int = 20) -> Page:
        number = _page_number(page)
        actor = aliased(m.User, name="actor")
        rows = (await self.session.execute(
            select(m.CoinLedgerEntry, actor.display_name.label("actor_name"))
            .outerjoin(actor, actor.id == m.CoinLedgerEntry.actor_id)
            .where(m.CoinLedgerEntry.user_id == user_id)
            .order_by(m.CoinLedgerEntry.id.desc()).offset((number - 1) * per_page).limit(per_page + 1)
        )).all()
        items = [LedgerLine(row.CoinLedgerEntry, row.actor_name) for row in rows[:per_page]]
        return Page(items, number, len(rows) > per_page)

    async def earned_today(self, user_id: int, now: dt.datetime) -> int:
        day_start, day_end = bangkok_day(now)
        total = await self.session.scalar(EARNED_TODAY, {"user_id": user_id, "day_start": day_start, "day_end": day_end})
        return int(total or 0)

    # -- earning -------------------------------------------------------------------------
    async def prepare_earning(self, user: m.User, reason: m.CoinReason, now: dt.datetime) -> PreparedEarning | None:
        """The reads of a new post's earning, done before the post's INSERT so that, on SQLite, only
        writes remain under the write lock (`earn(..., prepared=)`). None: no preparation (not
        SQLite, no balance row yet, an ended membership), and `earn` takes its full path."""
        bind = self.session.bind
        if reason not in EARNINGS or user.status in ENDED or bind is None or bind.dialect.name != "sqlite":
            # (PostgreSQL locks the member's row only, so nothing waits on the reads there; and its
            # UPDATE would not see a ledger row committed while it waited for that lock.)
            return None
        day_start, day_end = bangkok_day(now)
        kept = self.session.info.pop(EARNING_READ_AHEAD, None)
        if (kept is not None and kept[0] is not None and kept[0] is self.session.sync_session.get_transaction()
                and kept[1] == user.id and kept[2] == day_start):
            rules_value, balance, last_entry_id, today = kept[3]
        else:
            row = (await self.session.execute(EARNING_PREREAD, {
                "settings_key": SETTINGS_KEY, "user_id": user.id, "day_start": day_start, "day_end": day_end,
            })).one()
            rules_value, balance, last_entry_id, today = row.rules, row.balance, row.last_entry_id, row.today
        if balance is None:
            return None
        rules = self._rules_from(rules_value)
        amount = rules.amount(reason)
        if rules.daily_cap > 0:
            amount = min(amount, rules.daily_cap - int(today or 0))
        return PreparedEarning(user.id, reason, max(amount, 0), now, int(last_entry_id))

    async def earn(
        self, user: m.User, reason: m.CoinReason, *, post_id: int, now: dt.datetime, actor_id: int | None = None,
        prepared: PreparedEarning | None = None,
    ) -> m.CoinLedgerEntry | None:
        """Credits one earning, once per (post, reason, actor) until the post's earnings are
        reversed, within the daily cap. Returns the row, or None when nothing was due.
        `prepared`: what `prepare_earning` read for this member and reason before the post was
        written; used when nothing changed the member's coins since, else the full path below."""
        if reason not in EARNINGS or user.status in ENDED:
            return None
        if prepared is not None and prepared.user_id == user.id and prepared.reason == reason and actor_id is None:
            if prepared.amount <= 0:
                return None
            balance = await self.session.scalar(CREDIT_PREPARED, {
                "member_id": user.id, "last_entry_id": prepared.last_entry_id, "post_id": post_id,
                "reason": reason, "amount": prepared.amount})
            if balance is not None:
                return await self._append(user.id, prepared.amount, reason, now=now, post_id=post_id,
                                          credited=int(balance))
        rules = await self.rules()
        amount = rules.amount(reason)
        if amount <= 0:
            return None
        await self._lock(user.id)  # from here on this member's rows cannot change under us
        day_start, day_end = bangkok_day(now)
        bind = self.session.bind
        if bind is not None and bind.dialect.name == "postgresql":  # the checks and the credit in one statement
            # The checks, the credit and its ledger row in one statement (`_append`'s row, written here).
            recorded = (await self.session.execute(EARN_AND_RECORD[actor_id is not None, rules.daily_cap > 0], {
                "member_id": user.id, "post_id": post_id, "reason": reason, "actor_id": actor_id,
                "day_start": day_start, "day_end": day_end, "amount": amount, "daily_cap": rules.daily_cap,
                "created_at": now,
            })).first()
            if recorded is None:
                return None
            return adopt_row(self.session, m.CoinLedgerEntry, LEDGER_KEYS, recorded)
        # Both checks in one statement (the write lock is held from `_lock` on).
        checks = (await self.session.execute(EARN_CHECKS[actor_id is not None], {
            "user_id": user.id, "post_id": post_id, "reason": reason, "actor_id": actor_id,
            "day_start": day_start, "day_end": day_end,
        })).one()
        if checks.already:
            return None
        if rules.daily_cap > 0:
            amount = min(amount, rules.daily_cap - int(checks.today or 0))
            if amount <= 0:
                return None
        return await self._append(user.id, amount, reason, now=now, post_id=post_id, actor_id=actor_id, locked=True)

    async def reverse_post(self, post: m.Post, *, now: dt.datetime, actor_id: int | None = None) -> m.CoinLedgerEntry | None:
        """Takes back what the post's author earned through it (as far as the balance allows)."""
        balance = await self._lock(post.author_id)
        ledger = m.CoinLedgerEntry
        net = await self.session.scalar(
            select(func.coalesce(func.sum(ledger.amount), 0)).where(
                ledger.user_id == post.author_id, ledger.post_id == post.id,
                ledger.reason.in_([*EARNINGS, m.CoinReason.REVERSAL]),
            )
        )
        debit = min(int(net or 0), balance)
        if debit <= 0:
            return None
        return await self._append(post.author_id, -debit, m.CoinReason.REVERSAL, now=now, post_id=post.id,
                                  actor_id=actor_id, locked=True)

    # -- admin adjustments and membership end --------------------------------------------
    async def adjust(self, admin: m.User, user_id: int, amount: Any, note: str, *, now: dt.datetime) -> m.CoinLedgerEntry:
        errors: dict[str, str] = {}
        value = _int_field(amount, "amount", errors, low=-MAX_AMOUNT, high=MAX_AMOUNT,
                           message=N_("Enter a whole number of coins, positive or negative."))
        if not errors and value == 0:
            errors["amount"] = N_("Enter a whole number of coins, positive or negative.")
        note = " ".join((note or "").split())
        if not 3 <= len(note) <= 500:
            errors["note"] = N_("Give the reason (3-500 characters).")
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        member = await self.session.get(m.User, user_id)
        if member is None:
            raise NotFound("Member not found.")
        if member.status in ENDED:
            raise Conflict("This membership has ended; its coins were forfeited.")
        entry = await self._append(member.id, value, m.CoinReason.ADJUSTMENT, now=now, actor_id=admin.id, note=note)
        if entry is None:
            raise ValidationFailed("The balance cannot go below zero.",
                                   field_errors={"amount": N_("The balance cannot go below zero.")})
        return entry

    async def forfeit(self, user: m.User, reason: str, *, now: dt.datetime) -> m.CoinLedgerEntry | None:
        """The membership ended: the whole balance goes, with one ledger row."""
        balance = await self._lock(user.id)
        entry = None
        if balance > 0:
            entry = await self._append(user.id, -balance, m.CoinReason.FORFEIT, now=now, note=reason, locked=True)
        if user.status == m.MemberStatus.RESIGNED:  # personal data: the address goes with the account
            address = await self.address(user.id)
            if address is not None:
                await self.session.delete(address)
                await self.session.flush()
        return entry

    # -- delivery address ----------------------------------------------------------------
    async def address(self, user_id: int) -> m.DeliveryAddress | None:
        return await self.session.scalar(select(m.DeliveryAddress).where(m.DeliveryAddress.user_id == user_id))

    async def save_address(self, user: m.User, data: dict[str, Any]) -> m.DeliveryAddress:
        clean = {key: " ".join(str(data.get(key) or "").split()) for key in ("recipient", "phone", "province", "postal_code")}
        clean["address"] = "\n".join(line.strip() for line in str(data.get("address") or "").strip().splitlines() if line.strip())
        errors: dict[str, str] = {}
        if not 2 <= len(clean["recipient"]) <= 100:
            errors["recipient"] = N_("Recipient: 2-100 characters.")
        if not PHONE.match(clean["phone"]):
            errors["phone"] = N_("Enter a phone number (digits, 9-20 characters).")
        if not 5 <= len(clean["address"]) <= 500:
            errors["address"] = N_("Address: 5-500 characters.")
        if not 2 <= len(clean["province"]) <= 60:
            errors["province"] = N_("Province: 2-60 characters.")
        if not POSTAL_CODE.match(clean["postal_code"]):
            errors["postal_code"] = N_("Postal code: 5 digits.")
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        address = await self.address(user.id) or m.DeliveryAddress(user_id=user.id)
        for key, value in clean.items():
            setattr(address, key, value)
        self.session.add(address)
        await self.session.flush()
        return address

    # -- catalogue -----------------------------------------------------------------------
    async def prizes(self, *, active_only: bool, page: Any = 1, per_page: int = 20) -> Page:
        number = _page_number(page)
        query = select(m.CoinPrize)
        if active_only:
            query = query.where(m.CoinPrize.active.is_(True))
        rows = (await self.session.scalars(
            query.order_by(m.CoinPrize.price, m.CoinPrize.id).offset((number - 1) * per_page).limit(per_page + 1)
        )).all()
        return Page(list(rows[:per_page]), number, len(rows) > per_page)

    async def prize(self, prize_id: int, *, active_only: bool) -> m.CoinPrize:
        prize = await self.session.get(m.CoinPrize, prize_id, populate_existing=True)
        if prize is None or (active_only and not prize.active):
            raise NotFound("Prize not found.")
        return prize

    async def save_prize(self, data: dict[str, Any], prize: m.CoinPrize | None = None, *,
                         picture: tuple[str, bytes] | None = None) -> m.CoinPrize:
        """Creates or updates a prize. `picture` is an uploaded file (name, bytes), stored in
        the data directory and served from /coins/pictures/<file>."""
        errors: dict[str, str] = {}
        names = {key: " ".join(str(data.get(key) or "").split()) for key in ("name_th", "name_en")}
        for key, value in names.items():
            if not 1 <= len(value) <= 150:
                errors[key] = N_("Name: 1-150 characters.")
        descriptions = {key: str(data.get(key) or "").strip() for key in ("description_th", "description_en")}
        for key, value in descriptions.items():
            if len(value) > 2000:
                errors[key] = N_("Description: at most 2,000 characters.")
        price = _int_field(data.get("price"), "price", errors, low=1, high=MAX_AMOUNT,
                           message=N_("Price: a whole number of coins, at least 1."))
        stock = _int_field(data.get("stock"), "stock", errors, low=0, high=MAX_AMOUNT,
                           message=N_("Stock: a whole number, 0 or more."))
        url = str(data.get("picture_url") or "").strip()
        if url and not (re.match(r"^https?://[^\s\"'<>]+$", url) or PICTURE_NAME.match(url.removeprefix("/coins/pictures/")))\
                or len(url) > 500:
            errors["picture_url"] = N_("Picture: a web address starting with https://, or upload a file.")
        stored_picture = None
        if picture is not None and picture[1]:
            extension = _picture_type(picture[1])
            if extension is None:
                errors["picture"] = N_("The picture must be a PNG, JPEG, GIF or WebP image.")
            elif len(picture[1]) > PICTURE_MAX_BYTES:
                errors["picture"] = N_("The picture must be at most 2 MB.")
            else:
                stored_picture = (extension, picture[1])
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        if stored_picture is not None:
            url = self._store_picture(*stored_picture)
        prize = prize or m.CoinPrize()
        prize.name_th, prize.name_en = names["name_th"], names["name_en"]
        prize.description_th, prize.description_en = descriptions["description_th"], descriptions["description_en"]
        prize.price, prize.stock, prize.picture_url = price, stock, url or None
        prize.active = str(data.get("active") or "").lower() in ("on", "true", "1", "yes")
        self.session.add(prize)
        await self.session.flush()
        return prize

    def picture_path(self, name: str) -> Path | None:
        if self.settings is None or not PICTURE_NAME.match(name):
            return None
        path = self.settings.data_dir / PICTURE_DIR / name
        return path if path.is_file() else None

    def _store_picture(self, extension: str, content: bytes) -> str:
        assert self.settings is not None
        folder = self.settings.data_dir / PICTURE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.{extension}"
        (folder / name).write_bytes(content)
        return f"/coins/pictures/{name}"

    # -- redemption ----------------------------------------------------------------------
    async def redeem(self, member: m.User, prize_id: int, quantity: Any, *, now: dt.datetime) -> m.CoinRedemption:
        """Debits the coins and takes the stock in one transaction. Refusals (no address, not
        enough coins, out of stock) happen before anything is written."""
        if member.status in ENDED:
            raise Forbidden("This membership has ended.")
        errors: dict[str, str] = {}
        count = _int_field(quantity, "quantity", errors, low=1, high=MAX_QUANTITY,
                           message=N_("Quantity: a whole number from 1 to 20."))
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        prize = await self.prize(prize_id, active_only=True)
        address = await self.address(member.id)
        if address is None:
            raise Conflict("Add your delivery address before redeeming.", code="address_required")
        price, name_th, name_en = prize.price, prize.name_th, prize.name_en
        cost = price * count
        balance = await self._lock(member.id)
        if balance < cost:
            raise Conflict("You do not have enough coins for this.", code="not_enough_coins")
        prizes = m.CoinPrize.__table__
        taken = await self.session.scalar(
            update(prizes)
            .where(prizes.c.id == prize_id, prizes.c.active.is_(True), prizes.c.stock >= count, prizes.c.price == price)
            .values(stock=prizes.c.stock - count).returning(prizes.c.stock)
        )
        if taken is None:  # nothing was changed: tell the member why
            current = (await self.session.execute(
                select(prizes.c.stock, prizes.c.price, prizes.c.active).where(prizes.c.id == prize_id))).one()
            if not current.active:
                raise NotFound("Prize not found.")
            if current.price != price:
                raise Conflict("The price of this prize has just changed. Check it and try again.", code="price_changed")
            if current.stock == 0:
                raise Conflict("Sorry, this prize is out of stock.", code="out_of_stock")
            raise Conflict("Not enough of this prize is left for that quantity.", code="not_enough_stock",
                           available=int(current.stock))
        redemption = m.CoinRedemption(
            user_id=member.id, prize_id=prize_id, prize_name_th=name_th, prize_name_en=name_en, quantity=count,
            unit_price=price, coins_spent=cost, balance_after=balance - cost, ship_to=address.as_text(),
            status=m.RedemptionStatus.PENDING, created_at=now,
        )
        self.session.add(redemption)
        await self.session.flush()
        entry = await self._append(member.id, -cost, m.CoinReason.REDEMPTION, now=now, redemption_id=redemption.id,
                                   locked=True)
        assert entry is not None and entry.balance_after == redemption.balance_after  # the balance row is locked
        return redemption

    async def redemptions(self, user_id: int, page: Any = 1, per_page: int = 20) -> Page:
        number = _page_number(page)
        rows = (await self.session.scalars(
            select(m.CoinRedemption).where(m.CoinRedemption.user_id == user_id)
            .order_by(m.CoinRedemption.id.desc()).offset((number - 1) * per_page).limit(per_page + 1)
        )).all()
        return Page(list(rows[:per_page]), number, len(rows) > per_page)

    async def all_redemptions(self, *, status: str | None = None, month: str | None = None, page: Any = 1,
                              per_page: int = 50) -> Page:
        """For admins: redemptions with their member, filtered by status and month (YYYY-MM)."""
        number = _page_number(page)
        query = (select(m.CoinRedemption, m.User.login_id, m.User.display_name, m.User.status.label("member_status"))
                 .join(m.User, m.User.id == m.CoinRedemption.user_id))
        if status in {s.value for s in m.RedemptionStatus}:
            query = query.where(m.CoinRedemption.status == m.RedemptionStatus(status))
        if month and (bounds := _month_bounds(month)):
            query = query.where(m.CoinRedemption.created_at >= bounds[0], m.CoinRedemption.created_at < bounds[1])
        rows = (await self.session.execute(
            query.order_by(m.CoinRedemption.id).offset((number - 1) * per_page).limit(per_page + 1))).all()
        return Page(list(rows[:per_page]), number, len(rows) > per_page)

    async def mark_shipped(self, admin: m.User, ids: Iterable[Any], *, now: dt.datetime) -> int:
        """Marks pending redemptions shipped, in one batch; returns how many changed."""
        wanted = sorted({int(i) for i in ids if str(i).strip().isdigit()})
        if not wanted:
            raise ValidationFailed("Choose at least one redemption.")
        result = await self.session.execute(
            update(m.CoinRedemption)
            .where(m.CoinRedemption.id.in_(wanted), m.CoinRedemption.status == m.RedemptionStatus.PENDING)
            .values(status=m.RedemptionStatus.SHIPPED, shipped_at=now, shipped_by_id=admin.id)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime] | None:
    match = re.match(r"^(\d{4})-(\d{2})$", month.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    year, mon = int(match.group(1)), int(match.group(2))
    start = dt.datetime(year, mon, 1, tzinfo=BANGKOK)
    end = dt.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=BANGKOK)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def _picture_type(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None
