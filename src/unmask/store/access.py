"""Who may read a report beyond its TLP level: the owning organisation and a RED audience.

TLP 2.0 limits AMBER+STRICT to the recipient's own organisation and RED to the named
recipients. A report keeps both in ``report_access`` (by sha256, so a re-ingest keeps
them): ``org``, the organisation that owns it (None: the server's own, one per server
unless ``unmask ingest --org`` says otherwise), and ``audience``, the token names a RED
report is for (``unmask ingest --tlp red --audience NAME[,NAME]``; None: every reader
of the organisation cleared for RED).

:func:`may_read` is the one rule, for a :class:`Reader` (a stored token's organisation
and name; None stands for the server's own ``--token`` or a server without tokens,
which read everything up to the ceiling). A view asks :func:`report_scope` for the
reports at its levels the reader may not read and those it may, and filters every store
query with a :class:`Scope` (the levels, the first set, and the second as an allow-list
at the scoped levels), so that such a report counts nowhere: lists, counts, search
ranks, profiles, exports and TAXII alike. The allow-list makes the scope fail closed: a
report another process stores after the view read the sets (a view re-reads them at
most once a second) is hidden at the scoped levels until the view has read it. Sightings keep the
sha256 of the report that carried them (:mod:`unmask.store.sightings`), and the same
scope filters them: the excluded set also names the reports of stored sightings whose
document is gone (its ``report_access`` row stays), so a sighting is shown exactly to
whom its report is, stored or not.

A sighting posted to the server (``POST /api/v1/indicators/{value}/sightings``) has no
report: it is kept under an *owner key* instead (:func:`owner_key`, a digest of the
poster's organisation, the marking and the audience it chose) with a ``report_access`` row of its
own, so the same rule and the same scope decide who sees it and whose scores it moves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from unmask.errors import StoreError
from unmask.store.schema import DocumentRow, ReportAccessRow, SightingRow, table_of
from unmask.store.write import check_tlp

__all__ = ["MAX_AUDIENCE", "SCOPED_LEVELS", "Reader", "Scope", "access_state", "check_audience",
           "excluded_reports", "levels_of", "may_read", "owner_key", "report_scope", "scope_where", "unreadable",
           "write_access", "write_owner"]

#: The levels whose readers depend on more than their clearance.
SCOPED_LEVELS = ("amber+strict", "red")


@dataclass(frozen=True, slots=True)
class Reader:
    """A stored token as a reader: its organisation (None: the server's) and name."""

    org: str | None
    name: str


@dataclass(frozen=True, slots=True)
class Scope:
    """What a reader sees: reports at ``levels`` except those in ``excluded`` (sha256)."""

    levels: tuple[str, ...]
    excluded: frozenset[str] = frozenset()
    #: When set, the only reports (and sighting owner keys) shown at the scoped levels
    #: (AMBER+STRICT, RED): one stored after the sets were read is not among them.
    readable: frozenset[str] | None = None

    def scoped_levels(self) -> list[str]:
        """The scoped levels among this scope's levels."""
        return [lv for lv in SCOPED_LEVELS if lv in self.levels]


def levels_of(tlp: Sequence[str] | Scope) -> list[str]:
    """The TLP levels of a ``tlp=`` filter (a list of levels or a :class:`Scope`)."""
    return [check_tlp(t) for t in (tlp.levels if isinstance(tlp, Scope) else tlp)]


def scope_where(table: Any, tlp: Sequence[str] | Scope) -> Any:
    """The WHERE clause of a ``tlp=`` filter over a table with ``tlp`` and ``sha256``."""
    clause = table.tlp.in_(levels_of(tlp))
    if not isinstance(tlp, Scope):
        return clause
    if tlp.readable is not None and (scoped := tlp.scoped_levels()):
        # The allow-list alone: everything excluded sits at a scoped level and is not on
        # it, so the clause grows with what this reader may read, never with what other
        # organisations post (an excluded NOT IN list would).
        return clause & (table.tlp.not_in(scoped) | table.sha256.in_(sorted(tlp.readable)))
    if tlp.excluded:
        clause = clause & table.sha256.not_in(sorted(tlp.excluded))
    return clause


def unreadable(conn: Connection, tlp: Sequence[str] | Scope) -> frozenset[str]:
    """The sha256 of the stored documents a ``tlp=`` filter keeps out at its levels, read
    in the caller's connection: a scope's excluded reports and, under its allow-list,
    every document at a scoped level not on it (for code that filters by a set of
    sha256 rather than by :func:`scope_where`)."""
    if not isinstance(tlp, Scope):
        return frozenset()
    if tlp.readable is None or not (scoped := tlp.scoped_levels()):
        return tlp.excluded
    d = table_of(DocumentRow).c
    others = {str(sha) for (sha,) in conn.execute(select(d.sha256).where(d.tlp.in_(scoped)))
              if sha not in tlp.readable}
    return tlp.excluded | others


def may_read(reader: Reader | None, tlp: str, org: str | None, audience: Iterable[str] | None,
             server_org: str | None) -> bool:
    """Whether ``reader`` may read a report marked ``tlp`` of ``org`` for ``audience``,
    its clearance aside (the level is checked apart): AMBER+STRICT and RED only within
    the owning organisation, RED with an audience only by the names on it."""
    if reader is None or tlp not in SCOPED_LEVELS:
        return True
    if (org or server_org) != (reader.org or server_org):
        return False
    if tlp == "red" and audience:
        return reader.name in set(audience)
    return True


#: The most names one audience may list.
MAX_AUDIENCE = 64


def check_audience(names: Iterable[str]) -> list[str]:
    """Audience names as stored: stripped, distinct, in the order given (token names,
    1 to 100 printable characters without commas; at most :data:`MAX_AUDIENCE`)."""
    out: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if len(name) > 100 or "," in name or any(ord(ch) < 32 for ch in name):
            raise ValueError(f"audience name {raw!r}: a token name is 1 to 100 printable "
                             "characters without commas")
        if name not in out:
            out.append(name)
            if len(out) > MAX_AUDIENCE:
                raise ValueError(f"an audience lists at most {MAX_AUDIENCE} token names")
    return out


def write_access(conn: Connection, sha256s: Iterable[str], *, org: str | None,
                 audience: Sequence[str] | None, now: dt.datetime) -> None:
    """Record (replace) the owner and audience of these reports, in the caller's
    transaction (the store writes them with the documents)."""
    table = table_of(ReportAccessRow)
    wanted = sorted(set(sha256s))
    if not wanted:
        return
    conn.execute(delete(table).where(table.c.sha256.in_(wanted)))
    conn.execute(insert(table), [{"sha256": sha, "org": org or None,
                                  "audience": list(audience) if audience else None,
                                  "changed_at": now} for sha in wanted])


def owner_key(org: str | None, tlp: str, audience: Sequence[str] | None = None) -> str:
    """The key that sightings posted by ``org`` at ``tlp`` for ``audience`` are kept under
    (in the ``sha256`` column, where a report's sightings keep their report): 64 hex
    digits that no document's SHA-256 is (the input is not a document's bytes). One key
    has one marking, as a report has: the excluded set is kept per key. Migration 0011
    derives the same keys: keep them in step. The audience is a set: its order does not
    change the key (one poster's RED sightings for the same names share one key)."""
    names = ",".join(sorted(set(audience or ())))
    return hashlib.sha256(f"unmask:sighting-owner\n{org or ''}\n{check_tlp(tlp)}\n{names}"
                          .encode()).hexdigest()


def write_owner(conn: Connection, key: str, *, org: str | None, audience: Sequence[str] | None,
                now: dt.datetime) -> None:
    """Make sure the ``report_access`` row of an owner key exists (it never changes:
    the key is derived from its content), in the caller's transaction."""
    table = table_of(ReportAccessRow)
    if conn.execute(select(table.c.sha256).where(table.c.sha256 == key)).first() is not None:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    conn.execute(upsert(table).values(sha256=key, org=org or None,
                                      audience=list(audience) if audience else None,
                                      changed_at=now).on_conflict_do_nothing(index_elements=["sha256"]))


def access_state(conn: Connection) -> tuple[int, str]:
    """(rows, latest change) of ``report_access``: changes when an owner or audience does."""
    c = table_of(ReportAccessRow).c
    count, latest = conn.execute(select(func.count(), func.max(c.changed_at))
                                 .select_from(table_of(ReportAccessRow))).one()
    return int(count), str(latest)


def excluded_reports(engine: Any, reader: Reader | None, levels: Sequence[str],
                     server_org: str | None) -> frozenset[str]:
    """The sha256 of the reports at ``levels`` that ``reader`` may not read (the first
    part of :func:`report_scope`)."""
    return report_scope(engine, reader, levels, server_org)[0]


def report_scope(engine: Any, reader: Reader | None, levels: Sequence[str],
                 server_org: str | None) -> tuple[frozenset[str], frozenset[str] | None]:
    """(excluded, readable): the sha256 of the reports at the scoped ones of ``levels``
    that ``reader`` may not read, and of those it may (None: no limit, for the server's
    own reader or no scoped level) — stored documents, and the reports and owner keys
    stored sightings came from (kept after their document)."""
    scoped = [lv for lv in SCOPED_LEVELS if lv in levels]
    if reader is None or not scoped:
        return frozenset(), None
    d = table_of(DocumentRow).c
    a = table_of(ReportAccessRow).c
    query = (select(d.sha256, d.tlp, a.org, a.audience)
             .select_from(table_of(DocumentRow).outerjoin(table_of(ReportAccessRow),
                                                          a.sha256 == d.sha256))
             .where(d.tlp.in_(scoped)))
    s = table_of(SightingRow).c
    reports = (select(s.sha256, s.tlp).distinct()
               .where(s.tlp.in_(scoped) & (s.sha256 != "")).subquery())
    sighted = (select(reports.c.sha256, reports.c.tlp, a.org, a.audience)
               .select_from(reports.outerjoin(table_of(ReportAccessRow),
                                              a.sha256 == reports.c.sha256)))
    try:
        with engine.connect() as conn:
            rows = [*conn.execute(query).all(), *conn.execute(sighted).all()]
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {engine.url!r}: reading report owners failed: {exc}") from exc
    excluded: set[str] = set()
    readable: set[str] = set()
    for r in rows:
        (readable if may_read(reader, r.tlp, r.org, r.audience, server_org) else excluded).add(str(r.sha256))
    return frozenset(excluded), frozenset(readable - excluded)
