"""A fast phrase matcher over a gazetteer: every surface form of every entry, found
at word boundaries in one pass (Aho-Corasick over the case-folded text).

Matching is case-insensitive; each pattern keeps the exact spellings it was built
from so that callers can demand an exact-case match for names that are also
ordinary words ("Turkey", "Machete"). Overlapping matches are resolved longest
first, left to right.

A PhraseIndex pickles with its built automaton (pyahocorasick automata are
picklable), so a gazetteer compiles its index once, in its build, and the reference
cache (:func:`unmask.reference.cache.load_compiled`) stores both: no process builds an
automaton again. Gazetteers fold :data:`PHRASE_INDEX_FORMAT` into their cache
``format_version`` so that a change here rebuilds them.
"""

from __future__ import annotations

import bisect
import functools
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ahocorasick

__all__ = ["PHRASE_INDEX_FORMAT", "PhraseHit", "PhraseIndex", "SpanSet", "fold", "fold_document"]

#: Bump when the pickled form of a PhraseIndex (its automaton's values) changes.
PHRASE_INDEX_FORMAT = 2

#: Starts each of a pattern's keys (and spellings) in the one string that holds them.
_SEP = "\0"


def _join(parts: Iterable[str]) -> str:
    return "".join(_SEP + part for part in parts)


def _split(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(_SEP)[1:])


def fold(text: str) -> str:
    """Lower-case ``text`` one character at a time, keeping its length (offsets stay valid)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.replace("’", "'")


#: Texts at least this long have their folded form kept (see :func:`fold_document`).
_KEEP_FOLDED = 4096


def fold_document(text: str) -> str:
    """:func:`fold` of ``text``; a long text's is kept (the last two), so the gazetteers and
    stages that read one document fold it once."""
    return _folded(text) if len(text) >= _KEEP_FOLDED else fold(text)


@functools.lru_cache(maxsize=2)
def _folded(text: str) -> str:
    return fold(text)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    """One match: the text range, the surface as written and the entry keys it stands for."""

    start: int
    end: int
    surface: str
    keys: tuple[str, ...]
    #: Whether the surface is written exactly as one of the pattern's spellings.
    exact_case: bool


class PhraseIndex:
    """Find the phrases of a gazetteer in text.

    ``phrases`` maps a surface form to the entry keys it names. Surfaces are folded
    with :func:`fold`; two spellings that fold alike share one pattern.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        table: dict[str, tuple[set[str], set[str]]] = {}
        for surface, keys in phrases.items():
            folded = fold(surface.strip())
            if not folded:
                continue
            keys_set, spellings = table.setdefault(folded, (set(), set()))
            keys_set.update(keys)
            spellings.add(surface.strip().replace("’", "'"))
        # The automaton holds pattern numbers (C integers, no Python objects), and each
        # pattern's keys and spellings are one joined string: a pickled index loads as
        # a few buffers instead of tens of thousands of small tuples and sets.
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._lengths = array("I")
        self._keys: list[str] = []
        self._spellings: list[str] = []
        for number, (folded, (keys_set, spellings)) in enumerate(table.items()):
            parts = [*keys_set, *spellings]
            if any(_SEP in part for part in parts):
                raise ValueError(f"a phrase or key of {folded!r} contains a NUL character")
            self._automaton.add_word(folded, number)
            self._lengths.append(len(folded))
            self._keys.append(_join(sorted(keys_set)))
            self._spellings.append(_join(sorted(spellings)))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[PhraseHit]:
        """Every phrase in ``text`` at word boundaries, longest match first, no overlaps."""
        if self._empty or not text:
            return []
        folded = fold_document(text)
        lengths = self._lengths
        size = len(folded)
        candidates: list[tuple[int, int, int]] = []
        # (the word-boundary test written out: a function call per automaton match was
        # most of this loop's time on a long document)
        for end_index, number in self._automaton.iter(folded):
            end = end_index + 1
            start = end - lengths[number]
            if start > 0:
                char = folded[start - 1]
                if char.isalnum() or char == "_":
                    char = folded[start]
                    if char.isalnum() or char == "_":
                        continue
            if end < size:
                char = folded[end]
                if char.isalnum() or char == "_":
                    char = folded[end - 1]
                    if char.isalnum() or char == "_":
                        continue
            candidates.append((start, end, number))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        # The characters claimed so far: candidates come longest first, not in text order,
        # so a sorted range list would insert in its middle (quadratic on text dense with
        # phrases); a candidate is never empty, so marking its characters is the same test.
        claimed = bytearray(size)
        hits: list[PhraseHit] = []
        entries: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # a pattern's keys and spellings, split once
        for start, end, number in candidates:
            if claimed.find(1, start, end) != -1:
                continue
            claimed[start:end] = b"\x01" * (end - start)
            surface = text[start:end]
            entry = entries.get(number)
            if entry is None:
                entry = entries[number] = (_split(self._keys[number]), _split(self._spellings[number]))
            keys, spellings = entry
            hits.append(PhraseHit(start, end, surface, keys, surface.replace("’", "'") in spellings))
        hits.sort(key=lambda h: h.start)
        return hits

    def __iter__(self) -> Iterator[str]:
        """The folded patterns."""
        for key in self._automaton.keys():  # noqa: SIM118 - an Automaton is not a dict
            yield str(key)


class SpanSet:
    """Character ranges already claimed, with a logarithmic overlap test.

    Ranges added are merged with any they overlap, so the stored ranges stay sorted
    and disjoint.
    """

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end)
        return index > 0 and self._ends[index - 1] > start

    def contains(self, offset: int) -> bool:
        index = bisect.bisect_right(self._starts, offset)
        return index > 0 and self._ends[index - 1] > offset

    def add(self, start: int, end: int) -> None:
        lo = bisect.bisect_left(self._ends, start)
        hi = bisect.bisect_right(self._starts, end)
        if lo < hi:
            start = min(start, self._starts[lo])
            end = max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]
