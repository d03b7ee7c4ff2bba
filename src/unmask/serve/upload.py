"""Upload and analyse from the browser: ``GET /upload``, ``POST /upload/analyze``,
``POST /upload/ingest`` (role analyst).

The form takes a file (PDF, HTML, e-mail, text: whatever ``unmask analyze`` reads) or
pasted text, within the limits of ``POST /api/v1/analyze`` (bytes received, then
characters of text). The analysis is shown as a findings list and kept in the
knowledge base for :data:`KEEP_SECONDS` under a random id, for the caller who sent it
only (any server process can ingest it: see :class:`_Held`), at most
:data:`KEEP_PER_OWNER` per token and :data:`KEEP` in all; the ingest button stores it at a TLP the caller chooses, at most the caller's
clearance (and the server's ceiling). Both POSTs check the form's CSRF token, are
rate-limited per token and run in the bounded analysis pool (:mod:`unmask.serve.limits`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import delete, func, insert, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from unmask.model import Analysis
from unmask.serve.rest import ApiError, analyze_bytes, read_limited
from unmask.serve.session import check_csrf
from unmask.serve.signin import render
from unmask.serve.view import View
from unmask.store import TLP_LEVELS, KnowledgeBase
from unmask.store.schema import ServeUploadRow, table_of

__all__ = ["KEEP", "KEEP_PER_OWNER", "KEEP_SECONDS", "Full", "router"]

#: How long an analysis waits for its ingest button; how many wait at once for one
#: token (its oldest makes room for a new one) and in all (past it a new upload is
#: refused: one client cannot push out everyone else's).
KEEP_SECONDS = 15 * 60.0
KEEP_PER_OWNER = 8
KEEP = 64


class Full(Exception):
    """Every place for a held upload is taken (by others: a caller's own oldest makes
    room for its new one)."""
#: Most characters of pasted text the form field takes (the body limit applies too).
_FIELD_LIMIT = 10 * 1024 * 1024


class _Held:
    """Uploads waiting for their ingest button, kept in the knowledge base
    (``serve_uploads``: the bytes, for their owner, under the SHA-256 of a random id)
    so that any server process can ingest what another analysed; the analysis itself
    stays in the memory of the process that made it, and another process analyses the
    bytes again. An upload is taken once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[float, Analysis]] = OrderedDict()

    def put(self, owner: str, analysis: Analysis, data: bytes, source: str) -> str:
        """Keep an upload for ``owner``; its id. At :data:`KEEP_PER_OWNER` the owner's
        oldest goes; :class:`Full` when :data:`KEEP` others' are waiting."""
        key = secrets.token_urlsafe(16)
        now = dt.datetime.now(dt.UTC)
        t = table_of(ServeUploadRow)
        mine = t.c.owner == owner[:64]
        with self.kb.engine.begin() as conn:
            if self.kb.dialect == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the counts and the insert at once
            conn.execute(delete(t).where(t.c.expires_at < now))
            own = conn.execute(select(t.c.id_hash).where(mine).order_by(t.c.expires_at.desc())
                               .offset(KEEP_PER_OWNER - 1)).scalars().all()
            if own:
                conn.execute(delete(t).where(t.c.id_hash.in_(list(own))))
            if conn.execute(select(func.count()).select_from(t)).scalar_one() >= KEEP:
                raise Full(f"{KEEP} uploads are waiting for their ingest button")
            conn.execute(insert(t), [{"id_hash": _hash(key), "owner": owner[:64], "source": source[:300],
                                      "content": data,
                                      "expires_at": now + dt.timedelta(seconds=KEEP_SECONDS)}])
        with self._lock:
            self._prune()
            self._items[key] = (time.monotonic(), analysis)
            while len(self._items) > KEEP + KEEP_PER_OWNER:
                self._items.popitem(last=False)  # only the analysis: the bytes are in the base
        return key

    def take(self, owner: str, key: str) -> tuple[Analysis | None, bytes, str] | None:
        """``(analysis kept here or None, bytes, source)`` of the owner's upload, or None."""
        if not key or len(key) > 100:
            return None
        t = table_of(ServeUploadRow)
        where = (t.c.id_hash == _hash(key)) & (t.c.owner == owner[:64]) & (
            t.c.expires_at >= dt.datetime.now(dt.UTC))
        with self.kb.engine.begin() as conn:
            row = conn.execute(select(t.c.content, t.c.source).where(where)).first()
            if row is None or not conn.execute(delete(t).where(where)).rowcount:
                return None  # none, or another process took it first
        with self._lock:
            self._prune()
            held = self._items.pop(key, None)
        return (held[1] if held else None), bytes(row.content), str(row.source)

    def _prune(self) -> None:
        now = time.monotonic()
        for key in [k for k, (at, _) in self._items.items() if now - at > KEEP_SECONDS]:
            del self._items[key]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _findings(analysis: Analysis) -> dict[str, Any]:
    """What the page lists: actors, indicators by role, techniques, targets, malware."""
    roles: dict[str, list[Any]] = {"indicator": [], "reference": [], "benign": []}
    seen: set[tuple[str, str]] = set()
    for o in analysis.observables:
        if (o.type, o.value) not in seen:
            seen.add((o.type, o.value))
            roles.setdefault(o.role, []).append(o)
    actors = list({a.actor_id: a for a in analysis.actors}.values())
    techniques = list({t.technique_id: t for t in analysis.techniques}.values())
    targets = list({(t.kind, t.value): t for t in analysis.targets}.values())
    malware = list({m.name: m for m in analysis.malware}.values())
    return {"actors": actors, "roles": [(r, items) for r, items in roles.items() if items],
            "techniques": techniques, "targets": targets, "malware": malware,
            "count": len(actors) + len(seen) + len(techniques) + len(targets) + len(malware)}


