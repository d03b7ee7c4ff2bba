"""Server accounts: API tokens (``serve_tokens``) and the audit trail (``serve_audit``).

A token is stored as its public key id, a per-token random salt and the scrypt hash
of its secret; the secret itself is printed once by ``unmask token add`` and never
kept. The audit trail is written by ``unmask serve`` (inserts only): who (token name),
when, what (method, route, status, the restricted reports or actors served), from
where. Nothing to backfill.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "serve_tokens",
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("max_tlp", sa.String(16), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name="pk_serve_tokens"),
    )
    op.create_index("ix_serve_tokens_name", "serve_tokens", ["name"])
    op.create_table(
        "serve_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("route", sa.String(500), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=True),
        sa.Column("objects", sa.JSON(), nullable=False),
        sa.Column("client", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_serve_audit"),
    )
    op.create_index("ix_serve_audit_at", "serve_audit", ["at"])
    op.create_index("ix_serve_audit_token", "serve_audit", ["token"])


def downgrade() -> None:
    op.drop_table("serve_audit")
    op.drop_table("serve_tokens")
