"""Sightings a document reports: STIX 2.1 ``sighting`` objects, MISP sightings.

A :class:`Sighting` says that an indicator (observable type and value) was seen, was
reported as a false positive, or expires, by whom, when and how often. Readers keep
the objects of STIX bundles and MISP events (``Document.objects``); :func:`sightings_of`
finds the sightings among them (:func:`unmask.documents.stix.stix_sightings`,
:func:`unmask.documents.misp.misp_sightings`) so that the knowledge base records them
when the document is stored. Values are normalised the way the observable extractor
writes them (:func:`normalise_value`), so a sighting meets the indicator it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from unmask.errors import UnmaskError
from unmask.reference.values import normalise

if TYPE_CHECKING:
    from unmask.model import Document

__all__ = ["SIGHTING_KINDS", "Sighting", "normalise_value", "sightings_of"]

#: seen (type 0 in MISP), false-positive (type 1), expiration (type 2).
SIGHTING_KINDS = ("seen", "false-positive", "expiration")
_MAX_COUNT = 999_999_999


@dataclass(frozen=True, slots=True)
class Sighting:
    """One sighting claim: ``count`` times between ``first_seen`` and ``last_seen``.

    ``source`` says where the claim comes from (``stix:<bundle>``, ``misp:<event>``,
    ``sweep:<log>``, ``cli``, ``api``); ``ref`` an outside id (the STIX sighting id, the
    MISP sighting uuid) that makes storing the same claim twice a no-op.
    """

    type: str
    value: str
    kind: str
    source: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    count: int = 1
    ref: str = ""
    who: str | None = None
    why: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SIGHTING_KINDS:
            raise UnmaskError(f"sighting kind {self.kind!r} is not one of {', '.join(SIGHTING_KINDS)}")
        if not 1 <= self.count <= _MAX_COUNT:
            raise UnmaskError(f"sighting count {self.count!r} must be between 1 and {_MAX_COUNT}")
        if self.first_seen.tzinfo is None or self.last_seen.tzinfo is None:
            raise UnmaskError("sighting times must carry a time zone")
        if self.last_seen < self.first_seen:
            raise UnmaskError(f"sighting of {self.value!r}: last seen {self.last_seen.isoformat()} "
                              f"is before first seen {self.first_seen.isoformat()}")
        if not self.value:
            raise UnmaskError("a sighting needs a value")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type, "value": self.value, "kind": self.kind, "source": self.source,
            "first_seen": self.first_seen.isoformat(), "last_seen": self.last_seen.isoformat(),
            "count": self.count, "ref": self.ref, "who": self.who, "why": self.why,
        }


def normalise_value(type_: str, value: str) -> str:
    """``value`` as the observable extractor stores one of ``type_`` (refanged; see
    :func:`unmask.reference.values.normalise`); a value not valid for its type is kept
    as written, refanged and stripped."""
    return normalise(type_, value) or value.strip()


def parse_time(value: object) -> dt.datetime | None:
    """A STIX timestamp, an ISO date or a Unix time (int or digits) as an aware datetime."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return dt.datetime.fromtimestamp(int(value), dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def sightings_of(document: Document) -> tuple[list[Sighting], list[str]]:
    """The sightings a STIX or MISP document reports, and those that could not be used
    (one line each: which object and why). Other documents report none."""
    if document.format == "stix2":
        from unmask.documents.stix import stix_sightings

        return stix_sightings(document.objects, source=document.source)
    if document.format == "misp":
        from unmask.documents.misp import misp_sightings

        return misp_sightings(document.objects, source=document.source)
    return [], []
