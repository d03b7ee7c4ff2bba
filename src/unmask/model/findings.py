"""Finding types: what the extractors find in a document's text.

Every finding has a :class:`Span` into the text it was found in, and the ones found
by more than one method say how (``method``) and how sure (``confidence``, 0..1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from unmask.model.document import Span

__all__ = [
    "OBSERVABLE_ROLES",
    "ActorMention",
    "AliasStatement",
    "Attribution",
    "Event",
    "Finding",
    "MalwareMention",
    "Observable",
    "Skipped",
    "TargetMention",
    "TechniqueMention",
]

PRECISIONS = ("day", "month", "year", "approximate")
TARGET_KINDS = ("sector", "country", "region", "organization")
TARGET_ROLES = ("target", "source", "sponsor", "location", "victim", "mention")


def _check_confidence(confidence: float) -> None:
    if not 0.0 <= confidence <= 1.0:
        raise ValueError(f"confidence {confidence!r} is outside [0, 1]")


#: Observable roles: an attacker-controlled or malicious artefact, a source the text
#: cites, or a value that is neither (an OS part, a provider, a placeholder ...).
OBSERVABLE_ROLES = ("indicator", "reference", "benign")
#: Reason codes that make a value a reference when only ``benign_reasons`` are given
#: (a finding rebuilt from a store that keeps no role).
REFERENCE_REASONS = frozenset(
    {"cited-source", "advice", "tool-source", "publisher-link", "publisher-image", "companion-file",
     "reference-passage", "link"}
)


@dataclass(frozen=True, slots=True)
class Observable:
    """An observable (IOC): ``value`` normalised and refanged, ``surface`` as written.

    ``role`` is ``"indicator"`` (attacker-controlled or malicious: block or hunt it),
    ``"reference"`` (a source the text cites: an advisory, a vendor's post, a tool's
    home page, the publisher's own images) or ``"benign"`` (an OS part, a well-known
    provider, a placeholder, a documentation value ...). ``reasons`` holds the evidence
    for the decision as short codes (``warninglist:<slug>``, ``os-part``,
    ``attacker-use-stated``, ``provider-hosted``, ``cited-source`` ...); an indicator
    may carry reasons too (a warninglist hit on its provider is evidence, not a verdict).

    ``benign_reasons`` is kept for existing callers: the reasons of a value that is not
    an indicator, empty for an indicator. Built with ``benign_reasons`` alone (the old
    way), the role follows from them.
    """

    type: str
    value: str
    surface: str
    span: Span
    benign_reasons: tuple[str, ...] = ()
    role: str = ""
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        role = self.role
        if not role:
            if not self.benign_reasons:
                role = "indicator"
            elif REFERENCE_REASONS.intersection(self.benign_reasons):
                role = "reference"
            else:
                role = "benign"
            object.__setattr__(self, "role", role)
            if not self.reasons:
                object.__setattr__(self, "reasons", tuple(self.benign_reasons))
        elif role not in OBSERVABLE_ROLES:
            raise ValueError(f"observable role {role!r} is not one of {', '.join(OBSERVABLE_ROLES)}")
        if role == "indicator":
            object.__setattr__(self, "benign_reasons", ())
        elif not self.benign_reasons:
            object.__setattr__(self, "benign_reasons", self.reasons or (role,))

    @property
    def is_indicator(self) -> bool:
        return self.role == "indicator"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "surface": self.surface,
            "span": self.span.to_dict(),
            "role": self.role,
            "reasons": list(self.reasons),
            "benign_reasons": list(self.benign_reasons),
            "indicator": self.is_indicator,
        }


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A threat actor named in the text, resolved to ``actor_id`` (G0094 or a slug).

    ``candidates`` lists every actor an ambiguous name could mean when it could not be
    decided; ``actor_id`` is then the best guess.
    """

    actor_id: str
    name: str
    surface: str
    span: Span
    method: str
    confidence: float
    candidates: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_confidence(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "name": self.name,
            "surface": self.surface,
            "span": self.span.to_dict(),
            "method": self.method,
            "confidence": round(self.confidence, 4),
            "candidates": list(self.candidates),
        }


