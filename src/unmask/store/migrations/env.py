"""Alembic environment for the knowledge base.

unmask runs these migrations itself when a knowledge base is opened
(:func:`unmask.store.engine.upgrade`), passing the open connection in
``config.attributes["connection"]``; there is no alembic.ini to edit.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from unmask.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        version_table_schema=None,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("no connection or sqlalchemy.url given to the migrations")
        engine = create_engine(url)
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
        return
    _run(connection)


if context.is_offline_mode():
    raise RuntimeError("unmask's knowledge-base migrations run online only")
run_migrations_online()
