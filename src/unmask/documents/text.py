"""Plain text and Markdown: decode with charset detection; never crash on bad bytes."""

from __future__ import annotations

from unmask.model import Document

__all__ = ["decode_text", "read_text_bytes"]


def decode_text(data: bytes) -> str:
    """Decode bytes to text: BOMs and UTF-8 first, then charset-normalizer's best guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", "replace")


def read_text_bytes(data: bytes, *, source: str, sha256: str) -> Document:
    text = decode_text(data).replace("\x00", "")
    fmt = "markdown" if source.lower().endswith((".md", ".markdown")) else "text"
    return Document(text=text, source=source, format=fmt, sha256=sha256, size=len(data))
