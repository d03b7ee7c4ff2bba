"""JSON input: STIX 2 bundles and MISP events get their readers; other JSON is text."""

from __future__ import annotations

from unmask.documents.misp import is_misp, parse_misp
from unmask.documents.stix import is_stix2, parse_stix2
from unmask.documents.text import decode_text, load_json, parse_text
from unmask.model import Document

__all__ = ["parse_json"]


def parse_json(data: bytes, *, source: str, sha256: str) -> Document:
    """Read JSON: STIX 2 (``format="stix2"``), MISP (``"misp"``) or plain text.

    JSON that does not parse, or is neither STIX 2 nor MISP, is read as text so that
    nothing in it is lost.
    """
    try:
        value = load_json(decode_text(data))
    except (ValueError, RecursionError):
        return parse_text(data, source=source, sha256=sha256)
    if is_stix2(value):
        return parse_stix2(value, data=data, source=source, sha256=sha256)
    if is_misp(value):
        return parse_misp(value, data=data, source=source, sha256=sha256)
    return parse_text(data, source=source, sha256=sha256)
