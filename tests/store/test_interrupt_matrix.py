"""Issue 16 target: kill -9, Ctrl-C or a full disk at a random moment of creating a base
and ingesting into it never leaves a broken base, on either back-end.

A few tries of each mode here (``benchmarks/store_hostile.py --tries 100`` runs the
target's hundred per back-end): every base opens afterwards, holds only whole documents
and takes a further write. And a failure part-way through creating the schema (what a
full disk does to PostgreSQL's client) leaves no table behind on either back-end.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import event, inspect

from tests.conftest import REPO
from unmask.store import open as open_kb
from unmask.store.engine import create_store_engine, upgrade

PG_ENV = "UNMASK_TEST_POSTGRES"


def _benchmark() -> ModuleType:
    path = REPO / "benchmarks" / "store_hostile.py"
    spec = importlib.util.spec_from_file_location("store_hostile", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("store_hostile", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def child_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The children run from the tree under test."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(REPO / "src"), str(REPO), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_random_disruptions_never_break_a_base(backend: str, tmp_path: Path, child_path: None) -> None:
    bench = _benchmark()
    admin = None
    if backend == "postgresql":
        admin = os.environ.get(PG_ENV)
        if not admin:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    modes = ["kill", "int", "full"] if admin is None else ["kill", "int"]
    tallies = bench.run(bench.Backend(backend, admin, tmp_path), modes, tries=2 * len(modes), docs=3, seed=16)
    assert set(tallies) == set(modes)
    for mode, tally in tallies.items():
        assert tally.tries == 2
        assert tally.broken == 0, (mode, tally.details)
        assert tally.hit >= 1, mode  # the disruption reached the run at least once


@pytest.mark.parametrize("fail_at", [3, 20, 50])
def test_a_creation_failing_part_way_leaves_no_table(db_url: str, fail_at: int) -> None:
    engine = create_store_engine(db_url)
    seen = [0]

    def boom(*_args: object) -> None:
        seen[0] += 1
        if seen[0] == fail_at:
            raise OSError(28, "No space left on device")

    event.listen(engine, "before_cursor_execute", boom)
    with pytest.raises(OSError):
        upgrade(engine)
    event.remove(engine, "before_cursor_execute", boom)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    engine.dispose()
    with open_kb(db_url) as kb:
        assert kb.stats()["documents"] == 0
