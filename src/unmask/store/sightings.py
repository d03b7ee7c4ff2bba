"""Sightings in the knowledge base: recording them, folding them, scoring indicators.

::

    from unmask.store.sightings import add_sightings, indicator_score
    add_sightings(kb, [Sighting("domain", "evil.example", "seen", "sweep:proxy.log", t, t, count=3)])
    add_sightings(kb, [false_positive("domain", "evil.example", who="ana", why="our CDN", at=t)])
    indicator_score(kb, "evil.example", now=t)        # IndicatorScore(score=0.0, status='false-positive')

Rows are folded by (type, value, kind, source, outside ref, day): a sweep that finds a
domain 10,000 times in one log on one day writes one row with its count and the first
and last time; the same STIX sighting ingested twice writes it once (its ``ref``). The
table is not tied to documents: deleting or re-ingesting a report keeps them. A row
reported by a document keeps its sha256 (and its marking): who may see it is who may
read that report (its TLP level, owner and RED audience, :mod:`unmask.store.access`),
so every reader below takes a ``tlp=`` filter that is a :class:`~unmask.store.access.Scope`
as the report queries do. The same outside claim in two reports is two rows (one per
report, each shown by its own report's rule) and counts once. A sighting posted to the
server has an :class:`Owner` instead of a report (the poster's organisation, a marking,
a RED audience; AMBER+STRICT by default): it is kept under the owner's key in the same
column and shown by the same rule. Re-marking a report (``kb.set_tlp``) re-marks its
sightings (:func:`remark_sightings`). Rows from before migration 0011 were given an
owner by it (see that migration); local rows (``unmask sightings``, sweeps) stay
TLP:CLEAR and the server's own.

:func:`summaries` folds them per indicator into :class:`SightingSummary` values, and
:func:`unmask.store.decay.score_indicator` turns one into a score; :func:`scores_for`
does both for many indicators at once (the exports and the TAXII server use it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from unmask.documents.sightings import SIGHTING_KINDS, Sighting, normalise_value, sightings_of
from unmask.errors import StoreError
from unmask.store.access import Scope, owner_key, scope_where, write_owner
from unmask.store.decay import DecaySettings, IndicatorScore, SightingSummary, score_indicator
from unmask.store.schema import SightingRow, table_of
from unmask.store.write import check_tlp

if TYPE_CHECKING:
    from unmask.model import Analysis
    from unmask.store.kb import KnowledgeBase

__all__ = [
    "SIGHTING_KINDS",
    "IndicatorStatus",
    "Owner",
    "Sighting",
    "StoredSighting",
    "add_sightings",
    "false_positive",
    "find_sightings",
    "indicator_score",
    "indicator_status",
    "record_analysis_sightings",
    "remark_sightings",
    "scores_for",
    "sightings_version",
    "summaries",
    "write_sightings",
]

_T = table_of(SightingRow)
_S = _T.c
_CHUNK = 500
_WHY_MAX = 2000


def _utc(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def false_positive(type_: str, value: str, *, who: str | None, why: str | None, at: dt.datetime,
                   source: str = "cli") -> Sighting:
    """A false-positive report on one indicator (one per source, who and day)."""
    return Sighting(type_, normalise_value(type_, value), "false-positive", source, at, at,
                    who=who, why=(why or "")[:_WHY_MAX] or None)


#: The upsert, as one text statement for both back-ends (``{least}``/``{greatest}``: the
#: smaller / larger of two values, LEAST/GREATEST on PostgreSQL, min/max on SQLite).
#: An outside claim (a ``ref``) stored again is the same claim: its count replaces the
#: stored one; a local one (a sweep, a report) adds to it. Written as text with values
#: already in the column's stored form: the ORM's per-value processing cost a sweep
#: more than the writing did.
_UPSERT = """
INSERT INTO sightings (value, type, kind, source, ref, day, count, first_seen, last_seen,
                       who, why, tlp, recorded_at, sha256)
