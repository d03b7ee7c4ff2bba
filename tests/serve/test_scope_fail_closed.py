"""A report written after a server process last read who may see what stays hidden from
a reader kept from it until that process has read it (issue 20).

A view re-reads the store's state at most once per ``recheck`` seconds. Another process
(an ingest, another server worker) may store an AMBER+STRICT report of another
organisation in that gap; the reader's routes must not show it in the meantime: the
view's scope lets through at the scoped levels only the reports it knows the reader may
read (an allow-list), never "everything but those it knows are kept from it".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.store.builders import build
from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import add_token

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")

ACTOR = "G0016"  # APT29
RELAY = "quiet-harbour-relay.example"
TAXII = {"Accept": "application/taxii+json;version=2.1"}


def _report(name: str, relay: str) -> Any:
    text = (f"APT29 operators staged a relay at {relay} for the {name} intrusion, the "
            "responders wrote in their case notes.")
    return build(text, source=f"notes/{name}.txt", published=dt.date(2026, 5, 4),
                 actors=[(ACTOR, "APT29", "APT29")], observables=[("domain", relay, relay)])


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as base:
        base.add_analysis(_report("public", "open-field-mirror.example"), tlp="green")
        yield base


def test_a_report_stored_between_two_reads_of_the_state_is_not_shown(kb: KnowledgeBase) -> None:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    secret, _ = add_token(kb, "yara", role="reader", max_tlp="red", org="y")
    app = create_app(kb, recheck=3600, max_tlp="red", accounts=True)
    with TestClient(app, base_url=LOCAL, headers={"Authorization": f"Bearer {secret}"}) as client:
        before = {path: client.get(path) for path in (
            "/api/v1/reports", f"/api/v1/actors/{ACTOR}", f"/api/v1/indicators/{RELAY}",
            "/api/v1/search?q=relay")}
        assert before["/api/v1/reports"].status_code == 200
        before_actors = client.get("/api/v1/actors").json()
        # another process stores x's AMBER+STRICT report while this one holds its state
        kb.add_analysis(_report("x-private", RELAY), tlp="amber+strict", org="x")
        reports = client.get("/api/v1/reports").json()
        assert "x-private" not in str(reports)
        assert client.get(f"/api/v1/indicators/{RELAY}").status_code == 404
        assert RELAY not in client.get(f"/api/v1/actors/{ACTOR}").text
        assert "x-private" not in client.get("/api/v1/search", params={"q": "relay"}).text
        assert RELAY not in client.get(f"/api/v1/actors/{ACTOR}/export",
                                       params={"format": "stix"}).text
        assert client.get("/api/v1/actors").json() == before_actors
        collections = client.get("/taxii2/api/collections/", headers=TAXII).json()
        for collection in collections.get("collections", []):
            objects = client.get(f"/taxii2/api/collections/{collection['id']}/objects/",
                                 headers=TAXII)
            assert RELAY not in objects.text
