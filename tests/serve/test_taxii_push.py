"""TAXII push: ``POST …/collections/{id}/objects/`` from a token allowed to write, the
objects folded into the knowledge base as a STIX bundle, the status resource; and a
round trip unmask -> TAXII -> a second unmask (``ingest taxii2+http://…``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unmask.pipeline import analyze
from unmask.serve.taxii import MEDIA_TYPE
from unmask.serve.view import collection_id
from unmask.store import open_kb

from .conftest import GREEN_APT29, TOKEN, running_server

taxii = pytest.importorskip("taxii2client.v21")
pytest.importorskip("uvicorn")

APT29 = collection_id("G0016")
PUSHED_DOMAIN = "relay-cache-sync.net"
INTRUSION = "intrusion-set--5b1d2a44-6a51-4c1f-8f0e-0d7a3b9e6c11"
INDICATOR = "indicator--9a0c4e7e-37a8-4b8c-a7a4-5d2f7e9b1c20"
PUSHED = [
    {"type": "intrusion-set", "spec_version": "2.1", "id": INTRUSION,
     "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
     "name": "APT29", "aliases": ["Cozy Bear"]},
    {"type": "indicator", "spec_version": "2.1", "id": INDICATOR,
     "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
     "name": PUSHED_DOMAIN, "pattern": f"[domain-name:value = '{PUSHED_DOMAIN}']",
     "pattern_type": "stix", "valid_from": "2026-11-01T10:00:00Z",
     "indicator_types": ["malicious-activity"]},
    {"type": "relationship", "spec_version": "2.1",
     "id": "relationship--0b7e3c55-2f1a-4d7b-9a43-6c1e8f2d4a90",
     "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
     "relationship_type": "indicates", "source_ref": INDICATOR, "target_ref": INTRUSION},
]


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, Any, str]]:
    """A server with a token over a base with one APT29 report: (origin, kb, reader token)."""
    from unmask.serve import create_app
    from unmask.store.accounts import add_token

    with open_kb(f"sqlite:///{tmp_path / 'a.sqlite'}") as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        reader, _ = add_token(kb, "reader", role="reader", max_tlp="green")
        with running_server(create_app(kb, token=TOKEN, recheck=0)) as origin:
            yield origin, kb, reader


def _collection(origin: str, password: str) -> Any:
    return taxii.Collection(f"{origin}/taxii2/api/collections/{APT29}/", user="x", password=password)


def test_push_with_taxii2_client_is_stored_and_has_a_status(served: tuple[str, Any, str]) -> None:
    origin, kb, _ = served
    collection = _collection(origin, TOKEN)
    assert collection.can_write is True
    before = kb.stats()
    status = collection.add_objects({"objects": [*PUSHED, "not an object"]}, wait_for_completion=False)
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count, status.pending_count) == (4, 3, 1, 0)
    assert {s["id"] for s in status.successes} == {o["id"] for o in PUSHED}
    again = taxii.Status(f"{origin}/taxii2/api/status/{status.id}/", user="x", password=TOKEN)
    assert again.success_count == 3 and again.failure_count == 1
    # folded into the knowledge base as a STIX bundle ingest: one more report, its indicator served
    assert kb.stats() != before
    served_now = json.dumps(collection.get_objects(limit=1000)["objects"])
    assert PUSHED_DOMAIN in served_now
    reports = kb.find_reports(limit=10)
    assert len(list(reports)) == 2


def test_push_is_refused_without_a_write_role_and_on_bad_envelopes(served: tuple[str, Any, str]) -> None:
    import httpx

    origin, _, reader = served
    url = f"{origin}/taxii2/api/collections/{APT29}/objects/"
    taxii_headers = {"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE}
    envelope = json.dumps({"objects": PUSHED})
    refused = httpx.post(url, content=envelope, headers={**taxii_headers, "Authorization": f"Bearer {reader}"})
    assert refused.status_code == 403 and refused.headers["content-type"] == MEDIA_TYPE
    admin = {**taxii_headers, "Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(url, content=envelope, headers={**admin, "Content-Type": "application/json"}).status_code == 415
    assert httpx.post(url, content=b"{not json", headers=admin).status_code == 400
    assert httpx.post(url, content=json.dumps({"object": []}), headers=admin).status_code == 400
    huge = json.dumps({"objects": [{"type": "note", "id": "note--1", "content": "x" * (11 << 20)}]})
    assert httpx.post(url, content=huge, headers=admin).status_code == 413
    missing = httpx.get(f"{origin}/taxii2/api/status/00000000-0000-4000-8000-000000000000/",
                        headers={"Accept": MEDIA_TYPE, "Authorization": f"Bearer {TOKEN}"})
    assert missing.status_code == 404
    other = httpx.post(f"{origin}/taxii2/api/collections/not-a-collection/objects/", content=envelope, headers=admin)
    assert other.status_code == 404


def _round_trip(origin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                ) -> tuple[set[str], set[str]]:
    """Ids (of the kinds a reader rebuilds) that server A serves for APT29, and those a
    second base serves after ``ingest taxii2+http://…`` of A's collection."""
    from fastapi.testclient import TestClient

    from unmask.ingest import ingest
    from unmask.serve import create_app

    monkeypatch.setenv("UNMASK_TAXII_STATE", str(tmp_path / "state.json"))
    monkeypatch.setenv("UNMASK_TAXII_TOKEN", TOKEN)
    sent = _collection(origin, TOKEN).get_objects(limit=1000)["objects"]
    port = origin.rsplit(":", 1)[1]
    with open_kb(f"sqlite:///{tmp_path / 'b.sqlite'}") as second:
        report = ingest(second, [f"taxii2+http://127.0.0.1:{port}/taxii2/api/collections/{APT29}/"],
                        tlp="green")
        assert [e.status for e in report.events] == ["added"], report.events
        again = TestClient(create_app(second, recheck=0), base_url="http://localhost").get(
            f"/taxii2/api/collections/{APT29}/objects/", params={"limit": 1000},
            headers={"Accept": MEDIA_TYPE}).json()["objects"]
    kinds = {"intrusion-set", "attack-pattern", "indicator", "domain-name", "ipv4-addr", "url",
             "malware", "location", "marking-definition"}

    def ids(objects: list[dict[str, Any]]) -> set[str]:
        return {o["id"] for o in objects if o["type"] in kinds}
    return ids(sent), ids(again)


