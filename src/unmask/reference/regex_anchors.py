"""Where a pattern's matches can start, found for a whole document in one pass.

Python's engine tries a pattern at every position of the string it searches; a pattern
that opens with a word boundary, a look-behind or an alternation gets no fast skip, and
on a long document almost all of its time goes to positions where it cannot match (the
targets stage's cue pattern cost half a microsecond per character).

:func:`prefixes` reads, from a pattern's own parse tree (:mod:`re._parser`), the short
strings that every match of it begins with (folded as :func:`anchor_fold` folds text).
:class:`Anchors` finds the prefixes of several patterns in a document at once (one
Aho-Corasick pass over its folded text) and tries each pattern only where one of its
prefixes starts: :meth:`Anchors.finditer` and :meth:`Anchors.search` give exactly what
the pattern's own ``finditer`` and ``search`` give on the document or on a slice of it,
since every position where a match can start is tried, with the whole string around it
(look-behinds and word boundaries see what they see in a plain search). A pattern whose
matches may start anywhere (an opening character class, a dot) is run as it is.

The text is folded with :func:`~unmask.reference.phrase_index.fold` (its length kept;
the gazetteers' fold of the document, shared), each blank becomes " " (a prefix may run
through ``\\s``: "to fund", "the country"), and the three letters that ``re.IGNORECASE``
also matches to an ASCII letter and that lower-casing leaves apart ("ı", "İ" for "i",
"ſ" for "s") become that letter, so an ignore-case prefix is found wherever the engine
could match it (the Kelvin sign folds to "k" already). Case-sensitive prefixes are
looked for folded too: more places to try, never fewer.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

import ahocorasick

from unmask.reference.phrase_index import fold_document
from unmask.reference.regexes import compile_cached

try:  # CPython's parser: what the engine is compiled from
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - not CPython: every pattern runs as it is
    _parser = None

__all__ = ["Anchors", "anchor_fold", "prefixes", "required"]

#: How many characters of each match's start are read (longer prefixes: fewer places to try).
_DEPTH = 6
#: More prefixes than this and the pattern is run as it is.
_MOST = 20000
#: A character class of more characters than this ends a prefix.
_WIDEST_CLASS = 8
#: Characters that ``re.IGNORECASE`` matches to an ASCII letter and that ``str.lower``
#: keeps apart from it (every other such character lower-cases to the letter).
_IGNORECASE_EXTRA = (("ı", "i"), ("İ", "i"), ("ſ", "s"))
#: What ``\s`` matches in a str pattern (each folds to itself; checked against the engine
#: in the tests): a prefix may run on through a blank ("to fund", "in our").
SPACES = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                   "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_BLANKS = re.compile("[" + "".join(sorted(SPACES - {" "})) + "]")
_RARE_BLANK = re.compile("[" + "".join(sorted(SPACES - {" ", "\n", "\t", "\r"})) + "]")


def anchor_fold(text: str) -> str:
    """``text`` folded for prefix look-up: :func:`~unmask.reference.phrase_index.fold`, then "ı", "İ" → "i", "ſ" → "s" and
    every blank (:data:`SPACES`) → " " (same length: each offset is the text's)."""
    folded = fold_document(text)
    for odd, letter in _IGNORECASE_EXTRA:
        if odd in folded:
            folded = folded.replace(odd, letter)
    if _RARE_BLANK.search(folded):
        return _BLANKS.sub(" ", folded)
    return folded.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def _fold_char(code: int) -> str | None:
    """One literal character as :func:`anchor_fold` folds text, or None where a prefix must
    end (a character outside ASCII, whose case-insensitive matches are not all folded alike)."""
    char = chr(code)
    if char == "’":
        return "'"
    if char in SPACES:
        return " "
    if code >= 128:
        return None
    return char.lower()


def _class_chars(items: Sequence[tuple[object, object]]) -> set[str] | None:
    r"""The folded characters a character class matches, or None when it is wide or open
    (the blanks of ``\s`` as one, " ")."""
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            assert isinstance(av, int)
            folded = _fold_char(av)
            if folded is None:
                return None
            chars.add(folded)
        elif op is _c.RANGE:
            assert isinstance(av, tuple)
            low, high = av
            if high - low >= _WIDEST_CLASS:
                return None
            for code in range(low, high + 1):
                folded = _fold_char(code)
                if folded is None:
                    return None
                chars.add(folded)
        elif op is _c.CATEGORY and av is _c.CATEGORY_SPACE:
            chars.add(" ")
        else:  # another category (\w, \d), a negation
            return None
        if len(chars) > _WIDEST_CLASS:
            return None
    return chars


def _starts(items: list[tuple[object, object]], depth: int) -> set[str]:
    """Strings (at most ``depth`` long) one of which begins every match of ``items``; ""
    where a match may begin with anything."""
    if depth == 0 or not items:
        return {""}
    op, av = items[0]
    rest = items[1:]
    if op is _c.ASSERT_NOT and not len(av[1]):  # type: ignore[index]  # "(?!)": no match at all
        return set()
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: the match starts after it anyway
        return _starts(rest, depth)
    if op is _c.LITERAL:
        assert isinstance(av, int)
        char = _fold_char(av)
        if char is None:
            return {""}
        return {char + tail for tail in _starts(rest, depth - 1)}
    if op is _c.IN:
        assert isinstance(av, list)
        chars = _class_chars(av)
        if chars is None:
            return {""}
        tails = _starts(rest, depth - 1)
        return {char + tail for char in chars for tail in tails}
    if op is _c.SUBPATTERN:
        assert isinstance(av, tuple)
        return _starts([*av[-1], *rest], depth)
    if op is _c.ATOMIC_GROUP:
        return _starts([*av, *rest], depth)  # type: ignore[misc]
    if op is _c.BRANCH:
        assert isinstance(av, tuple)
        out: set[str] = set()
        for alternative in av[1]:
            out |= _starts([*alternative, *rest], depth)
            if len(out) > _MOST:
                return {""}
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        assert isinstance(av, tuple)
        low, high, body = av
        if low == high == 1:
            return _starts([*body, *rest], depth)
        if low >= 1:  # the body, then the repeat with one fewer, then what follows
            fewer = (op, (low - 1, high if high == _c.MAXREPEAT else high - 1, body))
            return _starts([*body, fewer, *rest], depth)
        # none of it, or the body once, then anything (more of it, or what follows)
        return _starts(rest, depth) | _starts([*body, (_c.ANY, None)], depth)
    return {""}  # any character, a category, a back-reference: the prefix ends here


@functools.lru_cache(maxsize=256)
def prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The folded strings one of which every match of ``pattern`` begins with, none of them
    the start of another; None when a match may begin with any character."""
    if _parser is None:  # pragma: no cover - not CPython
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):  # pragma: no cover - a pattern the parser reads differently
        return None
    found = _starts(list(parsed), _DEPTH)
    if "" in found or len(found) > _MOST:
        return None
    # "at" makes "atta" redundant: the shortest of each chain is kept, so no two prefixes
    # of one pattern start at one place.
    return frozenset(prefix for prefix in found if not any(prefix[:cut] in found for cut in range(1, len(prefix))))


@functools.lru_cache(maxsize=16)
def _automaton(patterns: tuple[re.Pattern[str], ...]) -> ahocorasick.Automaton | None:
    """One automaton over the prefixes of ``patterns``: each prefix maps to its length less
    one (its start from its last character) and the numbers of the patterns it starts."""
    table: dict[str, list[int]] = {}
    for number, pattern in enumerate(patterns):
        for prefix in prefixes(pattern) or ():
            table.setdefault(prefix, []).append(number)
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    for prefix, numbers in table.items():
        automaton.add_word(prefix, (len(prefix) - 1, tuple(numbers)))
    automaton.make_automaton()
    return automaton


class Anchors:
    """The places where each of ``patterns`` can start a match in ``text``.

    Built in one pass over the folded text; :meth:`finditer` and :meth:`search` then run a
    pattern at those places only, on the text or on any slice of it (``offset`` is where
    the slice starts in the text).
    """

    __slots__ = ("_numbers", "_starts")

    def __init__(self, text: str, patterns: Sequence[re.Pattern[str]]) -> None:
        patterns = tuple(patterns)
        self._numbers = {pattern: number for number, pattern in enumerate(patterns)}
        starts: list[list[int] | None] = [[] if prefixes(p) is not None else None for p in patterns]
        automaton = _automaton(patterns)
        if automaton is not None and text:
            appends = [found.append if found is not None else None for found in starts]
            for end, (back, numbers) in automaton.iter(anchor_fold(text)):
                for number in numbers:
                    appends[number](end - back)  # type: ignore[misc]
            for found in starts:
                if found is not None:
                    found.sort()
        self._starts = starts

    def starts(self, pattern: re.Pattern[str]) -> list[int] | None:
        """Where a match of ``pattern`` may start in the text (sorted), or None: anywhere."""
        return self._starts[self._numbers[pattern]]

    def finditer(
        self, pattern: re.Pattern[str], string: str, offset: int = 0, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(string, pos, endpos)``, where ``string`` is
        ``text[offset:offset + len(string)]``."""
        starts = self._starts[self._numbers[pattern]]
        end = len(string) if endpos is None else max(0, min(endpos, len(string)))
        if starts is None:
            yield from pattern.finditer(string, pos, end)
            return
        match = pattern.match
        at = max(0, pos)
        index = bisect.bisect_left(starts, offset + at)
        count = len(starts)
        while index < count:
            start = starts[index] - offset
            index += 1
            if start >= end:
                return
            if start < at:
                continue
            found = match(string, start, end)
            if found is not None:
                yield found
                at = found.end()  # (never empty: a match holds its prefix)
                index = bisect.bisect_left(starts, offset + at, index)

    def search(
        self, pattern: re.Pattern[str], string: str, offset: int = 0, pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """``pattern.search(string, pos, endpos)``, where ``string`` is
        ``text[offset:offset + len(string)]``."""
        return next(self.finditer(pattern, string, offset, pos, endpos), None)


#: A pattern is given a :func:`required` gate only when each of its strings is this long.
_SHORTEST_REQUIRED = 4


def _required(items: Sequence[tuple[object, object]]) -> frozenset[str] | None:
    """Literal strings one of which every match of the sequence ``items`` contains (as
    written in the pattern), or None when no such set is known. Of the sets its elements
    give (each run of literals; each group, alternation or repeat that must match once),
    the one whose shortest string is longest."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            assert isinstance(av, int)
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        found: frozenset[str] | None = None
        if op is _c.SUBPATTERN:
            assert isinstance(av, tuple)
            if not av[1] and not av[2]:  # no flags set or cleared inside
                found = _required(av[-1])
        elif op is _c.ATOMIC_GROUP:
            found = _required(av)  # type: ignore[arg-type]
        elif op is _c.BRANCH:
            assert isinstance(av, tuple)
            union: set[str] = set()
            for alternative in av[1]:
                part = _required(alternative)
                if part is None:
                    union = set()
                    break
                union |= part
            found = frozenset(union) if union else None
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            assert isinstance(av, tuple)
            if av[0] >= 1:
                found = _required(av[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset(["".join(run)]))
    if not candidates:
        return None
    return max(candidates, key=lambda strings: (min(map(len, strings)), -len(strings)))


@functools.lru_cache(maxsize=256)
def required(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern (the strings of :func:`_required`, with ``pattern``'s own flags) that
    finds something in every text ``pattern`` finds a match in: where it finds nothing,
    ``pattern`` need not be run. None when no such strings of at least
    :data:`_SHORTEST_REQUIRED` characters are known (or the pattern is not str)."""
    if _parser is None or not isinstance(pattern.pattern, str):  # pragma: no cover - not CPython
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):  # pragma: no cover - a pattern the parser reads differently
        return None
    if parsed.state.flags & ~(re.IGNORECASE | re.UNICODE | re.ASCII):  # flags that change what a literal is
        return None
    strings = _required(list(parsed))
    if not strings or min(map(len, strings)) < _SHORTEST_REQUIRED:
        return None
    # (a string holding another is found where the shorter one is)
    kept = sorted(w for w in strings if not any(o != w and o in w for o in strings))
    return compile_cached("|".join(re.escape(w) for w in kept), pattern.flags & (re.IGNORECASE | re.ASCII))
