"""The document structure every extractor reads, computed once per document.

:func:`parse_structure` is what the pipeline calls: the text rules of
:func:`unmask.model.text_structure.text_structure` (headings, tables and their header
rows, reference lists and citations, advice, indicator appendices, captions, bylines,
code and e-mail header blocks) plus what the reader knows about the document's
format. For paginated documents (PDF), a line repeated at the top or the bottom of
most pages is a running header or footer: page furniture.

Readers that know more pass it: ``format`` and ``pages``, and ``code``, the spans the
markup says are code or log blocks (an HTML ``<pre>``, found by :func:`html_code_spans`:
the text layer of a page keeps a request dump's lines but not its ``<pre>``, so "GET /a
HTTP/1.1" read as a heading). Tables and lists already reach the text as Markdown rows
and items. The result is always a :class:`~unmask.model.structure.Structure`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from unmask.model import Document, Page
from unmask.model.structure import KINDS, Passage, Structure
from unmask.model.text_structure import text_structure

__all__ = ["html_code_spans", "parse_structure", "structure_of_document"]

#: Lines of a page's top and bottom read as a possible running header or footer.
_EDGE_LINES = 2
#: A running header or footer is short.
_EDGE_CHARS = 120


def parse_structure(
    text: str,
    *,
    format: str = "text",
    pages: Sequence[Page] = (),
    code: Sequence[tuple[int, int]] = (),
    advice: Sequence[tuple[int, int]] = (),
) -> Structure:
    """The passages of ``text`` with their kinds; ``format`` names the reader (``pdf``,
    ``html``, ``markdown``, ``text`` ...), ``pages`` the page ranges of a paginated text,
    ``code`` the spans the markup says are code or log blocks (:func:`html_code_spans`),
    ``advice`` the spans the record says are a defender's guidance (a STIX
    course of action): every passage inside one is advice, whatever its words."""
    structure = text_structure(text, code=tuple(code))
    if format == "pdf" and len(pages) >= 3:
        structure = _running_furniture(text, structure, pages)
    if advice:
        structure = _with_kind(structure, advice, "advice")
    return structure


def structure_of_document(document: Document) -> Structure:
    """The document's structure: the one its reader gave, else parsed now."""
    given = getattr(document, "structure", None)
    if isinstance(given, Structure) and given.length == len(document.text):
        return given
    return parse_structure(document.text, format=document.format, pages=document.pages)


def _edge_keys(text: str, page: Page) -> list[tuple[int, int, str]]:
    """(start, end, key) of the first and last few short lines of a page; the key
    drops digits, so "Page 3 of 12" repeats as one line."""
    body = text[page.start : page.end]
    lines: list[tuple[int, int]] = []
    offset = page.start
    for raw in body.split("\n"):
        if raw.strip():
            lines.append((offset, offset + len(raw)))
        offset += len(raw) + 1
    chosen = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if len(lines) > 2 * _EDGE_LINES else lines
    out = []
    for start, end in dict.fromkeys(chosen):
        value = text[start:end].strip()
        if len(value) <= _EDGE_CHARS:
            out.append((start, end, "".join("#" if c.isdigit() else c for c in value).lower()))
    return out


def _running_furniture(text: str, structure: Structure, pages: Sequence[Page]) -> Structure:
    edges = [_edge_keys(text, page) for page in pages]
    counts = Counter(key for page in edges for key in {k for _s, _e, k in page})
    repeated = {key for key, n in counts.items() if n >= max(3, len(pages) // 2) and len(key) >= 3}
    if not repeated:
        return structure
    spans = [(s, e) for page in edges for s, e, k in page if k in repeated]
    return _with_kind(structure, spans, "furniture", keep_code=True)


def _with_kind(
    structure: Structure, spans: Sequence[tuple[int, int]], kind: str, *, keep_code: bool = False
) -> Structure:
    """``structure`` with ``kind`` added to every (non-inline) passage lying wholly inside
    one of ``spans``; ``keep_code``: a code line stays as it is."""
    marked: dict[int, Passage] = {}
    for start, end in spans:
        for passage in structure.within(start, end):
            if passage.span.start >= start and passage.span.end <= end and not (keep_code and passage.kind == "code"):
                kinds = passage.kinds | {kind}
                first = next(k for k in KINDS if k in kinds)
                marked[passage.span.start] = replace(passage, kind=first, kinds=kinds)
    if not marked:
        return structure
    passages = tuple(marked.get(p.span.start, p) for p in structure.passages)
    return Structure(length=structure.length, passages=passages, inline=structure.inline, opaque=structure.opaque)


#: An HTML ``<pre>`` element (the only markup a page's text layer loses that says "code").
_PRE = re.compile(rb"<pre\b", re.IGNORECASE)
#: The most ``<pre>`` lines looked for in a page's text (a page of dumps stays linear).
_MAX_CODE_LINES = 5000


def html_code_spans(data: bytes, text: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``text`` (the page's text as its reader gave it) that hold the lines
    of the page's ``<pre>`` blocks, found in order (each line searched for after the last
    one found, so a line the text lacks is skipped and the search stays linear)."""
    if not _PRE.search(data):
        return ()
    import lxml.etree
    import lxml.html

    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        root = lxml.html.document_fromstring(data, parser=parser)
        blocks = [element.text_content() for element in root.iter("pre")]
    except (lxml.etree.LxmlError, ValueError, TypeError, LookupError, AttributeError, AssertionError, RecursionError):
        return ()  # hostile markup: the text rules alone decide
    spans: list[tuple[int, int]] = []
    position = 0
    budget = _MAX_CODE_LINES
    for block in blocks:
        for raw in block.split("\n"):
            line = " ".join(raw.split())
            if len(line) < 4 or budget <= 0:
                continue
            budget -= 1
            at = text.find(line, position)
            if at < 0:
                continue
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            if text[line_start:line_end].strip() == line:  # the whole line, not a part of prose
                spans.append((line_start, line_end))
                position = line_end
    return tuple(spans)
