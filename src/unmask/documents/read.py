"""Read a source (path, URL, bytes or ``-`` for stdin) into Documents.

The reader is chosen by content — magic bytes and markup sniffing
(:mod:`unmask.documents.sniff`) — with the file name (or a URL's path and content
type) only as a tie-breaker. This is the module of the package that reads whole
sources from the file system, standard input or, for an ``http(s)://`` URL the user
passed, the network (:mod:`unmask.documents.fetch`); :mod:`unmask.documents.logs`
streams logs, which are read line by line.

Most sources hold one document; a feed (RSS, Atom, JSON Feed) holds one per entry.

- :func:`read_all` yields every document of a source — one for a file, one per entry
  for a feed. An entry that cannot be read goes to ``on_error`` (or is raised after
  the others were yielded) and does not stop the rest.
- :func:`read` returns *the* document of a source and raises
  :class:`MultipleDocumentsError` for a feed of more than one entry (a feed of one
  entry gives that entry).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import importlib
import os
import stat
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from unmask.documents.fetch import is_url as _is_http_url
from unmask.documents.limits import HTML_BYTES_PER_CHAR, max_chars
from unmask.documents.sniff import sniff_format
from unmask.documents.taxii import is_taxii_url, mark_pulled, pull_collection
from unmask.errors import ConfigError, DocumentError, EmptyDocumentError, TooLargeError
from unmask.model import Document, Metadata

if TYPE_CHECKING:
    from unmask.documents.fetch import Fetched

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MultipleDocumentsError",
    "display_name",
    "follow_entries",
    "is_url",
    "open_regular",
    "parse_all",
    "parse_bytes",
    "read",
    "read_all",
    "read_bytes",
    "resolve_max_bytes",
]


class MultipleDocumentsError(DocumentError):
    """:func:`read` was given a source of several documents (a feed); use :func:`read_all`."""

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


def resolve_max_bytes(max_bytes: int | None = None) -> int:
    """The size limit for one input: ``max_bytes``, else ``UNMASK_MAX_BYTES``, else 100 MB."""
    return _max_bytes(max_bytes)


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
    """Read ``source`` — a path, an http(s) URL, raw bytes, or ``"-"`` for standard input.

    Raises a :class:`~unmask.errors.DocumentError` subclass naming the source and the
    reason when it cannot be read (empty, too large, encrypted, no text, not a report,
    not fetched); :class:`MultipleDocumentsError` for a feed of several entries.
    """
    limit = _max_bytes(max_bytes)
    return _single(_read_items(source, limit, name))


def _single(items: Iterator[Document | DocumentError]) -> Document:
    """The one document of ``items``; a feed of several entries is an error, whatever
    state its entries are in."""
    first = next(items)
    second = next(items, None)
    if second is None:
        if isinstance(first, DocumentError):
            raise first
        return first
    count = 2 + sum(1 for _ in items)
    feed = next((d.metadata.extra.get("feed") for d in (first, second) if isinstance(d, Document)),
                None) or first.source.rsplit("#", 1)[0]
    raise MultipleDocumentsError(feed, f"is a feed of {count} entries, not one document",
                                 hint="read it with unmask.documents.read_all")


def read_all(
    source: str | os.PathLike[str] | bytes,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
    on_error: Callable[[DocumentError], None] | None = None,
    follow: bool = False,
) -> Iterator[Document]:
    """Every document of ``source`` (a path, an http(s) URL, bytes or ``"-"``).

    One document for an ordinary source; one per entry for a feed, labelled
    ``<source>#<entry id>``. The source as a whole failing (missing, too large, not
    fetched, not a format unmask reads, a feed with no entries) raises a
    :class:`~unmask.errors.DocumentError` before anything is yielded. An entry that
    fails is passed to ``on_error`` and the rest go on; without ``on_error`` the first
    such error is raised once every readable entry has been yielded.

    A URL is fetched (:func:`~unmask.documents.fetch.fetch_url`) only because the user
    passed it; its final URL becomes ``Metadata.url`` when the page does not name one.
    Entry links of a feed are not fetched unless ``follow``: then each entry that
    carries only a summary (or nothing) is replaced by the page its link names, read
    like any URL, keeping the entry's label, feed and dates (see :func:`follow_entries`).
    """
    limit = _max_bytes(max_bytes)
    items = _read_items(source, limit, name)
    return _deliver(follow_entries(items, max_bytes=limit) if follow else items, on_error)


def is_url(source: object) -> bool:
    """True when ``source`` is read over the network: an ``http(s)://`` URL or a TAXII
    2.1 collection (``taxii2+https://…/collections/<id>/``, :mod:`unmask.documents.taxii`)."""
    return _is_http_url(source) or is_taxii_url(source)


def _taxii_items(source: str, limit: int, name: str | None) -> Iterator[Document | DocumentError]:
    """What a TAXII collection added since the last pull, as one bundle document (none
    when nothing is new), carrying where the pull ended: ingest remembers it once the
    knowledge base has stored the document (:func:`unmask.documents.taxii.commit_pulled`)."""
    pull = pull_collection(source, max_bytes=limit)
    if pull.objects:
        for item in _parse_all(pull.bundle(), name or source, limit, hint_name="taxii.json", base_url=None):
            yield mark_pulled(item, pull) if isinstance(item, Document) else item


def _read_items(source: str | os.PathLike[str] | bytes, limit: int,
                name: str | None) -> Iterator[Document | DocumentError]:
    if isinstance(source, str) and is_taxii_url(source):
        return _taxii_items(source, limit, name)
    if isinstance(source, str) and _is_http_url(source):
        fetched = _fetch(source, max_bytes=limit)
        return _parse_fetched(fetched, name or source, limit)
    label, data = read_bytes(source, max_bytes=limit, name=name)
    return _parse_all(data, label, limit, hint_name=label, base_url=None)


def _deliver(items: Iterator[Document | DocumentError],
             on_error: Callable[[DocumentError], None] | None) -> Iterator[Document]:
    first_error: DocumentError | None = None
    for item in items:
        if isinstance(item, Document):
            yield item
        elif on_error is not None:
            on_error(item)
        elif first_error is None:
            first_error = item
    if first_error is not None:
        raise first_error


def follow_entries(items: Iterator[Document | DocumentError], *,
                   max_bytes: int) -> Iterator[Document | DocumentError]:
    """Feed entries with only a summary (or no text) replaced by the page of their link.

    The page keeps the entry's label (so re-reading is idempotent per entry), its
    ``feed`` / ``entry_id`` metadata, and the feed's dates and title where the page
    has none; ``extra["content"]`` becomes ``followed``. A page that cannot be fetched
    leaves the summary with a warning (or, for an entry with no text, a
    :class:`~unmask.documents.feed.FeedEntryError` naming both reasons).
    """
    from unmask.documents.feed import FeedEntryError

    for item in items:
        if isinstance(item, Document):
            meta: Metadata | None = item.metadata
            wanted = item.metadata.extra.get("content") == "summary"
        else:
            meta = item.metadata if isinstance(item, FeedEntryError) else None
            wanted = meta is not None
        link = meta.url if meta is not None else None
        if not wanted or meta is None or not link or not _is_http_url(link):
            yield item
            continue
        try:
            fetched = _fetch(link, max_bytes=max_bytes, feed=item.source.split("#", 1)[0])
            page = _single(_parse_fetched(fetched, item.source, max_bytes))
        except DocumentError as exc:
            if isinstance(item, Document):
                yield dataclasses.replace(item, warnings=(
                    *item.warnings, f"full article not fetched from {link}: {exc.reason}"))
            else:
                yield FeedEntryError(item.source, f"{item.reason}; its page {link} was not read "
                                     f"either: {exc.reason}", metadata=meta)
            continue
        yield _merge_entry(page, meta)


def _merge_entry(page: Document, entry: Metadata) -> Document:
    """The page of a followed entry, with the entry's feed facts where the page lacks them."""
    own = page.metadata
    extra = {**own.extra, **{k: v for k, v in entry.extra.items() if k != "content"},
             "content": "followed", "entry_url": entry.url or ""}
    metadata = dataclasses.replace(
        own,
        title=own.title or entry.title,
        authors=own.authors or entry.authors,
        published=entry.published or own.published,
        modified=entry.modified or own.modified,
        site_name=own.site_name or entry.site_name,
        language=own.language or entry.language,
        extra=extra,
    )
    return dataclasses.replace(page, metadata=metadata)


def _fetch(url: str, *, max_bytes: int, feed: str | None = None) -> Fetched:
    """``url`` fetched; a link found in the feed ``feed`` (a URL or a file) only from a
    public host or the feed's own (see :mod:`unmask.documents.fetch`)."""
    from unmask.documents.fetch import fetch_url

    if feed is None:
        return fetch_url(url, max_bytes=max_bytes)
    own = urllib.parse.urlsplit(feed).hostname if _is_http_url(feed) else None
    return fetch_url(url, max_bytes=max_bytes, public_only=True, trusted_host=own)


def _parse_fetched(fetched: Fetched, label: str, limit: int) -> Iterator[Document | DocumentError]:
    path = urllib.parse.urlsplit(fetched.final_url).path
    hint_name = path.rsplit("/", 1)[-1] or "index.html"
    content_type = (fetched.content_type or "").split(";", 1)[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml") and "." not in hint_name:
        hint_name += ".html"
    items = _parse_all(fetched.data, label, limit, hint_name=hint_name, base_url=fetched.final_url)
    for item in items:
        if isinstance(item, Document) and item.metadata.url is None:
            item = dataclasses.replace(
                item, metadata=dataclasses.replace(item.metadata, url=fetched.final_url))
        yield item


def read_bytes(
    source: str | os.PathLike[str] | bytes,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
) -> tuple[str, bytes]:
    """The label and raw bytes of ``source`` (a path, an http(s) URL, bytes or ``"-"``), unparsed.

    For callers that read a format of their own (an IOC list, a raw e-mail for
    triage). Over ``max_bytes`` (default ``UNMASK_MAX_BYTES`` or 100 MB) is a
    :class:`~unmask.errors.TooLargeError`; an unreadable path a
    :class:`~unmask.errors.DocumentError`.
    """
    limit = _max_bytes(max_bytes)
    if isinstance(source, bytes):
        label = name or "<bytes>"
        data = source
    elif isinstance(source, str) and _is_http_url(source):
        label = name or source
        data = _fetch(source, max_bytes=limit).data
    elif str(source) == "-":
        label = name or "<stdin>"
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(source)
        label = name or display_name(path)
        with open_regular(path, label=label, max_bytes=limit) as fh:
            try:
                data = fh.read(limit + 1)
            except OSError as exc:
                raise DocumentError(label, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise TooLargeError(label, f"more than {limit:,} bytes", hint="raise the limit with UNMASK_MAX_BYTES")
    return label, data


_UNPRINTABLE = {
    **{c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))},
    # Bidirectional controls would let a name display as another one.
    **{c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                   *range(0x2066, 0x206A))},
}


