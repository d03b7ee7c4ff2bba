"""Writing analyses into the knowledge base: rows from findings, in one transaction.

A document is inserted, or — when it is already stored from an older analysis —
its findings are deleted and rewritten, together with the per-actor counters
(``actor_stats``) they feed, inside the caller's transaction. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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
from sqlalchemy.exc import DBAPIError

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

__all__ = [
    "TLP_LEVELS", "Stamp", "analysis_version", "check_tlp", "normalise_name", "store_analyses",
    "store_analysis",
]

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
    aliases: Iterable[tuple[str | None, str, str]] = (),
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
    for claimed, norm, relation in aliases:
        if claimed:
            stat = (claimed, "alias", _key(norm, relation))
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
        aliases=[(s.actor_id, normalise_name(name), s.relation)
                 for s in analysis.alias_statements for name in s.names],
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
        aliases=[(r[0], r[1], r[2]) for r in rows(AliasClaimRow.actor_id, AliasClaimRow.norm,
                                                   AliasClaimRow.relation)],
    )


_UPSERT_STATS = (
    "INSERT INTO actor_stats (actor_id, kind, key, reports, mentions) "
    "VALUES ({m}, {m}, {m}, {m}, {m}) "
    "ON CONFLICT (actor_id, kind, key) DO UPDATE SET "
    "reports = actor_stats.reports + excluded.reports, "
    "mentions = actor_stats.mentions + excluded.mentions"
)


def _add_stats(conn: Connection, stats: Mapping[tuple[str, str, str], tuple[int, int]]) -> None:
    """Add (reports, mentions) to the counters of every (actor, kind, key) given."""
    if not stats:
        return
    rows = [(a, k, key, r, m) for (a, k, key), (r, m) in sorted(stats.items())]
    if conn.dialect.name == "postgresql":
        # One statement over arrays: psycopg's executemany would cost a round of
        # Python work per row (a report adds ~100 counters per actor).
        columns = list(zip(*rows, strict=True))
        conn.exec_driver_sql(
            _UPSERT_STATS.replace(
                "VALUES ({m}, {m}, {m}, {m}, {m})",
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::int[], %s::int[])",
            ),
            tuple(list(c) for c in columns),
        )
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(_UPSERT_STATS.format(m=mark), rows)


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


_EMPTY_JSON: dict[type, str] = {list: "[]", dict: "{}", tuple: "[]"}


def _bulk_insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows straight through the driver (no per-row SQLAlchemy processing):
    ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (psycopg's
    executemany costs a round of Python work per row; COPY streams them).

    Every row has the same keys; JSON columns are serialised here.
    """
    if not rows:
        return
    table = table_of(model)
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    params = [
        tuple(
            (json.dumps(row[c], ensure_ascii=False) if row[c] else _EMPTY_JSON[type(row[c])])
            if c in json_columns else row[c]
            for c in columns
        )
        for row in rows
    ]
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        statement = f"COPY {table.name} ({names}) FROM STDIN"
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor, cursor.copy(statement) as copy:
                for values in params:
                    copy.write_row(values)
        except dbapi_error as exc:
            # What SQLAlchemy raises for errors of statements it runs itself.
            raise DBAPIError.instance(statement, None, exc, dbapi_error,
                                      dialect=conn.dialect) from exc
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({names}) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
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
         "indicator": o.is_indicator, "role": o.role, "reasons": list(o.reasons)}
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


def _insert_findings(
    conn: Connection, stored: Sequence[tuple[Analysis, int]], *, newest: bool = True
) -> None:
    """Rows of every finding of several new (or emptied) documents, one INSERT per table.

    Also the per-document actor rows, events with their actors, the ``actor_stats``
    counters and the ``actors`` rows, all folded over the batch first. ``newest``: the
    documents have higher ids than every other stored one (new rows), so the ``actors``
    rows can be updated incrementally; otherwise they are recomputed.
    """
    per_table: dict[Any, list[dict[str, Any]]] = {}
    actor_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    event_owners: list[tuple[int, dt.date, set[str]]] = []
    stats: dict[tuple[str, str, str], tuple[int, int]] = {}
    for analysis, document_id in stored:
        for model, rows in _finding_rows(analysis, document_id):
            per_table.setdefault(model, []).extend(rows)
        actors = document_actors(analysis)
        published = _published(analysis)
        actor_rows.extend(
            {"document_id": document_id, "actor_id": actor_id, "name": name,
             "norm": normalise_name(name), "mentions": mentions, "published": published}
            for actor_id, (name, mentions) in actors.items()
        )
        only = next(iter(actors)) if len(actors) == 1 else None
        body = analysis.document.text
        for i, e in enumerate(analysis.events):
            event_rows.append(
                {"document_id": document_id, **_span(e), "ordinal": i, "kind": e.kind,
                 "date": e.date, "precision": e.precision, "start_date": e.start_date,
                 "date_surface": e.date_surface, "resolved": e.resolved,
                 "actor_ids": list(e.actor_ids), "target_values": list(e.target_values),
                 "confidence": e.confidence, "quote": quote_of(body, e.span)}
            )
            owners = set(e.actor_ids) or ({only} if only else set())
            event_owners.append((document_id, e.start_date, owners))
    for model, rows in per_table.items():
        _bulk_insert(conn, model, rows)
    for analysis, _ in stored:
        for stat, mentions in _stats_of_analysis(analysis).items():
            reports, total = stats.get(stat, (0, 0))
            stats[stat] = (reports + 1, total + mentions)
    _bulk_insert(conn, DocumentActorRow, actor_rows)
    if event_rows:
        events = table_of(EventRow)
        ids = conn.execute(
            insert(events).returning(events.c.id, sort_by_parameter_order=True), event_rows
        ).scalars().all()
        _bulk_insert(conn, EventActorRow, [
            {"event_id": event_id, "actor_id": actor_id, "document_id": document_id,
             "start_date": start}
            for event_id, (document_id, start, owners) in zip(ids, event_owners, strict=True)
            for actor_id in sorted(owners)
        ])
    if newest:
        # The actors rows first: counting an actor's new indicator rows (triggers on
        # actor_stats) needs its row.
        _bump_actors(conn, actor_rows)
        _add_stats(conn, stats)
    else:
        _add_stats(conn, stats)
        refresh_actors(conn, (row["actor_id"] for row in actor_rows))


