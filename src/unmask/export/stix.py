"""STIX 2.1 export: analyses -> a bundle the OASIS validator accepts without a warning.

Objects written (all built with the ``stix2`` library, which checks each one):

- ``report`` per document: ``published``, ``object_refs``, an external reference to the
  source URL and the document's SHA-256;
- ``intrusion-set`` per actor (name, aliases, first/last seen, goals and motivation,
  the ATT&CK group as an external reference);
- ``identity`` (sectors, organisations) and ``location`` (countries) for targets;
- ``attack-pattern`` per technique with its ATT&CK external reference and tactics;
- ``malware`` / ``tool``; ``vulnerability`` for CVEs;
- ``indicator`` with a STIX pattern (checked by stix2-patterns) plus the matching SCO
  for every observable that is not benign; benign observables are never exported;
- ``relationship`` (uses, targets, attributed-to, originates-from, indicates);
- ``note`` objects carrying the evidence: quotes and their character offsets;
- from the knowledge base (scores given): each indicator's decay score as ``confidence``
  and ``valid_until``, one ``sighting`` per indicator seen (``where_sighted_refs`` the
  sighting organisation's ``identity``); false positives, expired indicators and those
  scored below the threshold are not exported as indicators (the note says why);
- the chosen TLP 2.0 ``marking-definition`` applied to every object.

Identifiers are deterministic. SCOs get the UUIDv5 the STIX spec defines (computed by
``stix2`` from their ID-contributing properties). Every other object's UUID is the
UUIDv5 (SHA-1, unmask namespace) of its natural key -- the actor id, the technique id,
the pattern, the relationship triple -- stamped with version 4, because STIX 2.1 says
SDOs/SROs SHOULD use UUIDv4 and stix2-validator warns otherwise. Exporting twice gives
identical ids; timestamps come from the documents (publication date), never the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import urllib.parse
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import idna
import stix2
import stix2.exceptions
from stix2patterns.validator import run_validator

from unmask.errors import ExportError
from unmask.export.digest import (
    ActorEntry,
    Digest,
    Evidence,
    IndicatorEntry,
    digest,
)
from unmask.export.vocab import country_code, country_name, motivation, region, sector
from unmask.model import Analysis
from unmask.store.decay import IndicatorScore, SightingSummary
from unmask.store.display import reveal_controls

__all__ = [
    "NAMESPACE",
    "PRODUCER_ID",
    "TLP_LEVELS",
    "bundle_from_digest",
    "bundle_json",
    "deterministic_id",
    "observable_pattern",
    "sighter_identity",
    "subject_actor_ids",
    "tlp_marking",
    "to_stix",
    "to_stix_json",
]

#: Namespace for unmask's name-based STIX identifiers.
NAMESPACE = uuid.UUID("4d1b2c8e-6a0f-5f43-9b7e-2f6d3c1a8e55")

#: The TLP 2.0 extension definition (OASIS cti-stix-common-objects) and its markings.
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_LEVELS: Mapping[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_ALIASES = {"white": "clear", "amber-strict": "amber+strict", "amber_strict": "amber+strict"}
_TLP_CREATED = "2022-10-01T00:00:00.000Z"

_PRODUCER_CREATED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

_HASHES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512", "ssdeep": "SSDEEP"}
_TYPE_LABELS = {
    "domain": "Domain", "ipv4": "IPv4 address", "ipv6": "IPv6 address", "ipv4_cidr": "IPv4 network",
    "url": "URL", "email": "E-mail address", "md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256",
    "sha512": "SHA-512", "ssdeep": "ssdeep", "asn": "Autonomous system", "mac": "MAC address",
    "registry_key": "Registry key", "file_name": "File name", "file_path": "File path",
}
_HIVES = {
    "HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER", "HKCR": "HKEY_CLASSES_ROOT",
    "HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG",
}
#: Observable types with no standard STIX 2.1 cyber-observable (kept out of STIX, and
#: listed in the export's "not exported" note rather than dropped silently).
UNSUPPORTED_TYPES = frozenset({"btc", "xmr", "eth", "user_agent"})


def deterministic_id(object_type: str, *key: str) -> str:
    """``object_type--UUID`` derived from the natural ``key`` (see the module docstring)."""
    name = "\x1f".join((object_type, *key))
    raw = bytearray(uuid.uuid5(NAMESPACE, name).bytes)
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4 layout (variant bits are already RFC 4122)
    return f"{object_type}--{uuid.UUID(bytes=bytes(raw))}"


PRODUCER_ID = deterministic_id("identity", "producer", "unmask")


def _tlp_key(level: str) -> str:
    key = level.strip().casefold().removeprefix("tlp:")
    key = _TLP_ALIASES.get(key, key)
    if key not in TLP_LEVELS:
        raise ExportError(
            f"unknown TLP level {level!r}; choose one of {', '.join(TLP_LEVELS)}"
        )
    return key


def tlp_marking(level: str = "clear") -> stix2.v21.MarkingDefinition:
    """The OASIS TLP 2.0 marking-definition for ``level`` (clear, green, amber, amber+strict, red)."""
    key = _tlp_key(level)
    return stix2.v21.MarkingDefinition(
        id=TLP_LEVELS[key],
        created=_TLP_CREATED,
        name=f"TLP:{key.upper()}",
        extensions={TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": key}},
    )


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def observable_pattern(type_: str, value: str) -> tuple[str, dict[str, Any]] | None:
    """The STIX pattern and the SCO (type and properties) for an observable, or None
    when STIX 2.1 has no standard cyber-observable for its type."""
    if type_ == "domain":
        return f"[domain-name:value = {_quote(value)}]", {"type": "domain-name", "value": value}
    if type_ in ("ipv4", "ipv4_cidr"):
        return f"[ipv4-addr:value = {_quote(value)}]", {"type": "ipv4-addr", "value": value}
    if type_ in ("ipv6", "ipv6_cidr"):
        return f"[ipv6-addr:value = {_quote(value)}]", {"type": "ipv6-addr", "value": value}
    if type_ == "url":
        url = _url(value)
        return f"[url:value = {_quote(url)}]", {"type": "url", "value": url}
    if type_ == "email":
        return f"[email-addr:value = {_quote(value)}]", {"type": "email-addr", "value": value}
    if type_ in _HASHES:
        algo = _HASHES[type_]
        path = f"'{algo}'" if "-" in algo else algo
        return (
            f"[file:hashes.{path} = {_quote(value)}]",
            {"type": "file", "hashes": {algo: value}},
        )
    if type_ == "asn":
        digits = re.sub(r"\D", "", value)
        if not digits:
            return None
        return (
            f"[autonomous-system:number = {int(digits)}]",
            {"type": "autonomous-system", "number": int(digits)},
        )
    if type_ == "mac":
        return f"[mac-addr:value = {_quote(value.lower())}]", {"type": "mac-addr", "value": value.lower()}
    if type_ == "registry_key":
        # STIX 2.1 wants the full hive name (HKEY_CURRENT_USER, not HKCU).
        head, sep, rest = value.partition("\\")
        key = _HIVES.get(head.upper(), head) + sep + rest
        return (
            f"[windows-registry-key:key = {_quote(key)}]",
            {"type": "windows-registry-key", "key": key},
        )
    if type_ in ("file_name", "file_path"):
        name = re.split(r"[\\/]", value)[-1] or value
        return f"[file:name = {_quote(name)}]", {"type": "file", "name": name}
    return None


_PCHAR_SAFE = "!$&'()*+,;=:@~-._%"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*://"
    r"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?"  # userinfo
    r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"  # host
    r"(?::\d*)?"
    r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*"
    r"(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?"
    r"(?:\#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$"
)


def _url(value: str) -> str:
    """A URL as STIX wants it (RFC 3986): a scheme, an ASCII host, other characters
    percent-escaped. Raises ValueError when it cannot be one."""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        value = "http://" + value
    parts = urllib.parse.urlsplit(_BAD_PERCENT.sub("%25", value))
    netloc = parts.netloc
    if parts.hostname and not parts.hostname.isascii():
        netloc = netloc.replace(parts.hostname, idna.encode(parts.hostname, uts46=True).decode("ascii"))
    url = urllib.parse.urlunsplit((
        parts.scheme,
        netloc,
        urllib.parse.quote(parts.path, safe="/" + _PCHAR_SAFE),
        urllib.parse.quote(parts.query, safe="/?" + _PCHAR_SAFE),
        urllib.parse.quote(parts.fragment, safe="/?" + _PCHAR_SAFE),
    ))
    if not parts.netloc or not _URI.match(url):
        raise ValueError(f"{value!r} is not an RFC 3986 URL")
    return url


def _value_problem(type_: str, value: str) -> str | None:
    """Why a value cannot be a STIX cyber-observable of its type (None if it can)."""
    if type_ == "domain":
        try:
            idna.encode(value.rstrip("."))
        except (idna.IDNAError, UnicodeError) as exc:
            return f"not a valid host name ({exc})"
        if "." not in value:
            return "not a valid host name (no dot)"
    elif type_ == "url":
        if any(ch.isspace() for ch in value):
            return "not a valid URL (white space)"
        try:
            _url(value)
        except (ValueError, UnicodeError, idna.IDNAError) as exc:
            return f"not a valid URL ({exc})"
    elif type_ == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return "not a valid e-mail address"
    return None


def subject_actor_ids(d: Digest, report: str) -> list[str]:
    """The actors a report is about: the only one, or those it names at least half as
    often as its most-named one. Techniques, malware, targets and indicators of the
    report are linked to them; actors named in passing get no relationships."""
    counts = d.mention_counts.get(report, {})
    if not counts:
        return []
    top = max(counts.values())
    return sorted(a for a, n in counts.items() if n * 2 >= top and a in d.actors)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")


@dataclass(slots=True)
class _Built:
    """Objects under construction, each with the reports it came from."""

    digest: Digest
    marking: str
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports_of: dict[str, set[str]] = field(default_factory=dict)
    evidence_of: dict[str, list[Evidence]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    #: The reports the skipped findings came from: the skipped-findings note is theirs.
    skipped_reports: set[str] = field(default_factory=set)
    #: Scores and sightings per (type, value) (knowledge-base exports; empty otherwise).
    scores: Mapping[tuple[str, str], IndicatorScore] = field(default_factory=dict)
    sightings: Mapping[tuple[str, str], SightingSummary] = field(default_factory=dict)
    min_score: float | None = None
    organisation: str = "unmask user organisation"

    def times(self, reports: Iterable[str]) -> tuple[dt.datetime, dt.datetime]:
        wanted = set(reports)
        times = [r.time for r in self.digest.reports if r.sha256 in wanted]
        if not times:
            times = [self.digest.time]
        return min(times), max(times)

    def skip(self, line: str, reports: Iterable[str]) -> None:
        """A finding not exported, with the reason (``line``), from ``reports``."""
        self.skipped.append(line)
        self.skipped_reports.update(reports)

    def add(
        self,
        props: dict[str, Any],
        reports: Iterable[str],
        evidence: Sequence[Evidence] = (),
        label: str | None = None,
    ) -> str:
        object_id = str(props["id"])
        _reveal_prose(props)
        shas = set(reports)
        created, modified = self.times(shas)
        props.setdefault("created", created)
        props.setdefault("modified", modified)
        props.setdefault("created_by_ref", PRODUCER_ID)
        props.setdefault("object_marking_refs", [self.marking])
        self.objects[object_id] = props
        self.reports_of.setdefault(object_id, set()).update(shas)
        if evidence:
            self.evidence_of.setdefault(object_id, []).extend(evidence)
        if label:
            self.labels[object_id] = label
        return object_id

    def relate(self, rel_type: str, source: str, target: str, description: str | None = None) -> None:
        shas = self.reports_of.get(source, set()) & self.reports_of.get(target, set())
        if not shas:
            shas = self.reports_of.get(source, set()) | self.reports_of.get(target, set())
        props: dict[str, Any] = {
            "type": "relationship",
            "id": deterministic_id("relationship", rel_type, source, target),
            "relationship_type": rel_type,
            "source_ref": source,
            "target_ref": target,
        }
        if description:
            props["description"] = description
        self.add(props, shas)


#: The properties written for a person to read (report text quoted in them may carry
#: bidirectional controls that reorder what a viewer shows).
_PROSE = ("description", "content", "abstract")


def _reveal_prose(props: dict[str, Any]) -> None:
    """Bidirectional controls in the prose properties of ``props`` (and of its external
    references) written as ``<U+XXXX>``, as the server's pages show them; names,
    values and patterns are left exact."""
    for key in _PROSE:
        if isinstance(props.get(key), str):
            props[key] = reveal_controls(props[key])
    refs = props.get("external_references")
    if isinstance(refs, list):
        props["external_references"] = [
            {**ref, "description": reveal_controls(ref["description"])}
            if isinstance(ref, dict) and isinstance(ref.get("description"), str) else ref
            for ref in refs
        ]


def _confidence(value: float) -> int | None:
    return round(value * 100) if value > 0 else None


def _ts(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _actor_props(entry: ActorEntry) -> dict[str, Any]:
    props: dict[str, Any] = {
        "type": "intrusion-set",
        "id": deterministic_id("intrusion-set", entry.actor_id),
        "name": entry.name,
    }
    if entry.aliases:
        props["aliases"] = sorted(entry.aliases, key=lambda n: (n.casefold(), n))  # no set-order ties
    if entry.first_seen:
        props["first_seen"] = _ts(entry.first_seen)
    if entry.last_seen:
        props["last_seen"] = _ts(entry.last_seen)
    if entry.motivations:
        props["goals"] = sorted(entry.motivations)
        mapped = sorted({m for m in (motivation(v) for v in entry.motivations) if m})
        if mapped:
            props["primary_motivation"] = mapped[0]
            if len(mapped) > 1:
                props["secondary_motivations"] = mapped[1:]
    refs: list[dict[str, Any]] = []
    if entry.attack_id:
        refs.append(_attack_ref(entry.attack_id))
    refs.append({"source_name": "unmask", "external_id": entry.actor_id, "description": "unmask actor id"})
    props["external_references"] = refs
    confidence = _confidence(entry.confidence)
    if confidence is not None:
        props["confidence"] = confidence
    return props


def _attack_ref(attack_id: str) -> dict[str, Any]:
    """The ATT&CK external reference: source name and id, the pair ATT&CK consumers
    (OpenCTI, MISP's importer, mitreattack-python) resolve by. No ``url``: STIX says a
    reference with a URL SHOULD carry the hashes of what it points to (stix2-validator
    best practice 302), a live web page has no honest hash, and the URL follows from
    the id (``https://attack.mitre.org/techniques/T1059/001/``)."""
    return {"source_name": "mitre-attack", "external_id": attack_id}


def _add_indicator(b: _Built, entry: IndicatorEntry, actors: Sequence[str], malware: Sequence[str]) -> None:
    if entry.type == "cve":
        cve = entry.value.upper()
        vuln = b.add(
            {
                "type": "vulnerability",
                "id": deterministic_id("vulnerability", cve),
                "name": cve,
                "external_references": [{"source_name": "cve", "external_id": cve}],
            },
            entry.reports,
            entry.evidence,
            cve,
        )
        for actor in actors:
            b.relate("targets", actor, vuln)
        return
    problem = _value_problem(entry.type, entry.value)
    if problem:
        b.skip(f"{entry.type} {entry.value}: {problem}", entry.reports)
        return
    made = observable_pattern(entry.type, entry.value)
    if made is None:
        b.skip(f"{entry.type} {entry.value}: no standard STIX 2.1 cyber-observable for this type", entry.reports)
        return
    pattern, sco_props = made
    score = b.scores.get((entry.type, entry.value))
    if score is not None and not _exported(score, b.min_score):
        b.skip(f"{entry.type} {entry.value}: {_why_not(score, b, entry)}", entry.reports)
        return
    errors = run_validator(pattern, stix_version="2.1")
    if errors:
        b.skip(f"{entry.type} {entry.value}: invalid STIX pattern ({errors[0]})", entry.reports)
        return
    label = f"{_TYPE_LABELS.get(entry.type, entry.type)} {entry.value}"
    try:
        sco = stix2.parse(
            {**sco_props, "spec_version": "2.1", "object_marking_refs": [b.marking]}, allow_custom=False
        )
    except stix2.exceptions.STIXError as exc:
        b.skip(f"{entry.type} {entry.value}: not a valid {sco_props['type']} ({exc})", entry.reports)
        return
    sco_id = str(sco.id)
    b.objects[sco_id] = dict(sco)
    b.reports_of.setdefault(sco_id, set()).update(entry.reports)
    quotes = "; ".join(e.describe() for e in entry.evidence[:3])
    props: dict[str, Any] = {
        "type": "indicator",
        "id": deterministic_id("indicator", pattern),
        "name": label,
        "description": f"{label}, observed in the report: {quotes}",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": b.times(entry.reports)[0],
    }
    summary = b.sightings.get((entry.type, entry.value))
    if score is not None:
        _scored(props, score, summary, b.times(entry.reports))
    indicator = b.add(props, entry.reports, entry.evidence, label)
    if summary is not None and summary.seen and summary.first_seen and summary.last_seen:
        _add_sighting(b, indicator, summary, entry.reports, label)
    targets = list(actors) or list(malware)
    for target in targets:
        b.relate("indicates", indicator, target)


def _exported(score: IndicatorScore, min_score: float | None) -> bool:
    """Whether a scored indicator is still exported as one: active, and at least
    ``min_score`` (the threshold unless asked otherwise)."""
    if score.status in ("false-positive", "expired"):
        return False
    return score.score >= (score.threshold if min_score is None else min_score) and (
        score.active or min_score is not None)


def _why_not(score: IndicatorScore, b: _Built, entry: IndicatorEntry) -> str:
    if score.status == "false-positive":
        summary = b.sightings.get((entry.type, entry.value))
        who = f" by {summary.false_positive_who}" if summary and summary.false_positive_who else ""
        why = f": {summary.false_positive_why}" if summary and summary.false_positive_why else ""
        return f"reported as a false positive{who}{why} (not exported as an indicator until seen again)"
    if score.status == "expired":
        return "expired by an expiration sighting (not exported as an indicator)"
    floor = score.threshold if b.min_score is None else b.min_score
    since = f", last known live {score.anchor.date().isoformat()}" if score.anchor else ""
    return (f"score {score.score:.0f} below {floor:g} ({score.status}{since}; lifetime "
            f"{score.lifetime:g} days): not exported as an indicator")


def _scored(props: dict[str, Any], score: IndicatorScore, summary: SightingSummary | None,
            times: tuple[dt.datetime, dt.datetime]) -> None:
    """An indicator's score as STIX: ``confidence``, ``valid_until`` (when it falls below
    the threshold) and a new version (``modified``) on the day it was scored."""
    props["confidence"] = max(0, min(100, score.rounded))
    day = score.at.replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [times[1], day]
    if summary is not None and summary.last_seen is not None:
        moments.append(summary.last_seen)
    props["modified"] = max(moments)
    if score.valid_until is not None:
        props["valid_until"] = max(score.valid_until, props["valid_from"] + dt.timedelta(seconds=1))


def sighter_identity(organisation: str) -> dict[str, Any]:
    """The identity of the organisation whose sweeps and analysts sighted indicators."""
    return {
        "type": "identity",
        "id": deterministic_id("identity", "sighter", organisation.casefold()),
        "name": organisation,
        "identity_class": "organization",
        "description": "The organisation that recorded these sightings (unmask sweep --record, feedback)",
        "created": _PRODUCER_CREATED,
        "modified": _PRODUCER_CREATED,
    }


def _add_sighting(b: _Built, indicator: str, summary: SightingSummary, reports: Iterable[str],
                  label: str) -> None:
    assert summary.first_seen is not None and summary.last_seen is not None
    where = b.add(sighter_identity(b.organisation), reports)
    props: dict[str, Any] = {
        "type": "sighting",
        "id": deterministic_id("sighting", indicator),
        "sighting_of_ref": indicator,
        "where_sighted_refs": [where],
        "count": min(summary.seen, 999_999_999),
        "first_seen": summary.first_seen,
        "last_seen": summary.last_seen,
        "description": f"{label} seen {summary.seen} time(s) (sources: {', '.join(summary.sources)})",
        "created": summary.first_seen,
        "modified": summary.last_seen,
    }
    b.add(props, reports)


def _build(d: Digest, tlp: str, *, scores: Mapping[tuple[str, str], IndicatorScore] | None = None,
           sightings: Mapping[tuple[str, str], SightingSummary] | None = None,
           min_score: float | None = None, organisation: str | None = None) -> _Built:
    marking = tlp_marking(tlp)
    b = _Built(digest=d, marking=str(marking.id), scores=scores or {}, sightings=sightings or {},
               min_score=min_score)
    if organisation:
        b.organisation = organisation

    actor_ids: dict[str, str] = {}
    for entry in d.actors.values():
        actor_ids[entry.actor_id] = b.add(_actor_props(entry), entry.reports, entry.evidence, entry.name)
        for sponsor in sorted(entry.sponsors):
            ta = b.add(
                {
                    "type": "threat-actor",
                    "id": deterministic_id("threat-actor", _slug(sponsor)),
                    "name": sponsor,
                    "threat_actor_types": ["nation-state"],
                },
                entry.reports,
            )
            b.relate("attributed-to", actor_ids[entry.actor_id], ta)
        for country in sorted(entry.countries):
            code = country_code(country)
            if code is None:
                b.skip(f"country {country!r}: not an ISO 3166 country", entry.reports)
                continue
            loc = b.add(
                {
                    "type": "location",
                    "id": deterministic_id("location", "country", code),
                    "name": country_name(code),
                    "country": code,
                },
                entry.reports,
            )
            b.relate("originates-from", actor_ids[entry.actor_id], loc)
    by_report = {r.sha256: [actor_ids[a] for a in subject_actor_ids(d, r.sha256)] for r in d.reports}

    def subjects(reports: Iterable[str]) -> list[str]:
        return sorted({actor for sha in reports for actor in by_report.get(sha, ())})

    malware_ids: list[str] = []
    for mal in d.malware.values():
        props: dict[str, Any] = {
            "type": mal.kind,
            "id": deterministic_id(mal.kind, mal.malware_id),
            "name": mal.name,
        }
        if mal.kind == "malware":
            props["is_family"] = True
        refs: list[dict[str, Any]] = []
        if mal.attack_id:
            refs.append(_attack_ref(mal.attack_id))
        refs.append({"source_name": "unmask", "external_id": mal.malware_id, "description": "unmask software id"})
        props["external_references"] = refs
        confidence = _confidence(mal.confidence)
        if confidence is not None:
            props["confidence"] = confidence
        object_id = b.add(props, mal.reports, mal.evidence, mal.name)
        if mal.kind == "malware":
            malware_ids.append(object_id)
        for actor in subjects(mal.reports):
            b.relate("uses", actor, object_id)

    for tech in d.techniques.values():
        props = {
            "type": "attack-pattern",
            "id": deterministic_id("attack-pattern", tech.technique_id),
            "name": tech.name or tech.technique_id,
            "external_references": [_attack_ref(tech.technique_id)],
        }
        if tech.tactics:
            props["kill_chain_phases"] = [
                {"kill_chain_name": "mitre-attack", "phase_name": _slug(t)} for t in sorted(tech.tactics)
            ]
        object_id = b.add(props, tech.reports, tech.evidence, f"{tech.technique_id} {tech.name}")
        for actor in subjects(tech.reports):
            b.relate("uses", actor, object_id)

    for target in d.targets.values():
        if not target.targeted:
            continue  # named in passing, as a sponsor or as a source: not a target
        if target.kind in ("country", "region"):
            code = country_code(target.value) if target.kind == "country" else None
            if target.kind == "country" and code is None:
                b.skip(f"country {target.value!r}: not an ISO 3166 country", target.reports)
                continue
            if code is not None:
                props = {
                    "type": "location",
                    "id": deterministic_id("location", "country", code),
                    "name": country_name(code),
                    "country": code,
                }
            else:
                mapped_region = region(target.value)
                if mapped_region is None:
                    b.skip(f"region {target.value!r}: not a STIX region (region-ov)", target.reports)
                    continue
                props = {
                    "type": "location",
                    "id": deterministic_id("location", "region", mapped_region),
                    "name": target.value,
                    "region": mapped_region,
                }
        else:
            props = {
                "type": "identity",
                "id": deterministic_id("identity", target.kind, target.value.casefold()),
                "name": target.value,
                "identity_class": "class" if target.kind == "sector" else "organization",
            }
            if target.kind == "sector":
                mapped = sector(target.value)
                if mapped:
                    props["sectors"] = [mapped]
        props["external_references"] = [
            {"source_name": "unmask", "external_id": f"{target.kind}:{target.value}", "description": "unmask target"}
        ]
        object_id = b.add(props, target.reports, target.evidence, target.value)
        for actor in subjects(target.reports):
            b.relate("targets", actor, object_id)

    for observable in d.observables.values():
        if observable.is_indicator:
            families = [m for m in malware_ids if b.reports_of[m] & observable.reports]
            _add_indicator(
                b, observable, subjects(observable.reports), families if len(families) == 1 else []
            )

    _add_notes(b)
    _add_reports(b, d)
    return b


def _add_notes(b: _Built) -> None:
    for object_id, evidence in sorted(b.evidence_of.items()):
        label = b.labels.get(object_id, object_id)
        lines = [f"Evidence for {label}:"]
        titles = {r.sha256: r.title for r in b.digest.reports}
        for item in evidence:
            lines.append(f"- [{titles.get(item.document, item.document[:12])}] {item.describe()}")
        b.add(
            {
                "type": "note",
                "id": deterministic_id("note", "evidence", object_id, *sorted(b.reports_of[object_id])),
                "abstract": f"Evidence: {label}"[:250],
                "content": "\n".join(lines),
                "authors": ["unmask"],
                "object_refs": [object_id],
            },
            b.reports_of[object_id],
        )
    if b.skipped:
        b.add(
            {
                "type": "note",
                "id": deterministic_id("note", "skipped", *sorted(b.skipped)),
                "abstract": f"Not exported to STIX: {len(b.skipped)} finding(s)",
                "content": "\n".join(f"- {line}" for line in sorted(b.skipped)),
                "authors": ["unmask"],
                "object_refs": [PRODUCER_ID],
            },
            # its time is that of the reports the skipped findings came from: a new report
            # that skips nothing new leaves the note as it was
            b.skipped_reports or [r.sha256 for r in b.digest.reports],
        )


def _add_reports(b: _Built, d: Digest) -> None:
    for report in d.reports:
        refs = sorted(oid for oid, shas in b.reports_of.items() if report.sha256 in shas)
        # The source reference carries the SHA-256 of the bytes analysed from it.
        ext: list[dict[str, Any]] = [
            {
                "source_name": report.site_name or "source",
                "url": report.url,
                "external_id": report.sha256,
                "hashes": {"SHA-256": report.sha256},
            }
            if report.url
            else {
                "source_name": "unmask-document",
                "description": f"Analysed document {posixpath.basename(report.source) or report.source}",
                "external_id": report.sha256,
                "hashes": {"SHA-256": report.sha256},
            }
        ]
        ext.extend(_cited(d, report.sha256))
        props: dict[str, Any] = {
            "type": "report",
            "id": deterministic_id("report", report.sha256),
            "name": report.title,
            "report_types": ["threat-report"],
            "published": report.time,
            "object_refs": refs or [PRODUCER_ID],
            "external_references": ext,
        }
        if report.authors:
            props["description"] = "By " + ", ".join(report.authors)
        b.add(props, [report.sha256])


def _cited(d: Digest, sha: str) -> list[dict[str, Any]]:
    """The links a report cites (observables with the role ``reference`` there), as its
    external references: a source a reader follows, never an indicator to block."""
    out = []
    for entry in sorted(d.observables.values(), key=lambda e: e.value):
        if entry.type == "url" and entry.report_roles.get(sha) == "reference" and not entry.is_indicator:
            host = entry.value.split("://", 1)[-1].split("/", 1)[0]
            # The cited page was not fetched, so there is no hash for a ``url`` property
            # (best practice 302): the address is the reference's description.
            out.append({"source_name": host or "reference", "description": f"cited by the report: {entry.value}"})
    return out


def _producer(marking: str) -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": PRODUCER_ID,
        "name": "unmask",
        "identity_class": "system",
        "description": "unmask threat-intelligence engine (automated extraction with evidence)",
        "created": _PRODUCER_CREATED,
        "modified": _PRODUCER_CREATED,
        "object_marking_refs": [marking],
    }


def to_stix(analyses: Analysis | Sequence[Analysis], *, tlp: str = "clear") -> stix2.v21.Bundle:
    """A STIX 2.1 bundle for one or more analyses, marked with TLP 2.0 ``tlp``.

    Raises :class:`ExportError` if an object cannot be built (which would be a bug:
    values are checked before they are exported).
    """
    items = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    return bundle_from_digest(digest(items), tlp=tlp)


def bundle_from_digest(
    d: Digest,
    *,
    tlp: str = "clear",
    scores: Mapping[tuple[str, str], IndicatorScore] | None = None,
    sightings: Mapping[tuple[str, str], SightingSummary] | None = None,
    min_score: float | None = None,
    organisation: str | None = None,
) -> stix2.v21.Bundle:
    """The STIX bundle for an already built :class:`Digest` (e.g. from the knowledge base).

    With ``scores`` (per observable type and value, :mod:`unmask.store.decay`) each
    indicator carries its score as ``confidence`` and ``valid_until``; one below
    ``min_score`` (default: the threshold), a false positive or an expired one is not
    exported (listed in the "not exported" note). ``sightings`` adds one STIX
    ``sighting`` per exported indicator seen, sighted at ``organisation``.
    """
    b = _build(d, tlp, scores=scores, sightings=sightings, min_score=min_score,
               organisation=organisation)
    marking = tlp_marking(tlp)
    objects: list[Any] = [marking]
    try:
        objects.append(stix2.parse(_producer(str(marking.id)), allow_custom=False))
        for object_id in sorted(b.objects):
            props = b.objects[object_id]
            objects.append(stix2.parse({**props, "spec_version": "2.1"}, allow_custom=False))
    except stix2.exceptions.STIXError as exc:
        raise ExportError(f"cannot build STIX object: {exc}") from exc
    bundle_id = deterministic_id("bundle", *sorted(str(o.id) for o in objects))
    return stix2.v21.Bundle(objects=objects, id=bundle_id)


_FIRST_KEYS = ("type", "spec_version", "id", "created_by_ref", "created", "modified", "name")


def _ordered(value: Any) -> Any:
    if isinstance(value, dict):
        keys = [k for k in _FIRST_KEYS if k in value] + sorted(k for k in value if k not in _FIRST_KEYS)
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def bundle_json(bundle: stix2.v21.Bundle) -> str:
    """A bundle as indented JSON with a stable key order (``type``, ``id`` ... first).

    (``stix2``'s own ``pretty=True`` orders keys in quadratic time: seconds per bundle.)
    """
    return json.dumps(_ordered(json.loads(bundle.serialize())), ensure_ascii=False, indent=2)


def to_stix_json(analyses: Analysis | Sequence[Analysis], *, tlp: str = "clear") -> str:
    """The bundle of :func:`to_stix`, serialised (indented, stable)."""
    return bundle_json(to_stix(analyses, tlp=tlp))
