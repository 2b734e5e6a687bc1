"""merge feature branches

Revision ID: 0009
Revises: 0002, 0003, 0004, 0005, 0006, 0007, 0008
Create Date: 2026-11-22 04:07:23.229360
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = ('0002', '0003', '0004', '0005', '0006', '0007', '0008')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
