"""Decay scores and sightings in knowledge-base exports (issue 24), at a fixed moment.

STIX: each indicator's ``confidence`` and ``valid_until`` from its score, one
``sighting`` per indicator seen (sighted at the organisation's identity), strict
stix2-validator clean; a false positive or a decayed indicator is not exported as
one and the "not exported" note says why. MISP: ``to_ids`` off for them, the
``decay_score`` and sightings on every scored attribute. The TAXII server serves the
same scores as ``unmask export`` at the same moment (one function).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.export.checks import stix_problems
from tests.store.builders import build
from unmask.export.knowledge import KnowledgeExport, export_knowledge, query_knowledge, stix_bundle
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb
from unmask.store.decay import DecaySettings, decay_score
from unmask.store.sightings import Sighting, add_sightings, false_positive

NOW = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
TEXT = ("The crew staged payloads on cache-mirror-east.example, beaconed to 192.0.2.61 and "
        "dropped a loader with SHA-256 "
        "5f2b9c6d1e8a7f3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b.")
DOMAIN = "cache-mirror-east.example"
ADDRESS = "192.0.2.61"
HASH = "5f2b9c6d1e8a7f3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    store = open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}", clock=lambda: NOW)
    store.add_analysis(build(
        TEXT, published=dt.date(2026, 4, 1), title="Loader campaign",
        actors=[("G0094", "Kimsuky", "The crew")],
        observables=[("domain", DOMAIN, DOMAIN), ("ipv4", ADDRESS, ADDRESS), ("sha256", HASH, HASH)],
    ))
    seen = NOW - dt.timedelta(days=2)
    add_sightings(store, [
        Sighting("domain", DOMAIN, "seen", "sweep:proxy.log", seen - dt.timedelta(hours=5), seen, count=41),
        false_positive("sha256", HASH, who="ana", why="the vendor's signed updater", at=NOW - dt.timedelta(days=1)),
    ])
    return store  # closed with the temporary folder


def _selection(kb: KnowledgeBase, **kwargs: object) -> KnowledgeExport:
    return query_knowledge(kb, actor="Kimsuky", **kwargs)  # type: ignore[arg-type]


def test_stix_scores_sightings_and_strict_validation(kb: KnowledgeBase) -> None:
    text = stix_bundle(_selection(kb))
    assert stix_problems(text) == []
    objects = json.loads(text)["objects"]
    indicators = {o["name"]: o for o in objects if o["type"] == "indicator"}
    # The address is 91 days old with a 60-day lifetime: decayed; the hash a false positive.
    assert set(indicators) == {f"Domain {DOMAIN}"}
    domain = indicators[f"Domain {DOMAIN}"]
    assert domain["confidence"] == round(decay_score(2, 365))  # seen two days ago: 82
    assert domain["valid_until"] > "2026-12-01"
    assert domain["modified"] >= "2026-07-01"
    sightings = [o for o in objects if o["type"] == "sighting"]
    assert len(sightings) == 1 and sightings[0]["sighting_of_ref"] == domain["id"]
    assert sightings[0]["count"] == 41
    where = {o["id"]: o for o in objects}[sightings[0]["where_sighted_refs"][0]]
    assert where["type"] == "identity" and where["identity_class"] == "organization"
    note = next(o for o in objects if o["type"] == "note" and o["abstract"].startswith("Not exported"))
    assert "reported as a false positive by ana: the vendor's signed updater" in note["content"]
    assert f"ipv4 {ADDRESS}: score 0 below 20 (decayed" in note["content"]


def test_min_score_and_settings_change_what_is_exported(kb: KnowledgeBase) -> None:
    lenient = DecaySettings(lifetimes={"ipv4": 400.0})
    names = {o["name"] for o in json.loads(stix_bundle(_selection(kb, settings=lenient)))["objects"]
             if o["type"] == "indicator"}
    assert f"IPv4 address {ADDRESS}" in names
    strict = json.loads(stix_bundle(_selection(kb, min_score=99.5)))["objects"]
    assert not [o for o in strict if o["type"] == "indicator"]


def test_misp_decay_fields_and_sightings(kb: KnowledgeBase) -> None:
    event = json.loads(export_knowledge(_selection(kb), "misp"))["Event"]
    attributes = {a["value"]: a for a in event["Attribute"]}
    assert attributes[DOMAIN]["to_ids"] is True
    assert attributes[ADDRESS]["to_ids"] is False and attributes[HASH]["to_ids"] is False
    assert attributes[ADDRESS]["comment"].startswith("decayed (score 0")
    decay = attributes[DOMAIN]["decay_score"][0]
    assert decay["decayed"] is False and decay["base_score"] == 100.0 and decay["score"] == pytest.approx(decay_score(2, 365), abs=0.01)
    assert attributes[HASH]["decay_score"][0]["decayed"] is True
    assert [s["type"] for s in attributes[DOMAIN]["Sighting"]] == ["0"]
    assert [s["type"] for s in attributes[HASH]["Sighting"]] == ["1"]
    assert "ana" in attributes[HASH]["Sighting"][0]["source"]


def test_taxii_serves_the_scores_of_the_export(kb: KnowledgeBase) -> None:
    from unmask.serve.view import View

    view = View(kb, max_tlp="red")
    try:
        snapshot = view.snapshot("G0094")
        served = {o["id"]: o for o in snapshot.objects if o["type"] in ("indicator", "sighting")}
        exported = {o["id"]: o for o in json.loads(stix_bundle(_selection(kb)))["objects"]
                    if o["type"] in ("indicator", "sighting")}
        assert served == exported and served
        # A new sighting is served without waiting for a new report.
        add_sightings(kb, [Sighting("ipv4", ADDRESS, "seen", "sweep:fw.log", NOW, NOW)])
        again = view.snapshot("G0094")
        assert f"IPv4 address {ADDRESS}" in {o.get("name") for o in again.objects if o["type"] == "indicator"}
    finally:
        view.close()


def test_sightings_above_the_exports_marking_are_left_out(kb: KnowledgeBase) -> None:
    from unmask.store.sightings import write_sightings

    with kb.engine.begin() as conn:  # as an amber STIX bundle's sighting would be stored
        write_sightings(conn, [Sighting("ipv4", ADDRESS, "seen", "stix:partner.json", NOW, NOW, ref="s-1")],
                        now=NOW, tlp="amber")
    clear = _selection(kb)
    assert clear.tlp == "clear" and ("ipv4", ADDRESS) not in clear.sightings
    assert not clear.scores[("ipv4", ADDRESS)].active
    amber = _selection(kb, tlp="amber")
    assert amber.sightings[("ipv4", ADDRESS)].seen == 1 and amber.scores[("ipv4", ADDRESS)].active
