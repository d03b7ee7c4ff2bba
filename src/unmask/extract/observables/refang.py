"""Refanging: undo defanging (``hxxp``, ``[.]``, ``(at)`` …) in one linear pass.

:func:`refang` returns the refanged text together with a map from refanged offsets
back to offsets in the original text, so that every observable's span points at
what was actually written. Schemes (``hxxp``, ``fxp``, ``meow`` …) are normalised
later, on the URL itself; here only the punctuation is restored.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from unmask.reference.defang import edits as refang_edits

__all__ = ["Refanged", "refang", "refang_text"]

# The edits themselves are :mod:`unmask.reference.defang`'s, shared with the normaliser of
# single values (:mod:`unmask.reference.values`): what one refangs the other does.

@dataclass(frozen=True, slots=True)
class Refanged:
    """Refanged text and the way back to the original offsets."""

    text: str
    #: ``ends[i]`` is the end (in ``text``) of replaced piece ``i`` (sorted);
    #: ``shifts[j]`` is what to add to an offset that follows ``j`` pieces to get
    #: the original offset.
    ends: tuple[int, ...] = ()
    shifts: tuple[int, ...] = (0,)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Map the refanged range ``[start, end)`` back to the original text.

        A range that starts or ends at a replaced piece's edge maps to that piece's
        edge in the original (``[.]`` stays whole); replacements are never longer
        than what they replace, so a position inside one stays inside it.
        """
        ends = self.ends
        if not ends or end < ends[0]:
            return start, end
        shifts = self.shifts
        return start + shifts[bisect.bisect_right(ends, start)], end + shifts[bisect.bisect_right(ends, end)]


def refang(text: str, *, spaced: bool | None = None) -> Refanged:
    """Refang ``text``; ``spaced`` also undoes ``user at example dot com`` (auto-detected)."""
    edits = refang_edits(text, spaced=spaced)
    if not edits:
        return Refanged(text)
    out: list[str] = []
    ends: list[int] = []
    shifts: list[int] = [0]
    pos = 0
    rpos = 0
    for s, e, rep in edits:
        if s < pos:
            continue  # overlapping edit: the first one wins
        if s > pos:
            out.append(text[pos:s])
            rpos += s - pos
        out.append(rep)
        rpos += len(rep)
        ends.append(rpos)
        shifts.append(e - rpos)  # original minus refanged offset after this piece
        pos = e
    out.append(text[pos:])
    return Refanged("".join(out), tuple(ends), tuple(shifts))


def refang_text(text: str) -> str:
    """Just the refanged text (``hxxp`` schemes are left for the URL normaliser)."""
    return refang(text).text
