"""Prefilter: find the few places in a text where an observable can be.

Real reports are mostly prose. Running the full patterns over every character
would cost ~10x more than needed, so the text is first reduced to *windows*:
whitespace-delimited tokens that hold a trigger character (``.`` or ``:`` inside a
token, ``@``, ``\\``, ``/``, brackets), long alphanumeric runs (hashes, wallets),
``CVE``/``AS`` numbers, dashed MAC addresses, user agents and spelled-out
e-mail defangs (``at … dot``). Everything outside the windows is replaced by a
filler character that no pattern accepts, so offsets are unchanged and the
pattern pass skips it at C speed. Every step is a single left-to-right scan.
"""

from __future__ import annotations

import re

__all__ = ["FILLER", "mask"]

#: Stands in for text outside the windows; matched by no pattern, not a boundary.
FILLER = "\x01"

_TRIG = re.compile(r"(?:[.:](?=[^\s])|[@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20])[^\s]*")
_SPECIAL = frozenset("[](){}@\\~")
_EXTRAS = tuple(
    re.compile(p)
    for p in (
        r"CVE[-_ ]?\d",
        r"cve[-_ ]?\d",
        r"Cve[-_ ]?\d",
        r"AS[N ]?\d",
        r"ASN \d",
        r"as[n ]?\d",
        r"asn \d",
        r"-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-",
        r"Mozilla/",
        r" dot ",
        r" DOT ",
    )
)
_RUN = re.compile(b"a" * 25)
_RUN_END = re.compile(b"a*")
_CLASS = bytes(
    ord("a") if chr(i).isascii() and chr(i).isalnum() else (32 if chr(i) in " \t\n\r\x0b\x0c" else i)
    for i in range(256)
)
_MAX_LOOK = 256


def _token_start(text: str, pos: int) -> int:
    lo = max(0, pos - _MAX_LOOK)
    return max(text.rfind(" ", lo, pos), text.rfind("\n", lo, pos), text.rfind("\t", lo, pos), lo - 1) + 1


def _token_end(text: str, pos: int) -> int:
    n = len(text)
    hi = min(n, pos + _MAX_LOOK)
    best = hi
    for ch in (" ", "\n", "\t"):
        i = text.find(ch, pos, best)
        if i >= 0:
            best = i
    return best


def _extend_left(text: str, start: int, tokens: int) -> int:
    for _ in range(tokens):
        j = start
        while j > 0 and text[j - 1] in " \t" and start - j < 8:
            j -= 1
        if j <= 0 or text[j - 1] in "\n\r":
            break
        start = _token_start(text, j)
    return start


def _extend_right(text: str, end: int, tokens: int) -> int:
    n = len(text)
    for _ in range(tokens):
        if end >= n:
            break
        j = end
        while j < n and text[j] in " \t":
            j += 1
        if j >= n or text[j] in "\n\r":
            break
        end = _token_end(text, j)
    return end


def windows(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges that may hold observables."""
    spans: list[tuple[int, int]] = []
    append = spans.append
    for m in _TRIG.finditer(text):
        p, end = m.span()
        start = _token_start(text, p)
        token = text[start:end]
        if end - start <= 4 or not _SPECIAL.isdisjoint(token):
            start = _extend_left(text, start, 3)
            end = _extend_right(text, end, 4)
        append((start, end))
    for m in (m for rx in _EXTRAS for m in rx.finditer(text)):
        p = m.start()
        g = m.group()
        if g == "Mozilla/":
            nl = text.find("\n", p, p + 600)
            append((p, nl if nl >= 0 else min(len(text), p + 600)))
        elif g[0] in " \t":
            append((_extend_left(text, p, 3), _extend_right(text, m.end(), 3)))
        else:
            append((_token_start(text, p), _extend_right(text, _token_end(text, p), 1)))
    if text.isascii():
        raw = text.encode("ascii")
    else:
        raw = text.encode("latin-1", "replace")
    cls = raw.translate(_CLASS)
    pos = 0
    search = _RUN.search
    while True:
        m = search(cls, pos)
        if m is None:
            break
        p = m.start()
        end = _RUN_END.match(cls, p).end()  # type: ignore[union-attr]
        append((_token_start(text, p), _token_end(text, end)))
        pos = end
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


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
