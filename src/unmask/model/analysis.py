"""The result of analysing one document, and the context extractors are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unmask.model.document import Document, Span
from unmask.model.findings import (
    ActorMention,
    AliasStatement,
    Attribution,
    Event,
    MalwareMention,
    Observable,
    Skipped,
    TargetMention,
    TechniqueMention,
)
from unmask.model.structure import Structure

__all__ = ["SCHEMA_VERSION", "Analysis", "ExtractContext"]

#: Version of the JSON shape produced by :meth:`Analysis.to_dict` (docs/json-format.md).
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """Facts about the document that extractors may use; never fetched by them.

    ``published`` anchors relative dates; ``url`` and ``site_name`` identify the
    publisher (whose own domain is not an indicator); ``structure`` holds the
    document's passages (:mod:`unmask.model.structure`).
    """

    published: dt.date | None = None
    url: str | None = None
    site_name: str | None = None
    title: str | None = None
    #: The document's passages (computed once by the pipeline); extractors given none
    #: parse the text themselves with the same rules.
    structure: Structure | None = None
    #: Where ``published`` came from (:attr:`Metadata.published_source`); None when given.
    published_source: str | None = None

    @classmethod
    def for_document(
        cls, document: Document, published: dt.date | None = None, *, structure: Structure | None = None
    ) -> ExtractContext:
        meta = document.metadata
        return cls(
            published=published or meta.published,
            url=meta.url,
            site_name=meta.site_name,
            title=meta.title,
            structure=structure if structure is not None else document.structure,
            published_source=None if published else meta.published_source,
        )


def _span_dict(span: Span, document: Document, structure: Structure | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"start": span.start, "end": span.end}
    page = document.page_at(span.start)
    if page is not None:
        out["page"] = page
    if structure is not None:
        out["passage"] = structure.kind_at(span.start)
    return out


def _structure_summary(structure: Structure) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    for passage in structure.passages:
        kinds[passage.kind] = kinds.get(passage.kind, 0) + 1
    title = structure.title
    return {
        "passages": len(structure.passages),
        "kinds": dict(sorted(kinds.items())),
        "tables": len({p.table for p in structure.passages if p.table is not None}),
        "citations": sum(1 for p in structure.inline if p.kind == "reference"),
        "title": title.span.to_dict() if title is not None else None,
    }


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything found in one document, each finding with its evidence span."""

    document: Document
    published: dt.date | None = None
    #: Where ``published`` came from: ``"given"`` (passed by the caller) or the
    #: document's :attr:`Metadata.published_source` (``"text"``, ``"html-meta"``,
    #: ``"pdf-metadata"``); None when not known.
    published_source: str | None = None
    observables: tuple[Observable, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    alias_statements: tuple[AliasStatement, ...] = ()
    techniques: tuple[TechniqueMention, ...] = ()
    targets: tuple[TargetMention, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    malware: tuple[MalwareMention, ...] = ()
    events: tuple[Event, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    children: tuple[Analysis, ...] = ()
    #: Versions of the reference data used (e.g. {"attack": "18.1"}).
    reference_versions: Mapping[str, str] = field(default_factory=dict)
    #: The document's passages the extractors read (:mod:`unmask.model.structure`).
    structure: Structure | None = field(default=None, compare=False, repr=False)
    #: Per-actor summary decided by the pipeline: id -> {"name", "aliases_used", ...}.
    actor_summary: Sequence[Mapping[str, Any]] = ()

    @property
    def indicators(self) -> tuple[Observable, ...]:
        """Observables that are not judged benign."""
        return tuple(o for o in self.observables if o.is_indicator)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        """The stable JSON shape (schema 1) documented in docs/json-format.md."""
        doc = self.document

        def items(findings: Sequence[Any]) -> list[dict[str, Any]]:
            out = []
            for finding in findings:
                item = finding.to_dict()
                item["span"] = _span_dict(finding.span, doc, self.structure)
                out.append(item)
            return out

        return {
            "schema": SCHEMA_VERSION,
            "document": doc.to_dict(include_text=include_text),
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source if self.published else None,
            "reference_versions": dict(sorted(self.reference_versions.items())),
            "summary": {
                "observables": len(self.observables),
                "indicators": len(self.indicators),
                "actors": len(self.actor_summary),
                "techniques": len({t.technique_id for t in self.techniques}),
                "targets": len(self.targets),
                "malware": len({m.malware_id for m in self.malware}),
                "events": len(self.events),
                "skipped": len(self.skipped),
            },
            "actors": [dict(a) for a in self.actor_summary],
            "actor_mentions": items(self.actors),
            "alias_statements": items(self.alias_statements),
            "observables": items(self.observables),
            "techniques": items(self.techniques),
            "targets": items(self.targets),
            "attributions": items(self.attributions),
            "malware": items(self.malware),
            "events": items(self.events),
            "skipped": items(self.skipped),
            "children": [c.to_dict(include_text=include_text) for c in self.children],
            "structure": _structure_summary(self.structure) if self.structure is not None else None,
        }
