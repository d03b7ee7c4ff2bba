"""Targets (sectors, countries, organisations) and attribution. (Filled in by issue 6.)"""

from __future__ import annotations

from collections.abc import Sequence

from unmask.model import ActorMention, Attribution, ExtractContext, TargetMention

__all__ = ["extract_attributions", "extract_targets"]


def extract_targets(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
) -> list[TargetMention]:
    """Sectors, countries, regions and organisations, each with its role."""
    return []


def extract_attributions(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
) -> list[Attribution]:
    """Sponsors, sponsor countries and motivations, linked to actors in the passage."""
    return []
