"""Initial schema: documents, typed findings, per-actor tables and full-text search.

Full-text search is dialect-specific: an external-content FTS5 table on SQLite, a
generated, GIN-indexed ``tsvector`` column on PostgreSQL (over the first 500,000
characters of the text, which keeps each vector under PostgreSQL's 1 MB limit).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actor_stats",
        sa.Column("actor_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor_id", "kind", "key", name=op.f("pk_actor_stats")),
    )
    with op.batch_alter_table("actor_stats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actor_stats_actor_id_kind_reports"),
            ["actor_id", "kind", "reports"],
            unique=False,
        )

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analysis_schema", sa.Integer(), nullable=False),
        sa.Column("analyzer", sa.String(length=64), nullable=False),
        sa.Column("reference_versions", sa.JSON(), nullable=False),
        sa.Column("actor_summary", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["documents.id"],
            name=op.f("fk_documents_parent_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_documents_sha256")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_source"), ["source"], unique=False)

    op.create_table(
        "actor_mentions",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("norm", sa.String(length=256), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_actor_mentions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_mentions")),
    )
    with op.batch_alter_table("actor_mentions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actor_mentions_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_actor_mentions_norm"), ["norm"], unique=False)

    op.create_table(
        "alias_claims",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("norm", sa.String(length=256), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=128), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_alias_claims_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias_claims")),
    )
    with op.batch_alter_table("alias_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alias_claims_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_alias_claims_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alias_claims_norm"), ["norm"], unique=False)

    op.create_table(
        "attributions",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("actor_ids", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_attributions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attributions")),
    )
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attributions_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "actors",
        sa.Column("actor_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("actor_id", name=op.f("pk_actors")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_reports"), ["reports"], unique=False)

    op.create_table(
        "document_actors",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("norm", sa.String(length=256), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_actors_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "actor_id", name=op.f("pk_document_actors")),
    )
    with op.batch_alter_table("document_actors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_actors_actor_id_published"),
            ["actor_id", "published"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_document_actors_norm"), ["norm"], unique=False)

    op.create_table(
        "events",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("precision", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("date_surface", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("actor_ids", sa.JSON(), nullable=False),
        sa.Column("target_values", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_events_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_document_id"), ["document_id"], unique=False)

    op.create_table(
        "malware",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("malware_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_malware_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_malware")),
    )
    with op.batch_alter_table("malware", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_malware_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_malware_malware_id"), ["malware_id"], unique=False)

    op.create_table(
        "observables",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("benign_reasons", sa.JSON(), nullable=False),
        sa.Column("indicator", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_observables_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observables")),
    )
    with op.batch_alter_table("observables", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observables_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_observables_value"), ["value"], unique=False)

    op.create_table(
        "targets",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("surface", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_targets_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_document_id"), ["document_id"], unique=False)

    op.create_table(
        "techniques",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("technique_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tactics", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_techniques_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_techniques")),
    )
    with op.batch_alter_table("techniques", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_techniques_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_techniques_technique_id_document_id"),
            ["technique_id", "document_id"],
            unique=False,
        )

    op.create_table(
        "event_actors",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=128), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_event_actors_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_actors_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "actor_id", name=op.f("pk_event_actors")),
    )
    with op.batch_alter_table("event_actors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_actors_actor_id_start_date"),
            ["actor_id", "start_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_event_actors_document_id"), ["document_id"], unique=False
        )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
            "content_rowid='id', tokenize='porter unicode61')"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', left(text, 500000)), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_documents_search ON documents USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
    with op.batch_alter_table("event_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_actors_document_id"))
        batch_op.drop_index(batch_op.f("ix_event_actors_actor_id_start_date"))

    op.drop_table("event_actors")
    with op.batch_alter_table("techniques", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_techniques_technique_id_document_id"))
        batch_op.drop_index(batch_op.f("ix_techniques_document_id"))

    op.drop_table("techniques")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targets_document_id"))

    op.drop_table("targets")
    with op.batch_alter_table("observables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observables_value"))
        batch_op.drop_index(batch_op.f("ix_observables_document_id"))

    op.drop_table("observables")
    with op.batch_alter_table("malware", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_malware_malware_id"))
        batch_op.drop_index(batch_op.f("ix_malware_document_id"))

    op.drop_table("malware")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_document_id"))

    op.drop_table("events")
    with op.batch_alter_table("document_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_actors_norm"))
        batch_op.drop_index(batch_op.f("ix_document_actors_actor_id_published"))

    op.drop_table("document_actors")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_reports"))

    op.drop_table("actors")
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attributions_document_id"))

    op.drop_table("attributions")
    with op.batch_alter_table("alias_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alias_claims_norm"))
        batch_op.drop_index(batch_op.f("ix_alias_claims_document_id"))
        batch_op.drop_index(batch_op.f("ix_alias_claims_actor_id"))

    op.drop_table("alias_claims")
    with op.batch_alter_table("actor_mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_mentions_norm"))
        batch_op.drop_index(batch_op.f("ix_actor_mentions_document_id"))

    op.drop_table("actor_mentions")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_source"))
        batch_op.drop_index(batch_op.f("ix_documents_published"))
        batch_op.drop_index(batch_op.f("ix_documents_parent_id"))

    op.drop_table("documents")
    with op.batch_alter_table("actor_stats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_stats_actor_id_kind_reports"))

    op.drop_table("actor_stats")