def display_name(path: str | os.PathLike[str]) -> str:
    """``path`` as text that can be printed and stored: bytes that are not UTF-8 (a file
    name the file system gave as bytes, decoded with surrogate escapes) become ``\\xNN``,
    control and bidirectional characters ``\\xNN`` / ``\\uNNNN``. The file itself is
    still opened with the original ``path``."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text.translate(_UNPRINTABLE)


@contextlib.contextmanager
def open_regular(path: str | os.PathLike[str], *, label: str | None = None,
                 max_bytes: int | None = None) -> Iterator[BinaryIO]:
    """``path`` opened for reading, if it is a regular file within ``max_bytes``.

    Checked on the opened descriptor (no race with a swapped link): a directory, a
    named pipe, a socket or a device (a link to ``/dev/zero``) is a
    :class:`~unmask.errors.DocumentError`, not a read that never ends; opening does not
    wait for a pipe's writer. Over ``max_bytes`` is a :class:`~unmask.errors.TooLargeError`.
    """
    label = label or display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise DocumentError(label, "is a directory", hint="pass the files in it") from exc
        if exc.errno == errno.ENXIO:  # a socket
            raise DocumentError(label, "is a socket, not a file") from exc
        raise DocumentError(label, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(label, "is a directory", hint="pass the files in it")
        kind = _special_kind(info.st_mode)
        if kind is not None:
            raise DocumentError(label, f"is {kind}, not a regular file",
                                hint="unmask reads regular files only")
        if max_bytes is not None and info.st_size > max_bytes:
            raise TooLargeError(label, f"{info.st_size:,} bytes is over the {max_bytes:,}-byte limit",
                                hint="raise it with UNMASK_MAX_BYTES")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def _special_kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a regular file"


def parse_bytes(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Turn raw bytes into a Document, choosing the reader by content.

    Raises only :class:`~unmask.errors.DocumentError` subclasses, whatever the bytes;
    :class:`MultipleDocumentsError` for a feed of several entries (see :func:`parse_all`).
    """
    return _single(_parse_all(data, source, max_bytes, hint_name=source, base_url=None))


