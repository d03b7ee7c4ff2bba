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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unmask.extract.observables.patterns import TYPOGRAPHIC
from unmask.reference.regexes import compile_cached

__all__ = ["FILLER", "GAP", "Compact", "compact", "mask", "plain_punctuation", "windows"]

#: Stands in for text outside the windows; matched by no pattern, not a boundary.
FILLER = "\x01"

_TRIG = compile_cached(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?=\S)[^\s]{0,4096}")
_TRIG_REV = compile_cached(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?<=\S.)[^\s]{0,4096}")
_HEAD = compile_cached(r"[^\s]{0,256}")
#: Defang marks written apart from their neighbours (``user @ example [.] com``,
#: ``HKLM\\Software\\Image File Execution Options``): their token's window is
#: widened to the tokens around it. One character class first, so the scan is fast.
_SPECIAL_CHARS = compile_cached(
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
    compile_cached(p)
    for p in (
        "CVE[-_ \u2010-\u2015\u2212]?\\d",
        "cve[-_ \u2010-\u2015\u2212]?\\d",
        r"AS[N ]? ?\d",
        r"as[n ]? ?\d",
        r"-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-",
        r"Mozilla/",
        r"%3[Aa]%2[Ff]%2[Ff]",
        r"://(?:[ \t]|[A-Za-z0-9-]{1,63}[ \t]\.)",
        r" dot ",
        r" DOT ",
    )
)
#: Inline base64 payloads (``data:image/png;base64,...``) hold no observables.
_BASE64 = compile_cached(r";base64,([A-Za-z0-9+/=]{64,})")
_MAX_LOOK = 256
#: One step to the next token (towards the end of the text, or of the reversed
#: text): up to 8 blanks, not across a line break or past the end, then the token
#: (at most 256 characters). Atomic, so a step either happens whole or not at all.
_STEP = r"(?>[ \t\xa0]{0,8})(?![\n\r]|\Z)(?>[^\s]{0,256})"
_STEPS = {k: compile_cached(f"(?:{_STEP}){{0,{k}}}+") for k in (1, 3, 4)}
_TOKEN_STEPS = {k: compile_cached(f"(?P<tok>(?>[^\\s]{{0,256}}))(?:{_STEP}){{0,{k}}}+") for k in (0, 1, 2, 3, 4)}


#: How far a walk to the left can go: one token and three more steps.
_REACH = _MAX_LOOK + 3 * (8 + _MAX_LOOK) + 64


