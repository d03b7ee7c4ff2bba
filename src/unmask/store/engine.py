"""Where the knowledge base lives, how to connect to it, and bringing its schema up to date.

The URL is, in order: the one given, ``UNMASK_DB``, else SQLite in the user data
directory (platformdirs). PostgreSQL URLs use psycopg 3
(``postgresql+psycopg://user@host/db``; a bare ``postgresql://`` is taken to mean it).
The Alembic migrations shipped in ``unmask/store/migrations`` run on every open, so
an upgraded unmask upgrades the database it finds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from unmask.errors import ConfigError, MissingDependencyError, StoreError

__all__ = ["create_store_engine", "default_url", "resolve_url", "upgrade"]

_MIGRATIONS = "unmask.store:migrations"


def default_url() -> str:
    """SQLite in the user data directory (created when missing)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("unmask", appauthor=False))
    return f"sqlite:///{folder / 'unmask.sqlite'}"


def resolve_url(db_url: str | None = None) -> str:
    """The URL to use: ``db_url``, else ``UNMASK_DB``, else :func:`default_url`."""
    url = db_url or os.environ.get("UNMASK_DB") or default_url()
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MB of page cache (the default is 2 MB): index pages of a large store stay
    # in memory across the many small lookups of a profile or a write.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, with SQLite set up for safe concurrent use (WAL)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"database URL {url!r} is not valid: {exc} "
            "(use sqlite:///path/to/file.sqlite or postgresql+psycopg://user@host/db)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("the PostgreSQL knowledge base", "postgres") from exc
        return create_engine(parsed, pool_recycle=1800)
    raise ConfigError(
        f"database URL {url!r} names {backend!r}; unmask stores into SQLite or PostgreSQL"
    )


def upgrade(engine: Engine) -> None:
    """Run every migration the database has not had yet (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # One migrator at a time when several processes open a fresh database.
                from sqlalchemy import text

                connection.execute(text("SELECT pg_advisory_xact_lock(7351001)"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot bring the knowledge base at {engine.url!r} up to date: {exc}"
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None when it has no schema yet)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])
