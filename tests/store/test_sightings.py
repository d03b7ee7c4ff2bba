"""Sightings, false-positive feedback and decay scores (issue 24), with a fixed clock.

The pure model first (the polynomial, per-type lifetimes, what resets the clock), then
the knowledge base on SQLite and PostgreSQL (``kb``/``db_url`` fixtures): folding,
false positives leaving the exports until a later "seen", sightings surviving a
re-ingest, STIX and MISP sightings ingested once however often their file is.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.store.builders import build
from unmask.documents import parse_bytes
from unmask.model import Analysis
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb
from unmask.store.decay import (
    DecaySettings,
    SightingSummary,
    decay_score,
    score_indicator,
    valid_days,
)
from unmask.store.sightings import (
    Sighting,
    add_sightings,
    false_positive,
    find_sightings,
    indicator_score,
    summaries,
)

T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
TEXT = "The operators ran their tasking from c2-relay-north.example and from 198.51.100.23 this spring."
DOMAIN = "c2-relay-north.example"
ADDRESS = "198.51.100.23"


def _report(published: dt.date = dt.date(2026, 6, 1), text: str = TEXT) -> Analysis:
    return build(text, published=published,
                 observables=[("domain", DOMAIN, DOMAIN), ("ipv4", ADDRESS, ADDRESS)])


class Clock:
    """A settable clock for the knowledge base."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


# -- the model ---------------------------------------------------------------------------


def test_polynomial_matches_misp_and_opencti_reference_points() -> None:
    # OpenCTI's decay tests: lifetime 365, factor 3 -> 62 at day 20 (rounded).
    assert round(decay_score(20, 365, decay_speed=3.0)) == 62
    assert decay_score(0, 60) == 100.0
    assert decay_score(60, 60) == 0.0
    assert decay_score(-5, 60) == 100.0
    # delta 1 is linear.
    assert decay_score(30, 60, decay_speed=1.0) == pytest.approx(50.0)
    settings = DecaySettings()
    days = valid_days(365, settings)
    assert decay_score(days, 365) == pytest.approx(settings.threshold)


def test_score_over_time_by_type_with_and_without_sightings() -> None:
    reported = dt.date(2026, 6, 1)
    settings = DecaySettings()
    ip = [score_indicator("ipv4", reported, None, now=T0 + n * DAY).score for n in (0, 10, 30, 60)]
    domain = [score_indicator("domain", reported, None, now=T0 + n * DAY).score for n in (0, 10, 30, 60)]
    assert ip[0] > ip[1] > ip[2] > ip[3] == 0.0
    assert all(d > i for d, i in zip(domain[1:], ip[1:], strict=True))  # a name lives longer
    late = T0 + 40 * DAY
    assert score_indicator("ipv4", reported, None, now=late).status == "decayed"
    # A sighting a day before resets the clock: nearly full score again.
    seen = SightingSummary(seen=4, first_seen=late - 2 * DAY, last_seen=late - DAY)
    revived = score_indicator("ipv4", reported, seen, now=late)
    assert revived.status == "active"
    assert revived.score == pytest.approx(decay_score(1, 60, decay_speed=settings.decay_speed))
    assert revived.valid_until == seen.last_seen + dt.timedelta(days=valid_days(60, settings))


def test_false_positive_and_expiration_until_seen_again() -> None:
    reported = dt.date(2026, 6, 1)
    fp = SightingSummary(false_positives=1, last_false_positive=T0 + DAY, false_positive_who="ana")
    assert score_indicator("domain", reported, fp, now=T0 + 2 * DAY).status == "false-positive"
    older_seen = SightingSummary(seen=1, first_seen=T0, last_seen=T0, false_positives=1,
                                 last_false_positive=T0 + DAY)
    assert score_indicator("domain", reported, older_seen, now=T0 + 2 * DAY).score == 0.0
    seen_after = SightingSummary(seen=1, first_seen=T0 + 3 * DAY, last_seen=T0 + 3 * DAY,
                                 false_positives=1, last_false_positive=T0 + DAY)
    assert score_indicator("domain", reported, seen_after, now=T0 + 4 * DAY).status == "active"
    expiring = SightingSummary(expires=T0 + 5 * DAY)
    before = score_indicator("domain", reported, expiring, now=T0 + 4 * DAY)
    assert before.status == "active" and before.valid_until == T0 + 5 * DAY
    assert score_indicator("domain", reported, expiring, now=T0 + 6 * DAY).status == "expired"


