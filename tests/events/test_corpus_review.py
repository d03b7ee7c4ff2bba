"""Classes of wrong events found by reading the analyses of real reports (the shared
corpus); each sentence here is written for the test."""

from __future__ import annotations

import datetime as dt

from unmask.extract.events import extract_events, find_dates
from unmask.model import Event, ExtractContext


def _events(text: str, published: str = "2014-11-16") -> list[Event]:
    return extract_events(text, context=ExtractContext(published=dt.date.fromisoformat(published)))


def _found(text: str, published: str = "2014-11-16") -> set[tuple[str, str]]:
    return {(e.kind, e.date) for e in _events(text, published)}


def test_references_date_no_events() -> None:
    text = (
        "The ministry networks were breached in March 2011.\n"
        "25 Jane Roe, \u201eSouth Korea Cyber-attacked\u201f, Bit-Tech, 4 March 2011, "
        "<http://example.com/news/2011/03/04/x> [Accessed 18 May 2011].\n"
        "Doe, John. 2008. Hackers Attack Iraq. Retrieved on March 20, 2008, from http://example.org/y.\n"
    )
    assert _found(text, "2011-06-01") == {("campaign", "2011-03")}


def test_a_citation_group_cut_by_a_line_break_is_no_date() -> None:
    text = "The ISP disbanded a large botnet (Keizer 2005; Smith 2006;"
    assert find_dates(text) == []
    assert _events(text) == []


def test_a_date_inside_a_link_is_no_date() -> None:
    text = "A summary of the attacks is available at https://example.com/research/analysis-2022-2023."
    assert find_dates(text) == []


def test_continuing_through_today_ends_nothing() -> None:
    text = "The attacks have been going on since at least June 2014 and continue through today."
    assert _found(text) == {("activity-start", "2014-06")}


def test_today_as_nowadays_is_no_date() -> None:
    assert _events("Today they are used for research in numerous areas, including malware analysis.") == []
    assert _events("The formulations reflect their time; today, with all kinds of new technology, attacks grow.") == []
    assert ("report", "2014-11-16") in _found("Today, the vendor released a report on the group.")


def test_a_range_dates_an_activity_only_near_words_of_one() -> None:
    assert _events("He was Head of the Centre from 1984 to 1991.") == []
    assert _events("Spending grew by 9% per year since 1996.") == []
    assert _found("The group was active from 2011 to 2013.") == {("activity-start", "2011"), ("activity-end", "2013")}
    assert _found("It has been going on since at least 2010.") == {("activity-start", "2010")}


def test_described_is_a_report() -> None:
    text = "The new campaign uses malware related to the backdoor described earlier this week by a vendor."
    assert {e.kind for e in _events(text, "2015-07-24")} == {"report"}


def test_a_theme_or_a_quoted_subject_is_no_event_date() -> None:
    anniversary = "Members are being targeted by malware attacks that use the March 10 uprising anniversary as a theme."
    assert _events(anniversary, "2015-03-20") == []
    subject = "On March 5 2015, an email with the subject line \u201c10th March 2015 campaign for Tibet\u201d was sent to them."
    assert _found(subject, "2015-03-20") == {("campaign", "2015-03-05")}


def test_what_researchers_discovered_is_reported() -> None:
    assert _found("The figure shows a network scheme we discovered in 2013.") == {("report", "2013")}


def test_a_decline_since_a_date_and_a_plan_as_of_a_date_are_no_events() -> None:
    decline = "This presence has decreased significantly since early 2014, now that the group is engaged in intrusion activity."
    assert _events(decline, "2014-05-01") == []
    assert _found("The group has been active since early 2014.", "2014-05-01") == {("activity-start", "2014")}
    plan = "As of January 10, 2023, the agency will no longer be updating advisories for these products."
    assert _events(plan, "2023-03-20") == []


def test_patched_since_and_date_related_are_no_activity() -> None:
    assert _events("This vulnerability has been patched since April 10, 2012 but is still used in attacks.") == []
    assert _events("The attachment held the same payload as the first March 10 related attack.", "2015-03-20") == []
