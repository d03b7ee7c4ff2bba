"""TAXII 2.1 over the knowledge base: one collection per actor; pushes from tokens that may write.

The filtering and paging rules are plain functions (:func:`select`, :func:`page`),
the routes in :func:`router` only parse requests and shape envelopes. A collection's
objects are the actor's STIX 2.1 bundle at the server's TLP ceiling (the objects of
``unmask export --actor X --format stix``); each object has one version, its
``modified`` (else ``created``, else the date added), made newer where its content
changed under the same ``modified`` (:func:`unmask.serve.view.served_objects`).

Each object version has its own ``date_added``, recorded in the knowledge base the
first time the version is served (see :meth:`View.dates_added`): a new report about
the actor adds only its new objects and new versions after the last date a client saw,
so an ``added_after`` poll gets just those. Objects, manifest records and versions
are listed in ``date_added`` order (then by type rank and id, see :class:`Snapshot`),
and ``next`` tokens name the last position given in that order, so a collection that
changes between two pages neither repeats nor skips a record. A token is signed
(HMAC-SHA-256 with a secret of the server process, :class:`Cursor`) over that position,
the collection, the endpoint, the ceiling and the filters it was given for: a token
from another collection or another query is a 400, as the reference server answers,
instead of a page from the wrong place.

``date_added`` and ``added_after`` are compared at millisecond precision (clients such
as OpenCTI keep milliseconds only), and dates added are given out in milliseconds.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from unmask.errors import UnmaskError
from unmask.export.stix import TLP_LEVELS as TLP_MARKINGS
from unmask.serve.view import NotVisible, Snapshot, View, collection_id, stored_version, type_rank

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_COLLECTIONS",
    "MAX_LIMIT",
    "MEDIA_TYPE",
    "SECRET_ENV",
    "STIX_MEDIA_TYPE",
    "Cursor",
    "Filters",
    "TaxiiError",
    "accepts_taxii",
    "added_stamp",
    "page",
    "parse_filters",
    "position",
    "router",
    "select",
    "timestamp",
    "to_millisecond",
    "version_of",
]

_T = TypeVar("_T")
#: Where a record stands in a collection's order: (date added, type rank, object id).
Position = tuple[dt.datetime, int, str]

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: Collections listed (the most reported actors); TAXII has no paging of collections.
MAX_COLLECTIONS = 1000
#: Status resources of pushes kept (the most recent ones).
MAX_STATUSES = 1000
_TLP_BY_MARKING = {marking: level for level, marking in TLP_MARKINGS.items()}
_TLP_RANK = {level: rank for rank, level in enumerate(TLP_MARKINGS)}


class TaxiiError(Exception):
    """A TAXII error message to send (section 3.6.1 of the specification)."""

    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.description = description

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "http_status": str(self.status)}
        if self.description:
            out["description"] = self.description
        return out


def timestamp(moment: dt.datetime) -> str:
    """A TAXII/STIX timestamp with microseconds, in UTC."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_millisecond(moment: dt.datetime) -> dt.datetime:
    """``moment`` cut to whole milliseconds (the precision dates added are compared at)."""
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def added_stamp(moment: dt.datetime) -> str:
    """A ``date_added`` as given out: UTC, millisecond precision (``…09.193Z``)."""
    return timestamp(to_millisecond(moment))[:-4] + "Z"


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)", re.ASCII)


def parse_timestamp(value: str, what: str) -> dt.datetime:
    text = value.strip()
    if not _TIMESTAMP.fullmatch(text):
        raise TaxiiError(400, f"invalid {what}",
                         f"{value!r} is not a timestamp like 2024-01-31T12:00:00.000Z")
    head, _, tail = text.partition(".")
    if tail:  # Python parses at most 6 fraction digits
        digits = re.match(r"\d+", tail)
        assert digits is not None
        text = f"{head}.{digits.group()[:6].ljust(6, '0')}{tail[digits.end():]}"
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TaxiiError(400, f"invalid {what}", f"{value!r} is not a valid date") from None
    return moment.astimezone(dt.UTC)


