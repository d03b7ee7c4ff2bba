"""What the server may show: the knowledge base seen through a TLP ceiling.

Every REST, TAXII and web answer goes through a :class:`View`, which answers each
request at the lower of the server's ceiling and the caller's clearance (set by the
application from the authenticated token with :func:`clearance`), through one
:class:`LevelView` per level. Reports marked above
the ceiling are invisible: they are filtered in the store's query where the store can
(``find_reports(tlp=...)``, ``query_knowledge(max_tlp=...)``) and out of the result
objects otherwise (search hits, indicator sightings, evidence quotes). An actor profile
that draws on a hidden report is rebuilt from the visible reports only, in a scratch
SQLite base (cached until the store changes).

A TAXII snapshot gives each object the ``date_added`` recorded for its (id, version,
content digest) in the store's ``taxii_added`` table, per TLP ceiling and collection: a version seen
for the first time is recorded then, so dates survive rebuilds, restarts and other
server processes over the same knowledge base.

Nothing here needs FastAPI; the caches are guarded by one lock (handlers run in a
thread pool).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from unmask.errors import ExportError, StoreError
from unmask.export.knowledge import KnowledgeExport, query_knowledge, stix_bundle
from unmask.model import Analysis
from unmask.store import (
    TLP_LEVELS,
    ActorProfile,
    ActorSummary,
    Evidence,
    IocResult,
    KnowledgeBase,
    NamedStat,
    ReportRef,
    SearchHit,
    check_tlp,
)
from unmask.store.access import (
    SCOPED_LEVELS,
    Reader,
    Scope,
    access_state,
    report_scope,
    scope_where,
)
from unmask.store.engine import create_store_engine
from unmask.store.kb import open_kb
from unmask.store.schema import DocumentActorRow, DocumentRow, TaxiiAddedRow, table_of

__all__ = ["COLLECTION_NAMESPACE", "LevelView", "NotVisible", "Snapshot", "View", "clearance",
           "collection_id", "stored_version", "touched", "type_rank"]

_log = logging.getLogger(__name__)

#: UUIDv5 namespace of the TAXII collection ids (one per actor id).
COLLECTION_NAMESPACE = uuid.UUID("6f1b3c1e-2f55-5d0a-9a57-7e1a0c3d9b40")
_PAGE = 500
#: Scratch bases kept (also the most actors a view builds ahead of requests).
_SCRATCH_KEEP = 256
_SNAPSHOTS_KEEP = 256
#: Most rows asked of the store to fill a page when hidden reports are dropped from it.
_OVERFETCH = 2000
#: Rows per INSERT when recording the date_added of new object versions.
_RECORD_CHUNK = 500
_TICK = dt.timedelta(microseconds=1)
#: Dates added are recorded in whole milliseconds, each new one at least this after the last.
_ADDED_TICK = dt.timedelta(milliseconds=1)
#: Alembic keeps its migration context in module globals: one migration at a time.
_MIGRATING = threading.Lock()


def _millisecond(moment: dt.datetime) -> dt.datetime:
    """``moment`` cut to whole milliseconds (TAXII clients compare dates added so)."""
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def collection_id(actor_id: str) -> str:
    """The stable TAXII collection id of an actor: UUIDv5 of its actor id."""
    return str(uuid.uuid5(COLLECTION_NAMESPACE, "unmask:actor:" + actor_id))


def stored_version(obj: dict[str, Any]) -> str:
    """The version an object is recorded under: ``modified``, else ``created``, else ``""``.

    An object with neither (a cyber-observable) has one version, whose TAXII version
    is its date added.
    """
    return str(obj.get("modified") or obj.get("created") or "")


#: Object types served before the others added at the same time (what they refer to first).
_RANKS = {"marking-definition": 0, "extension-definition": 0, "language-content": 0, "identity": 1,
          "relationship": 3, "sighting": 3, "note": 4, "opinion": 4, "report": 4, "grouping": 4}


def type_rank(object_type: str) -> int:
    """Where objects of a type come among those added at the same time: markings, then
    identities, then other objects, then relationships, then notes and reports."""
    return _RANKS.get(object_type, 2)


def _remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class NotVisible(StoreError):
    """Nothing (visible at the server's TLP ceiling) matches the request."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One actor's STIX 2.1 objects as served over TAXII, with its version key.

    ``objects`` are in ``date_added`` order (ascending; among equal dates by
    :func:`type_rank` of their type, then id), ``added[i]`` is the date added of
    ``objects[i]``, and ``date_added`` the newest of them.
    """

    actor_id: str
    name: str
    key: str
    objects: tuple[dict[str, Any], ...]
    date_added: dt.datetime
    reports: int
    tlp: str
    added: tuple[dt.datetime, ...] = ()

    def added_at(self, index: int) -> dt.datetime:
        """The date added of ``objects[index]``."""
        return self.added[index] if index < len(self.added) else self.date_added


@dataclass(slots=True)
class _State:
    """Everything cached for one store fingerprint."""

    fingerprint: tuple[Any, ...]
    hidden: dict[str, ReportRef]
    #: Reports at the view's levels its reader may not read (owner, audience).
    excluded: frozenset[str] = frozenset()
    #: The reports at the scoped levels its reader may read (None: no limit): the allow-list
    #: that hides what was stored after this state was read (:class:`Scope`).
    readable: frozenset[str] | None = None
    actors: list[ActorSummary] | None = None
    hidden_actors: frozenset[str] = frozenset()
    known_actors: frozenset[str] = frozenset()
    collections: dict[str, str] | None = None
    names: dict[str, str] | None = None


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(str(value)[:10])


def _utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class LevelView:
    """The knowledge base as shown at one TLP level: nothing above ``max_tlp``, and
    for a ``reader`` (a stored token) nothing it may not read at those levels (the
    AMBER+STRICT reports of other organisations, RED reports whose audience does not
    name it; :mod:`unmask.store.access`)."""

    def __init__(self, kb: KnowledgeBase, *, max_tlp: str = "green", recheck: float = 1.0,
                 reader: Reader | None = None, server_org: str | None = None) -> None:
        self.kb = kb
        self.recheck = recheck
        self.reader = reader
        self.server_org = server_org
        self.max_tlp = check_tlp(max_tlp)
        #: The ceiling the TAXII dates added are recorded under (one per reader that
        #: can see more or less than the level itself; at most 16 characters).
        self.added_key = self.max_tlp if reader is None else (
            f"{self.max_tlp[:3]}:" + hashlib.sha256(
                f"{reader.org or server_org or ''}\n{reader.name}".encode()).hexdigest()[:12])
        self.allowed = TLP_LEVELS[: TLP_LEVELS.index(self.max_tlp) + 1]
        self._above = TLP_LEVELS[len(self.allowed):]
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._snapshots: OrderedDict[str, tuple[tuple[Any, ...], Snapshot]] = OrderedDict()
        self._builds: dict[str, threading.Lock] = {}
        self._profiles: OrderedDict[tuple[str, str], Path] = OrderedDict()
        # Finished restricted profiles by (actor, visible reports' key, limits): a warm
        # request costs what the store's own profile costs, not a scratch base's open.
        self._built: OrderedDict[tuple[str, str, tuple[tuple[str, int], ...]], ActorProfile | None] = (
            OrderedDict())
        self._scratch_dir: weakref.finalize[[str], LevelView] | None = None
        self._scratch_path: Path | None = None
        #: Build the restricted profiles ahead of requests (:meth:`warm`), in a thread
        #: started whenever the store's state changes.
        self.prewarm = False
        self._warmer: threading.Thread | None = None
        self._closed = False
        self._checked: tuple[float, tuple[Any, ...]] = (-1e9, ())  # last look: (time, fingerprint)

    def close(self) -> None:
        """Drop the scratch bases (the knowledge base itself is the caller's)."""
        self._closed = True
        warmer = self._warmer
        if warmer is not None and warmer is not threading.current_thread():
            warmer.join(timeout=30)
        with self._lock:
            self._profiles.clear()
            self._built.clear()
            if self._scratch_dir is not None:
                self._scratch_dir()  # removes the folder now (once)
                self._scratch_dir = None
                self._scratch_path = None

    # -- visibility --------------------------------------------------------------------

    def visible(self, tlp: str) -> bool:
        return tlp in self.allowed

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a document is added, replaced, re-marked or deleted.

        Read from the store at most once per ``recheck`` seconds (a burst of requests
        costs one query); 0 reads it on every call.
        """
        now = time.monotonic()
        checked_at, known = self._checked
        if known and now - checked_at < self.recheck:
            return known
        documents = table_of(DocumentRow).c
        try:
            with self.kb.engine.connect() as conn:
                rows = conn.execute(
                    select(documents.tlp, func.count(), func.max(documents.id),
                           func.max(documents.ingested_at))
                    .group_by(documents.tlp).order_by(documents.tlp)
                ).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: reading its state failed: {exc}") from exc
        fingerprint = tuple((r[0], int(r[1]), r[2], str(r[3])) for r in rows)
        if self.reader is not None:  # owners and audiences change what it may read
            try:
                with self.kb.engine.connect() as conn:
                    count, latest = access_state(conn)
            except SQLAlchemyError as exc:
                raise StoreError(f"knowledge base {self.kb.url}: reading its state failed: {exc}") from exc
            fingerprint += (("~access", count, latest, ""),)
        self._checked = (now, fingerprint)
        return fingerprint

    def _current(self) -> _State:
        fingerprint = self.fingerprint()
        with self._lock:
            if self._state is not None and self._state.fingerprint == fingerprint:
                return self._state
            hidden: dict[str, ReportRef] = {}
            if any(level in self._above for level, *_ in fingerprint):
                for ref in self._all_reports(tlp=self._above):
                    hidden[ref.sha256] = ref
            excluded, readable = report_scope(self.kb.engine, self.reader, self.allowed, self.server_org)
            if excluded:
                for ref in self._all_reports(tlp=[lv for lv in SCOPED_LEVELS if lv in self.allowed]):
                    if ref.sha256 in excluded:
                        hidden[ref.sha256] = ref
            self._state = _State(fingerprint, hidden, excluded, readable)
            if self.prewarm and hidden and not self._closed:
                # The one migration (the empty base) runs here, not in the thread: Alembic
                # keeps its state in module globals, so it must not overlap another
                # migration of this process.
                self._empty_base()
                self._warmer = threading.Thread(target=self._warm_quietly, args=(fingerprint,),
                                                name="unmask-prewarm", daemon=True)
                self._warmer.start()
            return self._state

    def scope(self) -> Scope:
        """The store filter of this view: its levels, without what its reader may not read."""
        state = self._current()
        return Scope(tuple(self.allowed), state.excluded, state.readable)

    def shows(self, ref: ReportRef) -> bool:
        """Whether a report is visible in this view (its level, its owner and audience)."""
        state = self._current()
        return (self.visible(ref.tlp) and ref.sha256 not in state.excluded
                and (state.readable is None or ref.tlp not in SCOPED_LEVELS or ref.sha256 in state.readable))

    def _all_reports(self, *, actor: str | None = None,
                     tlp: Iterable[str] | None = None) -> Iterator[ReportRef]:
        levels: list[str] | Scope = list(tlp) if tlp is not None else self.scope()
        offset = 0
        while True:
            page = self.kb.find_reports(actor=actor, tlp=levels, limit=_PAGE, offset=offset)
            yield from page
            if len(page) < _PAGE:
                return
            offset += _PAGE

    def hidden_count(self) -> int:
        return len(self._current().hidden)

    # -- actors ------------------------------------------------------------------------

    def _actor_table(self) -> _State:
        state = self._current()
        with self._lock:
            if state.actors is not None:
                return state
            everyone: list[ActorSummary] = []
            offset = 0
            while True:
                page = self.kb.find_actors(limit=_PAGE, offset=offset)
                everyone.extend(page)
                if len(page) < _PAGE:
                    break
                offset += _PAGE
            touched = {a for ref in state.hidden.values() for a in ref.actors}
            # The store's actor table counts every report: if one was stored since this
            # state was read (another process), the table may count it although this
            # view has not judged it yet - then every actor is counted from the visible
            # reports (the scope's allow-list keeps the new one out).
            self._checked = (-1e9, ())
            if self.fingerprint() != state.fingerprint:
                touched = {a.actor_id for a in everyone}
            recounted = self._visible_counts() if touched else {}
            shown: list[ActorSummary] = []
            for summary in everyone:
                if summary.actor_id not in touched:
                    shown.append(summary)
                elif summary.actor_id in recounted:
                    reports, first, last, name = recounted[summary.actor_id]
                    shown.append(dataclasses.replace(summary, name=name, reports=reports,
                                                     first_seen=first, last_seen=last))
            shown.sort(key=lambda s: (-s.reports, s.actor_id))
            state.actors = shown
            state.hidden_actors = frozenset(touched)
            state.known_actors = frozenset(a.actor_id for a in everyone)
            return state

    def _visible_counts(self) -> dict[str, tuple[int, dt.date | None, dt.date | None, str]]:
        """Per actor: visible reports, first and last publication date, and the name of
        its latest visible report (the store's rule for an actor's name: latest date,
        then latest stored, undated reports last)."""
        documents = table_of(DocumentRow).c
        links = table_of(DocumentActorRow).c
        query = (
            select(links.actor_id, links.published, links.document_id, links.name)
            .select_from(table_of(DocumentActorRow).join(
                table_of(DocumentRow), documents.id == links.document_id))
            .where(scope_where(documents, self.scope()))
        )
        try:
            with self.kb.engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: counting actors failed: {exc}") from exc
        out: dict[str, tuple[int, dt.date | None, dt.date | None, str]] = {}
        latest: dict[str, tuple[bool, dt.date, int]] = {}
        for actor_id, published, document_id, name in rows:
            day = _date(published)
            rank = (day is not None, day or dt.date.min, int(document_id))
            held = out.get(actor_id)
            if held is None:
                out[actor_id] = (1, day, day, name)
                latest[actor_id] = rank
                continue
            count, first, last, shown = held
            if day is not None:
                first = day if first is None else min(first, day)
                last = day if last is None else max(last, day)
            if rank > latest[actor_id]:
                latest[actor_id], shown = rank, name
            out[actor_id] = (count + 1, first, last, shown)
        return out

    def actors(self, *, limit: int, offset: int = 0) -> tuple[list[ActorSummary], int]:
        """Visible actors, most (visible) reports first, and how many there are."""
        table = self._actor_table().actors or []
        return table[offset: offset + limit], len(table)

    def actor_names(self) -> dict[str, str]:
        """Visible actor id -> name, for links."""
        state = self._actor_table()
        with self._lock:
            if state.names is None:
                state.names = {a.actor_id: a.name for a in state.actors or ()}
            return state.names

    def resolve_actor(self, name: str) -> str:
        """The visible actor id ``name`` stands for; :class:`NotVisible` when none."""
        state = self._actor_table()
        shown = {a.actor_id for a in state.actors or ()}
        for actor_id in self.kb.find_actor_ids(name, tlp=self.scope()):
            if actor_id in shown:
                return actor_id
            if actor_id not in state.known_actors and actor_id not in state.hidden_actors:
                return actor_id  # known only from alias statements, none of them hidden
        raise NotVisible(f"no actor {name!r} in the knowledge base")

    def profile(self, name: str, **limits: int) -> ActorProfile:
        """The actor's profile, drawn from visible reports only."""
        for _ in range(3):
            actor_id = self.resolve_actor(name)
            state = self._actor_table()
            profile = self._profile_at(state, actor_id, name, limits)
            # The store's own profile counts every report of the actor: if one was stored
            # since this state was read (another process), judge it first.
            self._checked = (-1e9, ())
            if self.fingerprint() == state.fingerprint:
                return profile
        # The store kept changing: draw it from the visible reports alone (the scope's
        # allow-list keeps out what this view has not judged).
        restricted = self._restricted_profile(actor_id, state, limits)
        if restricted is None:
            raise NotVisible(f"no actor {name!r} in the knowledge base")
        return self._scrub_profile(restricted, state)

    def _profile_at(self, state: _State, actor_id: str, name: str, limits: dict[str, int]) -> ActorProfile:
        if actor_id in state.hidden_actors:
            # Asked and dropped: the store's own profile, what an actor no hidden report
            # names costs, so that a restricted profile kept ready (:meth:`warm`) is not
            # answered faster than it and the time does not tell a hidden report names it.
            self.kb.actor_profile(actor_id, tlp=self.scope(), **limits)  # type: ignore[arg-type]  # int sizes
            profile = self._restricted_profile(actor_id, state, limits)
        else:
            profile = self.kb.actor_profile(actor_id, tlp=self.scope(), **limits)  # type: ignore[arg-type]  # int sizes
        if profile is None:
            raise NotVisible(f"no actor {name!r} in the knowledge base")
        return self._scrub_profile(profile, state)

    def warm(self, fingerprint: tuple[Any, ...] | None = None) -> int:
        """Build now what the first profile of each actor a hidden report names would
        build (its scratch base and its profile at the default limits), so that request
        costs what it costs for an actor no hidden report names: the time of an answer
        then does not tell whether a hidden report names the actor. Stops early when
        the store changes (the next state starts its own warming) or the view closes.
        Returns how many actors were built."""
        state = self._actor_table()
        shown = {a.actor_id: a.reports for a in state.actors or ()}
        todo = sorted((a for a in state.hidden_actors if a in shown), key=lambda a: (-shown[a], a))
        built = 0
        for actor_id in todo[:_SCRATCH_KEEP]:
            if self._closed or (fingerprint is not None and self._current().fingerprint != fingerprint):
                break
            self._restricted_profile(actor_id, state, {})
            built += 1
        return built

    def _warm_quietly(self, fingerprint: tuple[Any, ...]) -> None:
        started = time.monotonic()
        try:
            built = self.warm(fingerprint)
        except Exception as exc:  # noqa: BLE001 - a request builds what is missing
            if not self._closed:
                _log.warning("building restricted profiles ahead failed: %s", exc)
            return
        _log.info("restricted profiles of %d actor(s) built ahead at TLP:%s in %.1f s",
                  built, self.max_tlp.upper(), time.monotonic() - started)

    def _scrub_profile(self, profile: ActorProfile, state: _State) -> ActorProfile:
        if not state.hidden:
            return profile
        hidden = state.hidden

        def keep(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
            return tuple(e for e in items if e.sha256 not in hidden)

        return dataclasses.replace(
            profile,
            reports=tuple(r for r in profile.reports if r.sha256 not in hidden),
            techniques=tuple(dataclasses.replace(t, evidence=keep(t.evidence))
                             for t in profile.techniques),
            timeline=tuple(t for t in profile.timeline if t.evidence.sha256 not in hidden),
            aliases=tuple(dataclasses.replace(a, sources=keep(a.sources))
                          for a in profile.aliases if keep(a.sources) or not a.sources),
        )

    def _scratch(self) -> Path:
        if self._scratch_dir is None:
            # Removed by close(), or when the view is collected or the process exits:
            # a view nobody closed leaves no folder and no ResourceWarning behind.
            folder = tempfile.mkdtemp(prefix="unmask-serve-")
            self._scratch_dir = weakref.finalize(self, _remove_folder, folder)
            self._scratch_path = Path(folder)
        assert self._scratch_path is not None
        return self._scratch_path

    def _empty_base(self) -> Path:
        """A migrated, empty SQLite base to copy: the migrations run once per server,
        never per request (scratch bases are copies of it, opened without migrating)."""
        empty = self._scratch() / "empty.sqlite"
        if not empty.exists():
            if threading.current_thread() is self._warmer:  # closed meanwhile: no migration here
                raise StoreError("the view was closed while building profiles ahead")
            building = empty.with_suffix(".building")
            with _MIGRATING, open_kb(f"sqlite:///{building}") as base:
                base.engine.dispose()
            building.replace(empty)
        return empty

    def _building(self, key: str) -> threading.Lock:
        """The lock one slow build holds (other requests go on meanwhile)."""
        with self._lock:
            return self._builds.setdefault(key, threading.Lock())

    def _restricted_profile(self, actor_id: str, state: _State,
                            limits: dict[str, int]) -> ActorProfile | None:
        refs = list(self._all_reports(actor=actor_id))
        if not refs:
            return None
        key = _key_of(refs)
        wanted = (actor_id, key, tuple(sorted(limits.items())))
        with self._lock:
            if wanted in self._built:
                self._built.move_to_end(wanted)
                return self._built[wanted]
        with self._building("profile:" + actor_id):
            with self._lock:
                path = self._profiles.get((actor_id, key))
                scratch_dir = self._scratch()
            if path is None:
                path = scratch_dir / f"{hashlib.sha256((actor_id + key).encode()).hexdigest()[:24]}.sqlite"
                self._fill_scratch(path, refs)
                with self._lock:
                    self._profiles[(actor_id, key)] = path
                    while len(self._profiles) > _SCRATCH_KEEP:
                        _, old = self._profiles.popitem(last=False)
                        old.unlink(missing_ok=True)
            with self._lock:
                self._profiles.move_to_end((actor_id, key))
            with _scratch_kb(path) as scratch:
                profile = scratch.actor_profile(actor_id, **limits)  # type: ignore[arg-type]  # limits are the int sizes
        if profile is not None:
            originals = {r.sha256: r for r in refs}
            profile = dataclasses.replace(profile, reports=tuple(
                dataclasses.replace(originals[r.sha256], mentions=r.mentions)
                if r.sha256 in originals else r for r in profile.reports
            ))
        with self._lock:
            self._built[wanted] = profile
            while len(self._built) > _SNAPSHOTS_KEEP:
                self._built.popitem(last=False)
        return profile

    def _fill_scratch(self, path: Path, refs: list[ReportRef]) -> None:
        with self._lock:
            empty = self._empty_base()
        shutil.copyfile(empty, path)
        # Stored in the knowledge base's own order, so that every tie the profile breaks
        # by document id (undated reports, the name, evidence) falls as it does there.
        documents = table_of(DocumentRow).c
        order: dict[str, int] = {}
        shas = [r.sha256 for r in refs]
        with self.kb.engine.connect() as conn:
            for start in range(0, len(shas), _PAGE):
                order.update((str(sha), int(i)) for sha, i in conn.execute(
                    select(documents.sha256, documents.id)
                    .where(documents.sha256.in_(shas[start:start + _PAGE]))))
        runs: list[tuple[str, list[Analysis]]] = []
        for ref in sorted(refs, key=lambda r: order.get(r.sha256, 0)):
            analysis = self.kb.get_analysis(ref.sha256)
            if analysis is None:
                continue
            if runs and runs[-1][0] == ref.tlp and len(runs[-1][1]) < 100:
                runs[-1][1].append(analysis)
            else:
                runs.append((ref.tlp, [analysis]))
        with _scratch_kb(path) as scratch:
            for level, analyses in runs:
                scratch.add_analyses(analyses, tlp=level)

    # -- reports -----------------------------------------------------------------------

    def reports(self, *, actor: str | None = None, since: dt.date | None = None,
                limit: int = 50, offset: int = 0) -> list[ReportRef]:
        actor_id = self.resolve_actor(actor) if actor is not None else None
        return self.kb.find_reports(actor=actor_id, since=since, tlp=self.scope(),
                                    limit=limit, offset=offset)

    def report(self, ref: str) -> tuple[ReportRef, Analysis]:
        """A visible report and its stored analysis; :class:`NotVisible` otherwise."""
        missing = (f"no single visible report matches {ref!r} (give its sha256, a prefix of "
                   "it, or its source path)")
        try:
            sha256 = self.kb.resolve_report(ref)
        except StoreError as exc:
            # The store's message names the database and may list hidden reports.
            raise NotVisible(missing) from exc
        found = self.kb.get_report(sha256)
        if found is None or not self.shows(found):
            raise NotVisible(missing)
        analysis = self.kb.get_analysis(sha256)
        if analysis is None:  # pragma: no cover - deleted in between
            raise NotVisible(f"report {ref!r} vanished")
        return found, analysis

    # -- indicators and search ---------------------------------------------------------

    def indicator(self, value: str, *, limit: int = 100) -> IocResult:
        state = self._current()
        # Only reports this view may read are looked at (in SQL), so a value stored only in
        # hidden reports is answered as one not stored at all, parent-domain fallback
        # included: the answer tells nothing of what is hidden.
        scope = self.scope()  # also when nothing was hidden: a report stored since may be
        result = self.kb.find_indicator(value, limit=min(limit + len(state.hidden), _OVERFETCH),
                                        tlp=scope)
        if result is None:
            raise NotVisible(f"indicator {value!r} is not in the knowledge base")
        if not state.hidden:
            return result
        sightings = [s for s in result.sightings if self.shows(s.report)]
        if not sightings:
            raise NotVisible(f"indicator {value!r} is not in the knowledge base")
        if len(sightings) == len(result.sightings):
            return result
        dates = [s.report.published for s in sightings if s.report.published is not None]
        per_actor: dict[str, int] = {}
        for s in sightings:
            for actor in s.actors:
                per_actor[actor] = per_actor.get(actor, 0) + 1
        labels = {a.value: a.label for a in result.actors}
        actors = sorted((NamedStat("actor", a, n, 0, label=labels.get(a))
                         for a, n in per_actor.items()), key=lambda s: (-s.reports, s.value))
        # Sightings the store did not return (past _OVERFETCH) count as visible.
        unseen = max(0, result.report_count - len(result.sightings))
        return dataclasses.replace(
            result, types=tuple(sorted({s.type for s in sightings})),
            report_count=len(sightings) + unseen, first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None, actors=tuple(actors),
            sightings=tuple(sightings[:limit]),
        )

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Visible reports matching ``query``, ranked over the visible reports only."""
        return self.kb.search(query, limit=limit, tlp=self.scope())

    def stats(self) -> dict[str, Any]:
        """Visible reports and actors; the per-table row counts only at TLP:RED, where
        nothing can be hidden (below it they would count hidden rows, and whether
        they are shown would tell that something is hidden)."""
        state = self._actor_table()
        kept = sum(1 for sha, ref in state.hidden.items()  # stored reports only (not sightings')
                   if sha in state.excluded and ref.tlp in self.allowed)
        visible = sum(n for level, n, *_ in state.fingerprint if level in self.allowed) - kept
        out: dict[str, Any] = {"reports": visible, "actors": len(state.actors or ()),
                               "max_tlp": self.max_tlp}
        if not self._above and self.reader is None:
            # (a stored token's reader may be kept from reports at its levels: the row
            # counts would count those)
            out["tables"] = self.kb.stats()
        return out

    # -- TAXII snapshots ---------------------------------------------------------------

    def collections(self, *, limit: int) -> list[ActorSummary]:
        return self.actors(limit=limit)[0]

    def collection_actors(self, *, limit: int) -> dict[str, str]:
        """TAXII collection id -> actor id, for the ``limit`` most reported actors."""
        state = self._actor_table()
        with self._lock:
            if state.collections is None:
                state.collections = {collection_id(a.actor_id): a.actor_id
                                     for a in (state.actors or [])[:limit]}
            return state.collections

    def snapshot(self, actor_id: str) -> Snapshot:
        """The actor's STIX objects at the ceiling, rebuilt only when its reports changed.

        Building one can take seconds (the STIX export of every report about the actor);
        only requests for the same actor wait for it. The most recently used
        ``_SNAPSHOTS_KEEP`` snapshots are kept.
        """
        state = self._current()
        # Scores change with sightings and with the day they are computed for.
        from unmask.store.sightings import sightings_version

        stamp = (state.fingerprint, sightings_version(self.kb), self.kb.now().date())
        with self._lock:
            held = self._snapshots.get(actor_id)
        if held is not None and held[0] == stamp:
            return self._keep(actor_id, held)
        with self._building("snapshot:" + actor_id):
            with self._lock:
                held = self._snapshots.get(actor_id)
            if held is not None and held[0] == stamp:
                return self._keep(actor_id, held)
            refs = list(self._all_reports(actor=actor_id))
            if not refs:
                raise NotVisible(f"no visible report about actor {actor_id!r}")
            key = f"{_key_of(refs)}|{stamp[1]}|{stamp[2]}"
            if held is not None and held[1].key == key:
                return self._keep(actor_id, (stamp, held[1]))
            try:
                selection = query_knowledge(self.kb, actor=actor_id, max_tlp=self.max_tlp,
                                            visible=self.scope())
            except ExportError as exc:
                raise NotVisible(str(exc)) from exc
            bundle = json.loads(stix_bundle(selection))
            objects = [o for o in bundle.get("objects", ()) if isinstance(o, dict) and o.get("id")]
            newest = max(_utc(r.ingested_at) for r in refs)
            keys = [(str(o["id"]), stored_version(o), _digest(o)) for o in objects]
            dates = self.dates_added(collection_id(actor_id), keys, newest)
            objects = served_objects(objects, keys, dates)
            order = sorted(range(len(objects)), key=lambda i: (
                dates[keys[i]], type_rank(str(objects[i].get("type", ""))), keys[i][0]))
            added = tuple(dates[keys[i]] for i in order)
            snapshot = Snapshot(
                actor_id=actor_id, name=selection.actor_name or actor_id, key=key,
                objects=tuple(objects[i] for i in order),
                date_added=max(added, default=newest), reports=len(selection.reports),
                tlp=selection.tlp, added=added,
            )
            return self._keep(actor_id, (stamp, snapshot))

    def dates_added(self, collection: str, keys: Iterable[tuple[str, str, str]],
                    fresh: dt.datetime) -> dict[tuple[str, str, str], dt.datetime]:
        """The date added of each (object id, version, digest) in ``collection`` at this
        ceiling (see :func:`stored_version`; the digest is of the object's content): those
        of ``keys`` and every other one recorded in the collection (the history
        :func:`served_objects` needs).

        Versions recorded before keep their date; the others are recorded now with
        ``fresh`` (the ingest time of the newest visible report about the actor), moved
        past the newest date already recorded in the collection so that a client
        polling with ``added_after`` set to the last date it saw gets them. When
        several processes record at once the first insert wins and all read it back.
        """
        wanted = list(dict.fromkeys(keys))
        table = table_of(TaxiiAddedRow)
        c = table.c
        where = (c.max_tlp == self.added_key) & (c.collection == collection)

        def recorded(conn: Connection) -> dict[tuple[str, str, str], dt.datetime]:
            rows = conn.execute(select(c.object_id, c.version, c.digest, c.date_added).where(where))
            return {(r[0], r[1], r[2]): _utc(r[3]) for r in rows}

        for attempt in range(3):
            try:
                with self.kb.engine.begin() as conn:
                    known = recorded(conn)
                    missing = [k for k in wanted if k not in known]
                    if missing:
                        latest = max(known.values(), default=None)
                        stamp = _millisecond(_utc(fresh).astimezone(dt.UTC))
                        if latest is not None and stamp <= _millisecond(latest):
                            stamp = _millisecond(latest) + _ADDED_TICK
                        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
                        for start in range(0, len(missing), _RECORD_CHUNK):
                            rows = [{"max_tlp": self.added_key, "collection": collection,
                                     "object_id": object_id, "version": version,
                                     "digest": digest, "date_added": stamp}
                                    for object_id, version, digest
                                    in missing[start:start + _RECORD_CHUNK]]
                            conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows)
                        known = recorded(conn)
                return known
            except OperationalError as exc:
                # SQLite refuses to turn a read into a write when another process wrote
                # in between (busy snapshot): the next attempt starts afresh.
                if attempt == 2:
                    return self._dates_unrecorded(wanted, recorded, fresh, exc)
            except SQLAlchemyError as exc:
                return self._dates_unrecorded(wanted, recorded, fresh, exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def _dates_unrecorded(
        self, wanted: list[tuple[str, str, str]],
        recorded: Callable[[Connection], dict[tuple[str, str, str], dt.datetime]],
        fresh: dt.datetime, error: Exception,
    ) -> dict[tuple[str, str, str], dt.datetime]:
        """Dates when the base cannot be written (read-only file, replica, permissions):
        recorded versions keep theirs, new ones get ``fresh`` without being recorded, so
        TAXII still answers; polls just see those objects again after a restart."""
        _log.warning("knowledge base %s: TAXII dates added not recorded (%s); serving them "
                     "unrecorded", self.kb.url, error)
        try:
            with self.kb.engine.connect() as conn:
                known = recorded(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: reading TAXII dates added "
                             f"failed: {exc}") from exc
        stamp = _utc(fresh).astimezone(dt.UTC)
        return {**{k: stamp for k in wanted}, **known}

    def _keep(self, actor_id: str, entry: tuple[tuple[Any, ...], Snapshot]) -> Snapshot:
        with self._lock:
            self._snapshots[actor_id] = entry
            self._snapshots.move_to_end(actor_id)
            while len(self._snapshots) > _SNAPSHOTS_KEEP:
                self._snapshots.popitem(last=False)
        return entry[1]


def _scratch_kb(path: Path) -> KnowledgeBase:
    """A scratch base (a copy of the migrated empty one), opened without migrating."""
    return KnowledgeBase(create_store_engine(f"sqlite:///{path}"), show_paths=False)


def served_objects(objects: list[dict[str, Any]], keys: list[tuple[str, str, str]],
                   recorded: dict[tuple[str, str, str], dt.datetime]) -> list[dict[str, Any]]:
    """``objects`` as served: one whose content changed gets a newer ``modified``.

    The export gives an object the time of the latest report it draws on as its
    ``modified``, so new evidence from an older report (or new reference data) changes
    its content under the same version, and a TAXII client that keeps one copy per
    (id, modified) would never take the change. Here the versions of each object
    served before (``recorded``: (id, version, digest) -> date added, oldest first) are
    replayed: the first keeps its ``modified``; each later one is served with the
    latest of its own ``modified``, its date added, and just after the one before it.
    The result depends only on the records, so every server process and every restart
    serves the same ``modified``. ``keys[i]`` is ``objects[i]``'s record key.
    """
    history: dict[str, list[tuple[dt.datetime, str, str]]] = {}
    for (object_id, version, digest), added in recorded.items():
        if version:
            history.setdefault(object_id, []).append((added, digest, version))
    out = []
    for obj, (object_id, version, digest) in zip(objects, keys, strict=True):
        versions = history.get(object_id, ())
        if version and len(versions) > 1 and "modified" in obj:
            served = _replayed(sorted(versions), digest)
            if served is not None and served != _when(version):
                obj = {**obj, "modified": served.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        out.append(obj)
    return out


def _replayed(versions: list[tuple[dt.datetime, str, str]], digest: str) -> dt.datetime | None:
    """The ``modified`` served for the version with ``digest`` (see :func:`served_objects`)."""
    served: dt.datetime | None = None
    for added, version_digest, version in versions:
        own = _when(version)
        served = own if served is None else max(own, _utc(added), served + _TICK)
        if version_digest == digest:
            return served
    return None


def _when(stamp: str) -> dt.datetime:
    """A STIX timestamp as an aware datetime."""
    return _utc(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")))


def _digest(obj: dict[str, Any]) -> str:
    """SHA-256 of an object's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _key_of(refs: Iterable[ReportRef]) -> str:
    parts = sorted(f"{r.sha256}/{r.tlp}/{r.ingested_at}" for r in refs)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()



#: The clearance of the caller of the request being answered (None: the server's ceiling).
_CLEARANCE: ContextVar[str | None] = ContextVar("unmask_serve_clearance", default=None)
#: The stored token the request being answered comes from (None: the server's own
#: token, or a server without tokens: no owner or audience limits).
_READER: ContextVar[Reader | None] = ContextVar("unmask_serve_reader", default=None)
#: (kind:id, TLP) of every report or actor the request being answered was shown.
_TOUCHED: ContextVar[list[tuple[str, str]] | None] = ContextVar("unmask_serve_touched", default=None)


@contextlib.contextmanager
def clearance(level: str | None, seen: list[tuple[str, str]] | None = None,
              reader: Reader | None = None) -> Iterator[None]:
    """Answer what runs inside as a caller cleared up to ``level`` (capped by the
    server's ceiling) would be answered, and when ``reader`` is given (a stored token)
    without the reports of that level it may not read (another organisation's
    AMBER+STRICT, RED for an audience without it); what it is shown is appended to
    ``seen``."""
    marks = (_CLEARANCE.set(None if level is None else check_tlp(level)), _TOUCHED.set(seen),
             _READER.set(reader))
    try:
        yield
    finally:
        _READER.reset(marks[2])
        _TOUCHED.reset(marks[1])
        _CLEARANCE.reset(marks[0])


def touched(kind: str, key: str, tlp: str) -> None:
    """Note that the current request was shown ``kind:key`` marked ``tlp``."""
    seen = _TOUCHED.get()
    if seen is not None:
        seen.append((f"{kind}:{key}", tlp))


class View:
    """The knowledge base as the server shows it to the current caller.

    ``max_tlp`` given here is the server's ceiling; each request is answered at the
    lower of it and the caller's clearance (:func:`clearance`, set by the app from the
    authenticated token), by one :class:`LevelView` per level (made on first use, at
    most five), so a token cleared for TLP:GREEN on a TLP:RED server gets exactly the
    answers of a TLP:GREEN server. What each answer showed is noted for the audit
    trail (:func:`touched`).
    """

    def __init__(self, kb: KnowledgeBase, *, max_tlp: str = "green", recheck: float = 1.0,
                 org: str | None = None, prewarm: bool = False) -> None:
        # Callers see a report's file name or its URL without credentials, never the
        # folders of the machine it was ingested on (KnowledgeBase.sharing).
        self.kb = kb.sharing()
        self.recheck = recheck
        self.ceiling = check_tlp(max_tlp)
        #: Each level builds its restricted profiles ahead of requests (:meth:`LevelView.warm`).
        self.prewarm = prewarm
        #: The server's own organisation (reports and tokens without one belong to it).
        self.org = org
        self._levels: dict[tuple[str, Reader | None], LevelView] = {}
        self._lock = threading.Lock()

    @property
    def max_tlp(self) -> str:
        """The level the current request is answered at."""
        caller = _CLEARANCE.get()
        if caller is None:
            return self.ceiling
        return caller if TLP_LEVELS.index(caller) < TLP_LEVELS.index(self.ceiling) else self.ceiling

    def at(self, level: str | None = None) -> LevelView:
        """The view at ``level`` (default: the current request's)."""
        tlp = self.max_tlp if level is None else check_tlp(level)
        reader = _READER.get()
        if reader is not None:
            # Only what the level lets it see can differ: the organisation from
            # AMBER+STRICT on, the name at RED.
            if tlp not in SCOPED_LEVELS:
                reader = None
            else:
                reader = Reader(reader.org or self.org, reader.name if tlp == "red" else "")
        key = (tlp, reader)
        with self._lock:
            found = self._levels.get(key)
            if found is None:
                found = self._levels[key] = LevelView(self.kb, max_tlp=tlp, recheck=self.recheck,
                                                      reader=reader, server_org=self.org)
                found.prewarm = self.prewarm
            return found

    def start_warming(self) -> None:
        """Begin building the ceiling's restricted profiles now (in a thread), not at
        the first request (``prewarm`` views only)."""
        if self.prewarm:
            self.at(self.ceiling)._current()

    def close(self) -> None:
        with self._lock:
            levels, self._levels = list(self._levels.values()), {}
        for level in levels:
            level.close()

    def visible(self, tlp: str) -> bool:
        return self.at().visible(tlp)

    def fingerprint(self) -> tuple[Any, ...]:
        return self.at().fingerprint()

    def hidden_count(self) -> int:
        return self.at().hidden_count()

    def _reports(self, refs: Iterable[ReportRef]) -> None:
        for ref in refs:
            touched("report", ref.sha256, ref.tlp)

    def actors(self, *, limit: int, offset: int = 0) -> tuple[list[ActorSummary], int]:
        return self.at().actors(limit=limit, offset=offset)

    def actor_names(self) -> dict[str, str]:
        return self.at().actor_names()

    def resolve_actor(self, name: str) -> str:
        return self.at().resolve_actor(name)

    def profile(self, name: str, **limits: int) -> ActorProfile:
        found = self.at().profile(name, **limits)
        self._reports(found.reports)
        return found

    def reports(self, *, actor: str | None = None, since: dt.date | None = None,
                limit: int = 50, offset: int = 0) -> list[ReportRef]:
        found = self.at().reports(actor=actor, since=since, limit=limit, offset=offset)
        self._reports(found)
        return found

    def report(self, ref: str) -> tuple[ReportRef, Analysis]:
        found = self.at().report(ref)
        self._reports([found[0]])
        return found

    def indicator(self, value: str, *, limit: int = 100) -> IocResult:
        found = self.at().indicator(value, limit=limit)
        self._reports(s.report for s in found.sightings)
        return found

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        found = self.at().search(query, limit=limit)
        self._reports(h.report for h in found)
        return found

    def stats(self) -> dict[str, Any]:
        return self.at().stats()

    def collections(self, *, limit: int) -> list[ActorSummary]:
        return self.at().collections(limit=limit)

    def collection_actors(self, *, limit: int) -> dict[str, str]:
        return self.at().collection_actors(limit=limit)

    def snapshot(self, actor_id: str) -> Snapshot:
        found = self.at().snapshot(actor_id)
        touched("actor", actor_id, found.tlp)
        return found

    def export(self, actor_id: str) -> KnowledgeExport:
        """The knowledge selection of ``unmask export --actor`` at the current level."""
        selection = query_knowledge(self.kb, actor=actor_id, max_tlp=self.max_tlp,
                                    visible=self.at().scope())
        self._reports(selection.reports)
        return selection
