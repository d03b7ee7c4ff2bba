"""PDF reader: per-page offsets, metadata, and the three clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.documents.pdfs import encrypt_pdf, make_pdf
from unmask.documents import parse_bytes, read
from unmask.documents.pdf import parse_pdf_date
from unmask.errors import DocumentError, EncryptedDocumentError, NoTextError

PAGES = [
    "Kimsuky report\nThe group also known as APT43 sent lures.",
    "Page two lists evil.example and 198.51.100.7",
    "Third page: Emerald Sleet (Microsoft) = Velvet Chollima (CrowdStrike).",
]
INFO = {"Title": "Kimsuky lures", "Author": "Jane Analyst; Bob Reverser",
        "CreationDate": "D:20240305093000Z", "ModDate": "D:20240306", "Producer": "handmade"}


def test_pages_have_offsets_into_the_text(tmp_path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(PAGES, info=INFO))
    doc = read(path)
    assert doc.format == "pdf"
    assert [p.number for p in doc.pages] == [1, 2, 3]
    for page, expected in zip(doc.pages, PAGES, strict=True):
        assert doc.text[page.start:page.end] == expected
    offset = doc.text.index("198.51.100.7")
    assert doc.page_at(offset) == 2
    assert doc.page_at(doc.text.index("Velvet Chollima")) == 3


def test_metadata_from_the_info_dictionary() -> None:
    meta = parse_bytes(make_pdf(PAGES, info=INFO), source="r.pdf").metadata
    assert meta.title == "Kimsuky lures"
    assert meta.authors == ("Jane Analyst", "Bob Reverser")
    assert meta.published == dt.date(2024, 3, 5)
    assert meta.modified == dt.date(2024, 3, 6)
    assert meta.extra["producer"] == "handmade"
    assert meta.extra["pages"] == "3"


def test_pdf_found_by_content_whatever_the_name() -> None:
    assert parse_bytes(make_pdf(PAGES), source="report.txt").format == "pdf"


def test_encrypted_pdf_is_refused_clearly() -> None:
    with pytest.raises(EncryptedDocumentError) as info:
        parse_bytes(encrypt_pdf(make_pdf(PAGES)), source="locked.pdf")
    assert info.value.source == "locked.pdf"
    assert "encrypted" in str(info.value) and "password" in str(info.value)


def test_image_only_pdf_is_refused_clearly() -> None:
    with pytest.raises(NoTextError) as info:
        parse_bytes(make_pdf(["", ""], image_only=True), source="scan.pdf")
    assert str(info.value).startswith("scan.pdf: PDF has no text layer (2 page(s)")
    assert "OCR" in str(info.value)


def test_truncated_pdf_is_refused_clearly() -> None:
    data = make_pdf(PAGES, info=INFO)
    with pytest.raises(DocumentError) as info:
        parse_bytes(data[: len(data) // 2], source="cut.pdf")
    assert type(info.value) is DocumentError
    assert "cut.pdf: PDF is truncated" in str(info.value)


def test_garbage_after_the_header_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"junk\.pdf: is not a readable PDF"):
        parse_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n", source="junk.pdf")


def test_blank_page_gives_a_warning_not_an_error() -> None:
    doc = parse_bytes(make_pdf([PAGES[0], "", PAGES[1]]), source="r.pdf")
    assert doc.pages[1].start == doc.pages[1].end
    assert doc.warnings == ("page(s) 2 have no text (images only?)",)


def test_unmapped_hyphens_are_hyphens() -> None:
    from unmask.documents.pdf import _page_text

    assert _page_text("CVE\ufffe2012-5054 and Zero\xadDay and cyber\x02\r\nespionage") == \
        "CVE-2012-5054 and Zero-Day and cyber-\nespionage"


@pytest.mark.parametrize(("value", "expected"), [
    ("D:20140715175220Z00'00'", dt.date(2014, 7, 15)),
    ("D:2014", dt.date(2014, 1, 1)),
    ("20150102", dt.date(2015, 1, 2)),
    ("D:20141399", None),
    ("yesterday", None),
    (None, None),
])
def test_pdf_dates(value: str | None, expected: dt.date | None) -> None:
    assert parse_pdf_date(value) == expected
