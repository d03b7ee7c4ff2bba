"""STIX 2.0 / 2.1 bundles (and single STIX objects) as text plus the original objects.

Every object that carries words becomes a paragraph of the text, reports first:
``"<Type>: <name>"``, its aliases, description, indicator pattern, observable
values and external references (``mitre-attack T1566.001``), then the
relationships between named objects as sentences (``APT1 uses Poison Ivy.``).
Marking definitions and language content carry no report text and are skipped.

``Document.objects`` keeps every STIX object of the bundle, as parsed from JSON and
unchanged, for a later import. ``Metadata``: title, author (the report's
``created_by_ref`` identity) and ``published`` from the first report object;
``extra`` holds ``spec_version``, ``bundle_id`` and ``object_count``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from unmask.documents.text import clean_text
from unmask.errors import NoTextError
from unmask.model import Document, Metadata

__all__ = ["is_stix2", "parse_stix2"]

_STIX_ID = re.compile(r"^[a-z][a-z0-9-]*--[0-9a-fA-F-]{36}$")

# Order of object types in the text: what a reader would want first.
_ORDER = (
    "report", "grouping", "intrusion-set", "threat-actor", "campaign", "malware", "tool",
    "attack-pattern", "vulnerability", "infrastructure", "identity", "location",
    "malware-analysis", "indicator", "observed-data", "course-of-action", "note", "opinion",
    "incident",
)
_SKIP = frozenset({"marking-definition", "language-content", "bundle", "extension-definition"})
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


def _paragraph(obj: Mapping[str, Any]) -> str:
    type_name = _s(obj.get("type")) or "object"
    lines: list[str] = []
    name = _s(obj.get("name"))
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
    paragraphs = [p for p in (_paragraph(o) for o in ordered) if p]
    relations = _relations(objects, names, types)
    if relations:
        paragraphs.append("\n".join(relations))
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise NoTextError(source, f"STIX content ({len(objects)} objects) holds no text")

    report = next((o for o in objects if o.get("type") == "report"), None)
    title = authors = published = modified = None
    if report is not None:
        title = _s(report.get("name"))
        creator = report.get("created_by_ref")
        if isinstance(creator, str) and creator in names:
            authors = (names[creator],)
        published = _date(report.get("published"))
        modified = _date(report.get("modified"))
    extra = {"spec_version": _spec_version(objects, bundle_spec), "object_count": str(len(objects))}
    if bundle_id:
        extra["bundle_id"] = bundle_id
    metadata = Metadata(title=title, authors=authors or (), published=published,
                        modified=modified, extra=extra)
    return Document(text=text, source=source, format="stix2", sha256=sha256, size=len(data),
                    metadata=metadata, objects=tuple(objects))
