"""MISP export: analyses -> a PyMISP ``MISPEvent``.

- every observable becomes an attribute with the MISP type and category its
  ``describeTypes`` defaults give; ``to_ids`` is set only for real indicators (an
  observable on a warninglist is kept, with ``to_ids`` off and the lists named in its
  comment);
- each attribute's comment carries its evidence (quote and character offsets);
- actors, techniques, malware, tools, sectors and countries become galaxy tags with
  the cluster value the shipped galaxy holds (``misp-galaxy:threat-actor="Kimsuky"``,
  ``misp-galaxy:mitre-attack-pattern="PowerShell - T1059.001"``,
  ``misp-galaxy:mitre-tool="Mimikatz - S0002"``); what no galaxy holds is an
  ``unmask:`` tag of the same shape (``unmask:malware="NewLoader"``);
- the TLP 2.0 level is a ``tlp:`` tag on the event;
- each document is attached as a MISP ``report`` object (title, summary, link);
- from the knowledge base (scores given): each indicator's ``decay_score`` as MISP's
  API gives it (``score``, ``base_score``, ``decayed``, the ``DecayingModel``), ``to_ids``
  off when it is decayed below the threshold, a false positive or expired, and its
  sightings as MISP sightings (type 0 seen, 1 false positive, 2 expiration).

UUIDs are name-based (UUIDv5 of the natural key) and timestamps come from the
documents, so exporting twice gives identical JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPSighting

from unmask.errors import ExportError
from unmask.export.digest import Digest, Evidence, IndicatorEntry, digest
from unmask.export.vocab import (
    country_code,
    country_name,
    misp_actor,
    misp_country,
    misp_sector,
    misp_software,
    misp_technique,
)
from unmask.model import Analysis
from unmask.store.decay import IndicatorScore, SightingSummary
from unmask.store.display import reveal_controls

__all__ = ["MISP_TYPES", "attribute_count", "event_from_digest", "event_json", "misp_attribute_type", "to_misp", "to_misp_json"]

_NAMESPACE = uuid.UUID("8e0c6f3a-2b1d-5c4e-9f7a-1d2e3c4b5a69")

#: unmask observable type -> MISP attribute type.
MISP_TYPES: dict[str, str] = {
    "domain": "domain",
    "ipv4": "ip-dst",
    "ipv6": "ip-dst",
    "ipv4_cidr": "ip-dst",
    "url": "url",
    "email": "email-src",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "sha512": "sha512",
    "ssdeep": "ssdeep",
    "file_name": "filename",
    "file_path": "filename",
    "registry_key": "regkey",
    "asn": "AS",
    "mac": "mac-address",
    "cve": "vulnerability",
    "btc": "btc",
    "xmr": "xmr",
    "user_agent": "user-agent",
}
#: Types that describe context rather than detect anything: never to_ids.
_NOT_IDS = {"cve", "asn", "mac", "user_agent"}
_TLP_TAGS = {"clear", "green", "amber", "amber+strict", "red"}


def _uuid(*key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(key)))


def misp_attribute_type(observable_type: str) -> tuple[str, str]:
    """The MISP (type, category) for an unmask observable type ('text', 'Other' if none)."""
    misp_type = MISP_TYPES.get(observable_type)
    if misp_type is None:
        return "text", "Other"
    defaults = MISPEvent().describe_types["sane_defaults"].get(misp_type, {})
    return misp_type, str(defaults.get("default_category", "Other"))


def _comment(evidence: Sequence[Evidence], prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    parts += [e.describe() for e in evidence[:3]]
    if len(evidence) > 3:
        parts.append(f"(+{len(evidence) - 3} more)")
    return reveal_controls("; ".join(parts))


def _timestamp(d: Digest) -> int:
    return int(d.time.timestamp())


def _galaxy_tags(d: Digest) -> list[str]:
    """Galaxy tags MISP links to a cluster: each value as the shipped galaxy writes it
    (:mod:`unmask.export.vocab`); a finding no galaxy holds keeps an ``unmask:`` tag of
    the same shape, so nothing is dropped and nothing claims a cluster that is not there."""
    tags: list[str] = []
    for actor in d.actors.values():
        names = [actor.name, *sorted(actor.names_used), *sorted(actor.aliases)]
        found = misp_actor(actor.attack_id, names)
        tags.append(f'misp-galaxy:{found[0]}="{found[1]}"' if found else f'unmask:threat-actor="{actor.name}"')
    for tech in d.techniques.values():
        value = misp_technique(tech.technique_id)
        if value:
            tags.append(f'misp-galaxy:mitre-attack-pattern="{value}"')
        else:
            label = f"{tech.name} - {tech.technique_id}" if tech.name else tech.technique_id
            tags.append(f'unmask:attack-pattern="{label}"')
    for mal in d.malware.values():
        software = misp_software(mal.attack_id, mal.name, mal.kind)
        if software:
            tags.append(f'misp-galaxy:{software[0]}="{software[1]}"')
        else:
            label = f"{mal.name} - {mal.attack_id}" if mal.attack_id else mal.name
            tags.append(f'unmask:{mal.kind}="{label}"')
    for target in d.targets.values():
        if not target.targeted:
            continue
        if target.kind == "sector":
            cluster = misp_sector(target.value)
            tags.append(f'misp-galaxy:sector="{cluster}"' if cluster else f'unmask:sector="{target.value}"')
        elif target.kind == "country":
            code = country_code(target.value)
            name = misp_country(code) if code else None
            if name:
                tags.append(f'misp-galaxy:target-information="{name}"')
            else:
                tags.append(f'unmask:target-information="{country_name(code) if code else target.value}"')
    return list(dict.fromkeys(tags))


#: The MISP ``DecayingModel`` stanza of the scores unmask exports.
DECAYING_MODEL = {"name": "unmask polynomial (MISP polynomial, OpenCTI lifetimes)",
                  "description": "score = base * (1 - (t/lifetime)^(1/decay_speed)); see unmask docs/indicators.md"}


def _stamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _decay(attribute: MISPAttribute, entry: IndicatorEntry, score: IndicatorScore,
           summary: SightingSummary | None) -> None:
    """The score as MISP's API writes it, and the sightings as MISP sightings."""
    attribute.decay_score = [{
        "DecayingModel": {**DECAYING_MODEL, "parameters": {"lifetime": score.lifetime,
                                                           "threshold": score.threshold}},
        "score": round(score.score, 2), "base_score": score.base_score, "decayed": not score.active,
    }]
    if summary is None:
        return
    claims: list[tuple[str, dt.datetime, str]] = []
    if summary.seen and summary.last_seen is not None:
        since = summary.first_seen.date().isoformat() if summary.first_seen else "?"
        claims.append(("0", summary.last_seen,
                       f"unmask: seen {summary.seen} time(s) since {since} ({', '.join(summary.sources)})"))
    if summary.false_positives and summary.last_false_positive is not None:
        who = summary.false_positive_who or "unknown"
        claims.append(("1", summary.last_false_positive,
                       f"unmask: false positive reported by {who}: {summary.false_positive_why or ''}".rstrip(": ")))
    if summary.expires is not None:
        claims.append(("2", summary.expires, "unmask: expiration"))
    for kind, moment, source in claims:
        sighting = MISPSighting()
        sighting.from_dict(type=kind, date_sighting=_stamp(moment), source=source,
                           uuid=_uuid("sighting", entry.type, entry.value, kind))
        attribute.add_sighting(sighting)


