"""The seed article: every must_find is found, nothing in must_not_find is."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_path
from unmask.pipeline.analyze import analyze

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, object]]:
    text = shared_path("seed", "kimsuky-sanctions-article.txt").read_text(encoding="utf-8")
    expected = json.loads(shared_path("seed", "kimsuky-sanctions-article.expected.json").read_text(encoding="utf-8"))
    return text, expected


def test_seed_events(seed: tuple[str, dict[str, object]]) -> None:
    text, expected = seed
    analysis = analyze(text, published="2023-11-30")
    found = {(e.date, e.precision, e.kind) for e in analysis.events}
    must = expected["must_find"]
    assert isinstance(must, dict)
    for event in must["events"]:
        assert (event["date"], event["precision"], event["kind"]) in found, event
    assert not [e for e in analysis.events if e.date.startswith("2007")]  # the photo caption
    assert len(analysis.events) == len(must["events"])


def test_seed_targets_sources_and_attribution(seed: tuple[str, dict[str, object]]) -> None:
    text, _ = seed
    analysis = analyze(text, published="2023-11-30")
    targets = {(t.kind, t.value) for t in analysis.targets if t.role == "target"}
    for sector in ("Government, Administration", "Think Tanks", "Research - Innovation",
                   "Academia - University", "News - Media"):
        assert ("sector", sector) in targets
    assert {("country", "US"), ("country", "KR")} <= targets
    assert {("organization", "United Nations"), ("organization", "NK News")} <= targets
    assert ("country", "KP") not in targets and ("country", "CN") not in targets
    sources = {t.surface for t in analysis.targets if t.role == "source"}
    for source in ("U.S. Treasury Department", "Mandiant", "SentinelLabs", "NSA", "FBI",
                   "State Department", "ZDNet"):
        assert source in sources
    attributions = {(a.kind, a.value) for a in analysis.attributions}
    assert ("sponsor", "Reconnaissance General Bureau") in attributions
    assert ("country", "KP") in attributions
    assert {("motivation", "espionage"), ("motivation", "financial-gain")} <= attributions
    assert analysis.malware == ()
    for finding in (*analysis.targets, *analysis.attributions):
        assert text[finding.span.start : finding.span.end] == finding.surface


def test_seed_events_and_attribution_name_kimsuky(seed: tuple[str, dict[str, object]]) -> None:
    """Needs the actor extractor: the dated events of the group and its sponsor link to G0094."""
    text, _ = seed
    analysis = analyze(text, published="2023-11-30")
    by_date = {e.date: e for e in analysis.events}
    for date in ("2023-11-30", "2012", "2020-08", "2023-06"):
        assert "G0094" in by_date[date].actor_ids, date
    sponsor = [a for a in analysis.attributions if a.kind == "sponsor"]
    assert sponsor and "G0094" in sponsor[0].actor_ids