class _Tokens:
    """Token boundaries around a position (white space delimits tokens).

    Walks to the left run the patterns on a reversed slice just long enough for
    the walk (never the whole text reversed).
    """

    __slots__ = ("n", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def _back(self, pattern: re.Pattern[str], pos: int) -> re.Match[str]:
        """``pattern`` matched leftwards from ``pos`` (on the reversed text before it)."""
        return pattern.match(self.text[max(0, pos - _REACH) : pos][::-1])  # type: ignore[return-value]

    def start(self, pos: int) -> int:
        """Start of the token that ends at ``pos`` (at most 256 characters back)."""
        return pos - self._back(_HEAD, pos).end()

    def end(self, pos: int) -> int:
        """End of the token that starts at ``pos`` (at most 256 characters on)."""
        return _HEAD.match(self.text, pos).end()  # type: ignore[union-attr]

    def left(self, start: int, tokens: int) -> int:
        """``start`` moved back over up to ``tokens`` tokens on the same line."""
        return start - self._back(_STEPS[tokens], start).end()

    def right(self, end: int, tokens: int) -> int:
        """``end`` moved on over up to ``tokens`` tokens on the same line."""
        return _STEPS[tokens].match(self.text, end).end()  # type: ignore[union-attr]

    def widen(self, pos: int, left: int, right: int) -> tuple[int, int, int]:
        """(``left(start(pos), left)``, ``end(pos)``, ``right(end(pos), right)``)."""
        on = _TOKEN_STEPS[right].match(self.text, pos)
        return pos - self._back(_TOKEN_STEPS[left], pos).end(), on.end("tok"), on.end()  # type: ignore[union-attr]


#: Character classes for the vectorised scans (one byte per character).
_OTHER, _SPACE, _TRIGGER, _ALNUM = 0, 1, 2, 3
_TRIGGERS = ".:@\\[]{}/"
#: ``\s`` of a ``str`` pattern (``str.isspace``): the Latin-1 ones and the rest.
_LATIN1_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0"
_WIDE_SPACES = "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_WIDE_TRIGGERS = "\u3002\uff0e\uff61\uff1a\uff20"
_WIDE = compile_cached(f"[{_WIDE_SPACES}{_WIDE_TRIGGERS}]")
_WIDE_LOW = min(map(ord, _WIDE_SPACES + _WIDE_TRIGGERS))
_WIDE_SPACE_CODES = np.array([ord(c) for c in _WIDE_SPACES], dtype=np.uint16)
_WIDE_TRIGGER_CODES = np.array([ord(c) for c in _WIDE_TRIGGERS], dtype=np.uint16)
_CLASSES = bytes(
    _SPACE
    if chr(i) in _LATIN1_SPACES
    else _TRIGGER
    if chr(i) in _TRIGGERS
    else _ALNUM
    if chr(i).isascii() and chr(i).isalnum()
    else _OTHER
    for i in range(256)
)
#: Kinds of :data:`_SPECIAL_CHARS` characters, and what must stand next to them.
_K_AT, _K_BACKSLASH, _K_OPEN, _K_CLOSE = 1, 2, 3, 4
_SPECIAL_KINDS = bytes(
    {"@": _K_AT, "\\": _K_BACKSLASH, "[": _K_OPEN, "(": _K_OPEN, "{": _K_OPEN, "]": _K_CLOSE, ")": _K_CLOSE, "}": _K_CLOSE}.get(
        chr(i), 0
    )
    for i in range(256)
)


def _byte_set(chars: str) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


_IS_BLANK = _byte_set(" \t")
_AFTER_BACKSLASH = _byte_set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%")
_DOT_AT = _byte_set(".@")
_IS_D, _IS_O, _IS_T, _IS_A = _byte_set("dD"), _byte_set("oO"), _byte_set("tT"), _byte_set("aA")
#: The trigger pattern covers a token in one match unless the token is longer.
_TRIG_SPAN = 4097
_MIN_RUN = 25


def _classes(text: str, raw: bytes) -> npt.NDArray[np.uint8]:
    """One class byte per character of ``text`` (space, trigger, ASCII alnum, other).

    ``raw`` is ``text`` in Latin-1 with "?" for the rest (one byte per character).
    """
    if text.isascii():
        return np.frombuffer(raw.translate(_CLASSES), dtype=np.uint8)
    # The few wide spaces and trigger look-alikes are patched in afterwards.
    cls = np.frombuffer(bytearray(raw.translate(_CLASSES)), dtype=np.uint8)
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) == 2 * len(text):
        # No character beyond the BMP: UTF-16 units are the characters.
        codes = np.frombuffer(units, dtype=np.uint16)
        wide = np.flatnonzero(codes >= _WIDE_LOW)
        if len(wide):
            found = codes[wide]
            cls[wide[np.isin(found, _WIDE_SPACE_CODES)]] = _SPACE
            cls[wide[np.isin(found, _WIDE_TRIGGER_CODES)]] = _TRIGGER
    else:
        for m in _WIDE.finditer(text):
            cls[m.start()] = _SPACE if m.group() in _WIDE_SPACES else _TRIGGER
    return cls


