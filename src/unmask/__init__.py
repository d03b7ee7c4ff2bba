"""unmask: threat reporting in, resolved, evidence-backed intelligence out.

The public API::

    import unmask
    doc = unmask.read("report.pdf")             # path, bytes or "-"
    kb = unmask.open()                          # the knowledge base (UNMASK_DB / SQLite)
    analysis = unmask.analyze(doc)              # or unmask.analyze("some text")
    analysis.to_dict()                          # JSON shape: docs/json-format.md
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from unmask.documents import read
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
    Span,
    TargetMention,
    TechniqueMention,
)
from unmask.pipeline import analyze
from unmask.reference.actors import Actor, resolve_actor

if TYPE_CHECKING:
    from unmask.store import KnowledgeBase, open


def __getattr__(name: str) -> Any:
    # The knowledge base pulls in SQLAlchemy: imported on first use, not at start-up.
    if name in ("open", "KnowledgeBase"):
        import unmask.store

        return getattr(unmask.store, name)
    raise AttributeError(f"module 'unmask' has no attribute {name!r}")


try:
    __version__ = version("unmask")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
    "ReferenceDataError",
    "Span",
    "StoreError",
    "TargetMention",
    "TechniqueMention",
    "UnmaskError",
    "__version__",
    "analyze",
    "extract_observables",
    "extract_techniques",
    "find_actors",
    "open",
    "read",
    "resolve_actor",
]