def test_round_trip_loses_nothing(served: tuple[str, Any, str], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sent, again = _round_trip(served[0], tmp_path, monkeypatch)
    assert len(sent) > 5 and sent <= again


def test_round_trip_gives_the_same_objects(served: tuple[str, Any, str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sent, again = _round_trip(served[0], tmp_path, monkeypatch)
    assert again == sent


def test_a_bundle_comes_back_with_the_objects_it_holds() -> None:
    """The reader's wording of a bundle's objects is read by the text extractors too;
    what they find only there (the parent in a sub-technique's qualified name, a word
    of a report's title, a cited document's hash) is not added, while a technique the
    prose of a description names is."""
    import hashlib

    from unmask.documents import parse_bytes

    digest = hashlib.sha256(b"the report this bundle was made from").hexdigest()
    pattern = "attack-pattern--6b1e9a52-0c3d-4f1e-8a7b-2d9c5e4f3a10"
    actor = "intrusion-set--2e4c6a80-1b3d-4f5e-9a7c-8d0e2f4a6b1c"
    stamp = {"created": "2026-10-02T08:00:00.000Z", "modified": "2026-10-02T08:00:00.000Z",
             "spec_version": "2.1"}
    bundle = {"type": "bundle", "id": "bundle--0d2f4b6e-8a1c-4e3f-b5d7-9c1e3a5f7b20", "objects": [
        {"type": "report", "id": "report--7a9c1e3f-5b7d-4f1a-8c3e-5d7f9b1a3c50", **stamp,
         "name": "Phishing season at the ministries", "published": "2026-10-02T08:00:00Z",
         "object_refs": [actor, pattern, "note--5e7a9c1b-3d5f-4b7a-8e2c-4f6a8c0e2b30"],
         "external_references": [{"source_name": "analysed-document", "external_id": digest,
                                  "hashes": {"SHA-256": digest}}]},
        {"type": "intrusion-set", "id": actor, **stamp, "name": "APT29",
         "description": "The operators later created a scheduled task to keep their foothold."},
        {"type": "attack-pattern", "id": pattern, **stamp, "name": "Command and Scripting Interpreter: PowerShell",
         "external_references": [{"source_name": "mitre-attack", "external_id": "T1059.001"}]},
        {"type": "note", "id": "note--5e7a9c1b-3d5f-4b7a-8e2c-4f6a8c0e2b30", **stamp, "object_refs": [actor],
         "content": "Evidence:\n- [Phishing season at the ministries] \u201cthe second stage came down "
                    "over HTTPS\u201d (chars 10-52)"},
        {"type": "relationship", "id": "relationship--4c6e8a0b-2d4f-4a6c-9e1b-3f5a7c9e1b20", **stamp,
         "relationship_type": "uses", "source_ref": actor, "target_ref": pattern},
    ]}
    analysis = analyze(parse_bytes(json.dumps(bundle).encode(), source="bundle.json"))
    techniques = {t.technique_id for t in analysis.techniques}
    assert "T1059.001" in techniques and "T1059" not in techniques and "T1566" not in techniques
    assert "T1053.005" in techniques  # named in the description's prose
    cited = [o for o in analysis.observables if o.value == digest]
    assert cited and all(o.role == "reference" for o in cited)
