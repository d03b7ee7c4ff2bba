"""Read a source (path, bytes or ``-`` for stdin) into a :class:`Document`.

The reader is chosen by content — magic bytes and markup sniffing
(:mod:`unmask.documents.sniff`) — with the file name only as a tie-breaker. This is
the module of the package that reads whole sources from the file system or standard
input; :mod:`unmask.documents.logs` streams logs, which are read line by line.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from unmask.documents.sniff import sniff_format
from unmask.errors import ConfigError, DocumentError, EmptyDocumentError, TooLargeError
from unmask.model import Document

__all__ = ["DEFAULT_MAX_BYTES", "parse_bytes", "read", "read_bytes"]

#: Default size limit for one input (100 MB); ``UNMASK_MAX_BYTES`` overrides.
DEFAULT_MAX_BYTES = 100 * 1024 * 1024

#: How deep attachments inside attachments are read as child documents.
MAX_NESTING = 3

Reader = Callable[..., Document]

#: Format -> (module, function) of its reader. A reader is imported when its format
#: is first met: reading a text file never loads the e-mail, PDF or XML stacks.
_READERS: dict[str, tuple[str, str]] = {
    "text": ("unmask.documents.text", "parse_text"),
    "html": ("unmask.documents.html", "parse_html"),
    "pdf": ("unmask.documents.pdf", "parse_pdf"),
    "email": ("unmask.documents.mail", "parse_email"),
    "json": ("unmask.documents.structured", "parse_json"),
    "xml": ("unmask.documents.xmlioc", "parse_xml"),
}


def _reader(fmt: str) -> Reader:
    module, function = _READERS[fmt]
    reader: Reader = getattr(importlib.import_module(module), function)
    return reader


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    env = os.environ.get("UNMASK_MAX_BYTES")
    if env:
        try:
            return int(env)
        except ValueError:
            raise ConfigError(f"UNMASK_MAX_BYTES={env!r} is not a whole number of bytes") from None
    return DEFAULT_MAX_BYTES


def read(
    source: str | os.PathLike[str] | bytes,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
) -> Document:
    """Read ``source`` — a path, raw bytes, or ``"-"`` for standard input.

    Raises a :class:`~unmask.errors.DocumentError` subclass naming the source and the
    reason when it cannot be read (empty, too large, encrypted, no text, not a report).
    """
    limit = _max_bytes(max_bytes)
    label, data = read_bytes(source, max_bytes=limit, name=name)
    return parse_bytes(data, source=label, max_bytes=limit)


def read_bytes(
    source: str | os.PathLike[str] | bytes,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
) -> tuple[str, bytes]:
    """The label and raw bytes of ``source`` (a path, bytes or ``"-"``), unparsed.

    For callers that read a format of their own (an IOC list, a raw e-mail for
    triage). Over ``max_bytes`` (default ``UNMASK_MAX_BYTES`` or 100 MB) is a
    :class:`~unmask.errors.TooLargeError`; an unreadable path a
    :class:`~unmask.errors.DocumentError`.
    """
    limit = _max_bytes(max_bytes)
    if isinstance(source, bytes):
        label = name or "<bytes>"
        data = source
    elif str(source) == "-":
        label = name or "<stdin>"
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(source)
        label = name or str(path)
        try:
            if path.is_dir():
                raise DocumentError(label, "is a directory", hint="pass the files in it")
            size = path.stat().st_size
            if size > limit:
                raise TooLargeError(label, f"{size:,} bytes is over the {limit:,}-byte limit",
                                    hint="raise it with UNMASK_MAX_BYTES")
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise DocumentError(label, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise TooLargeError(label, f"more than {limit:,} bytes", hint="raise the limit with UNMASK_MAX_BYTES")
    return label, data


def parse_bytes(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Turn raw bytes into a Document, choosing the reader by content.

    Raises only :class:`~unmask.errors.DocumentError` subclasses, whatever the bytes.
    """
    return _parse(data, source, max_bytes, depth=0)


def _parse(data: bytes, source: str, max_bytes: int, depth: int) -> Document:
    if len(data) > max_bytes:
        raise TooLargeError(source, f"more than {max_bytes:,} bytes",
                            hint="raise the limit with UNMASK_MAX_BYTES")
    if not data.strip():
        raise EmptyDocumentError(source, "is empty")
    sha256 = hashlib.sha256(data).hexdigest()
    fmt = sniff_format(data, name=source)
    reader = _reader(fmt)
    if fmt == "email":
        child: Callable[[bytes, str], Document] | None = None
        if depth < MAX_NESTING:
            child = partial(_parse_child, max_bytes=max_bytes, depth=depth + 1)
        reader = partial(reader, parse_child=child)
    try:
        return reader(data, source=source, sha256=sha256)
    except RecursionError as exc:
        raise DocumentError(source, f"{fmt} input is nested too deeply to read") from exc


def _parse_child(data: bytes, source: str, *, max_bytes: int, depth: int) -> Document:
    return _parse(data, source, max_bytes, depth)
