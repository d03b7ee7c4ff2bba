"""Sightings posted through the API belong to the poster's organisation (issue 20).

An analyst of organisation ``x`` posts a sighting and a false positive (with its why)
of a relay domain that two of the server's reports name. By default they are marked
AMBER+STRICT and owned by ``x``: every other kind of token (another organisation's
reader, analyst and admin, the server's own organisation, ``x``'s own reader cleared
only to AMBER) gets on every route (REST indicator, web page, TAXII objects, REST
STIX and MISP exports) exactly the answers of a base where nothing was posted, the
score included; ``x``'s readers cleared for it and the server's own ``--token`` see
them. A chosen marking and a RED audience are honoured; a marking above the poster's
clearance is refused. Sightings from before migration 0011 get owners from it, and
re-marking a report re-marks its sightings. SQLite, and PostgreSQL with
UNMASK_TEST_POSTGRES.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.store.builders import build
from unmask.model import Analysis
from unmask.serve.view import collection_id
from unmask.store import KnowledgeBase, open_kb
from unmask.store.access import Reader, Scope, excluded_reports, owner_key
from unmask.store.accounts import add_token
from unmask.store.sightings import find_sightings, summaries

from .conftest import LOCAL
from .test_tlp_differential import _urls

pytestmark = pytest.mark.filterwarnings("error")

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
RELAY = "south-mirror-depot.example"
ACTOR = "G0016"  # APT29
TAXII = {"Accept": "application/taxii+json;version=2.1"}
WHY = "the mirror is our own staging host, cleared by the x network team"
SERVER_TOKEN = "one-user-secret"
#: Tokens that must not see x's AMBER+STRICT sightings: (name, role, org, clearance).
KEPT_OUT = [
    ("yara", "reader", "y", "red"),
    ("yuri", "analyst", "y", "red"),
    ("yves", "admin", "y", "red"),
    ("hana", "reader", None, "red"),             # the server's own organisation
    ("xena", "reader", "x", "amber"),           # x's own, cleared below AMBER+STRICT
]
LET_IN = [
    ("xia", "reader", "x", "amber+strict"),
    ("xavi", "admin", "x", "red"),
]


def _report(tlp: str) -> Analysis:
    text_ = (f"APT29 parked a mirror at {RELAY} during its {tlp} campaign, the incident "
             "handlers noted in their write-up.")
    return build(text_, source=f"notes/{tlp}.txt", published=dt.date(2026, 6, 2),
                 actors=[(ACTOR, "APT29", "APT29")], observables=[("domain", RELAY, RELAY)])


def _client(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, recheck=0, max_tlp="red", accounts=True, **options),
                      base_url=LOCAL)


def _post(kb: KnowledgeBase, body: dict[str, Any], *, org: str | None = "x", level: str = "red",
          name: str = "xander") -> Any:
    secret, _ = add_token(kb, name, role="analyst", max_tlp=level, org=org)
    with _client(kb) as client:
        return client.post(f"/api/v1/indicators/{RELAY}/sightings", json=body,
                           headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bases(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    folder = tmp_path_factory.mktemp("owned")
    with (_urls(request.param, folder) as (full_url, plain_url),
          open_kb(full_url, clock=lambda: NOW) as full, open_kb(plain_url, clock=lambda: NOW) as plain):
        for kb in (full, plain):
            kb.add_analysis(_report("green"), tlp="green")
            kb.add_analysis(_report("red"), tlp="red")
        seen = _post(full, {"kind": "seen", "count": 11, "source": "x-proxy"})
        assert seen.status_code == 201, seen.text
        assert seen.json()["tlp"] == "amber+strict"
        false = _post(full, {"kind": "false-positive", "why": WHY}, name="xander2")
        assert false.status_code == 201, false.text
        # the poster's own answer counts it (x, cleared to RED)
        assert false.json()["score"]["status"] == "false-positive"
        yield full, plain


def _seen(client: Any) -> dict[str, Any]:
    rest = client.get(f"/api/v1/indicators/{RELAY}").json()
    page = client.get(f"/indicators/{RELAY}")
    taxii = client.get(f"/taxii2/api/collections/{collection_id(ACTOR)}/objects/", headers=TAXII)
    stix = client.get(f"/api/v1/actors/{ACTOR}/export", params={"format": "stix"})
    misp = client.get(f"/api/v1/actors/{ACTOR}/export", params={"format": "misp"})
    return {
        "rest": {k: v for k, v in rest.items() if k != "value"},
        "page": re.sub(r'name="csrf" value="[^"]*"', "", page.text),
        "taxii": sorted(str(o) for o in taxii.json().get("objects", []) if o.get("type") in
                        ("sighting", "indicator")),
        "stix": stix.status_code, "stix_objects": sorted(
            str(o) for o in (stix.json().get("objects") or []) if o.get("type") in ("sighting", "indicator")),
        "misp": misp.text,
    }


def _pair(full: KnowledgeBase, plain: KnowledgeBase, name: str, role: str, org: str | None,
          level: str) -> tuple[dict[str, Any], dict[str, Any]]:
    out = []
    for kb in (full, plain):
        secret, _ = add_token(kb, name, role=role, max_tlp=level, org=org)
        with _client(kb) as client:
            client.headers["Authorization"] = f"Bearer {secret}"
            out.append(_seen(client))
    return out[0], out[1]


@pytest.mark.parametrize(("name", "role", "org", "level"), KEPT_OUT)
def test_a_token_kept_from_the_posters_sightings_gets_the_answers_of_a_base_without_them(
        bases: tuple[KnowledgeBase, KnowledgeBase], name: str, role: str, org: str | None,
        level: str) -> None:
    full, plain = bases
    got, without = _pair(full, plain, name, role, org, level)
    assert WHY not in str(got) and "xander" not in str(got)
    assert got == without


@pytest.mark.parametrize(("name", "role", "org", "level"), LET_IN)
def test_the_posters_organisation_sees_them_and_its_score_moves(
        bases: tuple[KnowledgeBase, KnowledgeBase], name: str, role: str, org: str | None,
        level: str) -> None:
    full, plain = bases
    got, without = _pair(full, plain, name, role, org, level)
    assert got["rest"]["score"]["status"] == "false-positive" != without["rest"]["score"]["status"]
    assert got["rest"]["sighting_summary"]["domain"]["seen"] == 11
    assert any(r.get("why") == WHY for r in got["rest"]["recorded_sightings"])
    assert "xander" in got["page"]


def test_the_server_token_sees_every_sighting(bases: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    full, _ = bases
    with _client(full, token=SERVER_TOKEN) as client:
        client.headers["Authorization"] = f"Bearer {SERVER_TOKEN}"
        rest = client.get(f"/api/v1/indicators/{RELAY}").json()
    assert rest["score"]["status"] == "false-positive"
    assert rest["sighting_summary"]["domain"]["seen"] == 11


def test_a_chosen_marking_and_audience_are_honoured(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        kb.add_analysis(_report("green"), tlp="green")
        shared = _post(kb, {"kind": "seen", "count": 3, "tlp": "green"})
        assert shared.status_code == 201 and shared.json()["tlp"] == "green"
        named = _post(kb, {"kind": "seen", "count": 5, "tlp": "red", "audience": ["xia"]}, name="xo")
        assert named.status_code == 201, named.text
        seen = {}
        for name, org, level in (("yara", "y", "green"), ("xia", "x", "red"), ("xeno", "x", "red"),
                                 ("yoko", "y", "red")):
            secret, _ = add_token(kb, name, role="reader", max_tlp=level, org=org)
            with _client(kb) as client:
                body = client.get(f"/api/v1/indicators/{RELAY}",
                                  headers={"Authorization": f"Bearer {secret}"}).json()
            seen[name] = body["sighting_summary"]["domain"]["seen"]
        # GREEN is shared with every organisation; RED for xia only
        assert seen == {"yara": 3, "xia": 8, "xeno": 3, "yoko": 3}


@pytest.mark.parametrize(("body", "level", "problem"), [
    ({"kind": "seen", "tlp": "red"}, "amber", "above this token's clearance"),
    ({"kind": "seen", "tlp": "amber", "audience": ["xia"]}, "red", "only with tlp red"),
    ({"kind": "seen", "tlp": "purple"}, "red", "is not one of"),
    ({"kind": "seen", "audience": "a,b", "tlp": 3}, "red", "tlp must be a string"),
])
def test_a_marking_the_poster_may_not_give_is_refused(tmp_path: Path, body: dict[str, Any], level: str,
                                                      problem: str) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        kb.add_analysis(_report("green"), tlp="green")
        answer = _post(kb, body, level=level)
        # a marking above the clearance is the token's limit (403), the others bad input
        assert answer.status_code == (403 if "clearance" in problem else 400) and problem in answer.text
        assert find_sightings(kb, [RELAY]) == []


def test_a_poster_cleared_below_amber_strict_must_choose_the_marking(tmp_path: Path) -> None:
    # nothing is shared with every organisation unless its poster says so (the default
    # marking, AMBER+STRICT, is above this poster's clearance: it could not read it back)
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        kb.add_analysis(_report("green"), tlp="green")
        refused = _post(kb, {"kind": "seen"}, level="amber")
        assert refused.status_code == 403 and '"tlp": "amber"' in refused.json()["error"]["message"]
        assert find_sightings(kb, [RELAY]) == []
        answer = _post(kb, {"kind": "seen", "tlp": "amber"}, level="amber", name="xerxes")
        assert answer.status_code == 201 and answer.json()["tlp"] == "amber"
        assert [s.tlp for s in find_sightings(kb, [RELAY])] == ["amber"]


def _scoped(kb: KnowledgeBase, reader: Reader | None, levels: tuple[str, ...]) -> int:
    scope = Scope(levels, excluded_reports(kb.engine, reader, levels, None))
    folded = summaries(kb, tlp=scope).get(("domain", RELAY))
    return folded.seen if folded else 0


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_0011_gives_the_old_rows_owners(tmp_path: Path, backend: str) -> None:
    with _urls(backend, tmp_path) as (url, _):
        _migrate_old_rows(url)


def _migrate_old_rows(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    with open_kb(url, clock=lambda: NOW) as kb:
        add_token(kb, "xander", role="analyst", max_tlp="red", org="x")
        config = Config()
        config.set_main_option("script_location", "unmask.store:migrations")
        with kb.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        with kb.engine.begin() as conn:
            for who, source, tlp, count in (("xander", "api:x-proxy", "clear", 2),
                                            ("(server token)", "api:api", "clear", 3),
                                            (None, "stix:old", "red", 5),
                                            (None, "cli", "clear", 7)):
                conn.execute(text(
                    "INSERT INTO sightings (value, type, kind, source, ref, day, count, first_seen, "
                    "last_seen, who, why, tlp, recorded_at, sha256) VALUES (:v, 'domain', 'seen', :s, '', "
                    "'2026-06-09', :c, '2026-06-09 10:00:00.000000', '2026-06-09 10:00:00.000000', :w, "
                    "NULL, :t, '2026-06-09 10:00:00.000000', '')"),
                    {"v": RELAY, "s": source, "c": count, "w": who, "t": tlp})
    with open_kb(url, clock=lambda: NOW) as kb:  # opening upgrades to 0011
        rows = {s.source: s.tlp for s in find_sightings(kb, [RELAY])}
        assert rows == {"api:x-proxy": "amber+strict", "api:api": "amber+strict", "stix:old": "red",
                        "cli": "clear"}
        with kb.engine.connect() as conn:
            keys = dict(conn.execute(text("SELECT source, sha256 FROM sightings")).all())
        assert keys["api:x-proxy"] == owner_key("x", "amber+strict")
        assert keys["api:api"] == owner_key(None, "amber+strict")
        assert keys["stix:old"] == owner_key(None, "red") and keys["cli"] == ""
        strict = ("clear", "green", "amber", "amber+strict")
        red = (*strict, "red")
        assert _scoped(kb, Reader("y", "yara"), red) == 7          # only the local row
        assert _scoped(kb, Reader("x", "xia"), strict) == 7 + 2    # x's own post
        assert _scoped(kb, Reader(None, "hana"), red) == 7 + 3 + 5  # the server's
        assert _scoped(kb, None, red) == 17


def test_re_marking_a_report_re_marks_its_sightings(tmp_path: Path) -> None:
    from unmask.documents import parse_bytes

    from .test_sightings_scope import RED
    from .test_sightings_scope import RELAY as PARTNER_RELAY

    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}", clock=lambda: NOW) as kb:
        doc = parse_bytes(RED, source="partner.json")
        kb.add_analysis(Analysis(document=doc), tlp="green")
        assert {s.tlp for s in find_sightings(kb, [PARTNER_RELAY])} == {"green"}
        assert kb.set_tlp(doc.sha256, "red")
        assert {s.tlp for s in find_sightings(kb, [PARTNER_RELAY])} == {"red"}
        green = ("clear", "green")
        assert not summaries(kb, tlp=Scope(green, excluded_reports(kb.engine, None, green, None)))
