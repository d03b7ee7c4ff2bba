"""Output formats for analyses: each takes the analyses and returns the text to print.

Later stages register their writers here (STIX, MISP, Navigator, Markdown, CSV).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from unmask.model import SCHEMA_VERSION, Analysis

__all__ = ["ANALYSIS_FORMATS", "to_json", "to_jsonl"]


def _dumps(value: object, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)


def to_json(analyses: Sequence[Analysis]) -> str:
    """One analysis: its object; several: {"schema", "analyses": [...]}."""
    if len(analyses) == 1:
        return _dumps(analyses[0].to_dict())
    return _dumps({"schema": SCHEMA_VERSION, "analyses": [a.to_dict() for a in analyses]})


def to_jsonl(analyses: Sequence[Analysis]) -> str:
    """One analysis object per line."""
    return "\n".join(_dumps(a.to_dict(), indent=None) for a in analyses)


#: Format name -> writer. "text" is rendered by rich in the command itself.
ANALYSIS_FORMATS: dict[str, Callable[[Sequence[Analysis]], str]] = {
    "json": to_json,
    "jsonl": to_jsonl,
}
