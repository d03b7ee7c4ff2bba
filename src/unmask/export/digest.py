"""One de-duplicated view of what one or more analyses found, shared by every writer.

Each writer (STIX, MISP, Navigator, Markdown, CSV) needs the same grouping: one entry
per actor, technique, malware family, target and indicator, each with the evidence
(quote and character offsets) that supports it. :func:`digest` builds that grouping
from analyses; it is pure and deterministic (sorted output, no clock).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unmask.model import Analysis, Document, Observable, Span

__all__ = [
    "EPOCH",
    "ActorEntry",
    "Digest",
    "EventEntry",
    "Evidence",
    "IndicatorEntry",
    "MalwareEntry",
    "ReportEntry",
    "TargetEntry",
    "TechniqueEntry",
    "digest",
    "report_time",
]

#: Longest evidence quote kept (characters); longer spans are cut with an ellipsis.
MAX_QUOTE = 400

_ATTACK_GROUP = re.compile(r"^G\d{4}$")
_ATTACK_SOFTWARE = re.compile(r"^S\d{4}$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quote from a document and where it is: ``[start, end)`` and the page if any."""

    document: str
    start: int
    end: int
    quote: str
    page: int | None = None

    def describe(self) -> str:
        where = f"chars {self.start}-{self.end}"
        if self.page is not None:
            where += f", page {self.page}"
        return f"\u201c{self.quote}\u201d ({where})"


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """The document an analysis came from."""

    sha256: str
    title: str
    source: str
    url: str | None
    site_name: str | None
    published: dt.date | None
    time: dt.datetime
    authors: tuple[str, ...] = ()


@dataclass(slots=True)
class ActorEntry:
    actor_id: str
    name: str
    #: Every other name known for the actor (reference data and the text).
    aliases: set[str] = field(default_factory=set)
    #: The names the documents themselves use.
    names_used: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    motivations: set[str] = field(default_factory=set)
    sponsors: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    reports: set[str] = field(default_factory=set)

    @property
    def attack_id(self) -> str | None:
        return self.actor_id if _ATTACK_GROUP.match(self.actor_id) else None


@dataclass(slots=True)
class TechniqueEntry:
    technique_id: str
    name: str
    tactics: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    methods: set[str] = field(default_factory=set)
    reports: set[str] = field(default_factory=set)


@dataclass(slots=True)
class MalwareEntry:
    malware_id: str
    name: str
    kind: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    reports: set[str] = field(default_factory=set)

    @property
    def attack_id(self) -> str | None:
        return self.malware_id if _ATTACK_SOFTWARE.match(self.malware_id) else None


@dataclass(slots=True)
class TargetEntry:
    kind: str
    value: str
    roles: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    reports: set[str] = field(default_factory=set)

    @property
    def targeted(self) -> bool:
        return bool(self.roles & {"target", "victim"})


@dataclass(slots=True)
class IndicatorEntry:
    """An observable (de-duplicated by type and value); ``benign_reasons`` and the
    mentions' ``roles`` as found (an indicator only if every mention is one)."""

    type: str
    value: str
    benign_reasons: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    reports: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    #: Report sha256 -> the role the value has there (references are per report).
    report_roles: dict[str, str] = field(default_factory=dict)

    @property
    def is_indicator(self) -> bool:
        return not self.benign_reasons and self.roles <= {"indicator"}

    @property
    def role(self) -> str:
        if self.is_indicator:
            return "indicator"
        return "reference" if "reference" in self.roles else "benign"


@dataclass(frozen=True, slots=True)
class EventEntry:
    kind: str
    date: str
    precision: str
    actor_ids: tuple[str, ...]
    target_values: tuple[str, ...]
    evidence: Evidence