def test_no_date_and_no_sighting_scores_zero_and_settings_are_checked() -> None:
    assert score_indicator("domain", None, None, now=T0).status == "decayed"
    env = {"UNMASK_DECAY_LIFETIMES": "ipv4=30,url=90", "UNMASK_DECAY_THRESHOLD": "50"}
    settings = DecaySettings.from_env(env)
    assert settings.lifetime("ipv4") == 30 and settings.lifetime("domain") == 365
    assert score_indicator("ipv4", T0.date(), None, now=T0 + 10 * DAY, settings=settings).status == "decayed"
    from unmask.errors import ConfigError

    with pytest.raises(ConfigError, match="TYPE=DAYS"):
        DecaySettings.from_env({"UNMASK_DECAY_LIFETIMES": "ipv4"})
    with pytest.raises(ConfigError, match="threshold"):
        DecaySettings(threshold=100)


# -- the knowledge base (SQLite and PostgreSQL) ------------------------------------------


@pytest.fixture
def clocked(db_url: str) -> tuple[KnowledgeBase, Clock]:
    clock = Clock(T0)
    store = open_kb(db_url, clock=clock)
    yield store, clock  # type: ignore[misc]
    store.close()


def test_sweep_sightings_fold_per_source_and_day(clocked: tuple[KnowledgeBase, Clock]) -> None:
    kb, _ = clocked
    kb.add_analysis(_report())
    first = [Sighting("domain", DOMAIN, "seen", "sweep:proxy.log", T0, T0, count=3)]
    later = [Sighting("domain", DOMAIN, "seen", "sweep:proxy.log", T0 + dt.timedelta(hours=2),
                      T0 + dt.timedelta(hours=2), count=2)]
    add_sightings(kb, first)
    add_sightings(kb, later)
    add_sightings(kb, [Sighting("domain", DOMAIN, "seen", "sweep:proxy.log", T0 + DAY, T0 + DAY)])
    rows = find_sightings(kb, [DOMAIN])
    assert [(r.day.isoformat(), r.count) for r in rows] == [("2026-06-02", 1), ("2026-06-01", 5)]
    assert rows[1].first_seen == T0 and rows[1].last_seen == T0 + dt.timedelta(hours=2)
    summary = summaries(kb)[("domain", DOMAIN)]
    assert summary.seen == 6 and summary.last_seen == T0 + DAY


def test_score_in_the_base_falls_then_rises_with_a_sighting(clocked: tuple[KnowledgeBase, Clock]) -> None:
    kb, _ = clocked
    kb.add_analysis(_report())
    at_start = indicator_score(kb, ADDRESS, now=T0)["ipv4"]
    later = T0 + 45 * DAY
    aged = indicator_score(kb, ADDRESS, now=later)["ipv4"]
    assert at_start.status == "active" and aged.status == "decayed" and aged.score < at_start.score
    add_sightings(kb, [Sighting("ipv4", ADDRESS, "seen", "sweep:fw.log", later, later)])
    assert indicator_score(kb, ADDRESS, now=later + DAY)["ipv4"].status == "active"


def _bundle_indicators(kb: KnowledgeBase, clock: Clock) -> set[str]:
    from unmask.export.knowledge import query_knowledge, stix_bundle

    selection = query_knowledge(kb, since=dt.date(2026, 1, 1), now=clock.now)
    bundle = json.loads(stix_bundle(selection))
    return {o["name"] for o in bundle["objects"] if o["type"] == "indicator"}


