"""MISP event JSON (``{"Event": …}``, ``{"response": [{"Event": …}]}`` or a bare event).

The text is, per event: its ``info`` line, date, tags, galaxy clusters (``Threat
actor: Turla Group``, with their synonyms), event reports, then one line per
attribute (``category / type: value (comment)``) and per MISP object.

``Document.objects`` keeps **one dict per event: the whole ``Event`` dict**
(attributes, objects, tags and galaxies inside it), unchanged, ready for
``pymisp.MISPEvent().from_dict(**obj)``. ``Metadata``: title = ``info`` of the
first event, authors = its creator organisation (``Orgc.name``), published =
``date``; ``extra`` holds ``uuid``, ``event_count``, ``attribute_count``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from unmask.documents.text import clean_text
from unmask.errors import NoTextError, UnmaskError
from unmask.model import Document, Metadata

__all__ = ["is_misp", "misp_events", "misp_sightings", "parse_misp"]


def _is_event(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("info"), str) and (
        "Attribute" in value or "Object" in value or "uuid" in value or "Orgc" in value
    )


def misp_events(value: object) -> list[Mapping[str, Any]]:
    """The MISP event dicts in a parsed JSON value (empty if it is not MISP)."""
    items: list[object]
    if isinstance(value, Mapping) and isinstance(value.get("response"), list):
        items = list(value["response"])
    elif isinstance(value, list):
        items = list(value)
    else:
        items = [value]
    events: list[Mapping[str, Any]] = []
    for item in items:
        if isinstance(item, Mapping) and _is_event(item.get("Event")):
            events.append(item["Event"])
        elif _is_event(item):
            assert isinstance(item, Mapping)
            events.append(item)
    return events


def is_misp(value: object) -> bool:
    """True for MISP event JSON."""
    return bool(misp_events(value))


def _s(value: object) -> str | None:
    if isinstance(value, str):
        text = clean_text(value).strip()
        return text or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _list(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _attribute_line(attr: Mapping[str, Any]) -> str | None:
    value = _s(attr.get("value"))
    if value is None:
        return None
    type_name = _s(attr.get("type")) or "attribute"
    if "|" in type_name:
        value = value.replace("|", " | ")
    category = _s(attr.get("category"))
    label = f"{category} / {type_name}" if category else type_name
    relation = _s(attr.get("object_relation"))
    if relation:
        label = relation
    line = f"{label}: {value}"
    comment = _s(attr.get("comment"))
    return f"{line} ({comment})" if comment else line


def _tag_names(container: Mapping[str, Any]) -> list[str]:
    return [n for n in (_s(t.get("name")) for t in _list(container.get("Tag"))) if n]


def _event_text(event: Mapping[str, Any]) -> str:
    lines: list[str] = []
    info = _s(event.get("info"))
    if info:
        lines.append(f"Event: {info}")
    date = _s(event.get("date"))
    if date:
        lines.append(f"Date: {date}")
    tags = _tag_names(event)
    if tags:
        lines.append("Tags: " + ", ".join(tags))
    paragraphs = ["\n".join(lines)] if lines else []

    galaxy_lines: list[str] = []
    for galaxy in _list(event.get("Galaxy")):
        galaxy_name = _s(galaxy.get("name")) or _s(galaxy.get("type")) or "Galaxy"
        for cluster in _list(galaxy.get("GalaxyCluster")):
            value = _s(cluster.get("value"))
            if not value:
                continue
            line = f"{galaxy_name}: {value}"
            meta = cluster.get("meta")
            synonyms = meta.get("synonyms") if isinstance(meta, Mapping) else None
            names = [s for s in (_s(v) for v in synonyms) if s] if isinstance(synonyms, list) else []
            if names:
                line += " (also known as " + ", ".join(names) + ")"
            galaxy_lines.append(line)
    if galaxy_lines:
        paragraphs.append("\n".join(galaxy_lines))

    for report in _list(event.get("EventReport")):
        body = "\n".join(p for p in (_s(report.get("name")), _s(report.get("content"))) if p)
        if body:
            paragraphs.append(body)

    attributes = [a for a in (_attribute_line(a) for a in _list(event.get("Attribute"))) if a]
    if attributes:
        paragraphs.append("\n".join(attributes))

    for obj in _list(event.get("Object")):
        head = f"Object {_s(obj.get('name')) or ''}".strip()
        comment = _s(obj.get("comment"))
        if comment:
            head += f" ({comment})"
        lines_of_object = [a for a in (_attribute_line(a) for a in _list(obj.get("Attribute"))) if a]
        if lines_of_object:
            paragraphs.append("\n".join([head + ":", *lines_of_object]))
    return "\n\n".join(paragraphs)


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_misp(value: object, *, data: bytes, source: str, sha256: str) -> Document:
    """A Document from parsed MISP event JSON."""
    events = misp_events(value)
    text = "\n\n".join(t for t in (_event_text(e) for e in events) if t)
    if not text.strip():
        raise NoTextError(source, "MISP event holds no text")
    first = events[0]
    orgc = first.get("Orgc")
    org_name = _s(orgc.get("name")) if isinstance(orgc, Mapping) else None
    attribute_count = sum(len(_list(e.get("Attribute"))) for e in events) + sum(
        len(_list(o.get("Attribute"))) for e in events for o in _list(e.get("Object")))
    extra = {"event_count": str(len(events)), "attribute_count": str(attribute_count)}
    uuid = _s(first.get("uuid"))
    if uuid:
        extra["uuid"] = uuid
    metadata = Metadata(
        title=_s(first.get("info")),
        authors=(org_name,) if org_name else (),
        published=_date(first.get("date")),
        extra=extra,
        published_source="record",
    )
    # Sightings the knowledge base cannot record are said, not dropped.
    _claims, unused = misp_sightings(events, source=source)
    return Document(text=text, source=source, format="misp", sha256=sha256, size=len(data),
                    metadata=metadata, objects=tuple(events),
                    warnings=tuple(f"sighting not recorded: {reason}" for reason in unused))


# -- sightings --------------------------------------------------------------------------

#: MISP attribute type -> unmask observable type (the part before ``|`` for pairs).
_MISP_TYPES = {
    "domain": "domain", "hostname": "domain", "url": "url", "uri": "url", "link": "url",
    "email": "email", "email-src": "email", "email-dst": "email", "md5": "md5", "sha1": "sha1",
    "sha256": "sha256", "sha512": "sha512", "filename": "file_name", "mac-address": "mac",
}
_MISP_KINDS = {"0": "seen", "1": "false-positive", "2": "expiration"}


def _indicator_of(attr: Mapping[str, Any]) -> tuple[str, str] | None:
    type_name = str(attr.get("type") or "")
    value = attr.get("value")
    if not isinstance(value, str) or not value.strip():
        return None
    head_type, _, _ = type_name.partition("|")
    head = value.split("|", 1)[0].strip() if "|" in type_name else value.strip()
    if head_type in ("ip-dst", "ip-src"):
        import ipaddress

        try:
            network = ipaddress.ip_network(head, strict=False)
        except ValueError:
            return None
        if network.num_addresses == 1:
            return ("ipv4" if network.version == 4 else "ipv6"), str(network.network_address)
        return ("ipv4_cidr", str(network)) if network.version == 4 else None
    kind = _MISP_TYPES.get(head_type)
    return (kind, head) if kind else None


def misp_sightings(events: Iterable[Mapping[str, Any]], *, source: str) -> tuple[list[Any], list[str]]:
    """The :class:`~unmask.documents.sightings.Sighting` claims of MISP events: each
    attribute's ``Sighting`` list (inside objects too) and the event's own ``Sighting``
    list (matched to attributes by ``attribute_uuid``), with the sightings left out and why.

    Type 0 is ``seen``, 1 ``false-positive``, 2 ``expiration`` (MISP's sighting types);
    ``date_sighting`` is when; who is the sighting's organisation (else its ``source``).
    The sighting's uuid is the claim's ``ref``: the same event stored twice counts once.
    """
    from unmask.documents.sightings import Sighting, normalise_value, parse_time

    out: list[Any] = []
    skipped: list[str] = []
    for event in events:
        attributes = list(_list(event.get("Attribute")))
        for obj in _list(event.get("Object")):
            attributes.extend(_list(obj.get("Attribute")))
        by_uuid = {str(a.get("uuid")): a for a in attributes if a.get("uuid")}
        pairs = [(a, s) for a in attributes for s in _list(a.get("Sighting"))]
        for s in _list(event.get("Sighting")):
            attr = by_uuid.get(str(s.get("attribute_uuid")))
            if attr is None:
                skipped.append(f"MISP sighting {s.get('uuid') or '?'}: attribute_uuid "
                               f"{s.get('attribute_uuid')!r} is not in the event")
                continue
            pairs.append((attr, s))
        seen_refs: set[str] = set()
        for attr, s in pairs:
            label = f"MISP sighting {s.get('uuid') or '?'} of {attr.get('value')!r}"
            kind = _MISP_KINDS.get(str(s.get("type", "0")))
            if kind is None:
                skipped.append(f"{label}: unknown sighting type {s.get('type')!r}")
                continue
            typed = _indicator_of(attr)
            if typed is None:
                skipped.append(f"{label}: attribute type {attr.get('type')!r} is not an indicator unmask records")
                continue
            when = parse_time(s.get("date_sighting"))
            if when is None:
                skipped.append(f"{label}: no date_sighting")
                continue
            ref = str(s.get("uuid") or f"{attr.get('uuid')}:{s.get('date_sighting')}:{s.get('type')}")
            if ref in seen_refs:
                continue  # listed under the attribute and under the event
            seen_refs.add(ref)
            org = s.get("Organisation")
            who = _s(org.get("name")) if isinstance(org, Mapping) else None
            try:
                out.append(Sighting(typed[0], normalise_value(*typed), kind,
                                    f"misp:{_s(event.get('uuid')) or source}", when, when, ref=ref,
                                    who=who or _s(s.get("source")), why=_s(s.get("source"))))
            except UnmaskError as exc:
                skipped.append(f"{label}: {exc}")
    return out, skipped