@dataclass(slots=True)
class Digest:
    """Everything the writers need, grouped and sorted."""

    reports: list[ReportEntry] = field(default_factory=list)
    actors: dict[str, ActorEntry] = field(default_factory=dict)
    techniques: dict[str, TechniqueEntry] = field(default_factory=dict)
    malware: dict[str, MalwareEntry] = field(default_factory=dict)
    targets: dict[tuple[str, str], TargetEntry] = field(default_factory=dict)
    observables: dict[tuple[str, str], IndicatorEntry] = field(default_factory=dict)
    events: list[EventEntry] = field(default_factory=list)
    reference_versions: dict[str, str] = field(default_factory=dict)
    #: Report sha256 -> actor id -> how often the report names the actor (all actors,
    #: counted before any filtering, so "who is this report about" stays right).
    mention_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def indicators(self) -> list[IndicatorEntry]:
        return [o for o in self.observables.values() if o.is_indicator]

    @property
    def time(self) -> dt.datetime:
        """The latest report time: the moment this digest describes."""
        if not self.reports:
            return EPOCH
        return max(r.time for r in self.reports)

    @property
    def first_time(self) -> dt.datetime:
        if not self.reports:
            return EPOCH
        return min(r.time for r in self.reports)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _evidence(document: Document, span: Span) -> Evidence:
    quote = _clean(span.of(document.text))
    if len(quote) > MAX_QUOTE:
        quote = quote[: MAX_QUOTE - 1].rstrip() + "\u2026"
    return Evidence(
        document=document.sha256,
        start=span.start,
        end=span.end,
        quote=quote,
        page=document.page_at(span.start),
    )


def _add_evidence(items: list[Evidence], evidence: Evidence) -> None:
    if all((e.document, e.start, e.end) != (evidence.document, evidence.start, evidence.end) for e in items):
        items.append(evidence)


def report_time(analysis: Analysis) -> dt.datetime:
    """The time an analysis describes: its publication date (else modified, else the
    latest event date, else the Unix epoch) at midnight UTC. Never the clock."""
    meta = analysis.document.metadata
    day = analysis.published or meta.published or meta.modified
    if day is None and analysis.events:
        day = max(e.start_date for e in analysis.events)
    if day is None:
        return EPOCH
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _first_line(document: Document) -> str:
    """A plain-text document's first line when it reads like a title."""
    if document.format not in ("text", "markdown"):
        return ""
    for line in document.text.splitlines():
        line = _clean(line.lstrip("#").strip())
        if line:
            return line if len(line) <= 200 else ""
    return ""


def _report_entry(analysis: Analysis) -> ReportEntry:
    doc = analysis.document
    meta = doc.metadata
    title = _clean(meta.title or "") or _first_line(doc) or doc.source.rsplit("/", 1)[-1] or doc.sha256[:12]
    return ReportEntry(
        sha256=doc.sha256,
        title=title,
        source=doc.source,
        url=meta.url,
        site_name=meta.site_name,
        published=analysis.published or meta.published,
        time=report_time(analysis),
        authors=tuple(meta.authors),
    )


def _summary_field(entry: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in entry and entry[name] not in (None, "", [], ()):
            return entry[name]
    return None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if isinstance(v, str) and v.strip()]
    return []


def _widen(entry: ActorEntry, day: dt.date) -> None:
    entry.first_seen = day if entry.first_seen is None else min(entry.first_seen, day)
    entry.last_seen = day if entry.last_seen is None else max(entry.last_seen, day)


def _actor(d: Digest, actor_id: str, name: str) -> ActorEntry:
    entry = d.actors.get(actor_id)
    if entry is None:
        entry = d.actors[actor_id] = ActorEntry(actor_id=actor_id, name=name or actor_id)
    return entry


def _add_observable(d: Digest, doc: Document, obs: Observable, sha: str) -> None:
    key = (obs.type, obs.value)
    entry = d.observables.get(key)
    if entry is None:
        entry = d.observables[key] = IndicatorEntry(type=obs.type, value=obs.value)
    entry.benign_reasons.update(obs.benign_reasons)
    entry.roles.add(obs.role)
    if entry.report_roles.get(sha) != "indicator":
        entry.report_roles[sha] = obs.role
    entry.reports.add(sha)
    _add_evidence(entry.evidence, _evidence(doc, obs.span))


