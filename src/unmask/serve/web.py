"""Server-rendered web pages (Jinja2, autoescaped, no JavaScript, no external assets).

Report text and titles are hostile input: every value goes through Jinja's autoescape
and the pages are sent with a Content-Security-Policy that allows the own style sheet
and nothing else (no scripts at all). Unicode direction controls (which can make
``exe.pdf`` of ``fdp.exe``) are shown as ``<U+202E>`` in every printed value.

The pictures (the ATT&CK matrix, the timeline, the names graph, the target bars) are
HTML and SVG drawn on the server from :mod:`unmask.serve.charts`; the report page
marks every finding in the text from :mod:`unmask.serve.highlight`. Links between them
are plain anchors (``#t-T1059``, ``#span-START-END``) shown with CSS ``:target``.
Every page reads the knowledge base through :class:`View` only, at the caller's level.
"""

from __future__ import annotations

import functools
import logging
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from unmask.errors import ReferenceDataError
from unmask.reference.actors import load_actor_graph, name_key
from unmask.reference.attack import attack_data
from unmask.serve import charts, highlight
from unmask.serve.view import NotVisible, View
from unmask.store import ActorProfile
from unmask.store.display import reveal_controls
from unmask.store.search import MAX_QUERY_CHARS, QueryLimitError

__all__ = ["CSP", "error_page", "router"]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
_HERE = Path(__file__).parent
_log = logging.getLogger(__name__)
_PAGE = 50
#: Indicators per page of the actor page, and the most read to filter and page through.
_INDICATOR_PAGE = 50
_INDICATOR_CAP = 5000
#: What the actor page reads: every technique for the matrix, reports for the timeline.
_PROFILE_LIMITS = {"techniques": 1000, "reports": 200, "timeline": 400, "evidence": 3}
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
    env.globals["evidence_href"] = charts.evidence_href
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


#: Target kinds drawn as bar charts on the actor page, with their titles.
_TARGET_KINDS = (("sector", "Sectors"), ("country", "Countries"), ("organization", "Organisations"))
#: What the compare page reads of each actor.
_COMPARE_LIMITS = {"techniques": 1000, "indicators": _INDICATOR_CAP, "items": 200,
                   "reports": 1, "timeline": 1, "evidence": 1}


def _comparison(a: ActorProfile, b: ActorProfile) -> dict[str, Any]:
    """What two actors share: techniques, indicators (infrastructure), names, malware."""
    graph = load_actor_graph()

    def names(p: ActorProfile) -> dict[str, str]:
        out = {name_key(n.value): n.value for n in p.names}
        out.update({name_key(al.name): al.name for al in p.aliases})
        actor = graph.get(p.actor_id)
        if actor is not None:
            out.update({name_key(al.name): al.name for al in actor.aliases})
        return out

    tech_b = {t.technique_id: t for t in b.techniques}
    techniques = sorted(((t, tech_b[t.technique_id]) for t in a.techniques if t.technique_id in tech_b),
                        key=lambda pair: (-(pair[0].reports + pair[1].reports), pair[0].technique_id))
    ind_b = {(i.type, i.value): i for i in b.indicators}
    indicators = sorted(((i, ind_b[(i.type, i.value)]) for i in a.indicators if (i.type, i.value) in ind_b),
                        key=lambda pair: (-(pair[0].reports + pair[1].reports), pair[0].value))
    mal_b = {m.value: m for m in b.malware}
    malware = [(m, mal_b[m.value]) for m in a.malware if m.value in mal_b]
    names_a, names_b = names(a), names(b)
    shared_names = sorted((names_a[k] for k in names_a.keys() & names_b.keys()), key=str.casefold)
    return {"a": a, "b": b, "techniques": techniques, "indicators": indicators, "malware": malware,
            "names": shared_names,
            "only": {"techniques": (len(a.techniques) - len(techniques), len(b.techniques) - len(techniques)),
                     "indicators": (len(a.indicators) - len(indicators), len(b.indicators) - len(indicators))},
            "capped": len(a.indicators) < a.indicator_count or len(b.indicators) < b.indicator_count,
            "same": a.actor_id == b.actor_id}


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


