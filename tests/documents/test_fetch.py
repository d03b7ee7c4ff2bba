"""URLs as sources: fetching (limits, timeouts, redirects, errors) and reading what comes
back, against a local HTTP server each test module starts (127.0.0.1, port 0)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli import app
from unmask.documents import read, read_all
from unmask.documents.fetch import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    RedirectError,
    fetch_url,
    is_url,
    user_agent,
)
from unmask.errors import ConfigError, DocumentError, TooLargeError

from .pdfs import make_pdf

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = (FEEDS / "vendor-blog.rss").read_bytes()

PAGE = b"""<!doctype html><html lang="en"><head><title>Paper Lantern infrastructure</title></head>
<body><article><h1>Paper Lantern infrastructure</h1>
<p>The operators registered lantern-relay[.]net in February 2025 and used 203.0.113.77 for staging.</p>
<p>The backdoor beaconed to update-lantern[.]info every ten minutes over HTTPS.</p>
</article></body></html>"""

Route = Callable[[BaseHTTPRequestHandler], None]


def _send(body: bytes, content_type: str, *, status: int = 200,
          headers: dict[str, str] | None = None) -> Route:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    return handle


def _redirect(location: str, status: int = 302) -> Route:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return handle


def _stall(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b"<p>")
    handler.wfile.flush()
    time.sleep(2.0)


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(40):
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.05)


def _unbounded(handler: BaseHTTPRequestHandler) -> None:
    """A body with no Content-Length that goes on past any limit."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    chunk = b"evil.example " * 5000
    try:
        for _ in range(200):
            handler.wfile.write(chunk)
    except OSError:
        return


def _truncated(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b"<p>only the start")
    handler.wfile.flush()