def _add_attribute(event: MISPEvent, entry: IndicatorEntry, time: int,
                   score: IndicatorScore | None = None, summary: SightingSummary | None = None,
                   min_score: float | None = None) -> None:
    misp_type, category = misp_attribute_type(entry.type)
    to_ids = entry.is_indicator and entry.type not in _NOT_IDS and misp_type != "text"
    live = score is None or (score.status not in ("false-positive", "expired") and score.score >= (
        score.threshold if min_score is None else min_score))
    to_ids = to_ids and live
    prefix = ""
    if not entry.is_indicator:
        # A reference or a benign value is kept for context, never for detection.
        reasons = ", ".join(sorted(entry.benign_reasons or entry.roles))
        prefix = f"reference ({reasons})" if entry.role == "reference" else f"benign (warninglist: {reasons})"
    elif misp_type == "text":
        prefix = f"{entry.type} (no MISP attribute type)"
    elif score is not None and not live:
        prefix = (f"{score.status} (score {score.score:.0f}, below {min_score if min_score is not None else score.threshold:g}): "
                  "not for detection")
    attribute = event.add_attribute(
        misp_type,
        entry.value,
        category=category,
        to_ids=to_ids,
        comment=_comment(entry.evidence, prefix),
        uuid=_uuid("attribute", entry.type, entry.value),
        timestamp=time,
    )
    if not entry.is_indicator and isinstance(attribute, MISPAttribute):
        attribute.add_tag(f"unmask:{entry.role}")
    if score is not None and isinstance(attribute, MISPAttribute):
        _decay(attribute, entry, score, summary)


