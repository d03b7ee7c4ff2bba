"""Sightings are shown by their report's rule: level, owner, RED audience (issue 20).

Two partner bundles each carry one STIX sighting of a relay domain that two stored
reports (GREEN and RED, the server's organisation) name: one bundle is AMBER+STRICT
of organisation ``x``, the other RED for the audience ``alice``. Every route that
shows or counts sightings (REST indicator, web indicator page, TAXII objects, REST
STIX export) is asked by each kind of token, and what it shows is checked against
who may read which bundle; a token kept from both gets exactly what it gets from a
base that never held the bundles (scores included). SQLite, and PostgreSQL with
UNMASK_TEST_POSTGRES.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.store.builders import build
from unmask.documents import parse_bytes
from unmask.model import Analysis
from unmask.serve.view import collection_id
from unmask.store import KnowledgeBase, open_kb
from unmask.store.access import Reader, Scope, excluded_reports
from unmask.store.accounts import add_token
from unmask.store.sightings import find_sightings, summaries

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
RELAY = "north-relay-cache.example"
ACTOR = "G0016"  # APT29
TAXII = {"Accept": "application/taxii+json;version=2.1"}
#: (token name, organisation, clearance) -> the partner sightings it may see.
TOKENS = {
    ("bob", "y", "red"): set(),          # another organisation
    ("carol", None, "red"): set(),       # the server's, not on the RED audience
    ("alice", None, "red"): {"red"},     # on the RED audience, not of x
    ("xavier", "x", "amber+strict"): {"strict"},  # x's own AMBER+STRICT
}
COUNTS = {"strict": 7, "red": 5}


def _bundle(sighting: str, count: int) -> bytes:
    """A partner bundle in my own words: one indicator on RELAY and one sighting of it."""
    ind = f"indicator--{sighting[9:]}"
    return json.dumps({"type": "bundle", "id": f"bundle--{sighting[9:]}", "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": ind, "created": "2026-06-01T00:00:00Z",
         "modified": "2026-06-01T00:00:00Z", "pattern_type": "stix",
         "pattern": f"[domain-name:value = '{RELAY}']", "valid_from": "2026-06-01T00:00:00Z"},
        {"type": "sighting", "spec_version": "2.1", "id": sighting, "created": "2026-06-05T00:00:00Z",
         "modified": "2026-06-05T00:00:00Z", "sighting_of_ref": ind, "count": count,
         "first_seen": "2026-06-04T00:00:00Z", "last_seen": "2026-06-05T00:00:00Z"},
    ]}).encode()


STRICT = _bundle("sighting--a1b2c3d4-0000-4000-8000-000000000001", COUNTS["strict"])
RED = _bundle("sighting--a1b2c3d4-0000-4000-8000-000000000002", COUNTS["red"])


def _report(tlp: str) -> Analysis:
    text = (f"APT29 kept a relay at {RELAY} for its {tlp} tasking this month, the "
            "responders wrote.")
    return build(text, source=f"notes/{tlp}.txt", published=dt.date(2026, 6, 2),
                 actors=[(ACTOR, "APT29", "APT29")], observables=[("domain", RELAY, RELAY)])


from .test_tlp_differential import _urls  # noqa: E402 - two fresh bases per back-end


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bases(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    folder = tmp_path_factory.mktemp("sighted")
    with (_urls(request.param, folder) as (full_url, plain_url),
          open_kb(full_url, clock=lambda: NOW) as full, open_kb(plain_url, clock=lambda: NOW) as plain):
        for kb in (full, plain):
            kb.add_analysis(_report("green"), tlp="green")
            kb.add_analysis(_report("red"), tlp="red")
        full.add_analysis(Analysis(document=parse_bytes(STRICT, source="x.json")),
                          tlp="amber+strict", org="x")
        full.add_analysis(Analysis(document=parse_bytes(RED, source="alice.json")),
                          tlp="red", audience=["alice"])
        yield full, plain


def _client(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, recheck=0, max_tlp="red", accounts=True, **options),
                      base_url=LOCAL)


def _seen(client: Any) -> dict[str, Any]:
    """What each route says of RELAY's sightings: the seen count per route."""
    rest = client.get(f"/api/v1/indicators/{RELAY}").json()
    summary = (rest.get("sighting_summary") or {}).get("domain") or {}
    page = client.get(f"/indicators/{RELAY}")
    taxii = client.get(f"/taxii2/api/collections/{collection_id(ACTOR)}/objects/", headers=TAXII)
    export = client.get(f"/api/v1/actors/{ACTOR}/export", params={"format": "stix"})
    def sighted(objects: list[dict[str, Any]]) -> int:
        return sum(o.get("count", 0) for o in objects if o.get("type") == "sighting")
    return {
        "rest": summary.get("seen", 0),
        "rest_rows": sum(r["count"] for r in rest.get("recorded_sightings") or ()),
        "score": (rest.get("score") or {}).get("score"),
        "page": page.status_code,
        "page_text": re.sub(r'name="csrf" value="[^"]*"', "", page.text),
        "taxii": sighted(taxii.json().get("objects", [])),
        "export": sighted(export.json().get("objects", [])) if export.status_code == 200 else None,
    }