def accepts_taxii(accept: str | None) -> bool:
    """Whether an Accept header allows ``application/taxii+json;version=2.1``."""
    if accept is None or not accept.strip():
        return True
    for item in accept.split(","):
        parts = [p.strip().lower() for p in item.split(";")]
        media = parts[0]
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if params.get("q", "1").strip() in {"0", "0.0", "0.00", "0.000"}:
            continue
        if media in {"*/*", "application/*"}:
            return True
        if media == "application/taxii+json" and params.get("version", "2.1") == "2.1":
            return True
    return False


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of a request (section 3.5)."""

    added_after: dt.datetime | None = None
    limit: int = DEFAULT_LIMIT
    #: Where the previous page ended, when given directly (see also ``next``).
    after: Position | None = None
    #: The ``next`` parameter as sent: checked and decoded by :func:`page`.
    next: str | None = None
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None
    versions: tuple[str, ...] = ("last",)
    spec_versions: frozenset[str] | None = None


def _values(raw: Sequence[str]) -> list[str]:
    return [v.strip() for item in raw for v in item.split(",") if v.strip()]


#: Longest ``next`` token read (this server's are under 500 characters).
_MAX_TOKEN = 1000
_MAC_BYTES = 16
#: Environment variable holding the secret ``next`` tokens are signed with: every
#: process given the same one accepts the others' tokens (``unmask serve --workers N``
#: sets it for its worker processes; set it yourself for servers behind one address).
SECRET_ENV = "UNMASK_SERVE_SECRET"  # noqa: S105 - the variable's name, not a secret


def _secret_from_environment() -> bytes | None:
    given = os.environ.get(SECRET_ENV, "").strip()
    return hashlib.sha256(b"unmask taxii next\0" + given.encode()).digest() if given else None


#: The secret of this server process (every application the process builds shares it):
#: :data:`SECRET_ENV` when set, else random.
_PROCESS_SECRET = _secret_from_environment() or secrets.token_bytes(32)
_POSITION = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z):(\d):([\x21-\x7e]{1,300})")


class Cursor:
    """Gives out and checks ``next`` tokens.

    A token is ``base64url(mac || position)``, the MAC an HMAC-SHA-256 (cut to 16 bytes)
    under the server's secret over the token's *scope* (collection, endpoint, ceiling and
    a digest of the filters, see :meth:`scope`) and the position. So a token cannot be
    forged, and one given for another collection or another query is refused with a 400
    rather than answered from the wrong place. The secret is :data:`SECRET_ENV`'s (shared
    by the worker processes of one ``unmask serve --workers N``) or random per server
    process unless one is given: after a restart with a new one, old tokens are refused
    (a client starts that walk again from its ``added_after``).
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self._key = secret if secret else _PROCESS_SECRET

    @staticmethod
    def scope(filters: Filters, *, collection: str, endpoint: str, ceiling: str) -> str:
        """What a token is bound to: the filters except ``limit`` and ``next``."""
        digest = hashlib.sha256(json.dumps([
            added_stamp(filters.added_after) if filters.added_after else None,
            sorted(filters.ids) if filters.ids is not None else None,
            sorted(filters.types) if filters.types is not None else None,
            list(filters.versions),
            sorted(filters.spec_versions) if filters.spec_versions is not None else None,
        ]).encode()).hexdigest()
        return f"{collection}\n{endpoint}\n{ceiling}\n{digest}"

    def _mac(self, scope: str, payload: bytes) -> bytes:
        return hmac.new(self._key, scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, where: Position, scope: str) -> str:
        added, rank, object_id = where
        payload = f"{timestamp(added)}:{rank}:{object_id}".encode()
        token = self._mac(scope, payload) + payload
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, token: str, scope: str) -> Position:
        refused = TaxiiError(400, "invalid next",
                             "the next parameter is not one this server gave out for this "
                             "collection and these filters (start again without next)")
        if len(token) > _MAX_TOKEN:
            raise refused
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise refused from None
        mac, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, self._mac(scope, payload)):
            raise refused
        match = _POSITION.fullmatch(payload.decode("ascii", "replace"))
        if match is None:  # signed by this server: only an older token format gets here
            raise refused
        moment = dt.datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
        return moment, int(match.group(2)), match.group(3)


def parse_filters(query: Any, *, versions_allowed: bool = True) -> Filters:
    """Filters from a request's query parameters (a Starlette ``QueryParams``)."""
    def many(name: str) -> list[str]:
        return _values(query.getlist(name))

    added = query.get("added_after")
    limit = DEFAULT_LIMIT
    raw_limit = query.get("limit")
    if raw_limit is not None and raw_limit.strip() != "":
        if not re.fullmatch(r"\d{1,9}", raw_limit.strip()):
            raise TaxiiError(400, "invalid limit", f"{raw_limit!r} is not a positive whole number")
        limit = int(raw_limit)
        limit = DEFAULT_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    raw_next = query.get("next") or None
    versions = tuple(many("match[version]")) or ("last",)
    if not versions_allowed and query.getlist("match[version]"):
        raise TaxiiError(400, "invalid filter", "match[version] does not apply to versions")
    for version in versions:
        if version not in {"first", "last", "all"}:
            parse_timestamp(version, "match[version]")
    ids = many("match[id]")
    types = many("match[type]")
    specs = many("match[spec_version]")
    return Filters(
        added_after=to_millisecond(parse_timestamp(added, "added_after")) if added else None,
        limit=limit, next=raw_next,
        ids=frozenset(ids) if ids else None,
        types=frozenset(types) if types else None,
        versions=versions,
        spec_versions=frozenset(specs) if specs else None,
    )


