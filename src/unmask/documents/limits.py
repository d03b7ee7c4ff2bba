"""Output budgets every reader shares, each with a default and an environment override.

| limit | default | override |
|---|---:|---|
| bytes of one input | 100 MB | ``UNMASK_MAX_BYTES`` (or ``max_bytes=``) |
| characters of text one document yields | 1,000,000 | ``UNMASK_MAX_CHARS`` |
| bytes of one HTML, JSON or XML document | 20 x the characters | (follows ``UNMASK_MAX_CHARS``) |
| pages of one PDF | 5,000 | ``UNMASK_MAX_PAGES`` |
| memory of the process reading one PDF | 1,024 MB | ``UNMASK_PDF_MEMORY_MB`` |
| time to read one PDF | 20 s | ``UNMASK_PDF_SECONDS`` |

A few kilobytes of compressed PDF can expand to tens of millions of characters or
gigabytes of page content; the character budget also bounds the analysis that follows
(measured: 1.9 M characters of one-line prose dense with names, dates and indicators
took 41 s to analyse; the largest report of the developer corpus has 211,139). Values
that are not whole positive numbers are a :class:`~unmask.errors.ConfigError`.
"""

from __future__ import annotations

import os

from unmask.errors import ConfigError

__all__ = [
    "DEFAULT_MAX_CHARS", "DEFAULT_MAX_PAGES", "DEFAULT_PDF_MEMORY_MB", "DEFAULT_PDF_SECONDS",
    "HTML_BYTES_PER_CHAR", "max_chars", "max_pages", "pdf_memory_bytes", "pdf_seconds",
]

#: An HTML, JSON or XML document of more bytes than this many times the character
#: budget is refused before it is parsed (parsing 50 MB of HTML took 10 s and 743 MB).
HTML_BYTES_PER_CHAR = 20

DEFAULT_MAX_CHARS = 1_000_000
DEFAULT_MAX_PAGES = 5_000
DEFAULT_PDF_MEMORY_MB = 1024
DEFAULT_PDF_SECONDS = 20


def _env(name: str, default: int, what: str) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number of {what}") from None
    if number <= 0:
        raise ConfigError(f"{name}={value!r} must be a positive number of {what}")
    return number


def max_chars() -> int:
    """Most characters of text one document may yield (``UNMASK_MAX_CHARS``)."""
    return _env("UNMASK_MAX_CHARS", DEFAULT_MAX_CHARS, "characters")


def max_pages() -> int:
    """Most pages one PDF may have (``UNMASK_MAX_PAGES``)."""
    return _env("UNMASK_MAX_PAGES", DEFAULT_MAX_PAGES, "pages")


def pdf_memory_bytes() -> int:
    """Address space of the process that reads one PDF (``UNMASK_PDF_MEMORY_MB``)."""
    return _env("UNMASK_PDF_MEMORY_MB", DEFAULT_PDF_MEMORY_MB, "megabytes") << 20


def pdf_seconds() -> int:
    """Wall-clock seconds reading one PDF may take (``UNMASK_PDF_SECONDS``)."""
    return _env("UNMASK_PDF_SECONDS", DEFAULT_PDF_SECONDS, "seconds")
