"""What the cluster client reads itself: a feed's entries go out in batches (two workers
share one feed) with the supersede rules of a local ingest, and a TAXII pull is
remembered in the client's state, not in a worker's, and only once it is stored."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.cluster.conftest import DaskProcesses, need_distributed, report_text, snapshot
from unmask.cluster import ingest_on_cluster
from unmask.ingest import IngestEvent, ingest
from unmask.store import open as open_kb


def _rss(count: int, changed: frozenset[int] = frozenset()) -> bytes:
    """A feed of ``count`` entries of our own; the entries in ``changed`` carry an
    edited text (a feed that was updated since the last ingest)."""
    items = []
    for i in range(count):
        body = report_text(i) + (" Update: the same crew came back in May." if i in changed else "")
        items.append(f"<item><title>Field note {i}</title><guid>note-{i}</guid>"
                     f"<link>https://blog.example.org/notes/{i}</link>"
                     f"<pubDate>Mon, 0{1 + i % 9} Jun 2025 10:00:00 GMT</pubDate>"
                     f"<description>{escape(body)}</description></item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            "<title>Field notes</title><link>https://blog.example.org/</link>"
            f"<description>notes</description>{''.join(items)}</channel></rss>").encode()


class _Feed:
    body = b""


@pytest.fixture()
def feed_url() -> Iterator[tuple[str, type[_Feed]]]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(_Feed.body)))
            self.end_headers()
            self.wfile.write(_Feed.body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.rss", _Feed
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Any]:
    """Two in-process workers of one thread each."""
    distributed = need_distributed()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None, host="127.0.0.1",
                                  protocol="tcp") as cluster:
        yield cluster


def _statuses(events: list[IngestEvent]) -> Counter[tuple[str, str]]:
    return Counter((e.source, e.status) for e in events)


def test_a_feed_is_shared_by_workers_and_ends_as_a_local_ingest(
    tmp_path: Path, two_workers: Any, feed_url: tuple[str, type[_Feed]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import distributed

    import unmask.cluster.worker as worker

    url, feed = feed_url
    local_db = f"sqlite:///{tmp_path / 'local.sqlite'}"
    cluster_db = f"sqlite:///{tmp_path / 'cluster.sqlite'}"
    tasks: list[int] = []
    real_ingest = worker.ingest

    def counting(kb: Any, sources: Any, **kwargs: Any) -> Any:
        tasks.append(len(sources))
        return real_ingest(kb, sources, **kwargs)

    monkeypatch.setattr(worker, "ingest", counting)
    with distributed.Client(two_workers, set_as_default=False) as client, \
            open_kb(local_db) as local, open_kb(cluster_db) as shared:
        for changed in (frozenset(), frozenset(), frozenset({3, 11})):
            feed.body = _rss(20, changed)
            tasks.clear()
            here = ingest(local, [url])
            there = ingest_on_cluster(shared, [url], client)
            assert _statuses(there.events) == _statuses(here.events)
            assert len(tasks) >= 2 and max(tasks) <= 8 and sum(tasks) == 20, tasks
            assert snapshot(cluster_db) == snapshot(local_db)
        assert there.count("replaced") == 2 and there.count("unchanged") == 18
    assert snapshot(cluster_db)["stats"]["documents"] == 20


# --- TAXII: the pull's state is the client's ------------------------------------------

taxii = pytest.importorskip("tests.documents.test_taxii_pull")
server = taxii.server  # the medallion fixture


def _collection_url(base: str) -> str:
    return (f"taxii2+http://127.0.0.1:{base.rsplit(':', 1)[1]}/{taxii.API_ROOT}/collections/"
            f"{taxii.COLLECTION}/")


@pytest.fixture()
def client_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    state = tmp_path / "client" / "taxii-state.json"
    monkeypatch.setenv("UNMASK_TAXII_STATE", str(state))
    monkeypatch.setenv("UNMASK_TAXII_USER", taxii.USER)
    monkeypatch.setenv("UNMASK_TAXII_PASSWORD", taxii.PASSWORD)
    return state


def test_a_taxii_pull_is_remembered_by_the_client_not_the_worker(
    tmp_path: Path, server: str, client_state: Path, dask_scheduler: DaskProcesses,
) -> None:
    worker_home = tmp_path / "worker-home"
    worker_state = worker_home / "taxii-state.json"
    dask_scheduler.add_worker(env={"HOME": str(worker_home),
                                   "UNMASK_TAXII_STATE": str(worker_state)})
    taxii._push(server, taxii._FIRST)
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    source = _collection_url(server)
    with open_kb(db) as kb:
        first = ingest_on_cluster(kb, [source], dask_scheduler.address, timeout=120)
        assert [e.status for e in first.events] == ["added"], dask_scheduler.logs()
        assert taxii.COLLECTION in client_state.read_text(encoding="utf-8")
        assert not worker_state.exists()
        again = ingest_on_cluster(kb, [source], dask_scheduler.address, timeout=120)
        assert again.events == []  # the client's state: nothing new to pull
        new = taxii._obj("indicator", 6, name="later C2", pattern="[ipv4-addr:value = '203.0.113.9']",
                         pattern_type="stix", valid_from="2025-03-02T10:00:00Z",
                         indicator_types=["malicious-activity"])
        taxii._push(server, [new])
        third = ingest_on_cluster(kb, [source], dask_scheduler.address, timeout=120)
        assert [e.status for e in third.events] == ["added"]
        assert len(kb.find_reports(limit=10)) == 2
    assert not worker_state.exists()


def test_a_taxii_pull_whose_store_failed_is_not_remembered(
    tmp_path: Path, server: str, client_state: Path, two_workers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import distributed

    from unmask.errors import StoreError
    from unmask.store import KnowledgeBase

    taxii._push(server, taxii._FIRST)
    source = _collection_url(server)
    real_add = KnowledgeBase.add_analysis

    def failing(self: KnowledgeBase, *args: object, **kwargs: object) -> object:
        raise StoreError("the disk is full")

    with distributed.Client(two_workers, set_as_default=False) as client, \
            open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        monkeypatch.setattr(KnowledgeBase, "add_analysis", failing)
        assert [e.status for e in ingest_on_cluster(kb, [source], client).events] == ["failed"]
        assert not client_state.exists()  # the next run pulls all of it again
        monkeypatch.setattr(KnowledgeBase, "add_analysis", real_add)
        assert [e.status for e in ingest_on_cluster(kb, [source], client).events] == ["added"]
        assert taxii.COLLECTION in client_state.read_text(encoding="utf-8")
