"""Exports of knowledge-base queries: everything about one actor, or since a date.

The stored analyses are rebuilt by the store and folded by :func:`digest`, so a
knowledge-base export has exactly the objects (and ids) the per-report exports have.
For an actor export only that actor is kept (other actors named in its reports are
left out) and techniques are scored by the share of its reports that show them. The
TLP of an export is the most restrictive one among the reports it draws on (or the one
asked for when that is stricter), in every format: STIX markings, the MISP ``tlp:`` tag,
the Navigator layer's description and metadata, the Markdown banner, the CSV ``tlp`` column. ``max_tlp`` is a ceiling: reports marked above it are
left out of the selection before anything is digested (``unmask serve`` uses it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from unmask.errors import ExportError
from unmask.export.digest import EPOCH, Digest, digest, report_time
from unmask.export.markdown import brief_from_digest
from unmask.export.misp import event_from_digest, event_json
from unmask.export.navigator import layer_from_digest
from unmask.export.stix import bundle_from_digest, bundle_json
from unmask.model import Analysis
from unmask.store import KnowledgeBase, ReportRef
from unmask.store.access import Scope
from unmask.store.decay import DecaySettings, IndicatorScore, SightingSummary, score_indicator
from unmask.store.sightings import summaries

__all__ = ["KB_FORMATS", "KnowledgeExport", "export_knowledge", "query_knowledge", "stix_bundle"]

#: TLP 2.0 levels from most to least shareable.
_TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")
_PAGE = 200


@dataclass(frozen=True, slots=True)
class KnowledgeExport:
    """The analyses a query selected, the digest of them and the TLP they carry."""

    reports: tuple[ReportRef, ...]
    analyses: tuple[Analysis, ...]
    digest: Digest
    tlp: str
    actor_ids: tuple[str, ...] = ()
    actor_name: str | None = None
    #: Per (type, value) of every indicator: its score at the export's moment, and its
    #: sightings (visible at the ceiling), folded.
    scores: dict[tuple[str, str], IndicatorScore] = dataclasses.field(default_factory=dict)
    sightings: dict[tuple[str, str], SightingSummary] = dataclasses.field(default_factory=dict)
    #: The score an indicator needs to be exported as one (the settings' threshold, or
    #: ``--min-score``).
    min_score: float | None = None
    organisation: str = DecaySettings().organisation


def _strictest(levels: list[str]) -> str:
    ranks = [_TLP_ORDER.index(level) for level in levels if level in _TLP_ORDER]
    return _TLP_ORDER[max(ranks)] if ranks else "clear"


def _level(tlp: str) -> str:
    value = tlp.strip().casefold().removeprefix("tlp:")
    return "clear" if value == "white" else value


def _dated(analysis: Analysis, report: ReportRef) -> Analysis:
    """``analysis`` with its ingest date as its date when it has none of its own: an
    undated report (a text note, a pasted e-mail) is known since it was ingested, not
    since 1970 (the epoch is what a one-shot export must use: it never reads the clock)."""
    if report.ingested_at is None or report_time(analysis) != EPOCH:
        return analysis
    return dataclasses.replace(analysis, published=report.ingested_at.date())


def query_knowledge(
    kb: KnowledgeBase,
    *,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    tlp: str | None = None,
    max_tlp: str | None = None,
    now: dt.datetime | None = None,
    settings: DecaySettings | None = None,
    min_score: float | None = None,
    visible: Scope | None = None,
) -> KnowledgeExport:
    """Select the stored reports about ``actor`` (any of its names) and/or published
    since ``since``; raise :class:`ExportError` when nothing matches.

    ``max_tlp`` (a TLP 2.0 level) leaves out every report marked above it, before
    digesting; an actor known only from such reports is not found. Every indicator is
    scored at ``now`` (default: the base's clock) with ``settings``
    (:mod:`unmask.store.decay`): below ``min_score`` (default: the threshold), a false
    positive or expired, it is not exported as an indicator. ``visible`` (a server's
    view of a reader, :class:`~unmask.store.access.Scope`) leaves out the reports it
    names as excluded too.
    """
    allowed: list[str] | None = None
    if max_tlp is not None:
        ceiling = _level(max_tlp)
        if ceiling not in _TLP_ORDER:
            raise ExportError(f"TLP {max_tlp!r} is not one of {', '.join(_TLP_ORDER)}")
        allowed = list(_TLP_ORDER[: _TLP_ORDER.index(ceiling) + 1])
    actor_ids: tuple[str, ...] = ()
    if actor is not None:
        actor_ids = tuple(kb.find_actor_ids(actor))
        if not actor_ids:
            raise ExportError(f"no actor {actor!r} in the knowledge base {kb.url}")
        actor_ids = actor_ids[:1]
    reports: list[ReportRef] = []
    offset = 0
    while True:
        page = kb.find_reports(
            actor=actor_ids[0] if actor_ids else None, since=since, until=until,
            tlp=allowed if visible is None or allowed is None else Scope(tuple(allowed), visible.excluded, visible.readable),
            limit=_PAGE, offset=offset,
        )
        reports.extend(page)
        if len(page) < _PAGE:
            break
        offset += _PAGE
    if not reports:
        what = f"actor {actor!r}" if actor else "the query"
        since_text = f" since {since.isoformat()}" if since else ""
        ceiling_text = f" at or below TLP:{allowed[-1].upper()}" if allowed else ""
        raise ExportError(f"no stored report matches {what}{since_text}{ceiling_text} in {kb.url}")
    reports.sort(key=lambda r: (r.published or dt.date.min, r.sha256))
    analyses = []
    for report in reports:
        analysis = kb.get_analysis(report.sha256)
        if analysis is not None:
            analyses.append(_dated(analysis, report))
    d = digest(analyses)
    name = None
    if actor_ids:
        d.actors = {k: v for k, v in d.actors.items() if k in actor_ids}
        if d.actors:
            name = next(iter(d.actors.values())).name
    levels = [r.tlp for r in reports]
    if tlp is not None:
        levels.append(_level(tlp))
    model = settings or DecaySettings()
    marking = _strictest(levels)
    # Sightings count up to the export's own marking (one from an amber bundle does not
    # go into a green export); the marking is never above the ceiling.
    shown = list(_TLP_ORDER[: _TLP_ORDER.index(marking) + 1])
    # ... and only those whose report the reader may read (its owner, its RED audience).
    scope = shown if visible is None else Scope(tuple(shown), visible.excluded, visible.readable)
    scores, sighted = _scores(kb, d, now=now or kb.now(), settings=model, tlp=scope)
    return KnowledgeExport(
        reports=tuple(reports),
        analyses=tuple(analyses),
        digest=d,
        tlp=marking,
        actor_ids=actor_ids,
        actor_name=name or actor,
        scores=scores,
        sightings=sighted,
        min_score=model.threshold if min_score is None else min_score,
        organisation=model.organisation,
    )


def _scores(kb: KnowledgeBase, d: Digest, *, now: dt.datetime, settings: DecaySettings,
            tlp: list[str] | Scope | None) -> tuple[dict[tuple[str, str], IndicatorScore],
                                            dict[tuple[str, str], SightingSummary]]:
    """Each indicator's score at ``now``: from its newest report in the selection (its
    time, the ingest day for an undated one) and its sightings."""
    times = {r.sha256: r.time for r in d.reports}
    wanted = {key: max((times[s] for s in entry.reports if s in times), default=None)
              for key, entry in d.observables.items() if entry.is_indicator}
    sighted = summaries(kb, wanted.keys(), tlp=tlp)
    scores = {key: score_indicator(key[0], None if last == EPOCH else last, sighted.get(key),
                                   now=now, settings=settings)
              for key, last in wanted.items()}
    return scores, sighted


def stix_bundle(x: KnowledgeExport) -> str:
    """The STIX bundle of a selection, with its scores and sightings (the TAXII server
    serves the same objects)."""
    return bundle_json(bundle_from_digest(x.digest, tlp=x.tlp, scores=x.scores, sightings=x.sightings,
                                          min_score=x.min_score, organisation=x.organisation))


def _stix(x: KnowledgeExport) -> str:
    return stix_bundle(x)


def _misp(x: KnowledgeExport) -> str:
    info = f"unmask: {x.actor_name}" if x.actor_name else None
    return event_json(event_from_digest(x.digest, tlp=x.tlp, info=info, scores=x.scores,
                                        sightings=x.sightings, min_score=x.min_score))


def _navigator(x: KnowledgeExport) -> str:
    name = f"{x.actor_name} ({len(x.reports)} reports)" if x.actor_name else None
    layer = layer_from_digest(x.digest, name=name, by_frequency=len(x.reports) > 1, tlp=x.tlp)
    return json.dumps(layer, ensure_ascii=False, indent=2)


def _markdown(x: KnowledgeExport) -> str:
    title = f"{x.actor_name}: {len(x.reports)} reports" if x.actor_name else None
    return brief_from_digest(x.digest, title=title, tlp=x.tlp)


def _csv(x: KnowledgeExport) -> str:
    from unmask.export.csv import to_csv

    return to_csv(x.analyses, tlp=x.tlp)


#: Format name -> writer for knowledge-base exports.
KB_FORMATS: dict[str, Callable[[KnowledgeExport], str]] = {
    "stix": _stix,
    "misp": _misp,
    "navigator": _navigator,
    "markdown": _markdown,
    "csv": _csv,
}


def export_knowledge(selection: KnowledgeExport, format: str) -> str:
    """The selection written in ``format`` (stix, misp, navigator, markdown, csv)."""
    writer = KB_FORMATS.get(format)
    if writer is None:
        raise ExportError(f"unknown export format {format!r}; choose from {', '.join(KB_FORMATS)}")
    return writer(selection)
