"""The :class:`KnowledgeBase`: store analyses, then ask about actors, reports and indicators."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from unmask.documents.structure import structure_of_document
from unmask.errors import StoreError
from unmask.model import (
    ActorMention,
    AliasStatement,
    Analysis,
    Attachment,
    Attribution,
    Document,
    Event,
    MalwareMention,
    Metadata,
    Observable,
    Page,
    Skipped,
    Span,
    TargetMention,
    TechniqueMention,
)
from unmask.store import statements as q
from unmask.store.access import Scope, levels_of, scope_where, unreadable, write_access
from unmask.store.display import reveal_controls
from unmask.store.engine import create_store_engine, is_read_only, resolve_url, upgrade
from unmask.store.results import (
    ActorProfile,
    ActorSummary,
    AddResult,
    AliasLearned,
    Evidence,
    IndicatorRecord,
    IndicatorSighting,
    IndicatorStat,
    IocResult,
    NamedStat,
    ReportRef,
    SearchHit,
    TechniqueStat,
    TimelineEntry,
)
from unmask.store.schema import (
    ActorMentionRow,
    ActorRow,
    AliasClaimRow,
    AttributionRow,
    DocumentActorRow,
    DocumentRow,
    EventRow,
    MalwareRow,
    ObservableRow,
    TargetRow,
    TechniqueRow,
    table_of,
)
from unmask.store.search import search_rows
from unmask.store.sightings import record_analysis_sightings, remark_sightings
from unmask.store.write import (
    Stamp,
    analysis_version,
    check_tlp,
    normalise_name,
    stamp_for,
    store_analyses,
)

__all__ = ["KnowledgeBase", "open_existing", "open_kb"]

_DT = table_of(DocumentRow)
_D = _DT.c
_SEP = "\x1f"
_HL_START, _HL_END = "\u27e6", "\u27e7"
_QUOTE_MAX = 300

def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _analyzer_version() -> str:
    """The package version plus a digest of the analysing code (see
    :func:`unmask.store.write.analysis_version`)."""
    return analysis_version()


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _quote(value: str | None) -> str:
    quote = reveal_controls(" ".join((value or "").split()))
    return quote if len(quote) <= _QUOTE_MAX else quote[: _QUOTE_MAX - 1] + "…"


#: How often a write that lost a race with another writer is run again.
_WRITE_ATTEMPTS = 3


def _is_write_race(exc: IntegrityError | OperationalError) -> bool:
    """A unique-key clash on a document, or SQLite's busy / stale-snapshot refusal."""
    message = str(exc.orig).lower()
    if isinstance(exc, IntegrityError):
        return "unique" in message or "duplicate key" in message
    return "locked" in message or "busy" in message


