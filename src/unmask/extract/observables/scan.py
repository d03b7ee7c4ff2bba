"""Prefilter: find the few places in a text where an observable can be.

Real reports are mostly prose. Running the full patterns over every character
would cost ~10x more than needed, so the text is first reduced to *windows*:
whitespace-delimited tokens that hold a trigger character (``.`` or ``:`` inside a
token, ``@``, ``\\``, ``/``, brackets), long alphanumeric runs (hashes, wallets),
``CVE``/``AS`` numbers, dashed MAC addresses, user agents and spelled-out
e-mail defangs (``at … dot``). Everything outside the windows is replaced by a
filler character that no pattern accepts, so offsets are unchanged and the
pattern pass skips it at C speed.

The scan itself is the compiled core's (``rust/src/scan.rs``): one linear pass per
rule, in one call for the whole text. This module keeps the Python-facing shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from unmask import _core

__all__ = ["FILLER", "GAP", "Compact", "compact", "mask", "plain_punctuation", "windows"]

#: Stands in for text outside the windows; matched by no pattern, not a boundary.
FILLER = "\x01"

#: A gap between windows is written as at most this many fillers: no pattern looks
#: further than a few characters past a window's edge, so a longer run of fillers
#: would match exactly like this one.
GAP = 8


def windows(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges that may hold observables."""
    return _core.scan_windows(text)


def mask(text: str) -> str:
    """``text`` with everything outside :func:`windows` replaced by :data:`FILLER`.

    Each window keeps the character before it (a boundary for the patterns).
    """
    pieces: list[str] = []
    pos = 0
    for s, e in windows(text):
        s = max(s - 1, 0)
        if s < pos:
            s = pos
        if s > pos:
            pieces.append(FILLER * (s - pos))
        pieces.append(text[s:e])
        pos = e
    if pos < len(text):
        pieces.append(FILLER * (len(text) - pos))
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class Compact:
    """The windows of a text, joined by short filler runs, and the way back.

    ``text`` is :func:`mask`'s result with every run of fillers cut to at most
    :data:`GAP`; an offset ``p`` in it (inside a window) is ``p + shifts[i]`` in the
    original text, where ``i = bisect_right(starts, p) - 1``.
    """

    text: str
    starts: list[int]
    shifts: list[int]


def compact(text: str) -> Compact:
    """The windows of ``text`` (each with the character before it), gaps shortened."""
    joined, starts, shifts = _core.scan_compact(text)
    return Compact(joined, starts, shifts)


def plain_punctuation(text: str) -> str:
    """``text`` with typographic quotes and brackets (“…”, ‘…’, «…», 「…」, full-width
    parentheses) replaced one for one by ASCII, so offsets do not move: quotes become
    angle brackets, which end every pattern (an ASCII quote would not end a URL's path;
    "’" is also an apostrophe, as in "example.com/x’s")."""
    return _core.plain_punctuation(text)