def parse_all(
    data: bytes,
    *,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    base_url: str | None = None,
    on_error: Callable[[DocumentError], None] | None = None,
    follow: bool = False,
) -> Iterator[Document]:
    """Every document in ``data``: one, or one per entry of a feed (see :func:`read_all`).

    ``base_url`` is where the bytes came from, for a feed's relative links; ``follow``
    fetches the page of each entry that carries only a summary.
    """
    items = _parse_all(data, source, max_bytes, hint_name=source, base_url=base_url)
    return _deliver(follow_entries(items, max_bytes=max_bytes) if follow else items, on_error)


def _parse_all(data: bytes, source: str, max_bytes: int, *, hint_name: str,
               base_url: str | None) -> Iterator[Document | DocumentError]:
    """Checks run, format sniffed and a feed parsed on the call (errors raise now);
    the documents come out of the returned iterator."""
    _check_size(data, source, max_bytes)
    fmt = sniff_format(data, name=hint_name)
    if fmt == "feed":
        from unmask.documents.feed import parse_feed

        try:
            return iter([plausible_date(d) if isinstance(d, Document) else d
                         for d in parse_feed(data, source=source, base_url=base_url)])
        except RecursionError as exc:
            raise DocumentError(source, "feed is nested too deeply to read") from exc
    return iter([_parse(data, source, max_bytes, depth=0, fmt=fmt)])