def version_of(obj: dict[str, Any], date_added: dt.datetime) -> str:
    """An object's version: ``modified``, else ``created``, else its date added."""
    return stored_version(obj) or added_stamp(date_added)


def _version_matches(version: str, wanted: Iterable[str]) -> bool:
    for item in wanted:
        if item in {"first", "last", "all"}:
            return True  # one version per object: it is the first, the last and all
        if parse_timestamp(item, "match[version]") == parse_timestamp(version, "version"):
            return True
    return False


def select(snapshot: Snapshot, filters: Filters) -> list[tuple[dict[str, Any], Position]]:
    """(object, position) of the snapshot's objects that pass the filters, in the
    collection's order (the position's first part is the object's date added)."""
    after = to_millisecond(filters.added_after) if filters.added_after is not None else None
    if after is not None and to_millisecond(snapshot.date_added) <= after:
        return []
    out = []
    for index, obj in enumerate(snapshot.objects):
        added = snapshot.added_at(index)
        if after is not None and to_millisecond(added) <= after:
            continue
        if filters.ids is not None and obj.get("id") not in filters.ids:
            continue
        if filters.types is not None and obj.get("type") not in filters.types:
            continue
        if filters.spec_versions is not None and str(obj.get("spec_version", "2.1")) not in filters.spec_versions:
            continue
        if not _version_matches(version_of(obj, added), filters.versions):
            continue
        out.append((obj, position(obj, added)))
    return out


def position(obj: dict[str, Any], added: dt.datetime) -> Position:
    """Where an object added at ``added`` stands in its collection's order."""
    return added, type_rank(str(obj.get("type", ""))), str(obj.get("id", ""))


def page(items: Sequence[tuple[_T, Position]], filters: Filters, cursor: Cursor, scope: str,
         ) -> tuple[list[tuple[_T, Position]], bool, str | None]:
    """One page of (item, position) pairs, in position order, after the position
    ``next`` named (a token ``cursor`` gave out for ``scope``, else ``filters.after``):
    (pairs, more, next token)."""
    after = cursor.decode(filters.next, scope) if filters.next else filters.after
    start = 0
    if after is not None:
        start = bisect_right([where for _, where in items], after)
    chunk = list(items[start: start + filters.limit])
    end = start + len(chunk)
    more = end < len(items)
    return chunk, more, cursor.encode(chunk[-1][1], scope) if more and chunk else None


# -- routes -----------------------------------------------------------------------------


