"""duplicates: thread_analyses, the duplicate analysis a new thread's process already computed

Revision ID: 0017_thread_analysis
Revises: 0016_newthread
Create Date: 2026-12-05 16:00:00

On a server of several processes every new thread's text was analysed once by the process that
saved it (its duplicate check) and once more by each other process's catch-up, which reads the
new row and analyses its title and body to add it to that process's index (Thai segmentation: a
few milliseconds a thread, on that process's event loop). The saving process now keeps its
analysis in this table, in the thread's own transaction, and the catch-ups decode it instead when
it is of their analyser version and of the thread's current text (`forum.duplicates.stored`).

Existing threads get no row: their analysis is computed from the text, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_thread_analysis"
down_revision = "0016_newthread"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thread_analyses",
        sa.Column("thread_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("analyzer", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_thread_analyses_thread_id_threads"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_thread_analyses")),
    )


def downgrade() -> None:
    op.drop_table("thread_analyses")
