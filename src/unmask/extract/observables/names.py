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
  ("File Name diff.exe" is ``diff.exe``);
- in a table of names and hashes, whose rows end at their hash (a PDF breaks a cell over
  lines and puts the other cells after it), the name runs back over the lines of words
  since the previous row's hash or the header's hash column (or from the line after a
  list's introducing colon), and a hash after the name
  on its line is the next cell; the value joins the lines with single blanks.

The main pass needs an ASCII character before the extension, so names wholly in another
script ("отчёт.docx") are found here (:func:`foreign_file_names`), in texts that are not ASCII.
"""

from __future__ import annotations

from bisect import bisect_left

from unmask.extract.observables.patterns import EXTENSION_ALTERNATION
from unmask.model import Observable, Span
from unmask.reference.regexes import compile_cached

__all__ = ["foreign_file_names", "widen_file_names"]

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
    r"(?i)(?:(?:original|internal|dropped|attached|decoy|lure|sample|payload|document|archive|additional|other|"
    r"extra|related|associated|secondary|malicious|suspicious|second|third|final|main|embedded|downloaded)\s+)?"
    r"(?:file\s*name|filename|file|name|names|attachment|sample|payload|path|document|archive)s?"
    r"(?:\s*\([^()]{0,20}\))?\s*[:|=]?\s+"
)


#: A hash a table row ends with, or the header of its hash column.
_ROW_END = compile_cached(
    r"(?:^|[\s|])(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}|(?i:md5|sha-?1|sha-?256|hash(?:es)?))$"
)
#: The hash that ends the name's own row, after the other cells (no dot between).
_NEXT_HASH = compile_cached(r"[^.]{0,240}?(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])")
#: A hash alone after the name on its line (the next cell of the row).
_HASH_CELL = compile_cached(r"\s+(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})\s*")
#: A line of a name's cell: a few words, no sentence punctuation.
_CELL_LINE = compile_cached(r"[\w&'’()-]+(?:[ \xa0][\w&'’()-]+){0,7}")
#: The end of a name wholly in another script: a non-ASCII letter, then the extension
#: (a name with ASCII before its dot is the main pass's, widened over the script below).
#: (The pattern opens with the dot, so the engine skips to each dot before it looks behind.)
_FOREIGN_END = compile_cached(rf"\.(?<=[^\x00-\x7f]\.)(?i:{EXTENSION_ALTERNATION})(?![\w-]|\.[A-Za-z0-9])")


def foreign_file_names(text: str, found: list[Observable]) -> list[tuple[int, int]]:
    """Spans of file names in another script that the main pass (ASCII only) did not read
    and that no observable in ``found`` covers."""
    if text.isascii():
        return []
    starts: list[int] | None = None
    spans = []
    for m in _FOREIGN_END.finditer(text):
        start, end = m.start() - 1, m.end()
        if not text[start].isalnum():
            continue
        while start > 0 and start > end - 120 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
            start -= 1
        if start > 0 and text[start - 1] in ".\\/":
            continue
        if starts is None:
            starts = [o.span.start for o in found]  # ``found`` is in order of start
        i = bisect_left(starts, end)  # the observables that start before the name ends
        if not any(found[j].span.end > start for j in range(max(0, i - 8), i)):
            spans.append((start, end))
    return spans


#: The longest line of a table row looked at (a longer line is prose or a flattened page).
_CELL_REACH = 300


def _table_cell_start(text: str, start: int, end: int) -> int:
    """Where the name ``text[start:end]`` starts when it is a cell of a table of names and
    hashes (``start`` when it is not): its row ends at a hash after it, and the lines of
    words before it run back to the previous row's hash or the header's hash column."""
    low = start - _CELL_REACH if start > _CELL_REACH else 0
    line_start = text.rfind("\n", low, start) + 1
    if line_start == 0 and low > 0:
        return start  # a line longer than a table's: no cell
    prefix = text[line_start:start].strip(" \xa0").lstrip(_BULLETS)
    if prefix and not _CELL_LINE.fullmatch(prefix):
        return start
    cell = line_start
    for _ in range(6):
        if cell == 0:
            return start
        low = cell - 1 - _CELL_REACH if cell - 1 > _CELL_REACH else 0
        prev_start = text.rfind("\n", low, cell - 1) + 1
        if prev_start == 0 and low > 0:
            return start
        line = text[prev_start : cell - 1].strip(" \xa0")
        if _ROW_END.search(line) or (cell == line_start and line.endswith(":")):
            break  # the previous row's end, or a list's introduction just above the name's line
        if not _CELL_LINE.fullmatch(line):
            return start
        cell = prev_start
    else:
        return start
    if _NEXT_HASH.match(text, end) is None:
        return start  # the row does not end at a hash after the name
    while cell < start and text[cell] in _BULLETS:
        cell += 1
    return cell


#: The words of a pipe table's cell before the main pass's name ("|Quarterly review - Q3 x.exe|").
_PIPE_CELL = compile_cached(r"[\w&'’().,-]+(?:[ \xa0]+[\w&'’().,-]+){0,12}[ \xa0]")
#: What may close a cell after the name: blanks and inline markup, then the next "|" or the line's end.
_CELL_CLOSE = compile_cached(r"[ \t\xa0`*_]*(?:\||\r?\n|$)")
_ROW_HASH = compile_cached(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])")


def _pipe_cell_start(text: str, start: int, end: int) -> int:
    """Where the name ``text[start:end]`` starts when it ends a cell of a pipe table row
    that also holds a hash (a table of samples): at the cell's first word."""
    low = start - _CELL_REACH if start > _CELL_REACH else 0
    line_start = text.rfind("\n", low, start) + 1
    bar = text.rfind("|", line_start, start)
    if bar < 0 or _CELL_CLOSE.match(text, end) is None:
        return start
    prefix = text[bar + 1 : start].lstrip(" \t\xa0`*")
    if not prefix or _PIPE_CELL.fullmatch(prefix) is None:
        return start
    line_end = text.find("\n", end, end + _CELL_REACH)
    row = text[line_start : line_end if line_end >= 0 else end + _CELL_REACH]
    if _ROW_HASH.search(row) is None:
        return start
    return start - len(prefix)


_ADDRESS = compile_cached(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?")


def _title_or_foreign(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or any(ord(c) > 0x24F and c.isalpha() for c in word)


def _new_start(text: str, start: int, end: int) -> int:
    """Where the file name ``text[start:end]`` really starts (``start`` when unknown)."""
    i = start
    while i > 0 and (text[i - 1] in "_-" or (ord(text[i - 1]) > 0x7F and text[i - 1].isalnum())):
        i -= 1
    if i < start and (i == 0 or not text[i - 1].isalnum()):
        return i
    if text[start - 1 : start] not in (" ", "\n", "\xa0"):
        return start
    if "|" in text[start - _CELL_REACH if start > _CELL_REACH else 0 : start]:
        cell = _pipe_cell_start(text, start, end)
        if cell < start:
            return cell
    table = _table_cell_start(text, start, end)
    if table < start:
        return table
    if text[start - 1] != " ":
        return start
    closing = text[end : end + 1]
    line_end = text.find("\n", end, end + 200)
    if line_end < 0 and end + 200 >= len(text):
        line_end = len(text)
    rest = text[end : line_end if line_end >= 0 else end + 200]
    hash_cell = bool(rest.strip()) and _HASH_CELL.fullmatch(rest) is not None  # a table row's next cell
    if closing not in _CLOSED and rest.strip() and not hash_cell:
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
    if line_end < 0 or (rest.strip() and not hash_cell):
        return start
    stripped = prefix.lstrip(_BULLETS)
    label = _ROW_LABEL.match(stripped)
    if label is not None:
        stripped = stripped[label.end() :]
    words = stripped.split()
    if not words or len(words) > 6 or " ".join(words) + " " != stripped:
        return start
    if any(_ADDRESS.fullmatch(w) for w in words):
        return start  # a flattened table row: the address and the cells after it are not the name
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
            _SET_VALUE(obs, " ".join(surface.split()) if "\n" in surface else surface)
            _SET_SURFACE(obs, surface)
            _SET_SPAN(obs, Span(new, end))
            changed = True
    if changed:
        found.sort(key=lambda o: (o.span.start, o.span.end, o.type))
    return found