VALUES (:value, :type, :kind, :source, :ref, :day, :count, :first_seen, :last_seen,
        :who, :why, :tlp, :recorded_at, :sha256)
ON CONFLICT (value, type, kind, source, ref, day, sha256) DO UPDATE SET
  count = CASE WHEN sightings.ref <> '' THEN excluded.count ELSE sightings.count + excluded.count END,
  first_seen = {least}(sightings.first_seen, excluded.first_seen),
  last_seen = {greatest}(sightings.last_seen, excluded.last_seen),
  who = COALESCE(excluded.who, sightings.who),
  why = COALESCE(excluded.why, sightings.why),
  tlp = excluded.tlp,
  recorded_at = excluded.recorded_at
"""


def _stored_form(dialect: str) -> Any:
    """Datetimes and dates as the dialect's column keeps them (SQLite: SQLAlchemy's text
    format, so that min/max compare and read back as the ORM's own rows do)."""
    if dialect == "postgresql":
        return lambda value: value

    def sqlite_form(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return sqlite_form


def write_sightings(conn: Connection, sightings: Iterable[Sighting], *, now: dt.datetime,
                    tlp: str = "clear", sha256: str = "") -> int:
    """Upsert ``sightings`` in the open transaction ``conn``; returns how many rows.

    ``tlp`` marks them (the marking of the document that reported them, ``sha256`` that
    document: its owner and audience decide who sees them). A row with the
    same key gets the count added (unless the claim has an outside ``ref``: the same
    claim again is not counted twice), the first and last time widened, and the newest
    who and why. Times are stored in UTC (SQLite keeps a time without its offset).
    """
    folded: dict[tuple[str, str, str, str, str, dt.date], dict[str, Any]] = {}
    recorded = now.astimezone(dt.UTC)
    for s in sightings:
        first, last = s.first_seen, s.last_seen
        if first.utcoffset() or last.utcoffset():
            first, last = first.astimezone(dt.UTC), last.astimezone(dt.UTC)
        day = last.date()
        source, ref = s.source[:300], s.ref[:300]
        key = (s.value, s.type, s.kind, source, ref, day)
        held = folded.get(key)
        if held is None:
            folded[key] = {"value": s.value, "type": s.type, "kind": s.kind, "source": source,
                           "ref": ref, "day": day, "count": s.count, "first_seen": first,
                           "last_seen": last, "who": s.who[:200] if s.who else None, "why": s.why,
                           "tlp": tlp, "recorded_at": recorded, "sha256": sha256}
        else:
            held["count"] = held["count"] if ref else held["count"] + s.count
            held["first_seen"] = min(held["first_seen"], first)
            held["last_seen"] = max(held["last_seen"], last)
            held["who"] = s.who or held["who"]
            held["why"] = s.why or held["why"]
    if not folded:
        return 0
    dialect = conn.dialect.name
    form = _stored_form(dialect)
    rows = [{k: form(v) for k, v in row.items()} for row in folded.values()]
    least, greatest = ("LEAST", "GREATEST") if dialect == "postgresql" else ("min", "max")
    statement = text(_UPSERT.format(least=least, greatest=greatest))
    for start in range(0, len(rows), _CHUNK):
        conn.execute(statement, rows[start:start + _CHUNK])
    return len(rows)


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a sighting with no report belongs to: the organisation that posted it (None:
    the server's own), its marking and, at RED, the token names it is for."""

    org: str | None
    tlp: str = "amber+strict"
    audience: tuple[str, ...] = ()


def add_sightings(kb: KnowledgeBase, sightings: Iterable[Sighting], *, owner: Owner | None = None) -> int:
    """Record ``sightings`` in one transaction; returns how many claims were written.

    ``owner``: they are kept under the owner's key (:func:`unmask.store.access.owner_key`)
    at its marking, shown by the owner's rule as a report's would be (the server's
    sightings API passes the poster's); None: the local rows of the command line and
    sweeps, TLP:CLEAR, the server's own.
    """
    items = list(sightings)
    if kb.read_only:
        raise StoreError(f"knowledge base {kb.url} is open read-only: sightings cannot be recorded")
    try:
        with kb.engine.begin() as conn:
            if kb.dialect == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            if owner is None:
                return write_sightings(conn, items, now=kb.now())
            key = owner_key(owner.org, owner.tlp, owner.audience)
            write_owner(conn, key, org=owner.org, audience=owner.audience, now=kb.now())
            return write_sightings(conn, items, now=kb.now(), tlp=check_tlp(owner.tlp), sha256=key)
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: recording {len(items)} sighting(s) failed: {exc}") from exc


def record_analysis_sightings(conn: Connection, analyses: Sequence[Analysis], *, now: dt.datetime) -> int:
    """Record the sightings the analysed documents report (STIX ``sighting`` objects,
    MISP sightings), their attachments' too, in the transaction that stores them, each
    marked with its stored document's TLP."""
    from unmask.store.schema import DocumentRow

    written = 0

    def collect(analysis: Analysis, into: list[Sighting]) -> None:
        claims, _skipped = sightings_of(analysis.document)
        into.extend(claims)
        for child in analysis.children:
            collect(child, into)

    for analysis in analyses:
        found: list[Sighting] = []
        collect(analysis, found)
        if not found:
            continue
        marking = conn.execute(select(DocumentRow.tlp).where(
            DocumentRow.sha256 == analysis.document.sha256)).scalar()
        written += write_sightings(conn, found, now=now, tlp=marking or "clear",
                                   sha256=analysis.document.sha256)
    return written


def remark_sightings(conn: Connection, sha256: str, tlp: str) -> int:
    """Give the sightings a report carried its new marking (``kb.set_tlp`` re-marks a
    document and them in one transaction); how many rows."""
    done = conn.execute(_T.update().where(_S.sha256 == sha256).values(tlp=check_tlp(tlp)))
    return int(done.rowcount or 0)


class StoredSighting:
    """One stored row (folded per source and day), as ``find_sightings`` returns it."""

    __slots__ = ("count", "day", "first_seen", "kind", "last_seen", "ref", "source", "tlp", "type",
                 "value", "who", "why")

    def __init__(self, row: Any) -> None:
        self.type: str = row.type
        self.value: str = row.value
        self.kind: str = row.kind
        self.source: str = row.source
        self.ref: str = row.ref
        self.day: dt.date = row.day if isinstance(row.day, dt.date) else dt.date.fromisoformat(str(row.day))
        self.count: int = int(row.count)
        self.first_seen = _utc(row.first_seen)
        self.last_seen = _utc(row.last_seen)
        self.who: str | None = row.who
        self.why: str | None = row.why
        self.tlp: str = row.tlp

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "kind": self.kind, "source": self.source,
                "ref": self.ref or None, "day": self.day.isoformat(), "count": self.count,
                "first_seen": self.first_seen.isoformat(), "last_seen": self.last_seen.isoformat(),
                "who": self.who, "why": self.why, "tlp": self.tlp}


#: A ``tlp=`` filter: levels, or a reader's :class:`Scope` (levels and the reports it may
#: not read); None: every sighting.
Shown: TypeAlias = Sequence[str] | Scope | None


def _shown(statement: Any, tlp: Shown) -> Any:
    return statement if tlp is None else statement.where(scope_where(_S, tlp))


def _claim(r: Any) -> tuple[Any, ...] | None:
    """The key of an outside claim (one with a ``ref``: a STIX sighting id, a MISP
    sighting uuid) whatever report or file carried it; None for a local row (each
    counts)."""
    return (r.type, r.value, r.kind, r.ref, str(r.day)) if r.ref else None


def find_sightings(kb: KnowledgeBase, values: Iterable[str], *, limit: int = 100,
                   tlp: Shown = None) -> list[StoredSighting]:
    """The stored sightings of these values (any type), newest first (``tlp``: only
    those with these markings, or those a reader's scope shows)."""
    wanted = sorted(set(values))
    if not wanted:
        return []
    try:
        with kb.engine.connect() as conn:
            rows = conn.execute(_shown(select(_T).where(_S.value.in_(wanted)), tlp)
                                .order_by(_S.last_seen.desc(), _S.id.desc()).limit(limit * 2))
            out: list[StoredSighting] = []
            claims: set[tuple[Any, ...]] = set()
            for r in rows:
                claim = _claim(r)
                if claim is not None:
                    if claim in claims:
                        continue  # the same claim, carried by another report
                    claims.add(claim)
                out.append(StoredSighting(r))
            return out[:limit]
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: reading sightings failed: {exc}") from exc


def _fold(rows: Iterable[Any]) -> dict[tuple[str, str], SightingSummary]:
    parts: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    claims: set[tuple[Any, ...]] = set()
    for r in rows:
        claim = _claim(r)
        if claim is not None:
            if claim in claims:
                continue  # the same outside claim in another report counts once
            claims.add(claim)
        held = parts[(r.type, r.value)]
        first, last = _utc(r.first_seen), _utc(r.last_seen)
        if r.kind == "seen":
            held["seen"] = held.get("seen", 0) + int(r.count)
            held["first_seen"] = min(held.get("first_seen", first), first)
            held["last_seen"] = max(held.get("last_seen", last), last)
            held.setdefault("sources", set()).add(r.source)
        elif r.kind == "false-positive":
            held["false_positives"] = held.get("false_positives", 0) + int(r.count)
            if "last_false_positive" not in held or last >= held["last_false_positive"]:
                held["last_false_positive"] = last
                held["false_positive_who"] = r.who
                held["false_positive_why"] = r.why
        elif r.kind == "expiration":
            held["expires"] = max(held.get("expires", last), last)
    out = {}
    for key, held in parts.items():
        held["sources"] = tuple(sorted(held.get("sources", ())))
        out[key] = SightingSummary(**held)
    return out


_SUMMARY_COLUMNS = (_S.type, _S.value, _S.kind, _S.source, _S.ref, _S.day, _S.count, _S.first_seen,
                    _S.last_seen, _S.who, _S.why)


def summaries(kb: KnowledgeBase, keys: Iterable[tuple[str, str]] | None = None, *,
              tlp: Shown = None) -> dict[tuple[str, str], SightingSummary]:
    """Per (type, value): its sightings folded (``keys`` None: every indicator sighted;
    ``tlp``: only sightings with these markings, or in a reader's scope, count)."""
    try:
        with kb.engine.connect() as conn:
            if keys is None:
                return _fold(conn.execute(_shown(select(*_SUMMARY_COLUMNS), tlp)))
            wanted = {(t, v) for t, v in keys}
            values = sorted({v for _, v in wanted})
            rows: list[Any] = []
            for start in range(0, len(values), _CHUNK):
                chunk = values[start:start + _CHUNK]
                query = _shown(select(*_SUMMARY_COLUMNS).where(_S.value.in_(chunk)), tlp)
                rows.extend(r for r in conn.execute(query) if (r.type, r.value) in wanted)
            return _fold(rows)
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: reading sightings failed: {exc}") from exc


def sightings_version(kb: KnowledgeBase) -> tuple[int, str | None]:
    """How many sighting rows and the newest recording time: changes with every write
    (the TAXII server rebuilds its snapshots when it does)."""
    with kb.engine.connect() as conn:
        count, newest = conn.execute(select(func.count(), func.max(_S.recorded_at))).one()
    return int(count), None if newest is None else str(newest)


def scores_for(
    kb: KnowledgeBase,
    indicators: Mapping[tuple[str, str], dt.date | dt.datetime | None],
    *,
    now: dt.datetime,
    settings: DecaySettings | None = None,
    tlp: Shown = None,
) -> dict[tuple[str, str], IndicatorScore]:
    """The score of each (type, value) at ``now``, given its last report's date (the one
    function behind every score unmask shows or exports)."""
    folded = summaries(kb, indicators.keys(), tlp=tlp)
    return {key: score_indicator(key[0], last, folded.get(key), now=now, settings=settings)
            for key, last in indicators.items()}


class IndicatorStatus:
    """What ``unmask ioc`` and the REST API add to an indicator: per type its score and
    its folded sightings, and the newest stored sighting rows."""

    __slots__ = ("recent", "scores", "summaries", "value")

    def __init__(self, value: str, scores: dict[str, IndicatorScore],
                 folded: dict[str, SightingSummary], recent: list[StoredSighting]) -> None:
        self.value = value
        self.scores = scores
        self.summaries = folded
        self.recent = recent

    @property
    def score(self) -> IndicatorScore | None:
        """The best score over the value's types (None when it has none)."""
        return max(self.scores.values(), key=lambda s: s.score, default=None)

    def to_dict(self) -> dict[str, Any]:
        best = self.score
        return {
            "score": best.to_dict() if best else None,
            "scores": {t: s.to_dict() for t, s in sorted(self.scores.items())},
            "sighting_summary": {t: s.to_dict() for t, s in sorted(self.summaries.items())},
            "recorded_sightings": [r.to_dict() for r in self.recent],
        }


def indicator_status(kb: KnowledgeBase, value: str, *, now: dt.datetime,
                     settings: DecaySettings | None = None, tlp: Shown = None,
                     result: Any = None, look_up: bool = True, limit: int = 20) -> IndicatorStatus | None:
    """The score and sightings of ``value`` at ``now`` (None when the base names it in no
    report and holds no sighting of it). ``result``: its ``find_indicator`` answer, if
    already read (a server passes the one it filtered by clearance); ``look_up=False``
    with no result: the reports are not read (none is visible), only the sightings."""
    found = result if result is not None or not look_up else kb.find_indicator(value)
    keys: dict[tuple[str, str], dt.date | dt.datetime | None] = {}
    if found is not None:
        last = _last_reported(found)
        for type_ in found.types:
            keys[(type_, found.value)] = last
        shown = found.value
    else:
        recent = find_sightings(kb, {value.strip(), value.strip().lower()}, limit=limit, tlp=tlp)
        if not recent:
            return None
        shown = recent[0].value
        for s in recent:
            keys.setdefault((s.type, s.value), None)
    folded = summaries(kb, keys.keys(), tlp=tlp)
    scored = {key: score_indicator(key[0], last, folded.get(key), now=now, settings=settings)
              for key, last in keys.items()}
    return IndicatorStatus(
        shown, {t: s for (t, _), s in scored.items()}, {t: s for (t, _), s in folded.items()},
        find_sightings(kb, {v for _, v in keys}, limit=limit, tlp=tlp),
    )


def indicator_score(kb: KnowledgeBase, value: str, *, now: dt.datetime,
                    settings: DecaySettings | None = None) -> dict[str, IndicatorScore]:
    """Per type of the stored indicator ``value``: its score at ``now`` (empty when the
    base names it in no report and holds no sighting of it)."""
    status = indicator_status(kb, value, now=now, settings=settings)
    return {} if status is None else status.scores


def _last_reported(result: Any) -> dt.date | None:
    """The newest date among the reports naming an indicator: its publication date, else
    the day it was ingested (an undated note is known since then)."""
    days = [r.report.published or (r.report.ingested_at.date() if r.report.ingested_at else None)
            for r in result.sightings]
    dated = [d for d in days if d is not None]
    if result.last_seen is not None:
        dated.append(result.last_seen)
    return max(dated) if dated else None
