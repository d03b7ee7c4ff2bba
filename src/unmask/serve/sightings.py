"""Indicator scores and sightings over REST: the JSON of ``GET /api/v1/indicators/{value}``
with its score, and ``POST /api/v1/indicators/{value}/sightings``.

The POST body is JSON: ``{"kind": "seen" | "false-positive" | "expiration", "source":
"...", "count": 1, "when": "2026-12-07T10:00:00Z", "why": "...", "type": "domain"}``
(all but ``kind`` optional; ``when`` defaults to now, ``source`` to ``api``, ``type`` to
every type the stored indicator has), plus ``"tlp"`` and, at RED, ``"audience"`` (token
names). Who is the caller's token name. Only a server that requires tokens takes it,
from a token whose role may write (analyst or admin), as TAXII pushes; the answer is
201 with the indicator's new score.

A posted sighting belongs to the poster's organisation (:class:`~unmask.store.sightings.Owner`)
and is marked ``tlp``: by default AMBER+STRICT, so that only the poster's organisation
sees it (who posted it and why) and only its scores move; a poster cleared below
AMBER+STRICT gets its own clearance by default. A marking above the poster's clearance
is refused (it could not read its own sighting). AMBER and below are shown to every
organisation's readers cleared for the level, as a report at that level is.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from unmask.documents.sightings import SIGHTING_KINDS, Sighting, normalise_value, parse_time
from unmask.errors import UnmaskError
from unmask.serve.rest import ApiError
from unmask.serve.view import NotVisible
from unmask.store import TLP_LEVELS
from unmask.store.access import check_audience
from unmask.store.decay import DecaySettings
from unmask.store.sightings import Owner, add_sightings, indicator_status
from unmask.store.write import check_tlp

if TYPE_CHECKING:
    from starlette.requests import Request

    from unmask.serve.view import View
    from unmask.store import IocResult
    from unmask.store.sightings import IndicatorStatus

__all__ = ["DEFAULT_SIGHTING_TLP", "MAX_SIGHTING_BODY", "indicator_json", "owner_of", "post_sighting",
           "status_of"]

#: Largest body a sighting POST takes (bytes).
MAX_SIGHTING_BODY = 16 * 1024
_FIELDS = frozenset({"kind", "source", "count", "when", "why", "type", "tlp", "audience"})
#: The marking of a posted sighting when the body names none (capped by the poster's clearance).
DEFAULT_SIGHTING_TLP = "amber+strict"


def _settings() -> DecaySettings:
    return DecaySettings.from_env()


def status_of(view: View, value: str, result: IocResult | None = None) -> IndicatorStatus | None:
    """The score and sightings of ``value`` at the caller's clearance, now (the web page's
    and the JSON's): only the sightings whose report the caller may read (its level,
    owner and RED audience: the view's scope) count or show."""
    if result is None:
        try:
            result = view.indicator(value, limit=1)
        except NotVisible:
            result = None  # no visible report names it: only its visible sightings count
    stored = result.value if result is not None else value  # a parent domain's, when matched so
    return indicator_status(view.kb, stored, now=view.kb.now(), settings=_settings(),
                            tlp=view.at().scope(), result=result, look_up=False)


def indicator_json(view: View, value: str, *, limit: int = 100) -> dict[str, Any]:
    """Where an indicator was seen (at the caller's clearance), its score and sightings."""
    result = view.indicator(value, limit=limit)
    status = status_of(view, value, result)
    return {**result.to_dict(), **(status.to_dict() if status else {})}


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "ValueError", f"the body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "ValueError", "the body must be a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ApiError(400, "ValueError", f"unknown field(s) {', '.join(unknown)}; "
                       f"the fields are {', '.join(sorted(_FIELDS))}")
    return body


