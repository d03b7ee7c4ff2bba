"""How far an actor's mention reaches when findings are linked to actors.

The extractors link an attribution or an event to the actors its sentence names, else
to one named a few sentences before, else to the document's only actor. That is right
for the actor a text is about, and wrong for one it names only in passing: an example
("For instance, X once used ..."), a comparison ("unlike X", "similar to X") or a list
of others ("groups such as X"). Such an actor is not what the other sentences speak of.

One rule: an actor whose every mention stands in an aside clause reaches only the
passages that name it; a finding elsewhere loses the link to it. An actor the text
names once as the subject keeps the extractors' links everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from unmask.model import ActorMention, Attribution, Event, Span
from unmask.model.structure import Structure

__all__ = ["aside_actors", "unlink_asides"]

#: A clause that names something as an example or a comparison, before the name in its
#: sentence: "For instance, X ...", "unlike X", "groups such as X", "similar to X".
_ASIDE_BEFORE = re.compile(
    r"\b(?:for\s+(?:instance|example)|e\.g\.|such\s+as|unlike|(?:similar|akin|comparable|analogous)\s+to|"
    r"(?:compared|in\s+comparison)\s+(?:to|with)|in\s+contrast\s+(?:to|with)|by\s+contrast|reminiscent\s+of|"
    r"(?:as|like)\s+(?:in\s+)?the\s+case\s+of|as\s+(?:seen|observed)\s+with|"
    r"(?:groups?|actors?|APTs?|gangs?|crews?|operators|adversaries)\s+like)\b[^;:]{0,80}$",
    re.IGNORECASE,
)

#: A sentence that opens as an example or a contrast is an aside as a whole ("An example
#: is the X variant, used by a group then given the name Y, against ...").
_ASIDE_OPENING = re.compile(
    r"\W{0,3}(?:for\s+(?:instance|example)|an(?:other)?\s+example\s+(?:is|of|was)|one\s+example|"
    r"as\s+an\s+example|by\s+contrast|in\s+contrast|unlike)\b",
    re.IGNORECASE,
)
#: How far back (characters) from a mention its clause is read.
_REACH = 160

#: How far back (characters) the start of a mention's sentence is looked for.
_SENTENCE_REACH = 400
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=\S)|\n[ \t]*\n")

_Finding = TypeVar("_Finding", Attribution, Event)


def _sentence_start(text: str, offset: int) -> int:
    """Where the sentence holding ``offset`` starts: after the last sentence end or
    paragraph break in the :data:`_SENTENCE_REACH` characters before it (a PDF's line
    breaks cut passages inside a sentence, so the passages do not say)."""
    floor = max(0, offset - _SENTENCE_REACH)
    start = floor
    for end in _SENTENCE_END.finditer(text, floor, offset + 1):  # (+1: the look-ahead sees the mention)
        start = end.end()
    return start


def aside_actors(text: str, structure: Structure, actors: Sequence[ActorMention]) -> dict[str, tuple[Span, ...]]:
    """The actors named only in asides, each with the passages that name it."""
    spans: dict[str, list[Span]] = {}
    subject: set[str] = set()
    for mention in actors:
        if mention.actor_id in subject:
            continue
        passage = structure.block_at(mention.span.start)
        opening = _sentence_start(text, mention.span.start)
        start = max(opening, mention.span.start - _REACH)
        if _ASIDE_OPENING.match(text, opening, mention.span.start) or _ASIDE_BEFORE.search(text, start, mention.span.start):
            spans.setdefault(mention.actor_id, []).append(passage.span if passage is not None else mention.span)
        else:
            subject.add(mention.actor_id)
    return {actor_id: tuple(found) for actor_id, found in spans.items() if actor_id not in subject}


def unlink_asides(findings: Sequence[_Finding], asides: dict[str, tuple[Span, ...]]) -> list[_Finding]:
    """``findings`` with the links to aside-only actors kept only where a passage that
    names the actor overlaps the finding's span."""
    if not asides:
        return list(findings)
    out: list[_Finding] = []
    for finding in findings:
        kept = tuple(
            actor_id
            for actor_id in finding.actor_ids
            if actor_id not in asides
            or any(s.start < finding.span.end and finding.span.start < s.end for s in asides[actor_id])
        )
        out.append(finding if kept == finding.actor_ids else replace(finding, actor_ids=kept))
    return out