def windows(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges that may hold observables."""
    w_start, w_end = _window_arrays(text)
    return list(zip(w_start.tolist(), w_end.tolist(), strict=True))


_Ints = npt.NDArray[np.int64]


def _window_arrays(text: str) -> tuple[_Ints, _Ints]:
    """:func:`windows` as two arrays (starts, ends)."""
    n = len(text)
    raw = text.encode("ascii") if text.isascii() else text.encode("latin-1", "replace")
    cls = _classes(text, raw)
    space = cls == _SPACE
    # Sorted positions of white space, with sentinels: token bounds by bisection.
    spaces = np.flatnonzero(space)
    before = np.concatenate(([-1], spaces))
    after = np.concatenate((spaces, [n]))
    starts: list[npt.NDArray[np.int64]] = []
    ends: list[npt.NDArray[np.int64]] = []
    # Tokens with a trigger character followed by a non-space: the whole token
    # (what _TRIG and _TRIG_REV cover between them for a token shorter than
    # _TRIG_SPAN; longer ones are scanned with the patterns themselves).
    trig = np.flatnonzero((cls[:-1] == _TRIGGER) & ~space[1:])
    if len(trig):
        i = np.searchsorted(spaces, trig)
        keep = np.empty(len(i), dtype=bool)
        keep[0] = True
        np.not_equal(i[1:], i[:-1], out=keep[1:])
        i = i[keep]
        t_start = before[i] + 1
        t_end = after[i]
        long = t_end - t_start > _TRIG_SPAN
        if long.any():
            extra: list[tuple[int, int]] = []
            for s, e in zip(t_start[long].tolist(), t_end[long].tolist(), strict=True):
                extra.extend(m.span() for m in _TRIG.finditer(text, s, e))
                # The token reversed (white space or nothing on either side of it).
                extra.extend((e - m.end(), e - m.start()) for m in _TRIG_REV.finditer(text[s:e][::-1]))
            short = ~long
            t_start, t_end = t_start[short], t_end[short]
            if extra:
                starts.append(np.array([x for x, _ in extra], dtype=np.int64))
                ends.append(np.array([y for _, y in extra], dtype=np.int64))
        starts.append(t_start)
        ends.append(t_end)
    # Runs of 25+ ASCII letters and digits (hashes, wallets) widened to their token
    # (at most 256 characters each side, as _Tokens does).
    alnum = np.concatenate(([False], cls == _ALNUM, [False]))
    edges = np.flatnonzero(alnum[1:] != alnum[:-1])
    run_s, run_e = edges[0::2], edges[1::2]
    keep = run_e - run_s >= _MIN_RUN
    if keep.any():
        run_s, run_e = run_s[keep], run_e[keep]
        prev = before[np.searchsorted(spaces, run_s)]
        starts.append(run_s - np.minimum(run_s - prev - 1, _MAX_LOOK))
        nxt = after[np.searchsorted(spaces, run_e)]
        ends.append(run_e + np.minimum(nxt - run_e, _MAX_LOOK))
    spans = _marks(text, raw)
    if spans:
        starts.append(np.array([x for x, _ in spans], dtype=np.int64))
        ends.append(np.array([y for _, y in spans], dtype=np.int64))
    if not starts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    all_s = np.concatenate(starts)
    all_e = np.concatenate(ends)
    order = np.argsort(all_s, kind="stable")
    all_s = all_s[order]
    reach = np.maximum.accumulate(all_e[order])
    # A new window where a span starts more than one character past all before it.
    new = np.empty(len(all_s), dtype=bool)
    new[0] = True
    np.greater(all_s[1:], reach[:-1] + 1, out=new[1:])
    first = np.flatnonzero(new)
    last = np.concatenate((first[1:], [len(all_s)])) - 1
    w_start, w_end = all_s[first], reach[last]
    holes = [m.span(1) for m in _BASE64.finditer(text)]
    if holes:
        merged = _exclude(list(zip(w_start.tolist(), w_end.tolist(), strict=True)), holes)
        w_start = np.array([x for x, _ in merged], dtype=np.int64)
        w_end = np.array([y for _, y in merged], dtype=np.int64)
    return w_start, w_end


def _special_candidates(raw: bytes) -> list[int]:
    """Positions where :data:`_SPECIAL_CHARS` may match (a superset), from the bytes.

    ``raw`` has one byte per character (Latin-1, "?" for the rest). Each
    alternative of the pattern is a special character with a blank, a letter of
    "dot"/"at", a dot or an "@" next to it; these are checked on whole arrays.
    """
    codes = np.frombuffer(raw, dtype=np.uint8)
    kinds = np.frombuffer(raw.translate(_SPECIAL_KINDS), dtype=np.uint8)
    cand = np.flatnonzero(kinds)
    if not len(cand):
        return []
    pad = np.zeros(3, dtype=np.uint8)
    padded = np.concatenate((pad, codes, pad))
    at = cand + 3  # positions in ``padded``
    kind = kinds[cand]
    n1, n2, n3 = padded[at + 1], padded[at + 2], padded[at + 3]
    p1, p2, p3 = padded[at - 1], padded[at - 2], padded[at - 3]
    dot_at_word = (_IS_D[n1] & _IS_O[n2] & _IS_T[n3]) | (_IS_A[n1] & _IS_T[n2])  # [dot [at
    word_dot_at = _IS_T[p1] & ((_IS_O[p2] & _IS_D[p3]) | _IS_A[p2])  # dot] at]
    ok = (
        ((kind == _K_AT) & (_IS_BLANK[n1] | _IS_BLANK[p1]))
        | ((kind == _K_BACKSLASH) & _AFTER_BACKSLASH[n1])
        | ((kind == _K_OPEN) & (_IS_BLANK[n1] | dot_at_word | (_IS_BLANK[p1] & _DOT_AT[n1])))
        | ((kind == _K_CLOSE) & (_IS_BLANK[p1] | (_IS_BLANK[n1] & (_DOT_AT[p1] | word_dot_at))))
    )
    return cand[ok].tolist()  # type: ignore[no-any-return]


def _marks(text: str, raw: bytes) -> list[tuple[int, int]]:
    """Spans around spaced defang marks and the extra patterns (few; found by regex)."""
    spans: list[tuple[int, int]] = []
    append = spans.append
    tok: _Tokens | None = None
    # Defang marks that may stand apart from their neighbours widen their window.
    match = _SPECIAL_CHARS.match
    pos = 0
    for p in _special_candidates(raw):
        if p < pos or match(text, p) is None:
            continue
        if tok is None:
            tok = _Tokens(text)
        start, end, wide_end = tok.widen(p, 3, 4)
        pos = max(end, p + 1)
        append((start, wide_end))
    for rx in _EXTRAS:
        covered = -1
        for m in rx.finditer(text):
            p = m.start()
            if p < covered:
                continue
            if tok is None:
                tok = _Tokens(text)
            g = m.group()
            if g.startswith("://"):
                # Cisco ESA's "http:// example .com /path": the host and path follow.
                start, _, wide_end = tok.widen(p, 0, 4)
                append((start, wide_end))
            elif g == "Mozilla/":
                nl = text.find("\n", p, p + 600)
                append((p, nl if nl >= 0 else min(len(text), p + 600)))
            elif g[0] == " ":
                append((tok.left(p, 3), tok.right(m.end(), 3)))
                covered = spans[-1][1]
            else:
                # "CVE 2021 44228", "AS 13335": the number may be two tokens on.
                start, _, wide_end = tok.widen(p, 0, 2)
                append((start, wide_end))
    return spans


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


#: A gap between windows is written as at most this many fillers: no pattern looks
#: further than a few characters past a window's edge, so a longer run of fillers
#: would match exactly like this one.
GAP = 8
_FILLS = [FILLER * i for i in range(GAP + 1)]


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
    w_start, w_end = _window_arrays(text)
    if not len(w_start):
        return Compact(_FILLS[min(len(text), GAP)], [0], [0])
    # Each window keeps the character before it, but never overlaps the one before.
    prev_end = np.concatenate(([0], w_end[:-1]))
    start = np.maximum(np.maximum(w_start - 1, 0), prev_end)
    gap = start - prev_end
    fill = np.minimum(gap, GAP)
    length = w_end - start
    c_start = np.cumsum(fill + length) - length  # where each window's text begins
    fills = _FILLS
    text_pieces = [
        fills[g] + text[s:e] for g, s, e in zip(fill.tolist(), start.tolist(), w_end.tolist(), strict=True)
    ]
    tail = len(text) - int(w_end[-1])
    if tail > 0:
        text_pieces.append(fills[min(tail, GAP)])
    # One entry per window after a gap (a window right after another shares its shift).
    new = gap > 0
    starts = [0, *c_start[new].tolist()]
    shifts = [0, *(start - c_start)[new].tolist()]
    return Compact("".join(text_pieces), starts, shifts)


#: Code point -> its ASCII stand-in (0: none), for the Basic Multilingual Plane.
_TYPO_TABLE = np.zeros(0x10000, dtype=np.uint32)
_TYPO_TABLE[[ord(c) for c in TYPOGRAPHIC]] = [ord(c) for c in TYPOGRAPHIC.values()]
_TYPO_LOW = min(map(ord, TYPOGRAPHIC))


def plain_punctuation(text: str) -> str:
    """``text`` with typographic quotes and brackets replaced one for one by ASCII
    (:data:`~unmask.extract.observables.patterns.TYPOGRAPHIC`); offsets do not move.

    Vectorised: a regex over every character cost several times as much.
    """
    if text.isascii():
        return text
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = np.flatnonzero(codes >= _TYPO_LOW)
    if not len(wide):
        return text
    replacement = _TYPO_TABLE[np.minimum(codes[wide], 0xFFFF)]
    hit = replacement != 0
    if not hit.any():
        return text
    # Splice the few replacements in (decoding the whole array back costs more).
    pieces: list[str] = []
    pos = 0
    for p, code in zip(wide[hit].tolist(), replacement[hit].tolist(), strict=True):
        pieces.append(text[pos:p])
        pieces.append(chr(code))
        pos = p + 1
    pieces.append(text[pos:])
    return "".join(pieces)
