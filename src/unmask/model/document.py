"""Documents: text read from a source, with metadata and page offsets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unmask.model.structure import Structure

__all__ = ["Attachment", "Document", "Metadata", "Page", "Span", "without_lone_surrogates"]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def of(self, text: str) -> str:
        """The text this span covers."""
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paginated document: its number (1-based) and its text range."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a reader learned about a document besides its text."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    modified: dt.date | None = None
    url: str | None = None
    site_name: str | None = None
    language: str | None = None
    # Free-form facts a reader keeps (e-mail headers, PDF producer, STIX spec version).
    extra: Mapping[str, str] = field(default_factory=dict)
    #: Where ``published`` came from: ``"text"`` (a dateline, byline, "Published ..."
    #: line), ``"html-meta"`` (the page's metadata), ``"pdf-metadata"`` (the file's
    #: creation date only: not a statement of the document), ``"mail-header"`` (an
    #: e-mail's ``Date``: the sender's clock), ``"record"`` (a structured record's own
    #: date field: a STIX report's ``published``, a MISP event's ``date``, an OpenIOC or
    #: STIX 1 document's time, a feed entry's date) or None (not known).
    published_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
            "published_source": self.published_source if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "url": self.url,
            "site_name": self.site_name,
            "language": self.language,
            "extra": dict(sorted(self.extra.items())),
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to an e-mail (or embedded in another container)."""

    name: str | None
    content_type: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` itself when it encodes to UTF-8, else with each surrogate code point (a
    Python ``str`` holds them only unpaired) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


@dataclass(frozen=True, slots=True)
class Document:
    """Text read from one source.

    ``format`` names the reader that produced it (``text``, ``markdown``, ``html``,
    ``pdf``, ``email``, ``stix2``, ``misp``, ``stix1``, ``openioc``). ``sha256`` is the
    hash of the raw bytes read and is the document's identity. ``objects`` keeps the
    original structured objects (STIX objects, MISP event) for import; ``children``
    holds documents read from attachments. ``structure`` is the document's passages
    when its reader computed them (else the pipeline parses them once).
    """

    text: str
    source: str
    format: str
    sha256: str
    size: int = 0
    metadata: Metadata = field(default_factory=Metadata)
    pages: tuple[Page, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    children: tuple[Document, ...] = ()
    objects: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    structure: Structure | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.text.isascii():
            text = without_lone_surrogates(self.text)
            if text is not self.text:
                # "\\ud800" in a JSON string or a broken UTF-16 source: no UTF-8 for it, so
                # every later step (the compiled core, exports, the store) would fail on
                # the document; one replacement character each keeps every offset.
                object.__setattr__(self, "text", text)
                object.__setattr__(self, "warnings", (*self.warnings, "lone surrogate code points "
                                                      "replaced by U+FFFD"))
        if self.structure is not None and self.structure.length != len(self.text):
            raise ValueError(
                f"structure covers {self.structure.length} characters, the text has {len(self.text)}"
            )
        previous_end = 0
        for page in self.pages:
            if page.start < previous_end or page.end < page.start or page.end > len(self.text):
                raise ValueError(f"page {page.number} range [{page.start}, {page.end}) is invalid")
            previous_end = page.end

    def page_at(self, offset: int) -> int | None:
        """The 1-based page number holding ``offset``, or None if not paginated."""
        if not self.pages:
            return None
        lo, hi = 0, len(self.pages) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pages[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.pages[lo].number

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "format": self.format,
            "sha256": self.sha256,
            "size": self.size,
            "metadata": self.metadata.to_dict(),
            "pages": [{"number": p.number, "start": p.start, "end": p.end} for p in self.pages],
            "attachments": [a.to_dict() for a in self.attachments],
            "children": [c.to_dict(include_text=include_text) for c in self.children],
            "objects": len(self.objects),
            "warnings": list(self.warnings),
            "length": len(self.text),
        }
        if include_text:
            out["text"] = self.text
        return out
