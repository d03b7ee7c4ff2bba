"""Output formats for analyses: each takes the analyses and returns the text to print.

``json``/``jsonl`` are the stable analysis shape; ``stix``, ``misp``, ``navigator``,
``markdown`` and ``csv`` are the writers of :mod:`unmask.export`. Every one of them is
marked TLP:CLEAR unless ``UNMASK_TLP`` names another TLP 2.0 level.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence

from unmask.model import SCHEMA_VERSION, Analysis

__all__ = ["ANALYSIS_FORMATS", "default_tlp", "to_json", "to_jsonl"]


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


def default_tlp() -> str:
    """The TLP 2.0 level for STIX and MISP output: ``UNMASK_TLP``, else clear."""
    return os.environ.get("UNMASK_TLP", "").strip() or "clear"


# The writers import stix2 / PyMISP (seconds) only when their format is asked for.


def _stix(analyses: Sequence[Analysis]) -> str:
    from unmask.export.stix import to_stix_json

    return to_stix_json(analyses, tlp=default_tlp())


def _misp(analyses: Sequence[Analysis]) -> str:
    from unmask.export.misp import to_misp_json

    return to_misp_json(analyses, tlp=default_tlp())


def _navigator(analyses: Sequence[Analysis]) -> str:
    from unmask.export.navigator import to_navigator_json

    return to_navigator_json(analyses, tlp=default_tlp())


def _markdown(analyses: Sequence[Analysis]) -> str:
    from unmask.export.markdown import to_markdown

    return to_markdown(analyses, tlp=default_tlp())


def _csv(analyses: Sequence[Analysis]) -> str:
    from unmask.export.csv import to_csv

    return to_csv(analyses, tlp=default_tlp())


#: Format name -> writer. "text" is rendered by rich in the command itself.
ANALYSIS_FORMATS: dict[str, Callable[[Sequence[Analysis]], str]] = {
    "json": to_json,
    "jsonl": to_jsonl,
    "stix": _stix,
    "misp": _misp,
    "navigator": _navigator,
    "markdown": _markdown,
    "csv": _csv,
}
