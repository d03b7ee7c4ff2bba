"""Findings from structured intelligence: STIX 2.x bundles and MISP events.

The readers keep the original objects in :attr:`Document.objects` (STIX objects for
``format == "stix2"``, the MISP event for ``"misp"``). This module turns them into the
same finding types the text extractors produce, so an exported bundle or event can be
ingested again and exported with the same objects:

- ``intrusion-set`` / ``threat-actor`` (and MISP ``threat-actor`` galaxy tags and
  clusters) -> :class:`ActorMention`, plus an :class:`AliasStatement` (an alias claim)
  when aliases or synonyms are listed;
- ``indicator`` patterns, cyber-observables and MISP attributes -> :class:`Observable`;
- ``attack-pattern`` with an ATT&CK id (and MISP ``mitre-attack-pattern`` tags) ->
  :class:`TechniqueMention`; ``malware`` / ``tool`` -> :class:`MalwareMention`;
- identities and locations that are targeted -> :class:`TargetMention`;
- ``attributed-to`` / ``originates-from`` relationships and goals -> :class:`Attribution`;
- ``first_seen`` / ``last_seen`` of an intrusion set, threat actor or campaign ->
  activity-start / activity-end :class:`Event` (a campaign's events go to the actor it
  is attributed to);
- a targeted identity's ``sectors`` -> targeted sectors; an identity whose name is only
  the type word ("Identity (Campaign 1)") is a placeholder, no organisation.

Spans point at the first place the object's name or value occurs in the document's
text (the reader's rendering); when it does not occur, the span is empty at 0. The
method of every finding is ``structured``.

The text extractors read that rendering too (descriptions are prose worth reading), so
:func:`without_rendering_artefacts` takes back what they find only in the reader's own
wording of the objects: the parent technique in a sub-technique's qualified name
("APT29 uses Command and Scripting Interpreter: PowerShell." is T1059.001, not T1059
too), and the content hash of a cited document (an external reference's ``hashes``),
which is a reference, not an indicator. So a bundle unmask exported comes back with
the objects it holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unmask.model import (
    ActorMention,
    AliasStatement,
    Attribution,
    Document,
    Event,
    MalwareMention,
    Observable,
    Span,
    TargetMention,
    TechniqueMention,
)
from unmask.reference.regexes import compile_cached
from unmask.reference.sectors import sector_vocabulary
from unmask.reference.values import normalise

__all__ = ["STRUCTURED_FORMATS", "StructuredFindings", "extract_structured", "without_rendering_artefacts"]

STRUCTURED_FORMATS = frozenset({"stix2", "stix", "misp"})
METHOD = "structured"

_GROUP = compile_cached(r"^G\d{4}$")
_SOFTWARE = compile_cached(r"^S\d{4}$")
_TECHNIQUE = compile_cached(r"^T\d{4}(?:\.\d{3})?$")
_COMPARISON = compile_cached(
    r"([a-z0-9-]+):([A-Za-z0-9_.\-]+(?:\.'[^']+')?(?:\.[A-Za-z0-9_\-]+)*)\s*=\s*'((?:\\.|[^'\\])*)'"
)
_NUMBER_COMPARISON = compile_cached(r"autonomous-system:number\s*=\s*(\d+)")
_DATE = compile_cached(r"^(\d{4})-(\d{2})-(\d{2})")

_HASH_TYPES = {
    "md5": "md5", "sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
    "sha512": "sha512", "sha-512": "sha512", "ssdeep": "ssdeep",
}
_SCO_TYPES = {
    ("domain-name", "value"): "domain",
    ("url", "value"): "url",
    ("email-addr", "value"): "email",
    ("mac-addr", "value"): "mac",
    ("windows-registry-key", "key"): "registry_key",
    ("file", "name"): "file_name",
    ("email-message", "from_ref.value"): "email",
}
_MISP_TYPES = {
    "domain": "domain", "hostname": "domain", "url": "url", "uri": "url",
    "email": "email", "email-src": "email", "email-dst": "email", "md5": "md5", "sha1": "sha1",
    "sha256": "sha256", "sha512": "sha512", "ssdeep": "ssdeep", "filename": "file_name",
    "regkey": "registry_key", "AS": "asn", "mac-address": "mac", "vulnerability": "cve",
    "btc": "btc", "xmr": "xmr", "user-agent": "user_agent",
}
#: Types that are context, not detection: MISP's to_ids=false says nothing about them.
_CONTEXT_TYPES = {"cve", "asn", "mac", "user_agent"}
_BENIGN_COMMENT = compile_cached(r"^benign \(warninglist: ([^)]*)\)")
_GALAXY_TAG = compile_cached(r'^(?:misp-galaxy|unmask):([a-z0-9-]+)="(.*)"$')


@dataclass(frozen=True, slots=True)
class StructuredFindings:
    """What the structured objects of one document say, as findings."""

    observables: tuple[Observable, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    alias_statements: tuple[AliasStatement, ...] = ()
    techniques: tuple[TechniqueMention, ...] = ()
    targets: tuple[TargetMention, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    malware: tuple[MalwareMention, ...] = ()
    events: tuple[Event, ...] = ()
    summary: tuple[Mapping[str, Any], ...] = ()


@dataclass(slots=True)
class _Collector:
    text: str
    lowered: str
    observables: dict[tuple[str, str], Observable] = field(default_factory=dict)
    actors: dict[str, ActorMention] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)
    techniques: dict[str, TechniqueMention] = field(default_factory=dict)
    targets: dict[tuple[str, str], TargetMention] = field(default_factory=dict)
    attributions: dict[tuple[str, str, str], Attribution] = field(default_factory=dict)
    malware: dict[str, MalwareMention] = field(default_factory=dict)
    events: dict[tuple[str, str, str], Event] = field(default_factory=dict)

    def span(self, value: str) -> Span:
        if not value:
            return Span(0, 0)
        at = self.text.find(value)
        if at < 0 and len(self.lowered) == len(self.text):
            at = self.lowered.find(value.casefold())
        return Span(0, 0) if at < 0 else Span(at, at + len(value))

    def observable(self, type_: str, value: str, benign: Sequence[str] = ()) -> None:
        value = value.strip()
        if not value or (type_ in ("domain", "url", "email", "ipv4", "ipv6") and any(ch.isspace() for ch in value)):
            return
        if type_ in ("md5", "sha1", "sha256", "sha512"):
            value = value.lower()
        elif type_ == "domain":
            value = value.lower().rstrip(".")
        elif type_ == "ipv4" and "/" in value:
            type_ = "ipv4_cidr"
        elif type_ == "cve":
            value = value.upper()
        written = value
        if type_ == "url":
            # a pattern's URL written without its scheme ('www.example.org/a.php') is the
            # address the text extractor gives it (scheme added, host in lower case)
            value = normalise("url", value if "://" in value else f"http://{value}", strict=True) or value
        key = (type_, value)
        if key in self.observables:
            return
        span = self.span(written)
        surface = self.text[span.start : span.end] or written
        self.observables[key] = Observable(type_, value, surface, span, tuple(benign))

    def actor(self, actor_id: str, name: str, aliases: Iterable[str], confidence: float = 1.0) -> None:
        if actor_id not in self.actors:
            span = self.span(name)
            self.actors[actor_id] = ActorMention(actor_id, name, name, span, METHOD, confidence)
        names = self.aliases.setdefault(actor_id, set())
        names.update(a.strip() for a in aliases if a and a.strip() and a.strip() != name)

    def technique(self, technique_id: str, name: str, tactics: Iterable[str]) -> None:
        if technique_id in self.techniques:
            return
        span = self.span(technique_id)
        if span.end == 0 and name:
            span = self.span(name)
        self.techniques[technique_id] = TechniqueMention(
            technique_id, name, span, METHOD, 1.0, tuple(sorted(set(tactics)))
        )

    def software(self, malware_id: str, name: str, kind: str) -> None:
        if malware_id not in self.malware:
            self.malware[malware_id] = MalwareMention(malware_id, name, name, self.span(name), kind, METHOD, 1.0)

    def target(self, kind: str, value: str, role: str) -> None:
        key = (kind, value)
        old = self.targets.get(key)
        if old is not None and (old.role in ("target", "victim") or role not in ("target", "victim")):
            return
        span = self.span(value)
        self.targets[key] = TargetMention(kind, value, value, span, role)

    def attribution(self, kind: str, value: str, actor_id: str | None) -> None:
        key = (kind, value, actor_id or "")
        if key not in self.attributions:
            self.attributions[key] = Attribution(kind, value, value, self.span(value), (actor_id,) if actor_id else ())

    def event(self, kind: str, date: str, actor_id: str | None) -> None:
        day = _plausible_day(date)
        if day is None:
            return
        key = (kind, day, actor_id or "")
        if key not in self.events:
            self.events[key] = Event(kind, day, "day", Span(0, 0), date, (actor_id,) if actor_id else ())


#: The earliest year a record's first or last sighting is taken from: exporting tools write
#: ``0001-01-01`` and ``9999-12-31`` for "unknown" (placeholders, not dates).
_EARLIEST_YEAR = 1980


def _plausible_day(date: str, today: dt.date | None = None) -> str | None:
    """``date``'s day (``YYYY-MM-DD``) when it is a real calendar day between 1980 and
    today (a few days' slack); ``None`` for a placeholder such as ``9999-12-31`` or
    ``0001-01-01``, an impossible day (``2024-02-30``) or a date in the future."""
    from unmask.documents.read import FUTURE_SLACK

    match = _DATE.match(date)
    if not match:
        return None
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    now = today or dt.datetime.now(dt.UTC).date()
    if day.year < _EARLIEST_YEAR or day > now + dt.timedelta(days=FUTURE_SLACK):
        return None
    return day.isoformat()


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-") or "unnamed"


def _ext_id(obj: Mapping[str, Any], source: str, pattern: re.Pattern[str] | None = None) -> str | None:
    for ref in obj.get("external_references") or ():
        if not isinstance(ref, Mapping) or ref.get("source_name") != source:
            continue
        value = ref.get("external_id")
        if isinstance(value, str) and (pattern is None or pattern.match(value)):
            return value
    return None


def _resolve_actor(name: str) -> str | None:
    """The actor id the actor gazetteer gives ``name`` when it covers the whole name,
    else the actor graph's reading of it ("Turla Group" is Turla: filler words dropped)."""
    from unmask.extract.actors import find_actors
    from unmask.reference.actors import load_actor_graph

    for mention in find_actors(name):
        if mention.span.start == 0 and mention.span.end == len(name):
            return mention.actor_id
    best = load_actor_graph().lookup(name).best
    return best.actor_id if best is not None else None


#: A report title used as an object's name: "Manga Taurus: Novel Chinese Shellcode Unmasked".
_TITLE_NAME = re.compile(r"^(?P<name>[^:]{2,60}?)\s*(?::|\s[-–—]\s)\s*\S+(?:\s+\S+)*$")

#: Words a playbook adds to a software name when it names an intrusion set after the
#: software ("Ryuk Ransomware", "HelloKitty Linux"): software categories and platforms.
_SOFTWARE_TITLE_WORDS = frozenset({
    "ransomware", "malware", "trojan", "backdoor", "rat", "loader", "botnet", "stealer",
    "infostealer", "wiper", "worm", "dropper", "implant", "variant", "variants", "family",
    "linux", "windows", "macos", "android", "ios", "esxi", "version", "edition",
})
_TITLE_SPLIT = re.compile(r"[\s\-–—:_./]+")


def _software_key(name: str) -> str:
    """``name`` without category and platform words, spaces or case: "Hello Kitty",
    "HelloKitty Linux" and "HELLOKITTY ransomware" share ``hellokitty``."""
    return "".join(w for w in _TITLE_SPLIT.split(name.casefold()) if w and w not in _SOFTWARE_TITLE_WORDS)


def _named_after_software(name: str, software: frozenset[str]) -> bool:
    """An intrusion set or threat actor named only after software of its own bundle
    (Unit 42's playbooks call the operators of Ryuk "Ryuk Ransomware"), and no actor the
    gazetteer knows by that name: the operators are unnamed, not an actor called so."""
    key = _software_key(name)
    return bool(key) and key in software and _resolve_actor(name) is None


def _actor_id(obj: Mapping[str, Any], name: str) -> str:
    title = _TITLE_NAME.match(name)
    return (
        _ext_id(obj, "mitre-attack", _GROUP)
        or _ext_id(obj, "unmask")
        or _resolve_actor(name)
        # an intrusion set named after its report: the actor is the known name it opens with
        or (_resolve_actor(title.group("name")) if title else None)
        or _slug(name)
    )


def _observables_from_pattern(c: _Collector, pattern: str) -> None:
    for obj_type, path, raw in _COMPARISON.findall(pattern):
        value = re.sub(r"\\(.)", r"\1", raw)
        if obj_type in ("ipv4-addr", "ipv6-addr") and path == "value":
            c.observable("ipv4" if obj_type == "ipv4-addr" else "ipv6", value)
        elif obj_type == "file" and path.startswith("hashes."):
            algo = path.split(".", 1)[1].strip("'").casefold()
            if algo in _HASH_TYPES:
                c.observable(_HASH_TYPES[algo], value)
        elif (obj_type, path) in _SCO_TYPES:
            c.observable(_SCO_TYPES[(obj_type, path)], value)
    for number in _NUMBER_COMPARISON.findall(pattern):
        c.observable("asn", f"AS{number}")


def _observable_from_sco(c: _Collector, obj: Mapping[str, Any]) -> None:
    kind = obj.get("type")
    if kind in ("ipv4-addr", "ipv6-addr") and isinstance(obj.get("value"), str):
        c.observable("ipv4" if kind == "ipv4-addr" else "ipv6", obj["value"])
    elif kind == "file":
        for algo, value in (obj.get("hashes") or {}).items():
            if str(algo).casefold() in _HASH_TYPES and isinstance(value, str):
                c.observable(_HASH_TYPES[str(algo).casefold()], value)
        if not obj.get("hashes") and isinstance(obj.get("name"), str):
            c.observable("file_name", obj["name"])
    elif kind == "autonomous-system" and isinstance(obj.get("number"), int):
        c.observable("asn", f"AS{obj['number']}")
    elif isinstance(kind, str):
        for (sco_type, prop), type_ in _SCO_TYPES.items():
            if sco_type == kind and isinstance(obj.get(prop), str):
                c.observable(type_, obj[prop])


def _stix(c: _Collector, objects: Sequence[Mapping[str, Any]]) -> None:
    by_id = {str(o.get("id")): o for o in objects if isinstance(o, Mapping)}
    producers = {oid for oid, o in by_id.items() if o.get("type") == "identity" and o.get("identity_class") == "system"}
    actor_ids: dict[str, str] = {}
    software = frozenset(
        key for o in by_id.values() if o.get("type") in ("malware", "tool")
        for key in (_software_key(str(o.get("name") or "")),) if key
    )
    for oid, obj in by_id.items():
        kind = obj.get("type")
        name = str(obj.get("name") or "").strip()
        if kind in ("intrusion-set", "threat-actor") and name:
            if kind == "threat-actor" and any(
                r.get("type") == "relationship" and r.get("relationship_type") == "attributed-to"
                and r.get("target_ref") == oid and by_id.get(str(r.get("source_ref")), {}).get("type") == "intrusion-set"
                for r in by_id.values()
            ):
                continue  # a sponsor, handled with its relationship below
            aliases = [str(a) for a in obj.get("aliases") or () if isinstance(a, str)]
            actor_id: str | None = None
            if _named_after_software(name, software):
                # named after its software: the actor is one its aliases name, or nobody -
                # its sightings and goals then stay the report's, unattributed
                actor_id, name = next(
                    ((found, alias) for alias in aliases for found in (_resolve_actor(alias),) if found),
                    (None, name),
                )
            else:
                actor_id = _actor_id(obj, name)
            if actor_id is not None:
                actor_ids[oid] = actor_id
                confidence = obj.get("confidence")
                c.actor(
                    actor_id, name, aliases,
                    min(max(float(confidence) / 100, 0.0), 1.0) if isinstance(confidence, int | float) else 1.0,
                )
            for goal in obj.get("goals") or ():
                if isinstance(goal, str):
                    c.attribution("motivation", goal, actor_id)
            for prop, event_kind in (("first_seen", "activity-start"), ("last_seen", "activity-end")):
                if isinstance(obj.get(prop), str):
                    c.event(event_kind, obj[prop], actor_id)
        elif kind == "attack-pattern":
            technique_id = _ext_id(obj, "mitre-attack", _TECHNIQUE)
            if technique_id:
                tactics = [
                    str(p.get("phase_name")) for p in obj.get("kill_chain_phases") or ()
                    if isinstance(p, Mapping) and p.get("kill_chain_name") == "mitre-attack"
                ]
                c.technique(technique_id, name, tactics)
        elif kind in ("malware", "tool") and name:
            malware_id = _ext_id(obj, "mitre-attack", _SOFTWARE) or _ext_id(obj, "unmask") or _slug(name)
            c.software(malware_id, name, str(kind))
        elif kind == "indicator" and isinstance(obj.get("pattern"), str):
            if obj.get("pattern_type", "stix") == "stix":
                _observables_from_pattern(c, obj["pattern"])
        elif kind == "vulnerability" and name.upper().startswith("CVE-"):
            c.observable("cve", name)
        elif kind == "observed-data":
            for sco in (obj.get("objects") or {}).values():
                if isinstance(sco, Mapping):
                    _observable_from_sco(c, sco)
        elif isinstance(kind, str) and kind not in ("relationship", "report", "note", "identity", "location"):
            _observable_from_sco(c, obj)

    targeted = {
        str(r.get("target_ref")) for r in by_id.values()
        if r.get("type") == "relationship" and r.get("relationship_type") == "targets"
    }
    for oid, obj in by_id.items():
        kind = obj.get("type")
        if kind not in ("identity", "location") or oid in producers:
            continue
        role = "target" if oid in targeted else "mention"
        key = _ext_id(obj, "unmask")
        if key and ":" in key:
            target_kind, value = key.split(":", 1)
            if target_kind in ("sector", "country", "region", "organization"):
                c.target(target_kind, value, role)
                continue
        if role != "target":
            continue
        if kind == "identity":
            # The sectors a targeted identity belongs to are targeted sectors.
            for sector in obj.get("sectors") or ():
                sector_name = _sector_name(sector) if isinstance(sector, str) else None
                if sector_name:
                    c.target("sector", sector_name, role)
            # A producer's custom country list (``x_cta_country``, ``x_acme_countries``):
            # where the targeted identity is, named or not.
            for code in _custom_countries(obj):
                c.target("country", code, role)
            if _placeholder_identity(obj):
                continue
        if kind == "location" and isinstance(obj.get("country"), str):
            c.target("country", obj["country"], role)
        elif kind == "location" and isinstance(obj.get("region"), str):
            c.target("region", obj["region"], role)
        elif kind == "identity" and obj.get("name"):
            c.target("sector" if obj.get("identity_class") == "class" else "organization", str(obj["name"]), role)

    for rel in by_id.values():
        if rel.get("type") != "relationship":
            continue
        source = actor_ids.get(str(rel.get("source_ref")))
        target = by_id.get(str(rel.get("target_ref")))
        if source is None or target is None:
            continue
        rel_type = rel.get("relationship_type")
        if rel_type == "attributed-to" and target.get("type") == "threat-actor" and target.get("name"):
            roles = {str(r) for r in target.get("roles") or () if isinstance(r, str)}
            if roles & _OPERATOR_ROLES and not roles & {"sponsor", "director"}:
                continue  # a persona who writes malware or runs servers ("Ugly Gorilla") sponsors nothing
            c.attribution("sponsor", str(target["name"]), source)
        elif rel_type == "originates-from" and isinstance(target.get("country"), str):
            c.attribution("country", target["country"], source)

    # A campaign's first and last sighting start and end the activity of the actor it
    # is attributed to (or of no actor in particular when the bundle names none).
    campaign_actors: dict[str, list[str | None]] = {}
    for rel in by_id.values():
        if rel.get("type") == "relationship" and rel.get("relationship_type") == "attributed-to":
            actor = actor_ids.get(str(rel.get("target_ref")))
            if actor is not None:
                campaign_actors.setdefault(str(rel.get("source_ref")), []).append(actor)
    reported = _report_actors(by_id, actor_ids)
    for oid, obj in by_id.items():
        if obj.get("type") != "campaign":
            continue
        actors: list[str | None] = list(campaign_actors.get(oid) or reported.get(oid) or [None])
        for prop, event_kind in (("first_seen", "activity-start"), ("last_seen", "activity-end")):
            if isinstance(obj.get(prop), str):
                for actor in actors:
                    c.event(event_kind, obj[prop], actor)


def _report_actors(by_id: Mapping[str, Mapping[str, Any]], actor_ids: Mapping[str, str]) -> dict[str, list[str]]:
    """The actor of each campaign that no relationship attributes, read off the report
    objects: a report that lists the campaign (itself, or inside a report it lists) and
    exactly one intrusion set or threat actor (itself or in a report that lists it) is
    a report on that actor's campaign. Several actors in that chain leave it unattributed."""
    parents: dict[str, list[str]] = {}
    for oid, obj in by_id.items():
        if obj.get("type") == "report":
            for ref in obj.get("object_refs") or ():
                if isinstance(ref, str) and by_id.get(ref, {}).get("type") == "report":
                    parents.setdefault(ref, []).append(oid)
    out: dict[str, list[str]] = {}
    for oid, obj in by_id.items():
        if obj.get("type") != "report":
            continue
        campaigns = [r for r in obj.get("object_refs") or ()
                     if isinstance(r, str) and by_id.get(r, {}).get("type") == "campaign"]
        if not campaigns:
            continue
        chain, stack, seen = [], [oid], {oid}
        while stack:  # the report and every report above it (each once: cycles end)
            current = stack.pop()
            chain.append(current)
            for parent in parents.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        named = {actor_ids[r] for report in chain for r in by_id[report].get("object_refs") or ()
                 if isinstance(r, str) and r in actor_ids}
        if len(named) == 1:
            for campaign in campaigns:
                out.setdefault(campaign, []).extend(a for a in named if a not in out.get(campaign, []))
    return {k: v for k, v in out.items() if len(v) == 1}


#: A name made of the object's own type word ("Identity", "Identity 2", "Identity (of
#: the second campaign)"): a stand-in an exporting tool wrote for an unnamed victim.
_PLACEHOLDER_NAME = compile_cached(r"(?i)^\s*identity\b\s*(?:\d+\s*)?(?:\(.*\))?\s*$")

#: Words of a stand-in name: an identity named only with them ("Targeting Information",
#: "Unknown victim", "Victim organisations") names nobody. One word alone is a stand-in
#: only when it cannot be a name (a company may be called "Target").
_PLACEHOLDER_WORDS = frozenset(
    ["identity", "identities", "target", "targets", "targeting", "targeted", "victim", "victims", "victimology", "information", "info", "organization", "organizations", "organisation", "organisations", "unknown", "unnamed", "anonymous", "redacted", "undisclosed", "sector", "sectors", "industry", "industries", "entity", "entities", "various", "multiple", "other", "details", "data", "the", "of", "and"])
_PLACEHOLDER_ALONE = frozenset(["identity", "victim", "victims", "unknown", "unnamed", "anonymous", "redacted", "undisclosed", "various", "multiple"])
_NAME_WORD = compile_cached(r"[^\W\d_]+")


def _placeholder_identity(obj: Mapping[str, Any]) -> bool:
    """Whether an identity names nobody: its name is only the word "identity", or only
    words that describe a target without naming one."""
    name = str(obj.get("name") or "")
    if _PLACEHOLDER_NAME.match(name):
        return True
    words = [w.casefold() for w in _NAME_WORD.findall(name)]
    if not words or not all(w in _PLACEHOLDER_WORDS for w in words):
        return False
    return len(words) > 1 or words[0] in _PLACEHOLDER_ALONE


def _custom_countries(obj: Mapping[str, Any]) -> list[str]:
    """Country codes in a producer's custom property of an identity (``x_<producer>_country``
    or ``..._countries``, one code or a list): only ISO 3166 alpha-2 codes unmask knows."""
    from unmask.reference.geo import place

    codes: list[str] = []
    for key, value in obj.items():
        if not (isinstance(key, str) and key.startswith("x_") and key.endswith(("country", "countries"))):
            continue
        for item in value if isinstance(value, list) else [value]:
            if (isinstance(item, str) and len(item) == 2 and item.isascii() and item.isalpha()
                    and place(item.upper()) is not None and item.upper() not in codes):
                codes.append(item.upper())
    return codes


def _sector_name(value: str) -> str | None:
    """unmask's sector for a STIX ``industry-sector-ov`` value (or a free-text sector)."""
    vocabulary = sector_vocabulary()
    spaced = value.strip().replace("-", " ").replace("_", " ")
    for form in (value.strip(), spaced, spaced.split(" ")[0]):
        if form and (name := vocabulary.lookup(form)):
            return name
    return None


#: STIX threat-actor roles of a hands-on operator, not of whoever is behind the group.
_OPERATOR_ROLES = frozenset(["malware-author", "infrastructure-operator", "infrastructure-architect"])


def _misp_event(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    body = obj.get("Event", obj)
    return body if isinstance(body, Mapping) else {}


def _misp_attribute(c: _Collector, attribute: Mapping[str, Any]) -> None:
    misp_type = str(attribute.get("type", ""))
    value = str(attribute.get("value", ""))
    if not value:
        return
    comment = str(attribute.get("comment") or "")
    benign_match = _BENIGN_COMMENT.match(comment)
    to_ids = attribute.get("to_ids") in (True, 1, "1", "true", "True")
    dropped = attribute.get("category") in ("Artifacts dropped", "Payload installation", "Payload delivery")
    parts = [(misp_type, value)]
    if "|" in misp_type and "|" in value:
        parts = list(zip(misp_type.split("|"), value.split("|", 1), strict=False))
    for part_type, part_value in parts:
        if part_type in ("ip-dst", "ip-src", "ip"):
            type_ = "ipv6" if ":" in part_value else "ipv4"
        elif part_type in ("domain", "hostname") or part_type in _MISP_TYPES:
            type_ = _MISP_TYPES.get(part_type, "domain")
        else:
            continue
        benign: tuple[str, ...] = ()
        if benign_match:
            benign = tuple(r.strip() for r in benign_match.group(1).split(",") if r.strip())
        elif not to_ids and type_ not in _CONTEXT_TYPES and not (type_ == "file_name" and dropped):
            # (A dropped file's name is left off detection because a name alone is weak, not
            # because it is clean: it stays the malware's.)
            benign = ("misp:to_ids=false",)
        c.observable(type_, part_value, benign)


def _misp(c: _Collector, event_obj: Mapping[str, Any]) -> None:
    event = _misp_event(event_obj)
    for attribute in event.get("Attribute") or ():
        if isinstance(attribute, Mapping):
            _misp_attribute(c, attribute)
    for obj in event.get("Object") or ():
        if not isinstance(obj, Mapping) or obj.get("name") == "report":
            continue
        for attribute in obj.get("Attribute") or ():
            if isinstance(attribute, Mapping):
                _misp_attribute(c, attribute)
    synonyms: dict[str, list[str]] = {}
    for galaxy in event.get("Galaxy") or ():
        if not isinstance(galaxy, Mapping) or galaxy.get("type") != "threat-actor":
            continue
        for cluster in galaxy.get("GalaxyCluster") or ():
            if isinstance(cluster, Mapping) and cluster.get("value"):
                meta = cluster.get("meta") or {}
                names = meta.get("synonyms") if isinstance(meta, Mapping) else None
                synonyms[str(cluster["value"])] = [str(n) for n in names or () if isinstance(n, str)]
    tags = [str(t.get("name", "")) for t in event.get("Tag") or () if isinstance(t, Mapping)]
    for tag in tags:
        match = _GALAXY_TAG.match(tag)
        if not match:
            continue
        galaxy, value = match.groups()
        if galaxy == "threat-actor":
            actor_id = _resolve_actor(value) or _slug(value)
            c.actor(actor_id, value, synonyms.get(value, ()))
        elif galaxy == "mitre-intrusion-set":
            name, _, group_id = value.rpartition(" - ")
            c.actor(group_id if _GROUP.match(group_id) else _resolve_actor(value) or _slug(value), name or value, ())
        elif galaxy in ("mitre-attack-pattern", "mitre-enterprise-attack-attack-pattern", "attack-pattern"):
            name, _, technique_id = value.rpartition(" - ")
            if _TECHNIQUE.match(technique_id):
                c.technique(technique_id, name, ())
        elif galaxy in ("mitre-malware", "mitre-tool", "malpedia", "malware", "tool"):
            name, _, software_id = value.rpartition(" - ")
            if not _SOFTWARE.match(software_id):
                name, software_id = value, _slug(value)
            c.software(software_id, name or value, "tool" if galaxy in ("mitre-tool", "tool") else "malware")
        elif galaxy == "sector":
            c.target("sector", value, "target")
        elif galaxy == "target-information":
            c.target("country", value, "target")
    for value, names in synonyms.items():
        if not any(m.name == value for m in c.actors.values()):
            c.actor(_resolve_actor(value) or _slug(value), value, names)


def extract_structured(document: Document) -> StructuredFindings:
    """Findings from a document's structured objects (empty for other formats)."""
    if document.format not in STRUCTURED_FORMATS or not document.objects:
        return StructuredFindings()
    c = _Collector(text=document.text, lowered=document.text.casefold())
    if document.format == "misp":
        for obj in document.objects:
            _misp(c, obj)
    else:
        _stix(c, document.objects)
    statements = []
    for actor_id, names in sorted(c.aliases.items()):
        mention = c.actors[actor_id]
        if names:
            statements.append(
                AliasStatement((mention.name, *sorted(names, key=str.casefold)), mention.span, actor_id=actor_id)
            )
    summary = tuple(
        {"actor_id": actor_id, "name": m.name, "aliases": sorted(c.aliases.get(actor_id, ()), key=str.casefold)}
        for actor_id, m in sorted(c.actors.items())
    )
    return StructuredFindings(
        observables=tuple(c.observables.values()),
        actors=tuple(c.actors.values()),
        alias_statements=tuple(statements),
        techniques=tuple(c.techniques.values()),
        targets=tuple(c.targets.values()),
        attributions=tuple(c.attributions.values()),
        malware=tuple(c.malware.values()),
        events=tuple(c.events.values()),
        summary=summary,
    )


#: Reason given to a hash that an external reference gives for the document it cites.
CITED_HASH = "hash of a cited document (external reference)"


def _cited_hashes(objects: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for obj in objects:
        refs = obj.get("external_references") if isinstance(obj, Mapping) else None
        for ref in refs if isinstance(refs, list) else ():
            hashes = ref.get("hashes") if isinstance(ref, Mapping) else None
            if isinstance(hashes, Mapping):
                out.update(str(v).strip().lower() for v in hashes.values() if isinstance(v, str))
    return out


def without_rendering_artefacts(
    document: Document, found: StructuredFindings, observables: Sequence[Observable],
    techniques: Sequence[TechniqueMention],
) -> tuple[list[Observable], list[TechniqueMention]]:
    """The text extractors' observables and techniques for a structured ``document``,
    without what they read into the reader's rendering of its objects (see the module
    docstring). A technique found by its name, that no object gives, stays only when its
    name is still found in its evidence once the qualified names of the sub-techniques
    the objects give ("Parent: Sub") and the reports' titles (a title names no technique,
    as a report's heading does not) are taken out; a cited document's hash is a
    reference."""
    from dataclasses import replace

    from unmask.extract.techniques import name_hits
    from unmask.reference.attack import attack_data

    cited = _cited_hashes(document.objects) if document.format != "misp" else set()
    kept_observables = [
        replace(o, role="reference", reasons=(*o.reasons, CITED_HASH), benign_reasons=())
        if o.role == "indicator" and o.value.lower() in cited else o
        for o in observables
    ]
    data = attack_data()
    wording: set[str] = set()
    for mention in found.techniques:
        sub = data.get(mention.technique_id)
        parent = data.get(sub.parent) if sub is not None and sub.parent else None
        if sub is not None and parent is not None:
            wording.add(f"{parent.name}: {sub.name}".casefold())
    if document.format != "misp":
        wording.update(str(o["name"]).casefold() for o in document.objects
                       if isinstance(o, Mapping) and o.get("type") == "report"
                       and isinstance(o.get("name"), str) and o["name"].strip())
    given = {m.technique_id for m in found.techniques}
    kept_techniques = []
    for mention in techniques:
        if mention.method == "name" and mention.technique_id not in given and wording:
            quoted = document.text[mention.span.start:mention.span.end].casefold()
            for words in sorted(wording, key=len, reverse=True):
                quoted = quoted.replace(words, " ")
            if mention.technique_id not in name_hits(quoted):
                continue  # named only in the reader's wording of the objects
        kept_techniques.append(mention)
    return kept_observables, kept_techniques