def router(view: View, *, max_content_length: int, secret: bytes | None = None) -> APIRouter:
    """The TAXII 2.1 routes, mounted under ``/taxii2``; ``secret`` signs ``next``
    tokens (random per process, shared by its applications, when not given)."""
    api = APIRouter(include_in_schema=False)
    cursor = Cursor(secret)

    def scope(filters: Filters, collection: str, endpoint: str) -> str:
        return Cursor.scope(filters, collection=collection, endpoint=endpoint,
                            ceiling=view.max_tlp)

    statuses: dict[str, dict[str, Any]] = {}

    def respond(body: dict[str, Any], headers: dict[str, str] | None = None,
                status: int = 200) -> JSONResponse:
        return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)

    def writable(request: Request) -> bool:
        """Whether the caller may push: the server requires tokens and the caller's
        role may write (the application refuses a POST from any other with a 403)."""
        principal = getattr(request.state, "principal", None)
        return bool(getattr(request.app.state, "guarded", False)) and principal is not None \
            and bool(principal.may("analyst"))

    def find(collection: str) -> Snapshot:
        actor_id = view.collection_actors(limit=MAX_COLLECTIONS).get(collection)
        if actor_id is not None:
            try:
                return view.snapshot(actor_id)
            except NotVisible:
                pass
        raise TaxiiError(404, "collection not found",
                         f"no collection {collection!r} on this server")

    def describe(actor_id: str, name: str, reports: int, can_write: bool,
                 snapshot: Snapshot | None = None) -> dict[str, Any]:
        names: list[str] = []
        for obj in snapshot.objects if snapshot is not None else ():
            if obj.get("type") == "intrusion-set":
                names = [a for a in obj.get("aliases", ()) if a != name][:10]
                break
        also = f"; also known as {', '.join(names)}" if names else ""
        return {
            "id": collection_id(actor_id), "title": name,
            "description": f"STIX 2.1 objects about {name} ({actor_id}) from {reports} "
                           f"report(s) at or below TLP:{view.max_tlp.upper()}{also}",
            "alias": actor_id, "can_read": True, "can_write": can_write,
            "media_types": [STIX_MEDIA_TYPE],
        }

    def envelope(records: list[tuple[Any, Position]], more: bool, token: str | None,
                 key: str = "objects") -> JSONResponse:
        """An envelope (``key`` "objects") or a versions resource (``key`` "versions"),
        from (record, position) pairs; the headers give the first and last date added."""
        body: dict[str, Any] = {"more": more}
        if token:
            body["next"] = token
        headers = None
        if records:
            body[key] = [record for record, _ in records]
            headers = {"X-TAXII-Date-Added-First": added_stamp(records[0][1][0]),
                       "X-TAXII-Date-Added-Last": added_stamp(records[-1][1][0])}
        return respond(body, headers)

    @api.get("/", name="taxii_discovery")
    def discovery(request: Request) -> JSONResponse:
        root = str(request.url_for("taxii_api_root"))
        return respond({
            "title": "unmask TAXII 2.1 server",
            "description": "Threat-actor knowledge from the unmask knowledge base, one "
                           f"collection per actor, at or below TLP:{view.max_tlp.upper()}.",
            "default": root, "api_roots": [root],
        })

    @api.get("/api/", name="taxii_api_root")
    def api_root() -> JSONResponse:
        return respond({
            "title": "unmask", "description": "One collection per actor in the knowledge base.",
            "versions": [MEDIA_TYPE], "max_content_length": max_content_length,
        })

    @api.get("/api/collections/")
    def collections(request: Request) -> JSONResponse:
        listed = [describe(a.actor_id, a.name, a.reports, writable(request))
                  for a in view.collections(limit=MAX_COLLECTIONS)]
        return respond({"collections": listed} if listed else {})

    @api.get("/api/collections/{collection}/")
    def collection(collection: str, request: Request) -> JSONResponse:
        snapshot = find(collection)
        return respond(describe(snapshot.actor_id, snapshot.name, snapshot.reports,
                                writable(request), snapshot))

    @api.get("/api/collections/{collection}/objects/")
    def objects(collection: str, request: Request) -> JSONResponse:
        filters = parse_filters(request.query_params)
        snapshot = find(collection)
        chunk, more, token = page(select(snapshot, filters), filters, cursor,
                                  scope(filters, collection, "objects"))
        return envelope(chunk, more, token)

    @api.post("/api/collections/{collection}/objects/")
    async def add_objects(collection: str, request: Request) -> JSONResponse:
        await run_in_threadpool(find, collection)
        if not writable(request):
            raise TaxiiError(403, "collection is read-only",
                             "this server takes objects only when it requires tokens "
                             "(unmask serve --token or the knowledge base's tokens)")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/taxii+json":
            raise TaxiiError(415, "unsupported media type",
                             f"send an envelope as {MEDIA_TYPE}, not {content_type or 'no type'!r}")
        body = await _read_body(request, max_content_length)
        objects = _envelope_objects(body)
        principal = getattr(request.state, "principal", None)
        status = await run_in_threadpool(_ingest_push, view, collection, objects,
                                         getattr(principal, "org", None))
        statuses[status["id"]] = status
        while len(statuses) > MAX_STATUSES:
            del statuses[next(iter(statuses))]
        return respond(status, status=202)

    @api.get("/api/status/{status_id}/")
    def get_status(status_id: str) -> JSONResponse:
        found = statuses.get(status_id)
        if found is None:
            raise TaxiiError(404, "status not found", f"no status {status_id!r} on this server")
        return respond(found)

    @api.get("/api/collections/{collection}/objects/{object_id}/")
    def get_object(collection: str, object_id: str, request: Request) -> JSONResponse:
        filters = parse_filters(request.query_params)
        snapshot = find(collection)
        found = select(snapshot, _with_id(filters, object_id))
        if not found and not any(o.get("id") == object_id for o in snapshot.objects):
            raise TaxiiError(404, "object not found", f"no object {object_id!r} in this collection")
        chunk, more, token = page(found, filters, cursor,
                                  scope(filters, collection, "object:" + object_id))
        return envelope(chunk, more, token)

    @api.get("/api/collections/{collection}/objects/{object_id}/versions/")
    def versions(collection: str, object_id: str, request: Request) -> JSONResponse:
        filters = parse_filters(request.query_params, versions_allowed=False)
        snapshot = find(collection)
        every = _with_id(filters, object_id, versions=("all",))
        found = select(snapshot, every)
        if not found and not any(o.get("id") == object_id for o in snapshot.objects):
            raise TaxiiError(404, "object not found", f"no object {object_id!r} in this collection")
        listed = [(version_of(o, where[0]), where) for o, where in found]
        chunk, more, token = page(listed, filters, cursor,
                                  scope(filters, collection, "versions:" + object_id))
        return envelope(chunk, more, token, key="versions")

    @api.get("/api/collections/{collection}/manifest/")
    def manifest(collection: str, request: Request) -> JSONResponse:
        filters = parse_filters(request.query_params)
        snapshot = find(collection)
        records = [({"id": o["id"], "date_added": added_stamp(where[0]),
                     "version": version_of(o, where[0]), "media_type": STIX_MEDIA_TYPE}, where)
                   for o, where in select(snapshot, filters)]
        chunk, more, token = page(records, filters, cursor,
                                  scope(filters, collection, "manifest"))
        return envelope(chunk, more, token)

    return api


