from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"


def fixture(name: str) -> Path:
    """A fixture file under tests/fixtures/documents."""
    return DOCS / name