def owner_of(body: dict[str, Any], org: str | None, clearance: str) -> Owner:
    """The owner of a posted sighting: the poster's organisation, the body's ``tlp``
    (default :data:`DEFAULT_SIGHTING_TLP`; 403 without one when ``clearance`` is lower, so that
    nothing is shared more widely than its poster said) and, at RED, its ``audience``; 403
    for a marking above ``clearance``, 400 for a stray audience."""
    raw = body.get("tlp")
    if raw is None:
        if TLP_LEVELS.index(clearance) < TLP_LEVELS.index(DEFAULT_SIGHTING_TLP):
            # never share by default: a marking below the default is the poster's choice
            raise ApiError(403, "Forbidden", "a sighting is kept to the poster's organisation "
                           f"(TLP:{DEFAULT_SIGHTING_TLP.upper()}) unless the body marks it, and this "
                           f"token reads at most TLP:{clearance.upper()} here: send \"tlp\": "
                           f"\"{clearance}\" to share it at that level with every organisation "
                           "cleared for it")
        tlp = DEFAULT_SIGHTING_TLP
    else:
        if not isinstance(raw, str):
            raise ApiError(400, "ValueError", "tlp must be a string")
        try:
            tlp = check_tlp(raw)
        except ValueError as exc:
            raise ApiError(400, "ValueError", str(exc)) from exc
        if TLP_LEVELS.index(tlp) > TLP_LEVELS.index(clearance):
            raise ApiError(403, "Forbidden", f"tlp {tlp!r} is above this token's clearance "
                           f"(TLP:{clearance.upper()}): it could not read its own sighting")
    names = body.get("audience")
    if isinstance(names, str):
        names = names.split(",")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise ApiError(400, "ValueError", "audience must be a list of token names")
    try:
        audience = tuple(check_audience(names or ()))
    except ValueError as exc:
        raise ApiError(400, "ValueError", str(exc)) from exc
    if audience and tlp != "red":
        raise ApiError(400, "ValueError", "an audience is given only with tlp red")
    return Owner(org, tlp, audience)


def post_sighting(view: View, value: str, raw: bytes, request: Request) -> dict[str, Any]:
    """Record one sighting of ``value`` from the request body; the indicator's new status."""
    principal = getattr(request.state, "principal", None)
    if not getattr(request.app.state, "guarded", False) or principal is None:
        raise ApiError(403, "Forbidden", "this server takes sightings only when it requires tokens "
                       "(unmask serve --token or the knowledge base's tokens)")
    body = _body(raw)
    kind = body.get("kind", "seen")
    if kind not in SIGHTING_KINDS:
        raise ApiError(400, "ValueError", f"kind {kind!r} is not one of {', '.join(SIGHTING_KINDS)}")
    count = body.get("count", 1)
    if isinstance(count, float) and count.is_integer():  # JSON's 3.0 is the integer 3
        count = int(count)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 999_999_999:
        raise ApiError(400, "ValueError", f"count {count!r} must be a whole number from 1 to 999999999")
    now = view.kb.now()
    when = now if body.get("when") is None else parse_time(body.get("when"))
    if when is None:
        raise ApiError(400, "ValueError", f"when {body.get('when')!r} is not a timestamp "
                       "(ISO 8601, e.g. 2026-12-07T10:00:00Z, or Unix seconds)")
    source = body.get("source", "api")
    why = body.get("why")
    type_ = body.get("type")
    for name, item in (("source", source), ("why", why), ("type", type_)):
        if item is not None and not isinstance(item, str):
            raise ApiError(400, "ValueError", f"{name} must be a string")
    if kind == "false-positive" and not (why or "").strip():
        raise ApiError(400, "ValueError", "a false-positive sighting needs a why")
    owner = owner_of(body, principal.org, view.max_tlp)
    try:
        result = view.indicator(value, limit=1)
        types, stored = list(result.types), result.value
        if result.matched != "exact" and kind != "seen":
            # a host under a stored domain is seen as the domain (as a sweep records it),
            # but only the stored value itself can be called a false positive or expired
            raise ApiError(404, "NotFound", f"{value!r} is not stored itself, only {result.value!r} "
                           f"above it; a {kind} sighting must name the stored value")
    except NotVisible:
        if type_ is None:
            raise ApiError(404, "NotFound", f"indicator {value!r} is not in the knowledge base: give "
                           "its type (\"type\": \"domain\") to record a sighting of it anyway") from None
        types, stored = [type_], normalise_value(type_, value)
    if type_ is not None:
        if type_ not in types:
            types, stored = [type_], normalise_value(type_, value)
        else:
            types = [type_]
    try:
        add_sightings(view.kb, [
            Sighting(t, stored, kind, f"api:{source}"[:300], when, when, count=count,
                     who=principal.name, why=why) for t in types
        ], owner=owner)
    except UnmaskError as exc:
        raise ApiError(400, "ValueError", str(exc)) from exc
    status = status_of(view, stored)
    return {"value": stored, "types": types, "recorded": kind, "count": count, "tlp": owner.tlp,
            **(status.to_dict() if status else {})}
