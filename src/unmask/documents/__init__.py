"""Readers: turn a source (text, Markdown, HTML, PDF, e-mail, STIX, MISP, OpenIOC)
into a :class:`~unmask.model.Document`."""

from __future__ import annotations

from unmask.documents.read import DEFAULT_MAX_BYTES, parse_bytes, read, read_bytes

__all__ = ["DEFAULT_MAX_BYTES", "parse_bytes", "read", "read_bytes"]
