"""Writing analyses into the knowledge base: rows from findings, in one transaction.

A document is inserted, or — when it is already stored from an older analysis —
its findings are deleted and rewritten, together with the per-actor counters
(``actor_stats``) they feed, inside the caller's transaction. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from unmask.model import SCHEMA_VERSION, Analysis
from unmask.store.schema import (
    ActorMentionRow,
    ActorRow,
    ActorStatRow,
    AliasClaimRow,
    AttributionRow,
    DocumentActorRow,
    DocumentRow,
    EventActorRow,
    EventRow,
    MalwareRow,
    ObservableRow,
    TargetRow,
    TechniqueRow,
    table_of,
)

__all__ = ["TLP_LEVELS", "Stamp", "check_tlp", "normalise_name", "store_analysis"]

#: TLP 2.0 markings, from most to least shareable.
TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")

_SEP = "\x1f"
_KEY_MAX = 1000

_FINDING_TABLES = (
    ActorMentionRow,
    AliasClaimRow,
    ObservableRow,
    TechniqueRow,
    TargetRow,
    AttributionRow,
    MalwareRow,
)


def check_tlp(tlp: str) -> str:
    """The canonical spelling of a TLP marking; ValueError names the valid ones."""
    value = tlp.strip().lower().removeprefix("tlp:")
    if value == "white":
        value = "clear"
    if value not in TLP_LEVELS:
        raise ValueError(f"TLP {tlp!r} is not one of {', '.join(TLP_LEVELS)}")
    return value


def normalise_name(name: str) -> str:
    """Case, spacing and punctuation folded away: "APT 43" == "apt-43" == "APT43"."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())[:250]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What produced an analysis; a stored document with another stamp is re-analysed."""

    analyzer: str
    schema: int
    reference_versions: Mapping[str, str]

    def matches(self, row_analyzer: str, row_schema: int, row_refs: Mapping[str, Any]) -> bool:
        return (
            self.analyzer == row_analyzer
            and self.schema == row_schema
            and dict(self.reference_versions) == dict(row_refs)
        )


def _key(*parts: str) -> str:
    return _SEP.join(parts)[:_KEY_MAX]


def _published(analysis: Analysis) -> dt.date | None:
    return analysis.published or analysis.document.metadata.published


def document_actors(analysis: Analysis) -> dict[str, tuple[str, int]]:
    """actor id -> (name, mentions) for one analysis (summary first, then mentions)."""
    out: dict[str, tuple[str, int]] = {}
    counts = Counter(m.actor_id for m in analysis.actors)
    for item in analysis.actor_summary:
        actor_id = str(item.get("id") or item.get("actor_id") or "")
        if not actor_id:
            continue
        mentions = item.get("mentions")
        count = mentions if isinstance(mentions, int) else counts.get(actor_id, 0)
        out[actor_id] = (str(item.get("name") or actor_id), count)
    for mention in analysis.actors:
        if mention.actor_id not in out:
            out[mention.actor_id] = (mention.name or mention.actor_id, counts[mention.actor_id])
    return out


def _stats(
    actors: Iterable[str],
    *,
    techniques: Iterable[str],
    targets: Iterable[tuple[str, str, str]],
    indicators: Iterable[tuple[str, str]],
    malware: Iterable[tuple[str, str, str]],
    attributions: Iterable[tuple[str, str, tuple[str, ...]]],
    names: Iterable[tuple[str, str]],
) -> dict[tuple[str, str, str], int]:
    """(actor, kind, key) -> mentions in one document; each key counts as one report."""
    actor_list = sorted(set(actors))
    per_doc: Counter[tuple[str, str]] = Counter()
    per_doc.update(("technique", t) for t in techniques)
    per_doc.update(("target", _key(role, kind, value)) for role, kind, value in targets)
    per_doc.update(("indicator", _key(kind, value)) for kind, value in indicators)
    per_doc.update(("malware", _key(m, kind, name)) for m, kind, name in malware)
    out: dict[tuple[str, str, str], int] = {}
    for actor in actor_list:
        for (kind, key), count in per_doc.items():
            out[(actor, kind, key)] = count
    single = actor_list[0] if len(actor_list) == 1 else None
    for kind, value, actor_ids in attributions:
        owners = [a for a in actor_ids if a in actor_list] if actor_ids else ([single] if single else [])
        for owner in owners:
            stat = (owner, "attribution", _key(kind, value))
            out[stat] = out.get(stat, 0) + 1
    for actor_id, surface in names:
        stat = (actor_id, "name", surface[:_KEY_MAX])
        out[stat] = out.get(stat, 0) + 1
    return out


