"""Refanging: undo defanging (``hxxp``, ``[.]``, ``(at)`` …) in one linear pass.

:func:`refang` returns the refanged text together with a map from refanged offsets
back to offsets in the original text, so that every observable's span points at
what was actually written. Schemes (``hxxp``, ``fxp``, ``meow`` …) are normalised
later, on the URL itself; here only the punctuation is restored.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Refanged", "refang", "refang_text"]

_OPEN = r"[\[\(\{]"
_CLOSE = r"[\]\)\}]"
_SP = r"[ \t]{0,3}"

# Every alternative starts with a rare character (a bracket, a backslash, '@', '.',
# or a full-width look-alike), so the scanner skips plain text quickly; each
# repetition is bounded and runs only start at the beginning of a run, so the
# pass stays linear on hostile input.
_DEFANG = re.compile(
    rf"""
    (?P<odot>(?<!{_OPEN}){_OPEN}{{1,8}}{_SP}(?:\.|(?i:dot)){_SP}{_CLOSE}{{0,8}}(?:[ \t]{{1,3}}(?=[A-Za-z0-9]))?)
    |(?P<cdot>\.{_SP}{_CLOSE}{{1,8}}(?:[ \t]{{1,3}}(?=[A-Za-z0-9]))?)
    |(?P<at>(?<!{_OPEN}){_OPEN}{{1,4}}{_SP}(?:@|(?i:at)){_SP}{_CLOSE}{{1,4}}[ \t]{{0,3}})
    |(?P<colon>{_OPEN}(?::|://|:/|/|:\\\\){_CLOSE}|{_OPEN}/(?=[A-Za-z0-9]))
    |(?P<bslash>(?<!\\)\\+(?=[._]))
    |(?P<spat>@[ \t]{{0,3}}(?=[A-Za-z0-9\[]))
    |(?P<wide>[\u3002\uff0e\uff61\uff1a\uff0f\uff20])
    """,
    re.VERBOSE,
)
_WIDE = {"\u3002": ".", "\uff0e": ".", "\uff61": ".", "\uff1a": ":", "\uff0f": "/", "\uff20": "@"}
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

# "user at example dot com", "user [at] example dot com", "user/AT/example/DOT/com"
_SPACED_EMAIL = re.compile(
    r"""(?<![\w.+-])[\w.+-]{1,64}
    (?P<at>[ \t]{1,3}(?:at|AT)[ \t]{1,3}|[ \t]{0,3}[\[\(\{][ \t]{0,3}(?:at|AT|@)[ \t]{0,3}[\]\)\}][ \t]{0,3}|/AT/)
    [A-Za-z0-9-]{1,63}
    (?:(?P<dot>[ \t]{1,3}(?:dot|DOT)[ \t]{1,3}|/DOT/|[ \t]{0,3}[\[\(\{][ \t]{0,3}(?:dot|DOT|\.)[ \t]{0,3}[\]\)\}][ \t]{0,3})[A-Za-z0-9-]{1,63}){1,4}
    (?![\w])""",
    re.VERBOSE,
)
_SPACED_PART = re.compile(r"[ \t]{1,3}(?:at|AT|dot|DOT)[ \t]{1,3}|/AT/|/DOT/")


@dataclass(frozen=True, slots=True)
class Refanged:
    """Refanged text and the way back to the original offsets."""

    text: str
    #: Sorted starts (in ``text``) of the replaced pieces, and for each piece its
    #: end in ``text`` and its range in the original.
    starts: tuple[int, ...]
    pieces: tuple[tuple[int, int, int, int], ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Map the refanged range ``[start, end)`` back to the original text."""
        return self._map(start, True), self._map(end, False)

    def _map(self, pos: int, is_start: bool) -> int:
        if not self.starts:
            return pos
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos
        r_start, r_end, o_start, o_end = self.pieces[i]
        if pos >= r_end and not (pos == r_end and not is_start):
            return o_end + (pos - r_end)
        if pos == r_end:
            return o_end
        if pos == r_start:
            return o_start
        # Inside a replacement: clamp to the piece.
        return o_start if is_start else o_end


def _edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    n = len(text)
    for m in _DEFANG.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "odot" or kind == "cdot":
            # A bracketed dot joins two labels: alnum before (maybe after spaces),
            # alnum after.
            s = start
            while s > 0 and text[s - 1] in " \t" and start - s < 4:
                s -= 1
            if s == 0 or text[s - 1] not in _ALNUM:
                continue
            if end >= n or text[end] not in _ALNUM:
                continue
            if s != start and kind == "odot" and m.group()[0] not in "[({":
                continue
            edits.append((s, end, "."))
        elif kind == "at":
            s = start
            while s > 0 and text[s - 1] in " \t" and start - s < 4:
                s -= 1
            if s == 0 or text[s - 1] not in _ALNUM and text[s - 1] not in ".+":
                continue
            edits.append((s, end, "@"))
        elif kind == "spat":
            s = start
            while s > 0 and text[s - 1] in " \t" and start - s < 4:
                s -= 1
            if s == start and end == start + 1:
                continue  # a plain '@'
            if s == 0 or (text[s - 1] not in _ALNUM and text[s - 1] not in ".+"):
                continue
            edits.append((s, end, "@"))
        elif kind == "colon":
            g = m.group()
            inner = g[1:-1] if g[-1] in "])}" else g[1:]
            edits.append((start, end, inner.replace("\\\\", "//")))
        elif kind == "bslash":
            if start == 0 or text[start - 1] not in _ALNUM:
                continue
            if end + 1 >= n or text[end + 1] not in _ALNUM:
                continue
            edits.append((start, end, ""))
        else:  # wide look-alikes
            if start == 0 or end >= n or text[start - 1] not in _ALNUM or text[end] not in _ALNUM:
                if not (m.group() == "\uff1a" and text[end : end + 2] == "//"):
                    continue
            edits.append((start, end, _WIDE[m.group()]))
    return edits


_AT_HINT = re.compile(r"[ \t/\[\(\{](?:at|AT)[ \t/\]\)\}]")


def _spaced_edits(text: str) -> list[tuple[int, int, str]]:
    edits: set[tuple[int, int, str]] = set()
    done = -1
    for hint in _AT_HINT.finditer(text):
        p = hint.start()
        if p < done:
            continue
        for m in _SPACED_EMAIL.finditer(text, max(0, p - 66), min(len(text), p + 400)):
            if not m.start("at") <= p < m.end("at"):
                continue
            done = m.end()
            for part in _SPACED_PART.finditer(text, m.start(), m.end()):
                word = part.group().strip(" \t/").lower()
                edits.add((part.start(), part.end(), "@" if word == "at" else "."))
            break
    return sorted(edits)


def refang(text: str, *, spaced: bool | None = None) -> Refanged:
    """Refang ``text``; ``spaced`` also undoes ``user at example dot com`` (auto-detected)."""
    edits = _edits(text)
    if spaced is None:
        spaced = " at " in text or " AT " in text or "/AT/" in text or "at]" in text or "at)" in text
    if spaced:
        edits.extend(_spaced_edits(text))
        edits.sort()
    if not edits:
        return Refanged(text, (), ())
    out: list[str] = []
    starts: list[int] = []
    pieces: list[tuple[int, int, int, int]] = []
    pos = 0
    rpos = 0
    for s, e, rep in edits:
        if s < pos:
            continue  # overlapping edit: the first one wins
        if s > pos:
            out.append(text[pos:s])
            rpos += s - pos
        out.append(rep)
        starts.append(rpos)
        pieces.append((rpos, rpos + len(rep), s, e))
        rpos += len(rep)
        pos = e
    out.append(text[pos:])
    return Refanged("".join(out), tuple(starts), tuple(pieces))


def refang_text(text: str) -> str:
    """Just the refanged text (``hxxp`` schemes are left for the URL normaliser)."""
    return refang(text).text
