"""What duplicate detection keeps in the database besides the threads themselves."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntBase, orm_registry
from .thread import Thread

# Each server process keeps its duplicate index fresh by reading the threads whose indexed
# content changed since its last look (`content_changed_at >= watermark`), before every query.
# (Until revision 0016_newthread it read `updated_at`, through an index that every reply had to
# update; nothing reads threads by `updated_at` now, so that index is gone.)
Index("ix_threads_content_changed_at", Thread.__table__.c.content_changed_at)


class DuplicateAnswerMark(BigIntBase):
    """Whether a thread has an answer (and an accepted one), as Ask Guru reports through its
    events, so similar-thread suggestions can show the mark without reading Ask Guru's tables."""

    __tablename__ = "duplicate_answer_marks"

    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    answered_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    accepted_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), nullable=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


@orm_registry.mapped
class ThreadAnalysis:
    """The duplicate analysis of a thread's title and opening post as the process that saved the
    text computed it (revision 0017_thread_analysis): written in the same transaction as the new
    thread (and again by an edit of it), so the other server processes' catch-ups add the thread to
    their indexes from it instead of analysing the text again. `analyzer` is the version of the
    analysis (`forum.duplicates.snapshot.analyzer_version`, the snapshot's); `data` is
    `forum.duplicates.stored.encode`'s bytes, which also carry a digest of the text analysed. A row
    of another version, or whose digest does not match the thread's text, is not used: the text is
    analysed then, as before."""

    __tablename__ = "thread_analyses"

    # INTEGER on SQLite: the table's rowid, no second index
    thread_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                           ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    analyzer: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)