def _levels(view: View) -> list[str]:
    """The markings the caller may give (up to the level it is answered at)."""
    return list(TLP_LEVELS[: TLP_LEVELS.index(view.max_tlp) + 1])


def router(view: View, *, max_upload: int, max_text: int) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    held = _Held(view.kb)

    def owner(request: Request) -> str:
        principal = request.state.principal
        return str(principal.key_id or principal.name)

    def page(request: Request, status: int = 200, **values: Any) -> Response:
        values.setdefault("problem", None)
        values.setdefault("result", None)
        return render(request, view, "upload.html", status, csrf=request.state.csrf,
                      levels=_levels(view), max_upload=max_upload, max_text=max_text, **values)

    def refused(request: Request) -> Response | None:
        if not request.state.principal.may("analyst"):
            return page(request, 403, problem="Uploading needs a token with the analyst role.")
        return None

    @pages.get("/upload")
    def upload_form(request: Request) -> Response:
        return refused(request) or page(request)

    @pages.post("/upload/analyze")
    async def upload_analyze(request: Request) -> Response:
        body = await read_limited(request, max_upload + 64 * 1024)  # the form's own fields
        form_request = Request(request.scope, receive=_replay(body))
        async with form_request.form(max_part_size=_FIELD_LIMIT) as form:
            if not check_csrf(request.state.csrf, _text(form.get("csrf"))):
                return page(request, 403, problem="The form had expired: open the page again.")
            sent = form.get("file")
            pasted = _text(form.get("text"))
            if isinstance(sent, UploadFile) and sent.filename:
                data = await sent.read()
                source = sent.filename
            elif pasted.strip():
                data, source = pasted.encode(), "pasted text"
            else:
                return page(request, 400, problem="Choose a file or paste some text.")
        if len(data) > max_upload:
            return page(request, 413, problem=f"The upload is {len(data):,} bytes; this server "
                        f"takes at most {max_upload:,}.")
        try:
            analysis = await run_in_threadpool(analyze_bytes, data, source, max_upload, max_text)
        except ApiError as exc:
            return page(request, exc.status, problem=exc.message)
        try:
            key = await run_in_threadpool(held.put, owner(request), analysis, data, source)
        except Full:
            return page(request, 503, problem="Too many uploads from other callers are waiting "
                        "to be ingested: try again in a few minutes.", headers={"Retry-After": "60"})
        return page(request, result={"id": key, "a": analysis, "f": _findings(analysis)})

    @pages.post("/upload/ingest")
    async def upload_ingest(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=10) as form:
            if not check_csrf(request.state.csrf, _text(form.get("csrf"))):
                return page(request, 403, problem="The form had expired: open the page again.")
            key, level = _text(form.get("id")), _text(form.get("tlp")).strip().lower()
        if level not in _levels(view):
            return page(request, 400, problem=f"Choose a marking up to TLP:{view.max_tlp.upper()} "
                        "(this token's clearance).")
        taken = await run_in_threadpool(held.take, owner(request), key)
        if taken is None:
            return page(request, 404, problem="That analysis is no longer kept (after "
                        f"{round(KEEP_SECONDS / 60)} minutes, or ingested already): upload it again.")
        analysis, data, source = taken
        if analysis is None:  # analysed by another server process: the same bytes again
            try:
                analysis = await run_in_threadpool(analyze_bytes, data, source, max_upload, max_text)
            except ApiError as exc:
                return page(request, exc.status, problem=exc.message)
        # A copy of a stored report never lowers its marking: an analyst cleared to GREEN
        # who uploads the bytes of a RED report must not make it GREEN for everyone.
        stored = await run_in_threadpool(view.kb.marking_of, analysis.document.sha256)
        if stored is not None and TLP_LEVELS.index(stored) > TLP_LEVELS.index(level):
            level = stored
        # A new report belongs to the uploader's organisation (its AMBER+STRICT and RED
        # content is for them, not the server's); a stored one keeps its owner.
        org = request.state.principal.org if stored is None else None
        result = await run_in_threadpool(view.kb.add_analysis, analysis, tlp=level, org=org)
        return Response(status_code=303, headers={"Location": f"/reports/{result.sha256}"})

    return pages


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _replay(body: bytes) -> Any:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
