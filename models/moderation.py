"""The moderation queue: one review item per post under review (whatever raised it: the
classifier or members' reports), the reports themselves, a history table that doubles as the
audit log, and the admins' decisions kept as labelled examples for retraining."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase


class ReviewStatus(str, enum.Enum):
    OPEN = "open"
    APPROVED = "approved"  # a false positive (or edited, then approved): the post is published
    DELETED = "deleted"  # the post broke a rule and was removed


class ReviewItem(BigIntAuditBase):
    """A post waiting for (or given) an admin's decision. At most one open item per post: a
    second flag or report raises the open item's priority instead of adding another. `version`
    makes two admins acting at once a conflict rather than a double action."""

    __tablename__ = "moderation_items"
    __table_args__ = (
        Index("uq_moderation_items_open_post", "post_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_moderation_items_status_priority", "status", "priority", "created_at"),
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(
        Enum(ReviewStatus, name="review_status", native_enum=False, values_callable=lambda e: [x.value for x in e],
             length=20),
        default=ReviewStatus.OPEN,
    )
    priority: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # raised by the classifier
    held: Mapped[bool] = mapped_column(Boolean, default=False)  # the classifier hid the post
    scores: Mapped[dict] = mapped_column(JsonB, default=dict)  # label -> probability, latest text
    # Labels at or above their flag threshold, space-separated and space-padded (" profanity trading ")
    # so a filter is a portable LIKE.
    labels: Mapped[str] = mapped_column(String(200), default=" ")
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    model_version: Mapped[str | None] = mapped_column(String(60), nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    rule: Mapped[str | None] = mapped_column(String(30), nullable=True)  # the rule broken, on deletion
    # A suspension this item caused, so approving the item can lift exactly that suspension.
    suspended_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    # Bumped by every admin action and every edit of the post; an action names the version it
    # saw and is refused (409) if the item moved on (moderation.queue.claim).
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def label_list(self) -> list[str]:
        return self.labels.split()


class Report(BigIntAuditBase):
    """A member's report that a post breaks a rule. One per member and post."""

    __tablename__ = "moderation_reports"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_items.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class ReviewHistory(BigIntBase):
    """Every event on a review item and every moderation action (who, what, when, before and
    after); read by admins as the audit log. Rows outlive the items and posts they describe."""

    __tablename__ = "moderation_history"
    __table_args__ = (Index("ix_moderation_history_created", "created_at", "id"),)

    item_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_items.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    action: Mapped[str] = mapped_column(String(30))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), nullable=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    before: Mapped[dict] = mapped_column(JsonB, default=dict)
    after: Mapped[dict] = mapped_column(JsonB, default=dict)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))


class ModerationDecision(BigIntAuditBase):
    """An admin's decision on a post as a labelled example: the text and the labels decided
    ([] for approved). The latest decision on an item replaces an earlier one."""

    __tablename__ = "moderation_decisions"

    item_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_items.id", ondelete="SET NULL"),
                                                nullable=True, unique=True)
    decision: Mapped[str] = mapped_column(String(20))  # "approved" | "deleted"
    rule: Mapped[str | None] = mapped_column(String(30), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    labels: Mapped[list] = mapped_column(JsonB, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
