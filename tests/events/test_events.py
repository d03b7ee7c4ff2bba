"""Events: kinds, evidence, actors and targets in the passage, furniture left out."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.extract.events import extract_events
from unmask.extract.targets import extract_targets
from unmask.model import ActorMention, Event, ExtractContext, Span

CONTEXT = ExtractContext(published=dt.date(2023, 11, 30))


def _events(text: str, actors: tuple[ActorMention, ...] = ()) -> list[Event]:
    targets = extract_targets(text, context=CONTEXT, actors=actors)
    found = extract_events(text, context=CONTEXT, actors=actors, targets=targets)
    for event in found:
        assert event.date_surface in text[event.span.start : event.span.end]
    return found


@pytest.mark.parametrize(
    ("sentence", "kind", "date"),
    [
        ("The RGB was sanctioned by the U.S. government on Aug. 30, 2010.", "sanction", "2010-08-30"),
        ("A grand jury indicted five officers on May 19, 2014.", "indictment", "2014-05-19"),
        ("Police arrested the suspect in Warsaw in October 2021.", "arrest", "2021-10"),
        ("The FBI took down the botnet's servers in January 2023.", "takedown", "2023-01"),
        ("CISA issued a joint advisory on Nov. 1, 2023, urging operators to act.", "advisory", "2023-11-01"),
        ("Mandiant reported in a March 2023 analysis that the group had grown.", "report", "2023-03"),
        ("The group has been operating since at least 2012.", "activity-start", "2012"),
        ("The group was last seen in April 2019.", "activity-end", "2019-04"),
        ("An August 2020 effort targeted a dozen diplomats.", "campaign", "2020-08"),
        ("The intrusions began in March 2016.", "campaign", "2016-03"),
        ("The operators went quiet after a final wave that ceased in June 2022.", "activity-end", "2022-06"),
    ],
)
def test_event_kinds(sentence: str, kind: str, date: str) -> None:
    found = _events(sentence)
    assert [(e.kind, e.date) for e in found] == [(kind, date)]
    assert found[0].span == Span(0, len(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "The group was active between March 2019 and June 2020, targeting banks.",
        "Phishing waves ran from March 2019 through June 2020 against banks.",
    ],
)
def test_ranges_give_start_and_end(sentence: str) -> None:
    assert [(e.kind, e.date) for e in _events(sentence)] == [
        ("activity-start", "2019-03"),
        ("activity-end", "2020-06"),
    ]


def test_relative_dates_resolve_and_are_marked() -> None:
    found = _events("The U.S. government sanctioned the unit Thursday. In June, a joint advisory warned of it.")
    assert [(e.kind, e.date, e.precision, e.resolved) for e in found] == [
        ("sanction", "2023-11-30", "day", True),
        ("advisory", "2023-06", "month", True),
    ]


def test_without_publication_date_partial_dates_are_left_out() -> None:
    text = "The U.S. government sanctioned the unit Thursday. It was sanctioned before on Jan. 2, 2015."
    found = extract_events(text, context=ExtractContext())
    assert [(e.kind, e.date) for e in found] == [("sanction", "2015-01-02")]


def test_furniture_and_headings_hold_no_events() -> None:
    text = (
        "Sanctions announced on Nov. 30, 2023\n\n"
        "The flag flies over the embassy in Beijing, 18 July 2007. (Photo by A. Person/AFP via Getty Images)\n\n"
        "By Jane Doe, published Nov. 30, 2023\n\n"
        "The group attacked banks in 2019.\n\n"
        "Related\n"
        "Hackers sanctioned over bank heists, May 2020\n"
    )
    assert [(e.kind, e.date) for e in _events(text)] == [("campaign", "2019")]


def test_future_dates_are_not_events() -> None:
    assert _events("The sanctions will take effect in December 2024.") == []


def test_actors_and_targets_of_the_passage() -> None:
    text = "Kimsuky targeted think tanks in South Korea in August 2020. The group was sanctioned Thursday."
    actor = ActorMention("G0094", "Kimsuky", "Kimsuky", Span(0, 7), "gazetteer", 1.0)
    found = _events(text, (actor,))
    assert found[0].actor_ids == ("G0094",)
    assert set(found[0].target_values) == {"Think Tanks", "KR"}
    assert found[1].kind == "sanction" and found[1].actor_ids == ("G0094",)


def test_hostile_input_stays_fast() -> None:
    import time

    text = ("the group targeted banks in Russia in 2019 and Mandiant said on Aug. 30, 2010 " * 400) + (
        "May " * 5000
    )
    started = time.monotonic()
    targets = extract_targets(text, context=CONTEXT)
    extract_events(text, context=CONTEXT, targets=targets)
    assert time.monotonic() - started < 20


def test_table_rows_hold_no_events() -> None:
    text = "|N/A |`bad.example` |N/A |2020-02-01 |Domain pinged by the malware\n\nThe group attacked banks in 2019."
    assert [(e.kind, e.date) for e in _events(text)] == [("campaign", "2019")]


def test_nested_dates_of_one_event_keep_the_precise_one() -> None:
    found = _events("The phishing campaign seen a year ago, at the beginning of July 2022, struck ministries.")
    assert [(e.kind, e.date) for e in found] == [("campaign", "2022-07")]
