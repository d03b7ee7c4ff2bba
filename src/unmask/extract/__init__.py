"""Pure extractors: ``text -> findings``. None of them does I/O; reference data comes
from :mod:`unmask.reference` (cached) or is passed in."""

from __future__ import annotations

from unmask.extract.actors import extract_actors, find_actors
from unmask.extract.events import extract_events
from unmask.extract.malware import extract_malware
from unmask.extract.observables import extract_observables
from unmask.extract.sentences import Sentence, split_sentences
from unmask.extract.targets import extract_attributions, extract_targets
from unmask.extract.techniques import extract_techniques

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
