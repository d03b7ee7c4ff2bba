"""Sentence segmentation that keeps character offsets.

Text is cut into blocks at line breaks that end a paragraph, a heading, a list item
or a table row; prose blocks are then cut into sentences at terminal punctuation,
without cutting after abbreviations ("U.S.", "Aug.", "e.g.") or initials. Each piece
is a :class:`Sentence` with its span and its kind (``sentence``, ``heading``,
``list``, ``table``), so extractors can tell prose from page furniture.

Runs in linear time: one pass over the lines, one regex pass per block.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from unmask.model import Span
from unmask.reference.regexes import compile_cached

__all__ = ["Sentence", "split_sentences"]

KINDS = ("sentence", "heading", "list", "table")

_ABBREVIATIONS = frozenset(
    ["u.s", "u.k", "u.n", "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "corp", "co", "no", "fig", "figs", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "gov", "est", "ver", "vol", "p", "pp"]
)

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets,
# then white space. A match starts only at the beginning of a punctuation run and
# never gives back (possessive), so a long run of dots is scanned once: linear time.
_END = compile_cached(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s)")
_NEXT_CHAR = compile_cached(r"\s*+(\S)")
_LIST_ITEM = compile_cached(r"^\s*(?:[-*•▪◦‣·]|\d{1,3}[.)]|[a-z][.)])\s+")
_TABLE_ROW = compile_cached(r"^\s*\|.*\|\s*$|\t.*\t|\S {3,}\S.* {3,}\S")
_HEADING_MD = compile_cached(r"^\s*#{1,6}\s")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A piece of the text with its span and kind."""

    span: Span
    kind: str

    def text(self, source: str) -> str:
        return source[self.span.start : self.span.end]


def _line_kind(line: str) -> str:
    stripped = line.strip()
    if _HEADING_MD.match(line):
        return "heading"
    if _LIST_ITEM.match(line):
        return "list"
    if _TABLE_ROW.search(line):
        return "table"
    if (
        len(stripped) <= 120
        and not re.search(r"[.!?:;,]\W*$", stripped)
        and len(stripped.split()) <= 14
    ):
        return "heading"
    return "sentence"


def _is_abbreviation(block: str, end: int) -> bool:
    """Whether the full stop at block[end-1] closes an abbreviation or an initial."""
    start = end - 1
    while start > 0 and (block[start - 1].isalnum() or block[start - 1] == "."):
        start -= 1
    word = block[start : end - 1].lower().strip(".")
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # Single letters ("J. Smith") and dotted acronyms ("U.S.", "D.P.R.K.").
    if len(word) == 1 and word.isalpha():
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _split_block(text: str, start: int, end: int, out: list[Sentence]) -> None:
    block = text[start:end]
    piece_start = 0
    for match in _END.finditer(block):
        stop = match.end()
        if (
            block[match.start()] == "."
            and match.end() - match.start() == 1
            and _is_abbreviation(block, match.start() + 1)
        ):
            # Never cut after an abbreviation or initial ("Aug. 30", "U.S. Treasury").
            continue
        following = _NEXT_CHAR.match(block, stop)
        if following is not None:
            first = following.group(1)
            # A new line after the stop ends the sentence whatever comes next (a list of
            # indicators, one per line, each opening with a lower-case name).
            if not (first.isupper() or first.isdigit() or first in "\"'“‘([" or "\n" in block[stop : following.start(1)]):
                continue
        _emit(text, start + piece_start, start + stop, "sentence", out)
        piece_start = stop
    _emit(text, start + piece_start, end, "sentence", out)


def _emit(text: str, start: int, end: int, kind: str, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(Span(start, end), kind))


@functools.lru_cache(maxsize=2)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Cut ``text`` into sentences, headings, list items and table rows, with offsets.

    Several stages split the same document: the last two texts' results are kept.
    """
    out: list[Sentence] = []
    block_start: int | None = None
    block_end = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        content = line.rstrip("\r\n")
        if not content.strip():
            if block_start is not None:
                _split_block(text, block_start, block_end, out)
                block_start = None
            continue
        kind = _line_kind(content)
        if kind != "sentence":
            if block_start is not None:
                _split_block(text, block_start, block_end, out)
                block_start = None
            if kind == "list":
                # A list item is prose too; keep its kind so callers can choose.
                _emit(text, line_start, line_start + len(content), "list", out)
            else:
                _emit(text, line_start, line_start + len(content), kind, out)
            continue
        if block_start is None:
            block_start = line_start
        block_end = line_start + len(content)
    if block_start is not None:
        _split_block(text, block_start, block_end, out)
    return tuple(out)
