"""What the knowledge base's queries return: plain frozen dataclasses with ``to_dict``.

Every item that summarises findings keeps a way back to its evidence: an
:class:`Evidence` names the report (sha256, source, title), the span and the quoted
text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ActorProfile",
    "ActorSummary",
    "AddResult",
    "AliasLearned",
    "Evidence",
    "IndicatorRecord",
    "IndicatorSighting",
    "IndicatorStat",
    "IocResult",
    "NamedStat",
    "ReportRef",
    "SearchHit",
    "TechniqueStat",
    "TimelineEntry",
]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`KnowledgeBase.add_analysis` did: ``added``, ``replaced`` or ``unchanged``."""

    sha256: str
    status: str
    document_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "status": self.status}


@dataclass(frozen=True, slots=True)
class ReportRef:
    """A stored report, as listed by queries."""

    sha256: str
    source: str
    title: str | None
    published: dt.date | None
    tlp: str
    format: str
    ingested_at: dt.datetime | None = None
    actors: tuple[str, ...] = ()
    mentions: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sha256": self.sha256,
            "source": self.source,
            "title": self.title,
            "published": _date(self.published),
            "tlp": self.tlp,
            "format": self.format,
            "ingested_at": self.ingested_at.isoformat() if self.ingested_at else None,
            "actors": list(self.actors),
        }
        if self.mentions is not None:
            out["mentions"] = self.mentions
        return out


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding was seen: the report, the span and the text it covers."""

    sha256: str
    source: str
    title: str | None
    start: int
    end: int
    quote: str
    published: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "source": self.source,
            "title": self.title,
            "published": _date(self.published),
            "span": {"start": self.start, "end": self.end},
            "quote": self.quote,
        }


@dataclass(frozen=True, slots=True)
class TechniqueStat:
    technique_id: str
    name: str
    reports: int
    mentions: int
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "technique_id": self.technique_id,
            "name": self.name,
            "reports": self.reports,
            "mentions": self.mentions,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class NamedStat:
    """A target, malware, attribution or name with how many reports give it."""

    kind: str
    value: str
    reports: int
    mentions: int
    role: str | None = None
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "value": self.value,
            "reports": self.reports,
            "mentions": self.mentions,
        }
        if self.role is not None:
            out["role"] = self.role
        if self.label is not None:
            out["name"] = self.label
        return out


@dataclass(frozen=True, slots=True)
class IndicatorStat:
    type: str
    value: str
    reports: int
    mentions: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "reports": self.reports,
            "mentions": self.mentions,
        }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event about the actor, with how many reports tell of it."""

    date: str
    precision: str
    kind: str
    reports: int
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "precision": self.precision,
            "kind": self.kind,
            "reports": self.reports,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class AliasLearned:
    """A name a report says is the actor, with the reports that say so.

    ``status`` says what the knowledge base makes of it: ``known`` (the reference data
    already files the name under this actor), ``proposed`` (at least two independent
    reports, from different publishers, say so: a learned alias), ``single-source`` (one
    publisher only: a claim to watch, not yet an alias) or ``contested`` (reports or the
    reference data file the same name under another actor too; ``others`` names them).
    """

    name: str
    relation: str
    reports: int
    sources: tuple[Evidence, ...]
    status: str = "single-source"
    independent: int = 1
    others: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "relation": self.relation,
            "reports": self.reports,
            "independent_sources": self.independent,
            "status": self.status,
            "also_claimed_for": list(self.others),
            "sources": [e.to_dict() for e in self.sources],
        }


@dataclass(frozen=True, slots=True)
class ActorSummary:
    """One resolved actor in the store: how many reports, first and last seen."""

    actor_id: str
    name: str
    reports: int
    first_seen: dt.date | None
    last_seen: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "name": self.name,
            "reports": self.reports,
            "first_seen": _date(self.first_seen),
            "last_seen": _date(self.last_seen),
        }


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """Everything the knowledge base knows about one resolved actor."""

    actor_id: str
    name: str
    report_count: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    names: tuple[NamedStat, ...]
    reports: tuple[ReportRef, ...]
    techniques: tuple[TechniqueStat, ...]
    targets: tuple[NamedStat, ...]
    indicators: tuple[IndicatorStat, ...]
    indicator_count: int
    malware: tuple[NamedStat, ...]
    attributions: tuple[NamedStat, ...]
    timeline: tuple[TimelineEntry, ...]
    aliases: tuple[AliasLearned, ...]
    limits: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "name": self.name,
            "report_count": self.report_count,
            "first_seen": _date(self.first_seen),
            "last_seen": _date(self.last_seen),
            "names": [n.to_dict() for n in self.names],
            "reports": [r.to_dict() for r in self.reports],
            "techniques": [t.to_dict() for t in self.techniques],
            "targets": [t.to_dict() for t in self.targets],
            "indicators": [i.to_dict() for i in self.indicators],
            "indicator_count": self.indicator_count,
            "malware": [m.to_dict() for m in self.malware],
            "attributions": [a.to_dict() for a in self.attributions],
            "timeline": [t.to_dict() for t in self.timeline],
            "aliases": [a.to_dict() for a in self.aliases],
            "limits": dict(self.limits),
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A report matching a full-text query; ``highlights`` are ranges in ``snippet``."""

    report: ReportRef
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    rank: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.report.to_dict(),
            "snippet": self.snippet,
            "highlights": [list(h) for h in self.highlights],
            "rank": round(self.rank, 6),
        }


@dataclass(frozen=True, slots=True)
class IndicatorSighting:
    """One report an indicator was seen in, and the actors that report is about."""

    report: ReportRef
    type: str
    surface: str
    benign_reasons: tuple[str, ...]
    evidence: Evidence
    actors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.report.to_dict(),
            "type": self.type,
            "surface": self.surface,
            "benign_reasons": list(self.benign_reasons),
            "evidence": self.evidence.to_dict(),
            "actors": list(self.actors),
        }


@dataclass(frozen=True, slots=True)
class IocResult:
    """Where an indicator was seen and with which actors."""

    value: str
    types: tuple[str, ...]
    report_count: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    actors: tuple[NamedStat, ...]
    sightings: tuple[IndicatorSighting, ...]
    #: How the asked value was found: ``exact``, or ``parent-domain`` / ``url-host``
    #: when only a domain above it (or the host of an asked URL) is stored, as a
    #: log sweep would match it; ``asked`` is then what was asked.
    matched: str = "exact"
    asked: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "matched": self.matched,
            "asked": self.asked,
            "types": list(self.types),
            "report_count": self.report_count,
            "first_seen": _date(self.first_seen),
            "last_seen": _date(self.last_seen),
            "actors": [a.to_dict() for a in self.actors],
            "sightings": [s.to_dict() for s in self.sightings],
        }


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    """One distinct indicator of the knowledge base, as streamed by ``iter_indicators``.

    ``reports`` counts the distinct reports that name it as an indicator, ``last_seen``
    is the latest publication date among them (None when none is dated), ``actors``
    the ``(actor_id, name)`` pairs of the actors those reports are about.
    """

    value: str
    type: str
    reports: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    actors: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "type": self.type,
            "reports": self.reports,
            "first_seen": _date(self.first_seen),
            "last_seen": _date(self.last_seen),
            "actors": [{"id": a, "name": n} for a, n in self.actors],
        }