def _check_size(data: bytes, source: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise TooLargeError(source, f"more than {max_bytes:,} bytes",
                            hint="raise the limit with UNMASK_MAX_BYTES")
    if not data.strip():
        raise EmptyDocumentError(source, "is empty")


def _parse(data: bytes, source: str, max_bytes: int, depth: int, fmt: str | None = None) -> Document:
    _check_size(data, source, max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt is None:
        fmt = sniff_format(data, name=source)
    if fmt == "feed":
        # A feed attached to an e-mail: its entries as text, not as separate reports.
        fmt = "xml" if not data.lstrip().startswith(b"{") else "json"
    reader = _reader(fmt)
    if fmt == "email":
        child: Callable[[bytes, str], Document] | None = None
        if depth < MAX_NESTING:
            child = partial(_parse_child, max_bytes=max_bytes, depth=depth + 1)
        reader = partial(reader, parse_child=child)
    chars = max_chars()
    if fmt == "text" and len(data) > 4 * chars:  # at most 4 bytes a character: surely over
        raise _too_many_chars(source, chars, f"{len(data):,} bytes of text")
    if fmt in _MARKUP and len(data) > HTML_BYTES_PER_CHAR * chars:
        raise TooLargeError(source, f"{len(data):,} bytes of {_MARKUP[fmt]} is over the "
                            f"{HTML_BYTES_PER_CHAR * chars:,}-byte limit for one document",
                            hint="raise UNMASK_MAX_CHARS (the limit for markup is "
                            f"{HTML_BYTES_PER_CHAR} bytes per character), or split the document")
    try:
        document = reader(data, source=source, sha256=sha256)
    except RecursionError as exc:
        raise DocumentError(source, f"{fmt} input is nested too deeply to read") from exc
    if len(document.text) > chars:
        raise _too_many_chars(source, chars, f"{len(document.text):,} characters of text")
    return plausible_date(document)


#: Days a publication date may lie past today (UTC) before it is not believed: time
#: zones and a sender's clock a little fast.
FUTURE_SLACK = 2


def plausible_date(document: Document, today: dt.date | None = None) -> Document:
    """``document`` without a publication date that lies in the future (a forged or
    wrong e-mail ``Date``, a mistyped record date): a date past today is said in a
    warning and dropped rather than used to resolve the text's "yesterday"."""
    published = document.metadata.published
    now = today or dt.datetime.now(dt.UTC).date()
    if published is None or published <= now + dt.timedelta(days=FUTURE_SLACK):
        return document
    metadata = dataclasses.replace(document.metadata, published=None, published_source=None)
    warning = f"publication date {published.isoformat()} is in the future: not used"
    return dataclasses.replace(document, metadata=metadata, warnings=(*document.warnings, warning))


#: Formats whose bytes are mostly markup: refused over 20 bytes per allowed character
#: before they are parsed (a parser holds many times the input in memory).
_MARKUP = {"html": "HTML", "json": "JSON", "xml": "XML"}


def _too_many_chars(source: str, limit: int, what: str) -> TooLargeError:
    return TooLargeError(source, f"{what} is over the {limit:,}-character limit",
                         hint="raise it with UNMASK_MAX_CHARS, or split the document")


def _parse_child(data: bytes, source: str, *, max_bytes: int, depth: int) -> Document:
    return _parse(data, source, max_bytes, depth)
