"""Sightings from the command line and over REST (issue 24).

``unmask sweep --record`` writes one sighting per indicator, log and day; ``unmask ioc
VALUE --false-positive WHY`` records who and why and the score shows it; ``--min-score``
on ``sweep`` leaves out what scores below it; ``POST /api/v1/indicators/{value}/sightings``
takes a sighting from a token that may write, and the GET shows the score.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.store.builders import build
from unmask.cli.app import app
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb
from unmask.store.sightings import find_sightings, summaries

DOMAIN = "patch-notes-cdn.example"
ADDRESS = "203.0.113.140"
TEXT = f"The implant fetched its second stage from {DOMAIN} and reported to {ADDRESS}."


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(url) as kb:
        kb.add_analysis(build(TEXT, published=dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3),
                              observables=[("domain", DOMAIN, DOMAIN), ("ipv4", ADDRESS, ADDRESS)]))
    return url


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_sweep_record_then_ioc_false_positive(db: str, tmp_path: Path) -> None:
    log = tmp_path / "proxy.log"
    log.write_text(f"GET http://{DOMAIN}/stage2 200\ndns {DOMAIN}\nquiet line\nGET http://{DOMAIN}/x 404\n",
                   encoding="utf-8")
    code, _ = _run("sweep", "--db", db, str(log), "--record", "--who", "night-shift")
    assert code == 0
    with open_kb(db) as kb:
        rows = find_sightings(kb, [DOMAIN])
    assert [(r.kind, r.count, r.source, r.who) for r in rows] == [("seen", 3, f"sweep:{log}", "night-shift")]
    # Sweeping the same log again the same day adds to that row.
    assert _run("sweep", "--db", db, str(log), "--record")[0] == 0
    with open_kb(db) as kb:
        assert [r.count for r in find_sightings(kb, [DOMAIN])] == [6]

    code, out = _run("ioc", "--db", db, DOMAIN, "--format", "json")
    assert code == 0
    before = json.loads(out)
    assert before["score"]["status"] == "active" and before["sighting_summary"]["domain"]["seen"] == 6

    code, out = _run("ioc", "--db", db, DOMAIN.replace(".", "[.]"), "--false-positive",
                     "the vendor's own CDN", "--who", "ana", "--format", "json")
    assert code == 0
    after = json.loads(out)
    assert after["score"]["status"] == "false-positive" and after["score"]["score"] == 0
    assert after["sighting_summary"]["domain"]["false_positive_who"] == "ana"
    code, text = _run("ioc", "--db", db, DOMAIN)
    assert code == 0 and "false-positive by ana: the vendor's own CDN" in text

    # --min-score leaves the false positive out of the next sweep.
    code, out = _run("sweep", "--db", db, str(log), "--min-score", "1", "--format", "json")
    assert code == 1 and json.loads(out)["hits"] == []


def test_ioc_false_positive_needs_a_known_indicator_and_a_reason(db: str) -> None:
    assert _run("ioc", "--db", db, "never-reported.example", "--false-positive", "x")[0] == 1
    assert _run("ioc", "--db", db, DOMAIN, "--false-positive", "  ")[0] == 2
    with open_kb(db) as kb:
        assert summaries(kb) == {}


@pytest.fixture
def served(db: str) -> Iterator[tuple[object, KnowledgeBase, str, str]]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app
    from unmask.store.accounts import add_token

    kb = open_kb(db)
    analyst, _ = add_token(kb, "soc-analyst", role="analyst", max_tlp="green")
    reader, _ = add_token(kb, "soc-reader", role="reader", max_tlp="green")
    with TestClient(create_app(kb, recheck=0), base_url="http://localhost") as client:
        yield client, kb, analyst, reader
    kb.close()


def test_rest_sightings_post_and_score_in_get(served: tuple[object, KnowledgeBase, str, str]) -> None:
    client, kb, analyst, reader = served
    url = f"/api/v1/indicators/{ADDRESS}/sightings"
    auth = {"Authorization": f"Bearer {analyst}"}
    refused = client.post(url, json={"kind": "seen"}, headers={"Authorization": f"Bearer {reader}"})  # type: ignore[attr-defined]
    assert refused.status_code == 403
    answer = client.post(url, json={"kind": "seen", "count": 4, "source": "edr", "tlp": "green",  # type: ignore[attr-defined]
                                    "when": "2026-12-01T08:00:00Z"}, headers=auth)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["recorded"] == "seen" and body["sighting_summary"]["ipv4"]["seen"] == 4
    rows = find_sightings(kb, [ADDRESS])
    assert [(r.source, r.who, r.count) for r in rows] == [("api:edr", "soc-analyst", 4)]
    bad = client.post(url, json={"kind": "false-positive", "tlp": "green"}, headers=auth)  # type: ignore[attr-defined]
    assert bad.status_code == 400 and "needs a why" in bad.json()["error"]["message"]
    unknown = client.post(url, json={"kind": "seen", "colour": "red"}, headers=auth)  # type: ignore[attr-defined]
    assert unknown.status_code == 400
    missing = client.post("/api/v1/indicators/nowhere.example/sightings", json={"tlp": "green"}, headers=auth)  # type: ignore[attr-defined]
    assert missing.status_code == 404
    fp = client.post(f"/api/v1/indicators/{DOMAIN}/sightings", headers=auth,  # type: ignore[attr-defined]
                     json={"kind": "false-positive", "why": "sinkhole", "tlp": "green"})
    assert fp.status_code == 201 and fp.json()["score"]["status"] == "false-positive"
    shown = client.get(f"/api/v1/indicators/{DOMAIN}", headers={"Authorization": f"Bearer {reader}"})  # type: ignore[attr-defined]
    assert shown.status_code == 200
    assert shown.json()["score"]["status"] == "false-positive"
    assert shown.json()["recorded_sightings"][0]["who"] == "soc-analyst"


def test_web_indicator_page_shows_score_and_sightings(served: tuple[object, KnowledgeBase, str, str]) -> None:
    client, _kb, analyst, reader = served
    client.post(f"/api/v1/indicators/{DOMAIN}/sightings", headers={"Authorization": f"Bearer {analyst}"},  # type: ignore[attr-defined]
                json={"kind": "seen", "count": 2, "source": "proxy", "tlp": "green"})
    page = client.get(f"/indicators/{DOMAIN}", headers={"Authorization": f"Bearer {reader}"})  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "Score <strong>" in page.text and "/100 · active" in page.text
    assert "Recorded sightings" in page.text and "api:proxy" in page.text


def test_rest_sighting_of_a_hidden_indicator_tells_nothing_of_its_reports(
        served: tuple[object, KnowledgeBase, str, str]) -> None:
    client, kb, analyst, _reader = served
    hidden = "amber-only-relay.example"
    kb.add_analysis(build(f"An amber note names {hidden}.", source="amber.txt",
                          published=dt.datetime.now(dt.UTC).date(),
                          observables=[("domain", hidden, hidden)]), tlp="amber")
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).replace(microsecond=0)
    url = f"/api/v1/indicators/{hidden}/sightings"
    auth = {"Authorization": f"Bearer {analyst}"}  # cleared for green only
    assert client.post(url, json={"kind": "seen", "tlp": "green"}, headers=auth).status_code == 404  # type: ignore[attr-defined]
    answer = client.post(url, json={"kind": "seen", "type": "domain", "when": when.isoformat(), "tlp": "green"},  # type: ignore[attr-defined]
                         headers=auth)
    assert answer.status_code == 201
    # Scored from the sighting alone: the amber report's newer date does not show.
    assert answer.json()["score"]["anchor"] == when.isoformat()
