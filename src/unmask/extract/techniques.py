"""ATT&CK technique mentions, one evidence sentence each. (Filled in by issue 5.)"""

from __future__ import annotations

from unmask.model import ExtractContext, TechniqueMention

__all__ = ["extract_techniques"]


def extract_techniques(
    text: str, *, context: ExtractContext | None = None
) -> list[TechniqueMention]:
    """ATT&CK techniques the text describes."""
    return []
