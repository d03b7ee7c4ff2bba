"""Errors raised by unmask.

Every error unmask raises derives from :class:`UnmaskError`; each stage has its own
branch so callers can catch what they can handle::

    UnmaskError
    ├── DocumentError          a source could not be read (path, reason)
    │   ├── EmptyDocumentError
    │   ├── UnsupportedFormatError
    │   ├── TooLargeError
    │   ├── EncryptedDocumentError
    │   └── NoTextError        e.g. an image-only (scanned) PDF
    ├── ReferenceDataError     reference data missing, stale or unreadable
    ├── ExtractError           an extractor was given something it cannot use
    ├── StoreError             the knowledge base failed
    ├── ExportError            an export could not be produced or validated
    ├── ConfigError            a setting (environment, flag) is invalid
    └── MissingDependencyError an optional extra is not installed

A message says what failed, on which input and what to do; the same facts are kept
as attributes (``source``, ``reason``).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DocumentError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "ExportError",
    "ExtractError",
    "MissingDependencyError",
    "NoTextError",
    "ReferenceDataError",
    "StoreError",
    "TooLargeError",
    "UnmaskError",
    "UnsupportedFormatError",
]


class UnmaskError(Exception):
    """Root of every error unmask raises."""


class DocumentError(UnmaskError):
    """A source could not be read into a Document."""

    def __init__(self, source: str, reason: str, *, hint: str | None = None) -> None:
        self.source = source
        self.reason = reason
        self.hint = hint
        message = f"{source}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class EmptyDocumentError(DocumentError):
    """The source holds no bytes or no text at all."""


class UnsupportedFormatError(DocumentError):
    """The content is not a format unmask can read (binary junk, unknown container)."""


class TooLargeError(DocumentError):
    """The source is larger than the configured size limit."""


class EncryptedDocumentError(DocumentError):
    """The document is encrypted and cannot be read without a password."""


class NoTextError(DocumentError):
    """The document parsed but holds no extractable text (e.g. a scanned PDF)."""


class ReferenceDataError(UnmaskError):
    """Reference data (galaxies, warninglists, ATT&CK, suffix list) is missing or broken."""


class ExtractError(UnmaskError):
    """An extractor was given input it cannot use."""


class StoreError(UnmaskError):
    """The knowledge base could not be opened, read or written."""


class ExportError(UnmaskError):
    """An export could not be produced or does not validate."""


class ConfigError(UnmaskError):
    """A setting (environment variable, option) is invalid."""


class MissingDependencyError(UnmaskError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature} needs an optional dependency: pip install 'unmask[{extra}]'"
        )
