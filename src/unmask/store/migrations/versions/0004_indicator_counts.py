"""Each actor's number of distinct indicators, kept in ``actors.indicators``.

A profile says how many indicators an actor has besides listing the top ones; counting
its ``actor_stats`` rows grows with the actor (hundreds of thousands of rows for one
named in a third of all reports). Triggers on ``actor_stats`` keep the count: +1 when
an indicator row is inserted (an upsert that only updates an existing row fires no
INSERT trigger), -1 when one is deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER actor_stats_indicator_added AFTER INSERT ON actor_stats "
    "WHEN NEW.kind = 'indicator' BEGIN "
    "UPDATE actors SET indicators = indicators + 1 WHERE actor_id = NEW.actor_id; END",
    "CREATE TRIGGER actor_stats_indicator_removed AFTER DELETE ON actor_stats "
    "WHEN OLD.kind = 'indicator' BEGIN "
    "UPDATE actors SET indicators = indicators - 1 WHERE actor_id = OLD.actor_id; END",
)

_PG_TRIGGERS = (
    "CREATE FUNCTION unmask_count_indicators() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    "UPDATE actors SET indicators = indicators + 1 WHERE actor_id = NEW.actor_id; "
    "ELSE "
    "UPDATE actors SET indicators = indicators - 1 WHERE actor_id = OLD.actor_id; "
    "END IF; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER actor_stats_indicator_added AFTER INSERT ON actor_stats "
    "FOR EACH ROW WHEN (NEW.kind = 'indicator') EXECUTE FUNCTION unmask_count_indicators()",
    "CREATE TRIGGER actor_stats_indicator_removed AFTER DELETE ON actor_stats "
    "FOR EACH ROW WHEN (OLD.kind = 'indicator') EXECUTE FUNCTION unmask_count_indicators()",
)


def upgrade() -> None:
    op.add_column(
        "actors", sa.Column("indicators", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE actors SET indicators = (SELECT count(*) FROM actor_stats "
        "WHERE actor_stats.actor_id = actors.actor_id AND actor_stats.kind = 'indicator')"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE_TRIGGERS if sqlite else _PG_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS actor_stats_indicator_added"
               + ("" if op.get_bind().dialect.name == "sqlite" else " ON actor_stats"))
    op.execute("DROP TRIGGER IF EXISTS actor_stats_indicator_removed"
               + ("" if op.get_bind().dialect.name == "sqlite" else " ON actor_stats"))
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS unmask_count_indicators()")
    with op.batch_alter_table("actors") as batch_op:
        batch_op.drop_column("indicators")
