"""File names with blanks or non-Latin letters, which the main pass cuts to their end.

The main pattern takes ASCII word characters only, so "Quarterly Budget Review.xlsx"
gives ``Review.xlsx`` and "보고서_final.hwp" gives ``_final.hwp``. A name is widened
to the left when the text shows where it starts:

- letters of another script (or ``_``/``-``) glued to it are part of it;
- between quotes on one line ("“Quarterly Budget Review.xlsx”"), it starts at the
  opening quote;
- alone on its line (a list item "Hotdoge Whitepaper Finals.xls"), it starts at the
  line's first word, when every word before it is capitalised or of another script
  (so "dropped file evil.exe" stays ``evil.exe``), after a row label the line opens with
  ("File Name diff.exe" is ``diff.exe``).
"""

from __future__ import annotations

from unmask.model import Observable, Span
from unmask.reference.regexes import compile_cached

__all__ = ["widen_file_names"]

_SET_VALUE = vars(Observable)["value"].__set__
_SET_SURFACE = vars(Observable)["surface"].__set__
_SET_SPAN = vars(Observable)["span"].__set__
_OPENING = "\"“«‘'"
_CLOSING = {"\"": "\"", "“": "”", "«": "»", "‘": "’", "'": "'"}
_CLOSED = frozenset(_CLOSING.values())
#: What may stand between an opening quote and the main pass's name: words and blanks.
_QUOTED_PREFIX = compile_cached(r"[^\W_][\w&'’().,-]*(?: [\w&'’().,-]+){0,8} ?")
_BULLETS = " \t-*•·>|"
_WORD = compile_cached(r"[\w&'’().-]+")
#: The label of a key-value row that a PDF or a table flattened into one line ("File Name
#: diff.exe", "Original filename: a b.doc", "Attachment | x.xls"): the name starts after it.
_ROW_LABEL = compile_cached(
    r"(?i)(?:(?:original|internal|dropped|attached|decoy|lure|sample|payload|document|archive)\s+)?"
    r"(?:file\s*name|filename|file|name|names|attachment|sample|payload|path|document|archive)s?"
    r"(?:\s*\([^()]{0,20}\))?\s*[:|=]?\s+"
)


def _title_or_foreign(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or any(ord(c) > 0x24F and c.isalpha() for c in word)


def _new_start(text: str, start: int, end: int) -> int:
    """Where the file name ``text[start:end]`` really starts (``start`` when unknown)."""
    i = start
    while i > 0 and (text[i - 1] in "_-" or (ord(text[i - 1]) > 0x7F and text[i - 1].isalnum())):
        i -= 1
    if i < start and (i == 0 or not text[i - 1].isalnum()):
        return i
    if text[start - 1 : start] != " ":
        return start
    closing = text[end : end + 1]
    line_end = text.find("\n", end, end + 200)
    if line_end < 0 and end + 200 >= len(text):
        line_end = len(text)
    if closing not in _CLOSED and text[end : line_end if line_end >= 0 else end + 200].strip():
        return start  # prose goes on after it, and no quote closes it
    line_start = text.rfind("\n", max(0, start - 200), start) + 1
    if line_start == 0 and start > 200:
        return start
    prefix = text[line_start:start]
    quote = max(prefix.rfind(q) for q in _OPENING)
    if quote >= 0 and closing == _CLOSING[prefix[quote]]:
        inner = prefix[quote + 1 :]
        if _QUOTED_PREFIX.fullmatch(inner):
            return line_start + quote + 1
        return start
    if line_end < 0 or text[end:line_end].strip():
        return start
    stripped = prefix.lstrip(_BULLETS)
    label = _ROW_LABEL.match(stripped)
    if label is not None:
        stripped = stripped[label.end() :]
    words = stripped.split()
    if not words or len(words) > 6 or " ".join(words) + " " != stripped:
        return start
    if all(_WORD.fullmatch(w) and _title_or_foreign(w) for w in words):
        return start - len(stripped)
    return start


#: The protocol of an HTTP request line after its target ("POST /a1b2 HTTP/1.1"), which a
#: path with blanks would take in.
_REQUEST_PROTOCOL = compile_cached(r" +HTTP/\d(?:\.\d)?$")


def widen_file_names(found: list[Observable], text: str) -> list[Observable]:
    """``found`` with each cut file name widened to where it starts (in place), and the
    target of an HTTP request line cut before its protocol."""
    changed = False
    for obs in found:
        if obs.type == "file_path" and " HTTP/" in obs.value:
            protocol = _REQUEST_PROTOCOL.search(obs.value)
            if protocol is not None:
                cut = protocol.start()
                _SET_VALUE(obs, obs.value[:cut])
                _SET_SURFACE(obs, obs.surface[:cut])
                _SET_SPAN(obs, Span(obs.span.start, obs.span.start + cut))
            continue
        if obs.type != "file_name":
            continue
        start, end = obs.span.start, obs.span.end
        if start == 0 or text[start - 1] in "\\/.":
            continue
        new = _new_start(text, start, end)
        if new < start:
            surface = text[new:end]
            _SET_VALUE(obs, surface)
            _SET_SURFACE(obs, surface)
            _SET_SPAN(obs, Span(new, end))
            changed = True
    if changed:
        found.sort(key=lambda o: (o.span.start, o.span.end, o.type))
    return found
