"""The refang edits every normaliser shares: the extractor's pass over a text and the one
normaliser of single values (:mod:`unmask.reference.values`).

:func:`edits` lists ``(start, end, replacement)`` edits of a text, sorted: the compiled
core's punctuation edits (bracketed and escaped dots, bracketed "@" and scheme colons,
spaced "@", JSON-escaped slashes, Cisco ESA's spaced URLs, full-width punctuation:
``rust/src/scan.rs``) and the rarer ones kept here: spelled-out e-mail forms ("user at
example dot com"), a Markdown-escaped underscore after a slash, and escaped backslashes
in a quoted string whose backslashes all come in pairs. :func:`plain_schemes` makes a
defanged scheme inside a URL (a redirector's "?next=hxxps://…") plain.
"""

from __future__ import annotations

import heapq
import re

from unmask import _core
from unmask.reference.regexes import compile_cached

__all__ = ["apply_edits", "edits", "plain_schemes", "spaced_hint"]

#: Defanged and plain URL schemes, and the scheme each one stands for (one table for every
#: normaliser).
SCHEMES = {
    "hxxp": "http", "hxxps": "https", "hxtp": "http", "hxtps": "https", "htxp": "http",
    "htxps": "https", "hxxxp": "http", "hxxxps": "https", "hxttp": "http", "hxttps": "https",
    "h__p": "http", "h__ps": "https", "httx": "http", "fxp": "ftp", "fxps": "ftps", "ftx": "ftp",
    "meow": "http", "meows": "https", "http": "http", "https": "https", "ftp": "ftp",
    "ftps": "ftps", "sftp": "sftp", "tcp": "tcp", "udp": "udp", "ws": "ws", "wss": "wss",
    "smb": "smb", "hxxxs": "https",
}  # fmt: skip

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




def spaced_hint(text: str) -> bool:
    """Whether ``text`` may spell an e-mail address out ("at", "dot"): the cheap test."""
    return (
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


def edits(text: str, *, spaced: bool | None = None) -> list[tuple[int, int, str]]:
    """The refang edits of ``text``, sorted by start (overlaps possible: the first wins);
    ``spaced`` also looks for spelled-out e-mail addresses (auto-detected when None)."""
    found = _core.refang_edits(text)
    if _SLASH_ESCAPE in text:
        found.extend(_slash_escape_edits(text))
        found.sort()
    if "\\\\" in text and '"' in text:
        found.extend(_escaped_backslash_edits(text))
        found.sort()
    if spaced is None:
        spaced = spaced_hint(text)
    if spaced:
        found.extend(_spaced_edits(text))
        found.sort()
    return found


def apply_edits(text: str, found: list[tuple[int, int, str]]) -> str:
    """``text`` with ``found`` (sorted, as :func:`edits` gives them) applied."""
    if not found:
        return text
    parts: list[str] = []
    pos = 0
    for start, end, new in found:
        if start < pos:
            continue  # overlapping edit: the first one wins
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


#: A defanged scheme inside a URL's path or query ("?continue=hxxps://…").
_DEFANGED_SCHEME = compile_cached(
    "(?<![A-Za-z])(?i:" + "|".join(sorted((k for k, v in SCHEMES.items() if k != v), key=len, reverse=True)) + ")(?=://)"
)


def _plain_scheme(m: re.Match[str]) -> str:
    return SCHEMES[m.group().lower()]


def plain_schemes(text: str) -> str:
    """``text`` with every defanged scheme before a "://" made plain (``hxxps://`` is ``https://``)."""
    return _DEFANGED_SCHEME.sub(_plain_scheme, text) if "://" in text else text