def _stats_of_analysis(analysis: Analysis) -> dict[tuple[str, str, str], int]:
    return _stats(
        document_actors(analysis),
        techniques=[t.technique_id for t in analysis.techniques],
        targets=[(t.role, t.kind, t.value) for t in analysis.targets],
        indicators=[(o.type, o.value) for o in analysis.observables if o.is_indicator],
        malware=[(m.malware_id, m.kind, m.name) for m in analysis.malware],
        attributions=[(a.kind, a.value, a.actor_ids) for a in analysis.attributions],
        names=[(m.actor_id, m.surface) for m in analysis.actors],
    )


def _stats_of_stored(conn: Connection, document_id: int) -> dict[tuple[str, str, str], int]:
    def rows(*columns: Any) -> list[Any]:
        table = columns[0].class_
        return list(conn.execute(select(*columns).where(table.document_id == document_id)))

    return _stats(
        [r[0] for r in rows(DocumentActorRow.actor_id)],
        techniques=[r[0] for r in rows(TechniqueRow.technique_id)],
        targets=[(r[0], r[1], r[2]) for r in rows(TargetRow.role, TargetRow.kind, TargetRow.value)],
        indicators=[
            (r[0], r[1])
            for r in rows(ObservableRow.type, ObservableRow.value, ObservableRow.indicator)
            if r[2]
        ],
        malware=[(r[0], r[1], r[2]) for r in rows(MalwareRow.malware_id, MalwareRow.kind,
                                                   MalwareRow.name)],
        attributions=[
            (r[0], r[1], tuple(r[2] or ()))
            for r in rows(AttributionRow.kind, AttributionRow.value, AttributionRow.actor_ids)
        ],
        names=[(r[0], r[1]) for r in rows(ActorMentionRow.actor_id, ActorMentionRow.surface)],
    )


_UPSERT_STATS = (
    "INSERT INTO actor_stats (actor_id, kind, key, reports, mentions) VALUES ({m}, {m}, {m}, 1, {m}) "
    "ON CONFLICT (actor_id, kind, key) DO UPDATE SET "
    "reports = actor_stats.reports + excluded.reports, "
    "mentions = actor_stats.mentions + excluded.mentions"
)


def _add_stats(conn: Connection, stats: Mapping[tuple[str, str, str], int]) -> None:
    """Count one more report (and its mentions) for every (actor, kind, key) given."""
    if not stats:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        _UPSERT_STATS.format(m=mark),
        [(a, k, key, m) for (a, k, key), m in sorted(stats.items())],
    )


def _subtract_stats(conn: Connection, stats: Mapping[tuple[str, str, str], int]) -> None:
    if not stats:
        return
    table = table_of(ActorStatRow)
    stmt = (
        update(table)
        .where(
            and_(
                table.c.actor_id == bindparam("a"),
                table.c.kind == bindparam("k"),
                table.c.key == bindparam("key_"),
            )
        )
        .values(reports=table.c.reports - 1, mentions=table.c.mentions - bindparam("m"))
    )
    conn.execute(
        stmt,
        [{"a": a, "k": k, "key_": key, "m": m} for (a, k, key), m in sorted(stats.items())],
    )
    actors = sorted({a for a, _, _ in stats})
    conn.execute(delete(table).where(table.c.actor_id.in_(actors), table.c.reports <= 0))