def test_false_positive_leaves_the_exports_until_seen_again(clocked: tuple[KnowledgeBase, Clock]) -> None:
    kb, clock = clocked
    kb.add_analysis(_report())
    clock.now = T0 + DAY
    assert _bundle_indicators(kb, clock) == {f"Domain {DOMAIN}", f"IPv4 address {ADDRESS}"}
    add_sightings(kb, [false_positive("domain", DOMAIN, who="ana", why="our own relay", at=clock.now)])
    clock.now = T0 + 2 * DAY
    assert _bundle_indicators(kb, clock) == {f"IPv4 address {ADDRESS}"}
    # A new report naming it does not lift the false positive; only a later sighting does.
    kb.add_analysis(_report(dt.date(2026, 6, 3), TEXT + " Again."))
    clock.now = T0 + 3 * DAY
    assert f"Domain {DOMAIN}" not in _bundle_indicators(kb, clock)
    add_sightings(kb, [Sighting("domain", DOMAIN, "seen", "sweep:dns.log", clock.now, clock.now)])
    clock.now = T0 + 4 * DAY
    assert f"Domain {DOMAIN}" in _bundle_indicators(kb, clock)


def test_sightings_survive_re_ingest_and_delete(clocked: tuple[KnowledgeBase, Clock]) -> None:
    kb, _ = clocked
    report = _report()
    kb.add_analysis(report)
    add_sightings(kb, [Sighting("domain", DOMAIN, "seen", "sweep:proxy.log", T0, T0, count=7)])
    kb.add_analysis(report, replace=True)
    assert summaries(kb)[("domain", DOMAIN)].seen == 7
    kb.delete_document(report.document.sha256)
    kb.add_analysis(report)
    assert summaries(kb)[("domain", DOMAIN)].seen == 7
    assert indicator_score(kb, DOMAIN, now=T0)["domain"].status == "active"


def _stix_bundle() -> bytes:
    indicator = "indicator--6a3c1f2e-8b4d-4e7a-9c1b-2d3e4f5a6b7c"
    return json.dumps({"type": "bundle", "id": "bundle--0c4b7d9e-2f1a-4b3c-8d5e-6f7a8b9c0d1e", "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
         "created": "2026-05-01T00:00:00Z", "modified": "2026-05-01T00:00:00Z", "name": "Partner SOC",
         "identity_class": "organization"},
        {"type": "indicator", "spec_version": "2.1", "id": indicator, "created": "2026-05-01T00:00:00Z",
         "modified": "2026-05-01T00:00:00Z", "name": "relay", "pattern_type": "stix",
         "pattern": f"[domain-name:value = '{DOMAIN.upper()}']", "valid_from": "2026-05-01T00:00:00Z",
         "description": "A relay host the partner watches."},
        {"type": "sighting", "spec_version": "2.1", "id": "sighting--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
         "created": "2026-05-20T00:00:00Z", "modified": "2026-05-20T00:00:00Z", "sighting_of_ref": indicator,
         "count": 12, "first_seen": "2026-05-18T00:00:00Z", "last_seen": "2026-05-20T00:00:00Z",
         "where_sighted_refs": ["identity--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"]},
        {"type": "sighting", "spec_version": "2.1", "id": "sighting--3d4e5f6a-7b8c-4d9e-8f1a-2b3c4d5e6f7a",
         "created": "2026-05-25T00:00:00Z", "modified": "2026-05-25T00:00:00Z", "sighting_of_ref": indicator,
         "x_opencti_negative": True, "description": "sinkholed by the registry"},
        {"type": "sighting", "spec_version": "2.1", "id": "sighting--4e5f6a7b-8c9d-4e0f-9a2b-3c4d5e6f7a8b",
         "created": "2026-05-25T00:00:00Z", "modified": "2026-05-25T00:00:00Z",
         "sighting_of_ref": "malware--5f6a7b8c-9d0e-4f1a-8b3c-4d5e6f7a8b9c"},
    ]}).encode()


