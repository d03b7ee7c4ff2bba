"""The real TAXII 2.1 client (taxii2-client) against the server running under uvicorn."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.export.checks import stix_problems
from unmask.pipeline import analyze
from unmask.serve.view import collection_id
from unmask.store import KnowledgeBase, open_kb

from .conftest import GREEN_APT29, GREEN_DOMAIN, SECRET_DOMAIN, TOKEN, running_server

taxii = pytest.importorskip("taxii2client.v21")
pytest.importorskip("uvicorn")


@pytest.fixture(scope="module")
def server_url(kb: KnowledgeBase) -> Iterator[str]:
    from unmask.serve import create_app

    with running_server(create_app(kb, max_tlp="green", token=TOKEN)) as origin:
        yield origin


def test_discover_list_and_read_with_taxii2_client(server_url: str) -> None:
    server = taxii.Server(f"{server_url}/taxii2/", user="opencti", password=TOKEN)
    assert server.title == "unmask TAXII 2.1 server"
    root = server.default
    assert root is not None and root.versions == ["application/taxii+json;version=2.1"]
    collections = {c.id: c for c in root.collections}
    apt29 = collections[collection_id("G0016")]
    assert apt29.title == "APT29" and apt29.can_read and apt29.can_write  # a server with tokens takes pushes
    assert collection_id("G0034") not in collections  # Sandworm is known only at amber

    whole = apt29.get_objects(limit=1000)
    everything = [o["id"] for o in whole["objects"]]
    paged: list[str] = []
    pages = 0
    for envelope in taxii.as_pages(apt29.get_objects, per_request=4):
        paged += [o["id"] for o in envelope.get("objects", [])]
        pages += 1
    assert paged == everything and pages == -(-len(everything) // 4)
    text = json.dumps(whole["objects"])
    assert GREEN_DOMAIN in text and SECRET_DOMAIN not in text
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
              "objects": whole["objects"]}
    assert stix_problems(json.dumps(bundle), types=False) == []

    manifest: list[str] = []
    for envelope in taxii.as_pages(apt29.get_manifest, per_request=5):
        manifest += [m["id"] for m in envelope.get("objects", [])]
    assert manifest == everything

    newest = max(dt.datetime.fromisoformat(m["date_added"].replace("Z", "+00:00"))
                 for m in apt29.get_manifest(limit=1000)["objects"])
    assert apt29.get_objects(added_after=newest).get("objects") is None
    assert len(apt29.get_objects(added_after=newest - dt.timedelta(seconds=1), limit=1000)["objects"]) == len(everything)

    actor = next(o for o in whole["objects"] if o["type"] == "intrusion-set")
    assert apt29.get_object(actor["id"])["objects"] == [actor]
    assert apt29.object_versions(actor["id"])["versions"] == [actor["modified"]]
    typed = apt29.get_objects(type="intrusion-set")["objects"]
    assert [o["id"] for o in typed] == [actor["id"]]


def test_wrong_token_is_refused(server_url: Any) -> None:
    from requests.exceptions import HTTPError
    from taxii2client.exceptions import TAXIIServiceException

    server = taxii.Server(f"{server_url}/taxii2/", user="opencti", password="wrong")
    with pytest.raises((HTTPError, TAXIIServiceException)):
        _ = server.title


def test_polling_with_added_after_gets_only_what_a_new_report_added(tmp_path: Path) -> None:
    from unmask.serve import create_app

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(url) as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        with running_server(create_app(kb, recheck=0)) as origin:
            apt29 = taxii.Collection(f"{origin}/taxii2/api/collections/{collection_id('G0016')}/")
            first = apt29.get_objects(limit=1000)
            seen = {o["id"]: o for o in first["objects"]}
            mark = max(m["date_added"] for m in apt29.get_manifest(limit=1000)["objects"])
            kb.add_analysis(analyze("APT29 registered drop-point-relay.xyz for its new "
                                    "loader, which it ran through rundll32."), tlp="green")
            polled = apt29.get_objects(added_after=mark, limit=1000)["objects"]
            after = apt29.get_objects(limit=1000)["objects"]
    changed = {o["id"] for o in after if seen.get(o["id"]) != o}
    assert changed and len(changed) < len(after)
    assert {o["id"] for o in polled} == changed
    assert "drop-point-relay.xyz" in json.dumps(polled) and GREEN_DOMAIN not in json.dumps(polled)
    # a new server process over the same knowledge base answers the same poll the same way
    with open_kb(url) as kb, running_server(create_app(kb)) as origin:
        again = taxii.Collection(f"{origin}/taxii2/api/collections/{collection_id('G0016')}/")
        assert again.get_objects(added_after=mark, limit=1000)["objects"] == polled
