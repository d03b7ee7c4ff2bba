"""AMBER+STRICT for the owning organisation only, RED for the report's audience only.

The differential with scoped reports: the TLP differential's two RED notes are stored
in one base as a RED report for the audience ``alice`` (the server's organisation) and
an AMBER+STRICT report of organisation ``x``. A token of another organisation, and one
of the server's organisation not on the audience, both cleared for RED on a RED
server, get on every GET route exactly what the same token gets from a server over a
base that never held those two reports (SQLite, and PostgreSQL with
UNMASK_TEST_POSTGRES). The owners and the audience see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from unmask.store import KnowledgeBase, open_kb
from unmask.store.access import Reader, may_read
from unmask.store.accounts import add_token

from . import test_tlp_differential as differential
from .conftest import LOCAL
from .test_accounts import _ROLE_PAGES
from .test_tlp_differential import _ACCEPT, RED_ALIAS, RED_WORD, _requests, _unsigned, _values

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def scoped(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    folder = tmp_path_factory.mktemp("scoped")
    with (differential._urls(request.param, folder) as (full_url, plain_url),
          open_kb(full_url, clock=lambda: differential._CLOCK) as full,
          open_kb(plain_url, clock=lambda: differential._CLOCK) as plain):
        for source, text, tlp in differential._texts():
            analysis = analyze(parse_bytes(text.encode(), source=source))
            if source == "notes/red-apt29.txt":
                full.add_analysis(analysis, tlp="red", audience=["alice"])
            elif source == "notes/red-apt41.txt":
                full.add_analysis(analysis, tlp="amber+strict", org="x")
            else:
                full.add_analysis(analysis, tlp=tlp)
                plain.add_analysis(analysis, tlp=tlp)
        yield full, plain


def _app(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, recheck=0, max_tlp="red", accounts=True, **options),
                      base_url=LOCAL)


@pytest.mark.parametrize(("name", "org"), [("bob", "y"), ("carol", None)])
def test_a_token_kept_from_scoped_reports_sees_a_base_without_them(
        scoped: tuple[KnowledgeBase, KnowledgeBase], name: str, org: str | None) -> None:
    full, plain = scoped
    headers = {}
    for kb in (full, plain):
        secret, _ = add_token(kb, f"{name}", role="reader", max_tlp="red", org=org)
        headers[id(kb)] = {"Authorization": f"Bearer {secret}"}
    with _app(full) as a_client, _app(plain) as b_client:
        a_client.headers.update(headers[id(full)])
        b_client.headers.update(headers[id(plain)])
        values = _values(b_client, a_client, full)
        requests, covered = _requests(a_client.app, values)
        assert {"/api/v1/actors/{name}", "/taxii2/api/collections/{collection}/objects/",
                "/reports/{ref}", "/api/v1/search", "/api/v1/actors/{name}/export"} <= covered
        differences = []
        asked = 0
        for url, query in requests:
            if url.startswith("/api/v1/admin") or url in _ROLE_PAGES:
                continue
            asked += 1
            extra = _ACCEPT if url.startswith("/taxii2") else {}
            a = a_client.get(url, params=query, headers=extra)
            b = b_client.get(url, params=query, headers=extra)
            if not (a.status_code == b.status_code and _unsigned(a.text) == _unsigned(b.text)
                    and a.headers.get("x-taxii-date-added-last") == b.headers.get("x-taxii-date-added-last")):
                differences.append(f"{url} {query}: {a.status_code} vs {b.status_code}")
        assert differences == [], "\n".join(differences[:40])
        assert asked > 250
        assert a_client.get(f"/api/v1/actors/{quote(RED_ALIAS)}").status_code == 404


def test_the_owners_and_the_audience_see_them(scoped: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    full, _ = scoped
    alice, _ = add_token(full, "alice", role="reader", max_tlp="red")
    xavier, _ = add_token(full, "xavier", role="reader", max_tlp="amber+strict", org="x")
    dave, _ = add_token(full, "dave", role="reader", max_tlp="amber+strict")
    with _app(full) as client:
        def get(path: str, token: str, **params: Any) -> Any:
            return client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})

        # alice is on the RED note's audience: its alias resolves; x's report stays hidden.
        assert get(f"/api/v1/actors/{quote(RED_ALIAS)}", alice).status_code == 200
        found = {h["report"]["source"] for h in get("/api/v1/search", alice, q=RED_WORD).json()["hits"]}
        assert found == {"red-apt29.txt"}
        # xavier, of organisation x, sees its AMBER+STRICT report and not the RED one.
        found = {h["report"]["source"] for h in get("/api/v1/search", xavier, q=RED_WORD).json()["hits"]}
        assert found == {"red-apt41.txt"}
        # dave is cleared for AMBER+STRICT but of the server's organisation: neither.
        assert get("/api/v1/search", dave, q=RED_WORD).json()["hits"] == []
        assert get("/api/v1/stats", dave).json()["reports"] == get("/api/v1/stats", xavier).json()["reports"] - 1
    # The server's own --token (one user) sees everything up to the ceiling.
    with _app(full, token="server-secret") as client:
        hits = client.get("/api/v1/search", params={"q": RED_WORD},
                          headers={"Authorization": "Bearer server-secret"}).json()["hits"]
        assert len(hits) == 2


def test_the_rule() -> None:
    alice, bob = Reader(None, "alice"), Reader("y", "bob")
    assert may_read(None, "red", "x", ["nobody"], None)  # the server's own token
    assert may_read(bob, "amber", "x", None, None)  # below AMBER+STRICT: the level alone
    assert not may_read(bob, "amber+strict", None, None, None)
    assert may_read(bob, "amber+strict", "y", None, None)
    assert may_read(Reader(None, "bob"), "amber+strict", "y", None, "y")  # the server is y
    assert may_read(alice, "red", None, None, None)  # no audience: the organisation
    assert may_read(alice, "red", None, ["alice", "eve"], None)
    assert not may_read(alice, "red", None, ["eve"], None)
    assert not may_read(Reader("x", "alice"), "red", None, ["alice"], None)  # the name, not the org


def test_cli_ingest_org_and_audience(tmp_path: Path) -> None:
    from unmask.cli import app

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    note = tmp_path / "note.txt"
    note.write_text(differential.RED_APT29, encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", str(note), "--db", url, "--audience", "alice"])
    assert refused.exit_code == 2 and "--tlp red" in refused.output
    done = runner.invoke(app, ["ingest", str(note), "--db", url, "--tlp", "red",
                               "--audience", "alice, bob,alice", "--org", "lab"])
    assert done.exit_code == 0, done.output
    token = runner.invoke(app, ["token", "add", "bob", "--db", url, "--max-tlp", "red", "--org", "lab"])
    assert token.exit_code == 0, token.output
    from sqlalchemy import select

    from unmask.store.schema import ReportAccessRow

    with open_kb(url) as kb:
        with kb.engine.connect() as conn:
            rows = conn.execute(select(ReportAccessRow.org, ReportAccessRow.audience)).all()
        assert [(r.org, r.audience) for r in rows] == [("lab", ["alice", "bob"])]
        with _app(kb) as client:
            secret = token.stdout.strip().splitlines()[0]
            hits = client.get("/api/v1/search", params={"q": RED_WORD},
                              headers={"Authorization": f"Bearer {secret}"}).json()["hits"]
            assert len(hits) == 1
        # Ingested again for alice only: bob no longer sees it (the owner kept, the audience new).
        again = runner.invoke(app, ["ingest", str(note), "--db", url, "--tlp", "red",
                                    "--audience", "alice", "--org", "lab"])
        assert again.exit_code == 0, again.output
        with _app(kb) as client:
            hits = client.get("/api/v1/search", params={"q": RED_WORD},
                              headers={"Authorization": f"Bearer {secret}"}).json()["hits"]
            assert hits == []