@dataclass(frozen=True, slots=True)
class AliasStatement:
    """A sentence saying several names are one actor (``same-as``) or overlap."""

    names: tuple[str, ...]
    span: Span
    relation: str = "same-as"
    actor_id: str | None = None

    def __post_init__(self) -> None:
        if len(self.names) < 2:
            raise ValueError("an alias statement needs at least two names")

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "span": self.span.to_dict(),
            "relation": self.relation,
            "actor_id": self.actor_id,
        }


@dataclass(frozen=True, slots=True)
class TechniqueMention:
    """An ATT&CK technique the text describes; ``span`` is the evidence sentence."""

    technique_id: str
    name: str
    span: Span
    method: str
    confidence: float
    tactics: tuple[str, ...] = ()
    #: Why this sentence weighs less than a plain statement of the adversary's deed
    #: (the stance codes of :mod:`unmask.extract.agency`: ``analyst``, ``defender`` ...);
    #: empty for ordinary evidence.
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_confidence(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "technique_id": self.technique_id,
            "name": self.name,
            "tactics": list(self.tactics),
            "span": self.span.to_dict(),
            "method": self.method,
            "confidence": round(self.confidence, 4),
        }
        if self.reasons:
            out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True, slots=True)
class TargetMention:
    """A sector, country, region or organisation and the role it plays in the text."""

    kind: str
    value: str
    surface: str
    span: Span
    role: str = "target"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(f"target kind {self.kind!r} is not one of {TARGET_KINDS}")
        if self.role not in TARGET_ROLES:
            raise ValueError(f"target role {self.role!r} is not one of {TARGET_ROLES}")
        _check_confidence(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "surface": self.surface,
            "span": self.span.to_dict(),
            "role": self.role,
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who is behind an actor (``sponsor``, ``country``) or why (``motivation``)."""

    kind: str
    value: str
    surface: str
    span: Span
    actor_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("sponsor", "country", "motivation"):
            raise ValueError(f"attribution kind {self.kind!r} is invalid")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "surface": self.surface,
            "span": self.span.to_dict(),
            "actor_ids": list(self.actor_ids),
        }


@dataclass(frozen=True, slots=True)
class MalwareMention:
    """A malware family or tool named in the text."""

    malware_id: str
    name: str
    surface: str
    span: Span
    kind: str = "malware"
    method: str = "gazetteer"
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in ("malware", "tool"):
            raise ValueError(f"malware kind {self.kind!r} is not 'malware' or 'tool'")
        _check_confidence(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "malware_id": self.malware_id,
            "name": self.name,
            "kind": self.kind,
            "surface": self.surface,
            "span": self.span.to_dict(),
            "method": self.method,
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at a date: a sanction, an advisory, a campaign ...

    ``date`` is ISO 8601 cut to its precision (``2023``, ``2023-06``, ``2023-06-01``);
    ``resolved`` is true when a relative or partial date was completed from the
    publication date.
    """

    kind: str
    date: str
    precision: str
    span: Span
    date_surface: str = ""
    actor_ids: tuple[str, ...] = ()
    target_values: tuple[str, ...] = ()
    resolved: bool = False
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision {self.precision!r} is not one of {PRECISIONS}")
        _check_confidence(self.confidence)

    @property
    def start_date(self) -> dt.date:
        """The first day the date can mean (for sorting and ranges)."""
        parts = [int(p) for p in self.date.split("-")]
        while len(parts) < 3:
            parts.append(1)
        return dt.date(parts[0], parts[1], parts[2])

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.date,
            "precision": self.precision,
            "date_surface": self.date_surface,
            "resolved": self.resolved,
            "span": self.span.to_dict(),
            "actor_ids": list(self.actor_ids),
            "target_values": list(self.target_values),
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something an extractor saw but could not use, and why (nothing is dropped silently)."""

    stage: str
    reason: str
    surface: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "reason": self.reason,
            "surface": self.surface,
            "span": self.span.to_dict(),
        }


Finding = (
    Observable
    | ActorMention
    | AliasStatement
    | TechniqueMention
    | TargetMention
    | Attribution
    | MalwareMention
    | Event
)
