"""Events as a reader understands them (issue 17): a passage's date carries to the actions
that follow it, one event per action, the kind from what the verb says was done."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.extract.events import extract_events, find_dates
from unmask.model import ExtractContext

#: A Thursday.
PUBLISHED = dt.date(2025, 6, 12)


def events(text: str, published: dt.date | None = PUBLISHED) -> set[tuple[str, str, str]]:
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=ExtractContext(published=published))}


def test_a_date_said_once_carries_to_the_actions_that_follow_in_its_paragraph() -> None:
    text = (
        "Three allies moved together Tuesday against a spying outfit run from Beijing. "
        "A grand jury's indictment of five engineers was unsealed in Boston. "
        "The Treasury Department sanctioned the firm that employed them. "
        "Canada froze the assets of the same firm.\n\n"
        "The outfit sanctioned nobody in return. The Treasury sanctioned two more people.\n"
    )
    found = events(text)
    assert ("indictment", "2025-06-10", "day") in found
    assert ("sanction", "2025-06-10", "day") in found
    assert found == {("indictment", "2025-06-10", "day"), ("sanction", "2025-06-10", "day")}


def test_the_carried_date_ends_at_another_date_or_another_paragraph() -> None:
    text = (
        "On Monday the agency published an advisory about the group. "
        "In 2019 the group stole designs from a shipyard. Police arrested two members.\n\n"
        "Officials seized its servers.\n"
    )
    found = events(text)
    assert ("advisory", "2025-06-09", "day") in found
    assert not any(kind in ("arrest", "takedown") for kind, _, _ in found)


def test_a_relative_time_is_counted_from_the_day_before_it_not_carried() -> None:
    # The carry stops (the alert is not on May 20): "two weeks later" is counted from it (issue 17).
    text = "The lab released its analysis on May 20. The national CERT issued an alert two weeks later."
    assert events(text) == {("report", "2025-05-20", "day"), ("advisory", "2025-06-03", "day")}
    text = "On May 20 we reported the domains to the registrar, and they were taken down a week later."
    assert events(text) == {("report", "2025-05-20", "day"), ("takedown", "2025-05-27", "day")}
    # A relative time with no day before it dates nothing.
    assert events("The national CERT issued an alert two weeks later.") == set()


def test_every_action_of_a_sentence_is_an_event_at_the_date_of_its_clause() -> None:
    text = (
        "The courier was arrested in Spain last November and extradited to the United States in March. "
        "On Monday the Justice Department charged two brokers, the FBI seized 30 domains, and the State "
        "Department designated a shell company that paid them."
    )
    found = events(text)
    assert {("arrest", "2024-11", "month"), ("arrest", "2025-03", "month"),
            ("indictment", "2025-06-09", "day"), ("takedown", "2025-06-09", "day"),
            ("sanction", "2025-06-09", "day")} <= found


def test_the_same_day_is_the_last_day_named() -> None:
    text = (
        "Prosecutors charged four officers Wednesday with hacking a utility.\n\n"
        "On the same day, three agencies issued a joint advisory. The Treasury sanctioned the officers on "
        "the day of the charges."
    )
    found = events(text)
    assert {("indictment", "2025-06-11", "day"), ("advisory", "2025-06-11", "day"),
            ("sanction", "2025-06-11", "day")} <= found


def test_weekdays_with_or_without_on_and_month_words_resolve_against_publication() -> None:
    assert ("indictment", "2025-06-06", "day") in events("A court indicted two men Friday over the breach.")
    assert ("sanction", "2025-06-06", "day") in events("The ministry sanctioned the unit on Friday.")
    assert ("indictment", "2025-06", "month") in events("Prosecutors earlier this month unsealed charges against a broker.")
    assert ("campaign", "2024-11", "month") in events("Last November the group began a new campaign against ministries.")


def test_a_document_cited_as_a_source_is_not_an_event_of_its_kind() -> None:
    found = events("The crew broke into three hospitals in 2023, the indictment says.")
    assert found == {("campaign", "2023", "year")}
    found = events("The group has targeted shipyards since 2021, according to the advisory.")
    assert found == {("activity-start", "2021", "year")}


def test_a_disclosure_is_dated_as_a_disclosure_and_the_breach_by_what_the_text_says() -> None:
    assert events("The insurer disclosed the breach on April 2, 2025.") == {("report", "2025-04-02", "day")}
    found = events("The insurer disclosed Monday that intruders had broken into its claims system in January.")
    assert found == {("report", "2025-06-09", "day"), ("campaign", "2025-01", "month")}
    # An incident dated by its own clause keeps its date.
    assert events("Analysts discovered an attack that occurred on 3 May 2025.") == {("campaign", "2025-05-03", "day")}


def test_what_began_is_the_campaign_and_an_eviction_ends_it() -> None:
    assert events("The hacking began in January 2020, prosecutors said.") == {("campaign", "2020-01", "month")}
    assert events("In late May they began sending stolen files to reporters.") == {("campaign", "2025-05", "approximate")}
    assert events("The intrusion was cut off in February.") == {("activity-end", "2025-02", "month")}
    assert events("The intruders broke in during March and stayed inside until late April.") == {
        ("campaign", "2025-03", "month"), ("activity-end", "2025-04", "approximate")}


def test_an_agency_warning_its_audience_is_an_advisory() -> None:
    assert events("Last month the agency warned other operators to replace the routers.") == {
        ("advisory", "2025-05", "month")}


def test_a_vendor_patch_is_not_an_event() -> None:
    assert events("The actors exploited a flaw which the vendor patched in December 2022.") == set()


def test_an_action_denied_or_planned_is_not_carried() -> None:
    text = "On Monday officials met the company. They did not arrest anyone. They may sanction the firm."
    assert events(text) == set()


@pytest.mark.parametrize(("phrase", "expected"), [
    ("on Christmas Eve", "2024-12-24"),
    ("over Christmas", "2024-12-25"),
    ("on New Year's Day", "2025-01-01"),
])
def test_holidays_are_days(phrase: str, expected: str) -> None:
    dates = find_dates(f"The wiper ran {phrase} on the ministry's servers.", PUBLISHED)
    assert [(d.date, d.precision, d.resolved) for d in dates] == [(expected, "day", True)]
