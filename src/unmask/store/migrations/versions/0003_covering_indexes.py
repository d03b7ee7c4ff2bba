"""Covering indexes for the per-actor reads of a profile.

An actor profile reads its counters (``actor_stats``), its timeline (``event_actors``)
and the technique mentions of its reports (``techniques``, for evidence) as index
ranges; with the columns it needs in the index, those reads stay on a few adjacent
index pages instead of one table row per entry (rows of one actor are spread over the
whole table, and technique rows carry their evidence quote). Looking an actor up by
name reads (name, actor) pairs from indexes alone. Each new index replaces the
narrower one it extends.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_actor_stats_actor_id_kind_reports_key_mentions",
        "actor_stats",
        ["actor_id", "kind", "reports", "key", "mentions"],
    )
    op.drop_index("ix_actor_stats_actor_id_kind_reports", table_name="actor_stats")
    op.create_index(
        "ix_event_actors_actor_id_start_date_event_id_document_id",
        "event_actors",
        ["actor_id", "start_date", "event_id", "document_id"],
    )
    op.drop_index("ix_event_actors_actor_id_start_date", table_name="event_actors")
    op.create_index(
        "ix_techniques_document_id_technique_id_confidence_id",
        "techniques",
        ["document_id", "technique_id", "confidence", "id"],
    )
    op.drop_index("ix_techniques_document_id", table_name="techniques")
    for table in _NAMED:
        op.create_index(f"ix_{table}_norm_actor_id", table, ["norm", "actor_id"])
        op.drop_index(f"ix_{table}_norm", table_name=table)


_NAMED = ("actor_mentions", "alias_claims", "document_actors")


def downgrade() -> None:
    for table in _NAMED:
        op.create_index(f"ix_{table}_norm", table, ["norm"])
        op.drop_index(f"ix_{table}_norm_actor_id", table_name=table)
    op.create_index("ix_techniques_document_id", "techniques", ["document_id"])
    op.drop_index("ix_techniques_document_id_technique_id_confidence_id",
                  table_name="techniques")
    op.create_index("ix_event_actors_actor_id_start_date", "event_actors",
                    ["actor_id", "start_date"])
    op.drop_index("ix_event_actors_actor_id_start_date_event_id_document_id",
                  table_name="event_actors")
    op.create_index("ix_actor_stats_actor_id_kind_reports", "actor_stats",
                    ["actor_id", "kind", "reports"])
    op.drop_index("ix_actor_stats_actor_id_kind_reports_key_mentions",
                  table_name="actor_stats")