def _preload() -> None:
    """Read what the pages need besides the knowledge base when the server starts, not
    on the first request: the ATT&CK table and the actor graph (from the reference
    cache; a few hundred ms once per process) and the compiled templates."""
    try:
        attack_data()
        load_actor_graph()
    except ReferenceDataError as exc:  # the pages that need them say so when asked
        _log.warning("reference data for the web pages not loaded: %s", exc)
    for name in ("actor.html", "report.html", "compare.html", "index.html", "error.html"):
        environment().get_template(name)


def router(view: View) -> APIRouter:
    """The HTML pages and the style sheet."""
    from unmask.export.knowledge import KB_FORMATS

    pages = APIRouter(include_in_schema=False)
    _preload()

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

    @pages.get("/actors/compare")
    def compare(request: Request, a: str = Query("", max_length=200),
                b: str = Query("", max_length=200)) -> Response:
        if not a.strip() or not b.strip():
            return _render(request, view, "compare.html", a=a, b=b, c=None)
        try:
            left = view.profile(a, **_COMPARE_LIMITS)
            right = view.profile(b, **_COMPARE_LIMITS)
        except NotVisible as exc:
            return missing(request, exc)
        return _render(request, view, "compare.html", a=a, b=b, c=_comparison(left, right))

    @pages.get("/actors/{name:path}")
    def actor(request: Request, name: str, matrix: str = Query("seen", pattern="^(seen|all)$"),
              type: str = Query("", max_length=40),
              offset: int = Query(0, ge=0, le=10**6)) -> Response:
        try:
            profile = view.profile(name, indicators=_INDICATOR_CAP, **_PROFILE_LIMITS)
        except NotVisible as exc:
            return missing(request, exc)
        types: dict[str, int] = {}
        for stat in profile.indicators:
            types[stat.type] = types.get(stat.type, 0) + 1
        chosen = [i for i in profile.indicators if not type or i.type == type]
        return _render(
            request, view, "actor.html", p=profile, formats=list(KB_FORMATS),
            matrix=charts.attack_matrix(profile.techniques, profile.report_count, attack_data(),
                                        full=matrix == "all"),
            timeline=charts.timeline_chart(profile),
            names=charts.names_graph(profile, load_actor_graph()),
            bars=[c for c in (charts.bar_chart(title, (t for t in profile.targets if t.kind == kind))
                              for kind, title in _TARGET_KINDS) if c is not None],
            indicator_types=sorted(types.items(), key=lambda kv: (-kv[1], kv[0])),
            itype=type, ioffset=offset, ipage=_INDICATOR_PAGE, ishown=chosen[offset:offset + _INDICATOR_PAGE],
            itotal=len(chosen), icapped=len(profile.indicators) < profile.indicator_count,
        )

    @pages.get("/reports/{ref:path}")
    def report(request: Request, ref: str, kind: str = Query("", max_length=40)) -> Response:
        try:
            found, analysis = view.report(ref)
        except NotVisible as exc:
            return missing(request, exc)
        document = analysis.document
        every = highlight.findings_of(analysis)
        counts: dict[str, int] = {}
        for f in every:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        shown = [f for f in every if not kind or f.kind == kind]
        groups = [(k, title, [f for f in shown if f.kind == k]) for k, title in highlight.KINDS]
        return _render(
            request, view, "report.html", r=found, a=analysis, kind=kind,
            kinds=[(k, title, counts[k]) for k, title in highlight.KINDS if k in counts],
            groups=[g for g in groups if g[2]],
            pieces=highlight.pieces(document.text, shown, document.pages),
            page_of=lambda offset: highlight.page_of(document.pages, offset),
            pages=len(document.pages),
        )

    @pages.get("/indicators/{value:path}")
    def indicator(request: Request, value: str) -> Response:
        try:
            found = view.indicator(value)
        except NotVisible as exc:
            return missing(request, exc)
        from unmask.serve.sightings import status_of

        return _render(request, view, "indicator.html", i=found, status=status_of(view, value, found))

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
