"""Reward coins: an append-only ledger, a per-member balance row kept equal to the ledger's sum
(the row that redemptions lock), the prize catalogue, redemptions and delivery addresses."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Enum, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class CoinReason(str, enum.Enum):
    """Why a ledger row was written. Earnings are positive, the rest are debits unless noted."""

    THREAD = "thread"  # a published thread's opening post
    REPLY = "reply"  # a published reply
    GURU_ANSWER = "guru_answer"
    ANSWER_ACCEPTED = "answer_accepted"  # the answerer, when the asker accepts the answer
    ACCEPTED_AN_ANSWER = "accepted_an_answer"  # the asker, for closing the question
    HELPFUL = "helpful"  # the answerer, when a member marks the answer helpful
    REVERSAL = "reversal"  # a deleted post's earnings taken back
    REDEMPTION = "redemption"
    ADJUSTMENT = "adjustment"  # by an admin, either sign, with a note
    FORFEIT = "forfeit"  # the balance at the end of a membership


EARNINGS = frozenset({CoinReason.THREAD, CoinReason.REPLY, CoinReason.GURU_ANSWER, CoinReason.ANSWER_ACCEPTED,
                      CoinReason.ACCEPTED_AN_ANSWER, CoinReason.HELPFUL})


class RedemptionStatus(str, enum.Enum):
    PENDING = "pending"
    SHIPPED = "shipped"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20)


class CoinLedgerEntry(BigIntBase):
    """One credit or debit. Rows are only ever inserted (forum.coins.service.CoinService._append);
    the ORM refuses to update or delete them and the database refuses updates (a trigger)."""

    __tablename__ = "coin_ledger"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        Index("ix_coin_ledger_user_id_id", "user_id", "id"),
        Index("ix_coin_ledger_user_created", "user_id", "created_at"),
        Index("ix_coin_ledger_post_id", "post_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[CoinReason] = mapped_column(_enum(CoinReason, "coin_reason"))
    # Where it came from: a post (threads, replies and guru answers are posts), a redemption, and
    # the admin who adjusted or the moderator whose deletion reversed it. A post is referenced by
    # id only (no foreign key), so the history outlives anything that happens to the post.
    post_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("coin_redemptions.id"), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


@event.listens_for(CoinLedgerEntry, "before_update")
@event.listens_for(CoinLedgerEntry, "before_delete")
def _ledger_is_append_only(_mapper, _connection, target: CoinLedgerEntry) -> None:
    raise RuntimeError(f"coin ledger row {target.id} is append-only")


class CoinBalance(BigIntBase):
    """A member's balance, always equal to the sum of their ledger rows: it changes only in the
    statement pair that inserts a ledger row, and it is the row a debit locks."""

    __tablename__ = "coin_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    balance: Mapped[int] = mapped_column(Integer, default=0)


class CoinPrize(BigIntAuditBase):
    __tablename__ = "coin_prizes"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    name_th: Mapped[str] = mapped_column(String(150))
    name_en: Mapped[str] = mapped_column(String(150))
    description_th: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # An https URL, or /coins/pictures/<file> for a picture uploaded into the data directory.
    picture_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    price: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_th

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_th


class CoinRedemption(BigIntBase):
    """A member's redemption: what, how many, what it cost, the balance left, and where it ships."""

    __tablename__ = "coin_redemptions"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_coin_redemptions_user_id_id", "user_id", "id"),
        Index("ix_coin_redemptions_status_id", "status", "id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    prize_id: Mapped[int] = mapped_column(ForeignKey("coin_prizes.id"))
    # The prize's names when redeemed, so history reads the same after the catalogue changes.
    prize_name_th: Mapped[str] = mapped_column(String(150))
    prize_name_en: Mapped[str] = mapped_column(String(150))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    coins_spent: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    ship_to: Mapped[str] = mapped_column(Text)  # the delivery address as it was when redeemed
    status: Mapped[RedemptionStatus] = mapped_column(_enum(RedemptionStatus, "redemption_status"),
                                                     default=RedemptionStatus.PENDING)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    shipped_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    def prize_name(self, lang: str) -> str:
        return self.prize_name_en if lang == "en" and self.prize_name_en else self.prize_name_th


class DeliveryAddress(BigIntAuditBase):
    """Where a member's prizes are sent; one per member, required before redeeming."""

    __tablename__ = "coin_addresses"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    recipient: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(Text)
    province: Mapped[str] = mapped_column(String(60))
    postal_code: Mapped[str] = mapped_column(String(5))

    def as_text(self) -> str:
        return f"{self.recipient}\n{self.address}\n{self.province} {self.postal_code}\n{self.phone}"
