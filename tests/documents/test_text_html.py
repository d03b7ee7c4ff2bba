"""Plain text, Markdown, AsciiDoc and HTML readers."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from tests.documents.conftest import fixture
from unmask.documents import parse_bytes, read
from unmask.documents.html import html_to_text
from unmask.documents.text import decode_text, parse_dateline
from unmask.errors import EmptyDocumentError, NoTextError


def test_latin1_text_is_decoded() -> None:
    doc = read(fixture("latin1-report.txt"))
    assert doc.format == "text"
    assert "Le groupe nord-coréen Kimsuky a envoyé" in doc.text
    assert "\ufffd" not in doc.text
    assert doc.sha256 == __import__("hashlib").sha256(fixture("latin1-report.txt").read_bytes()).hexdigest()


@pytest.mark.parametrize(("text", "encoding"), [
    ("Die Gruppe hat Phishing-Mails geschickt – Größe 5 MB, Überblick.", "cp1252"),
    ("The group’s “Operation Ghost” used café.example — see page 3.", "cp1252"),
    ("Группа Kimsuky атаковала исследователей в марте 2024 года.", "cp1251"),
    ("Ομάδα Kimsuky επιτέθηκε σε ερευνητές τον Μάρτιο.", "iso-8859-7"),
])
def test_short_legacy_encodings(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = "Ünïcödé report about APT43 — ".encode() * 20 + b"\xff end"
    text = decode_text(data)
    assert text.startswith("Ünïcödé report")
    assert text.endswith("\ufffd end")


def test_utf16_with_and_without_bom() -> None:
    body = "Kimsuky a.k.a. APT43 uses BabyShark.\n" * 5
    for data in (body.encode("utf-16"), body.encode("utf-16-le"), body.encode("utf-16-be")):
        doc = parse_bytes(data, source="u16.txt")
        assert doc.text.startswith("Kimsuky a.k.a. APT43"), data[:8]


def test_crlf_and_nul_are_normalised() -> None:
    doc = parse_bytes(b"line one\r\nline\x00 two\rthree\n", source="x.txt")
    assert doc.text == "line one\nline two\nthree\n"


def test_unicode_line_and_paragraph_separators_are_line_ends() -> None:
    data = "Title\u2029First line\u2028second line\x85third.".encode()
    assert parse_bytes(data, source="x.txt").text == "Title\n\nFirst line\nsecond line\nthird."


def test_events_survive_unicode_line_separators() -> None:
    from unmask.pipeline import analyze

    lines = ["Advertisement", "Photo: a caption under the picture (Reuters)",
             "On 4 March 2025 the ministry said that APT29 had breached its mail server."]
    expected = analyze(parse_bytes("\n".join(lines).encode(), source="a.txt")).events
    got = analyze(parse_bytes("\u2028".join(lines).encode(), source="b.txt")).events
    assert expected and [(e.kind, e.date) for e in got] == [(e.kind, e.date) for e in expected]


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x00 \n\x00", b"\x01\x02\x03"])
def test_only_control_characters_is_empty(data: bytes) -> None:
    with pytest.raises(EmptyDocumentError):
        parse_bytes(data, source="x.txt")


def test_markdown_title_and_format() -> None:
    doc = read(fixture("notes.md"))
    assert doc.format == "markdown"
    assert doc.metadata.title == "Kimsuky interview lures"
    assert "`interview-request[.]example`" in doc.text


def test_markdown_recognised_by_content_without_name() -> None:
    data = fixture("notes.md").read_bytes() + b"\n```\ncode\n```\n"
    doc = parse_bytes(data, source="<stdin>")
    assert doc.format == "markdown"


def test_asciidoc_is_text_with_its_title() -> None:
    doc = read(fixture("iocs.adoc"))
    assert doc.format == "text"
    assert doc.metadata.extra["markup"] == "asciidoc"
    assert doc.metadata.title == "Kimsuky -- Indicators of Compromise"
    assert "6f1c1b0d8a3b1f4f9e2c7d6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c" in doc.text


def test_heading_in_the_middle_is_not_a_title() -> None:
    doc = parse_bytes(b"Intro paragraph first.\n\n# Summary\n\ntext [a](https://x.example)\n\n## More\n",
                      source="a.md")
    assert doc.metadata.title is None


def test_html_main_text_without_furniture() -> None:
    doc = read(fixture("article.html"))
    assert doc.format == "html"
    assert "Kimsuky, also tracked as APT43 and Emerald Sleet" in doc.text
    assert "hxxps://cdn-update.example/init.ps1" in doc.text
    assert "cdn-update[.]example" in doc.text  # table kept
    for furniture in ("Advertisement", "SuperFirewall", "Related articles", "Lazarus steals",
                      "Privacy policy", "About us", "do-not-keep-this-script-text", "color: red"):
        assert furniture not in doc.text, furniture
    assert not doc.warnings


def test_html_metadata() -> None:
    meta = read(fixture("article.html")).metadata
    assert meta.title == "Kimsuky targets think tanks with new lure"
    assert meta.authors == ("Jane Analyst",)
    assert meta.published == dt.date(2024, 3, 5)
    assert meta.url == "https://blog.example-security.test/2024/03/kimsuky-think-tanks"
    assert meta.site_name == "Example Security Blog"
    assert meta.language == "en"


def test_html_date_comes_from_the_page_not_from_its_story() -> None:
    story = b"<p>The group was active in May 2024 against ministries, and this paragraph is long enough to be kept as main text.</p>"
    undated = b"<html><head><title>x</title></head><body><article><h1>T</h1>" + story + b"</article></body></html>"
    assert parse_bytes(undated, source="a.html").metadata.published is None
    byline = undated.replace(story, b'<p class="date">Published March 3, 2023</p>' + story)
    assert parse_bytes(byline, source="b.html").metadata.published == dt.date(2023, 3, 3)


def test_html_chosen_by_content_not_name() -> None:
    data = fixture("article.html").read_bytes()
    assert parse_bytes(data, source="saved-page.txt").format == "html"
    assert parse_bytes(data, source="<stdin>").format == "html"


def test_html_keeps_indicator_blocks() -> None:
    data = (b"<html><head><title>Report</title></head><body><nav><a href=/>Home</a></nav><article>"
            b"<h1>New Lazarus loader</h1><p>Lazarus used a new loader against crypto firms in 2024. "
            b"The loader is delivered through fake job offers and fetches its payload from a server.</p>"
            b"<p>The following hashes belong to the loader samples we analysed in this campaign:</p>"
            b"<pre>0cc175b9c0f1b6a831c399e269772661\n92eb5ffee6ae2fec3ad71c777531578f\n</pre>"
            b"<p>Network indicators:</p><ul><li>update-check[.]example</li><li>203.0.113[.]9</li></ul>"
            b"<p>We attribute the activity to Lazarus with moderate confidence.</p></article></body></html>")
    text = parse_bytes(data, source="r.html").text
    for indicator in ("0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f",
                      "update-check[.]example", "203.0.113[.]9"):
        assert indicator in text
    assert "Home" not in text


def test_html_fallback_keeps_visible_text() -> None:
    # Too little for trafilatura to call it an article: the visible text is kept.
    data = b"<html><head><title>IOCs</title></head><body><ul><li>evil.example</li>" \
           b"<li>198.51.100.7</li></ul><script>nope()</script></body></html>"
    doc = parse_bytes(data, source="list.html")
    assert "evil.example" in doc.text and "198.51.100.7" in doc.text
    assert "nope" not in doc.text
    assert doc.metadata.title == "IOCs"


def test_html_fragment_is_html() -> None:
    doc = parse_bytes(b"<p>Kimsuky uses <b>BabyShark</b>.</p>", source="<stdin>")
    assert doc.format == "html"
    assert "Kimsuky uses BabyShark." in doc.text


def test_html_without_text_is_refused() -> None:
    with pytest.raises(NoTextError, match=r"empty\.html: HTML page has no visible text"):
        parse_bytes(b"<html><body><script>x()</script></body></html>", source="empty.html")


def test_html_to_text_one_line_per_block() -> None:
    text = html_to_text("<div>one</div><p>two<br>three</p><table><tr><td>a</td><td>b</td></tr></table>")
    assert text.split("\n") == ["one", "two", "three", "a b"]


@pytest.mark.parametrize(("line", "expected"), [
    ("May 04, 2020", dt.date(2020, 5, 4)),
    ("Jul 9, 2020", dt.date(2020, 7, 9)),
    ("September 1st, 2020", dt.date(2020, 9, 1)),
    ("24 January 2022", dt.date(2022, 1, 24)),
    ("Published: Thursday, Nov. 30, 2023", dt.date(2023, 11, 30)),
    ("Posted on 2021-02-12", dt.date(2021, 2, 12)),
    ("2021/02/12", dt.date(2021, 2, 12)),
    ("February 30, 2021", None),
    ("The attack began on May 4, 2020 and lasted a week.", None),
    ("Updated: May 4, 2020", None),
])
def test_parse_dateline(line: str, expected: dt.date | None) -> None:
    assert parse_dateline(line) == expected


def test_blog_post_saved_as_text_has_title_and_date() -> None:
    data = (b"Kimsuky sends fake interview requests\nMarch 5, 2024\n"
            b"Last Thursday the group sent new lures to think tanks.\n")
    meta = parse_bytes(data, source="post.txt").metadata
    assert meta.title == "Kimsuky sends fake interview requests"
    assert meta.published == dt.date(2024, 3, 5)


def test_dates_in_sentences_are_not_datelines() -> None:
    data = b"Kimsuky report\n\nOn 18 July 2007 the embassy flag was photographed. Since May 2012 the group has been active.\n"
    assert parse_bytes(data, source="t.txt").metadata.published is None


def test_control_characters_after_a_dropped_script_fall_back_to_stripping() -> None:
    # lxml's parser lets \x01 into a tail, then refuses to write it back when the
    # script before it is dropped (ValueError): the markup is stripped by hand instead.
    from unmask.documents.html import html_to_text

    page = b"<html><body><p>Kimsuky</p><script>var x;</script>\x01\x02 tail text after script</body></html>"
    text = html_to_text(page)
    assert "Kimsuky" in text and "tail text after script" in text and "var x" not in text


def test_odd_dates_in_a_page_raise_no_warning() -> None:
    # htmldate passes "…ZR" to dateutil, which warns about the unknown time zone.
    page = (b"<html><head><meta property='article:published_time' content='2024-03-05T09:30:00ZR'>"
            b"<title>Report</title></head><body><article><p>" + b"Kimsuky sent lures to think tanks. " * 20
            + b"</p></article></body></html>")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = parse_bytes(page, source="odd-date.html")
    assert "Kimsuky" in doc.text
