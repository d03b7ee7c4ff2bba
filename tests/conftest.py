"""Shared fixtures. Tests that read ../shared are marked ``shared`` and skip cleanly
when it is absent (a user's checkout has no ../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("UNMASK_SHARED", REPO.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is absent ({path} not found)")
    return path


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's knowledge base out of the user's data directory."""
    if "UNMASK_DB" not in os.environ:
        db = tmp_path_factory.mktemp("db") / "unmask.sqlite"
        monkeypatch.setenv("UNMASK_DB", f"sqlite:///{db}")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return shared_path("seed", "kimsuky-sanctions-article.txt").read_text(encoding="utf-8")
