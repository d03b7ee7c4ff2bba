"""Readers: turn a source (text, Markdown, HTML, PDF, e-mail, RSS/Atom/JSON feed, STIX,
MISP, OpenIOC; a file, standard input or an http(s) URL) into
:class:`~unmask.model.Document` objects — one per source, one per entry for a feed."""

from __future__ import annotations

from unmask.documents.read import (
    DEFAULT_MAX_BYTES,
    MultipleDocumentsError,
    is_url,
    parse_all,
    parse_bytes,
    read,
    read_all,
    read_bytes,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MultipleDocumentsError",
    "is_url",
    "parse_all",
    "parse_bytes",
    "read",
    "read_all",
    "read_bytes",
]
