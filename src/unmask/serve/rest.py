"""The REST API under ``/api/v1``: JSON views of the knowledge base, and analysis on demand.

Every answer is the ``to_dict()`` of the store's result objects (the same JSON as
``unmask actor/reports/show/ioc/search --format json``) seen through the server's TLP
ceiling; errors are ``{"error": {"type", "message", "source"}}``. The OpenAPI document
describes them with the models of :mod:`unmask.serve.models` (``responses=``: the JSON
is not converted on the way out).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from unmask.errors import DocumentError, ExportError
from unmask.model import Analysis
from unmask.serve import models
from unmask.serve.view import NotVisible, View
from unmask.store.search import MAX_QUERY_CHARS

__all__ = ["DEFAULT_MAX_TEXT", "MAX_PAGE", "ApiError", "error_body", "router"]

MAX_PAGE = 500
#: Most characters of text POST /analyze runs the extractors on (about 6 s of analysis
#: on a shared core for hostile one-line text; a 400-page report is about 1 M).
DEFAULT_MAX_TEXT = 1_000_000
_EXPORT_MEDIA = {
    "stix": "application/stix+json;version=2.1",
    "misp": "application/json",
    "navigator": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most {MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=10**9)]
#: Checked by the route (a 400 naming the formats), listed in the OpenAPI document.
ExportFormat = Annotated[str, Query(json_schema_extra={"enum": list(_EXPORT_MEDIA)})]


class ApiError(Exception):
    """An error answer: HTTP status, error type and message."""

    def __init__(self, status: int, kind: str, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.source = source


def error_body(kind: str, message: str, source: str | None = None) -> dict[str, Any]:
    """The documented JSON error shape (the one ``--format json`` commands print)."""
    return {"error": {"type": kind, "message": message, "source": source}}


def _not_found(exc: NotVisible) -> ApiError:
    return ApiError(404, "NotFound", str(exc))


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, or a 413 as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "TooLargeError", f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "TooLargeError", f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _replay(body: bytes) -> Callable[[], Awaitable[dict[str, Any]]]:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def router(view: View, *, max_upload: int, max_text: int = DEFAULT_MAX_TEXT) -> APIRouter:
    """The ``/api/v1`` routes."""
    api = APIRouter()

    @api.get("/stats", summary="How much the knowledge base holds (visible at the ceiling)",
             response_model=None, responses=models.answers(models.Stats))
    def stats() -> dict[str, Any]:
        return view.stats()

    @api.get("/actors", summary="Actors, most reported first",
             response_model=None, responses=models.answers(models.ActorList))
    def actors(limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        listed, total = view.actors(limit=limit, offset=offset)
        return {"actors": [a.to_dict() for a in listed], "total": total, "limit": limit,
                "offset": offset}

    @api.get("/actors/{name}", summary="An actor's profile (any of its names)",
             response_model=None, responses=models.answers(models.ActorProfile, 404))
    def actor(name: str) -> dict[str, Any]:
        try:
            return view.profile(name).to_dict()
        except NotVisible as exc:
            raise _not_found(exc) from exc

    @api.get("/actors/{name}/export", summary="An actor's export: stix, misp, navigator, markdown, csv",
             response_class=Response,
             responses=models.answers(None, 404, content=models.EXPORT_CONTENT))
    def export(name: str, format: ExportFormat = "stix") -> Response:
        from unmask.export.knowledge import export_knowledge

        if format not in _EXPORT_MEDIA:
            raise ApiError(400, "ValueError",
                           f"unknown export format {format!r}; choose from {', '.join(_EXPORT_MEDIA)}")
        try:
            actor_id = view.resolve_actor(name)
            selection = view.export(actor_id)
        except NotVisible as exc:
            raise _not_found(exc) from exc
        except ExportError as exc:  # its message names the database
            raise ApiError(404, "NotFound", f"no visible report about actor {name!r}") from exc
        return Response(export_knowledge(selection, format), media_type=_EXPORT_MEDIA[format])

    @api.get("/indicators/{value:path}", response_model=None,
             responses=models.answers(models.IndicatorAnswer, 404),
             summary="Where an indicator was seen (defanged input accepted), its score and sightings")
    def indicator(value: str, limit: Limit = 100) -> dict[str, Any]:
        from unmask.serve.sightings import indicator_json

        try:
            return indicator_json(view, value, limit=limit)
        except NotVisible as exc:
            raise _not_found(exc) from exc

    @api.post("/indicators/{value:path}/sightings", status_code=201, response_model=None,
              responses=models.answers(models.SightingAnswer, 404, 413, status=201),
              openapi_extra={"requestBody": {"required": False, "content": {
                  "application/json": {"schema": models.SightingBody.model_json_schema()}}}},
              summary="Record a sighting: seen, false-positive or expiration (a token that may write)")
    async def add_sighting(value: str, request: Request) -> dict[str, Any]:
        from unmask.serve.sightings import MAX_SIGHTING_BODY, post_sighting

        body = await read_limited(request, MAX_SIGHTING_BODY)
        return await run_in_threadpool(post_sighting, view, value, body, request)

    @api.get("/search", summary="Full-text search over report text",
             response_model=None, responses=models.answers(models.SearchAnswer))
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
        if not q.strip():
            raise ApiError(400, "ValueError", "empty search query (give words to look for)")
        return {"query": q, "hits": [h.to_dict() for h in view.search(q, limit=limit)]}

    @api.get("/reports", summary="Stored reports, newest first",
             response_model=None, responses=models.answers(models.ReportList, 404))
    def reports(actor: str | None = None, since: dt.date | None = None,
                limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        try:
            listed = view.reports(actor=actor, since=since, limit=limit, offset=offset)
        except NotVisible as exc:
            raise _not_found(exc) from exc
        return {"reports": [r.to_dict() for r in listed], "limit": limit, "offset": offset}

    @api.get("/reports/{ref:path}", summary="One stored report and its analysis",
             response_model=None, responses=models.answers(models.ReportAnswer, 404))
    def report(ref: str) -> dict[str, Any]:
        try:
            found, analysis = view.report(ref)
        except NotVisible as exc:
            raise _not_found(exc) from exc
        return {"report": found.to_dict(), "analysis": analysis.to_dict()}

    @api.get("/admin/audit", summary="The audit trail, oldest first (admin tokens only)",
             response_model=None, responses=models.answers(models.AuditTrail))
    def audit(request: Request, since: dt.datetime | None = None, token: str | None = None,
              limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict[str, Any]:
        from unmask.store.accounts import audit_entries

        pending = getattr(request.app.state, "audit_log", None)
        if pending is not None:
            pending.flush()  # what this server has not written yet
        entries = audit_entries(view.kb, since=since, token=token, limit=limit)
        out = []
        for entry in entries:
            shown = entry.to_dict()
            if entry.tlp is not None and not view.visible(entry.tlp):
                # Which reports above the caller's clearance were read is itself
                # restricted (the path may name one too).
                shown["objects"] = [f"({len(entry.objects)} above this token's clearance)"]
                shown["route"] = "(above this token's clearance)"
            out.append(shown)
        return {"entries": out, "limit": limit}

    @api.get("/admin/tokens", summary="The stored tokens, never their secrets (admin tokens only)",
             response_model=None, responses=models.answers(models.TokenList))
    def tokens() -> dict[str, Any]:
        from unmask.store.accounts import tokens as stored

        return {"tokens": [t.to_dict() for t in stored(view.kb)]}

    @api.post(
        "/analyze",
        summary="Analyse a text/plain body or an uploaded file (nothing is stored)",
        response_class=JSONResponse, responses=models.answers(models.Analysis, 413, 415, 422),
        openapi_extra={"requestBody": {"content": {
            "text/plain": {"schema": {"type": "string", "pattern": r"\S",
                                      "description": "The text (not only white space)"}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"}}}},
        }}},
    )
    async def analyze(request: Request) -> JSONResponse:
        body = await read_limited(request, max_upload)
        content_type = request.headers.get("content-type", "")
        source = "request body"
        if content_type.startswith("multipart/form-data"):
            if importlib.util.find_spec("python_multipart") is None:
                raise ApiError(415, "MissingDependencyError",
                               "file uploads need python-multipart (pip install 'unmask[serve]'); "
                               "send the text as text/plain instead")
            form_request = Request(request.scope, receive=_replay(body))
            async with form_request.form() as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise ApiError(400, "ValueError", "the multipart body has no 'file' field")
                data = await upload.read()
                source = upload.filename or "upload"
        else:
            data = body
        analysis = await run_in_threadpool(analyze_bytes, data, source, max_upload, max_text)
        return JSONResponse(analysis.to_dict())

    return api


def _text_size(document: Any) -> int:
    return len(document.text) + sum(_text_size(child) for child in document.children)


def analyze_bytes(data: bytes, source: str, limit: int, max_text: int) -> Analysis:
    """Read and analyse one uploaded document within the byte and text limits (the REST
    route and the web upload share it); an ApiError (413/422) when it cannot be."""
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    try:
        document = parse_bytes(data, source=source, max_bytes=limit)
    except DocumentError as exc:
        status = 413 if type(exc).__name__ == "TooLargeError" else 422
        raise ApiError(status, type(exc).__name__, str(exc), exc.source) from exc
    # The body limit counts bytes received; a compressed PDF or archive can unfold into
    # far more text than that, and analysis time grows with the text.
    size = _text_size(document)
    if size > max_text:
        raise ApiError(413, "TooLargeError",
                       f"{source}: the text is {size:,} characters; this server analyses at most "
                       f"{max_text:,} (run unmask analyze on it locally)", source)
    return analyze(document)
