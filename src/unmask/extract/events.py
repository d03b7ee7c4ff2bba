"""Dated events: sanctions, advisories, campaigns ... (Filled in by issue 6.)"""

from __future__ import annotations

from collections.abc import Sequence

from unmask.model import ActorMention, Event, ExtractContext, TargetMention

__all__ = ["extract_events"]


def extract_events(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
    targets: Sequence[TargetMention] = (),
) -> list[Event]:
    """Sentences stating that something happened at a date."""
    return []
