"""Logs, streamed: decoded text blocks of a file or standard input, in bounded memory.

Logs are not documents: they can be far larger than any report and are swept line
by line (:mod:`unmask.defend.sweep`), so they are never read whole. gzip is detected
by its magic bytes, not the file name; invalid UTF-8 becomes U+FFFD (one character
per bad byte, so columns stay countable).
"""

from __future__ import annotations

import codecs
import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from unmask.errors import DocumentError

__all__ = ["BLOCK", "open_log", "read_log"]

#: Bytes read (and decoded) at a time.
BLOCK = 1 << 20


def read_log(stream: IO[bytes], *, source: str, block: int = BLOCK) -> Iterator[str]:
    """Decoded text blocks of a log stream (gzip is detected by its magic bytes).

    A truncated or corrupt gzip raises :class:`~unmask.errors.DocumentError` after the
    blocks read so far.
    """
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    read = buffered.read
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        # read1: what was decompressed is returned before a truncated end raises.
        read = gzip.GzipFile(fileobj=buffered, mode="rb").read1
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    try:
        while True:
            data = read(block)
            if not data:
                break
            yield decoder.decode(data)
        yield decoder.decode(b"", final=True)
    except (OSError, EOFError, zlib.error) as exc:
        raise DocumentError(source, f"log could not be read to the end: {exc}") from exc


def open_log(path: str | Path, *, source: str | None = None, block: int = BLOCK) -> Iterator[str]:
    """:func:`read_log` of a file (``-`` is standard input), closed when done."""
    name = source or str(path)
    if str(path) == "-":
        yield from read_log(sys.stdin.buffer, source=name, block=block)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator
    except OSError as exc:
        raise DocumentError(name, f"cannot open log: {exc.strerror or exc}") from exc
    with handle:
        yield from read_log(handle, source=name, block=block)