def _fold(d: Digest, analysis: Analysis) -> None:
    doc = analysis.document
    sha = doc.sha256
    d.reports.append(_report_entry(analysis))
    d.reference_versions.update(analysis.reference_versions)

    for summary in analysis.actor_summary:
        actor_id = _summary_field(summary, "actor_id", "id")
        if not isinstance(actor_id, str):
            continue
        name = _summary_field(summary, "name", "canonical_name")
        entry = _actor(d, actor_id, name if isinstance(name, str) else actor_id)
        for field_name in ("aliases", "learned_aliases"):
            entry.aliases.update(_names(summary.get(field_name)))
        for field_name in ("names_used", "aliases_used", "names", "surfaces"):
            used = _names(summary.get(field_name))
            entry.aliases.update(used)
            entry.names_used.update(used)
        entry.reports.add(sha)
    for mention in analysis.actors:
        entry = _actor(d, mention.actor_id, mention.name)
        entry.aliases.add(_clean(mention.surface))
        entry.aliases.add(mention.name)
        entry.names_used.add(_clean(mention.surface))
        entry.confidence = max(entry.confidence, mention.confidence)
        entry.reports.add(sha)
        _add_evidence(entry.evidence, _evidence(doc, mention.span))
    for statement in analysis.alias_statements:
        if statement.relation != "same-as" or statement.actor_id not in d.actors:
            continue
        entry = d.actors[statement.actor_id]
        entry.aliases.update(_clean(n) for n in statement.names)
        entry.names_used.update(_clean(n) for n in statement.names)
        _add_evidence(entry.evidence, _evidence(doc, statement.span))
    own_actors = tuple(sorted({m.actor_id for m in analysis.actors}))
    for attribution in analysis.attributions:
        for actor_id in attribution.actor_ids or own_actors:
            if actor_id not in d.actors:
                continue
            entry = d.actors[actor_id]
            bucket = {
                "motivation": entry.motivations,
                "sponsor": entry.sponsors,
                "country": entry.countries,
            }[attribution.kind]
            bucket.add(attribution.value)
            _add_evidence(entry.evidence, _evidence(doc, attribution.span))

    for technique in analysis.techniques:
        tech = d.techniques.get(technique.technique_id)
        if tech is None:
            tech = d.techniques[technique.technique_id] = TechniqueEntry(
                technique_id=technique.technique_id, name=technique.name
            )
        tech.tactics.update(technique.tactics)
        tech.confidence = max(tech.confidence, technique.confidence)
        tech.methods.add(technique.method)
        tech.reports.add(sha)
        _add_evidence(tech.evidence, _evidence(doc, technique.span))

    for found in analysis.malware:
        mal = d.malware.get(found.malware_id)
        if mal is None:
            mal = d.malware[found.malware_id] = MalwareEntry(
                malware_id=found.malware_id, name=found.name, kind=found.kind
            )
        mal.confidence = max(mal.confidence, found.confidence)
        mal.reports.add(sha)
        _add_evidence(mal.evidence, _evidence(doc, found.span))

    for target in analysis.targets:
        key = (target.kind, target.value)
        tgt = d.targets.get(key)
        if tgt is None:
            tgt = d.targets[key] = TargetEntry(kind=target.kind, value=target.value)
        tgt.roles.add(target.role)
        tgt.reports.add(sha)
        _add_evidence(tgt.evidence, _evidence(doc, target.span))

    for obs in analysis.observables:
        _add_observable(d, doc, obs, sha)

    for event in analysis.events:
        evidence = _evidence(doc, event.span)
        d.events.append(
            EventEntry(
                kind=event.kind,
                date=event.date,
                precision=event.precision,
                actor_ids=event.actor_ids,
                target_values=event.target_values,
                evidence=evidence,
            )
        )
        for actor_id in event.actor_ids:
            if actor_id in d.actors:
                _widen(d.actors[actor_id], event.start_date)

    for child in analysis.children:
        _fold(d, child)


def digest(analyses: Sequence[Analysis]) -> Digest:
    """Group the findings of ``analyses`` (children included) for the writers."""
    d = Digest()
    for analysis in analyses:
        _fold(d, analysis)
    for entry in d.actors.values():
        for sha in entry.reports:
            counts = d.mention_counts.setdefault(sha, {})
            counts[entry.actor_id] = max(1, sum(1 for e in entry.evidence if e.document == sha))
        entry.aliases = {a for a in entry.aliases if a and a.casefold() != entry.name.casefold()}
        entry.names_used = {a for a in entry.names_used if a}
    d.actors = dict(sorted(d.actors.items()))
    d.techniques = dict(sorted(d.techniques.items()))
    d.malware = dict(sorted(d.malware.items()))
    d.targets = dict(sorted(d.targets.items()))
    d.observables = dict(sorted(d.observables.items()))
    d.events.sort(key=lambda e: (e.date, e.kind, e.evidence.document, e.evidence.start))
    seen: set[str] = set()
    unique = []
    for report in d.reports:
        if report.sha256 not in seen:
            seen.add(report.sha256)
            unique.append(report)
    d.reports = unique
    return d
