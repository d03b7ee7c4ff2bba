"""Learned aliases counted per actor; alias-claim indexes for per-actor lookups.

``actor_stats`` gains kind ``alias`` (key: the claimed name's normal form and the
relation, joined by U+001F; reports: how many documents claim it for the actor), so an
actor profile reads its learned aliases from bounded counters instead of grouping every
claim. Two indexes on ``alias_claims`` replace the one on ``actor_id``: one orders an
alias's claims by document (its latest sources), one finds its spelling (``min(name)``)
from the index alone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_alias_claims_actor_id_norm_relation_document_id",
        "alias_claims",
        ["actor_id", "norm", "relation", "document_id"],
    )
    op.create_index(
        "ix_alias_claims_actor_id_norm_relation_name",
        "alias_claims",
        ["actor_id", "norm", "relation", "name"],
    )
    op.drop_index("ix_alias_claims_actor_id", table_name="alias_claims")
    separator = "char(31)" if op.get_bind().dialect.name == "sqlite" else "chr(31)"
    op.execute(_BACKFILL.replace("SEPARATOR", separator))


_BACKFILL = (
    "INSERT INTO actor_stats (actor_id, kind, key, reports, mentions) "
    "SELECT actor_id, 'alias', substr(norm || SEPARATOR || relation, 1, 1000), "
    "count(DISTINCT document_id), count(*) FROM alias_claims "
    "WHERE actor_id IS NOT NULL AND actor_id <> '' "
    "GROUP BY actor_id, norm, relation"
)


def downgrade() -> None:
    op.execute("DELETE FROM actor_stats WHERE kind = 'alias'")
    op.create_index("ix_alias_claims_actor_id", "alias_claims", ["actor_id"])
    op.drop_index("ix_alias_claims_actor_id_norm_relation_name", table_name="alias_claims")
    op.drop_index(
        "ix_alias_claims_actor_id_norm_relation_document_id", table_name="alias_claims"
    )
