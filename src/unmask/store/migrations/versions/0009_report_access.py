"""Report owners and RED audiences (``report_access``), and the organisation of a token.

``report_access`` holds, per report sha256, the organisation that owns it (None: the
server's own) and the token names a RED report is for (None: every reader of the
organisation cleared for RED); see ``unmask.store.access``. ``serve_tokens.org`` is the
organisation of a token (None: the server's). Nothing to backfill: every report and
token so far belongs to the server's organisation, as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_access",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("org", sa.String(100), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_report_access"),
    )
    with op.batch_alter_table("serve_tokens") as batch:
        batch.add_column(sa.Column("org", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("serve_tokens") as batch:
        batch.drop_column("org")
    op.drop_table("report_access")
