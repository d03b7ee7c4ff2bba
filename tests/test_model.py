from __future__ import annotations

import pytest

from unmask.model import Document, Event, Page, Span, TargetMention


def test_span_rejects_negative_and_reversed() -> None:
    with pytest.raises(ValueError):
        Span(-1, 2)
    with pytest.raises(ValueError):
        Span(5, 2)
    assert Span(1, 3).of("abcdef") == "bc"


def test_document_page_lookup() -> None:
    doc = Document(text="aaaa\nbbbb\ncccc", source="x", format="pdf", sha256="0",
                   pages=(Page(1, 0, 5), Page(2, 5, 10), Page(3, 10, 14)))
    assert doc.page_at(0) == 1
    assert doc.page_at(6) == 2
    assert doc.page_at(13) == 3


def test_document_rejects_overlapping_pages() -> None:
    with pytest.raises(ValueError):
        Document(text="abc", source="x", format="pdf", sha256="0",
                 pages=(Page(1, 0, 3), Page(2, 1, 3)))


def test_event_precision_and_start_date() -> None:
    event = Event(kind="sanction", date="2023-06", precision="month", span=Span(0, 1))
    assert event.start_date.isoformat() == "2023-06-01"
    with pytest.raises(ValueError):
        Event(kind="x", date="2023", precision="century", span=Span(0, 1))


def test_target_kind_and_role_are_checked() -> None:
    with pytest.raises(ValueError):
        TargetMention(kind="planet", value="x", surface="x", span=Span(0, 1))
    with pytest.raises(ValueError):
        TargetMention(kind="country", value="KR", surface="x", span=Span(0, 1), role="friend")
