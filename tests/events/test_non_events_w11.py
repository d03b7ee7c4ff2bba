"""Dates that are no deed of the report's actor, a title's period, and relative dates read
against a PDF's file date (issue 17; analysts' reads of real reports, in our own words)."""

from __future__ import annotations

import datetime as dt

from tests.documents.pdfs import make_pdf
from unmask.documents import parse_bytes
from unmask.documents.text import published_in_text
from unmask.pipeline.analyze import analyze


def _events(text: str, published: str | None = None) -> set[tuple[str, str]]:
    return {(e.kind, e.date) for e in analyze(text, published=published).events}


# --- the day of a document a lure copies -------------------------------------------


def test_the_copied_notices_publication_is_no_report() -> None:
    text = ("The decoy reproduces a vaccination notice that was first published on April 2, 2021 by a city "
            "health office. Kimsuky sent the lure on April 9, 2021.")
    assert _events(text) == {("campaign", "2021-04-09")}


def test_the_bait_guidance_dated_beside_its_delivery() -> None:
    text = ("Kimsuky attached a copy of a ministry's travel guidance to its e-mails. The guidance was initially "
            "published on June 3, 2021, whereas the weaponized attachment went out on June 11, 2021.")
    assert ("report", "2021-06-03") not in _events(text)


def test_a_vendor_report_published_on_a_day_is_still_a_report() -> None:
    # guard: no lure in the sentence, so the publication is the report's own event
    text = "The analysis of Kimsuky was published on May 4, 2021 by a security vendor."
    assert ("report", "2021-05-04") in _events(text)


# --- other actors' deeds, general pictures, open bounds ----------------------------


def test_an_exploit_used_by_other_families_this_year_dates_nothing_of_ours() -> None:
    text = ("Sandworm sent the new documents in June 2014. The files also hold a newer exploit that was used "
            "widely in attacks carried out by a number of other malware families this year.")
    assert _events(text, "2014-11-16") == {("campaign", "2014-06")}


def test_a_picture_of_the_threat_landscape_in_a_year_is_no_campaign() -> None:
    text = ("For all the reuse of known addresses and a common RAT, the shift in targets between these "
            "campaigns gives a portrait of a fast-changing threat landscape in 2020.")
    assert _events(text, "2020-09-01") == set()


def test_more_than_a_year_ago_is_no_date() -> None:
    text = "Kimsuky again relied on delivery methods observed over a year ago in its campaigns."
    assert _events(text, "2020-09-01") == set()


def test_a_year_ago_without_a_bound_still_dates() -> None:
    # guard: the plain relative date is kept
    text = "Kimsuky began this campaign a year ago."
    assert ("campaign", "2019") in _events(text, "2020-09-01")


# --- a name's resolution history ----------------------------------------------------


def test_a_passive_dns_window_is_no_activity_range() -> None:
    text = ("The passive DNS records show that the domain bad.example resolved to 203.0.113.7 between "
            "March 2, 2016 and March 19, 2016, and to 198.51.100.2 on April 1, 2016.")
    assert _events(text) == set()


def test_the_actors_activity_range_is_kept() -> None:
    # guard: the same range said of the actor's deeds
    text = "Kimsuky was active between March 2, 2016 and March 19, 2016."
    assert _events(text) == {("activity-start", "2016-03-02"), ("activity-end", "2016-03-19")}


# --- a title's period in brackets ---------------------------------------------------


def test_a_titles_bracketed_period_starts_and_ends_the_activity() -> None:
    text = "# Kimsuky goes after shipyards with new loaders (2019-03 to 2020-11)\n\nThe group used four loaders."
    events = {(e.kind, e.date, e.precision) for e in analyze(text).events}
    assert {("activity-start", "2019-03", "month"), ("activity-end", "2020-11", "month")} <= events


def test_a_bracketed_version_is_no_period() -> None:
    text = "# Kimsuky loader notes (v2 to v3)\n\nThe group used four loaders."
    assert _events(text) == set()


# --- publication date: worded day with 'the ... of' ---------------------------------


def test_a_companion_text_gives_the_date_of_the_report_it_goes_with() -> None:
    text = ("# Indicators\n\nThis folder keeps the indicators from the Acme Lab report "
            "[Quiet herons and a diaspora under watch](https://example.org/2016/11/quiet-herons/) "
            "published the 17th of November 2016.\n\nOther notes.\n")
    assert published_in_text(text) == dt.date(2016, 11, 17)


def test_the_ordinal_of_month_form_after_a_label() -> None:
    assert published_in_text("Notes\n\nPosted on the 3rd of May 2021\n\nThe group was busy.") == dt.date(2021, 5, 3)


# --- relative dates against a PDF's file date ---------------------------------------


def _pdf_events(body: str, info: dict[str, str]) -> set[tuple[str, str, str]]:
    document = parse_bytes(make_pdf([body, "Second page."], info=info), source="r.pdf")
    return {(e.kind, e.date, e.precision) for e in analyze(document).events}


def test_today_against_a_pdf_file_date_is_only_an_approximate_year() -> None:
    info = {"CreationDate": "D:20141203093000Z", "Title": "A report"}
    events = _pdf_events("Today we released our report on the Kimsuky operation.", info)
    assert events and all(precision == "approximate" and len(date) == 4 for _, date, precision in events)
    assert ("report", "2014-12-03", "day") not in events


def test_a_stated_date_in_a_pdf_keeps_its_day() -> None:
    # guard: a full date in the text does not lean on the file date
    info = {"CreationDate": "D:20141203093000Z", "Title": "A report"}
    events = _pdf_events("Kimsuky sent the lures on May 6, 2014 to two ministries.", info)
    assert ("campaign", "2014-05-06", "day") in events
