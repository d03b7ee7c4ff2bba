"""Refanging: undo defanging (``hxxp``, ``[.]``, ``(at)`` …) in one linear pass.

:func:`refang` returns the refanged text together with a map from refanged offsets
back to offsets in the original text, so that every observable's span points at
what was actually written. Schemes (``hxxp``, ``fxp``, ``meow`` …) are normalised
later, on the URL itself; here only the punctuation is restored.
"""

from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass

from unmask import _core
from unmask.reference.regexes import compile_cached

__all__ = ["Refanged", "refang", "refang_text"]

# The punctuation edits (bracketed and escaped dots, bracketed "@" and scheme colons,
# spaced "@", JSON-escaped slashes, Cisco ESA's spaced URLs, full-width dots, colons,
# slashes and "@") are the compiled core's (``rust/src/scan.rs``: ``refang_edits``);
# the spelled-out e-mail forms below are rare and stay here.

# "user at example dot com", "user [at] example dot com", "user/AT/example/DOT/com",
# matched from the character before the "at" (where :data:`_AT_HINT` finds it): a
# local-part character, up to three blanks, the "at" part, then the host.
_DOT_WORD = (
    r"\.|/DOT/|[ \t]{0,3}(?:"
    r"(?<=[ \t])(?:dot|DOT)[ \t]{1,3}"
    r"|[\[\(\{]{1,4}[ \t]{0,3}(?:\.|(?i:dot))[ \t]{0,3}[\]\)\}]{0,4}[ \t]{0,3}"
    r"|(?:\.|(?i:dot))[ \t]{0,3}[\]\)\}]{1,4}[ \t]{0,3})"
)
_LOCAL_BEFORE = r"(?:(?<=[\w.+-])|(?<=[\w.+-][ \t])|(?<=[\w.+-][ \t]{2})|(?<=[\w.+-][ \t]{3}))"
# The "at" part: a bare word (then the host needs a spelled-out dot, checked in
# _spaced_edits), a bracketed word or "@" ("[ at ]", "{@}"), "/AT/", or a plain "@"
# (when the host's dots are spelled out: "user@example dot com").
_SPACED_EMAIL = compile_cached(
    rf"""(?P<at>
        [ \t](?:(?<=[\w.+-].)|(?<=[\w.+-][ \t].)|(?<=[\w.+-][ \t]{{2}}.))(?:at|AT)[ \t]{{1,3}}
        |{_LOCAL_BEFORE}[\[\(\{{][ \t]{{0,3}}(?:at|AT|@)[ \t]{{0,3}}[\]\)\}}][ \t]{{0,3}}
        |(?<=[\w.+-])/AT/
        |{_LOCAL_BEFORE}@[ \t]{{0,3}})
    [A-Za-z0-9-]{{1,63}}
    (?:(?:{_DOT_WORD})[A-Za-z0-9-]{{1,63}}){{0,3}}
    (?:{_DOT_WORD})[A-Za-z]{{2,24}}
    (?![\w])""",
    re.VERBOSE,
)
#: A local part is at most 64 characters long.
_LONG_LOCAL = compile_cached(r"[\w.+-]{65}")
_SPACED_PART = compile_cached(r"[ \t]{1,3}(?:at|AT|dot|DOT)[ \t]{1,3}|/AT/|/DOT/")


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


# Where an "at" part can start: "␣at␣", "[at]", "/AT/" (one character class, then
# a literal: an alternation here would cost a second test at every blank); and, when
# the text spells out a dot somewhere, every "@". A hint just inside a bracket
# ("[ at ]", "[@]") is moved back to the bracket in _spaced_edits.
_AT_HINT = compile_cached(r"[ \t/\[\(\{](?:at|AT)[ \t/\]\)\}]")
_SPELLED_DOT = (" dot ", " DOT ", "/DOT/")


