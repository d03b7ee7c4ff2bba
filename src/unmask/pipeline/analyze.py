"""Run every extractor on a document and assemble the :class:`Analysis`."""

from __future__ import annotations

import datetime as dt
import hashlib

from unmask.documents.structure import structure_of_document
from unmask.extract.actors import extract_actors
from unmask.extract.events import extract_events
from unmask.extract.malware import extract_malware
from unmask.extract.observables import extract_observables
from unmask.extract.targets import extract_attributions, extract_targets
from unmask.extract.techniques import extract_techniques
from unmask.model import Analysis, Document, ExtractContext
from unmask.pipeline.linking import aside_actors, unlink_asides
from unmask.pipeline.structured import (
    STRUCTURED_FORMATS,
    extract_structured,
    without_rendering_artefacts,
)
from unmask.reference.versions import reference_versions

__all__ = ["analyze", "document_from_text"]


def document_from_text(text: str, *, source: str = "<text>") -> Document:
    """Wrap a string as a plain-text Document."""
    raw = text.encode("utf-8", "surrogatepass")
    return Document(
        text=text,
        source=source,
        format="text",
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"published date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def analyze(document_or_text: Document | str, *, published: dt.date | str | None = None) -> Analysis:
    """Analyse a Document (or plain text): every finding with its evidence span.

    ``published`` anchors relative dates ("Thursday", "in June"); when not given,
    the publication date from the document's metadata is used.
    """
    if isinstance(document_or_text, str):
        document = document_from_text(document_or_text)
    else:
        document = document_or_text
    given = _as_date(published)
    # The document's passages, computed once: every extractor reads the same ones.
    context = ExtractContext.for_document(document, given, structure=structure_of_document(document))
    published_source = "given" if given is not None else document.metadata.published_source
    text = document.text

    observables = extract_observables(text, context=context)
    actor_findings = extract_actors(text, context=context)
    actors = actor_findings.mentions
    techniques = extract_techniques(text, context=context)
    targets = extract_targets(text, context=context, actors=actors)
    attributions = extract_attributions(text, context=context, actors=actors)
    malware = extract_malware(text, context=context, actors=actors)
    events = extract_events(text, context=context, actors=actors, targets=targets)
    # An actor named only as an example or a comparison reaches only its own passages.
    asides = aside_actors(text, context.structure or structure_of_document(document), actors)
    attributions = unlink_asides(attributions, asides)
    events = unlink_asides(events, asides)
    children = tuple(analyze(child, published=published) for child in document.children)
    summary = tuple(actor_findings.summary)
    alias_statements = tuple(actor_findings.alias_statements)
    if document.format in STRUCTURED_FORMATS:
        # STIX bundles and MISP events: their objects are findings too (issue 8).
        found = extract_structured(document)
        observables, techniques = without_rendering_artefacts(document, found, observables, techniques)
        seen = {(o.type, o.value) for o in observables}
        observables = [*observables, *(o for o in found.observables if (o.type, o.value) not in seen)]
        actors = (*actors, *found.actors)
        alias_statements = (*alias_statements, *found.alias_statements)
        techniques = [*techniques, *found.techniques]
        targets = [*targets, *found.targets]
        attributions = [*attributions, *found.attributions]
        malware = [*malware, *found.malware]
        events = [*events, *found.events]
        known = {s.get("id", s.get("actor_id")) for s in summary}
        summary = (*summary, *(s for s in found.summary if s["actor_id"] not in known))

    return Analysis(
        document=document,
        published=context.published,
        published_source=published_source,
        observables=tuple(observables),
        actors=tuple(actors),
        alias_statements=alias_statements,
        techniques=tuple(techniques),
        targets=tuple(targets),
        attributions=tuple(attributions),
        malware=tuple(malware),
        events=tuple(events),
        children=children,
        reference_versions=reference_versions(),
        actor_summary=summary,
        structure=context.structure,
        skipped=tuple(actor_findings.skipped),
    )
