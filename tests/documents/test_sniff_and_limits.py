"""Choosing the reader by content, and the refusals every reader shares."""

from __future__ import annotations

import pytest

from tests.documents.conftest import fixture
from tests.documents.pdfs import make_pdf
from unmask.documents import parse_bytes, read
from unmask.documents.sniff import sniff_format
from unmask.errors import (
    ConfigError,
    DocumentError,
    EmptyDocumentError,
    TooLargeError,
    UnsupportedFormatError,
)


@pytest.mark.parametrize(("name", "expected"), [
    ("article.html", "html"),
    ("invoice-phish.eml", "email"),
    ("article.mht", "email"),
    ("bundle-stix21.json", "json"),
    ("misp-event.json", "json"),
    ("package-stix1.xml", "xml"),
    ("recklessness.ioc", "xml"),
    ("latin1-report.txt", "text"),
    ("notes.md", "text"),
    ("iocs.adoc", "text"),
])
def test_fixtures_sniffed_by_content_without_a_name(name: str, expected: str) -> None:
    assert sniff_format(fixture(name).read_bytes(), name="<stdin>") == expected


def test_pdf_with_leading_junk() -> None:
    assert sniff_format(b"\r\n\x00junk" + make_pdf(["hi there"])) == "pdf"


def test_text_that_looks_a_little_like_headers_is_not_email() -> None:
    data = b"Title: Kimsuky report\nDate: 2024-03-05\n\nKimsuky is also APT43.\n"
    assert sniff_format(data) == "text"


def test_mbox_from_line_email() -> None:
    data = b"From sender@example.com Mon Mar 11 08:00:00 2024\nFrom: a@b.example\nSubject: s\n\nbody\n"
    assert sniff_format(data) == "email"


def test_name_breaks_a_tie_for_html_fragments() -> None:
    data = b"Kimsuky <b>APT43</b> <i>Emerald Sleet</i> <br> text"
    assert sniff_format(data, name="page.html") == "html"
    assert sniff_format(data, name="notes.txt") == "text"


def test_markdown_opening_with_inline_html_stays_text() -> None:
    data = b'<p align="center"><img src="logo.png"></p>\n\n# Tool\n\nTracks APT43.\n'
    assert sniff_format(data, name="README.md") == "text"
    assert sniff_format(data, name="<stdin>") == "html"


def test_extension_alone_does_not_make_a_pdf() -> None:
    assert sniff_format(b"This is a text note about APT43.", name="report.pdf") == "text"


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04" + bytes(200), "is a ZIP archive"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "gzip-compressed"),
    (b"MZ\x90\x00" + bytes(100), "a Windows executable"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image"),
    (bytes(range(256)) * 8, "is binary data"),
])
def test_binary_junk_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=reason) as info:
        parse_bytes(data, source="blob.bin")
    assert info.value.source == "blob.bin"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n"])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(EmptyDocumentError, match=r"e\.txt: is empty"):
        parse_bytes(data, source="e.txt")


def test_size_limit_on_bytes_and_paths(tmp_path, monkeypatch) -> None:
    with pytest.raises(TooLargeError, match="more than 10 bytes"):
        parse_bytes(b"x" * 11, source="big.txt", max_bytes=10)
    path = tmp_path / "big.txt"
    path.write_bytes(b"y" * 100)
    with pytest.raises(TooLargeError, match="100 bytes is over the 50-byte limit"):
        read(path, max_bytes=50)
    monkeypatch.setenv("UNMASK_MAX_BYTES", "20")
    with pytest.raises(TooLargeError):
        read(path)
    monkeypatch.setenv("UNMASK_MAX_BYTES", "lots")
    with pytest.raises(ConfigError, match="UNMASK_MAX_BYTES='lots'"):
        read(path)


