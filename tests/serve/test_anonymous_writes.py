"""Without tokens a server answers reads only, unless told ``allow_anonymous_writes``
(``unmask serve --allow-anonymous-writes``): any local user could upload and ingest."""

from __future__ import annotations

from typing import Any

import pytest

from unmask.store import KnowledgeBase

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")

TEXT = b"APT28 sent phishing mail pointing at login-verify[.]top this week."


def _client(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, recheck=0, **options), base_url=LOCAL, follow_redirects=False)


def test_writes_need_a_token_unless_the_operator_allows_them(kb: KnowledgeBase) -> None:
    with _client(kb) as client:
        assert client.get("/api/v1/stats").status_code == 200  # reads stay open on loopback
        refused = client.post("/api/v1/analyze", content=TEXT, headers={"content-type": "text/plain"})
        assert refused.status_code == 403
        assert "--allow-anonymous-writes" in refused.json()["error"]["message"]
        push = client.post("/taxii2/api/collections/x/objects/", content=b"{}",
                           headers={"content-type": "application/taxii+json;version=2.1",
                                    "accept": "application/taxii+json;version=2.1"})
        assert push.status_code == 403
        assert client.get("/upload").status_code == 403
        assert client.post("/upload/ingest", data={"id": "x", "tlp": "clear"}).status_code == 403
    with _client(kb, allow_anonymous_writes=True) as client:
        allowed = client.post("/api/v1/analyze", content=TEXT, headers={"content-type": "text/plain"})
        assert allowed.status_code == 200


def test_the_serve_command_takes_the_flag() -> None:
    from typer.testing import CliRunner

    from unmask.cli.app import app

    shown = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--allow-anonymous-writes" in shown.output
