"""Observables (IOCs): refanged, validated, benign noise tagged. (Filled in by issue 3.)"""

from __future__ import annotations

from unmask.model import ExtractContext, Observable

__all__ = ["extract_observables"]


def extract_observables(text: str, *, context: ExtractContext | None = None) -> list[Observable]:
    """Every observable in ``text``, in order of appearance."""
    return []