def _spaced_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    done = -1
    match = _SPACED_EMAIL.match
    hints = [m.start() for m in _AT_HINT.finditer(text)]
    # "user@example dot com": the "@" before each spelled-out dot (few of them).
    signs = set()
    for word in _SPELLED_DOT if "@" in text else ():
        i = text.find(word)
        while i >= 0:
            sign = text.rfind("@", max(0, i - 256), i)
            if sign >= 0:
                signs.add(sign)
            i = text.find(word, i + 1)
    for p in heapq.merge(hints, sorted(signs)) if signs else hints:
        if p < done:
            continue
        q = p
        while q > 0 and text[q - 1] in " \t" and p - q < 3:
            q -= 1
        if q > 0 and text[q - 1] in "[({":
            p = q - 1  # "[ at ]", "( @ )", "{@}": the bracketed form, from its bracket
        m = match(text, p)
        if m is None:
            continue
        at_part = m.group("at")
        end = m.end()
        if at_part[-1] in " \t" and at_part.strip(" \t").lower() == "at" and "dot" not in text[m.end("at") : end].lower():
            continue  # "page at example[.]com" is prose; a bare "at" needs a spelled-out dot
        # The blanks before the "at" part, and the local part before them (at least
        # one character, by the pattern; at most 64).
        q = p
        while q > 0 and text[q - 1] in " \t" and p - q < 3:
            q -= 1
        if q >= 65 and _LONG_LOCAL.match(text, q - 65):
            continue
        done = end
        for part in _SPACED_PART.finditer(text, q, end):
            word = part.group().strip(" \t/").lower()
            edits.append((part.start(), part.end(), "@" if word == "at" else "."))
    return edits


#: A Markdown-escaped underscore right after a slash ("/\\_ah/x" as a URL path is written
#: in Markdown): the backslash is markup, not part of the path. (After a letter or digit
#: the compiled core's escape rule already drops it.)
_SLASH_ESCAPE = "/\\_"


def _slash_escape_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    i = text.find(_SLASH_ESCAPE)
    while i >= 0:
        after = text[i + 3 : i + 4]
        if after and (after.isalnum() or after in "_-"):
            edits.append((i + 1, i + 2, ""))
        i = text.find(_SLASH_ESCAPE, i + 3)
    return edits


#: The tokens a double-quoted string on one line is read by (a YARA or Snort rule's string, a
#: JSON or C literal): an escape (a backslash and the character after it), a quote, a line end.
_STRING_TOKENS = compile_cached(r'\\[^\n\x01]|["\n\x01]')
#: Longest string whose escapes are undone (a rule's string, not a page of text).
_LITERAL_MAX = 4096


def _escaped_backslash_edits(text: str) -> list[tuple[int, int, str]]:
    """Each escaped backslash (``\\\\``) inside a quoted string whose backslashes all come in
    pairs (``"d:\\\\x\\\\y.exe"`` is the path ``d:\\x\\y.exe`` written escaped): one of the two
    goes. A string with a lone backslash (``"\\\\host\\share"``, a UNC path) is left as written.

    One pass from left to right, as a rule's parser reads its strings: a quote opens a
    string and the next unescaped quote on the line closes it (linear in the text)."""
    edits: list[tuple[int, int, str]] = []
    opening = -1
    pairs: list[int] = []
    lone = False
    for m in _STRING_TOKENS.finditer(text):
        piece = m.group()
        if piece == '"':
            if opening < 0:
                opening, pairs, lone = m.start(), [], False
                continue
            if pairs and not lone and m.start() - opening - 1 <= _LITERAL_MAX:
                edits.extend((pair, pair + 1, "") for pair in pairs)
            opening = -1
        elif piece in "\n\x01":
            opening = -1
        elif opening >= 0:
            if piece == "\\\\":
                pairs.append(m.start())
            else:
                lone = True
    return edits


def refang(text: str, *, spaced: bool | None = None) -> Refanged:
    """Refang ``text``; ``spaced`` also undoes ``user at example dot com`` (auto-detected)."""
    edits = _core.refang_edits(text)
    if _SLASH_ESCAPE in text:
        edits.extend(_slash_escape_edits(text))
        edits.sort()
    if '\\\\' in text and '"' in text:
        edits.extend(_escaped_backslash_edits(text))
        edits.sort()
    if spaced is None:
        spaced = (
            " at " in text
            or " AT " in text
            or "/AT/" in text
            or "at]" in text
            or "at)" in text
            or "at}" in text
            or "AT]" in text
            or "AT)" in text
            or "AT}" in text
            or ((" dot " in text or " DOT " in text or "/DOT/" in text) and "@" in text)
        )
    if spaced:
        edits.extend(_spaced_edits(text))
        edits.sort()
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
