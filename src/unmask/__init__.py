"""unmask: threat reporting in, resolved, evidence-backed intelligence out.

The public API::

    import unmask
    doc = unmask.read("report.pdf")             # path, URL, bytes or "-"
    docs = unmask.read_all("feed.xml")          # every document: one per feed entry
    kb = unmask.open()                          # the knowledge base (UNMASK_DB / SQLite)
    analysis = unmask.analyze(doc)              # or unmask.analyze("some text")
    analysis.to_dict()                          # JSON shape: docs/json-format.md
    structure = unmask.parse_structure(text)    # the passages every extractor reads
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unmask.documents import read, read_all
    from unmask.documents.structure import parse_structure
    from unmask.errors import (
        ConfigError,
        DocumentError,
        ExportError,
        ExtractError,
        ReferenceDataError,
        StoreError,
        UnmaskError,
    )
    from unmask.extract import extract_observables, extract_techniques, find_actors
    from unmask.model import (
        ActorMention,
        AliasStatement,
        Analysis,
        Attribution,
        Document,
        Event,
        MalwareMention,
        Observable,
        Passage,
        Span,
        Structure,
        TargetMention,
        TechniqueMention,
    )
    from unmask.pipeline.analyze import analyze
    from unmask.reference.actors import Actor, resolve_actor
    from unmask.store import KnowledgeBase, open

    __version__: str

#: Public name -> the module that defines it. Imported on first use, so that
#: ``import unmask`` (and every command of the CLI) only pays for what it touches:
#: the extractors and their reference data load when ``analyze`` is first called.
_EXPORTS: dict[str, str] = {
    "read": "unmask.documents",
    "read_all": "unmask.documents",
    "parse_structure": "unmask.documents.structure",
    **dict.fromkeys(
        ["ConfigError", "DocumentError", "ExportError", "ExtractError", "ReferenceDataError",
         "StoreError", "UnmaskError"],
        "unmask.errors",
    ),
    **dict.fromkeys(["extract_observables", "extract_techniques", "find_actors"], "unmask.extract"),
    **dict.fromkeys(
        ["ActorMention", "AliasStatement", "Analysis", "Attribution", "Document", "Event",
         "MalwareMention", "Observable", "Passage", "Span", "Structure", "TargetMention", "TechniqueMention"],
        "unmask.model",
    ),
    "analyze": "unmask.pipeline",
    **dict.fromkeys(["Actor", "resolve_actor"], "unmask.reference.actors"),
    # The knowledge base pulls in SQLAlchemy.
    **dict.fromkeys(["open", "KnowledgeBase"], "unmask.store"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("unmask")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'unmask' has no attribute {name!r}")
    globals()[name] = value  # the next look-up is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Actor",
    "ActorMention",
    "AliasStatement",
    "Analysis",
    "Attribution",
    "ConfigError",
    "Document",
    "DocumentError",
    "Event",
    "ExportError",
    "ExtractError",
    "KnowledgeBase",
    "MalwareMention",
    "Observable",
    "Passage",
    "ReferenceDataError",
    "Span",
    "StoreError",
    "Structure",
    "TargetMention",
    "TechniqueMention",
    "UnmaskError",
    "__version__",
    "analyze",
    "extract_observables",
    "extract_techniques",
    "find_actors",
    "open",
    "parse_structure",
    "read",
    "read_all",
    "resolve_actor",
]