@pytest.mark.parametrize(("name", "org", "level"), list(TOKENS))
def test_each_route_shows_the_sightings_the_token_may_read(
        bases: tuple[KnowledgeBase, KnowledgeBase], name: str, org: str | None, level: str) -> None:
    full, plain = bases
    secret_full, _ = add_token(full, name, role="reader", max_tlp=level, org=org)
    secret_plain, _ = add_token(plain, name, role="reader", max_tlp=level, org=org)
    with _client(full) as a, _client(plain) as b:
        a.headers["Authorization"] = f"Bearer {secret_full}"
        b.headers["Authorization"] = f"Bearer {secret_plain}"
        got, without = _seen(a), _seen(b)
    allowed = TOKENS[(name, org, level)]
    expected = sum(COUNTS[k] for k in allowed)
    assert got["rest"] == got["rest_rows"] == expected
    if level == "red":  # the RED report makes the export RED: every sighting it may read counts
        assert got["taxii"] == got["export"] == expected
    if not allowed:
        # kept from both bundles: every answer is the one of a base without them
        assert got == without
    else:
        assert got["score"] != without["score"] or got["rest"] != without["rest"]


def test_the_server_token_sees_every_sighting(bases: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    full, _ = bases
    with _client(full, token="one-user-secret") as client:
        client.headers["Authorization"] = "Bearer one-user-secret"
        got = _seen(client)
    assert got["rest"] == got["taxii"] == got["export"] == sum(COUNTS.values())


def test_a_deleted_reports_sightings_keep_its_rule(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        kb.add_analysis(Analysis(document=parse_bytes(STRICT, source="x.json")),
                        tlp="amber+strict", org="x")
        sha = parse_bytes(STRICT, source="x.json").sha256
        assert kb.delete_document(sha)
        levels = ("clear", "green", "amber", "amber+strict")
        for reader, shown in ((Reader("y", "bob"), 0), (Reader("x", "xavier"), COUNTS["strict"]),
                              (None, COUNTS["strict"])):
            scope = Scope(levels, excluded_reports(kb.engine, reader, levels, None))
            folded = summaries(kb, tlp=scope).get(("domain", RELAY))
            assert (folded.seen if folded else 0) == shown
            assert sum(s.count for s in find_sightings(kb, [RELAY], tlp=scope)) == shown


def test_one_claim_in_two_reports_counts_once(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        kb.add_analysis(Analysis(document=parse_bytes(RED, source="alice.json")), tlp="red",
                        audience=["alice"])
        kb.add_analysis(Analysis(document=parse_bytes(RED + b" ", source="copy.json")), tlp="green")
        assert summaries(kb)[("domain", RELAY)].seen == COUNTS["red"]
        assert [s.count for s in find_sightings(kb, [RELAY])] == [COUNTS["red"]]
        # a GREEN reader sees the claim through the GREEN copy, not through the RED one
        levels = ("clear", "green")
        assert summaries(kb, tlp=Scope(levels, excluded_reports(kb.engine, Reader(None, "bob"), levels, None))
                         )[("domain", RELAY)].seen == COUNTS["red"]
