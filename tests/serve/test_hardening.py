"""Hardening of the server (issue 16): bounded search, errors that keep their shape and
headers, HEAD, the Host allow-list, CSV cells, direction controls, and TLP side doors."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import time
from typing import Any

import pytest

from unmask.store import KnowledgeBase

from .conftest import LOCAL, TOKEN
from .test_taxii import fresh_url  # noqa: F401 - the fixture: SQLite, and PostgreSQL when configured

pytestmark = pytest.mark.filterwarnings("error")


def _client(kb: KnowledgeBase, base_url: str = LOCAL, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, **options), base_url=base_url, raise_server_exceptions=False)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "source"}
    return dict(body["error"])


def _secured(response: Any) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


FORMULA_TEXT = ("=HYPERLINK(\"http://x\") APT28 sent phishing emails from 45.77.12.10.\n"
                "@SUM(1+1) the operators of APT28 used PowerShell.\n")
SPOOF_TEXT = ("Spoofed names\n\nAPT29 used the file invoice\u202efdp.exe and PowerShell to run "
              "its second stage against embassies.\n")


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze
    from unmask.store import open_kb

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'kb.sqlite'}"
    with open_kb(url) as kb:
        for source, text in (("notes/formula.txt", FORMULA_TEXT), ("notes/spoof.txt", SPOOF_TEXT)):
            kb.add_analysis(analyze(parse_bytes(text.encode(), source=source)), tlp="green")
        yield kb


# -- 1. bounded search ---------------------------------------------------------------------


def test_search_over_the_phrase_limit_is_a_400(client: Any) -> None:
    many = " ".join(f"word{i}" for i in range(80))
    error = _error(client.get("/api/v1/search", params={"q": many}), 400)
    assert error["type"] == "QueryLimitError" and "limit" in error["message"]
    _error(client.get("/api/v1/search", params={"q": "x" * 1001}), 400)
    page = client.get("/search", params={"q": many})
    assert page.status_code == 400 and "limit" in page.text


def test_repeated_words_and_long_words_answer_fast(client: Any) -> None:
    from unmask.store.search import fts5_query

    assert fts5_query(" ".join(["a"] * 500)) == '"a"'  # one phrase, not 500 ANDed
    assert fts5_query("apt OR apt -x -x") == '("apt") NOT "x"'
    for query in (" ".join(["a"] * 500), "a" * 999, '"' + " ".join(["apt"] * 60) + '"'):
        started = time.monotonic()
        response = client.get("/api/v1/search", params={"q": query})
        assert response.status_code in {200, 400}, response.text[:200]
        assert time.monotonic() - started < 3, query[:40]


def test_search_stops_at_its_time_budget(kb: KnowledgeBase) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from unmask.store.search import SearchTimeoutError, _budget, search_rows

    slow = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                "SELECT count(*) FROM n")
    with kb.engine.connect() as conn:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="interrupt"), _budget(conn, 0.05):
            conn.execute(slow)
        assert time.monotonic() - started < 2  # the statement itself runs for tens of seconds
        assert search_rows(conn, "PowerShell", limit=5, budget=30)
        for tlp in (None, ["clear", "green"]):
            with pytest.raises(SearchTimeoutError, match="time budget"):
                search_rows(conn, "PowerShell OR APT29 OR phishing", limit=5, tlp=tlp, budget=0)
        # The connection goes back to the pool without the budget.
        assert search_rows(conn, "PowerShell", limit=5, budget=30)


def test_snippets_are_made_only_for_the_page(kb: KnowledgeBase) -> None:
    from unmask.store.search import search_rows

    seen: list[str] = []
    with kb.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.set_trace_callback(seen.append)
        try:
            hits = search_rows(conn, "PowerShell", limit=1)
        finally:
            raw.set_trace_callback(None)
    assert len(hits) == 1
    snippet_statements = [s for s in seen if "snippet(" in s]
    assert snippet_statements and all("rowid IN" in s for s in snippet_statements)


# -- 5. errors: shape, headers, HEAD, no per-request migrations -----------------------------


def test_a_crash_is_a_json_500_with_the_security_headers(kb: KnowledgeBase) -> None:
    with _client(kb) as client:
        def explode() -> dict[str, Any]:
            raise RuntimeError("secret detail /srv/data/kb.sqlite")

        client.app.state.view.stats = explode
        response = client.get("/api/v1/stats")
        error = _error(response, 500)
        _secured(response)
        assert "/srv/data" not in response.text and error["type"] == "InternalError"
        page = client.get("/")
        assert page.status_code == 500 and page.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_every_error_answer_carries_the_security_headers(client: Any, locked_client: Any) -> None:
    for response in (client.get("/api/v1/nothing"), client.delete("/api/v1/stats"),
                     locked_client.get("/api/v1/stats"), locked_client.get("/")):
        assert response.status_code in {401, 404, 405}
        _secured(response)
    page = locked_client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_head_is_answered_where_get_is(client: Any, locked_client: Any) -> None:
    for path in ("/api/v1/stats", "/", "/actors/APT29", "/static/style.css"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/taxii2/", headers={"Accept": "application/taxii+json;version=2.1"}).status_code == 200
    assert locked_client.head("/api/v1/stats").status_code == 401


def test_concurrent_restricted_profiles_migrate_once(kb: KnowledgeBase,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import unmask.serve.view as view_module

    opened: list[str] = []
    real_open = view_module.open_kb

    def counting_open(url: str | None = None, **options: Any) -> KnowledgeBase:
        opened.append(str(url))
        return real_open(url, **options)

    monkeypatch.setattr(view_module, "open_kb", counting_open)
    with _client(kb) as client:
        def fetch(name: str) -> int:
            return int(client.get(f"/api/v1/actors/{name}").status_code)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(fetch, ["APT29", "Cozy Bear", "G0016"] * 8))
    assert statuses == [200] * 24
    assert len(opened) <= 1  # the empty scratch base, never one migration per request


def test_error_messages_name_no_database_or_path(client: Any, amber_client: Any,
                                                 kb: KnowledgeBase) -> None:
    url_part = kb.url.rsplit("/", 1)[-1]
    for served in (client, amber_client):  # amber: nothing hidden in this base
        for response in (served.get("/api/v1/reports/ffffffffffff"),
                         served.get("/api/v1/reports/nowhere.txt"),
                         served.get("/api/v1/actors/NoSuchGroup/export"),
                         served.get("/reports/ffffffffffff")):
            assert response.status_code == 404
            assert url_part not in response.text and "sqlite" not in response.text


# -- 11. Host allow-list -----------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://localhost", "http://localhost:8400", "http://127.0.0.1:8400",
                                    "http://[::1]:8400"])
def test_loopback_names_are_answered(kb: KnowledgeBase, origin: str) -> None:
    with _client(kb, base_url=origin) as client:
        assert client.get("/api/v1/stats").status_code == 200
        roots = client.get("/taxii2/", headers={"Accept": "application/taxii+json"}).json()["api_roots"]
        assert roots == [origin.rstrip("/") + "/taxii2/api/"]


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1.nip.io:8400", "http://localhost.evil"])
def test_other_host_names_are_refused(kb: KnowledgeBase, origin: str) -> None:
    with _client(kb, base_url=origin) as client:
        _secured(client.get("/api/v1/stats"))
        _error(client.get("/api/v1/stats"), 421)
        taxii = client.get("/taxii2/", headers={"Accept": "application/taxii+json"})
        assert taxii.status_code == 421 and "evil" not in taxii.text and "nip.io" not in taxii.text
        page = client.get("/")
        assert page.status_code == 421 and "Misdirected request" in page.text


def test_allowed_hosts_and_token(kb: KnowledgeBase) -> None:
    with _client(kb, base_url="http://intel.example.org", allowed_hosts=["Intel.Example.Org"]) as client:
        assert client.get("/api/v1/stats").status_code == 200
    with _client(kb, base_url="http://intel.example.org", token=TOKEN) as client:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/api/v1/stats", headers=headers).status_code == 200
    with _client(kb, base_url="http://other.example.org", token=TOKEN,
                 allowed_hosts=["intel.example.org"]) as client:
        assert client.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 421


def test_host_name_parsing() -> None:
    from unmask.serve.app import host_name

    assert host_name("LocalHost:8400") == "localhost"
    assert host_name("[::1]:8400") == "[::1]" and host_name("::1") == "[::1]"
    assert host_name("example.org.") == "example.org" and host_name(None) == ""


# -- 10. CSV formula injection ----------------------------------------------------------------


def test_csv_cells_never_start_a_formula() -> None:
    from unmask.documents import parse_bytes
    from unmask.export.csv import neutralise_cell, to_csv
    from unmask.pipeline import analyze

    for cell in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert neutralise_cell(cell) == "'" + cell
    assert neutralise_cell("APT28") == "APT28" and neutralise_cell(None) == ""
    for plain in ("-", "-5", "+1.25", "42"):
        assert neutralise_cell(plain) == plain
    analysis = analyze(parse_bytes(FORMULA_TEXT.encode(), source="=cmd|'/C calc'!A0.txt"))
    rows = list(csv.reader(io.StringIO(to_csv(analysis))))
    assert len(rows) > 2
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_actor_csv_export_is_neutralised(hostile_kb: KnowledgeBase) -> None:
    with _client(hostile_kb) as client:
        body = client.get("/api/v1/actors/APT28/export", params={"format": "csv"}).text
    rows = list(csv.reader(io.StringIO(body)))
    assert any(cell.startswith("'=") for row in rows for cell in row)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


# -- 12. direction controls ---------------------------------------------------------------------


def test_direction_controls_are_shown_visibly(hostile_kb: KnowledgeBase) -> None:
    from unmask.store.display import reveal_controls

    assert reveal_controls("a\u202eb\u2066c\u200fd") == "a<U+202E>b<U+2066>c<U+200F>d"
    sha = hostile_kb.resolve_report("notes/spoof.txt")
    with _client(hostile_kb) as client:
        for path in (f"/reports/{sha}", "/actors/APT29", "/search?q=invoice"):
            page = client.get(path)
            assert page.status_code == 200 and "\u202e" not in page.text, path
        assert "&lt;U+202E&gt;" in client.get(f"/reports/{sha}").text
        profile = client.get("/api/v1/actors/APT29").text
        assert "\\u202e" not in profile.lower() and "\u202e" not in profile
        hits = client.get("/api/v1/search", params={"q": "invoice"}).json()["hits"]
        assert "<U+202E>" in hits[0]["snippet"]
        start, end = hits[0]["highlights"][0]
        assert hits[0]["snippet"][start:end].lower() == "invoice"


# -- 1. SIGTERM -------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigterm_stops_the_server_while_a_request_runs(base: Any) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request

    port = _free_port()
    env = {**os.environ, "UNMASK_SERVE_TOKEN": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "unmask", "serve", "--db", base.url, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 180  # start-up on a loaded CI machine can take a minute
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/stats", timeout=2) as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        # A request that never finishes: a body announced but only partly sent.
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"POST /api/v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: text/plain\r\nContent-Length: 1000000\r\n\r\nAPT28 ")
            time.sleep(0.5)
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail("unmask serve was still running 15 s after SIGTERM")
        assert time.monotonic() - started < 10
        # uvicorn shuts down cleanly, then re-raises the signal it caught.
        assert code in {0, -signal.SIGTERM}
    finally:
        if server.poll() is None:
            server.kill()
        _, errors = server.communicate()
    assert b"Traceback" not in errors


# -- 12. TAXII versions do not depend on the hash seed ---------------------------------------------

_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from unmask.serve import create_app
from unmask.store import open_kb
with open_kb(sys.argv[1]) as kb, TestClient(create_app(kb), base_url="http://localhost") as c:
    h = {"Accept": "application/taxii+json;version=2.1"}
    out = {}
    for col in c.get("/taxii2/api/collections/", headers=h).json().get("collections", []):
        objects = c.get(f"/taxii2/api/collections/{col['id']}/objects/", params={"limit": 1000},
                        headers=h).json().get("objects", [])
        out[col["id"]] = sorted((o["id"], o.get("modified", ""), o.get("aliases")) for o in objects)
    print(json.dumps(out, sort_keys=True))
"""


