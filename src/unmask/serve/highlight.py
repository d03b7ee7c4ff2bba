"""A report's text cut into pieces for the report page, every finding marked in place.

The findings' spans overlap freely (an event's sentence holds an actor's name, which
holds nothing, next to a URL whose domain is a finding of its own), so the text is cut
at every span boundary (and at every page start): each piece is covered by a fixed set
of findings and is drawn as one ``<mark>`` with the classes of their kinds. No element
ever has to close across another, so the markup stays well formed whatever the spans
are. The template prints each piece's text through Jinja's autoescape: no report text
is ever treated as markup.

Each distinct span gets the anchor ``span-START-END`` (character offsets into the
text), which the side list of findings and the evidence links of other pages point at.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unmask.model import Analysis, Page, Span

__all__ = ["KINDS", "Finding", "Piece", "findings_of", "page_of", "pieces", "span_anchor"]

#: Finding kinds in the order the page lists them: (kind, heading).
KINDS: tuple[tuple[str, str], ...] = (
    ("actor", "Actors"),
    ("indicator", "Indicators"),
    ("reference", "References"),
    ("benign", "Benign values"),
    ("technique", "Techniques"),
    ("malware", "Malware and tools"),
    ("target", "Targets"),
    ("attribution", "Attributions"),
    ("event", "Dated events"),
    ("alias", "Alias statements"),
)
_KIND_NAMES = frozenset(k for k, _ in KINDS)
#: Most findings a piece's tooltip names.
_TITLES = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of the report as the page lists it."""

    kind: str
    label: str
    detail: str
    start: int
    end: int
    href: str | None = None  # where the finding leads (actor, indicator page)

    @property
    def anchor(self) -> str:
        return span_anchor(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text covered by the same findings (none: plain text)."""

    text: str
    kinds: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()  # the spans starting here
    page: int | None = None  # a PDF page starts here

    @property
    def classes(self) -> str:
        return " ".join(f"k-{k}" for k in self.kinds)


def span_anchor(start: int, end: int) -> str:
    return f"span-{start}-{end}"


def _observable_kind(role: str, benign: Sequence[str]) -> str:
    if role in ("indicator", "reference", "benign"):
        return role
    return "benign" if benign else "indicator"


def findings_of(analysis: Analysis) -> list[Finding]:
    """Every finding of ``analysis`` with a span, in text order."""
    from urllib.parse import quote

    out: list[Finding] = []

    def add(kind: str, label: str, detail: str, span: Span, href: str | None = None) -> None:
        out.append(Finding(kind, label, detail, span.start, span.end, href))

    for m in analysis.actors:
        add("actor", m.name, f"as {m.surface!r} ({m.method})", m.span,
            f"/actors/{quote(m.actor_id, safe='')}" if m.actor_id else None)
    for o in analysis.observables:
        kind = _observable_kind(o.role, o.benign_reasons)
        reasons = ", ".join(o.reasons or o.benign_reasons)
        add(kind, o.value, o.type + (f" · {reasons}" if reasons else ""), o.span,
            f"/indicators/{quote(o.value, safe='')}")
    for t in analysis.techniques:
        add("technique", f"{t.technique_id} {t.name}".strip(), t.method, t.span)
    for w in analysis.malware:
        add("malware", w.name, w.kind, w.span)
    for g in analysis.targets:
        add("target", g.value, g.kind + (f" · {g.role}" if g.role and g.role != "target" else ""), g.span)
    for a in analysis.attributions:
        add("attribution", a.value, a.kind, a.span)
    for e in analysis.events:
        add("event", f"{e.kind} {e.date}", e.date_surface or e.precision, e.span)
    for s in analysis.alias_statements:
        add("alias", " = ".join(s.names), s.relation, s.span)
    out.sort(key=lambda f: (f.start, -f.end, f.kind, f.label))
    return out


def page_of(pages: Sequence[Page], offset: int) -> int | None:
    """The number of the page holding ``offset`` (None for a text without pages)."""
    if not pages:
        return None
    starts = [p.start for p in pages]
    i = bisect.bisect_right(starts, offset) - 1
    return pages[max(i, 0)].number


def pieces(text: str, findings: Iterable[Finding], pages: Sequence[Page] = ()) -> list[Piece]:
    """``text`` cut at every boundary of ``findings`` and page start (see the module doc)."""
    length = len(text)
    spans: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        start, end = min(max(f.start, 0), length), min(max(f.end, 0), length)
        if end > start and f.kind in _KIND_NAMES:
            spans.setdefault((start, end), []).append(f)
    page_starts = {min(max(p.start, 0), length): p.number for p in pages if p.start < length}
    cuts = sorted({0, length, *page_starts, *(s for s, _ in spans), *(e for _, e in spans)})
    opening: dict[int, list[tuple[int, int]]] = {}
    closing: dict[int, list[tuple[int, int]]] = {}
    for key in spans:
        opening.setdefault(key[0], []).append(key)
        closing.setdefault(key[1], []).append(key)
    active: dict[tuple[int, int], None] = {}
    out: list[Piece] = []
    for at, until in itertools.pairwise(cuts):
        for key in closing.get(at, ()):
            active.pop(key, None)
        starting = sorted(opening.get(at, ()), key=lambda k: -k[1])
        for key in starting:
            active[key] = None
        covering = [f for key in active for f in spans[key]]
        kinds = tuple(sorted({f.kind for f in covering}, key=lambda k: _order(k)))
        # The tooltip names the narrowest findings (a sentence-long event may cover
        # hundreds of pieces: naming all of them on each would weigh megabytes).
        named = list(dict.fromkeys(f"{f.kind}: {f.label}" for f in
                                   sorted(covering, key=lambda f: (f.end - f.start, f.start))))
        titles = tuple(named[:_TITLES] + ([f"and {len(named) - _TITLES} more"]
                                          if len(named) > _TITLES else []))
        out.append(Piece(text[at:until], kinds, titles,
                         tuple(span_anchor(*k) for k in starting), page_starts.get(at)))
    return out


def _order(kind: str) -> int:
    for i, (name, _) in enumerate(KINDS):
        if name == kind:
            return i
    return len(KINDS)
