"""STIX 2.0 / 2.1 bundles (and single STIX objects) as text plus the original objects.

Every object that carries words becomes a paragraph of the text, reports first:
``"<Type>: <name>"``, its aliases, description, indicator pattern, observable
values and external references (``mitre-attack T1566.001``), then the
relationships between named objects as sentences (``APT1 uses Poison Ivy.``). A copy
of an ATT&CK entry that a vendor put in its bundle (one of ATT&CK's object types, naming
MITRE's identity as creator, with an ATT&CK id) gives only its name, aliases, ATT&CK id
and citation addresses: ATT&CK's generic description and citation titles are not the
report's words.
Marking definitions and language content carry no report text and are skipped. A
course of action's paragraph is given to the document structure as advice (a defender's
guidance: no technique, malware or victim is read from it).

``Document.objects`` keeps every STIX object of the bundle, as parsed from JSON and
unchanged, for a later import. ``Metadata``: title, author (the report's
``created_by_ref`` identity) from the first report object, ``published`` from the newest
report's (a bundle of several reports is as of its latest);
``extra`` holds ``spec_version``, ``bundle_id`` and ``object_count``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from unmask.documents.text import clean_text
from unmask.errors import NoTextError, UnmaskError
from unmask.model import Document, Metadata

__all__ = ["is_stix2", "parse_stix2", "stix_sightings"]

_STIX_ID = re.compile(r"^[a-z][a-z0-9-]*--[0-9a-fA-F-]{36}$")

# Order of object types in the text: what a reader would want first.
_ORDER = (
    "report", "grouping", "intrusion-set", "threat-actor", "campaign", "malware", "tool",
    "attack-pattern", "vulnerability", "infrastructure", "identity", "location",
    "malware-analysis", "indicator", "observed-data", "course-of-action", "note", "opinion",
    "incident",
)
_SKIP = frozenset({"marking-definition", "language-content", "bundle", "extension-definition"})
#: Object types whose text is a defender's guidance (passed to the structure as advice).
#: A note or an opinion is an analyst's comment on other objects, often about what the
#: adversary did, so its words stay evidence.
_ADVICE_TYPES = frozenset({"course-of-action"})
_NAMED_FOR_RELATIONS = frozenset({
    "intrusion-set", "threat-actor", "campaign", "malware", "tool", "attack-pattern",
    "identity", "location", "vulnerability", "infrastructure",
})
# Fields whose values say who is targeted or what drives an actor.
_LIST_FIELDS = ("goals", "sectors", "roles", "primary_motivation", "secondary_motivations",
                "resource_level", "country", "region", "administrative_area", "city")
_SCO_VALUE_KEYS = ("value", "name", "path", "key", "display_name", "user_id", "account_login",
                   "subject", "body", "command_line", "cwd", "number", "protocols")


def is_stix2(value: object) -> bool:
    """True for a STIX 2 bundle, one STIX 2 object or a list of them."""
    if isinstance(value, Mapping):
        if value.get("type") == "bundle" and isinstance(value.get("objects", []), list):
            return True
        return isinstance(value.get("type"), str) and _is_stix_id(value.get("id"))
    if isinstance(value, list) and value:
        return all(isinstance(v, Mapping) and _is_stix_id(v.get("id")) for v in value[:50])
    return False


def _is_stix_id(value: object) -> bool:
    return isinstance(value, str) and _STIX_ID.match(value) is not None


def _objects(value: object) -> tuple[list[Mapping[str, Any]], str | None, str | None]:
    """(objects, bundle id, bundle spec_version)."""
    if isinstance(value, Mapping) and value.get("type") == "bundle":
        raw = value.get("objects") or []
        bundle_id = value.get("id") if isinstance(value.get("id"), str) else None
        spec = value.get("spec_version") if isinstance(value.get("spec_version"), str) else None
        objs = [o for o in raw if isinstance(o, Mapping)] if isinstance(raw, list) else []
        return objs, bundle_id, spec
    if isinstance(value, Mapping):
        return [value], None, None
    if isinstance(value, list):
        return [o for o in value if isinstance(o, Mapping)], None, None
    return [], None, None


def _spec_version(objects: list[Mapping[str, Any]], bundle_spec: str | None) -> str:
    for obj in objects:
        spec = obj.get("spec_version")
        if isinstance(spec, str):
            return spec
    return bundle_spec or "2.0"


def _s(value: object) -> str | None:
    if isinstance(value, str):
        text = clean_text(value).strip()
        return text or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [s for s in (_s(v) for v in value) if s]
    single = _s(value)
    return [single] if single else []


def _label(type_name: str) -> str:
    return type_name.replace("-", " ").capitalize()


def _sco_lines(sco: Mapping[str, Any]) -> list[str]:
    type_name = _s(sco.get("type")) or "object"
    lines: list[str] = []
    for key in _SCO_VALUE_KEYS:
        for value in _strings(sco.get(key)):
            lines.append(f"{type_name} {key.replace('_', ' ')}: {value}")
    hashes = sco.get("hashes")
    if isinstance(hashes, Mapping):
        for algo, digest in hashes.items():
            digest_text = _s(digest)
            if digest_text:
                lines.append(f"{type_name} {algo}: {digest_text}")
    return lines


def _references(obj: Mapping[str, Any]) -> list[str]:
    refs = obj.get("external_references")
    out: list[str] = []
    if not isinstance(refs, list):
        return out
    for ref in refs:
        if not isinstance(ref, Mapping):
            continue
        parts = [p for p in (_s(ref.get("source_name")), _s(ref.get("external_id"))) if p]
        url = _s(ref.get("url"))
        if url:
            parts.append(url)
        description = _s(ref.get("description"))
        if description:
            parts.append(f"({description})")
        if parts:
            out.append(" ".join(parts))
    return out


#: The identity MITRE signs ATT&CK's objects with.
ATTACK_IDENTITY = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"
_ATTACK_SOURCES = frozenset({"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"})


#: The object types ATT&CK publishes (its techniques, mitigations, groups, software,
#: campaigns): only these are read as copies of its entries.
_ATTACK_TYPES = frozenset({"attack-pattern", "course-of-action", "intrusion-set", "malware", "tool", "campaign"})


def _is_attack_copy(obj: Mapping[str, Any], type_name: str) -> bool:
    """Whether ``obj`` is a copy of an ATT&CK entry: one of ATT&CK's object types, naming
    MITRE's identity as its creator, with an ATT&CK id. (``created_by_ref`` is a claim
    nobody checks: a note, an indicator or a report that names MITRE keeps its words.)"""
    if type_name not in _ATTACK_TYPES or obj.get("created_by_ref") != ATTACK_IDENTITY:
        return False
    refs = obj.get("external_references")
    return isinstance(refs, list) and any(
        isinstance(ref, Mapping) and ref.get("source_name") in _ATTACK_SOURCES and _s(ref.get("external_id"))
        for ref in refs)


def _attack_copy_paragraph(obj: Mapping[str, Any], type_name: str, name: str | None) -> str:
    """A copy of an ATT&CK entry (:func:`_is_attack_copy`) inside a vendor's bundle: its name,
    aliases and ATT&CK id, and its citations' addresses. ATT&CK's own description
    (generic, about every group that ever used the technique), its mitigation advice and
    its citation titles ("... WannaCry 2017") are reference data, not what this report
    says: read as the report's text they named other families, parties and techniques."""
    lines = [f"{_label(type_name)}: {name}"] if name else []
    aliases = [a for a in dict.fromkeys(_strings(obj.get("aliases")) + _strings(obj.get("x_mitre_aliases")))
               if a != name]
    if aliases:
        lines.append("Aliases: " + ", ".join(aliases))
    refs = obj.get("external_references")
    cited: list[str] = []
    for ref in refs if isinstance(refs, list) else ():
        if not isinstance(ref, Mapping):
            continue
        source, url = _s(ref.get("source_name")), _s(ref.get("url"))
        if source in _ATTACK_SOURCES:
            parts = [p for p in (source, _s(ref.get("external_id")), url) if p]
            lines.append("Reference: " + " ".join(parts))
        elif url:
            cited.append(url)
    # the pages its description links to ("[Mimikatz](https://attack.mitre.org/...)", a
    # bare address) are still cited, as addresses only
    for text in _strings(obj.get("description")):
        cited.extend(_LINK_TARGET.findall(text))
    lines.extend(f"Reference: {url}" for url in dict.fromkeys(cited))
    return "\n".join(lines)


