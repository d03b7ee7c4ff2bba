"""``unmask ingest taxii2+http://…/collections/<id>/`` against medallion, the OASIS
reference TAXII 2.1 server, started on a loopback port with its memory backend.

Objects reach the server the way another platform would send them (taxii2-client's
``add_objects``), so their ``date_added`` is the server's own.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from unmask.documents import read_all
from unmask.documents.fetch import HTTPStatusError
from unmask.documents.taxii import commit_pulled, pull_collection

taxii2client = pytest.importorskip("taxii2client.v21")
pytest.importorskip("medallion")

API_ROOT = "api1"
COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
USER, PASSWORD = "puller", "a-long-test-secret-7"
_STIX = "application/stix+json;version=2.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_data() -> dict:
    return {
        "/discovery": {"title": "test", "api_roots": [f"/{API_ROOT}/"], "default": f"/{API_ROOT}/"},
        API_ROOT: {
            "information": {"title": "test root", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 10_000_000},
            "status": [],
            "collections": [{"id": COLLECTION, "title": "reports", "can_read": True, "can_write": True,
                             "media_types": [_STIX], "objects": [], "manifest": []}],
        },
    }


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    medallion = shutil.which("medallion") or str(Path(sys.executable).with_name("medallion"))
    data = tmp_path / "data.json"
    data.write_text(json.dumps(_server_data()), encoding="utf-8")
    config = tmp_path / "medallion.json"
    config.write_text(json.dumps({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": str(data)},
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": 2},  # small pages: the pull must follow 'more' / 'next'
    }), encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([medallion, "--host", "127.0.0.1", "--port", str(port), str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("medallion did not start")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _collection(base: str):  # type: ignore[no-untyped-def]
    return taxii2client.Collection(f"{base}/{API_ROOT}/collections/{COLLECTION}/", user=USER, password=PASSWORD)


def _push(base: str, objects: list[dict]) -> None:
    status = _collection(base).add_objects({"objects": objects}, wait_for_completion=False)
    assert status.status == "complete" and status.failure_count == 0


def _obj(kind: str, n: int, **props: object) -> dict:
    ident = f"{kind}--{n:08x}-1b2c-4d3e-8f40-5a6b7c8d9e0f"
    return {"type": kind, "spec_version": "2.1", "id": ident, "created": "2025-03-01T10:00:00.000Z",
            "modified": "2025-03-01T10:00:00.000Z", **props}


_FIRST = [
    _obj("intrusion-set", 1, name="Harbor Gull", aliases=["HG-12"]),
    _obj("attack-pattern", 2, name="PowerShell",
         external_references=[{"source_name": "mitre-attack", "external_id": "T1059.001"}]),
    _obj("indicator", 3, name="C2 domain", pattern="[domain-name:value = 'gull-harbor.example']",
         pattern_type="stix", valid_from="2025-03-01T10:00:00Z", indicator_types=["malicious-activity"]),
    _obj("malware", 4, name="GullLoader", is_family=True),
    _obj("relationship", 5, relationship_type="uses", source_ref=_obj("intrusion-set", 1)["id"],
         target_ref=_obj("malware", 4)["id"]),
]


def _pull(base: str) -> list[dict]:
    docs = list(read_all(f"taxii2+http://127.0.0.1:{base.rsplit(':', 1)[1]}/{API_ROOT}/collections/{COLLECTION}/"))
    assert len(docs) <= 1
    if not docs:
        return []
    assert docs[0].format == "stix2"
    commit_pulled(docs[0])  # as ingest does once the knowledge base has stored it
    return [o for o in docs[0].objects if isinstance(o, dict)]


@pytest.fixture()
def creds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    state = tmp_path / "taxii-state.json"
    monkeypatch.setenv("UNMASK_TAXII_STATE", str(state))
    monkeypatch.setenv("UNMASK_TAXII_USER", USER)
    monkeypatch.setenv("UNMASK_TAXII_PASSWORD", PASSWORD)
    return state


def _ids(objects: list[dict]) -> set[str]:
    return {o["id"] for o in objects if o.get("type") != "bundle"}


def test_first_pull_gets_all_second_none_third_only_the_new_object(server: str, creds: Path) -> None:
    _push(server, _FIRST)
    assert _ids(_pull(server)) == {o["id"] for o in _FIRST}  # 5 objects over 3 pages of 2
    assert creds.is_file() and PASSWORD not in creds.read_text(encoding="utf-8")
    assert _pull(server) == []
    new = _obj("indicator", 6, name="second C2", pattern="[ipv4-addr:value = '203.0.113.77']",
               pattern_type="stix", valid_from="2025-03-02T10:00:00Z", indicator_types=["malicious-activity"])
    time.sleep(0.01)
    _push(server, [new])
    assert _ids(_pull(server)) == {new["id"]}
    assert _pull(server) == []


def test_pages_are_followed_and_bounded(server: str, creds: Path) -> None:
    _push(server, _FIRST)
    url = f"taxii2+http://127.0.0.1:{server.rsplit(':', 1)[1]}/{API_ROOT}/collections/{COLLECTION}/"
    pull = pull_collection(url, max_bytes=10_000_000, state_path=creds)
    assert pull.pages == 3 and len(pull.objects) == 5
    with pytest.raises(Exception) as too_big:
        pull_collection(url, max_bytes=500, state_path=creds)
    assert "500 bytes" in str(too_big.value)


def test_wrong_password_is_refused_and_never_echoed(server: str, creds: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNMASK_TAXII_PASSWORD", "wrong-secret-value")
    with pytest.raises(HTTPStatusError) as refused:
        _pull(server)
    assert refused.value.status == 401
    assert "wrong-secret-value" not in str(refused.value) and "UNMASK_TAXII_PASSWORD" in str(refused.value)


def test_ingest_folds_the_collection_into_the_knowledge_base(server: str, creds: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unmask.cli import app
    from unmask.store import open as open_kb

    _push(server, _FIRST)
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    url = f"taxii2+http://127.0.0.1:{server.rsplit(':', 1)[1]}/{API_ROOT}/collections/{COLLECTION}/"
    result = CliRunner().invoke(app, ["ingest", url, "--db", db])
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with open_kb(db) as kb:
        assert kb.find_actor_ids("Harbor Gull")
        reports = kb.find_reports(limit=10)
    assert len(reports) == 1
    again = CliRunner().invoke(app, ["ingest", url, "--db", db])
    assert again.exit_code == 0, again.output
    with open_kb(db) as kb:
        assert len(kb.find_reports(limit=10)) == 1


def test_only_ingest_pulls_a_collection(creds: Path) -> None:
    """analyze would move the collection's mark on without storing what it pulled."""
    from typer.testing import CliRunner

    from unmask.cli import app

    result = CliRunner().invoke(app, ["analyze", f"taxii2+http://127.0.0.1:9/{API_ROOT}/collections/{COLLECTION}/"])
    assert result.exit_code != 0
    assert "unmask ingest" in result.output
    assert not creds.exists()


def test_the_pull_is_remembered_only_once_the_store_has_committed(
        server: str, creds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unmask.errors import StoreError
    from unmask.ingest import ingest
    from unmask.store import KnowledgeBase
    from unmask.store import open as open_kb

    _push(server, _FIRST)
    url = f"taxii2+http://127.0.0.1:{server.rsplit(':', 1)[1]}/{API_ROOT}/collections/{COLLECTION}/"
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        real_add = KnowledgeBase.add_analysis

        def failing(self: KnowledgeBase, *args: object, **kwargs: object) -> object:
            raise StoreError("the disk is full")

        monkeypatch.setattr(KnowledgeBase, "add_analysis", failing)
        assert [e.status for e in ingest(kb, [url]).events] == ["failed"]
        assert not creds.exists()  # nothing stored: the next pull asks for all of it again
        monkeypatch.setattr(KnowledgeBase, "add_analysis", real_add)
        assert [e.status for e in ingest(kb, [url]).events] == ["added"]
        assert COLLECTION in creds.read_text(encoding="utf-8")
        assert list(read_all(url)) == []  # remembered: nothing new
