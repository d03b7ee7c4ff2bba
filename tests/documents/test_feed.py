"""Feeds (RSS 0.91/1.0/2.0, Atom, JSON Feed): sniffing, one document per entry, stable
labels and hashes, broken entries, hostile input, and ingest idempotency per entry."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unmask.cli import app
from unmask.documents import MultipleDocumentsError, parse_all, parse_bytes, read, read_all
from unmask.documents.feed import FeedEntryError
from unmask.documents.html import html_to_text
from unmask.documents.sniff import sniff_format
from unmask.errors import DocumentError, EmptyDocumentError
from unmask.extract.observables import extract_observables
from unmask.ingest import ingest
from unmask.model import Document, ExtractContext
from unmask.store import open as open_kb

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = FEEDS / "vendor-blog.rss"
ATOM = FEEDS / "vendor-blog.atom"
JSON_FEED = FEEDS / "vendor-blog.json"
RDF = FEEDS / "vendor-blog.rdf"
RSS091 = FEEDS / "netscape-091.rss"
SITE = "https://research.lantern-labs.example"

runner = CliRunner()


def _entries(data: bytes, source: str = "feed.xml") -> tuple[list[Document], list[DocumentError]]:
    failed: list[DocumentError] = []
    return list(parse_all(data, source=source, on_error=failed.append)), failed


def _rss(*items: str, channel: str = "<title>Lantern Labs</title><link>https://lantern.example/</link>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"{channel}{''.join(items)}</channel></rss>"
    ).encode()


def _item(guid: str, body: str, title: str = "Post") -> str:
    return (f"<item><title>{title}</title><guid>{guid}</guid><link>https://lantern.example/{guid}</link>"
            f"<pubDate>Fri, 14 Mar 2025 09:30:00 +0000</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>")


# -- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [RSS, ATOM, JSON_FEED, RDF, RSS091])
def test_feeds_are_sniffed_by_content(path: Path) -> None:
    data = path.read_bytes()
    assert sniff_format(data, name=path.name) == "feed"
    assert sniff_format(data, name="download") == "feed"  # no extension needed


@pytest.mark.parametrize(("data", "expected"), [
    (b"<html><body><p>How to read &lt;rss&gt; feeds</p></body></html>", "html"),
    (b'<?xml version="1.0"?><feed><item>not atom</item></feed>', "xml"),
    (b'{"type": "bundle", "id": "bundle--1", "objects": []}', "json"),
    (b"rss version 2.0 is a format", "text"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "xml"),
])
def test_non_feeds_are_not_sniffed_as_feeds(data: bytes, expected: str) -> None:
    assert sniff_format(data, name="x") == expected


def test_feed_with_bom_comment_and_stylesheet_is_sniffed() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- generator -->\n<?xml-stylesheet href="a.xsl"?>\n' + _rss(
        _item("a", "<p>x</p>")).split(b"\n", 1)[1]
    assert sniff_format(data) == "feed"


# -- one document per entry -----------------------------------------------------------


def test_rss_entries_carry_metadata_text_and_labels() -> None:
    failed: list[DocumentError] = []
    documents = list(read_all(RSS, on_error=failed.append))
    assert [d.source for d in documents] == [
        f"{RSS}#lantern-labs-2025-014", f"{RSS}#{SITE}/blog/lantern-loader-persistence",
    ]
    first = documents[0]
    meta = first.metadata
    assert meta.title == "Operation Paper Lantern: think-tank lures deliver BabyShark"
    assert meta.authors == ("Threat Research Desk",)
    assert meta.published is not None and meta.published.isoformat() == "2025-03-14"
    assert meta.url == f"{SITE}/blog/paper-lantern"
    assert meta.site_name == "Lantern Labs Threat Research"
    assert meta.language == "en-gb"
    assert meta.extra["feed"] == str(RSS) and meta.extra["feed_format"] == "rss20"
    assert meta.extra["tags"] == "Kimsuky, Phishing"
    assert first.format == "html"
    # Full content (content:encoded) wins over the description; scripts are gone.
    assert first.text.startswith("Summary\n")
    assert "nknews-pro[.]org" in first.text and "trackVisit" not in first.text
    # The indicator list survives (trafilatura's boilerplate removal drops it).
    assert "\nIndicators\n" in first.text and "\nupdate-check[.]info\n" in first.text
    # The second entry has only a description, which is HTML.
    assert documents[1].text.startswith("The loader now persists")
    assert "<b>" not in documents[1].text
    # The third entry has neither: it fails alone, named, with its link as the hint.
    assert len(failed) == 1 and isinstance(failed[0], FeedEntryError)
    assert failed[0].source == f"{RSS}#lantern-labs-webinar-2025"
    assert "Webinar" in str(failed[0]) and f"{SITE}/events/webinar" in str(failed[0])


def test_atom_entries_resolve_relative_links_and_keep_both_dates() -> None:
    documents, failed = _entries(ATOM.read_bytes(), "atom.xml")
    assert not failed
    update, plain = documents
    assert update.metadata.title == "Operation Paper Lantern update"
    assert update.metadata.authors == ("Threat Research Desk", "Ana Ortiz")
    assert str(update.metadata.published) == "2025-03-20" and str(update.metadata.modified) == "2025-03-21"
    assert update.metadata.url == f"{SITE}/blog/paper-lantern-update"
    assert update.source == "atom.xml#tag:lantern-labs.example,2025:paper-lantern-update"
    assert plain.format == "text" and plain.text.startswith("The actor used 192.0.2.99")
    assert str(plain.metadata.published) == "2025-04-01"  # only <updated>: used as publication


def test_json_feed_entries() -> None:
    documents, failed = _entries(JSON_FEED.read_bytes(), "feed.json")
    assert not failed
    assert [d.source for d in documents] == ["feed.json#jf-1", "feed.json#2"]
    assert documents[0].metadata.authors == ("Threat Research Desk",)
    assert documents[0].metadata.extra["feed_format"] == "json11"
    assert documents[0].text == "BabyShark samples from March 2025 beacon to beacon-lantern[.]com."
    assert documents[1].format == "text" and documents[1].metadata.url is None


def test_rss10_and_rss091() -> None:
    (rdf,), _ = _entries(RDF.read_bytes())
    assert rdf.metadata.site_name == "Lantern Labs (RSS 1.0)"
    assert str(rdf.metadata.published) == "2025-02-03"
    (old,), _ = _entries(RSS091.read_bytes())
    assert old.metadata.title == "Café lure" and "cafe-menu[.]example" in old.text


def test_entry_text_is_the_html_readers_text_and_spans_hold() -> None:
    body = ("<h2>Indicators</h2><p>The lure came from <b>lure-host[.]net</b> and "
            "beaconed to 198.51.100.77.</p><ul><li>evil-cdn[.]net</li><li>bad-mirror[.]org</li></ul>")
    (document,), _ = _entries(_rss(_item("a", body)))
    assert document.text == html_to_text(body)
    found = extract_observables(document.text, context=ExtractContext.for_document(document))
    assert {o.value for o in found} >= {"lure-host.net", "evil-cdn.net", "bad-mirror.org"}
    for observable in found:
        assert observable.span.of(document.text) == observable.surface


def test_feed_relative_dates_use_the_entry_date() -> None:
    (document,), _ = _entries(_rss(_item("a", "<p>Two days ago the group registered x-lantern[.]net.</p>")))
    assert document.metadata.published is not None
    assert ExtractContext.for_document(document).published == document.metadata.published


# -- identity and idempotency ---------------------------------------------------------


def test_labels_and_hashes_are_stable_and_per_entry() -> None:
    one = _rss(_item("a", "<p>alpha evil-a[.]net</p>"), _item("b", "<p>beta evil-b[.]net</p>"))
    first, _ = _entries(one)
    again, _ = _entries(one)
    assert [(d.source, d.sha256) for d in first] == [(d.source, d.sha256) for d in again]
    # A new entry at the top and a changed channel leave the old entries' hashes alone.
    grown = _rss(_item("c", "<p>gamma</p>"), _item("a", "<p>alpha evil-a[.]net</p>"),
                 _item("b", "<p>beta evil-b[.]net</p>"),
                 channel="<title>Renamed</title><lastBuildDate>Sat, 15 Mar 2025 00:00:00 GMT</lastBuildDate>")
    later, _ = _entries(grown)
    assert {d.source: d.sha256 for d in later}["feed.xml#a"] == first[0].sha256
    # An edited entry keeps its label and gets a new hash.
    edited, _ = _entries(_rss(_item("a", "<p>alpha evil-a[.]net, updated</p>"), _item("b", "<p>beta evil-b[.]net</p>")))
    assert edited[0].source == first[0].source and edited[0].sha256 != first[0].sha256
    assert edited[1].sha256 == first[1].sha256


def test_entries_without_guid_are_labelled_by_link_then_title_and_duplicates_kept_apart() -> None:
    data = _rss(
        "<item><title>Linked</title><link>https://lantern.example/p</link><description>one</description></item>",
        "<item><title>Only a title</title><description>two</description></item>",
        _item("dup", "<p>three</p>"), _item("dup", "<p>four</p>"),
    )
    documents, _ = _entries(data)
    assert [d.source for d in documents] == [
        "feed.xml#https://lantern.example/p", "feed.xml#Only a title", "feed.xml#dup", "feed.xml#dup~2",
    ]


def test_read_refuses_a_feed_of_several_entries_but_gives_a_single_entry() -> None:
    with pytest.raises(MultipleDocumentsError, match="feed of 3 entries") as info:
        read(RSS)
    assert info.value.source == str(RSS) and "read_all" in str(info.value)
    with pytest.raises(MultipleDocumentsError):
        parse_bytes(ATOM.read_bytes(), source="atom.xml")
    single = parse_bytes(RDF.read_bytes(), source="rdf.xml")
    assert single.source.startswith("rdf.xml#")


def test_read_all_without_on_error_raises_after_the_good_entries() -> None:
    seen: list[str] = []
    with pytest.raises(FeedEntryError, match="webinar"):
        for document in read_all(RSS):
            seen.append(document.source)
    assert len(seen) == 2


def test_ordinary_files_give_one_document(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("The actor used evil-note[.]net.", encoding="utf-8")
    (document,) = list(read_all(path))
    assert document.source == str(path) and document.format == "text"


def test_ingest_a_feed_twice_then_an_edited_entry_is_replaced(tmp_path: Path) -> None:
    feed = tmp_path / "blog.xml"
    feed.write_bytes(_rss(_item("a", "<p>Kimsuky used evil-a[.]net.</p>"), _item("b", "<p>APT43 used evil-b[.]net.</p>")))
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        first = ingest(kb, [str(feed)])
        assert [(e.source, e.status) for e in first.events] == [
            (f"{feed}#a", "added"), (f"{feed}#b", "added")]
        second = ingest(kb, [str(feed)])
        assert [e.status for e in second.events] == ["unchanged", "unchanged"]
        feed.write_bytes(_rss(_item("a", "<p>Kimsuky used evil-a2[.]net.</p>"), _item("b", "<p>APT43 used evil-b[.]net.</p>")))
        third = ingest(kb, [str(feed)])
        assert {e.source: e.status for e in third.events} == {f"{feed}#a": "replaced", f"{feed}#b": "unchanged"}
        assert kb.stats()["documents"] == 2  # the earlier version of entry a is gone
        analysis = kb.get_analysis(kb.resolve_report(f"{feed}#a"))
        assert analysis is not None
        assert "evil-a2.net" in {o.value for o in analysis.observables}
        assert kb.find_indicator("evil-a.net") is None


def test_ingest_feed_with_workers_and_a_broken_entry(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        report = ingest(kb, [str(RSS), str(JSON_FEED)], jobs=2)
    statuses = sorted((e.status, e.source.rsplit("#", 1)[1]) for e in report.events)
    assert statuses == [
        ("added", "2"), ("added", f"{SITE}/blog/lantern-loader-persistence"), ("added", "jf-1"),
        ("added", "lantern-labs-2025-014"), ("failed", "lantern-labs-webinar-2025"),
    ]
    failure = report.failures[0]
    assert failure.error_type == "FeedEntryError" and "no content or summary" in (failure.message or "")


def test_cli_feed_from_stdin_and_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iocs", "-", "--format", "jsonl"], input=JSON_FEED.read_bytes())
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["source"], r["value"]) for r in rows} == {
        ("<stdin>#jf-1", "beacon-lantern.com"), ("<stdin>#2", "lantern-sink.org")}
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    stored = runner.invoke(app, ["ingest", "-", "--db", db, "--format", "json"], input=ATOM.read_bytes())
    assert json.loads(stored.stdout)["added"] == 2


# -- hostile and broken feeds ---------------------------------------------------------


def _timed(data: bytes) -> tuple[float, list[Document] | DocumentError]:
    started = time.process_time()
    try:
        outcome: list[Document] | DocumentError = list(parse_all(data, source="hostile.xml", on_error=lambda e: None))
    except DocumentError as exc:
        outcome = exc
    return time.process_time() - started, outcome


def test_billion_laughs_is_refused_fast() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">{entities}]>\n'
            '<rss version="2.0"><channel><item><title>&lol9;</title><description>&lol9;</description>'
            "</item></channel></rss>").encode()
    seconds, outcome = _timed(data)
    assert isinstance(outcome, DocumentError) and "entit" in str(outcome)
    assert seconds < 0.5


def test_external_entities_are_refused() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><item><description>&x;</description></item></channel></rss>')
    _, outcome = _timed(data)
    assert isinstance(outcome, DocumentError)
    assert "root:" not in str(outcome)


@pytest.mark.parametrize(("data", "reason"), [
    (_rss(), "no entries"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut', "no entries"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "no entries"),
    (b'{"version": "https://jsonfeed.org/version/1", "items": [', "not valid JSON"),
])
def test_feeds_without_entries_are_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason) as info:
        list(parse_all(data, source="empty.xml"))
    assert info.value.source == "empty.xml"
    if reason == "no entries":
        assert isinstance(info.value, EmptyDocumentError)


def test_truncated_feed_keeps_whole_entries_and_warns() -> None:
    data = _rss(_item("a", "<p>first evil-a[.]net</p>"), _item("b", "<p>second</p>"))
    cut = data[: data.index(b"<item>", data.index(b"</item>")) + 40]
    documents, _ = _entries(cut)
    assert documents and documents[0].source == "feed.xml#a"
    assert any("not well-formed" in w for w in documents[0].warnings)


def test_nul_bytes_and_invalid_utf8_still_give_entries() -> None:
    good = _rss(_item("a", "<p>Kimsuky used evil-a[.]net.</p>"), _item("b", "<p>APT43 used evil-b[.]net.</p>"))
    for data in (good.replace(b"Kimsuky", b"Kim\x00suky"), good.replace(b"Kimsuky", b"Kim\xff\xfesuky")):
        documents, _ = _entries(data)
        assert [d.source for d in documents] == ["feed.xml#a", "feed.xml#b"]
        assert "evil-b[.]net" in documents[1].text
        assert "\x00" not in documents[0].text


def test_huge_entry_and_many_entries_are_read_in_reasonable_time() -> None:
    huge = _rss(_item("big", "<p>" + "lure-host[.]example was seen. " * 100_000 + "</p>"))
    seconds, outcome = _timed(huge)
    assert isinstance(outcome, list) and len(outcome) == 1 and len(outcome[0].text) > 2_000_000
    assert seconds < 5
    many = _rss(*(_item(f"g{i}", f"<p>host{i}[.]example</p>") for i in range(2000)))
    seconds, outcome = _timed(many)
    assert isinstance(outcome, list) and len(outcome) == 2000
    assert seconds < 5


def test_deeply_nested_entry_html() -> None:
    body = "<div>" * 20_000 + "payload at deep-nest[.]example" + "</div>" * 20_000
    seconds, outcome = _timed(_rss(_item("deep", body)))
    assert isinstance(outcome, list) and "deep-nest[.]example" in outcome[0].text
    assert seconds < 5


def test_json_feed_with_junk_items_keeps_the_good_ones() -> None:
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J",
                       "items": [1, {"id": "empty", "content_text": "  "},
                                 {"id": "ok", "content_text": "evil-json[.]example"}]}).encode()
    documents, failed = _entries(data, "j.json")
    assert [d.source for d in documents] == ["j.json#ok"]
    assert [e.source for e in failed] == ["j.json#1", "j.json#empty"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=4000), junk=st.binary(max_size=64),
       where=st.integers(min_value=0, max_value=4000))
def test_mangled_feeds_raise_only_document_errors(cut: int, junk: bytes, where: int) -> None:
    data = RSS.read_bytes()[:cut]
    data = data[:where] + junk + data[where:]
    try:
        documents = list(parse_all(data, source="fuzz.xml", on_error=lambda e: None))
    except DocumentError:
        return
    for document in documents:
        assert document.text.strip()
        assert document.source.startswith("fuzz.xml")


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "url", "title", "content_html", "content_text",
                                        "summary", "date_published", "authors", "tags"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=40),
                                 st.lists(st.text(max_size=10), max_size=3),
                                 st.lists(st.dictionaries(st.just("name"), st.text(max_size=10)), max_size=2)),
                       max_size=9))
def test_arbitrary_json_feed_items_raise_only_document_errors(item: dict[str, object]) -> None:
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]}).encode()
    try:
        documents = list(parse_all(data, source="j.json", on_error=lambda e: None))
    except DocumentError:
        return
    for document in documents:
        assert document.text.strip()
