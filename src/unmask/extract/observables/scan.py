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

import bisect
import re

__all__ = ["FILLER", "mask"]

#: Stands in for text outside the windows; matched by no pattern, not a boundary.
FILLER = "\x01"

_TRIG = re.compile(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?=\S)[^\s]{0,4096}")
_TRIG_REV = re.compile(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?<=\S.)[^\s]{0,4096}")
_HEAD = re.compile(r"[^\s]{0,256}")
#: Defang marks written apart from their neighbours (``user @ example [.] com``,
#: ``HKLM\\Software\\Image File Execution Options``): their token's window is
#: widened to the tokens around it. One character class first, so the scan is fast.
_SPECIAL_CHARS = re.compile(
    r"""[@\\\[\](){}](?:
        (?<=@)(?=[ \t])|(?<=[ \t]@)
        |(?<=\\)(?=[A-Za-z0-9%])
        |(?<=[\[({])(?=[ \t])
        |(?<=[ \t][\])}])
        |(?<=[ \t][\[({])(?=\.|dot|DOT|at|AT|@)|(?<=[\[({])(?=(?i:dot|at)[ \t]*[\])}])
        |(?<=[.@][\])}])(?=[ \t])|(?<=[\[({ ](?i:dot)[\])}])(?=[ \t])|(?<=[\[({ ](?i:at)[\])}])(?=[ \t])
    )""",
    re.VERBOSE,
)

_EXTRAS = tuple(
    re.compile(p)
    for p in (
        r"CVE[-_ ]?\d",
        r"cve[-_ ]?\d",
        r"AS[N ]? ?\d",
        r"as[n ]? ?\d",
        r"-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-",
        r"Mozilla/",
        r" dot ",
        r" DOT ",
    )
)
#: Inline base64 payloads (``data:image/png;base64,...``) hold no observables.
_BASE64 = re.compile(r";base64,([A-Za-z0-9+/=]{64,})")
_RUN = re.compile(b"a" * 25)
_RUN_END = re.compile(b"a*")
_CLASS = bytes(
    ord("a") if chr(i).isascii() and chr(i).isalnum() else (32 if chr(i) in " \t\n\r\x0b\x0c" else i)
    for i in range(256)
)
_MAX_LOOK = 256
_SPACES = re.compile(r"[ \t\xa0]{0,8}")


class _Tokens:
    """Token boundaries around a position (white space delimits tokens)."""

    __slots__ = ("n", "rev", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.rev = text[::-1]
        self.n = len(text)

    def start(self, pos: int) -> int:
        return self.n - _HEAD.match(self.rev, self.n - pos).end()  # type: ignore[union-attr]

    def end(self, pos: int) -> int:
        return _HEAD.match(self.text, pos).end()  # type: ignore[union-attr]

    def left(self, start: int, tokens: int) -> int:
        for _ in range(tokens):
            j = self.n - _SPACES.match(self.rev, self.n - start).end()  # type: ignore[union-attr]
            if j <= 0 or self.text[j - 1] in "\n\r":
                break
            start = self.start(j)
        return start

    def right(self, end: int, tokens: int) -> int:
        for _ in range(tokens):
            j = _SPACES.match(self.text, end).end()  # type: ignore[union-attr]
            if j >= self.n or self.text[j] in "\n\r":
                break
            end = self.end(j)
        return end


def windows(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges that may hold observables."""
    tok = _Tokens(text)
    spans: list[tuple[int, int]] = []
    append = spans.append
    tstart = tok.start
    # A token's tail from its first trigger (forward) and its head up to its last
    # trigger (the same pattern on the reversed text): the two overlap and merge
    # into the whole token, with no per-token work in Python.
    n = tok.n
    spans.extend([m.span() for m in _TRIG.finditer(text)])
    spans.extend([(n - m.end(), n - m.start()) for m in _TRIG_REV.finditer(tok.rev)])
    # Defang marks that may stand apart from their neighbours widen their window.
    find = _SPECIAL_CHARS.search
    pos = 0
    while True:
        m = find(text, pos)
        if m is None:
            break
        p = m.start()
        start = tstart(p)
        end = tok.end(p)
        pos = max(end, p + 1)
        append((tok.left(start, 3), tok.right(end, 4)))
    for rx in _EXTRAS:
        covered = -1
        for m in rx.finditer(text):
            p = m.start()
            if p < covered:
                continue
            g = m.group()
            if g == "Mozilla/":
                nl = text.find("\n", p, p + 600)
                append((p, nl if nl >= 0 else min(len(text), p + 600)))
            elif g[0] == " ":
                append((tok.left(p, 3), tok.right(m.end(), 3)))
                covered = spans[-1][1]
            else:
                append((tstart(p), tok.right(tok.end(p), 1)))
    raw = text.encode("ascii") if text.isascii() else text.encode("latin-1", "replace")
    cls = raw.translate(_CLASS)
    pos = 0
    search = _RUN.search
    while True:
        run = search(cls, pos)
        if run is None:
            break
        p = run.start()
        end = _RUN_END.match(cls, p).end()  # type: ignore[union-attr]
        append((tstart(p), tok.end(end)))
        pos = end
    spans.sort()
    merged: list[tuple[int, int]] = []
    last_s, last_e = -2, -2
    for s, e in spans:
        if s <= last_e + 1:
            if e > last_e:
                last_e = e
        else:
            if last_e >= 0:
                merged.append((last_s, last_e))
            last_s, last_e = s, e
    if last_e >= 0:
        merged.append((last_s, last_e))
    return _exclude(merged, [m.span(1) for m in _BASE64.finditer(text)])


def _exclude(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` minus ``holes`` (both sorted, non-overlapping); holes are few."""
    if not holes:
        return spans
    for hs, he in holes:
        i = bisect.bisect_left(spans, (hs, -1))
        if i > 0 and spans[i - 1][1] > hs:
            i -= 1
        j = i
        pieces: list[tuple[int, int]] = []
        while j < len(spans) and spans[j][0] < he:
            s, e = spans[j]
            if s < hs:
                pieces.append((s, hs))
            if e > he:
                pieces.append((he, e))
            j += 1
        spans[i:j] = pieces
    return spans


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
