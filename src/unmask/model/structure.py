"""The structure of a document: its passages, in order, each with a kind.

Every extractor reads the same :class:`Structure` (computed once per document by
:func:`unmask.documents.structure.parse_structure`, or by
:func:`unmask.model.text_structure.text_structure` for a bare string), instead of
deciding for itself what is prose, a heading, a table, a reference list or advice.

A passage is a sentence of prose, a heading line, a table row, a list item or a line
of a code block. Its ``kind`` is what the passage is for the reader:

``prose``
    narrative text (sentences and prose list items);
``heading``
    a heading line (``level`` 1-6 when the markup says, else 0);
``table``
    a table row: ``cells`` are the spans of its cells, ``header`` says whether it is
    the table's header row, ``table`` numbers the tables of the document and
    ``columns`` holds the texts of the table's header cells when it has one;
``ioc-list``
    an indicator appendix or a list of indicators (rows there keep their cells);
``reference``
    a reference-list entry, a bibliographic citation or a footnote; inline
    citations such as ``(Citation: Vendor Report)`` are passages of their own, with
    ``inline`` set, inside the prose passage that holds them;
``advice``
    recommendations and mitigations ("Use multi-factor authentication");
``caption``
    a figure or photo caption, a picture credit;
``furniture``
    a byline, a "Related" list, navigation, share links, publisher boilerplate;
``code``
    a line of a code or log block (fenced or marked up, and reading as code: a
    paragraph of prose between fences is prose, a fenced list of indicators is an
    ``ioc-list``; a short line of a block keeps its layout but is no heading);
``email-header``
    a line of a quoted e-mail header block ("From: ... Subject: ...").

``layout`` is the line's form whatever its kind (``prose``, ``heading``, ``item``,
``row``), so an indicator table row is ``kind="ioc-list", layout="row"``. ``kinds``
holds every kind that applies (a caption under "References" is both); ``kind`` is
the one extractors switch on. ``section`` is the text of the nearest heading above.

``opaque`` holds the spans that are not prose words whatever passage they lie in:
URLs, link targets, e-mail addresses, paths, registry keys, hashes, host and file
names and the labels of ``Key: value`` records (:mod:`unmask.model.opaque`). A name
scanner skips a match that overlaps one (:meth:`Structure.is_opaque`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from unmask.model.document import Span

__all__ = ["KINDS", "LAYOUTS", "Passage", "Structure"]

#: Passage kinds, in the order of precedence used when several apply.
KINDS = (
    "code",
    "email-header",
    "caption",
    "furniture",
    "reference",
    "advice",
    "ioc-list",
    "heading",
    "table",
    "prose",
)
#: Line forms.
LAYOUTS = ("prose", "heading", "item", "row")


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage of a document: its kind, its span and where it stands."""

    kind: str
    span: Span
    layout: str = "prose"
    #: Every kind that applies; ``kind`` is the first of them in :data:`KINDS` order.
    kinds: frozenset[str] = frozenset()
    #: The text of the heading this passage lies under (None before the first heading).
    section: str | None = None
    #: Heading level (1 = top) when the markup gives one; 0 when it does not.
    level: int = 0
    #: Table rows: the spans of the cells, in order.
    cells: tuple[Span, ...] = ()
    #: Table rows: whether this is the table's header row.
    header: bool = False
    #: Table rows: which table of the document (0-based) the row belongs to.
    table: int | None = None
    #: Table rows: the texts of the table's header cells, when it has a header row.
    columns: tuple[str, ...] = ()
    #: The document's title line.
    title: bool = False
    #: A passage inside another one (an inline citation in a sentence).
    inline: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"passage kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"passage layout {self.layout!r} is not one of {', '.join(LAYOUTS)}")
        if not self.kinds:
            object.__setattr__(self, "kinds", frozenset([self.kind]))
        elif self.kind not in self.kinds:
            raise ValueError(f"passage kind {self.kind!r} is not among its kinds {sorted(self.kinds)}")

    def text(self, source: str) -> str:
        """The text this passage covers."""
        return source[self.span.start : self.span.end]

    def cell_texts(self, source: str) -> tuple[str, ...]:
        """The texts of this row's cells."""
        return tuple(source[c.start : c.end] for c in self.cells)

    def column_of(self, offset: int) -> str | None:
        """The header text of the column holding ``offset`` (table rows with a header)."""
        for index, cell in enumerate(self.cells):
            if cell.start <= offset < cell.end:
                return self.columns[index] if index < len(self.columns) else None
        return None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "layout": self.layout, "span": self.span.to_dict()}
        if len(self.kinds) > 1:
            out["kinds"] = sorted(self.kinds)
        if self.section is not None:
            out["section"] = self.section
        if self.level:
            out["level"] = self.level
        if self.cells:
            out["cells"] = [c.to_dict() for c in self.cells]
            out["header"] = self.header
        if self.table is not None:
            out["table"] = self.table
        if self.columns:
            out["columns"] = list(self.columns)
        if self.title:
            out["title"] = True
        if self.inline:
            out["inline"] = True
        return out


