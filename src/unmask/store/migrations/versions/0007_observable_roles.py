"""Observable roles: each stored observable keeps its ``role`` (indicator, reference,
benign) and the ``reasons`` for it, so an analysis read back from the base is the one
that was stored (an indicator's evidence such as ``attacker-use-stated`` was lost, and a
reference could only be told from a benign value by its reason codes).

Rows written before this revision get their role from what they kept: an indicator
stays one; a non-indicator is a reference when its reasons name a cited source, else
benign; their reasons are their benign reasons.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observables") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=True))
        batch.add_column(sa.Column("reasons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observables") as batch:
        batch.drop_column("reasons")
        batch.drop_column("role")
