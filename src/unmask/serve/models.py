"""Typed models of the REST answers: what ``/api/openapi.json`` says each route returns.

The routes return the ``to_dict()`` JSON of the store's result objects (the same JSON as
the CLI's ``--format json``), so these models describe that JSON; they are not run on
the answers (no conversion, no cost per request): the tests check the live server
against the document they generate (schemathesis, and every route's answer checked
against its schema), so a field added to a result without its model fails there.

Envelopes and the store's result objects are closed (``additionalProperties: false``);
the analysis JSON (:mod:`unmask.model.analysis`, documented in docs/json-format.md) is
closed at its top level and open inside its finding items, which grow with the
extractors.

:func:`openapi_document` builds the whole document: these models, the error shape for
every error status, the export's content types and the security schemes (a bearer
token, or HTTP Basic with the token as the password) when the server needs a token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERROR_RESPONSES",
    "EXPORT_CONTENT",
    "ActorList",
    "ActorProfile",
    "Analysis",
    "AuditTrail",
    "ErrorBody",
    "IndicatorAnswer",
    "ReportAnswer",
    "ReportList",
    "SearchAnswer",
    "SightingAnswer",
    "SightingBody",
    "Stats",
    "TokenList",
    "answers",
    "errors",
    "install_openapi",
    "openapi_document",
]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# -- errors -----------------------------------------------------------------------------


class ErrorDetail(_Closed):
    type: str = Field(description="The error's kind, e.g. NotFound, ValidationError, TooLargeError")
    message: str
    source: str | None = Field(description="The document the error is about, when there is one")


class ErrorBody(_Closed):
    """Every error answer under ``/api`` (also what ``--format json`` commands print)."""

    error: ErrorDetail


_ERROR_TEXT = {
    400: "Invalid parameters or body (ValidationError, ValueError, QueryLimitError)",
    401: "A token is needed: Authorization: Bearer <token>, or HTTP Basic with the token as the password",
    403: "The token's role may not do this",
    404: "Nothing visible at the caller's clearance has that name",
    413: "The body, or the text it unfolds into, is over the server's limit",
    415: "A body type the route does not take",
    421: "The Host header names a host this server does not answer for",
    422: "A document that cannot be read",
    429: "Too many requests from this token: retry after the Retry-After header's seconds",
    503: "The knowledge base could not answer, or a search ran out of its time budget",
}
#: Error answers every route may give (others add theirs with :func:`errors`).
ERROR_RESPONSES = (400, 401, 403, 421, 429, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the error shape for the common statuses, ``statuses``
    and any other (``default``: a 500 and whatever a proxy in front adds)."""
    out: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody, "description": _ERROR_TEXT[status]}
        for status in sorted({*ERROR_RESPONSES, *statuses})
    }
    out["default"] = {"model": ErrorBody, "description": "Any other error (500: the server failed)"}
    return out


