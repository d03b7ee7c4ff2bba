"""A report uploaded in the web workbench belongs to the uploader's organisation.

Before, it was stored as the server's own: a partner analyst's RED upload was then
hidden from the partner (the uploader included) and shown to the host's RED readers.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from unmask.serve.app import create_app
from unmask.store import open_kb
from unmask.store.accounts import add_token


def _html(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "text/html"}


def test_a_partners_red_upload_is_the_partners(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        analyst, _ = add_token(kb, "ana", role="analyst", max_tlp="red", org="partner")
        colleague, _ = add_token(kb, "pat", role="reader", max_tlp="red", org="partner")
        host_reader, _ = add_token(kb, "hal", role="reader", max_tlp="red")
        app = create_app(kb, max_tlp="red", org="lab", allowed_hosts=["testserver"])
        with TestClient(app, base_url="http://testserver") as client:
            page = client.get("/upload", headers=_html(analyst))
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf, page.status_code
            note = ("Internal note of our desk: the relay cold-harbour-cache.example served "
                    "APT29's implant to our ministry last week. ") * 3
            shown = client.post("/upload/analyze", headers=_html(analyst),
                                data={"csrf": csrf.group(1), "text": note})
            key = re.search(r'name="id" value="([^"]+)"', shown.text)
            assert key, shown.status_code
            stored = client.post("/upload/ingest", headers=_html(analyst), follow_redirects=False,
                                 data={"csrf": csrf.group(1), "id": key.group(1), "tlp": "red"})
            assert stored.status_code == 303, stored.text[:300]
            report = stored.headers["location"]
            assert client.get(report, headers=_html(analyst)).status_code == 200
            assert client.get(report, headers=_html(colleague)).status_code == 200
            assert client.get(report, headers=_html(host_reader)).status_code == 404


def test_a_partners_taxii_push_is_the_partners(tmp_path: Path) -> None:
    import json

    from sqlalchemy import select

    from unmask.serve.taxii import MEDIA_TYPE
    from unmask.serve.view import collection_id
    from unmask.store.schema import ReportAccessRow, table_of

    red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"  # TLP 2.0 RED
    pushed = [{"type": "indicator", "spec_version": "2.1",
               "id": "indicator--4d7c3b9e-1f2a-4c5d-9e8f-0a1b2c3d4e5f",
               "created": "2026-11-02T09:00:00.000Z", "modified": "2026-11-02T09:00:00.000Z",
               "pattern": "[domain-name:value = 'quiet-harbour-relay.example']",
               "pattern_type": "stix", "valid_from": "2026-11-02T09:00:00Z",
               "object_marking_refs": [red]}]
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        from unmask.documents import parse_bytes
        from unmask.pipeline import analyze

        seed = b"APT29 (Cozy Bear) sent spearphishing e-mails to embassies, a desk of ours wrote."
        kb.add_analysis(analyze(parse_bytes(seed, source="seed note")), tlp="clear")
        analyst, _ = add_token(kb, "ana", role="analyst", max_tlp="red", org="partner")
        app = create_app(kb, max_tlp="red", org="lab", allowed_hosts=["testserver"])
        with TestClient(app, base_url="http://testserver") as client:
            answer = client.post(f"/taxii2/api/collections/{collection_id('G0016')}/objects/",
                                 content=json.dumps({"objects": pushed}),
                                 headers={"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE,
                                          "Authorization": f"Bearer {analyst}"})
            assert answer.status_code in (200, 202), answer.text[:300]
            assert answer.json()["success_count"] == 1, answer.text[:300]
        with kb.engine.connect() as conn:
            owners = conn.execute(select(table_of(ReportAccessRow).c.org)).scalars().all()
        assert owners == ["partner"], owners
