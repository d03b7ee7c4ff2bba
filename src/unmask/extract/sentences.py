"""Sentences with character offsets, read from the document's structure.

The text is cut once, by :func:`unmask.model.text_structure.text_structure` (the one
parser: blocks at line breaks that end a paragraph, a heading, a list item or a
table row; prose blocks cut into sentences at terminal punctuation, never after
abbreviations such as "U.S.", "Aug.", "e.g." or initials). :func:`split_sentences`
returns its passages as :class:`Sentence` pieces with their span and line form
(``sentence``, ``heading``, ``list``, ``table``).

:func:`structure_of` is how an extractor gets the structure: the one its context
carries (the pipeline computes it once per document), else the last one seen for the
same text, else parsed now.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass

from unmask.model import ExtractContext, Span
from unmask.model.structure import Structure
from unmask.model.text_structure import text_structure

__all__ = ["Sentence", "split_sentences", "structure_of"]

KINDS = ("sentence", "heading", "list", "table")

_LAYOUT_KIND = {"prose": "sentence", "heading": "heading", "item": "list", "row": "table"}

#: The structures last given or parsed, by text (a document's stages share one).
_RECENT: OrderedDict[str, Structure] = OrderedDict()
_RECENT_SIZE = 2
_RECENT_LOCK = threading.Lock()  # the server analyses documents in several threads


@dataclass(frozen=True, slots=True)
class Sentence:
    """A piece of the text with its span and kind."""

    span: Span
    kind: str

    def text(self, source: str) -> str:
        return source[self.span.start : self.span.end]


def structure_of(
    text: str, context: ExtractContext | None = None, structure: Structure | None = None
) -> Structure:
    """The structure of ``text``: ``structure`` or ``context.structure`` when given (and
    of this text's length), else the last one seen for this text, else parsed now."""
    given = structure if structure is not None else context.structure if context is not None else None
    if given is not None and given.length == len(text):
        _remember(text, given)
        return given
    with _RECENT_LOCK:
        known = _RECENT.get(text)
    if known is not None:
        return known
    parsed = text_structure(text)
    _remember(text, parsed)
    return parsed


def _remember(text: str, structure: Structure) -> None:
    with _RECENT_LOCK:
        _RECENT[text] = structure
        _RECENT.move_to_end(text)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)


def split_sentences(text: str, structure: Structure | None = None) -> tuple[Sentence, ...]:
    """Cut ``text`` into sentences, headings, list items and table rows, with offsets."""
    return _sentences(text, structure_of(text, structure=structure))


@functools.lru_cache(maxsize=2)
def _sentences(text: str, structure: Structure) -> tuple[Sentence, ...]:
    return tuple(Sentence(p.span, _LAYOUT_KIND[p.layout]) for p in structure.passages)
