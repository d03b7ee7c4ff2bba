"""Sightings: what was learned about an indicator after it was reported.

One row per indicator (type, value), kind (seen, false-positive, expiration), source,
outside id and day, with a count and the first and last time within that day: a sweep
that hits a domain 10,000 times in one log on one day adds one row. The table is not
tied to any document, so re-ingesting or replacing a report keeps its indicators'
sightings. ``tlp`` is the marking of the document that reported a sighting (``clear``
for local ones). Nothing to backfill.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("ref", sa.String(300), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sightings"),
    )
    op.create_index("uq_sightings_key", "sightings",
                    ["value", "type", "kind", "source", "ref", "day"], unique=True)
    op.create_index("ix_sightings_recorded_at", "sightings", ["recorded_at"])


def downgrade() -> None:
    op.drop_table("sightings")
