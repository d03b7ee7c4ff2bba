"""CSV of every finding: one row per finding with its evidence span.

Columns: ``document, kind, type, value, surface, indicator, benign_reasons, confidence,
start, end, page, evidence``. ``kind`` is observable, actor, technique, target,
malware or event; spreadsheets and SIEM look-up tables read it as is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from unmask.model import Analysis, Span

__all__ = ["COLUMNS", "to_csv"]

COLUMNS = (
    "document", "kind", "type", "value", "surface", "indicator", "benign_reasons",
    "confidence", "start", "end", "page", "evidence",
)
_MAX_EVIDENCE = 300


def _rows(analysis: Analysis, observables_only: bool) -> list[list[str]]:
    doc = analysis.document
    rows: list[list[str]] = []

    def row(kind: str, type_: str, value: str, surface: str, span: Span, *,
            indicator: str = "", benign: str = "", confidence: float | None = None) -> None:
        evidence = " ".join(span.of(doc.text).split())[:_MAX_EVIDENCE]
        page = doc.page_at(span.start)
        rows.append([
            doc.source, kind, type_, value, surface, indicator, benign,
            "" if confidence is None else f"{confidence:.2f}",
            str(span.start), str(span.end), "" if page is None else str(page), evidence,
        ])

    for obs in analysis.observables:
        row("observable", obs.type, obs.value, obs.surface, obs.span,
            indicator="true" if obs.is_indicator else "false", benign=";".join(obs.benign_reasons))
    if not observables_only:
        for actor in analysis.actors:
            row("actor", actor.actor_id, actor.name, actor.surface, actor.span, confidence=actor.confidence)
        for tech in analysis.techniques:
            row("technique", tech.technique_id, tech.name, "", tech.span, confidence=tech.confidence)
        for target in analysis.targets:
            row("target", target.kind, target.value, target.surface, target.span, confidence=target.confidence)
        for mal in analysis.malware:
            row("malware", mal.kind, mal.name, mal.surface, mal.span, confidence=mal.confidence)
        for event in analysis.events:
            row("event", event.kind, event.date, event.date_surface, event.span, confidence=event.confidence)
    for child in analysis.children:
        rows.extend(_rows(child, observables_only))
    return rows


def to_csv(analyses: Analysis | Sequence[Analysis], *, observables_only: bool = False) -> str:
    """CSV text (header first, ``\\n`` line ends) of the findings of ``analyses``."""
    items = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for analysis in items:
        writer.writerows(_rows(analysis, observables_only))
    return buffer.getvalue().rstrip("\n")