class KnowledgeBase:
    """Analyses stored in SQLite or PostgreSQL, folded into one picture per actor.

    Open one with :func:`unmask.store.open`. Every write is one transaction; every
    query returns plain dataclasses with ``to_dict()`` for JSON.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], dt.datetime] = _utcnow,
        analyzer: str | None = None,
        show_paths: bool = True,
    ) -> None:
        self.engine = engine
        self._clock = clock
        self.analyzer = analyzer or _analyzer_version()
        #: Whether a report's source is answered as stored (the path it was ingested
        #: from) or as :func:`shared_source` gives it (what a server shows its callers).
        self.show_paths = show_paths

    def sharing(self) -> KnowledgeBase:
        """The same base (one engine), answering each report's source as
        :func:`shared_source` gives it: a server's callers learn a report's file name,
        not the folders of the machine it was ingested on."""
        return KnowledgeBase(self.engine, clock=self._clock, analyzer=self.analyzer, show_paths=False)

    def _source(self, stored: str) -> str:
        return stored if self.show_paths else shared_source(stored)

    # -- life cycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def read_only(self) -> bool:
        """True for a SQLite base opened read-only (not writable, or ``?mode=ro``)."""
        return is_read_only(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The base's clock (injectable: ``KnowledgeBase(engine, clock=...)``)."""
        return self._clock()

    def _read(self) -> Connection:
        return self.engine.connect()

    def _fail(self, action: str, exc: SQLAlchemyError) -> StoreError:
        return StoreError(f"knowledge base {self.url}: {action} failed: {exc}")

    # -- writing -----------------------------------------------------------------------

    def add_analysis(
        self, analysis: Analysis, *, tlp: str | None = None, replace: bool = False,
        org: str | None = None, audience: Sequence[str] | None = None,
    ) -> AddResult:
        """Store ``analysis`` (and its attachments' analyses) in one transaction.

        ``tlp`` marks the document (TLP 2.0: clear, green, amber, amber+strict, red);
        None keeps the marking of a document already stored, ``clear`` for a new one.

        The same content stored again is ``unchanged``; stored before by another
        analyser version or reference data it is ``replaced`` (all its findings
        rewritten); ``replace=True`` forces a rewrite.
        """
        return self.add_analyses([analysis], tlp=tlp, replace=replace, org=org, audience=audience)[0]

    def add_analyses(
        self, analyses: Sequence[Analysis], *, tlp: str | None = None, replace: bool = False,
        org: str | None = None, audience: Sequence[str] | None = None,
    ) -> list[AddResult]:
        """Store several analyses in one transaction (all or none).

        ``org`` / ``audience``: the organisation that owns them and the token names a
        RED report is for, recorded in the same transaction (see
        :mod:`unmask.store.access`); when neither is given a stored owner is kept."""
        marking = None if tlp is None else check_tlp(tlp)
        if self.read_only:
            raise StoreError(f"knowledge base {self.url} is open read-only: nothing can be "
                             "stored in it (open it with write access)")
        now = self._clock()
        stamps = [stamp_for(analysis, self.analyzer) for analysis in analyses]
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                return self._store(analyses, marking, now, replace, stamps, org, audience)
            except (IntegrityError, OperationalError) as exc:
                # Another writer stored one of these documents between our look-up and
                # our insert (a duplicate key; on SQLite a stale read snapshot). Running
                # the transaction again finds it stored: "unchanged", not a failure.
                if attempt + 1 < _WRITE_ATTEMPTS and _is_write_race(exc):
                    continue
                sources = ", ".join(a.document.source for a in analyses)
                raise self._fail(f"storing {sources}", exc) from exc
            except SQLAlchemyError as exc:
                sources = ", ".join(a.document.source for a in analyses)
                raise self._fail(f"storing {sources}", exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _store(self, analyses: Sequence[Analysis], marking: str | None, now: dt.datetime,
               replace: bool, stamps: Sequence[Stamp], org: str | None = None,
               audience: Sequence[str] | None = None) -> list[AddResult]:
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                # Take the write lock before the look-up, so the look-up sees every
                # document another process committed (no stale snapshot to upgrade).
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            if org is not None or audience is not None:
                # Before the documents: no reader sees them without their owner.
                write_access(conn, (a.document.sha256 for a in analyses), org=org,
                             audience=audience, now=now)
            stored = store_analyses(conn, analyses, tlp=marking, now=now, replace=replace,
                                    stamps=stamps)
            # Sightings a STIX bundle or MISP event reports (kept apart from the document).
            record_analysis_sightings(conn, analyses, now=now)
            return [AddResult(analysis.document.sha256, status, document_id)
                    for analysis, (document_id, status) in zip(analyses, stored, strict=True)]

    def set_access(self, sha256: str, *, org: str | None, audience: Sequence[str] | None) -> None:
        """Record the owner and RED audience of a stored report (see :mod:`unmask.store.access`)."""
        try:
            with self.engine.begin() as conn:
                write_access(conn, [sha256], org=org, audience=audience, now=self._clock())
        except SQLAlchemyError as exc:
            raise self._fail(f"recording who may read {sha256}", exc) from exc

    def set_tlp(self, sha256: str, tlp: str) -> bool:
        """Re-mark a stored document; False when it is not stored."""
        marking = check_tlp(tlp)
        with self.engine.begin() as conn:
            done = conn.execute(
                table_of(DocumentRow).update().where(_D.sha256 == sha256).values(tlp=marking)
            )
            if done.rowcount:
                remark_sightings(conn, sha256, marking)  # they are shown by its marking
        return bool(done.rowcount)

    def delete_document(self, sha256: str) -> bool:
        """Remove a document and everything found in it; False when it was not stored."""
        from unmask.store.write import _delete_findings, _fts_delete

        with self.engine.begin() as conn:
            row = conn.execute(
                select(_D.id, _D.title, _D.text).where(_D.sha256 == sha256)
            ).first()
            if row is None:
                return False
            children = conn.execute(select(_D.sha256).where(_D.parent_id == row.id)).scalars()
            child_shas = list(children)
            _delete_findings(conn, row.id)
            _fts_delete(conn, row.id, row.title, row.text)
            conn.execute(table_of(DocumentRow).delete().where(_D.id == row.id))
        for child in child_shas:
            self.delete_document(child)
        return True

    def is_current(self, sha256: str, reference_versions: Mapping[str, str]) -> bool:
        """True when ``sha256`` is stored from this analyser and reference data."""
        from unmask.model import SCHEMA_VERSION

        with self._read() as conn:
            row = conn.execute(
                select(_D.analyzer, _D.analysis_schema, _D.reference_versions).where(
                    _D.sha256 == sha256
                )
            ).first()
        if row is None:
            return False
        stamp = Stamp(self.analyzer, SCHEMA_VERSION, dict(reference_versions))
        return stamp.matches(row.analyzer, row.analysis_schema, row.reference_versions or {})

    def stats(self) -> dict[str, int]:
        """How many rows each table holds."""
        tables: dict[str, type[Any]] = {
            "documents": DocumentRow, "actors": ActorRow, "actor_mentions": ActorMentionRow,
            "alias_claims": AliasClaimRow, "observables": ObservableRow,
            "techniques": TechniqueRow, "targets": TargetRow, "attributions": AttributionRow,
            "malware": MalwareRow, "events": EventRow,
        }
        out: dict[str, int] = {}
        with self._read() as conn:
            for name, model in tables.items():
                count = conn.execute(select(func.count()).select_from(model)).scalar_one()
                out[name] = int(count)
        return out

    # -- helpers shared by queries -----------------------------------------------------

    def _report(self, row: Any, actors: Iterable[str] = (), mentions: int | None = None) -> ReportRef:
        return ReportRef(
            sha256=row.sha256, source=self._source(row.source), title=row.title,
            published=_as_date(row.published), tlp=row.tlp, format=row.format,
            ingested_at=_as_datetime(row.ingested_at), actors=tuple(actors), mentions=mentions,
        )

    @staticmethod
    def _report_columns() -> tuple[Any, ...]:
        return q.REPORT_COLUMNS

    def _actors_of(self, conn: Connection, document_ids: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        if not document_ids:
            return out
        for document_id, actor_id in conn.execute(q.ACTORS_OF, {"ids": list(document_ids)}):
            out[document_id].append(actor_id)
        return out

    @staticmethod
    def _evidence_columns(model: Any) -> tuple[Any, ...]:
        return q.evidence_columns(model)

    def _evidence(self, row: Any) -> Evidence:
        return Evidence(
            sha256=row.sha256, source=self._source(row.source), title=row.title, start=row.span_start,
            end=row.span_end, quote=_quote(row.quote), published=_as_date(row.published),
        )

    # -- actors ------------------------------------------------------------------------

    def find_actor_ids(self, name: str, *, tlp: Sequence[str] | Scope | None = None) -> list[str]:
        """Actor ids stored under ``name``: an id, a canonical name, a surface or a learned alias.

        ``tlp``: only what reports with these markings say counts (an alias learned only
        from a report above them does not resolve).
        """
        norm = normalise_name(name)
        found: Counter[str] = Counter()
        shown = None
        if tlp is not None:
            shown = select(_D.id).where(scope_where(_D, tlp))

        def seen(column: Any) -> Any:
            return True if shown is None else column.in_(shown)

        with self._read() as conn:
            for candidate in {name.strip(), name.strip().upper()}:
                hit = conn.execute(
                    select(func.count()).where(DocumentActorRow.actor_id == candidate,
                                               seen(DocumentActorRow.document_id))
                ).scalar_one()
                if hit:
                    found[candidate] += 10**9 + int(hit)
            if not norm:
                return [a for a, _ in found.most_common()]
            for actor_id, count in conn.execute(
                select(DocumentActorRow.actor_id, func.count())
                .where(DocumentActorRow.norm == norm, seen(DocumentActorRow.document_id))
                .group_by(DocumentActorRow.actor_id)
            ):
                found[actor_id] += 10**6 + int(count)
            for (actor_id,) in conn.execute(
                select(ActorMentionRow.actor_id)
                .where(ActorMentionRow.norm == norm, seen(ActorMentionRow.document_id))
                .distinct()
            ):
                found[actor_id] += 1000
            for (claimed,) in conn.execute(
                select(AliasClaimRow.actor_id)
                .where(AliasClaimRow.norm == norm, AliasClaimRow.actor_id.is_not(None),
                       seen(AliasClaimRow.document_id))
                .distinct()
            ):
                if claimed:
                    found[claimed] += 1
        # Ties (the same weight) go by id, so the answer does not depend on row order.
        return [a for a, _ in sorted(found.items(), key=lambda item: (-item[1], item[0]))]

    def find_actors(self, *, limit: int = 100, offset: int = 0) -> list[ActorSummary]:
        """Resolved actors with reports in the store, most reported first."""
        with self._read() as conn:
            rows = conn.execute(
                select(ActorRow.actor_id, ActorRow.name, ActorRow.reports, ActorRow.first_seen,
                       ActorRow.last_seen)
                .order_by(ActorRow.reports.desc(), ActorRow.actor_id)
                .limit(limit).offset(offset)
            )
            return [ActorSummary(r.actor_id, r.name, int(r.reports), _as_date(r.first_seen),
                                 _as_date(r.last_seen)) for r in rows]

    def actor_profile(
        self,
        actor: str,
        *,
        reports: int = 50,
        techniques: int = 100,
        indicators: int = 100,
        items: int = 50,
        timeline: int = 200,
        evidence: int = 2,
        tlp: Sequence[str] | Scope | None = None,
    ) -> ActorProfile | None:
        """Everything known about ``actor`` (an actor id, or a name the store knows).

        ``tlp`` (levels or a :class:`~unmask.store.access.Scope`) limits what other
        actors' reports may add to it: a name is contested by another actor only when a
        report the caller may read files it there.

        Lists are cut to the given sizes (most reports first); ``limits`` in the result
        says where. Returns None when the store knows nothing about the actor.
        """
        actor_id: str = actor
        try:
            with self._read() as conn:
                if not self._has_actor(conn, actor_id):
                    ids = self.find_actor_ids(actor)
                    if not ids:
                        return None
                    actor_id = ids[0]
                return self._profile(conn, actor_id, reports, techniques, indicators, items,
                                     timeline, evidence, tlp)
        except SQLAlchemyError as exc:
            raise self._fail(f"profile of {actor!r}", exc) from exc

    @staticmethod
    def _has_actor(conn: Connection, actor_id: str) -> bool:
        params = {"actor_id": actor_id}
        return (
            conn.execute(q.HAS_ACTOR, params).first() is not None
            or conn.execute(q.HAS_CLAIM, params).first() is not None
        )

    def _profile(
        self, conn: Connection, actor_id: str, n_reports: int, n_techniques: int,
        n_indicators: int, n_items: int, n_timeline: int, n_evidence: int,
        tlp: Sequence[str] | Scope | None = None,
    ) -> ActorProfile:
        span = conn.execute(q.ACTOR_SPAN, {"actor_id": actor_id}).first()
        count, first, last, indicator_count = span if span is not None else (0, None, None, 0)
        wanted = max(n_reports, 50)
        # Dated reports newest first, then undated ones: two index-ordered reads (one
        # "published DESC NULLS LAST" ordering would sort every report of the actor on
        # PostgreSQL).
        report_rows: list[Any] = list(conn.execute(
            q.ACTOR_REPORTS_DATED, {"actor_id": actor_id, "limit": wanted}
        ))
        if len(report_rows) < wanted:
            report_rows += conn.execute(
                q.ACTOR_REPORTS_UNDATED,
                {"actor_id": actor_id, "limit": wanted - len(report_rows)},
            ).all()
        recent_ids = [r.id for r in report_rows[:50]]
        name = report_rows[0].name if report_rows else actor_id
        actors_of = self._actors_of(conn, recent_ids[:n_reports])
        report_refs = tuple(
            self._report(r, actors_of.get(r.id, ()), r.mentions) for r in report_rows[:n_reports]
        )

        limits = {"name": n_items, "technique": n_techniques, "target": n_items,
                  "malware": n_items, "attribution": n_items, "indicator": n_indicators,
                  "alias": 200}
        stat_rows: dict[str, list[Any]] = {kind: [] for kind in q.PROFILE_STAT_KINDS}
        for row in conn.execute(q.PROFILE_STATS, {
            "actor_id": actor_id, **{f"limit_{k}": limits[k] for k in q.PROFILE_STAT_KINDS}
        }):
            stat_rows[row.kind].append(row)
        names = _merge_names(stat_rows["name"])
        technique_stats = self._technique_stats(
            conn, actor_id, recent_ids, stat_rows["technique"], n_evidence,
            report_count=int(count),
        )
        targets = []
        for r in stat_rows["target"]:
            role, kind, value = [*r.key.split(_SEP), "", "", ""][:3]
            targets.append(NamedStat(kind, value, r.reports, r.mentions, role=role))
        malware = []
        for r in stat_rows["malware"]:
            malware_id, kind, label = [*r.key.split(_SEP), "", "", ""][:3]
            malware.append(NamedStat(kind or "malware", malware_id, r.reports, r.mentions,
                                     label=label or None))
        attributions = []
        for r in stat_rows["attribution"]:
            kind, value = [*r.key.split(_SEP), "", ""][:2]
            attributions.append(NamedStat(kind, value, r.reports, r.mentions))
        indicator_rows = stat_rows["indicator"]
        indicator_stats = []
        for r in indicator_rows:
            kind, value = [*r.key.split(_SEP), "", ""][:2]
            indicator_stats.append(IndicatorStat(kind, value, r.reports, r.mentions))

        return ActorProfile(
            actor_id=actor_id,
            name=name,
            report_count=int(count),
            first_seen=_as_date(first),
            last_seen=_as_date(last),
            names=names,
            reports=report_refs,
            techniques=technique_stats,
            targets=tuple(targets),
            indicators=tuple(indicator_stats),
            indicator_count=int(indicator_count),
            malware=tuple(malware),
            attributions=tuple(attributions),
            timeline=self._timeline(conn, actor_id, n_timeline),
            aliases=self._aliases(conn, actor_id, stat_rows["alias"], tlp),
            limits={"reports": n_reports, "techniques": n_techniques,
                    "indicators": n_indicators, "items": n_items, "timeline": n_timeline,
                    "evidence": n_evidence},
        )

    def _technique_stats(
        self, conn: Connection, actor_id: str, recent_ids: Sequence[int], stats: list[Any],
        n_evidence: int, *, report_count: int,
    ) -> tuple[TechniqueStat, ...]:
        """Counts from actor_stats; evidence from the latest reports (``complete`` when
        those are all the actor's reports, else older ones are searched as needed)."""
        if not stats:
            return ()
        complete = len(recent_ids) >= report_count
        wanted = {r.key for r in stats}
        chosen: dict[str, list[Any]] = defaultdict(list)

        def pick(candidates: Iterable[Any]) -> None:
            # Newest report first, the most confident mention of each technique in it.
            for row in sorted(candidates, key=lambda r: (-r.document_id, -r.confidence, r.id)):
                held = chosen[row.technique_id]
                if len(held) < n_evidence and all(h.document_id != row.document_id
                                                  for h in held):
                    held.append(row)

        if recent_ids:
            # Candidates are small rows; only the chosen ones are read with their report
            # and quote. The newest ten reports first (all their mentions), then only
            # the techniques still short of evidence in the others.
            newest = sorted(recent_ids, reverse=True)
            pick(r for r in conn.execute(q.TECHNIQUES_IN, {"ids": newest[:10]}).all()
                 if r.technique_id in wanted)
            short = sorted(t for t in wanted if len(chosen[t]) < n_evidence)
            if short and newest[10:]:
                pick(conn.execute(q.TECHNIQUES_IN_REPORTS,
                                  {"techniques": short, "ids": newest[10:]}).all())
        missing = sorted(t for t in wanted if not chosen.get(t))
        if missing and not complete:
            # Techniques the latest reports do not show: looked up in the actor's other
            # reports when they are not too many, else along each technique's mentions
            # (stopping at the first few).
            if report_count <= 2000:
                recent = set(recent_ids)
                older = [d for d in conn.execute(q.ACTOR_DOCUMENTS, {"actor_id": actor_id})
                         .scalars() if d not in recent]
                for start in range(0, len(older), 1000):
                    pick(conn.execute(q.TECHNIQUES_IN_REPORTS, {
                        "techniques": missing, "ids": older[start:start + 1000]}).all())
            else:
                for technique_id in missing:
                    pick(conn.execute(q.TECHNIQUE_FALLBACK, {
                        "actor_id": actor_id, "technique_id": technique_id,
                        "limit": n_evidence}))
        found: dict[str, list[Any]] = defaultdict(list)
        names: dict[str, str] = {}
        order = [r.id for held in chosen.values() for r in held]
        if order:
            by_id = {r.id: r for r in conn.execute(q.TECHNIQUE_EVIDENCE, {"ids": order})}
            for technique_id, held in chosen.items():
                for r in held:
                    row = by_id[r.id]
                    names.setdefault(technique_id, row.name)
                    found[technique_id].append(row)
        return tuple(
            TechniqueStat(
                technique_id=r.key, name=names.get(r.key, ""), reports=r.reports,
                mentions=r.mentions,
                evidence=tuple(self._evidence(e) for e in found.get(r.key, [])),
            )
            for r in stats
        )

    def _timeline(self, conn: Connection, actor_id: str, limit: int) -> tuple[TimelineEntry, ...]:
        """The actor's ``limit`` oldest (kind, date, precision) groups with their report
        counts, read oldest first in pages until that many groups are complete."""
        groups: dict[tuple[str, str, str], list[Any]] = {}
        since = dt.date.min
        page = limit + limit // 4 + 16
        while limit > 0:
            rows = conn.execute(q.TIMELINE_ROWS, {"actor_id": actor_id, "since": since,
                                                  "limit": page}).all()
            full = len(rows) == page
            if full:
                # The last date may go on past the page: fold it from the next page.
                last = rows[-1].start_date
                since = _as_date(last) or since
                rows = [r for r in rows if r.start_date != last]
                if not rows:
                    page *= 2
                    continue
            for event_id, kind, date, precision, start, document_id in rows:
                held = groups.get((kind, date, precision))
                if held is None:
                    groups[(kind, date, precision)] = [start, {document_id}, event_id]
                else:
                    held[1].add(document_id)
                    held[2] = min(held[2], event_id)
            if not full or len(groups) >= limit:
                break
        if not groups:
            return ()
        ordered = sorted(groups.items(), key=lambda g: (g[1][0], g[0][0], g[0][1], g[0][2]))
        ordered = ordered[:limit]
        evidence = {
            row.id: self._evidence(row)
            for row in conn.execute(q.TIMELINE_EVIDENCE, {"ids": [g[2] for _, g in ordered]})
        }
        return tuple(
            TimelineEntry(date, precision, kind, len(docs), evidence[first_id])
            for (kind, date, precision), (_, docs, first_id) in ordered
        )

    def _aliases(
        self, conn: Connection, actor_id: str, groups: list[Any],
        tlp: Sequence[str] | Scope | None = None,
    ) -> tuple[AliasLearned, ...]:
        """The names reports claim for the actor, each with what the base makes of it.

        The actor's own name is left out. A name the reference data files under another
        actor, or that other reports claim for another actor, is ``contested``; one the
        reference data already gives this actor is ``known``; otherwise two or more
        independent publishers make it ``proposed`` and one only ``single-source``.
        """
        from unmask.reference.actors import load_actor_graph

        graph = load_actor_graph()
        own = graph.get(actor_id)
        own_name = normalise_name(own.name) if own is not None else None
        out = []
        for group in groups:
            norm, relation = [*group.key.split(_SEP), "", ""][:2]
            if norm == own_name or norm == normalise_name(actor_id):
                continue
            params = {"actor_id": actor_id, "norm": norm, "relation": relation}
            name = conn.execute(q.ALIAS_NAME, params).scalar() or norm
            sources = tuple(self._evidence(r) for r in conn.execute(q.ALIAS_SOURCES, params))
            publishers = {_publisher(document_id, meta)
                          for document_id, meta in conn.execute(q.ALIAS_CLAIM_DOCUMENTS, params)}
            elsewhere = q.ALIAS_OTHER_ACTORS
            if tlp is not None:
                elsewhere = elsewhere.where(AliasClaimRow.document_id.in_(
                    select(_D.id).where(scope_where(_D, tlp))))
            others = {str(a) for (a,) in conn.execute(elsewhere, params)}
            reference = graph.resolve(name)
            if reference is not None and reference.id != actor_id:
                others.add(reference.id)
            if others:
                status = "contested"
            elif reference is not None:
                status = "known"
            elif len(publishers) >= 2:
                status = "proposed"
            else:
                status = "single-source"
            out.append(AliasLearned(name, relation, int(group.reports), sources, status=status,
                                    independent=len(publishers), others=tuple(sorted(others))))
        return tuple(out)

    # -- reports -----------------------------------------------------------------------

    def find_reports(
        self,
        *,
        actor: str | None = None,
        technique: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        tlp: Sequence[str] | Scope | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ReportRef]:
        """Stored reports, newest first, filtered by actor, technique, date and TLP
        (``tlp``: levels, or a :class:`~unmask.store.access.Scope`)."""
        query = select(*self._report_columns())
        try:
            with self._read() as conn:
                if actor is not None:
                    ids = [actor] if self._has_actor(conn, actor) else self.find_actor_ids(actor)
                    if not ids:
                        return []
                    query = query.where(
                        _D.id.in_(
                            select(DocumentActorRow.document_id).where(
                                DocumentActorRow.actor_id.in_(ids)
                            )
                        )
                    )
                if technique is not None:
                    technique_id = technique.strip().upper()
                    query = query.where(
                        _D.id.in_(
                            select(TechniqueRow.document_id).where(
                                TechniqueRow.technique_id == technique_id
                            )
                        )
                    )
                if since is not None:
                    query = query.where(_D.published >= since)
                if until is not None:
                    query = query.where(_D.published <= until)
                if tlp is not None and levels_of(tlp):
                    query = query.where(scope_where(_D, tlp))
                rows = list(
                    conn.execute(
                        query.order_by(_D.published.desc().nulls_last(), _D.id.desc())
                        .limit(limit).offset(offset)
                    )
                )
                actors_of = self._actors_of(conn, [r.id for r in rows])
        except SQLAlchemyError as exc:
            raise self._fail("listing reports", exc) from exc
        return [self._report(r, actors_of.get(r.id, ())) for r in rows]

    def resolve_report(self, ref: str) -> str:
        """The sha256 of the report ``ref`` names: a hash, a hash prefix or a source.

        Raises :class:`StoreError` when nothing or several reports match.
        """
        ref = ref.strip()
        with self._read() as conn:
            candidates: list[Any] = []
            if re.fullmatch(r"[0-9a-fA-F]{6,64}", ref):
                candidates = list(
                    conn.execute(
                        select(_D.sha256, _D.source).where(_D.sha256.like(ref.lower() + "%"))
                        .limit(10)
                    )
                )
            if not candidates:
                candidates = list(
                    conn.execute(select(_D.sha256, _D.source).where(_D.source == ref).limit(10))
                )
            if not candidates:
                suffix = "/" + ref.lstrip("/")
                candidates = list(
                    conn.execute(
                        select(_D.sha256, _D.source)
                        .where(_D.source.like("%" + _escape_like(suffix), escape="\\"))
                        .limit(10)
                    )
                )
        if not candidates:
            raise StoreError(f"no report {ref!r} in the knowledge base {self.url} "
                             "(give its sha256, a prefix of it, or its source path)")
        if len({c.sha256 for c in candidates}) > 1:
            listed = "; ".join(f"{c.sha256[:12]} {c.source}" for c in candidates)
            raise StoreError(f"{ref!r} names several reports: {listed} (give more of the hash)")
        return str(candidates[0].sha256)

    def get_report(self, sha256: str) -> ReportRef | None:
        with self._read() as conn:
            row = conn.execute(
                select(*self._report_columns()).where(_D.sha256 == sha256)
            ).first()
            if row is None:
                return None
            actors = self._actors_of(conn, [row.id]).get(row.id, [])
        return self._report(row, actors)

    def get_analysis(self, sha256: str) -> Analysis | None:
        """The stored analysis of a document, rebuilt from its rows (with its attachments)."""
        try:
            with self._read() as conn:
                row = conn.execute(select(table_of(DocumentRow)).where(_D.sha256 == sha256)).first()
                if row is None:
                    return None
                return self._rebuild(conn, row)
        except SQLAlchemyError as exc:
            raise self._fail(f"reading {sha256}", exc) from exc

    def _rebuild(self, conn: Connection, row: Any) -> Analysis:
        meta = dict(row.metadata or {})
        metadata = Metadata(
            title=meta.get("title"), authors=tuple(meta.get("authors") or ()),
            published=_as_date(meta.get("published")), modified=_as_date(meta.get("modified")),
            url=self._source(meta["url"]) if meta.get("url") else meta.get("url"),
            site_name=meta.get("site_name"),
            language=meta.get("language"), extra=dict(meta.get("extra") or {}),
        )
        child_rows = list(
            conn.execute(select(table_of(DocumentRow)).where(_D.parent_id == row.id)
                         .order_by(_D.id))
        )
        children = tuple(self._rebuild(conn, child) for child in child_rows)
        document = Document(
            text=row.text, source=self._source(row.source), format=row.format, sha256=row.sha256,
            size=row.size, metadata=metadata,
            pages=tuple(Page(n, s, e) for n, s, e in meta.get("pages") or ()),
            attachments=tuple(
                Attachment(a.get("name"), a["content_type"], a["size"], a["sha256"])
                for a in meta.get("attachments") or ()
            ),
            children=tuple(c.document for c in children),
            warnings=tuple(meta.get("warnings") or ()),
        )

        def rows(model: Any) -> list[Any]:
            return list(conn.execute(select(model.__table__).where(model.document_id == row.id)
                                     .order_by(model.ordinal, model.id)))

        def span(r: Any) -> Span:
            return Span(r.span_start, r.span_end)

        statements: dict[int, list[Any]] = defaultdict(list)
        for r in rows(AliasClaimRow):
            statements[r.ordinal].append(r)
        alias_statements = tuple(
            AliasStatement(
                names=tuple(p.name for p in sorted(parts, key=lambda p: p.position)),
                span=span(parts[0]), relation=parts[0].relation, actor_id=parts[0].actor_id,
            )
            for _, parts in sorted(statements.items())
        )
        return Analysis(
            document=document,
            published=_as_date(row.published),
            observables=tuple(
                Observable(r.type, r.value, r.surface, span(r), tuple(r.benign_reasons),
                           r.role or "", tuple(r.reasons or ()))
                for r in rows(ObservableRow)
            ),
            actors=tuple(
                ActorMention(r.actor_id, r.name, r.surface, span(r), r.method, r.confidence,
                             tuple(r.candidates))
                for r in rows(ActorMentionRow)
            ),
            alias_statements=alias_statements,
            techniques=tuple(
                TechniqueMention(r.technique_id, r.name, span(r), r.method, r.confidence,
                                 tuple(r.tactics))
                for r in rows(TechniqueRow)
            ),
            targets=tuple(
                TargetMention(r.kind, r.value, r.surface, span(r), r.role, r.confidence)
                for r in rows(TargetRow)
            ),
            attributions=tuple(
                Attribution(r.kind, r.value, r.surface, span(r), tuple(r.actor_ids))
                for r in rows(AttributionRow)
            ),
            malware=tuple(
                MalwareMention(r.malware_id, r.name, r.surface, span(r), r.kind, r.method,
                               r.confidence)
                for r in rows(MalwareRow)
            ),
            events=tuple(
                Event(r.kind, r.date, r.precision, span(r), r.date_surface, tuple(r.actor_ids),
                      tuple(r.target_values), r.resolved, r.confidence)
                for r in rows(EventRow)
            ),
            skipped=tuple(
                Skipped(s["stage"], s["reason"], s["surface"],
                        Span(s["span"]["start"], s["span"]["end"]))
                for s in row.skipped or ()
            ),
            children=children,
            reference_versions=dict(row.reference_versions or {}),
            actor_summary=tuple(dict(a) for a in row.actor_summary or ()),
            # The passages are not stored: they are parsed again from the kept text by
            # the same parser the pipeline used, so spans say which passage they lie in.
            structure=structure_of_document(document),
        )

    # -- indicators --------------------------------------------------------------------

    def marking_of(self, sha256: str) -> str | None:
        """The TLP marking of the stored document ``sha256``, or None if it is not stored."""
        table = table_of(DocumentRow)
        try:
            with self._read() as conn:
                found = conn.execute(select(table.c.tlp).where(table.c.sha256 == sha256)).scalar()
        except SQLAlchemyError as exc:
            raise self._fail(f"marking of {sha256[:12]}", exc) from exc
        return str(found) if found is not None else None

    def find_indicator(self, value: str, *, limit: int = 100, parents: bool = True,
                       exact: bool = True, tlp: Sequence[str] | Scope | None = None) -> IocResult | None:
        """Where ``value`` (refanged, case-folded as needed) was seen, and with which actors.

        With ``parents`` (the default), a host name that is not stored itself is looked up
        as a log sweep matches it: the host of an asked URL, then each parent domain down to
        the registrable one (``a.b.evil.com`` -> ``b.evil.com`` -> ``evil.com``, never
        ``com`` or ``co.uk``); the result says so in ``matched`` and ``asked``. With
        ``exact=False`` only that fallback is tried (a caller for whom every report of the
        value as written is hidden must get the answer an unstored value gets). ``tlp`` (levels
        or a :class:`~unmask.store.access.Scope`): only reports the caller may read count,
        in the exact look-up and in the fallback alike.
        """
        from unmask.reference.values import lookup_forms, refang_value

        raw = value.strip()
        refanged = refang_value(raw)
        candidates = sorted(lookup_forms(raw))
        matched, asked = "exact", None
        try:
            with self._read() as conn:
                rows_of = q.IOC_ROWS if tlp is None else q.IOC_ROWS.where(scope_where(_D, tlp))
                joined = list(conn.execute(rows_of, {"values": candidates})) if exact else []
                if not joined and parents:
                    for how, host in _hosts_above(refanged):
                        joined = list(conn.execute(rows_of, {"values": [host]}))
                        if joined:
                            matched, asked = how, raw
                            break
        except SQLAlchemyError as exc:
            raise self._fail(f"looking up {value!r}", exc) from exc
        if not joined:
            return None
        rows: list[Any] = []
        seen_rows: set[int] = set()
        actors_of: dict[int, list[str]] = defaultdict(list)
        labels: dict[str, str] = {}
        for r in joined:
            if r.id not in seen_rows:
                seen_rows.add(r.id)
                rows.append(r)
            if r.actor_id is not None and r.actor_id not in actors_of[r.document_id]:
                actors_of[r.document_id].append(r.actor_id)
                labels.setdefault(r.actor_id, r.actor_name)
        document_ids = sorted({r.document_id for r in rows})
        per_actor: Counter[str] = Counter(
            a for document_id in document_ids for a in actors_of.get(document_id, ())
        )
        actors = sorted(
            (NamedStat("actor", a, n, 0, label=labels[a]) for a, n in per_actor.items()),
            key=lambda s: (-s.reports, s.value),
        )
        rows.sort(key=lambda r: (_as_date(r.published) or dt.date.min, r.document_id),
                  reverse=True)
        dates = [d for d in (_as_date(r.published) for r in rows) if d is not None]
        sightings: list[IndicatorSighting] = []
        seen_docs: set[int] = set()
        for r in rows:
            if r.document_id in seen_docs or len(sightings) >= limit:
                continue
            seen_docs.add(r.document_id)
            actors_here = tuple(actors_of.get(r.document_id, ()))
            sightings.append(
                IndicatorSighting(
                    report=self._report(r, actors_here), type=r.type, surface=r.surface,
                    benign_reasons=tuple(r.benign_reasons or ()), evidence=self._evidence(r),
                    actors=actors_here,
                )
            )
        return IocResult(
            value=rows[0].value,
            matched=matched,
            asked=asked,
            types=tuple(sorted({r.type for r in rows})),
            report_count=len(document_ids),
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            actors=tuple(actors),
            sightings=tuple(sightings),
        )

    def iter_indicators(
        self, types: Iterable[str] | None = None, *, batch: int = 5000
    ) -> Iterator[IndicatorRecord]:
        """Every distinct indicator (value, type), with its reports, dates and actors.

        Two reads: every report's date and actors (held in memory: a few tens of bytes
        per report), then the indicator rows in one streaming query ordered by value (a
        server-side cursor on PostgreSQL, ``batch`` rows at a time), folded value by
        value, so memory does not grow with the number of indicators. Benign
        observables (``indicator`` false) are left out; ``types`` keeps only those
        observable types.
        """
        statement = q.INDICATOR_STREAM
        if types is not None:
            wanted = sorted(set(types))
            if not wanted:
                return
            statement = statement.where(ObservableRow.type.in_(wanted))
        try:
            with self._read() as conn:
                context: dict[int, tuple[dt.date | None, tuple[tuple[str, str], ...]]] = {}
                for row in conn.execution_options(yield_per=batch).execute(q.DOCUMENT_CONTEXT):
                    held = context.get(row.id)
                    actors = held[1] if held else ()
                    if row.actor_id is not None:
                        actors = (*actors, (row.actor_id, row.actor_name))
                    context[row.id] = (_as_date(row.published), actors)
                result = conn.execution_options(yield_per=batch).execute(statement)
                key: tuple[str, str] | None = None
                documents: set[int] = set()
                for value, type_, document_id in result:
                    if key is None or value != key[0] or type_ != key[1]:
                        if key is not None:
                            yield _indicator_record(key, documents, context)
                        key = (value, type_)
                        documents = set()
                    documents.add(document_id)
                if key is not None:
                    yield _indicator_record(key, documents, context)
        except SQLAlchemyError as exc:
            raise self._fail("listing indicators", exc) from exc

    # -- full-text search --------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20,
               tlp: Sequence[str] | Scope | None = None) -> list[SearchHit]:
        """Reports matching ``query`` (words, "quoted phrases", OR, -excluded), best first.

        ``tlp``: only reports with these markings, ranked as if the others were not
        stored (see :mod:`unmask.store.search`). Raises
        :class:`~unmask.store.search.QueryLimitError` for a query over the limits and
        :class:`~unmask.store.search.SearchTimeoutError` past the time budget.
        """
        if not query.strip():
            raise StoreError("empty search query (give words to look for)")
        levels = None if tlp is None else levels_of(tlp)
        try:
            with self._read() as conn:
                excluded = unreadable(conn, tlp) if tlp is not None else frozenset()
                found = search_rows(conn, query, limit=limit, tlp=levels, excluded=excluded)
                actors_of = self._actors_of(conn, [row.id for row, _, _ in found])
        except SQLAlchemyError as exc:
            raise self._fail(f"searching {query[:100]!r}", exc) from exc
        hits = []
        for row, rank, marked in found:
            snippet, highlights = _split_highlights(reveal_controls(marked))
            hits.append(SearchHit(self._report(row, actors_of.get(row.id, ())), snippet,
                                  highlights, rank))
        return hits


def _indicator_record(
    key: tuple[str, str],
    documents: set[int],
    context: Mapping[int, tuple[dt.date | None, tuple[tuple[str, str], ...]]],
) -> IndicatorRecord:
    dates: list[dt.date] = []
    actors: dict[str, str] = {}
    for document_id in documents:
        published, named = context.get(document_id, (None, ()))
        if published is not None:
            dates.append(published)
        for actor_id, name in named:
            actors.setdefault(actor_id, name)
    return IndicatorRecord(
        value=key[0], type=key[1], reports=len(documents),
        first_seen=min(dates) if dates else None, last_seen=max(dates) if dates else None,
        actors=tuple(sorted(actors.items())),
    )


def _merge_names(rows: Sequence[Any]) -> tuple[NamedStat, ...]:
    """Surface names folded by case and spacing ("Kimsuky" + "kimsuky"), most used first.

    ``reports`` of a merged name is the largest of its spellings (a report may use both).
    """
    merged: dict[str, NamedStat] = {}
    for row in rows:
        norm = normalise_name(row.key) or row.key
        held = merged.get(norm)
        if held is None:
            merged[norm] = NamedStat("name", row.key, int(row.reports), int(row.mentions))
        else:
            merged[norm] = NamedStat("name", held.value, max(held.reports, int(row.reports)),
                                     held.mentions + int(row.mentions))
    return tuple(sorted(merged.values(), key=lambda n: (-n.reports, -n.mentions, n.value)))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _split_highlights(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain snippet text plus the [start, end) ranges that were highlighted."""
    marked = " ".join(marked.split())
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for part in re.split(f"([{_HL_START}{_HL_END}])", marked):
        if part == _HL_START:
            start = length
        elif part == _HL_END:
            if start is not None and length > start:
                ranges.append((start, length))
            start = None
        else:
            plain.append(part)
            length += len(part)
    return "".join(plain), tuple(ranges)


def shared_source(source: str) -> str:
    """A report's source as it may be shown to others: a URL without its user name,
    password, query and fragment (a feed's access key travels there); a local path as
    its file name (``/home/analyst/cases/acme/report.pdf`` -> ``report.pdf``)."""
    if "://" in source:
        parts = urlsplit(source)
        if parts.scheme and parts.netloc:
            host = parts.netloc.rpartition("@")[2]
            return urlunsplit((parts.scheme, host, parts.path, "", ""))
    name = source.replace("\\", "/").rstrip("/").rpartition("/")[2]
    return name or source


def open_kb(db_url: str | None = None, **kwargs: Any) -> KnowledgeBase:
    """Open (creating or upgrading) the knowledge base at ``db_url``.

    ``db_url`` defaults to ``UNMASK_DB``, else SQLite in the user data directory.
    """
    url = resolve_url(db_url)
    engine = create_store_engine(url)
    try:
        upgrade(engine)
    except StoreError:
        engine.dispose()
        raise
    return KnowledgeBase(engine, **kwargs)


def open_existing(db_url: str | None = None, **kwargs: Any) -> KnowledgeBase | None:
    """Like :func:`open_kb`, but None when the SQLite file does not exist yet.

    For read-only views (``unmask actor``) that should not create an empty database.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = resolve_url(db_url)
    try:
        parsed = make_url(url)
    except ArgumentError:  # open_kb raises the ConfigError that explains it
        return open_kb(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        from pathlib import Path

        if not database or database == ":memory:" or not Path(database).expanduser().exists():
            return None
    return open_kb(url, **kwargs)


def _publisher(document_id: int, meta: Any) -> str:
    """Who published a report, to tell independent reports apart: its site name, else
    its URL's host, else the report itself (reports of unknown origin count apart)."""
    if isinstance(meta, dict):
        site = meta.get("site_name")
        if isinstance(site, str) and site.strip():
            return "site:" + site.strip().casefold()
        url = meta.get("url")
        if isinstance(url, str) and "://" in url:
            host = url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0].casefold()
            return "host:" + host.removeprefix("www.")
    return f"document:{document_id}"


_HOST = re.compile(r"(?i)^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")


def _hosts_above(value: str) -> list[tuple[str, str]]:
    """(how, host) to try for a value not stored as written: an asked URL's host, then
    the parent domains of a host down to its registrable domain."""
    from unmask.reference.suffixes import load_suffixes

    value = value.strip().lower().rstrip(".")
    out: list[tuple[str, str]] = []
    if "://" in value:
        host = value.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = host.rsplit("@", 1)[-1].split(":", 1)[0]
        if not _HOST.match(host):
            return []
        out.append(("url-host", host))
        value = host
    if not _HOST.match(value):
        return out
    registrable = load_suffixes().registrable_domain(value)
    if registrable is None or registrable == value or not value.endswith("." + registrable):
        return out
    labels = value.split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        out.append(("parent-domain", parent))
        if parent == registrable:
            break
    return out

