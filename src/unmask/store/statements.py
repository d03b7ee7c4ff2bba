"""Prebuilt statements for the hot queries (actor profile, indicator lookup).

Built once with bound parameters, so a query costs one execution, not a statement
construction and cache-key walk each time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, func, select, type_coerce, union_all

from unmask.store.schema import (
    ActorRow,
    ActorStatRow,
    AliasClaimRow,
    DocumentActorRow,
    DocumentRow,
    EventActorRow,
    EventRow,
    ObservableRow,
    TechniqueRow,
    table_of,
)

__all__ = [
    "ACTORS_OF",
    "ACTOR_DOCUMENTS",
    "ACTOR_REPORTS_DATED",
    "ACTOR_REPORTS_UNDATED",
    "ACTOR_SPAN",
    "ALIAS_NAME",
    "ALIAS_SOURCES",
    "DOCUMENT_CONTEXT",
    "HAS_ACTOR",
    "HAS_CLAIM",
    "INDICATOR_STREAM",
    "IOC_ACTORS",
    "IOC_ROWS",
    "PROFILE_STATS",
    "PROFILE_STAT_KINDS",
    "REPORT_COLUMNS",
    "TECHNIQUES_IN",
    "TECHNIQUES_IN_REPORTS",
    "TECHNIQUE_EVIDENCE",
    "TECHNIQUE_FALLBACK",
    "TIMELINE_EVIDENCE",
    "TIMELINE_ROWS",
    "evidence_columns",
]

_DT = table_of(DocumentRow)
_D = _DT.c
da = DocumentActorRow

REPORT_COLUMNS = (_D.id, _D.sha256, _D.source, _D.title, _D.published, _D.tlp, _D.format,
                  _D.ingested_at)


def evidence_columns(model: Any) -> tuple[Any, ...]:
    """Report and span columns; the quote is stored (evidence sentences) or the surface."""
    quote = model.quote if hasattr(model, "quote") else model.surface
    return (_D.sha256, _D.source, _D.title, _D.published, model.span_start, model.span_end,
            quote.label("quote"))


HAS_ACTOR = select(da.document_id).where(da.actor_id == bindparam("actor_id")).limit(1)
HAS_CLAIM = select(AliasClaimRow.id).where(AliasClaimRow.actor_id == bindparam("actor_id")).limit(1)

#: The kinds of ``actor_stats`` an actor profile lists.
PROFILE_STAT_KINDS = ("name", "technique", "target", "malware", "attribution", "indicator",
                      "alias")


def _stat_branch(kind: str) -> Any:
    ranked = (
        select(ActorStatRow.kind, ActorStatRow.key, ActorStatRow.reports, ActorStatRow.mentions)
        .where(ActorStatRow.actor_id == bindparam("actor_id"), ActorStatRow.kind == kind)
        .order_by(ActorStatRow.reports.desc(), ActorStatRow.key)
        .limit(bindparam(f"limit_{kind}"))
        .subquery()
    )
    return select(ranked)


_profile_stats = union_all(*(_stat_branch(kind) for kind in PROFILE_STAT_KINDS)).subquery()
#: Every list of a profile in one round trip: per kind, the ``limit_<kind>`` keys most
#: reports name (each branch one short index range).
PROFILE_STATS = select(_profile_stats).order_by(
    _profile_stats.c.kind, _profile_stats.c.reports.desc(), _profile_stats.c.key
)


#: Report count and first/last seen, kept by the writer (no scan of the actor's reports).
ACTOR_SPAN = select(
    ActorRow.reports, ActorRow.first_seen, ActorRow.last_seen, ActorRow.indicators
).where(
    ActorRow.actor_id == bindparam("actor_id")
)

_ACTOR_REPORTS = (
    select(*REPORT_COLUMNS, da.mentions, da.name)
    .join(da, da.document_id == _D.id)
    .limit(bindparam("limit"))
)
#: An actor's dated reports, newest first (the (actor_id, published) index, backwards).
ACTOR_REPORTS_DATED = _ACTOR_REPORTS.where(
    da.actor_id == bindparam("actor_id"), da.published.is_not(None)
).order_by(da.published.desc(), da.document_id.desc())
#: Then its undated reports, latest stored first.
ACTOR_REPORTS_UNDATED = _ACTOR_REPORTS.where(
    da.actor_id == bindparam("actor_id"), da.published.is_(None)
).order_by(da.document_id.desc())

ACTORS_OF = (
    select(da.document_id, da.actor_id)
    .where(da.document_id.in_(bindparam("ids", expanding=True)))
    .order_by(da.document_id, da.mentions.desc())
)

_t = TechniqueRow
#: Candidate evidence: the technique mentions of given reports (small columns; the
#: caller keeps the techniques it wants: filtering here would make the planner probe
#: every (technique, report) pair).
TECHNIQUES_IN = select(_t.id, _t.technique_id, _t.confidence, _t.document_id).where(
    _t.document_id.in_(bindparam("ids", expanding=True))
)

#: The evidence rows chosen from the candidates.
TECHNIQUE_EVIDENCE = (
    select(_t.id, _t.technique_id, _t.name, *evidence_columns(_t))
    .join(_DT, _D.id == _t.document_id)
    .where(_t.id.in_(bindparam("ids", expanding=True)))
)

#: Mentions of given techniques in given reports (small columns; one index probe per
#: Mentions of given techniques in given reports (small columns). The reports drive
#: the read (their rows through the document index, the techniques as a filter): the
#: planner would otherwise probe every (technique, report) pair.
TECHNIQUES_IN_REPORTS = select(_t.id, _t.technique_id, _t.confidence, _t.document_id).where(
    _t.technique_id.concat("").in_(bindparam("techniques", expanding=True)),
    _t.document_id.in_(bindparam("ids", expanding=True)),
)

#: Every report about an actor.
ACTOR_DOCUMENTS = select(da.document_id).where(da.actor_id == bindparam("actor_id"))

#: Up to ``limit`` mentions of one technique in reports about an actor (walks the
#: technique's mentions; for actors too big to walk their reports).
TECHNIQUE_FALLBACK = (
    select(_t.id, _t.technique_id, _t.confidence, _t.document_id)
    .join(da, (da.document_id == _t.document_id) & (da.actor_id == bindparam("actor_id")))
    .where(_t.technique_id == bindparam("technique_id"))
    .limit(bindparam("limit"))
)

_e, _ea = EventRow, EventActorRow
#: An actor's events from a date on, oldest first, a page at a time (the index on
#: event_actors (actor_id, start_date) gives them in order: a timeline cut to its
#: oldest entries reads only those, not every event of a big actor).
TIMELINE_ROWS = (
    select(_e.id, _e.kind, _e.date, _e.precision,
           # Raw values (no per-row date parsing): only compared with each other.
           type_coerce(_ea.start_date, String).label("start_date"), _ea.document_id)
    .select_from(_ea)
    .join(_e, _e.id == _ea.event_id)
    .where(_ea.actor_id == bindparam("actor_id"), _ea.start_date >= bindparam("since"))
    .order_by(_ea.start_date)
    .limit(bindparam("limit"))
)

TIMELINE_EVIDENCE = (
    select(_e.id, *evidence_columns(_e))
    .join(_DT, _D.id == _e.document_id)
    .where(_e.id.in_(bindparam("ids", expanding=True)))
)

_a = AliasClaimRow
_claim = (
    (_a.actor_id == bindparam("actor_id"))
    & (_a.norm == bindparam("norm"))
    & (_a.relation == bindparam("relation"))
)
#: The spelling of a learned alias (its groups come from ``actor_stats``, kind alias).
ALIAS_NAME = select(func.min(_a.name)).where(_claim)

#: The reports that claim a name for an actor, with their metadata (publisher fields);
#: one row per claim (a JSON column cannot be DISTINCT on PostgreSQL).
ALIAS_CLAIM_DOCUMENTS = (
    select(_a.document_id, _D.metadata)
    .join(_DT, _D.id == _a.document_id)
    .where(_claim)
)

#: The actors other than this one that reports file the same name under.
ALIAS_OTHER_ACTORS = (
    select(_a.actor_id)
    .where((_a.norm == bindparam("norm")) & (_a.actor_id != bindparam("actor_id"))
           & _a.actor_id.is_not(None))
    .distinct()
)

#: The latest five claims of one learned alias, as evidence.
ALIAS_SOURCES = (
    select(*evidence_columns(_a))
    .join(_DT, _D.id == _a.document_id)
    .where(_claim)
    .order_by(_a.document_id.desc(), _a.id)
    .limit(5)
)

_o = ObservableRow
#: One row per (sighting, actor of its report): a single round trip per lookup.
IOC_ROWS = (
    select(_o.id, _o.document_id, _o.type, _o.value, _o.surface, _o.benign_reasons,
           *evidence_columns(_o), _D.tlp, _D.format, _D.ingested_at,
           da.actor_id, da.name.label("actor_name"))
    .join(_DT, _D.id == _o.document_id)
    .outerjoin(da, da.document_id == _o.document_id)
    .where(_o.value.in_(bindparam("values", expanding=True)))
    .order_by(_o.document_id.desc(), _o.id, da.mentions.desc())
)

IOC_ACTORS = (
    select(da.document_id, da.actor_id, da.name)
    .where(da.document_id.in_(bindparam("ids", expanding=True)))
    .order_by(da.document_id, da.mentions.desc())
)

#: Every indicator sighting (value, type, report), ordered by value: the caller folds
#: consecutive rows. No join: the reports' dates and actors come from DOCUMENT_CONTEXT
#: (joining them here multiplies the rows and turns the scan into random reads).
INDICATOR_STREAM = (
    select(_o.value, _o.type, _o.document_id)
    .where(_o.indicator.is_(True))
    .order_by(_o.value, _o.type)
)

#: Every report's date and actors (one row per report and actor; reports with neither
#: are left out).
DOCUMENT_CONTEXT = (
    select(_D.id, _D.published, da.actor_id, da.name.label("actor_name"))
    .select_from(_DT)
    .outerjoin(da, da.document_id == _D.id)
    .where(_D.published.is_not(None) | da.actor_id.is_not(None))
)