_BUMP_ACTORS = (
    "INSERT INTO actors (actor_id, name, reports, first_seen, last_seen) "
    "VALUES ({m}, {m}, {m}, {m}, {m}) "
    "ON CONFLICT (actor_id) DO UPDATE SET "
    "reports = actors.reports + excluded.reports, "
    "name = CASE WHEN actors.last_seen IS NULL OR excluded.last_seen >= actors.last_seen "
    "THEN excluded.name ELSE actors.name END, "
    "first_seen = coalesce(CASE WHEN excluded.first_seen < actors.first_seen "
    "THEN excluded.first_seen ELSE actors.first_seen END, excluded.first_seen), "
    "last_seen = coalesce(CASE WHEN excluded.last_seen > actors.last_seen "
    "THEN excluded.last_seen ELSE actors.last_seen END, excluded.last_seen)"
)


def _bump_actors(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Fold newly stored ``document_actors`` rows into the ``actors`` rows (no rescans).

    The same result as :func:`refresh_actors` for documents newer than every stored one:
    reports counted up, first/last seen widened, and the name taken from the latest
    report (by date, then by document id; undated reports last).
    """
    if not rows:
        return
    folded: dict[str, list[Any]] = {}
    for row in rows:
        published = row["published"]
        rank = (published is not None, published or dt.date.min, row["document_id"])
        held = folded.get(row["actor_id"])
        if held is None:
            folded[row["actor_id"]] = [row["name"], 1, published, published, rank]
            continue
        held[1] += 1
        if published is not None:
            held[2] = published if held[2] is None else min(held[2], published)
            held[3] = published if held[3] is None else max(held[3], published)
        if rank > held[4]:
            held[0], held[4] = row["name"], rank
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        _BUMP_ACTORS.format(m=mark),
        [(actor_id, name, count, first, last)
         for actor_id, (name, count, first, last, _) in sorted(folded.items())],
    )


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
        indicators = conn.execute(
            select(func.count()).where(ActorStatRow.actor_id == actor_id,
                                       ActorStatRow.kind == "indicator")
        ).scalar_one()
        conn.execute(insert(table).values(actor_id=actor_id, name=name, reports=count,
                                          first_seen=first, last_seen=last,
                                          indicators=indicators))


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


def _fts_insert(conn: Connection, rows: Sequence[tuple[int, str | None, str]]) -> None:
    """Index (document id, title, text) rows for full-text search (SQLite; PostgreSQL
    keeps a generated column)."""
    if conn.dialect.name == "sqlite" and rows:
        conn.exec_driver_sql(
            "INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)",
            [(document_id, title or "", body) for document_id, title, body in rows],
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


def _insert_documents(
    conn: Connection,
    items: Sequence[tuple[Analysis, int | None, Stamp]],
    *,
    tlp: str | None,
    now: dt.datetime,
) -> list[int]:
    """Insert new documents (one multi-row INSERT … RETURNING), their findings and their
    attachments; their ids, in order."""
    table = table_of(DocumentRow)
    rows = []
    for analysis, parent_id, stamp in items:
        values = _document_values(analysis, stamp, now)
        values["metadata"] = values.pop("meta")
        rows.append({**values, "sha256": analysis.document.sha256, "tlp": tlp or "clear",
                     "parent_id": parent_id, "ingested_at": now})
    ids = list(conn.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    ).scalars())
    analyses = [analysis for analysis, _, _ in items]
    _fts_insert(conn, [(document_id, a.document.metadata.title, a.document.text)
                       for a, document_id in zip(analyses, ids, strict=True)])
    _insert_findings(conn, list(zip(analyses, ids, strict=True)))
    children = [(child, document_id, stamp)
                for (analysis, _, stamp), document_id in zip(items, ids, strict=True)
                for child in analysis.children]
    if children:
        store_analyses(conn, [c for c, _, _ in children], tlp=tlp,
                       stamps=[s for _, _, s in children], now=now,
                       parent_ids=[p for _, p, _ in children])
    return ids


def store_analyses(
    conn: Connection,
    analyses: Sequence[Analysis],
    *,
    tlp: str | None,
    stamps: Sequence[Stamp],
    now: dt.datetime,
    replace: bool = False,
    parent_ids: Sequence[int | None] | None = None,
) -> list[tuple[int, str]]:
    """:func:`store_analysis` for many analyses in the caller's transaction; the same
    results, but documents not stored yet are written together (one INSERT per table
    for the whole batch), which is what makes bulk loads fast."""
    parents = list(parent_ids) if parent_ids is not None else [None] * len(analyses)
    table = table_of(DocumentRow)
    shas = sorted({a.document.sha256 for a in analyses})
    stored: set[str] = set()
    for start in range(0, len(shas), 500):
        stored.update(conn.execute(
            select(table.c.sha256).where(table.c.sha256.in_(shas[start:start + 500]))
        ).scalars())
    fresh: list[int] = []
    for i, analysis in enumerate(analyses):
        if analysis.document.sha256 not in stored:
            stored.add(analysis.document.sha256)
            fresh.append(i)
    results: dict[int, tuple[int, str]] = {}
    if fresh:
        ids = _insert_documents(conn, [(analyses[i], parents[i], stamps[i]) for i in fresh],
                                tlp=tlp, now=now)
        results.update((i, (document_id, "added")) for i, document_id in zip(fresh, ids,
                                                                             strict=True))
    for i, analysis in enumerate(analyses):
        if i not in results:
            results[i] = store_analysis(conn, analysis, tlp=tlp, stamp=stamps[i], now=now,
                                        replace=replace, parent_id=parents[i])
    return [results[i] for i in range(len(analyses))]


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
    if existing is None:
        (document_id,) = _insert_documents(conn, [(analysis, parent_id, stamp)], tlp=tlp,
                                           now=now)
        return document_id, "added"
    document_id = existing.id
    if not replace and stamp.matches(
        existing.analyzer, existing.analysis_schema, existing.reference_versions or {}
    ):
        if tlp is not None and existing.tlp != tlp:
            conn.execute(update(table).where(table.c.id == document_id).values(tlp=tlp))
        return document_id, "unchanged"
    values = _document_values(analysis, stamp, now)
    _delete_findings(conn, document_id)
    _fts_delete(conn, document_id, existing.title, existing.text)
    meta = values.pop("meta")
    conn.execute(
        update(table)
        .where(table.c.id == document_id)
        .values(**values, metadata=meta, tlp=tlp or existing.tlp)
    )
    _fts_insert(conn, [(document_id, doc.metadata.title, doc.text)])
    _insert_findings(conn, [(analysis, document_id)], newest=False)
    for child in analysis.children:
        store_analysis(conn, child, tlp=tlp, stamp=stamp, now=now, replace=replace,
                       parent_id=document_id)
    return document_id, "replaced"


#: The parts of the package whose code decides what an analysis holds: the readers
#: (the text), the extractors, the pipeline, the model (the shapes), the compiled core.
_ANALYSIS_PACKAGES = ("documents", "extract", "pipeline", "model")


def analysis_version(root: Path | None = None, *, version: str | None = None) -> str:
    """The analyser stamp stored with each document: ``unmask <version>+<digest>``.

    The digest is a SHA-256 (first 12 hex digits) of the source of the readers,
    extractors, pipeline and model and of the compiled core under ``root`` (the
    installed package), so it changes whenever the code that makes an analysis
    changes, released or not; documents stored with another stamp are outdated
    (``unmask ingest --reanalyze-outdated``).
    """
    import importlib.metadata

    package = root or Path(__file__).resolve().parent.parent
    if version is None:
        try:
            version = importlib.metadata.version("unmask")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source tree
            version = "0.0.0"
    return f"unmask {version}+{_code_digest(package)}"


@functools.cache
def _code_digest(package: Path) -> str:
    digest = hashlib.sha256()
    files = [f for sub in _ANALYSIS_PACKAGES for f in (package / sub).rglob("*.py")]
    files += [f for f in package.glob("_core*") if f.suffix != ".pyi"]
    for path in sorted(files):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def stamp_for(analysis: Analysis, analyzer: str) -> Stamp:
    return Stamp(analyzer=analyzer, schema=SCHEMA_VERSION,
                 reference_versions=dict(analysis.reference_versions))
