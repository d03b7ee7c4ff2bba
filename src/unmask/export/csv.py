"""CSV of every finding: one row per finding with its evidence span.

Columns: ``document, kind, type, value, surface, indicator, benign_reasons, confidence,
start, end, page, evidence, role, tlp`` (new columns go last, so readers of the older columns keep
working; ``role`` is an observable's ``indicator`` / ``reference`` / ``benign``, empty for other kinds;
``tlp`` the TLP 2.0 label of the most restricted report in the export, ``TLP:AMBER``, on every
row: a column survives spreadsheets, SIEM look-ups and filters, a comment line would not). ``kind`` is observable, actor, technique, target,
malware or event; spreadsheets and SIEM look-up tables read it as is.

Report text is hostile: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be run as a formula by Excel, LibreOffice or Google Sheets
(CSV injection). Every cell that does gets a leading apostrophe (OWASP's advice), so
the spreadsheet shows the text (a lone ``-`` and plain numbers such as ``-5`` excepted); :func:`neutralise_cell` and :func:`writer` do it for
every CSV unmask writes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from unmask.export.vocab import tlp_label
from unmask.model import Analysis, Span

__all__ = ["COLUMNS", "FORMULA_STARTS", "neutralise_cell", "to_csv", "writer"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_PLAIN = re.compile(r"-|[+-]?\d+(?:\.\d+)?", re.ASCII)


def neutralise_cell(value: object) -> str:
    """``value`` as CSV cell text a spreadsheet shows as text, never runs as a formula.

    A lone ``-`` (standard input as a source) and a plain signed number stay as they are:
    neither is a formula.
    """
    cell = "" if value is None else str(value)
    if cell.startswith(FORMULA_STARTS) and not _PLAIN.fullmatch(cell):
        return "'" + cell
    return cell


class _SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`neutralise_cell`."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any, **options: Any) -> _SafeWriter:
    """Like :func:`csv.writer`, with every cell neutralised (:func:`neutralise_cell`)."""
    return _SafeWriter(out, **options)

COLUMNS = (
    "document", "kind", "type", "value", "surface", "indicator", "benign_reasons",
    "confidence", "start", "end", "page", "evidence", "role", "tlp",
)
_MAX_EVIDENCE = 300


def _rows(analysis: Analysis, observables_only: bool) -> list[list[str]]:
    doc = analysis.document
    rows: list[list[str]] = []

    def row(kind: str, type_: str, value: str, surface: str, span: Span, *,
            indicator: str = "", benign: str = "", confidence: float | None = None, role: str = "") -> None:
        evidence = " ".join(span.of(doc.text).split())[:_MAX_EVIDENCE]
        page = doc.page_at(span.start)
        rows.append([
            doc.source, kind, type_, value, surface, indicator, benign,
            "" if confidence is None else f"{confidence:.2f}",
            str(span.start), str(span.end), "" if page is None else str(page), evidence, role,
        ])

    for obs in analysis.observables:
        row("observable", obs.type, obs.value, obs.surface, obs.span,
            indicator="true" if obs.is_indicator else "false", benign=";".join(obs.benign_reasons), role=obs.role)
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


def to_csv(analyses: Analysis | Sequence[Analysis], *, observables_only: bool = False, tlp: str = "clear") -> str:
    """CSV text (header first, ``\\n`` line ends) of the findings of ``analyses``, every
    row marked with TLP 2.0 ``tlp``."""
    label = tlp_label(tlp)
    items = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    buffer = io.StringIO()
    out = writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    for analysis in items:
        out.writerows([*r, label] for r in _rows(analysis, observables_only))
    return buffer.getvalue().rstrip("\n")