@dataclass(frozen=True, slots=True, eq=False)
class Structure:
    """The passages of one text, in order, with look-ups by offset and by kind.

    ``passages`` do not overlap and are sorted; ``inline`` passages lie inside them.
    Look-ups bisect: building is linear, each look-up logarithmic. Two structures
    are equal only if they are the same object (it is a per-document cache key).
    """

    length: int
    passages: tuple[Passage, ...] = ()
    inline: tuple[Passage, ...] = ()
    #: (start, end, kind) of the spans that are not prose words, sorted, not overlapping.
    opaque: tuple[tuple[int, int, str], ...] = ()
    _starts: tuple[int, ...] = field(init=False, repr=False)
    _inline_starts: tuple[int, ...] = field(init=False, repr=False)
    _opaque_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        previous = 0
        for passage in self.passages:
            if passage.span.start < previous or passage.span.end > self.length:
                raise ValueError(
                    f"passage [{passage.span.start}, {passage.span.end}) overlaps the one before "
                    f"or runs past the text's {self.length} characters"
                )
            previous = passage.span.end
        for passage in self.inline:
            if passage.span.end > self.length:
                raise ValueError(f"inline passage [{passage.span.start}, {passage.span.end}) runs past the text")
        object.__setattr__(self, "_starts", tuple(p.span.start for p in self.passages))
        object.__setattr__(self, "_inline_starts", tuple(p.span.start for p in self.inline))
        previous = 0
        for start, end, _kind in self.opaque:
            if start < previous or end > self.length or end <= start:
                raise ValueError(f"opaque span [{start}, {end}) overlaps the one before, is empty or runs past the text")
            previous = end
        object.__setattr__(self, "_opaque_starts", tuple(s for s, _e, _k in self.opaque))

    def __len__(self) -> int:
        return len(self.passages)

    def __iter__(self) -> Iterator[Passage]:
        return iter(self.passages)

    def block_at(self, offset: int) -> Passage | None:
        """The (non-inline) passage holding ``offset``, or None between passages."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.passages[index].span.end:
            return self.passages[index]
        return None

    def index_at(self, offset: int) -> int | None:
        """The index in :attr:`passages` of the passage holding ``offset``."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.passages[index].span.end:
            return index
        return None

    def passage_at(self, offset: int) -> Passage | None:
        """The innermost passage holding ``offset``: an inline one if any, else its block."""
        index = bisect.bisect_right(self._inline_starts, offset) - 1
        # Inline passages do not nest and are short: look back a few for one that covers.
        for back in range(index, max(-1, index - 4), -1):
            if offset < self.inline[back].span.end:
                return self.inline[back]
        return self.block_at(offset)

    def kind_at(self, offset: int) -> str:
        """The kind of the passage holding ``offset`` (``prose`` between passages)."""
        passage = self.passage_at(offset)
        return passage.kind if passage is not None else "prose"

    def opaque_at(self, start: int, end: int) -> str | None:
        """The kind of the opaque span overlapping ``[start, end)`` (a URL, a path, a
        field label ...), or None when the range is all prose words, or is exactly a
        host or file name standing alone (a tool named by its file, "cmd.exe", or a
        dotted family name, "Agent.btz", is the name itself)."""
        index = bisect.bisect_left(self._opaque_starts, end) - 1
        if index >= 0 and self.opaque[index][1] > start:
            span_start, span_end, kind = self.opaque[index]
            if kind == "domain" and span_start == start and span_end == end:
                return None  # a file or host name written alone is the name itself ("cmd.exe")
            return kind
        return None

    def is_opaque(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span that is not prose words: what a name
        scanner must not read a name from."""
        return self.opaque_at(start, end) is not None

    def within(self, start: int, end: int) -> tuple[Passage, ...]:
        """The (non-inline) passages overlapping ``[start, end)``, in order."""
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        last = bisect.bisect_left(self._starts, end)
        return tuple(p for p in self.passages[first:last] if p.span.end > start and p.span.start < end)

    def any_of(self, kinds: Iterable[str], start: int, end: int) -> bool:
        """Whether a (non-inline) passage overlapping ``[start, end)`` is one of ``kinds``."""
        wanted = frozenset(kinds)
        return any(p.kinds & wanted for p in self.within(start, end))

    def of_kind(self, *kinds: str) -> Iterator[Passage]:
        """Passages (inline ones too) of any of ``kinds``, in text order."""
        wanted = frozenset(kinds)
        blocks = (p for p in self.passages if p.kinds & wanted)
        inline = (p for p in self.inline if p.kinds & wanted)
        merged = sorted([*blocks, *inline], key=lambda p: (p.span.start, p.inline))
        return iter(merged)

    @property
    def title(self) -> Passage | None:
        """The document's title line, when the text opens with one."""
        for passage in self.passages[:3]:
            if passage.title:
                return passage
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "length": self.length,
            "passages": [p.to_dict() for p in self.passages],
            "inline": [p.to_dict() for p in self.inline],
            "opaque": [{"kind": k, "span": {"start": a, "end": b}} for a, b, k in self.opaque],
        }
