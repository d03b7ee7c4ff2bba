"""The structure of plain text: lines, blocks, sentences, and each passage's kind.

:func:`text_structure` is the one parser every stage reads, directly (an extractor
given a bare string) or through :func:`unmask.documents.structure.parse_structure`
(which adds what a reader knows). It lives in the model, beside
:class:`~unmask.model.structure.Structure`, so that extractors called without a
structure see the same one the pipeline computes, without importing the readers.

Steps, each one pass:

1. **Lines**: each line's form (heading, list item, table row, prose), fenced code
   and shell-prompt lines, quoted e-mail header blocks. A fenced block is code only
   when its lines read as code (:mod:`unmask.model.code_lines`): fences paired out of
   step leave prose prose, and a block of indicators is an indicator list.
2. **Sentences**: consecutive prose lines form a block, cut into sentences at
   terminal punctuation, never after abbreviations ("U.S.", "Aug.", "e.g.") or
   initials; headings, list items and table rows are pieces of their own.
3. **Kinds**: sections by their headings ("References", "Recommendations",
   "Mitigations", "Indicators of Compromise", "Appendix", "Related"), photo captions
   and bylines, bibliographic citations and footnotes, advice sentences
   ("We recommend ...", "Use multi-factor authentication ..."), lines that hold only
   an indicator; tables with their cells and header row.

Linear time: the line and sentence passes are single scans, section state is carried
forward, look-ups bisect.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from unmask.model.code_lines import block_is_code, code_runs, line_shape, run_shape
from unmask.model.document import Span
from unmask.model.opaque import opaque_spans
from unmask.model.structure import KINDS, Passage, Structure

__all__ = ["text_structure"]

# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = frozenset(
    ["u.s", "u.k", "u.n", "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc",
     "ltd", "corp", "co", "no", "fig", "figs", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec", "approx", "dept", "gov", "est", "ver", "vol", "p", "pp"]
)

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets,
# then white space. A match starts only at the beginning of a punctuation run and
# never gives back (possessive), so a long run of dots is scanned once: linear time.
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s)")
_NEXT_CHAR = re.compile(r"\s*+(\S)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪◦‣·]|\d{1,3}[.)]|[a-z][.)])\s+")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|\t.*\t|\S {3,}\S.* {3,}\S")
_HEADING_MD = re.compile(r"^\s*#{1,6}\s")
_DOTTED_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]")
_CLOSING_PUNCTUATION = re.compile(r"[.!?:;,]\W*$")

#: Sentence kinds of :func:`unmask.extract.sentences.split_sentences` (the line's form).
_FORM_LAYOUT = {"sentence": "prose", "heading": "heading", "list": "item", "table": "row"}


def _line_form(line: str) -> str:
    stripped = line.strip()
    if _HEADING_MD.match(line):
        return "heading"
    if _LIST_ITEM.match(line):
        return "list"
    if _TABLE_ROW.search(line):
        return "table"
    if len(stripped) <= 120 and not _CLOSING_PUNCTUATION.search(stripped) and len(stripped.split()) <= 14:
        return "heading"
    return "sentence"


def _is_abbreviation(block: str, end: int) -> bool:
    """Whether the full stop at block[end-1] closes an abbreviation or an initial."""
    start = end - 1
    while start > 0 and (block[start - 1].isalnum() or block[start - 1] == "."):
        start -= 1
    word = block[start : end - 1].lower().strip(".")
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # Single letters ("J. Smith") and dotted acronyms ("U.S.", "D.P.R.K.").
    if len(word) == 1 and word.isalpha():
        return True
    return bool(_DOTTED_ACRONYM.fullmatch(word))


def _emit(text: str, start: int, end: int, form: str, out: list[tuple[int, int, str]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end, form))


def _split_block(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    block = text[start:end]
    piece_start = 0
    for match in _END.finditer(block):
        stop = match.end()
        if (
            block[match.start()] == "."
            and match.end() - match.start() == 1
            and _is_abbreviation(block, match.start() + 1)
        ):
            # Never cut after an abbreviation or initial ("Aug. 30", "U.S. Treasury").
            continue
        following = _NEXT_CHAR.match(block, stop)
        if following is not None:
            first = following.group(1)
            # A new line after the stop ends the sentence whatever comes next (a list of
            # indicators, one per line, each opening with a lower-case name).
            if not (first.isupper() or first.isdigit() or first in "\"'“‘([" or "\n" in block[stop : following.start(1)]):
                continue
        _emit(text, start + piece_start, start + stop, "sentence", out)
        piece_start = stop
    _emit(text, start + piece_start, end, "sentence", out)


#: How a line of prose ends a sentence: terminal punctuation, then closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…;:][\"'”’)\]]*$")
#: A line that runs on by its end: a comma, a hyphen after a letter (a word or a token
#: split at the wrap, not a rule "----"), a dash after a space, or a word that never ends a phrase (an article, a conjunction, a preposition
#: that is no particle: "logging is on" ends one; lower-case: a heading's "Appendix A" is not "a").
_RUNS_ON_END = re.compile(
    r"(?:,|(?<=\w)[-‐]|\s[-‐-―]|(?<![^\s(\"“])(?:the|a|an|of|to|into|for|and|or|nor|but|with|by|from|at|as|that|which|who|"
    r"whose|is|are|was|were|be|been|has|have|had|its|their|our|than|such|via|if|when|while|between|can|could|"
    r"will|would|may|might|should|must))$"
)
#: A line whose first word is a lower-case word (a sentence going on from the line above);
#: an indicator ("evil.example.com", "ffad04...", "hxxp://...") is no word.
_LOWER_START = re.compile(r"\s*+[a-z][a-z'’-]*+(?=[\s,;)]|$)")
#: Headings whatever the line above: a numbered section ("2. Analysis", "3.1 Loader"), a
#: line in capitals ("ABOUT THE AUTHORS").
_STRONG_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.\s|\d{1,2}(?:\.\d{1,2})+\s)\s*[A-Z]")
#: A line in title case ("Arbitrary File Read from the Client's File System"): a heading
#: of full width in a narrow column is one still.
_TITLE_LINE = re.compile(
    r"[A-Z0-9][\w'’&.()/-]*+(?:\s++(?:[A-Z0-9(][\w'’&.()/-]*+|of|the|and|for|in|on|to|a|an|with|by|or|from|at|"
    r"vs\.?|via|into|as|against|over))*+"
)
_CAPITALS = re.compile(r"[A-Z][A-Z&'’-]+(?:\s+[A-Z&][A-Z&'’-]*)+")
#: A word of prose, with the punctuation around it.
_PLAIN_WORD = re.compile(r"[(\"“‘']?[A-Za-z][a-z'’-]*+[,.;:!?)\"”’']*+")
#: A hard-wrapped text: enough lines of prose to say where its lines wrap.
_WRAP_SAMPLE = 8
#: A heading of a hard-wrapped text is clearly shorter than its wrap width.
_WRAP_SHARE = 0.75
#: A hard-wrapped text has at least half its lines of prose within 15 % of their median
#: length, and nine in ten at most half as long again (measured on the corpus PDFs and the
#: news articles of the fixtures: the PDFs hold 0.5 to 0.94 near and 1.04 to 1.38 spread,
#: the articles, a paragraph a line, at most 0.45 near and mostly over 1.5 spread).
_WRAP_BAND = 0.15
_WRAP_NEAR = 0.5
_WRAP_SPREAD = 1.5
#: A list item without a bullet holds at most as many words as a heading.
_ITEM_WORDS = 14


def _wrap_width(contents: Sequence[str]) -> int | None:
    """The width at which a hard-wrapped text's lines wrap: the median length of its lines
    of prose (seven words or more), when most of them lie close to it (a PDF's text layer,
    a mail wrapped at 72 columns); None for a text with too few, or whose lines are its
    paragraphs (their lengths spread far above the median)."""
    widths = sorted(len(stripped) for stripped in (c.strip() for c in contents)
                    if len(stripped) >= 30 and _prose_line(stripped))
    if len(widths) < _WRAP_SAMPLE:
        return None
    median = widths[len(widths) // 2]
    near = bisect.bisect_right(widths, median * (1 + _WRAP_BAND)) - bisect.bisect_left(widths, median * (1 - _WRAP_BAND))
    if near < _WRAP_NEAR * len(widths) or widths[len(widths) * 9 // 10] > _WRAP_SPREAD * median:
        return None
    return median


#: The longest line read as a row of a table written without outer pipes.
_ROW_CHARS = 400
#: The most words of a label line that stands alone after a blank line ("Recommendations",
#: "Indicators of compromise"): a heading even when the next line opens lower-case.
_LABEL_WORDS = 3


def _prose_line(stripped: str) -> bool:
    """Whether a line reads as prose: seven words or more, most of them plain words (not a
    record's "Payload installation / sha1: ..." or a row of values)."""
    words = stripped.split()
    return len(words) >= 7 and 4 * sum(1 for w in words if _PLAIN_WORD.fullmatch(w)) >= 3 * len(words)


def _strong_heading(stripped: str, next_lower: bool) -> bool:
    """A numbered section heading, unless the next line goes on with its sentence; a line
    in capitals, even then (a banner "THIS SITE HAS BEEN SEIZED" over its small print)."""
    if _CAPITALS.fullmatch(stripped) and sum(c.isalpha() for c in stripped) >= 4:
        return True
    return not next_lower and bool(_STRONG_HEADING.match(stripped))


def _pieces(text: str, fixed: Sequence[int] = (), lines: _Lines | None = None) -> list[tuple[int, int, str]]:
    """Sentences, headings, list items and table rows: (start, end, form).

    A short line without closing punctuation is a heading only where a heading can stand:
    after a blank line, a heading, a list item, a table row or a line that ended a sentence
    or a paragraph (in hard-wrapped text, a line clearly shorter than the wrap width), and
    when it does not run on (it ends in a comma, a hyphen or a function word, or the next
    line opens with a lower-case word) and, in hard-wrapped text, is itself clearly shorter
    than the wrap width. Otherwise it is a line of the paragraph around it: the text layer
    of a PDF breaks every line of prose, and many lines hold fourteen words or fewer.
    Short lines after a line ending in ":" are list items (the text layer lost their
    bullets), and an item that runs on takes its following lines. ``fixed`` marks the
    lines (indices of ``lines``) of code blocks and e-mail headers, which keep their own
    form: one piece a line."""
    out: list[tuple[int, int, str]] = []
    block_start: int | None = None
    block_end = 0
    raw: list[tuple[int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        raw.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    wrap = _wrap_width([content for _start, content in raw])
    short = (wrap * _WRAP_SHARE) if wrap is not None else None
    broken = True  # the line above ended a sentence or a paragraph (or there is none)
    in_list = False  # after a line ending in ":", until the list ends
    items = 0
    item: tuple[int, int] | None = None  # an item that runs on, being built
    after_blank = True  # the line above is blank (or there is none)

    def flush_block() -> None:
        nonlocal block_start
        if block_start is not None:
            _split_block(text, block_start, block_end, out)
            block_start = None

    def flush_item() -> None:
        nonlocal item
        if item is not None:
            _emit(text, item[0], item[1], "list", out)
            item = None

    def is_short(stripped: str) -> bool:
        return short is None or len(stripped) < short

    for index, (line_start, content) in enumerate(raw):
        stripped = content.strip()
        line_end = line_start + len(content)
        if not stripped:
            flush_block()
            flush_item()
            if items:
                in_list, items = False, 0
            broken = after_blank = True
            continue
        form = _line_form(content)
        if fixed and lines is not None and fixed[lines.index(line_start)]:
            # A line of code or of an e-mail header: one piece, as it reads.
            flush_block()
            flush_item()
            _emit(text, line_start, line_end, form, out)
            broken, after_blank = True, False
            continue
        following = raw[index + 1][1] if index + 1 < len(raw) else ""
        ends_open = bool(_RUNS_ON_END.search(stripped, max(0, len(stripped) - 16)))  # its last word
        # A line runs on into a next one that opens lower-case - but not into a line of code
        # ("Execution" over "powershell -nop ..."), and not when it is a label of at most three
        # words standing alone after a blank line ("Recommendations" over "patch the VPN
        # appliance"): a wrapped paragraph's first line fills the width.
        next_lower = bool(_LOWER_START.match(following)) and not (
            fixed and lines is not None and index + 1 < len(raw) and fixed[lines.index(raw[index + 1][0])]
        )
        label = after_blank and not ends_open and stripped[:1].isupper() and len(stripped.split()) <= _LABEL_WORDS
        runs_on = ends_open or (next_lower and not label)
        after_blank = False
        if item is not None:
            # The line goes on with the list item above.
            item = (item[0], line_end)
            if not runs_on:
                flush_item()
                broken = True
            continue
        markdown = bool(_HEADING_MARKUP.match(content))  # "## Title", AsciiDoc's "== Title"
        strong = form == "heading" and not ends_open and _strong_heading(stripped, next_lower)
        if markdown or strong:
            in_list, items = False, 0
        elif in_list and form in ("heading", "sentence"):
            words = len(stripped.split())
            if stripped.endswith(":") or (
                (words > _ITEM_WORDS or not is_short(stripped)) if items else (words > _ITEM_WORDS and wrap is None)
            ):
                in_list, items = False, 0  # a paragraph: the list has ended (or was never one)
            else:
                form = "list"
        if (
            form == "heading"
            and not (markdown or strong)
            and (not broken or runs_on or not (is_short(stripped) or _TITLE_LINE.fullmatch(stripped)))
        ):
            form = "sentence"  # a line of the paragraph around it
        if form == "list":
            flush_block()
            items += in_list
            if runs_on:
                item = (line_start, line_end)
                continue
            _emit(text, line_start, line_end, form, out)
            broken = True
            continue
        if form != "sentence" or (len(stripped) <= _ROW_CHARS and stripped.count(" | ") >= 2):
            # (a row of a table written without outer pipes, "3 May | Defacement | Statement":
            # a piece of its own, whatever its form, as each of its neighbours; a long line
            # with pipes in its prose is prose, split into its sentences)
            flush_block()
            _emit(text, line_start, line_end, form, out)
            broken = True
            continue
        if block_start is None:
            block_start = line_start
        block_end = line_end
        ended = bool(_SENTENCE_END.search(stripped))
        broken = ended or (is_short(stripped) and not runs_on)
        if stripped.endswith(":"):
            in_list, items = True, 0
    flush_block()
    flush_item()
    return out


# ------------------------------------------------------------------------------- lines

_NEWLINE = re.compile(r"\n")


class _Lines:
    """Line boundaries (at ``\\n``) of a text, found by bisection."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.length = len(text)

    def index(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def bounds(self, offset: int) -> tuple[int, int]:
        index = self.index(offset)
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else self.length
        return start, end


_FENCE = re.compile(r"^\s*(?:```|~~~)[\w+.-]*\s*$")
_ASCIIDOC_BLOCK = re.compile(r"^(?:-{4,}|\.{4,})\s*$")
_ASCIIDOC_SOURCE = re.compile(r"^\[(?:source|listing|literal)\b[^\]]*\]\s*$")
_PROMPT = re.compile(r"^\s*(?:\$ |PS [A-Za-z]:\\[^>\n]{0,200}> ?|[A-Za-z]:\\[^>\n ]{0,200}> ?)\S")
_MAIL_HEADER = re.compile(
    r"^\s*>?\s*(?:From|To|Cc|CC|Bcc|Subject|Date|Sent|Reply-To|Return-Path|Received|Message-I[Dd]|"
    r"X-[A-Za-z0-9-]+|Content-Type|MIME-Version|Delivered-To|Authentication-Results|DKIM-Signature|"
    r"Importance|Sender|In-Reply-To|References|Thread-Topic)\s*:\s*\S"
)


#: Marks of :func:`_line_marks`: a line of a code block, an indicator listed in one.
_CODE, _LISTED = 1, 2


def _line_marks(text: str, lines: _Lines, hinted: Sequence[tuple[int, int]] = ()) -> tuple[bytearray, bytearray]:
    """Per line: in a code block (``_CODE``) or an indicator listed in a block that is
    mostly indicators (``_LISTED``: an indicator list, not code), else 0; in a quoted e-mail header block (two header lines or more, with their
    continuations).

    A block is what fences (Markdown, an AsciiDoc listing) or the markup (``hinted``:
    an HTML ``<pre>``) enclose, or a shell-prompt line. The fences only say where a block
    may be: its lines are read (:func:`unmask.model.code_lines.block_is_code`), so that a
    paragraph between two blocks whose fences were paired out of step (a lost fence in
    Markdown converted from a page) stays prose, and the text between a closing fence and
    the next opening one is code when it reads as code."""
    count = len(lines.starts)
    code = bytearray(count)
    mail = bytearray(count)
    # Blocks to read: (first interior line, end line exclusive, whether fences open it).
    blocks: list[tuple[int, int, bool]] = []
    hinted_lines = bytearray(count)
    for start, end in hinted:
        for index in range(lines.index(start), lines.index(max(start, end - 1)) + 1):
            hinted_lines[index] = 1
    fence_open: int | None = None
    fence_mark = ""
    last_close: int | None = None  # the last closing Markdown fence, when nothing came between
    previous = ""
    header_run: list[int] = []
    hinted_from: int | None = None

    def close_headers() -> None:
        if sum(1 for i in header_run if _MAIL_HEADER.match(_line(text, lines, i))) >= 2:
            for i in header_run:
                mail[i] = 1
        header_run.clear()

    for index in range(count):
        line = _line(text, lines, index)
        stripped = line.strip()
        if hinted_lines[index] and fence_open is None:
            if hinted_from is None:
                hinted_from = index
            previous = stripped or previous
            continue  # a code block of the markup
        if hinted_from is not None:
            blocks.append((hinted_from, index, True))
            hinted_from = None
        if fence_open is not None:
            if stripped.startswith(fence_mark) and (fence_mark in "```~~~" or _ASCIIDOC_BLOCK.match(stripped)):
                code[index] = _CODE
                blocks.append((fence_open + 1, index, True))
                last_close = index if fence_mark in ("```", "~~~") else None
                fence_open = None
            continue
        if _FENCE.match(line):
            fence_open, fence_mark = index, stripped[:3]
            code[index] = _CODE
            if last_close is not None and fence_mark in ("```", "~~~"):
                blocks.append((last_close + 1, index, False))  # between two blocks: read it too
            last_close = None
        elif _ASCIIDOC_BLOCK.match(line) and _ASCIIDOC_SOURCE.match(previous):
            fence_open, fence_mark = index, stripped[:4]
            code[index] = _CODE
            last_close = None
        elif _PROMPT.match(line):
            code[index] = _CODE
        if _MAIL_HEADER.match(line) or (header_run and line[:1] in (" ", "\t") and stripped):
            header_run.append(index)
        elif header_run:
            close_headers()
        if stripped:
            previous = stripped
    if header_run:
        close_headers()
    if hinted_from is not None:
        blocks.append((hinted_from, count, True))
    # (An opening fence never closed is a stray mark, not a block to the end: no block.)
    for first, stop, paired in blocks:
        body = [_line(text, lines, i) for i in range(first, stop)]
        shapes = [line_shape(line) for line in body]
        if not block_is_code(zip(shapes, map(len, body), strict=True), paired=paired):
            for index, line in zip(range(first, stop), body, strict=True):
                if _PROMPT.match(line):
                    code[index] = _CODE  # a command at a prompt, in a block of prose
            continue
        # A block of indicators is a list of them; an indicator among statements (the host
        # of a request dump, an address in a script) is part of the code.
        listed = 2 * shapes.count("indicator") >= sum(1 for line in body if line.strip())
        for index, shape in zip(range(first, stop), shapes, strict=True):
            code[index] = _LISTED if listed and shape == "indicator" else _CODE
    # Code without fences (a PDF's text keeps a quoted script's lines, not its box): runs
    # of lines that read as statements, outside the blocks already read.
    placed = bytearray(count)
    for first, stop, _paired in blocks:
        placed[max(0, first - 1) : stop + 1] = b"\x01" * (min(count, stop + 1) - max(0, first - 1))
    shapes_of: list[str | None] = []
    for index in range(count):
        if placed[index] or code[index] or mail[index]:
            shapes_of.append(None)
            continue
        line = _line(text, lines, index)
        shapes_of.append(run_shape(line) if line.strip() else "")
    for first, stop in code_runs(shapes_of):
        for index in range(first, stop):
            code[index] = _CODE
    return code, mail


def _line(text: str, lines: _Lines, index: int) -> str:
    start = lines.starts[index]
    end = lines.starts[index + 1] - 1 if index + 1 < len(lines.starts) else lines.length
    return text[start:end]


# ----------------------------------------------------------------------------- kinds

_CAPTION = re.compile(
    r"\((?:AP\s+)?Photo\b|\bPhoto(?:graph)?\s*(?:by|:|credit)|\bImage(?:\s+credit)?\s*:|\bCredit\s*:|"
    r"Getty Images|\bvia Reuters\b|Shutterstock|\bAFP/|/AFP\b|\(Image\b|\bPicture\s*:",
    re.IGNORECASE,
)
#: Every caption pattern holds one of these words; texts are screened for them first
#: (a case-sensitive scan of their lower, capitalised and upper forms is several times
#: faster than the case-blind caption pattern over every sentence).
_CAPTION_WORDS = ("photo", "image", "credit", "getty", "reuters", "shutterstock", "afp", "picture")
_CAPTION_SCREEN = re.compile(
    "|".join(sorted({form for word in _CAPTION_WORDS for form in (word, word.capitalize(), word.upper())}))
)
_BYLINE = re.compile(
    r"^\s*(?:By\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*$|(?:Written|Posted|Published|Updated|Last updated)"
    r"\b.{0,80}$)"
)
_FURNITURE_HEADING = re.compile(
    r"^\s*(?:Related(?:\s+\w+){0,2}|Latest\s+\w+|Read (?:more|next|also)|More from.*|Recommended.*|"
    r"You may also like|Further reading|Advertisement|Sponsored|Share this.*|Tags?:.*|Most popular|"
    r"Trending|Popular|See also)\s*:?\s*$",
    re.IGNORECASE,
)

_FURNITURE_LINE_ONLY = re.compile(r"^\s*(?:Advertisement|Tags?:)", re.IGNORECASE)

# A reference: an access or retrieval note, a quoted title followed by where and when it
# appeared ("'Taiwan on High Alert', 9 April 2007", "'South Korea Cyber-attacked',
# Bit-Tech, 4 March 2011"), or an author-year entry ("Waterman, Shaun. 2008.").
_CITATION_ANYWHERE = re.compile(
    r"\[\s*Accessed\b|\bAccessed\s+(?:on\s+)?\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|"
    r"\bRetrieved\s+(?:on\s+)?(?:[A-Z][a-z]+\.?\s+\d{1,2}\b|\d{1,2}\s+[A-Z][a-z]+|from\s+\S)|"
    r"[\u201e\u201c\"\u2018'][^\u201e\u201c\u201d\"\u201f\n]{3,200}?[\u201f\u201d\"\u2019'],\s+"
    r"(?:(?:[A-Z][\w.&'\u2019 -]{1,60},\s+)(?:\d{1,2}\b|[A-Z][a-z]+\.?\s+\d|No\.|Vol\.|pp?\.|<|https?:)|"
    r"\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d\d)|"
    r"[\u201f\u201d\"],\s+(?:[A-Z][\w.&'\u2019 -]{1,60},\s+)?\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|"
    r"\u201f,\s+[A-Z][\w.&'\u2019 -]{1,40}(?:,\s|\s*$)"
)
#: Every match of _CITATION_ANYWHERE holds one of these: a window without is not searched.
_CITATION_SCREEN = re.compile(r"Accessed|Retrieved|[\u201f\u201d\"\u2019'],")
#: References that open their line (matched at the window's start only).
_CITATION_OPENING = re.compile(
    r"^\s*[A-Z][\w'\u2019-]+,\s+(?:[A-Z][\w'\u2019-]*\.?\s+){0,2}[A-Z][\w'\u2019-]*\.\s+(?:19|20)\d\d[a-z]?\.\s|"
    # A numbered footnote opening with its authors and a low-9 quoted title ("35 Rhys Blakely
    # and Richard Beeston, „MI5 Alert on ...").
    r"^\s*\d{1,3}\s*(?:[A-Z][\w.'\u2019-]*,?\s+(?:and\s+)?){0,12}\u201e|"
    # A line that says what it is: "Reference: Vendor Report 2017 https://...", "Source: ...".
    r"^\s*(?:References?|Sources?|Citations?)\s*:\s+\S|"
    # A bracketed note number opening a reference-list line that names a link or a year
    # ("[3] https://...", "[12] Vendor, Title, 2019"); a note of prose is not one.
    r"^\s*\[\d{1,3}\]\s+(?=[^\n]{0,300}?(?:https?://|www\.|\b(?:19|20)\d\d\b))|"
    # An end note numbered in lower-case roman numerals, its link right after ("iv http://...");
    # a list of indicators is numbered in digits, if at all.
    r"^\s*(?=[ivx]{1,6}\s)x{0,3}(?:ix|iv|v?i{0,3})\s+(?:https?://|www\.)"
)
#: An ATT&CK-style inline citation: "(Citation: Vendor Report 2020)".
_INLINE_CITATION = re.compile(r"\(Citation:[^()\n]{1,200}\)")
_REFERENCES_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s+)?(?:References|Bibliography|Works\s+Cited|Endnotes|Footnotes|Literature|Sources|"
    r"Citations|External\s+references|(?:Additional\s+)?Resources|Reference\s+links)\s*:?\s*$",
    re.IGNORECASE,
)
_AFTER_REFERENCES_HEADING = re.compile(
    r"^\s*(?:Appendix|Annex|Indicators\b|IOCs?\b|Acknowledge?ments?)", re.IGNORECASE
)
_ADVICE_HEADING = re.compile(
    r"^(?:[\w'’&-]+\s+){0,3}(?:recommendations?|recommended\s+(?:actions|mitigations|steps|measures)|"
    r"mitigations?|mitigation\s+(?:strategies|steps|measures|recommendations|guidance)|remediations?|"
    r"what\s+(?:to|you\s+(?:can|should)|(?:organi[sz]ations|defenders|users|customers)\s+(?:can|should))\s+do|"
    r"how\s+to\s+(?:protect|defend|stay\s+safe|mitigate)|best\s+practices|protective\s+(?:measures|actions)|"
    r"defensive\s+(?:measures|actions|recommendations)|countermeasures|hardening(?:\s+guidance)?|"
    r"actions\s+to\s+take(?:\s+today)?)\b(?:\s+[\w'’&,-]+){0,5}\s*:?\s*$|"
    # a STIX course of action, as the STIX reader writes it
    r"^courses?\s+of\s+action\s*:",
    re.IGNORECASE,
)
#: A sub-heading that keeps an advice section going: it says what to do.
_ADVICE_SUBHEADING = re.compile(
    r"^(?:Use|Implement|Enforce|Require|Ensure|Consider|Apply|Patch|Educate|Train|Audit|Review|Maintain|Adopt|"
    r"Harden|Segment|Establish|Prioriti[sz]e|Verify|Validate|Avoid|Employ|Restrict|Limit|Back\s+up|Contact|Follow|"
    r"Report|Protect|Prevent|Detect|Respond|Recover|Secure|Disable|Enable|Update|Upgrade|Monitor|Block|Remove|"
    r"Reset|Change|Configure|Deploy|Install|Keep|Join|Refer|Identify|Focus|Do\s+not|Never)\b"
)
_ADVICE_ITEM = re.compile(r"^\s*(?:[-*•▪◦‣·]|\d{1,3}[.)])\s+(?:" + _ADVICE_SUBHEADING.pattern[4:])
#: An advice section past a sub-heading that does not say it is advice.
_TENTATIVE = "advice?"
#: A heading in title case ("Threat Group History"): a new part of the report when the
#: section being read was opened by a heading without markup.
_TITLE_CASE = re.compile(
    r"^[A-Z0-9][\w'’&.-]*(?:\s+(?:[A-Z0-9][\w'’&.()/-]*|of|the|and|for|in|on|to|a|an|with|by|or|from|at|vs\.?))"
    r"{0,8}$"
)
_IOC_HEADING = re.compile(
    r"^(?:[\w'’&-]+\s+){0,3}(?:indicators?\s+of\s+(?:compromise|attack)|iocs?|(?:network|host|file)[\s-]+"
    r"(?:based\s+)?(?:indicators|observables|artifacts)|indicators|observables|(?:file\s+|sample\s+)?hashes|"
    r"c2\s+(?:servers?|infrastructure|domains)|appendix|annex|(?:malicious\s+)?(?:domains|urls|ip\s+addresses|"
    r"hostnames|file\s*names|mutex(?:es)?|registry\s+keys|e-?mail\s+addresses|certificates)|"
    r"(?:sha-?(?:1|256|512)|md5)(?:\s+hashes)?|yara(?:\s+rules?)?|snort(?:\s+rules?)?|sigma(?:\s+rules?)?)\b(?:\s+[\w'’&.:,()/-]+){0,8}\s*:?\s*$",
    re.IGNORECASE,
)
#: An appendix that lists techniques or advice is not an indicator appendix.
_NOT_IOC_APPENDIX = re.compile(r"\b(?:att&ck|techniques?|tactics?|mitre|mitigations?|recommendations?)\b", re.I)
#: Headings that end an advice or indicator section (a new part of the report).
_PLAIN_HEADING = re.compile(
    r"^(?:[\w'’&-]+\s+){0,2}(?:summary|overview|introduction|background|technical\s+(?:details|analysis)|"
    r"analysis|conclusions?|executive\s+summary|key\s+(?:findings|takeaways|judgments)|contact(?:\s+information)?|"
    r"contact\s+us|revisions?|revision\s+history|acknowledge?ments?|about(?:\s+[\w'’&-]+){0,3}|disclaimers?|"
    r"timeline|attribution|victimology|infection\s+chain|details|description|findings|"
    r"(?:mitre\s+)?att&ck(?:\s+(?:techniques|tactics|mapping|matrix))?|tactics(?:,?\s+techniques)?.*|"
    r"techniques(?:\s+used)?|detection(?:s|\s+opportunities)?)\s*:?\s*$|"
    # the STIX reader's object headings ("Attack pattern: T1059: ...", "Intrusion set: ...")
    r"^(?:attack\s+pattern|intrusion\s+set|malware|tool|indicator|report|campaign|identity|vulnerability|"
    r"threat\s+actor|infrastructure|location|note|opinion|grouping|observed\s+data|sighting)\s*:",
    re.IGNORECASE,
)
_HEADING_MARKUP = re.compile(r"^\s*(?:(#{1,6})|(={1,6}))\s+")
_HEADING_NUMBER = re.compile(r"^\s*((?:\d{1,2}\.)*\d{1,2})\.?\s+(?=[A-Za-z])")
_HEADING_LETTER = re.compile(r"^\s*(?:[A-Z]|[IVX]{1,4})[.)]\s+(?=[A-Z])")

# An advice sentence: a recommendation ("We recommend ...", "CISA urges ...", "It is
# recommended ...", "Organizations should ...") or an imperative of hardening
# ("Use multi-factor authentication ...", "Enforce ...", "Do not ..."). The imperative
# verbs are those a capability list ("Disable Windows Defender", "Update itself") does
# not open with.
_ADVICE_SENTENCE = re.compile(
    r"^[\W\d]{0,4}(?:"
    r"(?:we|the\s+fbi|the\s+(?:authoring\s+)?agencies|microsoft|(?-i:[A-Z]{2,6}))"
    r"(?:,?\s+(?:and\s+)?(?:the\s+fbi|(?-i:[A-Z]{2,6})))*\s+"
    r"(?:strongly\s+|also\s+)?(?:recommends?|advises?|urges?|encourages?)\b|"
    r"it\s+is\s+(?:strongly\s+|also\s+|therefore\s+)?(?:recommended|advised|advisable|suggested)\b|"
    r"(?:organi[sz]ations|administrators|admins|users|defenders|network\s+defenders|customers|companies|"
    r"entities|system\s+owners|you|victims)\s+(?:should|must|are\s+(?:advised|encouraged|urged))\b|"
    r"(?:(?:always|regularly|immediately|also)\s+)?(?-i:Use|Implement|Enforce|Require|Ensure|Consider|Apply|"
    r"Patch|Educate|Train|Audit|Review|Maintain|Adopt|Harden|Segment|Segregate|Establish|Prioriti[sz]e|Verify|"
    r"Validate|Avoid|Employ|Restrict|Limit|Back\s+up)\b(?!\s+(?:of|by|in|to)\b)|"
    r"(?-i:Never|Do\s+not|Don['’]t)\s+(?:open|click|use|allow|enable|reuse|share|download|install|pay|reply|"
    r"respond|provide|enter|run|expose|store|trust|disclose)\b"
    r")",
    re.IGNORECASE,
)
#: A line that is only an indicator (and perhaps a short note): a hash, an address, a
#: defanged host or URL.
_INDICATOR = (
    r"(?:[A-Fa-f0-9]{32}|[A-Fa-f0-9]{40}|[A-Fa-f0-9]{64}|[A-Fa-f0-9]{128}|"
    r"(?:\d{1,3}(?:\[\.\]|\(\.\)|\.)){3}\d{1,3}(?:[:/]\d{1,5})?|h[xX]{2}ps?\[?:\]?//\S+|"
    r"[\w.-]+(?:\[\.\]|\(\.\)|\{\.\}|\[dot\])[\w.\[\]()/-]+)"
)
_INDICATOR_LINE = re.compile(r"^[-*•▪◦‣·\s]{0,4}" + _INDICATOR + r"(?:\s+\S+){0,3}\s*$")
_INDICATOR_CELL = re.compile(r"\s*" + _INDICATOR + r"\s*")
_TABLE_RULE = re.compile(r"^[\s|:+=-]*$")
_CELL_SEPARATOR = {"|": re.compile(r"\|"), "\t": re.compile(r"\t"), " ": re.compile(r" {3,}")}
_HAS_DIGIT = re.compile(r"\d")

#: Longest line (characters) read whole as a caption, byline or reference.
_SHORT_LINE = 400


def _heading_text(body: str) -> str:
    cleaned = _HEADING_MARKUP.sub("", body)
    cleaned = _HEADING_NUMBER.sub("", cleaned)
    cleaned = _HEADING_LETTER.sub("", cleaned)
    return cleaned.strip().strip("*_`").strip()


def _heading_level(body: str) -> tuple[int, int]:
    """(markup level or 0, numbering depth or 0)."""
    markup = _HEADING_MARKUP.match(body)
    level = len(markup.group(1) or markup.group(2)) if markup else 0
    number = _HEADING_NUMBER.match(body)
    depth = number.group(1).count(".") + 1 if number else 0
    return level, depth


def _cells(text: str, start: int, end: int) -> tuple[Span, ...]:
    line = text[start:end]
    sep = "|" if "|" in line else "\t" if "\t" in line else " "
    out: list[Span] = []
    cursor = 0
    bounds = [(m.start(), m.end()) for m in _CELL_SEPARATOR[sep].finditer(line)]
    for sep_start, sep_end in [*bounds, (len(line), len(line))]:
        cell_start, cell_end = cursor, sep_start
        while cell_start < cell_end and line[cell_start].isspace():
            cell_start += 1
        while cell_end > cell_start and line[cell_end - 1].isspace():
            cell_end -= 1
        if cell_end > cell_start:
            out.append(Span(start + cell_start, start + cell_end))
        cursor = sep_end
    return tuple(out)


@dataclass(slots=True)
class _Row:
    """A table row being built: the piece index and its cells."""

    index: int
    cells: tuple[Span, ...]
    rule: bool


def _looks_like_header(text: str, cells: Sequence[Span]) -> bool:
    if len(cells) < 2:
        return False
    for cell in cells:
        value = text[cell.start : cell.end].strip("*_` ")
        if not value or len(value.split()) > 5 or _HAS_DIGIT.search(value) or _INDICATOR_CELL.fullmatch(value):
            return False
    return True


def _cited(window: str) -> bool:
    """Whether ``window`` holds a reference: the opening forms at its start, the others
    anywhere (searched only when the window holds one of their literal pieces)."""
    if _CITATION_OPENING.match(window):
        return True
    return _CITATION_SCREEN.search(window) is not None and _CITATION_ANYWHERE.search(window) is not None


def _primary(kinds: set[str]) -> str:
    for kind in KINDS:
        if kind in kinds:
            return kind
    return "prose"


@functools.lru_cache(maxsize=2)
def text_structure(text: str, *, code: tuple[tuple[int, int], ...] = ()) -> Structure:
    """The structure of ``text``: its passages, each with its kind (see :mod:`unmask.model.structure`).

    ``code`` holds the spans a reader knows from the markup to be code or log blocks (an
    HTML ``<pre>``): their lines are code whatever they look like. Several stages read the
    same document: the last two texts' structures are kept.
    """
    lines = _Lines(text)
    code_lines, mail_lines = _line_marks(text, lines, code)
    fixed = bytes(a or b for a, b in zip(code_lines, mail_lines, strict=True))
    pieces = _pieces(text, fixed, lines)

    # A caption or byline makes its whole line furniture only when the line is short
    # (as captions and bylines are); on a long line (a text with few or no line
    # breaks) only its own sentence is, or one credit would silence the whole text.
    caption_lines: set[int] = set()
    hints = [m.start() for m in _CAPTION_SCREEN.finditer(text)]
    for start, end, _form in pieces:
        hint = bisect.bisect_left(hints, start)
        if hint < len(hints) and hints[hint] < end and _CAPTION.search(text, start, end):
            line_start, line_end = lines.bounds(start)
            caption_lines.add(line_start if line_end - line_start <= _SHORT_LINE else start)

    kinds_of: list[set[str]] = []
    sections: list[str | None] = []
    levels: list[int] = []
    layouts: list[str] = []
    in_related = False
    in_references = False
    special: str | None = None  # "advice" or "ioc-list": the section being read
    special_level = (0, 0)
    section: str | None = None
    cited_window, cited = (-1, -1), False
    for start, end, form in pieces:
        body = text[start:end]
        under = section
        kinds: set[str] = set()
        layout = _FORM_LAYOUT[form]
        # An AsciiDoc row "| T1055 | Process Injection" or a row with a ragged end: a
        # row; one whose cell runs on as prose keeps its prose form (and its cells).
        piped = body.lstrip().startswith("|") and body.count("|") >= 2
        if piped and form == "heading":
            layout = "row"
        line_index = lines.index(start)
        if code_lines[line_index] and layout == "heading":
            # A short line of a code block or a listed indicator keeps its form (layout) but
            # is no heading: it names no section and opens or closes none.
            form = "sentence"
        line_start, line_end = lines.starts[line_index], lines.bounds(start)[1]
        if line_end - line_start > _SHORT_LINE:
            line_start = start  # a long line: the sentence is its own line
        line = text[line_start : min(line_end, line_start + 200)]
        if line_start in caption_lines:
            kinds.add("caption")
        if _BYLINE.match(line):
            kinds.add("furniture")
        level = 0
        if form == "heading":
            heading = _heading_text(body)
            level, depth = _heading_level(body)
            if _FURNITURE_HEADING.match(body):
                # "Related", "Read more", "See also" open a block of links; an
                # "Advertisement" or a "Tags: …" line is furniture on its own (a MISP
                # event's "Tags:" line is followed by its attributes, not by links).
                in_related = not _FURNITURE_LINE_ONLY.match(body)
                kinds.add("furniture")
            if _REFERENCES_HEADING.match(body) or _REFERENCES_HEADING.match(heading):
                in_references, special = True, None
            elif in_references and (_AFTER_REFERENCES_HEADING.match(body) or _AFTER_REFERENCES_HEADING.match(heading)):
                in_references = False
            if not in_references and "furniture" not in kinds and heading:
                if _ADVICE_HEADING.match(heading):
                    special, special_level = "advice", (level, depth)
                elif _IOC_HEADING.match(heading) and not (
                    heading.lower().startswith(("appendix", "annex")) and _NOT_IOC_APPENDIX.search(heading)
                ):
                    special, special_level = "ioc-list", (level, depth)
                elif special is not None:
                    if (level and (not special_level[0] or level <= special_level[0])) or (
                        depth and special_level[1] and depth <= special_level[1]
                    ):
                        special = None
                    elif special != "ioc-list" and _ADVICE_SUBHEADING.match(heading):
                        special = "advice"  # "Consider ...", "Contact CISA ...": still what to do
                    elif _PLAIN_HEADING.match(heading):
                        special = None
                    elif not level and not special_level[0] and _TITLE_CASE.match(heading):
                        # "Threat Group History" after "Mitigation", or "Plans and Policies"
                        # inside it: only what still reads as advice stays advice.
                        special = _TENTATIVE if special != "ioc-list" else None
            if not body.lstrip().startswith("|"):
                # A table's cell or delimiter line ("|SHA1", "|===") is short enough to read as a
                # heading but names no section: what follows stays under the heading above.
                section = _HEADING_MARKUP.sub("", body).strip() or body.strip()
        elif form == "sentence" and body.rstrip().endswith(":") and _FURNITURE_HEADING.match(body):
            # "Related reading:", "See also:": the heading of a block of links, whose titles
            # (list items after the colon) are no part of the story
            in_related = not _FURNITURE_LINE_ONLY.match(body)
            kinds.add("furniture")
        elif in_related:
            if form == "sentence" and len(body.split()) > 14:
                in_related = False
            else:
                kinds.add("furniture")
        if in_related and form == "heading":
            kinds.add("furniture")
        # A reference is judged on the lines it stands on: a PDF splits one into pieces.
        window_end = max(end, min(line_end, line_start + _SHORT_LINE))
        window = (line_start, window_end)
        if window != cited_window:  # the pieces of one line share its window: search it once
            cited_window, cited = window, _cited(text[line_start:window_end])
        if in_references or cited:
            kinds.add("reference")
        if code_lines[line_index] == _CODE:
            kinds.add("code")
        elif code_lines[line_index] == _LISTED:
            kinds.add("ioc-list")
        if mail_lines[line_index]:
            kinds.add("email-header")
        if special in ("advice", "ioc-list") and form != "heading":
            kinds.add(special)
        elif special == _TENTATIVE and layout == "item" and _ADVICE_ITEM.match(body):
            kinds.add("advice")
        if layout not in ("row", "heading") and _ADVICE_SENTENCE.match(body):
            kinds.add("advice")
        if layout in ("prose", "item") and _INDICATOR_LINE.match(body):
            kinds.add("ioc-list")
        if form == "heading" and layout == "heading":
            kinds.add("heading")
        if layout == "row" or piped:
            kinds.add("table")
        kinds_of.append(kinds)
        sections.append(under if form == "heading" else section)
        levels.append(level)
        layouts.append(layout)

    # Tables: consecutive rows; the first is the header when a rule follows it or its
    # cells read as column names.
    cells_of: dict[int, tuple[Span, ...]] = {}
    header_of: set[int] = set()
    table_of: dict[int, int] = {}
    columns_of: dict[int, tuple[str, ...]] = {}
    table_count = 0
    run: list[_Row] = []

    def close_table() -> None:
        nonlocal table_count
        if not run:
            return
        data_rows = [r for r in run if not r.rule]
        first = data_rows[0] if data_rows else None
        header = None
        if first is not None and len(data_rows) >= 2 and first.index == run[0].index:
            ruled = len(run) > 1 and run[1].rule
            if ruled or _looks_like_header(text, first.cells):
                header = first
        columns = tuple(text[c.start : c.end].strip("*_` ") for c in header.cells) if header else ()
        for row in run:
            table_of[row.index] = table_count
            cells_of[row.index] = () if row.rule else row.cells
            if columns:
                columns_of[row.index] = columns
        if header is not None:
            header_of.add(header.index)
        table_count += 1
        run.clear()

    previous_end = 0
    for index, (start, end, _form) in enumerate(pieces):
        if "table" not in kinds_of[index]:
            close_table()
            continue
        if run and text.count("\n", previous_end, start) > 1:
            close_table()
        body = text[start:end]
        cells = _cells(text, start, end)
        run.append(_Row(index, cells, bool(_TABLE_RULE.match(body))))
        previous_end = end
        if any(_INDICATOR_CELL.fullmatch(text, c.start, c.end) for c in cells):
            kinds_of[index].add("ioc-list")
    close_table()

    title_index = next((i for i, (s, _e, f) in enumerate(pieces[:1]) if f == "heading"), None)
    passages: list[Passage] = []
    for index, (start, end, _form) in enumerate(pieces):
        kinds = kinds_of[index] or {"prose"}
        passages.append(
            Passage(
                kind=_primary(kinds),
                span=Span(start, end),
                layout=layouts[index],
                kinds=frozenset(kinds),
                section=sections[index],
                level=levels[index],
                cells=cells_of.get(index, ()),
                header=index in header_of,
                table=table_of.get(index),
                columns=columns_of.get(index, ()),
                title=index == title_index,
            )
        )
    starts = [p.span.start for p in passages]
    inline = tuple(
        Passage(kind="reference", span=Span(m.start(), m.end()), inline=True,
                section=_section_at(passages, starts, m.start()))
        for m in _INLINE_CITATION.finditer(text)
    )
    return Structure(length=len(text), passages=tuple(passages), inline=inline, opaque=opaque_spans(text))


def _section_at(passages: Sequence[Passage], starts: Sequence[int], offset: int) -> str | None:
    index = bisect.bisect_right(starts, offset) - 1
    return passages[index].section if index >= 0 else None
