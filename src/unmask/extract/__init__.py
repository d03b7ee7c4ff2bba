"""Pure extractors: ``text -> findings``. None of them does I/O; reference data comes
from :mod:`unmask.reference` (cached) or is passed in.

Each extractor is imported on first use (as in :mod:`unmask`), so that importing one
of them (``unmask.extract.observables`` for ``unmask iocs``) does not load the others
and their reference data.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unmask.extract.actors import extract_actors, find_actors
    from unmask.extract.events import extract_events
    from unmask.extract.malware import extract_malware
    from unmask.extract.observables import extract_observables
    from unmask.extract.sentences import Sentence, split_sentences
    from unmask.extract.targets import extract_attributions, extract_targets
    from unmask.extract.techniques import extract_techniques

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "extract_actors": "unmask.extract.actors",
    "find_actors": "unmask.extract.actors",
    "extract_events": "unmask.extract.events",
    "extract_malware": "unmask.extract.malware",
    "extract_observables": "unmask.extract.observables",
    "Sentence": "unmask.extract.sentences",
    "split_sentences": "unmask.extract.sentences",
    "extract_attributions": "unmask.extract.targets",
    "extract_targets": "unmask.extract.targets",
    "extract_techniques": "unmask.extract.techniques",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'unmask.extract' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # the next look-up is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Sentence",
    "extract_actors",
    "extract_attributions",
    "extract_events",
    "extract_malware",
    "extract_observables",
    "extract_targets",
    "extract_techniques",
    "find_actors",
    "split_sentences",
]