#: An address in ATT&CK's descriptions (a Markdown link's target or bare).
_LINK_TARGET = re.compile(r"https?://[^\s()<>\[\]\"']{1,2000}")


def _paragraph(obj: Mapping[str, Any]) -> str:
    type_name = _s(obj.get("type")) or "object"
    lines: list[str] = []
    name = _s(obj.get("name"))
    if _is_attack_copy(obj, type_name):
        return _attack_copy_paragraph(obj, type_name, name)
    if name:
        lines.append(f"{_label(type_name)}: {name}")
    aliases = _strings(obj.get("aliases")) + _strings(obj.get("x_mitre_aliases"))
    aliases = [a for a in dict.fromkeys(aliases) if a != name]
    if aliases:
        lines.append("Aliases: " + ", ".join(aliases))
    for key in ("description", "abstract", "content", "explanation", "result", "objective"):
        lines.extend(_strings(obj.get(key)))
    for key in _LIST_FIELDS:
        values = _strings(obj.get(key))
        if values:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {', '.join(values)}")
    for key in ("first_seen", "last_seen", "published"):
        value = _s(obj.get(key))
        if value:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
    pattern = _s(obj.get("pattern"))
    if pattern:
        lines.append(f"Pattern: {pattern}")
    if type_name == "observed-data":
        observed = obj.get("objects")
        if isinstance(observed, Mapping):
            for sco in observed.values():
                if isinstance(sco, Mapping):
                    lines.extend(_sco_lines(sco))
    elif not name and not lines:
        lines.extend(_sco_lines(obj))
    lines.extend(f"Reference: {ref}" for ref in _references(obj))
    return "\n".join(lines)


