"""Sign-in sessions and upload holds in the base (every server process shares them), and
the report a sighting came from.

``serve_sessions`` keeps one row per web sign-in: the SHA-256 of the session id (the
cookie's value is never stored), the stored token's key id (or, for the server's own
``--token``, a tag derived from it), the CSRF token and the times. ``serve_uploads``
keeps an uploaded file until its ingest button is pressed, for its owner. ``serve_keys``
holds the random key the CSRF tokens of header-authenticated callers are derived from.

``sightings.sha256`` is the report that reported a sighting (``""`` for local ones), so
that its owner and RED audience decide who sees it; it joins the folding key, and
``ix_sightings_scope`` finds a level's reports fast. Rows recorded before have ``""``:
the level alone decides for them, as before (every report then was the server's own).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_KEY = ["value", "type", "kind", "source", "ref", "day"]


def upgrade() -> None:
    op.drop_index("uq_sightings_key", table_name="sightings")
    with op.batch_alter_table("sightings") as batch:
        batch.add_column(sa.Column("sha256", sa.String(64), nullable=False, server_default=""))
    op.create_index("uq_sightings_key", "sightings", [*_KEY, "sha256"], unique=True)
    op.create_index("ix_sightings_scope", "sightings", ["tlp", "sha256"])
    op.create_table(
        "serve_sessions",
        sa.Column("sid_hash", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("server_tag", sa.String(64), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid_hash", name="pk_serve_sessions"),
    )
    op.create_index("ix_serve_sessions_expires_at", "serve_sessions", ["expires_at"])
    op.create_table(
        "serve_uploads",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_serve_uploads"),
    )
    op.create_index("ix_serve_uploads_expires_at", "serve_uploads", ["expires_at"])
    op.create_table(
        "serve_keys",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_serve_keys"),
    )


def downgrade() -> None:
    op.drop_table("serve_keys")
    op.drop_table("serve_uploads")
    op.drop_table("serve_sessions")
    op.drop_index("ix_sightings_scope", table_name="sightings")
    op.drop_index("uq_sightings_key", table_name="sightings")
    with op.batch_alter_table("sightings") as batch:
        batch.drop_column("sha256")
    op.create_index("uq_sightings_key", "sightings", _KEY, unique=True)
