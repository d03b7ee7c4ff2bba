"""When the TAXII server first served each version of each object (``taxii_added``).

A TAXII collection is rebuilt from the knowledge base whenever a report about its
actor changes; to give every object its own ``date_added`` that survives rebuilds,
restarts and other server processes, the server records, per TLP ceiling, collection,
object id, version and content digest, the time that version was first served (the
digest: an object whose content changed under the same ``modified`` counts as new).
Nothing to backfill: a version not recorded yet is recorded the first time it is served.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxii_added",
        sa.Column("max_tlp", sa.String(16), nullable=False),
        sa.Column("collection", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(300), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("date_added", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("max_tlp", "collection", "object_id", "version", "digest",
                                name="pk_taxii_added"),
    )


def downgrade() -> None:
    op.drop_table("taxii_added")