def _with_id(filters: Filters, object_id: str, *, versions: tuple[str, ...] | None = None) -> Filters:
    return Filters(
        added_after=filters.added_after, limit=filters.limit, after=filters.after,
        next=filters.next, ids=frozenset({object_id}), types=filters.types,
        versions=versions or filters.versions, spec_versions=filters.spec_versions,
    )


# -- TAXII push -------------------------------------------------------------------------


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, or a 413 as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TaxiiError(413, "envelope too large",
                         f"the body is {declared} bytes; max_content_length is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TaxiiError(413, "envelope too large", f"the body is over max_content_length ({limit})")
        chunks.append(chunk)
    return b"".join(chunks)


def _envelope_objects(body: bytes) -> list[Any]:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TaxiiError(400, "invalid envelope", "the body is not JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(400, "invalid envelope", 'an envelope is {"objects": [STIX objects]}')
    return list(envelope["objects"])


def _pushed_tlp(objects: Sequence[dict[str, Any]]) -> str:
    """The strictest TLP 2.0 marking the objects carry (``clear`` when none)."""
    levels = {_TLP_BY_MARKING[ref] for obj in objects
              for ref in (obj.get("object_marking_refs") or ()) if ref in _TLP_BY_MARKING}
    return max(levels, key=_TLP_RANK.__getitem__, default="clear")


def _ingest_push(view: View, collection: str, objects: list[Any],
                 org: str | None = None) -> dict[str, Any]:
    """Fold pushed objects into the knowledge base as one STIX bundle; the status resource.

    ``org``: the pushing token's organisation, which owns a new report (its AMBER+STRICT
    and RED content is for that organisation, not the server's); a report already stored
    keeps its owner, as it keeps a higher marking."""
    import uuid

    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    requested = timestamp(dt.datetime.now(dt.UTC))
    good = [o for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)
            and isinstance(o.get("type"), str) and "--" in o["id"]]
    failures = [{"id": str(o.get("id", "")) if isinstance(o, dict) else "",
                 "message": "not a STIX object (an object with a type and an id)"}
                for o in objects if not (isinstance(o, dict) and o in good)]
    successes: list[dict[str, Any]] = []
    if good:
        content = json.dumps(good, sort_keys=True)
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid5(uuid.NAMESPACE_URL, content)}",
                  "objects": good}
        try:
            document = parse_bytes(json.dumps(bundle).encode(),
                                   source=f"taxii push to collection {collection}")
            level = _pushed_tlp(good)
            stored = view.kb.marking_of(document.sha256)  # a push never lowers a stored marking
            if stored is not None and _TLP_RANK[stored] > _TLP_RANK[level]:
                level = stored
            view.kb.add_analysis(analyze(document), tlp=level,
                                 org=org if stored is None else None)
        except UnmaskError as exc:
            failures += [{"id": o["id"], "message": f"not stored: {exc}"} for o in good]
        else:
            successes = [{"id": o["id"], **({"version": stored_version(o)} if stored_version(o) else {})}
                         for o in good]
    return {
        "id": str(uuid.uuid4()), "status": "complete", "request_timestamp": requested,
        "total_count": len(objects), "success_count": len(successes),
        "failure_count": len(failures), "pending_count": 0,
        **({"successes": successes} if successes else {}),
        **({"failures": failures} if failures else {}),
    }