def answers(model: type[BaseModel] | None, *statuses: int, status: int = 200,
            content: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route answering ``model`` (or ``content``: media type ->
    OpenAPI media object) with ``status``, and the error shape (see :func:`errors`)."""
    ok: dict[str, Any] = {"description": "Success"}
    if model is not None:
        ok["model"] = model
    if content is not None:
        ok["content"] = content
    return {status: ok, **errors(*statuses)}


# -- shared parts -----------------------------------------------------------------------


class Span(_Closed):
    start: int
    end: int


class Evidence(_Closed):
    sha256: str
    source: str
    title: str | None
    published: str | None = Field(description="YYYY-MM-DD")
    span: Span
    quote: str


class ReportRef(_Closed):
    sha256: str
    source: str
    title: str | None
    published: str | None = Field(description="YYYY-MM-DD")
    tlp: str
    format: str
    ingested_at: str | None
    actors: list[str]
    mentions: int | None = Field(None, description="Mentions of the actor (in a profile)")


class NamedStat(_Closed):
    kind: str
    value: str
    reports: int
    mentions: int
    role: str | None = None
    name: str | None = Field(None, description="Display name (actors, malware)")


# -- routes' answers --------------------------------------------------------------------


class Stats(_Closed):
    reports: int
    actors: int
    max_tlp: str
    tables: dict[str, int] | None = Field(None, description="Row counts, at --max-tlp red only")


class ActorSummary(_Closed):
    actor_id: str
    name: str
    reports: int
    first_seen: str | None
    last_seen: str | None


class ActorList(_Closed):
    actors: list[ActorSummary]
    total: int
    limit: int
    offset: int


class TechniqueStat(_Closed):
    technique_id: str
    name: str
    reports: int
    mentions: int
    evidence: list[Evidence]


class IndicatorStat(_Closed):
    type: str
    value: str
    reports: int
    mentions: int


class TimelineEntry(_Closed):
    date: str
    precision: str
    kind: str
    reports: int
    evidence: Evidence


class AliasLearned(_Closed):
    name: str
    relation: str
    reports: int
    independent_sources: int = Field(description="Distinct publishers among the reports")
    status: Literal["known", "proposed", "single-source", "contested"]
    also_claimed_for: list[str] = Field(description="Other actors the name is filed under")
    sources: list[Evidence]


class ActorProfile(_Closed):
    actor_id: str
    name: str
    report_count: int
    first_seen: str | None
    last_seen: str | None
    names: list[NamedStat]
    reports: list[ReportRef]
    techniques: list[TechniqueStat]
    targets: list[NamedStat]
    indicators: list[IndicatorStat]
    indicator_count: int
    malware: list[NamedStat]
    attributions: list[NamedStat]
    timeline: list[TimelineEntry]
    aliases: list[AliasLearned]
    limits: dict[str, int]


class IndicatorSighting(_Closed):
    report: ReportRef
    type: str
    surface: str
    benign_reasons: list[str]
    evidence: Evidence
    actors: list[str]


class Score(_Closed):
    """An indicator's decay score (docs/indicators.md)."""

    score: float = Field(description="0-100")
    status: str = Field(description="active, decayed, false-positive or expired")
    at: str
    anchor: str | None = Field(description="The moment the decay counts from")
    lifetime_days: float
    threshold: float
    base_score: float
    valid_until: str | None


class SightingSummary(_Closed):
    seen: int
    first_seen: str | None
    last_seen: str | None
    false_positives: int
    last_false_positive: str | None
    false_positive_who: str | None
    false_positive_why: str | None
    expires: str | None
    sources: list[str]


class RecordedSighting(_Closed):
    type: str
    value: str
    kind: str
    source: str
    ref: str | None
    day: str
    count: int
    first_seen: str
    last_seen: str
    who: str | None
    why: str | None
    tlp: str


class _Status(_Closed):
    score: Score | None = Field(None, description="The best score over the indicator's types")
    scores: dict[str, Score] | None = Field(None, description="Per type")
    sighting_summary: dict[str, SightingSummary] | None = Field(None, description="Per type")
    recorded_sightings: list[RecordedSighting] | None = Field(None, description="Newest first")


class IndicatorAnswer(_Status):
    """Where an indicator was seen (at the caller's clearance), its score and sightings."""

    value: str
    matched: Literal["exact", "parent-domain", "url-host"] = Field(
        description="exact, or how a stored domain above the asked host (or an asked URL's host) matched")
    asked: str | None = Field(description="The value asked, when it is not the one stored")
    types: list[str]
    report_count: int
    first_seen: str | None
    last_seen: str | None
    actors: list[NamedStat]
    sightings: list[IndicatorSighting] = Field(description="The reports it was seen in")


class SightingBody(_Closed):
    """POST /indicators/{value}/sightings (a false positive needs a ``why``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"allOf": [
        {"if": {"required": ["kind"], "properties": {"kind": {"const": "false-positive"}}},
         "then": {"required": ["why"], "properties": {"why": {"type": "string", "pattern": r"\S"}}}},
        # an audience is named only for a RED sighting
        {"if": {"required": ["audience"], "properties": {"audience": {"type": "array"}}},
         "then": {"required": ["tlp"], "properties": {"tlp": {"const": "red"}}}},
    ]})

    kind: Literal["seen", "false-positive", "expiration"] = "seen"
    source: str | None = Field(None, description="Who saw it (default: api)")
    count: int = Field(1, ge=1, le=999_999_999)
    when: dt.datetime | Annotated[int, Field(ge=0, le=253_402_300_799)] | None = Field(
        None, description="ISO 8601 or Unix seconds (default: now)")
    why: str | None = None
    type: str | None = Field(None, description="The indicator's type; needed when the base does not know it")
    tlp: Literal["clear", "green", "amber", "amber+strict", "red"] | None = Field(
        None, description="Its marking, at most the token's clearance (default: amber+strict, "
        "the poster's organisation only; the clearance when lower)")
    audience: list[Annotated[str, Field(pattern=r"^[^,\x00-\x1f]{1,100}$")]] | None = Field(
        None, description="At tlp red: the token names it is for")


class SightingAnswer(_Status):
    value: str
    types: list[str]
    recorded: str
    count: int
    tlp: str


class SearchHit(_Closed):
    report: ReportRef
    snippet: str
    highlights: list[list[int]] = Field(description="[start, end) ranges in the snippet")
    rank: float


class SearchAnswer(_Closed):
    query: str
    hits: list[SearchHit]


class ReportList(_Closed):
    reports: list[ReportRef]
    limit: int
    offset: int


class Metadata(_Open):
    title: str | None
    authors: list[str]
    published: str | None
    published_source: str | None
    modified: str | None
    url: str | None
    site_name: str | None
    language: str | None
    extra: dict[str, Any]


class Page(_Closed):
    number: int
    start: int
    end: int


class Attachment(_Closed):
    name: str | None
    content_type: str
    size: int
    sha256: str


class DocumentJson(_Closed):
    source: str
    format: str
    sha256: str
    size: int
    metadata: Metadata
    pages: list[Page]
    attachments: list[Attachment]
    children: list[DocumentJson]
    objects: int = Field(description="Structured objects the reader kept (STIX, MISP)")
    warnings: list[str]
    length: int
    text: str | None = None


class FindingSpan(_Open):
    start: int
    end: int


class Finding(_Open):
    """A finding (see docs/json-format.md for each kind's fields)."""

    span: FindingSpan | None = None


class Analysis(_Closed):
    """The analysis JSON of ``unmask analyze --format json`` (schema 1)."""

    schema_: int = Field(alias="schema")
    document: DocumentJson
    published: str | None
    published_source: str | None
    reference_versions: dict[str, str]
    summary: dict[str, int]
    actors: list[dict[str, Any]]
    actor_mentions: list[Finding]
    alias_statements: list[Finding]
    observables: list[Finding]
    techniques: list[Finding]
    targets: list[Finding]
    attributions: list[Finding]
    malware: list[Finding]
    events: list[Finding]
    skipped: list[Finding]
    children: list[Analysis]
    structure: dict[str, Any] | None


class ReportAnswer(_Closed):
    report: ReportRef
    analysis: Analysis


class AuditEntry(_Closed):
    at: str
    token: str
    role: str
    method: str
    route: str
    status: int
    tlp: str | None
    objects: list[str]
    client: str | None


class AuditTrail(_Closed):
    entries: list[AuditEntry]
    limit: int


class TokenInfo(_Open):
    key_id: str
    name: str
    role: str
    max_tlp: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    state: str


class TokenList(_Closed):
    tokens: list[TokenInfo]


#: The export route's answers by media type (``format`` chooses one).
EXPORT_CONTENT: dict[str, Any] = {
    "application/stix+json;version=2.1": {"schema": {
        "type": "object", "description": "format=stix: a STIX 2.1 bundle",
        "required": ["type", "id", "objects"],
        "properties": {"type": {"const": "bundle"}, "id": {"type": "string"},
                       "objects": {"type": "array", "items": {"type": "object"}}}}},
    "application/json": {"schema": {
        "type": "object",
        "description": "format=misp: a MISP event ({\"Event\": …}); format=navigator: an "
                       "ATT&CK Navigator layer"}},
    "text/markdown": {"schema": {"type": "string", "description": "format=markdown"}},
    "text/csv": {"schema": {"type": "string", "description": "format=csv: one row per finding"}},
}


# -- the document -----------------------------------------------------------------------

#: What a bearer token / HTTP Basic password is (``unmask serve --token``, ``unmask token add``).
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {"type": "http", "scheme": "bearer",
                    "description": "unmask serve --token, or a token from unmask token add (um_…)"},
    "basicToken": {"type": "http", "scheme": "basic",
                   "description": "The token as the password, any user name (TAXII clients)"},
}


def openapi_document(app: Any, *, guarded: bool) -> dict[str, Any]:
    """The OpenAPI document of ``app``'s REST routes; with ``guarded`` (the server needs a
    token) every operation requires one of the security schemes."""
    from fastapi.openapi.utils import get_openapi

    document = get_openapi(title=app.title, version=app.version, summary=app.summary,
                           description=app.description, routes=app.routes)
    components = document.setdefault("components", {})
    if guarded:
        components["securitySchemes"] = SECURITY_SCHEMES
        document["security"] = [{name: []} for name in SECURITY_SCHEMES]
    return document


def install_openapi(app: Any, *, guarded: bool) -> None:
    """Make ``app.openapi()`` (``/api/openapi.json``, the API reference page) answer
    :func:`openapi_document`, built once."""
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app, guarded=guarded)
        return dict(app.openapi_schema)

    setattr(app, "openapi", build)  # noqa: B010 - an instance attribute over the method