def _echo_agent(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps({"ua": handler.headers.get("User-Agent"),
                       "encoding": handler.headers.get("Accept-Encoding")}).encode()
    _send(body, "application/json")(handler)


SUMMARY_FEED = b"""<?xml version="1.0"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Summaries only</title>
<item><title>Feed title of the post</title><guid>s1</guid><link>/post.html</link>
 <pubDate>Sat, 01 Mar 2025 10:00:00 GMT</pubDate><description>Teaser: new infrastructure.</description></item>
<item><title>The PDF report</title><guid>s2</guid><link>/report.pdf</link></item>
<item><title>Gone</title><guid>s3</guid><link>/missing</link><description>Teaser for a deleted post.</description></item>
<item><title>Full</title><guid>s4</guid><link>/post</link><description>teaser</description>
 <content:encoded><![CDATA[<p>Full text in the feed: full-entry[.]net.</p>]]></content:encoded></item>
<item><title>Broken</title><guid>s5</guid><link>/broken</link></item>
</channel></rss>"""

def _internal_links(handler: BaseHTTPRequestHandler) -> None:
    """A feed whose summary entries point at non-public hosts (and one same-host link
    that redirects to one)."""
    port = handler.server.server_address[1]
    body = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Links inward</title>
<item><guid>loopback</guid><link>http://localhost:{port}/post.html</link><description>a</description></item>
<item><guid>metadata</guid><link>http://169.254.169.254/latest/meta-data/</link><description>b</description></item>
<item><guid>private</guid><link>http://10.1.2.3/admin</link><description>c</description></item>
<item><guid>hop</guid><link>/to-localhost</link><description>d</description></item>
<item><guid>own</guid><link>/post.html</link><description>e</description></item>
</channel></rss>""".encode()
    _send(body, "application/rss+xml")(handler)


def _to_localhost(handler: BaseHTTPRequestHandler) -> None:
    _redirect(f"http://localhost:{handler.server.server_address[1]}/post.html")(handler)


_GZIP_PAGE = gzip.compress(PAGE)
_GZIP_BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024))

ROUTES: dict[str, Route] = {
    "/post.html": _send(PAGE, "text/html; charset=utf-8"),
    "/post": _send(PAGE, "text/html"),
    "/feed.xml": _send(RSS, "application/rss+xml"),
    "/feed-as-text": _send(RSS, "text/plain"),
    "/summaries.xml": _send(SUMMARY_FEED, "application/rss+xml"),
    "/report.pdf": _send(make_pdf(["Paper Lantern report", "The group used lantern-relay[.]net."],
                                  info={"Title": "Paper Lantern PDF"}), "application/pdf"),
    "/internal-links.xml": _internal_links,
    "/to-localhost": _to_localhost,
    "/moved": _redirect("/post.html", 301),
    "/hop1": _redirect("/hop2"),
    "/hop2": _redirect("/post"),
    "/loop": _redirect("/loop"),
    "/to-file": _redirect("file:///etc/passwd"),
    "/missing": _send(b"not here", "text/plain", status=404),
    "/broken": _send(b"oops", "text/plain", status=500),
    "/forbidden": _send(b"no", "text/plain", status=403),
    "/stall": _stall,
    "/trickle": _trickle,
    "/truncated": _truncated,
    "/big": _send(b"a" * 300_000, "text/plain"),
    "/unbounded": _unbounded,
    "/gzip": _send(_GZIP_PAGE, "text/html", headers={"Content-Encoding": "gzip"}),
    "/bomb": _send(_GZIP_BOMB, "text/plain", headers={"Content-Encoding": "gzip"}),
    "/bad-gzip": _send(b"\x1f\x8bnot really gzip", "text/plain", headers={"Content-Encoding": "gzip"}),
    "/brotli": _send(b"....", "text/plain", headers={"Content-Encoding": "br"}),
    "/ua": _echo_agent,
    "/empty-feed": _send(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
                         "application/rss+xml"),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        route = ROUTES.get(self.path.split("?", 1)[0])
        if route is None:
            _send(b"no route", "text/plain", status=404)(self)
        else:
            route(self)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


# -- fetch_url ---------------------------------------------------------------------------


def test_fetch_returns_body_type_and_final_url(server: str) -> None:
    fetched = fetch_url(f"{server}/post.html", max_bytes=1_000_000)
    assert fetched.data == PAGE
    assert fetched.status == 200
    assert fetched.content_type == "text/html; charset=utf-8"
    assert fetched.final_url == f"{server}/post.html"


def test_user_agent_names_unmask_and_gzip_is_asked_for(server: str) -> None:
    echoed = json.loads(fetch_url(f"{server}/ua", max_bytes=10_000).data)
    assert echoed["ua"] == user_agent() and echoed["ua"].startswith("unmask/")
    assert "gzip" in echoed["encoding"]


def test_redirects_are_followed_and_recorded(server: str) -> None:
    fetched = fetch_url(f"{server}/hop1", max_bytes=1_000_000)
    assert fetched.final_url == f"{server}/post"
    assert fetched.url == f"{server}/hop1"
    assert fetch_url(f"{server}/moved", max_bytes=1_000_000).data == PAGE


def test_redirect_limit(server: str) -> None:
    with pytest.raises(RedirectError, match="more than 1 redirects"):
        fetch_url(f"{server}/hop1", max_bytes=1_000_000, max_redirects=1)
    with pytest.raises(RedirectError) as info:
        fetch_url(f"{server}/loop", max_bytes=1_000_000)
    assert info.value.url == f"{server}/loop"


def test_redirect_off_http_is_refused(server: str) -> None:
    with pytest.raises(RedirectError, match=r"file:///etc/passwd.*not allowed"):
        fetch_url(f"{server}/to-file", max_bytes=1_000_000)


@pytest.mark.parametrize(("path", "status", "hint"), [
    ("/missing", 404, "check the URL"), ("/broken", 500, "try again later"),
    ("/forbidden", 403, "save the page"),
])
def test_http_errors_name_url_and_status(server: str, path: str, status: int, hint: str) -> None:
    with pytest.raises(HTTPStatusError) as info:
        fetch_url(f"{server}{path}", max_bytes=1_000_000)
    assert info.value.status == status
    assert info.value.source == f"{server}{path}"
    assert f"HTTP {status}" in str(info.value) and hint in str(info.value)
    assert isinstance(info.value, DocumentError)


def test_stalled_server_times_out(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="timed out"):
        fetch_url(f"{server}/stall", max_bytes=1_000_000, timeout=0.3)
    assert time.monotonic() - started < 1.8


def test_trickling_server_hits_the_total_deadline(server: str) -> None:
    # Each byte comes within the per-read timeout, but the whole transfer is too slow.
    with pytest.raises(FetchTimeoutError, match="in all"):
        fetch_url(f"{server}/trickle", max_bytes=1_000_000, timeout=0.1)


def test_content_length_over_the_limit_stops_before_reading(server: str) -> None:
    with pytest.raises(TooLargeError, match="Content-Length"):
        fetch_url(f"{server}/big", max_bytes=100_000)


def test_streamed_body_over_the_limit_is_aborted(server: str) -> None:
    with pytest.raises(TooLargeError, match="more than 200,000 bytes"):
        fetch_url(f"{server}/unbounded", max_bytes=200_000)


def test_gzip_is_decoded(server: str) -> None:
    fetched = fetch_url(f"{server}/gzip", max_bytes=1_000_000)
    assert fetched.data == PAGE


def test_gzip_bomb_is_stopped_at_the_limit(server: str) -> None:
    started = time.process_time()
    with pytest.raises(TooLargeError):
        fetch_url(f"{server}/bomb", max_bytes=1_000_000)
    assert time.process_time() - started < 1.0


def test_damaged_gzip_and_unknown_encoding(server: str) -> None:
    with pytest.raises(FetchError, match="damaged"):
        fetch_url(f"{server}/bad-gzip", max_bytes=1_000_000)
    with pytest.raises(FetchError, match="'br' is not supported"):
        fetch_url(f"{server}/brotli", max_bytes=1_000_000)


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetch_url(f"http://127.0.0.1:{port}/", max_bytes=1000, timeout=2)


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError, match="DNS lookup failed") as info:
        fetch_url("http://vendor.invalid/blog/post-1", max_bytes=1000)
    assert info.value.url == "http://vendor.invalid/blog/post-1"


@pytest.mark.parametrize("url", ["ftp://vendor.example/report.pdf", "file:///etc/passwd",
                                 "http://", "http://host:notaport/"])
def test_only_valid_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchError):
        fetch_url(url, max_bytes=1000)


def test_is_url() -> None:
    assert is_url("https://vendor.example/feed.xml") and is_url("HTTP://x.example/")
    assert not is_url("vendor-feed.xml") and not is_url("ftp://x.example/") and not is_url(b"http://x")


def test_bad_timeout_setting_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNMASK_FETCH_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="UNMASK_FETCH_TIMEOUT"):
        fetch_url("http://127.0.0.1:9/", max_bytes=1000)


# -- reading URLs ------------------------------------------------------------------------


def test_read_a_page_by_url_records_the_final_url(server: str) -> None:
    document = read(f"{server}/moved")
    assert document.format == "html"
    assert document.source == f"{server}/moved"
    assert document.metadata.url == f"{server}/post.html"
    assert "lantern-relay[.]net" in document.text


def test_html_without_extension_is_read_as_html(server: str) -> None:
    assert read(f"{server}/post").format == "html"


def test_read_a_pdf_by_url(server: str) -> None:
    document = read(f"{server}/report.pdf")
    assert document.format == "pdf"
    assert document.pages and "lantern-relay[.]net" in document.text
    assert document.metadata.url == f"{server}/report.pdf"


def test_a_feed_by_url_gives_one_document_per_entry(server: str) -> None:
    failed: list[DocumentError] = []
    documents = list(read_all(f"{server}/feed.xml", on_error=failed.append))
    assert [d.source for d in documents] == [
        f"{server}/feed.xml#lantern-labs-2025-014",
        f"{server}/feed.xml#https://research.lantern-labs.example/blog/lantern-loader-persistence",
    ]
    # The entry's own link stays its URL (not the feed's).
    assert documents[0].metadata.url == "https://research.lantern-labs.example/blog/paper-lantern"
    assert [e.source for e in failed] == [f"{server}/feed.xml#lantern-labs-webinar-2025"]


def test_content_type_does_not_override_sniffing(server: str) -> None:
    documents = list(read_all(f"{server}/feed-as-text", on_error=lambda e: None))
    assert len(documents) == 2 and all("feed" in d.metadata.extra for d in documents)


def test_url_size_limit_comes_from_the_environment(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNMASK_MAX_BYTES", "1000")
    with pytest.raises(TooLargeError):
        read(f"{server}/big")


# -- command line ------------------------------------------------------------------------

runner = CliRunner()


def test_cli_analyze_url(server: str) -> None:
    result = runner.invoke(app, ["analyze", f"{server}/post.html", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["document"]["metadata"]["url"] == f"{server}/post.html"
    values = {o["value"] for o in data["observables"]}
    assert {"lantern-relay.net", "update-lantern.info"} <= values


def test_cli_analyze_feed_url_reports_each_entry_and_the_broken_one(server: str) -> None:
    result = runner.invoke(app, ["analyze", f"{server}/feed.xml", "--format", "jsonl"])
    assert result.exit_code == 3
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [line["document"]["metadata"]["title"] for line in lines] == [
        "Operation Paper Lantern: think-tank lures deliver BabyShark",
        "Lantern Loader adds a new persistence trick",
    ]
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [e["error"]["source"] for e in errors] == [f"{server}/feed.xml#lantern-labs-webinar-2025"]
    assert errors[0]["error"]["type"] == "FeedEntryError"


def test_cli_iocs_feed_url(server: str) -> None:
    result = runner.invoke(app, ["iocs", f"{server}/feed.xml", "--format", "json"])
    data = json.loads(result.stdout)
    sources = [s["source"] for s in data["sources"]]
    assert sources[0] == f"{server}/feed.xml#lantern-labs-2025-014"
    values = {o["value"] for s in data["sources"] for o in s["observables"]}
    assert {"nknews-pro.org", "update-check.info", "cdn-lantern.net"} <= values
    # The vendor's own site (the entry links) is benign, not an indicator.
    assert "research.lantern-labs.example" not in values


def test_cli_url_errors_exit_3_with_the_reason(server: str) -> None:
    result = runner.invoke(app, ["iocs", f"{server}/missing", f"{server}/empty-feed", "--format", "json"])
    assert result.exit_code == 3
    errors = [json.loads(line)["error"] for line in result.stderr.splitlines() if line.startswith("{")]
    assert [e["type"] for e in errors] == ["HTTPStatusError", "EmptyDocumentError"]
    assert "HTTP 404" in errors[0]["message"] and errors[0]["source"] == f"{server}/missing"
    assert "no entries" in errors[1]["message"]


def test_cli_ingest_feed_url_twice_is_idempotent(server: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    first = runner.invoke(app, ["ingest", f"{server}/feed.xml", "--db", db, "--format", "json"])
    assert first.exit_code == 3, first.output
    report = json.loads(first.stdout)
    assert (report["added"], report["failed"]) == (2, 1)
    again = json.loads(runner.invoke(app, ["ingest", f"{server}/feed.xml", "--db", db,
                                           "--format", "json"]).stdout)
    assert (again["added"], again["unchanged"], again["replaced"]) == (0, 2, 0)


def test_read_bytes_fetches_a_url_for_callers_with_their_own_format(server: str) -> None:
    from unmask.documents import read_bytes

    label, data = read_bytes(f"{server}/feed.xml")
    assert (label, data) == (f"{server}/feed.xml", RSS)


def test_follow_fetches_the_pages_of_summary_entries(server: str) -> None:
    feed = f"{server}/summaries.xml"
    plain = {d.source: d for d in read_all(feed, on_error=lambda e: None)}
    assert plain[f"{feed}#s1"].text == "Teaser: new infrastructure."
    assert plain[f"{feed}#s1"].metadata.extra["content"] == "summary"

    failed: list[DocumentError] = []
    followed = {d.source: d for d in read_all(feed, on_error=failed.append, follow=True)}
    assert list(followed) == [f"{feed}#s1", f"{feed}#s2", f"{feed}#s3", f"{feed}#s4"]
    page = followed[f"{feed}#s1"]
    assert page.format == "html" and "lantern-relay[.]net" in page.text
    assert page.metadata.extra["content"] == "followed" and page.metadata.extra["entry_id"] == "s1"
    assert page.metadata.extra["feed"] == feed
    assert page.metadata.url == f"{server}/post.html"
    assert str(page.metadata.published) == "2025-03-01"  # the feed's date
    assert page.metadata.title == "Paper Lantern infrastructure"  # the page's own title
    pdf = followed[f"{feed}#s2"]
    assert pdf.format == "pdf" and pdf.pages
    gone = followed[f"{feed}#s3"]
    assert gone.text == "Teaser for a deleted post."
    assert any("HTTP 404" in w for w in gone.warnings)
    assert followed[f"{feed}#s4"].text == "Full text in the feed: full-entry[.]net."
    assert [e.source for e in failed] == [f"{feed}#s5"]
    assert "no content or summary" in str(failed[0]) and "HTTP 500" in str(failed[0])


def test_cli_follow_flag(server: str) -> None:
    result = runner.invoke(app, ["iocs", f"{server}/summaries.xml", "--follow", "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    values = {(r["source"].rsplit("#", 1)[1], r["value"]) for r in rows}
    assert ("s1", "lantern-relay.net") in values and ("s4", "full-entry.net") in values
    without = runner.invoke(app, ["iocs", f"{server}/summaries.xml", "--format", "jsonl"])
    assert "lantern-relay.net" not in without.stdout


def test_cli_other_schemes_are_named_not_missing() -> None:
    result = runner.invoke(app, ["iocs", "ftp://vendor.example/feed.xml", "--format", "json"])
    assert result.exit_code == 3
    (error,) = [json.loads(line)["error"] for line in result.stderr.splitlines() if line.startswith("{")]
    assert "is not an http(s) URL (scheme 'ftp')" in error["message"]


def test_a_body_cut_short_is_an_error_not_a_short_document(server: str) -> None:
    with pytest.raises(FetchError, match="closed 983 bytes before the end"):
        fetch_url(f"{server}/truncated", max_bytes=1_000_000)


def test_https_to_a_plain_http_server_is_a_tls_error(server: str) -> None:
    with pytest.raises(FetchError, match="TLS failed"):
        fetch_url(server.replace("http://", "https://") + "/post.html", max_bytes=1000, timeout=2)


def test_gather_sources_passes_urls_through_unless_told_not_to(tmp_path: Path) -> None:
    from unmask.cli.common import gather_sources

    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    found, failures = gather_sources(["https://vendor.example/feed.xml", str(tmp_path), "-"])
    assert found == ["https://vendor.example/feed.xml", str(tmp_path / "a.txt"), "-"] and not failures
    found, failures = gather_sources(["HTTP://vendor.example/x", "-"], urls=False)
    assert found == ["-"]
    assert "reads local files only" in str(failures[0].error)


def test_follow_fetches_links_only_from_public_hosts_or_the_feeds_own(server: str, tmp_path: Path) -> None:
    feed = f"{server}/internal-links.xml"
    entries = {d.source.rsplit("#", 1)[1]: d for d in read_all(feed, follow=True)}
    assert entries["own"].metadata.extra["content"] == "followed"  # the feed's own host
    assert "lantern-relay[.]net" in entries["own"].text
    for guid in ("loopback", "metadata", "private", "hop"):
        entry = entries[guid]
        assert entry.metadata.extra["content"] == "summary", guid  # the summary stays
        assert any("non-public address" in w for w in entry.warnings), (guid, entry.warnings)
    assert any("redirects to" in w for w in entries["hop"].warnings)
    # a feed read from a file trusts no host: its links must be public
    path = tmp_path / "feed.xml"
    path.write_bytes(SUMMARY_FEED.replace(b"<link>/post.html</link>", f"<link>{server}/post.html</link>".encode()))
    first = next(iter(read_all(str(path), follow=True, on_error=lambda e: None)))
    assert first.metadata.extra["content"] == "summary"
    assert any("127.0.0.1 is a non-public address" in w for w in first.warnings)


def test_fetch_url_public_only(server: str) -> None:
    with pytest.raises(FetchError, match="non-public address"):
        fetch_url(f"{server}/post.html", max_bytes=10**6, public_only=True)
    assert fetch_url(f"{server}/post.html", max_bytes=10**6, public_only=True,
                     trusted_host="127.0.0.1").data == PAGE
    # a URL the user passes is fetched wherever it points
    assert fetch_url(f"{server}/to-localhost", max_bytes=10**6).data == PAGE
