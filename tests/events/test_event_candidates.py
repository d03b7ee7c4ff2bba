"""The rules as a candidate generator (issue 17): :func:`event_candidates` gives the rules'
events unchanged, and records what they passed over for a learned judge to score."""

from __future__ import annotations

import datetime as dt

from tests.targets import golden
from unmask.extract.events import event_candidates, extract_events
from unmask.extract.targets import extract_targets
from unmask.model import ExtractContext

CONTEXT = ExtractContext(published=dt.date(2025, 6, 2))


def _key(events: list) -> list[tuple[str, str, str, int, int]]:
    return [(e.kind, e.date, e.precision, e.span.start, e.span.end) for e in events]


def test_other_kinds_within_reach_are_candidates() -> None:
    text = "The regulator put out an advisory on 3 March 2025 warning of a phishing wave against pharmacies."
    events, log = event_candidates(text, context=CONTEXT)
    assert [(e.kind, e.date) for e in events] == [("advisory", "2025-03-03")]
    paths = {(c.path, c.event.kind) for c in log.candidates}
    assert ("trigger", "advisory") in paths
    assert ("alt", "campaign") in paths  # "phishing", a campaign trigger, stands within reach
    assert all(c.in_sentence for c in log.candidates)
    assert [d.surface for d in log.dates[0]] == ["3 March 2025"]
    assert 0 in log.triggers


def test_a_date_the_rules_refuse_is_recorded_not_emitted() -> None:
    text = "Prosecutors expect to file papers on 9 July 2025 about the breach they uncovered."
    events, log = event_candidates(text, context=CONTEXT)
    assert events == []
    assert [(c.path, c.event.kind, c.event.date) for c in log.candidates] == [("alt-unaccepted", "campaign", "2025-07-09")]


def test_no_date_no_candidate() -> None:
    events, log = event_candidates("Nothing in this line says when anything happened.", context=CONTEXT)
    assert events == [] and log.candidates == [] and log.dates == {}


def test_same_events_as_extract_events_on_the_articles() -> None:
    for directory in (golden.ARTICLES, golden.BLIND10):
        for name in golden.names(directory):
            text, expected = golden.load(name, directory)
            published = golden.published_of(text, expected)
            context = ExtractContext(published=dt.date.fromisoformat(published) if published else None)
            targets = extract_targets(text, context=context)
            events, log = event_candidates(text, context=context, targets=targets)
            assert _key(events) == _key(extract_events(text, context=context, targets=targets)), name
            emitted = {(c.event.kind, c.event.date, c.event.precision, c.event.span.start)
                       for c in log.candidates if not c.path.startswith("alt")}
            assert {k[:4] for k in _key(events)} <= emitted, name
