"""duplicates: answer marks for suggestions, index on threads.updated_at for the index sync

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 02:57:07.713316
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duplicate_answer_marks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('answered_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('accepted_post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('accepted_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_post_id'], ['posts.id'], name=op.f('fk_duplicate_answer_marks_accepted_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_duplicate_answer_marks_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_answer_marks')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_duplicate_answer_marks_thread_id'))
    )
    # Not batch mode: recreating "threads" on SQLite would drop the full-text triggers of 0001.
    op.create_index('ix_threads_updated_at', 'threads', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_threads_updated_at', table_name='threads')
    op.drop_table('duplicate_answer_marks')
