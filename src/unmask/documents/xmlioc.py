"""STIX 1.x XML and OpenIOC, read with lxml in recovery mode; other XML as its text.

lxml's recovering parser reads files that strict parsers reject (Citizen Lab's
STIX 1 exports declare an empty namespace prefix, ``xmlns:="…"``). Entities are
not resolved and nothing is fetched from the network.

- **STIX 1.x** (``format="stix1"``): every element's own text becomes a line
  ``"<Element>: <text>"`` in document order, each distinct line once (boilerplate
  repeated per indicator is kept only the first time). The title is the first
  ``STIX_Header/Title`` that is not a generic "Export from …" line.
  ``Document.objects`` is empty: STIX 1 is read as text only.
- **OpenIOC 1.0/1.1** (``format="openioc"``): description, author, date, then one
  line per ``IndicatorItem`` (``Network/DNS is example.com``); ``Document.objects``
  holds one dict per IndicatorItem (id, condition, document, search, content_type,
  content).
- **Other XML** (``format="text"``): the text of every element, with a warning.

A document lxml cannot recover anything from raises
:class:`~unmask.errors.DocumentError`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from unmask.documents.text import clean_text, parse_text
from unmask.errors import DocumentError, NoTextError
from unmask.model import Document, Metadata

__all__ = ["parse_xml"]

_STIX1_NS = re.compile(rb"https?://stix\.mitre\.org/stix-1|<(?:\w+:)?STIX_Package[\s>]")
_OPENIOC = re.compile(rb"schemas\.mandiant\.com/2010/ioc|openioc\.org/schemas|<(?:\w+:)?(?:ioc|OpenIOC)[\s>]")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_WS = re.compile(r"\s+")
_GENERIC_TITLE = re.compile(r"^export from\b", re.IGNORECASE)


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def _text(value: str | None) -> str | None:
    if not value:
        return None
    text = _WS.sub(" ", clean_text(value)).strip()
    return text or None


def _root(data: bytes, source: str, what: str) -> Any:
    from lxml import etree

    try:
        root = etree.fromstring(data, _parser())
    except (etree.LxmlError, ValueError) as exc:
        raise DocumentError(source, f"{what} could not be parsed even with recovery ({exc})") from exc
    if root is None:
        raise DocumentError(source, f"{what} could not be parsed even with recovery",
                            hint="the XML is damaged beyond repair")
    return root


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _elements(root: Any) -> Any:
    """Elements only: no comments, processing instructions or unresolved entities."""
    from lxml import etree

    return root.iter(etree.Element)


def _element_lines(root: Any) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for element in _elements(root):
        text = _text(element.text)
        if text is None:
            continue
        line = f"{_local(element.tag).replace('_', ' ')}: {text}"
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return lines


def _parse_stix1(data: bytes, source: str, sha256: str) -> Document:
    root = _root(data, source, "STIX 1.x XML")
    lines = _element_lines(root)
    if not lines:
        raise NoTextError(source, "STIX 1.x package holds no text")
    titles: list[str] = []
    for element in _elements(root):
        parent = element.getparent()
        if _local(element.tag) == "Title" and parent is not None and _local(parent.tag) == "STIX_Header":
            title_text = _text(element.text)
            if title_text:
                titles.append(title_text)
    title = next((t for t in titles if not _GENERIC_TITLE.match(t)), titles[0] if titles else None)
    produced = next((_text(e.text) for e in _elements(root) if _local(e.tag) == "Produced_Time"), None)
    extra = {"stix_version": str(root.get("version") or "1.x")}
    return Document(
        text="\n".join(lines), source=source, format="stix1", sha256=sha256, size=len(data),
        metadata=Metadata(title=title, published=_date(produced), extra=extra, published_source="record"),
    )


def _first(root: Any, name: str) -> str | None:
    for element in _elements(root):
        if _local(element.tag) == name:
            return _text(element.text)
    return None


def _parse_openioc(data: bytes, source: str, sha256: str) -> Document:
    root = _root(data, source, "OpenIOC XML")
    short = _first(root, "short_description")
    description = _first(root, "description")
    author = _first(root, "authored_by")
    authored = _first(root, "authored_date")
    lines = [t for t in (short, description) if t]
    if author:
        lines.append(f"Authored by: {author}")
    if authored:
        lines.append(f"Authored date: {authored}")
    items: list[dict[str, str]] = []
    item_lines: list[str] = []
    for element in _elements(root):
        if _local(element.tag) != "IndicatorItem":
            continue
        item: dict[str, str] = {"id": str(element.get("id") or ""),
                                "condition": str(element.get("condition") or "")}
        for child in element:
            if _local(child.tag) == "Context":
                item["document"] = str(child.get("document") or "")
                item["search"] = str(child.get("search") or "")
            elif _local(child.tag) == "Content":
                item["content_type"] = str(child.get("type") or "")
                item["content"] = _text(child.text) or ""
        if not item.get("content") and item["id"] and not _GUID.match(item["id"]):
            # Some exporters (Citizen Lab's MISP export) put the value in the id.
            item["content"] = item["id"]
        items.append(item)
        if item.get("content"):
            negate = "not " if str(element.get("negate", "")).lower() == "true" else ""
            item_lines.append(f"{item.get('search') or 'Indicator'} {negate}"
                              f"{item['condition'] or 'is'} {item['content']}")
    text = "\n".join(lines)
    if item_lines:
        text = (text + "\n\nIndicators:\n" + "\n".join(item_lines)).strip()
    if not text:
        raise NoTextError(source, "OpenIOC document holds no description and no indicators")
    title = short if short and not re.fullmatch(r"(?i)event #?\d+", short) else description or short
    metadata = Metadata(title=title, authors=(author,) if author else (),
                        published=_date(authored), extra={"indicator_items": str(len(items))},
                        published_source="record")
    return Document(text=text, source=source, format="openioc", sha256=sha256, size=len(data),
                    metadata=metadata, objects=tuple(items))


def _parse_generic(data: bytes, source: str, sha256: str) -> Document:
    try:
        root = _root(data, source, "XML")
    except DocumentError:
        return parse_text(data, source=source, sha256=sha256)
    text = "\n".join(t for t in (_text(e.text) for e in _elements(root)) if t)
    if not text:
        return parse_text(data, source=source, sha256=sha256)
    return Document(text=text, source=source, format="text", sha256=sha256, size=len(data),
                    warnings=(f"XML vocabulary <{_local(root.tag)}> is not one unmask knows; "
                              "element text kept",))


def parse_xml(data: bytes, *, source: str, sha256: str) -> Document:
    """Read STIX 1.x, OpenIOC or other XML into a Document."""
    head = data[:16384]
    if _STIX1_NS.search(head):
        return _parse_stix1(data, source, sha256)
    if _OPENIOC.search(head):
        return _parse_openioc(data, source, sha256)
    return _parse_generic(data, source, sha256)