def test_read_bytes_stdin_and_errors(tmp_path, monkeypatch) -> None:
    import io
    import sys

    assert read(b"APT43 text", name="given").source == "given"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin: APT43")))
    doc = read("-")
    assert doc.source == "<stdin>" and doc.text == "from stdin: APT43"
    with pytest.raises(DocumentError, match="is a directory"):
        read(tmp_path)
    with pytest.raises(DocumentError, match="cannot be read"):
        read(tmp_path / "missing.txt")


# -- output budgets: characters, pages, memory and time (decompression bombs) ----------


def test_a_pdf_that_expands_to_too_many_characters_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.documents.bombs import text_bomb_pdf

    monkeypatch.setenv("UNMASK_MAX_CHARS", "100000")
    data = text_bomb_pdf(300_000, pages=3)
    assert len(data) < 20_000
    with pytest.raises(TooLargeError, match=r"over the 100,000-character limit by page \d"):
        parse_bytes(data, source="bomb.pdf")


def test_a_pdf_of_too_many_pages_is_refused() -> None:
    from tests.documents.bombs import many_pages_pdf

    with pytest.raises(TooLargeError, match=r"6,000 pages, over the 5,000-page limit"):
        parse_bytes(many_pages_pdf(6000), source="pages.pdf")


def test_a_pdf_that_inflates_past_the_memory_budget_fails_without_killing_us(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.documents.bombs import inflating_pdf

    monkeypatch.setenv("UNMASK_PDF_MEMORY_MB", "64")
    data = inflating_pdf(200 << 20)
    assert len(data) < 1 << 20
    with pytest.raises(DocumentError, match=r"within 64 MB of memory.*decompression bomb"):
        parse_bytes(data, source="inflate.pdf")
    # The reader is still there for the next PDF.
    assert "Kimsuky" in parse_bytes(make_pdf(["Kimsuky used evil.example in March 2024."]),
                                    source="ok.pdf").text


def test_a_pdf_over_the_time_budget_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from tests.documents.bombs import text_bomb_pdf

    monkeypatch.setenv("UNMASK_PDF_SECONDS", "1")
    monkeypatch.setenv("UNMASK_PDF_MEMORY_MB", "8192")
    monkeypatch.setenv("UNMASK_MAX_CHARS", "100000000")
    data = text_bomb_pdf(20_000_000)
    started = time.monotonic()
    with pytest.raises(DocumentError, match="more than 1 s to read"):
        parse_bytes(data, source="slow.pdf")
    assert time.monotonic() - started < 10


def test_text_over_the_character_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNMASK_MAX_CHARS", "1000")
    with pytest.raises(TooLargeError, match="1,200 characters of text is over the 1,000"):
        parse_bytes(b"APT28 " * 200, source="long.txt")
    assert parse_bytes(b"APT28 " * 150, source="short.txt").text


def test_a_long_single_line_is_refused_before_it_is_decoded() -> None:
    import time

    from tests.documents.bombs import long_line

    data = long_line(9_000_000)
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="bytes of text is over the 1,000,000-character limit"):
        parse_bytes(data, source="line.txt")
    with pytest.raises(TooLargeError, match="bytes of HTML is over the 20,000,000-byte limit"):
        parse_bytes(b"<html><body><p>" + long_line(21_000_000), source="line.html")
    with pytest.raises(TooLargeError, match="bytes of JSON is over the 20,000,000-byte limit"):
        parse_bytes(b'{"type": "bundle", "objects": ["' + long_line(21_000_000) + b'"]}',
                    source="bundle.json")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("name", ["UNMASK_MAX_CHARS", "UNMASK_MAX_PAGES",
                                  "UNMASK_PDF_MEMORY_MB", "UNMASK_PDF_SECONDS"])
def test_a_bad_budget_is_a_config_error(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "lots")
    with pytest.raises(ConfigError, match=name):
        parse_bytes(make_pdf(["Kimsuky used evil.example in March 2024."]) if name != "UNMASK_MAX_CHARS"
                    else b"APT28 was here", source="x.pdf")
