"""Store fixtures: every test that takes ``kb`` or ``db_url`` runs on SQLite and on PostgreSQL.

The PostgreSQL variant needs ``UNMASK_TEST_POSTGRES`` (``.ci/run`` sets it to a
throwaway server); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from unmask.store import KnowledgeBase
from unmask.store import open as open_kb

PG_ENV = "UNMASK_TEST_POSTGRES"


def _postgres_base() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host:port/db "
                    "(.ci/run starts a throwaway server and sets it)")
    return url


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[object]:
    url = _postgres_base()
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    yield engine
    engine.dispose()


def _pg_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each back-end."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kb.sqlite'}"
        return
    from sqlalchemy import text

    admin = request.getfixturevalue("_pg_admin")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_url(_postgres_base(), schema)
    finally:
        with admin.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def kb(db_url: str) -> Iterator[KnowledgeBase]:
    store = open_kb(db_url)
    yield store
    store.close()
