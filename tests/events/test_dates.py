"""Dates: every common form, cut to precision, partial dates resolved from publication."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.extract.events import find_dates

PUBLISHED = dt.date(2023, 11, 30)  # a Thursday


@pytest.mark.parametrize(
    ("text", "date", "precision", "resolved"),
    [
        ("on Aug. 30, 2010, it", "2010-08-30", "day", False),
        ("on Jan. 2, 2015.", "2015-01-02", "day", False),
        ("on 18 July 2007.", "2007-07-18", "day", False),
        ("on 2021-03-02 the", "2021-03-02", "day", False),
        ("the 3rd of May, 2021", "2021-05-03", "day", False),
        ("in a March 2023 analysis", "2023-03", "month", False),
        ("an August 2020 effort", "2020-08", "month", False),
        ("since at least 2012", "2012", "year", False),
        ("in early 2021", "2021", "approximate", False),
        ("since mid-2021", "2021", "approximate", False),
        ("In June, an advisory", "2023-06", "month", True),
        ("in December the", "2022-12", "month", True),
        ("sanctioned Thursday", "2023-11-30", "day", True),
        ("said on Monday", "2023-11-27", "day", True),
        ("last Thursday", "2023-11-23", "day", True),
        ("last year", "2022", "year", True),
        ("earlier this year", "2023", "year", True),
        ("last month", "2023-10", "month", True),
        ("yesterday", "2023-11-29", "day", True),
        ("on March 9 the", "2023-03-09", "day", True),
        ("two years ago", "2021", "approximate", True),
    ],
)
def test_date_forms(text: str, date: str, precision: str, resolved: bool) -> None:
    found = find_dates(text, PUBLISHED)
    assert len(found) == 1, found
    mention = found[0]
    assert (mention.date, mention.precision, mention.resolved) == (date, precision, resolved)
    assert text[mention.start : mention.end] == mention.surface


def test_partial_dates_need_a_publication_date() -> None:
    assert find_dates("In June, on Thursday, last year", None) == []
    assert [d.date for d in find_dates("on Aug. 30, 2010 and in 2012", None)] == ["2010-08-30", "2012"]


def test_may_the_verb_is_not_a_month() -> None:
    assert find_dates("The group may target banks and may 5 percent", PUBLISHED) == []


def test_counts_and_percentages_are_not_years() -> None:
    found = find_dates("It stole 2000 records from 1990 hosts, $2010 and 20% of the 2019 budget", PUBLISHED)
    assert [d.surface for d in found] == ["2019"]


def test_citations_and_decades_are_not_dates() -> None:
    text = ("The PLA grew (Annual Report to Congress 2007; see also Wortzel 2007), patches took 178 days "
            "(Maynor and Graham 2006). From the early 1970's to 2000 the inventory was flat. "
            "The group has been active (since 2012) and struck again in 2016 (in March 2016).")
    assert [d.surface for d in find_dates(text)] == ["2000", "2012", "2016", "March 2016"]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_sound_dates(text: str) -> None:
    for mention in find_dates(text, PUBLISHED):
        assert text[mention.start : mention.end] == mention.surface
        assert mention.precision in ("day", "month", "year", "approximate")
        dt.date.fromisoformat((mention.date + "-01-01")[:10] if len(mention.date) == 4 else
                              (mention.date + "-01")[:10] if len(mention.date) == 7 else mention.date)


def test_dates_in_urls_and_file_names_are_not_dates() -> None:
    text = "See https://example.com/2017/08/30/report/ and report_2019.pdf, published in 2018."
    assert [d.surface for d in find_dates(text, PUBLISHED)] == ["2018"]