def _bulk_insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows straight through the driver (no per-row SQLAlchemy processing).

    Every row has the same keys; JSON columns are serialised here.
    """
    if not rows:
        return
    table = table_of(model)
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    params = [
        tuple(
            json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c]
            for c in columns
        )
        for row in rows
    ]
    conn.exec_driver_sql(sql, params)


def _span(finding: Any) -> dict[str, int]:
    return {"span_start": finding.span.start, "span_end": finding.span.end}


def quote_of(text: str, span: Any, limit: int = 300) -> str:
    """The evidence text of a span: whitespace folded, cut to ``limit`` characters."""
    quote = " ".join(text[span.start : span.end].split())
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def _finding_rows(analysis: Analysis, document_id: int) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    base = {"document_id": document_id}
    text = analysis.document.text
    yield ActorMentionRow, [
        {**base, **_span(m), "ordinal": i, "actor_id": m.actor_id, "name": m.name,
         "surface": m.surface, "norm": normalise_name(m.surface), "method": m.method,
         "confidence": m.confidence, "candidates": list(m.candidates)}
        for i, m in enumerate(analysis.actors)
    ]
    yield AliasClaimRow, [
        {**base, **_span(s), "ordinal": i, "position": p, "name": name,
         "norm": normalise_name(name), "relation": s.relation, "actor_id": s.actor_id,
         "quote": quote_of(text, s.span)}
        for i, s in enumerate(analysis.alias_statements)
        for p, name in enumerate(s.names)
    ]
    yield ObservableRow, [
        {**base, **_span(o), "ordinal": i, "type": o.type, "value": o.value,
         "surface": o.surface, "benign_reasons": list(o.benign_reasons),
         "indicator": o.is_indicator}
        for i, o in enumerate(analysis.observables)
    ]
    yield TechniqueRow, [
        {**base, **_span(t), "ordinal": i, "technique_id": t.technique_id, "name": t.name,
         "tactics": list(t.tactics), "method": t.method, "confidence": t.confidence,
         "quote": quote_of(text, t.span)}
        for i, t in enumerate(analysis.techniques)
    ]
    yield TargetRow, [
        {**base, **_span(t), "ordinal": i, "kind": t.kind, "value": t.value,
         "surface": t.surface, "role": t.role, "confidence": t.confidence}
        for i, t in enumerate(analysis.targets)
    ]
    yield AttributionRow, [
        {**base, **_span(a), "ordinal": i, "kind": a.kind, "value": a.value,
         "surface": a.surface, "actor_ids": list(a.actor_ids)}
        for i, a in enumerate(analysis.attributions)
    ]
    yield MalwareRow, [
        {**base, **_span(m), "ordinal": i, "malware_id": m.malware_id, "name": m.name,
         "kind": m.kind, "surface": m.surface, "method": m.method, "confidence": m.confidence}
        for i, m in enumerate(analysis.malware)
    ]


def _insert_findings(conn: Connection, analysis: Analysis, document_id: int) -> None:
    for table, rows in _finding_rows(analysis, document_id):
        _bulk_insert(conn, table, rows)
    actors = document_actors(analysis)
    published = _published(analysis)
    if actors:
        _bulk_insert(
            conn,
            DocumentActorRow,
            [
                {"document_id": document_id, "actor_id": actor_id, "name": name,
                 "norm": normalise_name(name), "mentions": mentions, "published": published}
                for actor_id, (name, mentions) in actors.items()
            ],
        )
    if analysis.events:
        event_rows = [
            {"document_id": document_id, **_span(e), "ordinal": i, "kind": e.kind,
             "date": e.date, "precision": e.precision, "start_date": e.start_date,
             "date_surface": e.date_surface, "resolved": e.resolved,
             "actor_ids": list(e.actor_ids), "target_values": list(e.target_values),
             "confidence": e.confidence, "quote": quote_of(analysis.document.text, e.span)}
            for i, e in enumerate(analysis.events)
        ]
        ids = conn.execute(
            insert(EventRow).returning(EventRow.id, sort_by_parameter_order=True), event_rows
        ).scalars().all()
        only = next(iter(actors)) if len(actors) == 1 else None
        links: list[dict[str, Any]] = []
        for event_id, event in zip(ids, analysis.events, strict=True):
            owners = set(event.actor_ids) or ({only} if only else set())
            links.extend(
                {"event_id": event_id, "actor_id": actor_id, "document_id": document_id,
                 "start_date": event.start_date}
                for actor_id in sorted(owners)
            )
        _bulk_insert(conn, EventActorRow, links)
    _add_stats(conn, _stats_of_analysis(analysis))
    refresh_actors(conn, actors)


def refresh_actors(conn: Connection, actor_ids: Iterable[str]) -> None:
    """Recompute the ``actors`` rows of ``actor_ids`` from their reports (index-only work)."""
    da = DocumentActorRow
    table = table_of(ActorRow)
    for actor_id in sorted(set(actor_ids)):
        count, first, last = conn.execute(
            select(func.count(), func.min(da.published), func.max(da.published)).where(
                da.actor_id == actor_id
            )
        ).one()
        conn.execute(delete(table).where(table.c.actor_id == actor_id))
        if not count:
            continue
        name = conn.execute(
            select(da.name).where(da.actor_id == actor_id)
            .order_by(da.published.desc().nulls_last(), da.document_id.desc()).limit(1)
        ).scalar_one()
        conn.execute(insert(table).values(actor_id=actor_id, name=name, reports=count,
                                          first_seen=first, last_seen=last))


def _delete_findings(conn: Connection, document_id: int) -> None:
    stale = list(conn.execute(
        select(DocumentActorRow.actor_id).where(DocumentActorRow.document_id == document_id)
    ).scalars())
    _subtract_stats(conn, _stats_of_stored(conn, document_id))
    for table in (EventActorRow, EventRow, DocumentActorRow, *_FINDING_TABLES):
        conn.execute(delete(table).where(table.document_id == document_id))
    refresh_actors(conn, stale)


def _document_values(analysis: Analysis, stamp: Stamp, now: dt.datetime) -> dict[str, Any]:
    doc = analysis.document
    meta = doc.metadata.to_dict()
    meta["pages"] = [[p.number, p.start, p.end] for p in doc.pages]
    meta["attachments"] = [a.to_dict() for a in doc.attachments]
    meta["warnings"] = list(doc.warnings)
    return {
        "source": doc.source,
        "format": doc.format,
        "title": doc.metadata.title,
        "published": _published(analysis),
        "size": doc.size,
        "meta": meta,
        "text": doc.text,
        "analyzed_at": now,
        "analysis_schema": stamp.schema,
        "analyzer": stamp.analyzer,
        "reference_versions": dict(stamp.reference_versions),
        "actor_summary": [dict(item) for item in analysis.actor_summary],
        "skipped": [s.to_dict() for s in analysis.skipped],
    }


def _fts_insert(conn: Connection, document_id: int, title: str | None, body: str) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(
            text("INSERT INTO documents_fts(rowid, title, text) VALUES (:id, :title, :text)"),
            {"id": document_id, "title": title or "", "text": body},
        )


def _fts_delete(conn: Connection, document_id: int, title: str | None, body: str) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
                "VALUES ('delete', :id, :title, :text)"
            ),
            {"id": document_id, "title": title or "", "text": body},
        )


def store_analysis(
    conn: Connection,
    analysis: Analysis,
    *,
    tlp: str | None,
    stamp: Stamp,
    now: dt.datetime,
    replace: bool = False,
    parent_id: int | None = None,
) -> tuple[int, str]:
    """Insert or re-write one analysis (and its children); (document id, status).

    ``tlp`` None keeps a stored document's marking (new documents get ``clear``).
    """
    doc = analysis.document
    table = table_of(DocumentRow)
    existing = conn.execute(
        select(
            table.c.id, table.c.analyzer, table.c.analysis_schema,
            table.c.reference_versions, table.c.tlp, table.c.title, table.c.text,
        ).where(table.c.sha256 == doc.sha256)
    ).first()
    values = _document_values(analysis, stamp, now)
    if existing is None:
        document_id = conn.execute(
            insert(table).returning(table.c.id),
            [{**values, "metadata": values.pop("meta"), "sha256": doc.sha256,
              "tlp": tlp or "clear",
              "parent_id": parent_id, "ingested_at": now}],
        ).scalar_one()
        _fts_insert(conn, document_id, doc.metadata.title, doc.text)
        _insert_findings(conn, analysis, document_id)
        status = "added"
    else:
        document_id = existing.id
        if not replace and stamp.matches(
            existing.analyzer, existing.analysis_schema, existing.reference_versions or {}
        ):
            if tlp is not None and existing.tlp != tlp:
                conn.execute(update(table).where(table.c.id == document_id).values(tlp=tlp))
            return document_id, "unchanged"
        _delete_findings(conn, document_id)
        _fts_delete(conn, document_id, existing.title, existing.text)
        meta = values.pop("meta")
        conn.execute(
            update(table)
            .where(table.c.id == document_id)
            .values(**values, metadata=meta, tlp=tlp or existing.tlp)
        )
        _fts_insert(conn, document_id, doc.metadata.title, doc.text)
        _insert_findings(conn, analysis, document_id)
        status = "replaced"
    for child in analysis.children:
        store_analysis(conn, child, tlp=tlp, stamp=stamp, now=now, replace=replace,
                       parent_id=document_id)
    return document_id, status


def stamp_for(analysis: Analysis, analyzer: str) -> Stamp:
    return Stamp(analyzer=analyzer, schema=SCHEMA_VERSION,
                 reference_versions=dict(analysis.reference_versions))
