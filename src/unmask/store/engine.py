"""Where the knowledge base lives, how to connect to it, and bringing its schema up to date.

The URL is, in order: the one given, ``UNMASK_DB``, else SQLite in the user data
directory (platformdirs). PostgreSQL URLs use psycopg 3
(``postgresql+psycopg://user@host/db``; a bare ``postgresql://`` is taken to mean it).
The Alembic migrations shipped in ``unmask/store/migrations`` run when a base is opened
and is not at the newest revision, so an upgraded unmask upgrades the database it finds.

Creating or upgrading a schema is one transaction under a lock (``BEGIN IMMEDIATE`` on
SQLite, an advisory lock on PostgreSQL): a process killed, interrupted or out of disk
while it creates a base leaves no half schema, and several processes opening a new base
at once wait for the first one. A base already at the newest revision is not locked at
all, so a SQLite file the user may not write is opened read-only and can be read.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from unmask.errors import ConfigError, MissingDependencyError, StoreError

__all__ = [
    "create_store_engine", "current_revision", "default_url", "head_revision", "is_read_only",
    "resolve_url", "sqlite_is_read_only", "upgrade",
]

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
    # The busy timeout first: switching a new file to WAL takes a lock that another
    # process opening the same new file may hold.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # 64 MB of page cache (the default is 2 MB): index pages of a large store stay
    # in memory across the many small lookups of a profile or a write.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def sqlite_is_read_only(database: str) -> bool:
    """True when the SQLite file ``database`` exists and this process may not write it."""
    path = Path(database).expanduser()
    return path.exists() and not os.access(path, os.W_OK)


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, with SQLite set up for safe concurrent use (WAL).

    An existing SQLite file this process may not write, or a URL ending in ``?mode=ro``
    (``sqlite:///kb.sqlite?mode=ro``), is opened read-only: it can be queried, and
    writing to it raises a clear error.
    """
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
        read_only = parsed.query.get("mode") == "ro"
        if database and database != ":memory:" and (read_only or sqlite_is_read_only(database)):
            target = Path(database).expanduser().resolve()
            if not target.is_file():
                raise StoreError(f"knowledge base {target} does not exist (asked to open it "
                                 "read-only, so it is not created)")
            engine = create_engine(parsed.set(database=f"file:{target}",
                                              query={"mode": "ro", "uri": "true"}))
            event.listen(engine, "connect", _sqlite_read_only_pragmas)
            return engine
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


def is_read_only(engine: Engine) -> bool:
    """True for a SQLite base opened read-only (see :func:`create_store_engine`)."""
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def _config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    return config


@functools.cache
def head_revision() -> str:
    """The newest schema revision this unmask ships (read once per process)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None  # the package ships at least one migration
    return head


def upgrade(engine: Engine, *, where: str | None = None) -> None:
    """Run every migration the database has not had yet (idempotent).

    Nothing is locked or written when the base is already at the newest revision. A
    new or older base is migrated in one transaction under a lock, so a kill or a full
    disk part-way leaves it as it was; a base left half-created by an older unmask
    (tables but no revision, every table empty) is cleared and created again.
    ``where`` names the base in messages (default: its URL without the password).
    """
    label = where or engine.url.render_as_string(hide_password=True)
    head = head_revision()
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the knowledge base at {label}: {exc}") from exc
    if current == head:
        return
    if is_read_only(engine):
        raise StoreError(
            f"the knowledge base at {label} is read-only and needs upgrading "
            f"(schema {current or 'none'}, this unmask needs {head}); open it once with write "
            "access (or work on a writable copy) so that its schema can be brought up to date"
        )
    from alembic import command

    config = _config()
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # One migrator at a time when several processes open a fresh database.
                connection.execute(text("SELECT pg_advisory_xact_lock(7351001)"))
            else:
                # pysqlite runs DDL outside any transaction unless one is begun by hand;
                # IMMEDIATE takes the write lock now, so concurrent openers queue here.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            if not inspect(connection).has_table("alembic_version"):
                _clear_half_schema(connection, label)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot bring the knowledge base at {label} up to date: {exc} "
            "(nothing was changed; free disk space or fix access and run the command again)"
        ) from exc


def _clear_half_schema(connection: Connection, label: str) -> None:
    """Drop the tables an interrupted creation by an older unmask left behind, when
    they hold nothing; a base with rows but no schema revision is not ours to touch."""
    from unmask.store.schema import Base

    ours = set(Base.metadata.tables) | {"documents_fts"}
    inspector = inspect(connection)
    present = [t for t in inspector.get_table_names() if t in ours or t.startswith("documents_fts")]
    if not present:
        return
    for table in present:
        if table.startswith("documents_fts_"):
            continue  # FTS5 shadow tables go with their virtual table
        probe = text(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608 - one of our own table names
        if connection.execute(probe).first() is not None:
            raise StoreError(
                f"the knowledge base at {label} has unmask tables but no schema revision and "
                f"table {table!r} holds rows; it was not created by this unmask. Point --db / "
                "UNMASK_DB at another file, or move this one away"
            )
    for view in inspector.get_view_names():
        if view in ours:
            connection.exec_driver_sql(f'DROP VIEW "{view}"')
    if "documents_fts" in present:
        connection.exec_driver_sql('DROP TABLE "documents_fts"')
    for table in present:
        if table != "documents_fts" and not table.startswith("documents_fts_"):
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None when it has no schema yet)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])