def _relations(objects: Iterable[Mapping[str, Any]], names: Mapping[str, str],
               types: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for obj in objects:
        if obj.get("type") != "relationship":
            continue
        src, tgt = obj.get("source_ref"), obj.get("target_ref")
        rel = _s(obj.get("relationship_type"))
        if not (isinstance(src, str) and isinstance(tgt, str) and rel):
            continue
        if types.get(src) not in _NAMED_FOR_RELATIONS or types.get(tgt) not in _NAMED_FOR_RELATIONS:
            continue
        if src not in names or tgt not in names:
            continue
        sentence = f"{names[src]} {rel.replace('-', ' ')} {names[tgt]}."
        description = _s(obj.get("description"))
        out.append(f"{sentence} {description}" if description else sentence)
    return out


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_stix2(value: object, *, data: bytes, source: str, sha256: str) -> Document:
    """A Document from a parsed STIX 2 bundle / object / list of objects."""
    objects, bundle_id, bundle_spec = _objects(value)
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    for obj in objects:
        oid, otype = obj.get("id"), obj.get("type")
        if isinstance(oid, str) and isinstance(otype, str):
            types[oid] = otype
            name = _s(obj.get("name"))
            if name:
                names[oid] = name

    rank = {t: i for i, t in enumerate(_ORDER)}
    ordered = sorted(
        (o for o in objects if o.get("type") not in _SKIP and o.get("type") != "relationship"),
        key=lambda o: rank.get(str(o.get("type")), len(rank)),
    )
    typed = [(str(o.get("type")), p) for o in ordered if (p := _paragraph(o))]
    relations = _relations(objects, names, types)
    if relations:
        typed.append(("relationship", "\n".join(relations)))
    text = "\n\n".join(p for _t, p in typed)
    if not text.strip():
        raise NoTextError(source, f"STIX content ({len(objects)} objects) holds no text")
    # A course of action's words are the defender's guidance, never the adversary's deed:
    # the document structure reads them as advice (as the HTML reader passes <pre> code).
    advice: list[tuple[int, int]] = []
    offset = 0
    for type_name, paragraph in typed:
        if type_name in _ADVICE_TYPES:
            advice.append((offset, offset + len(paragraph)))
        offset += len(paragraph) + 2

    report = next((o for o in objects if o.get("type") == "report"), None)
    title = authors = published = modified = None
    if report is not None:
        title = _s(report.get("name"))
        creator = report.get("created_by_ref")
        if isinstance(creator, str) and creator in names:
            authors = (names[creator],)
        # A bundle of several reports is published as of its newest one (a later report's
        # dated events are not "in the future" of the first).
        dates = [d for d in (_date(o.get("published")) for o in objects if o.get("type") == "report") if d]
        published = max(dates) if dates else None
        modified = _date(report.get("modified"))
    extra = {"spec_version": _spec_version(objects, bundle_spec), "object_count": str(len(objects))}
    if bundle_id:
        extra["bundle_id"] = bundle_id
    metadata = Metadata(title=title, authors=authors or (), published=published,
                        modified=modified, extra=extra, published_source="record")
    # Sightings the knowledge base cannot record are said, not dropped.
    _claims, unused = stix_sightings(objects, source=source)
    from unmask.documents.structure import parse_structure

    structure = parse_structure(text, format="stix2", advice=advice) if advice else None
    return Document(text=text, source=source, format="stix2", sha256=sha256, size=len(data),
                    metadata=metadata, objects=tuple(objects),
                    warnings=tuple(f"sighting not recorded: {reason}" for reason in unused),
                    structure=structure)


# -- sightings --------------------------------------------------------------------------

_PATTERN_COMPARISON = re.compile(
    r"([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'((?:\\.|[^'\\])*)'"
)
_SCO_TYPES = {"domain-name": "domain", "url": "url", "email-addr": "email", "ipv4-addr": "ipv4",
              "ipv6-addr": "ipv6", "mac-addr": "mac"}
_HASH_TYPES = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha512": "sha512"}


def _typed(sco_type: str, value: str) -> tuple[str, str] | None:
    kind = _SCO_TYPES.get(sco_type)
    if kind is None:
        return None
    if kind == "ipv4" and "/" in value:
        address, _, bits = value.partition("/")
        return ("ipv4", address) if bits == "32" else ("ipv4_cidr", value)
    if kind == "ipv6" and "/" in value:
        address, _, bits = value.partition("/")
        return ("ipv6", address) if bits == "128" else None
    return kind, value


def _pattern_indicators(pattern: str) -> list[tuple[str, str]]:
    """(type, value) of each ``=`` comparison of a STIX pattern on a value or a hash."""
    found: list[tuple[str, str]] = []
    for sco_type, path, literal in _PATTERN_COMPARISON.findall(pattern):
        value = literal.replace("\\'", "'").replace("\\\\", "\\")
        prop = path.replace("'", "")
        if prop == "value":
            typed = _typed(sco_type, value)
            if typed:
                found.append(typed)
        elif sco_type == "file" and prop.startswith("hashes."):
            algo = _HASH_TYPES.get(prop.split(".", 1)[1].lower().replace("-", ""))
            if algo:
                found.append((algo, value))
        elif sco_type == "file" and prop == "name":
            found.append(("file_name", value))
    return found


def _sco_indicators(sco: Mapping[str, Any]) -> list[tuple[str, str]]:
    sco_type = str(sco.get("type") or "")
    value = sco.get("value")
    if isinstance(value, str) and value:
        typed = _typed(sco_type, value)
        return [typed] if typed else []
    hashes = sco.get("hashes")
    if sco_type == "file" and isinstance(hashes, Mapping):
        out = []
        for algo, digest in hashes.items():
            kind = _HASH_TYPES.get(str(algo).lower().replace("-", ""))
            if kind and isinstance(digest, str):
                out.append((kind, digest))
        return out
    return []


def _sighted_values(sighting: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    target = by_id.get(str(sighting.get("sighting_of_ref")))
    found: list[tuple[str, str]] = []
    if target is not None:
        if target.get("type") == "indicator" and isinstance(target.get("pattern"), str):
            found.extend(_pattern_indicators(target["pattern"]))
        else:
            found.extend(_sco_indicators(target))
    refs = sighting.get("observed_data_refs")
    for ref in refs if isinstance(refs, list) else ():
        observed = by_id.get(str(ref))
        if observed is None:
            continue
        inner = observed.get("objects")
        if isinstance(inner, Mapping):  # STIX 2.0 style: the SCOs inside
            for sco in inner.values():
                if isinstance(sco, Mapping):
                    found.extend(_sco_indicators(sco))
        object_refs = observed.get("object_refs")
        for sco_ref in object_refs if isinstance(object_refs, list) else ():
            sco = by_id.get(str(sco_ref))
            if sco is not None:
                found.extend(_sco_indicators(sco))
    return list(dict.fromkeys(found))


def stix_sightings(objects: Iterable[Mapping[str, Any]], *, source: str) -> tuple[list[Any], list[str]]:
    """The :class:`~unmask.documents.sightings.Sighting` claims of a bundle's ``sighting``
    objects, and the sightings left out with why.

    A sighting counts for every value of the indicator it is of (``sighting_of_ref``:
    the ``=`` comparisons of its pattern) and of the observed data it refers to. Its
    kind is ``false-positive`` when OpenCTI marks it negative (``x_opencti_negative``),
    else ``seen``; who is the names of its ``where_sighted_refs``, why its description.
    The STIX sighting id is the claim's ``ref``: the same bundle stored twice counts once.
    """
    from unmask.documents.sightings import Sighting, normalise_value, parse_time

    items = [o for o in objects if isinstance(o, Mapping)]
    by_id = {str(o.get("id")): o for o in items if isinstance(o.get("id"), str)}
    out: list[Any] = []
    skipped: list[str] = []
    for obj in items:
        if obj.get("type") != "sighting":
            continue
        sid = str(obj.get("id") or "sighting")
        count = obj.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            skipped.append(f"{sid}: count {count!r} is not a whole number")
            continue
        if count == 0:
            skipped.append(f"{sid}: count 0 (sighted no time)")
            continue
        values = _sighted_values(obj, by_id)
        if not values:
            skipped.append(f"{sid}: sighting_of_ref {obj.get('sighting_of_ref')!r} names no "
                           "indicator value unmask can record")
            continue
        first = parse_time(obj.get("first_seen"))
        last = parse_time(obj.get("last_seen"))
        when = last or first or parse_time(obj.get("modified")) or parse_time(obj.get("created"))
        if when is None:
            skipped.append(f"{sid}: no first_seen, last_seen, modified or created time")
            continue
        first = min(first or when, when)
        where = obj.get("where_sighted_refs")
        names = [n for n in (_s(by_id.get(str(r), {}).get("name"))
                             for r in (where if isinstance(where, list) else ())) if n]
        kind = "false-positive" if obj.get("x_opencti_negative") is True else "seen"
        for type_, value in values:
            try:
                out.append(Sighting(type_, normalise_value(type_, value), kind, f"stix:{source}", first, when,
                                    count=min(count, 999_999_999), ref=sid, who=", ".join(names) or None,
                                    why=_s(obj.get("description"))))
            except UnmaskError as exc:
                skipped.append(f"{sid}: {exc}")
    return out, skipped