def _report_object(event: MISPEvent, d: Digest, sha: str) -> None:
    report = next(r for r in d.reports if r.sha256 == sha)
    obj = MISPObject("report", standalone=False)
    obj.uuid = _uuid("report", sha)
    obj.timestamp = int(report.time.timestamp())
    obj.add_attribute("title", report.title, uuid=_uuid("report-title", sha), timestamp=obj.timestamp)
    lines = [f"Source: {report.url or report.source} (SHA-256 {sha})"]
    if report.published:
        lines.append(f"Published: {report.published.isoformat()}")
    if d.actors:
        lines.append("Actors: " + ", ".join(a.name for a in d.actors.values() if sha in a.reports))
    lines.append(
        f"Findings: {sum(1 for o in d.observables.values() if sha in o.reports)} observables, "
        f"{sum(1 for t in d.techniques.values() if sha in t.reports)} techniques"
    )
    obj.add_attribute("summary", reveal_controls("\n".join(lines)), uuid=_uuid("report-summary", sha), timestamp=obj.timestamp)
    if report.url:
        obj.add_attribute("link", report.url, uuid=_uuid("report-link", sha), timestamp=obj.timestamp)
    obj.add_attribute("type", "Report", uuid=_uuid("report-type", sha), timestamp=obj.timestamp)
    event.add_object(obj)


def event_from_digest(
    d: Digest,
    *,
    tlp: str = "clear",
    info: str | None = None,
    scores: Mapping[tuple[str, str], IndicatorScore] | None = None,
    sightings: Mapping[tuple[str, str], SightingSummary] | None = None,
    min_score: float | None = None,
) -> MISPEvent:
    """The MISP event for an already built :class:`Digest` (e.g. from the knowledge base).

    With ``scores`` (:mod:`unmask.store.decay`), an indicator below ``min_score``
    (default: the threshold), a false positive or an expired one keeps its attribute
    with ``to_ids`` off; every scored attribute carries ``decay_score`` and its
    ``sightings``.
    """
    level = tlp.strip().casefold().removeprefix("tlp:")
    level = {"white": "clear", "amber-strict": "amber+strict"}.get(level, level)
    if level not in _TLP_TAGS:
        raise ExportError(f"unknown TLP level {tlp!r}; choose one of {', '.join(sorted(_TLP_TAGS))}")
    event = MISPEvent()
    time = _timestamp(d)
    event.uuid = _uuid("event", *sorted(r.sha256 for r in d.reports))
    titles = [r.title for r in d.reports]
    event.info = reveal_controls(
        info or (titles[0] if len(titles) == 1 else f"{len(titles)} reports: " + "; ".join(titles[:3])))
    day = max((r.published for r in d.reports if r.published), default=None) or d.time.date()
    event.date = day if isinstance(day, dt.date) else d.time.date()
    event.threat_level_id = 2 if d.indicators else 4
    event.analysis = 2
    event.distribution = 0 if level in ("amber", "amber+strict", "red") else 3
    event.timestamp = time
    event.add_tag(f"tlp:{level}")
    for tag in _galaxy_tags(d):
        event.add_tag(tag)
    scored = scores or {}
    sighted = sightings or {}
    for entry in d.observables.values():
        key = (entry.type, entry.value)
        _add_attribute(event, entry, time, scored.get(key), sighted.get(key), min_score)
    for report in d.reports:
        _report_object(event, d, report.sha256)
    return event


def to_misp(analyses: Analysis | Sequence[Analysis], *, tlp: str = "clear") -> MISPEvent:
    """One MISP event for one or more analyses, tagged with TLP 2.0 ``tlp``."""
    items = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    if not items:
        raise ExportError("nothing to export: no analyses given")
    return event_from_digest(digest(items), tlp=tlp)


def to_misp_json(analyses: Analysis | Sequence[Analysis], *, tlp: str = "clear") -> str:
    """The event of :func:`to_misp` as MISP JSON (``{"Event": {...}}``, stable key order)."""
    event = to_misp(analyses, tlp=tlp)
    return event_json(event)


def event_json(event: MISPEvent) -> str:
    """MISP JSON for an event: ``{"Event": {...}}``, keys sorted."""
    body = json.loads(event.to_json(sort_keys=True))
    return json.dumps({"Event": body}, ensure_ascii=False, sort_keys=True, indent=2)


def attribute_count(event_json: dict[str, Any]) -> int:
    """Attributes in an event dict, those inside objects included (used by tests)."""
    body = event_json.get("Event", event_json)
    count = len(body.get("Attribute", []))
    for obj in body.get("Object", []):
        count += len(obj.get("Attribute", []))
    return count
