"""Threat-actor mentions and alias statements. (Filled in by issue 4.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unmask.model import ActorMention, AliasStatement, ExtractContext

__all__ = ["ActorFindings", "extract_actors", "find_actors"]


@dataclass(frozen=True, slots=True)
class ActorFindings:
    """Mentions, alias statements and a per-actor summary for one text."""

    mentions: tuple[ActorMention, ...] = ()
    alias_statements: tuple[AliasStatement, ...] = ()
    summary: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def extract_actors(text: str, *, context: ExtractContext | None = None) -> ActorFindings:
    """Actor mentions resolved to one identity each, with the text's alias statements."""
    return ActorFindings()


def find_actors(text: str) -> list[ActorMention]:
    """The actor mentions in ``text``."""
    return list(extract_actors(text).mentions)