def _stored(kb: KnowledgeBase, data: bytes, name: str, tlp: str = "clear") -> None:
    document = parse_bytes(data, source=name)
    kb.add_analysis(Analysis(document=document), tlp=tlp)


def test_stix_sightings_are_ingested_once(clocked: tuple[KnowledgeBase, Clock]) -> None:
    from unmask.documents.sightings import sightings_of

    data = _stix_bundle()
    claims, skipped = sightings_of(parse_bytes(data, source="partner.json"))
    assert [(c.type, c.value, c.kind, c.count, c.who) for c in claims] == [
        ("domain", DOMAIN, "seen", 12, "Partner SOC"), ("domain", DOMAIN, "false-positive", 1, None)]
    assert len(skipped) == 1 and "names no indicator value" in skipped[0]
    assert parse_bytes(data, source="partner.json").warnings == (f"sighting not recorded: {skipped[0]}",)
    kb, _ = clocked
    _stored(kb, data, "partner.json", tlp="amber")
    _stored(kb, data, "partner.json", tlp="amber")
    folded = summaries(kb)[("domain", DOMAIN)]
    assert folded.seen == 12 and folded.false_positives == 1
    assert folded.false_positive_why == "sinkholed by the registry"
    assert summaries(kb, tlp=["clear", "green"]) == {}  # marked like the bundle


def test_misp_sightings_with_false_positive_and_expiration(clocked: tuple[KnowledgeBase, Clock]) -> None:
    from unmask.documents.sightings import sightings_of

    when = int(T0.timestamp())
    event = {"Event": {
        "info": "Relay infrastructure", "uuid": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "date": "2026-05-30",
        "Attribute": [
            {"type": "domain", "category": "Network activity", "value": DOMAIN, "uuid": "a-1",
             "Sighting": [{"type": "0", "date_sighting": str(when - 86400), "uuid": "s-1",
                           "Organisation": {"name": "CERT-X"}},
                          {"type": "1", "date_sighting": str(when), "uuid": "s-2", "source": "benign CDN"}]},
            {"type": "ip-dst|port", "category": "Network activity", "value": f"{ADDRESS}|443", "uuid": "a-2"},
        ],
        "Sighting": [{"type": "2", "date_sighting": str(when + 5 * 86400), "uuid": "s-3", "attribute_uuid": "a-2"},
                     {"type": "0", "date_sighting": str(when), "uuid": "s-4", "attribute_uuid": "nope"}],
    }}
    data = json.dumps(event).encode()
    claims, skipped = sightings_of(parse_bytes(data, source="event.json"))
    assert sorted((c.type, c.kind) for c in claims) == [
        ("domain", "false-positive"), ("domain", "seen"), ("ipv4", "expiration")]
    assert skipped and "attribute_uuid 'nope'" in skipped[0]
    assert parse_bytes(data, source="event.json").warnings == tuple(f"sighting not recorded: {r}" for r in skipped)
    kb, _ = clocked
    kb.add_analysis(_report())
    _stored(kb, data, "event.json")
    _stored(kb, data, "event.json")
    assert summaries(kb)[("domain", DOMAIN)].seen == 1
    assert indicator_score(kb, DOMAIN, now=T0 + DAY)["domain"].status == "false-positive"
    assert indicator_score(kb, ADDRESS, now=T0 + DAY)["ipv4"].status == "active"
    assert indicator_score(kb, ADDRESS, now=T0 + 6 * DAY)["ipv4"].status == "expired"


def test_sighting_claims_are_checked() -> None:
    from unmask.errors import UnmaskError

    with pytest.raises(UnmaskError, match="kind"):
        Sighting("domain", DOMAIN, "maybe", "cli", T0, T0)
    with pytest.raises(UnmaskError, match="before first seen"):
        Sighting("domain", DOMAIN, "seen", "cli", T0, T0 - DAY)
    with pytest.raises(UnmaskError, match="count"):
        Sighting("domain", DOMAIN, "seen", "cli", T0, T0, count=0)
