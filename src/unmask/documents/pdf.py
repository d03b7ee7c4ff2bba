"""PDF: text with per-page offsets, plus title, author and dates from the metadata.

The publication date is the one the first page states ("Published 2 October 2024", a
byline, a date line; ``published_source`` ``"text"``); only without one is it the file's
creation date, flagged ``published_source`` ``"pdf-metadata"`` (a conversion or a
re-save dates the file, not the report).

The library is pypdfium2 (PDFium), chosen by measurement on the developer corpus
(``benchmarks/read.py``): about 20x faster than pypdf and 35x faster than
pdfminer.six, with as many hashes recovered as pdfminer.six and far fewer words
run together than pypdf.

Pages are joined with a blank line; ``Document.pages`` holds each page's range.
Errors, each naming the file and the reason:

- :class:`~unmask.errors.EncryptedDocumentError` — a password is needed;
- :class:`~unmask.errors.NoTextError` — no text layer (scanned / image-only);
- :class:`~unmask.errors.TooLargeError` — over the page or character budget
  (:mod:`unmask.documents.limits`);
- :class:`~unmask.errors.DocumentError` — truncated (no ``%%EOF`` at the end), not a
  readable PDF, or over the memory or time budget of the child process PDFium runs in
  (:mod:`unmask.documents.pdf_child`).
"""

from __future__ import annotations

import datetime as dt
import re
import threading

from unmask.documents.text import clean_text, published_in_text
from unmask.errors import DocumentError, NoTextError
from unmask.model import Document, Metadata, Page

__all__ = ["PAGE_SEPARATOR", "parse_pdf", "parse_pdf_date"]

#: Text placed between two pages.
PAGE_SEPARATOR = "\n\n"

# PDFium is not thread-safe; one document at a time per process.
_PDFIUM_LOCK = threading.Lock()
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_EOF_WINDOW = 16 * 1024
# Fewer letters and digits than this in the whole file means "no text layer".
_MIN_TEXT_CHARS = 20


def parse_pdf_date(value: str | None) -> dt.date | None:
    """The date of a PDF date string (``D:YYYYMMDDHHmmSS...``), or None."""
    if not value:
        return None
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# PDFium reports a hyphen as U+0002 (at a line break), U+FFFE (a hyphen glyph it could
# not map: "CVE\ufffe2012-5054") or a soft hyphen; in a PDF each one is a printed "-".
_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-", "\xad": "-"})


def _page_text(raw: str) -> str:
    return clean_text(raw.translate(_HYPHENS)).strip()


def parse_pdf(data: bytes, *, source: str, sha256: str) -> Document:
    """Read a PDF into a Document with one :class:`Page` range per page."""
    if data.rfind(b"%%EOF", max(0, len(data) - _EOF_WINDOW)) < 0:
        raise DocumentError(source, "PDF is truncated: the %%EOF end marker is missing",
                            hint="the download or copy was cut short; fetch the file again")
    from unmask.documents import limits
    from unmask.documents.pdf_child import PdfLimits, read_pdf_pages

    budget = PdfLimits(max_pages=limits.max_pages(), max_chars=limits.max_chars(),
                       memory_bytes=limits.pdf_memory_bytes(), seconds=limits.pdf_seconds())
    with _PDFIUM_LOCK:  # one PDF at a time per process: PDFium is not thread-safe
        extracted = read_pdf_pages(data, source=source, limits=budget)
    texts, unreadable, info = extracted.texts, extracted.unreadable, extracted.info

    warnings: list[str] = []
    if unreadable:
        warnings.append(f"page(s) {_ranges(unreadable)} could not be read")
    letters = sum(sum(1 for ch in t if ch.isalnum()) for t in texts)
    if letters < _MIN_TEXT_CHARS:
        raise NoTextError(
            source,
            f"PDF has no text layer ({len(texts)} page(s), {letters} letters or digits): "
            "it looks scanned or image-only",
            hint="run OCR first (e.g. ocrmypdf) and read the result",
        )
    empty = [i + 1 for i, t in enumerate(texts) if not t and i + 1 not in unreadable]
    if empty:
        warnings.append(f"page(s) {_ranges(empty)} have no text (images only?)")

    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        if number > 1:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(page_text)
        pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)

    return Document(
        text="".join(parts), source=source, format="pdf", sha256=sha256, size=len(data),
        metadata=_metadata(info, len(texts), published_in_text(texts[0]) if texts else None),
        pages=tuple(pages), warnings=tuple(warnings),
    )


def _metadata(info: dict[str, str], page_count: int, stated: dt.date | None = None) -> Metadata:
    """The file's metadata; ``stated`` is the date the first page gives itself, which is
    preferred over the file's creation date (``published_source`` says which it is)."""
    def field(key: str) -> str | None:
        value = info.get(key)
        if not isinstance(value, str):
            return None
        value = clean_text(value).strip()
        return value or None

    author = field("Author")
    authors = tuple(a.strip() for a in author.split(";") if a.strip()) if author else ()
    extra = {"pages": str(page_count)}
    for key, name in (("Producer", "producer"), ("Creator", "creator"),
                      ("Subject", "subject"), ("Keywords", "keywords")):
        value = field(key)
        if value:
            extra[name] = value
    created = parse_pdf_date(field("CreationDate"))
    published = stated or created
    source = "text" if stated else "pdf-metadata" if created else None
    return Metadata(
        title=field("Title"),
        authors=authors,
        published=published,
        modified=parse_pdf_date(field("ModDate")),
        extra=extra,
        published_source=source,
    )


def _ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
