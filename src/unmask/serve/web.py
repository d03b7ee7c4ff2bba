"""Server-rendered web pages (Jinja2, autoescaped, no JavaScript, no external assets).

Report text and titles are hostile input: every value goes through Jinja's autoescape
and the pages are sent with a Content-Security-Policy that allows the own style sheet
and nothing else (no scripts at all). Unicode direction controls (which can make
``exe.pdf`` of ``fdp.exe``) are shown as ``<U+202E>`` in every printed value.
"""

from __future__ import annotations

import functools
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from unmask.model import Span
from unmask.serve.view import NotVisible, View
from unmask.store.display import reveal_controls
from unmask.store.search import MAX_QUERY_CHARS, QueryLimitError

__all__ = ["CSP", "error_page", "router"]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
_HERE = Path(__file__).parent
_QUOTE_CONTEXT = 80
_PAGE = 50
_TITLES = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed",
           406: "Not acceptable", 413: "Too large", 421: "Misdirected request", 500: "Server error",
           503: "Unavailable"}


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        finalize=_shown,
    )
    env.filters["pathquote"] = lambda value: urllib.parse.quote(str(value), safe="")
    return env


def _shown(value: Any) -> Any:
    """Every value a page prints: text with its invisible direction controls shown."""
    return reveal_controls(value) if isinstance(value, str) else value


def _render(request: Request, view: View | None, template: str, code: int = 200,
            headers: dict[str, str] | None = None, **values: Any) -> Response:
    max_tlp = view.max_tlp if view is not None else getattr(
        getattr(request.app.state, "view", None), "max_tlp", "clear")
    values.setdefault("query", "")
    # Report rows carry actor ids; links show the actor's name.
    values.setdefault("actor_names", view.actor_names() if view is not None else {})
    html = environment().get_template(template).render(max_tlp=max_tlp, **values)
    return HTMLResponse(html, status_code=code, headers=headers)


def error_page(request: Request, status: int, message: str,
               headers: dict[str, str] | None = None) -> Response:
    """A plain HTML error page."""
    return _render(request, None, "error.html", status, headers or {}, status=status,
                   title=_TITLES.get(status, "Error"), message=message)


def _quoter(text: str) -> Any:
    def quote(span: Span) -> str:
        start = max(0, span.start - _QUOTE_CONTEXT)
        end = min(len(text), span.end + _QUOTE_CONTEXT)
        snippet = " ".join(text[start:end].split())
        return ("…" if start else "") + snippet + ("…" if end < len(text) else "")

    return quote


def _parts(snippet: str, highlights: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in highlights:
        if start > at:
            parts.append((snippet[at:start], False))
        parts.append((snippet[start:end], True))
        at = end
    parts.append((snippet[at:], False))
    return [p for p in parts if p[0]]


def _schema_type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_schema_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The REST operations of an OpenAPI schema, for the API reference page."""
    out: list[dict[str, Any]] = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            parameters = [
                {"name": p.get("name", ""), "where": p.get("in", ""), "required": bool(p.get("required")),
                 "type": _schema_type(p.get("schema", {})),
                 "description": p.get("description") or p.get("schema", {}).get("description", "")}
                for p in op.get("parameters", [])
            ]
            body = ", ".join(sorted(op.get("requestBody", {}).get("content", {})))
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "parameters": parameters, "body": body})
    return out


def router(view: View) -> APIRouter:
    """The HTML pages and the style sheet."""
    from unmask.export.knowledge import KB_FORMATS

    pages = APIRouter(include_in_schema=False)

    def missing(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, str(exc))

    @pages.get("/static/style.css")
    def style() -> FileResponse:
        return FileResponse(_HERE / "static" / "style.css", media_type="text/css",
                            headers={"Cache-Control": "max-age=3600"})

    @pages.get("/")
    def home(request: Request, offset: int = Query(0, ge=0, le=10**9)) -> Response:
        actors, total = view.actors(limit=_PAGE, offset=offset)
        return _render(request, view, "index.html", stats=view.stats(), actors=actors,
                       total=total, offset=offset, limit=_PAGE)

    @pages.get("/actors/{name:path}")
    def actor(request: Request, name: str) -> Response:
        try:
            profile = view.profile(name)
        except NotVisible as exc:
            return missing(request, exc)
        return _render(request, view, "actor.html", p=profile, formats=list(KB_FORMATS))

    @pages.get("/reports/{ref:path}")
    def report(request: Request, ref: str) -> Response:
        try:
            found, analysis = view.report(ref)
        except NotVisible as exc:
            return missing(request, exc)
        return _render(request, view, "report.html", r=found, a=analysis,
                       quote=_quoter(analysis.document.text))

    @pages.get("/indicators/{value:path}")
    def indicator(request: Request, value: str) -> Response:
        try:
            found = view.indicator(value)
        except NotVisible as exc:
            return missing(request, exc)
        return _render(request, view, "indicator.html", i=found)

    @pages.get("/api-reference")
    def api_reference(request: Request) -> Response:
        schema = request.app.openapi()
        return _render(request, view, "api.html", info=schema.get("info", {}),
                       version=schema.get("openapi", ""), operations=_operations(schema))

    @pages.get("/search")
    def search(request: Request, q: str = Query("", max_length=MAX_QUERY_CHARS)) -> Response:
        hits: list[dict[str, Any]] = []
        if q.strip():
            try:
                found = view.search(q, limit=50)
            except QueryLimitError as exc:
                return _render(request, view, "search.html", 400, query=q, hits=[],
                               problem=str(exc))
            hits = [{"report": h.report, "parts": _parts(h.snippet, h.highlights)} for h in found]
        return _render(request, view, "search.html", query=q, hits=hits, problem=None)

    return pages