def test_taxii_modified_is_the_same_after_restarts_with_other_hash_seeds(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze
    from unmask.store import open_kb

    # Names that differ only in case from reference names ("IRON HEMLOCK", "Solar Phoenix"):
    # sorted by case-folded name alone, their order was the set's, i.e. the hash seed's.
    text = ("Iron Hemlock returns\n\nAPT29, also known as Iron Hemlock, Solar phoenix and The dukes, "
            "phished embassies via evil-cdn[.]top and used PowerShell.\n")
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(url) as kb:
        kb.add_analysis(analyze(parse_bytes(text.encode(), source="notes/hemlock.txt")), tlp="green")
    answers = []
    for seed in ("1", "2", "5"):
        done = subprocess.run([sys.executable, "-c", _PROBE, url], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120, check=True)
        answers.append(done.stdout)
    assert answers[0].count("intrusion-set--") == 1
    assert all(answer == answers[0] for answer in answers), "modified or aliases changed with the seed"


def test_analyze_counts_the_text_produced_not_only_the_bytes_received(kb: KnowledgeBase) -> None:
    import gzip

    with _client(kb, max_text=5000, allow_anonymous_writes=True) as client:
        small = client.post("/api/v1/analyze", content=b"APT28 used evil-login[.]top.",
                            headers={"content-type": "text/plain"})
        assert small.status_code == 200
        error = _error(client.post("/api/v1/analyze", content=b"APT28 phished them. " * 400,
                                   headers={"content-type": "text/plain"}), 413)
        assert error["type"] == "TooLargeError" and "5,000" in error["message"]
        # A few hundred bytes that unfold into far more text.
        packed = gzip.compress(b"APT28 phished them. " * 5000)
        assert len(packed) < 5000
        upload = client.post("/api/v1/analyze", files={"file": ("notes.txt.gz", packed, "application/gzip")})
        assert upload.status_code in {413, 422}, upload.text[:200]


# -- search on both back-ends ----------------------------------------------------------------------


def test_search_limits_budget_and_tlp_on_each_back_end(fresh_url: str) -> None:  # noqa: F811
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze
    from unmask.store import open_kb
    from unmask.store.search import QueryLimitError, SearchTimeoutError, _budget

    green = "Green note\n\nAPT28 phished diplomats with a lure about a pangolin summit.\n"
    red = "Red note\n\nAPT28 phished ministers; the pangolin lure came back twice, pangolin again.\n"
    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(parse_bytes(green.encode(), source="notes/green.txt")), tlp="green")
        kb.add_analysis(analyze(parse_bytes(red.encode(), source="notes/red.txt")), tlp="red")
        assert len(kb.search("pangolin")) == 2
        shown = kb.search("pangolin", tlp=["clear", "green"])
        assert [h.report.source for h in shown] == ["notes/green.txt"]
        with pytest.raises(QueryLimitError):
            kb.search(" ".join(f"w{i}" for i in range(17)), tlp=["green"])
        slow = ("SELECT pg_sleep(5)" if kb.dialect == "postgresql" else
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                "SELECT count(*) FROM n")
        started = time.monotonic()
        with kb.engine.connect() as conn, pytest.raises(OperationalError), _budget(conn, 0.2):
            conn.execute(text(slow))
        assert time.monotonic() - started < 3
        from unmask.store.search import search_rows

        with kb.engine.connect() as conn, pytest.raises(SearchTimeoutError):
            search_rows(conn, "pangolin", limit=5, tlp=["green"], budget=0)
