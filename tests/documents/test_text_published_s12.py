"""A text's own publication date (session 12): the header's mechanisms, each on texts of
different layouts - an ambiguous numeric date settled by another header date, capture
notes, labels naming the document's kind, weekday names, labelled dates in prose."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.documents.text import published_in_text

BODY = "\n\nThe crew sent new lures to ministries in the spring and kept at it for months.\n"


@pytest.mark.parametrize(("head", "expected"), [
    # A numeric date both of whose readings are dates: the header's worded date agrees with one.
    ("Filed 03/05/2026 09:10 GMT\n\nHeadline\n\nLISBON, May 3 (Wire) - Police said.", dt.date(2026, 5, 3)),
    ("Sent 11/02/2025\n\nOSLO, Feb 11 (Nordic Desk) - The ministry confirmed.", dt.date(2025, 2, 11)),
    ("Desk note | 07/09/2024\n\nBERLIN, July 9 (Wire) - Investigators said.", dt.date(2024, 7, 9)),
    ("Issued: 06/04/2025\n\nKYIV, 6 April — The service announced.", dt.date(2025, 4, 6)),
])
def test_ambiguous_numeric_date_follows_the_headers_worded_date(head: str, expected: dt.date) -> None:
    assert published_in_text(head + BODY) == expected


@pytest.mark.parametrize(("head", "expected"), [
    ("[Saved from Mastodon on 4 Mar 2026; post dated 1 Mar 2026]\n\nA. Person • analyst", dt.date(2026, 3, 1)),
    ("(Archived 9 June 2025 - originally posted 2 June 2025)\n\nThe thread", dt.date(2025, 6, 2)),
    ("[Captured 2025-01-20 from the forum; published 2025-01-18]\n\nTitle", dt.date(2025, 1, 18)),
])
def test_capture_note_gives_the_items_own_date(head: str, expected: dt.date) -> None:
    assert published_in_text(head + BODY) == expected


def test_note_in_brackets_without_capture_is_still_not_the_date() -> None:
    text = "AGENCY NEWS\nRiga, 12.03.2025\n\n(Unofficial English version, posted on 14 March 2025.)"
    assert published_in_text(text + BODY) == dt.date(2025, 3, 12)


@pytest.mark.parametrize(("head", "expected"), [
    ("LETTER TO CUSTOMERS\nA breach at the clinic\n\nDate of notice: 17/03/2026\n\nDear customer, on 12 March we found it.",
     dt.date(2026, 3, 17)),
    ("Council circular\n\nDate of this letter: 2 February 2025", dt.date(2025, 2, 2)),
    ("Weekly wrap-up · digest compiled 30 Sep 2025 by volunteers", dt.date(2025, 9, 30)),
    ("Incident brief\nPrepared 14 May 2024 for the board", dt.date(2024, 5, 14)),
])
def test_labels_naming_the_documents_making(head: str, expected: dt.date) -> None:
    assert published_in_text(head + BODY) == expected


def test_date_of_birth_is_no_label() -> None:
    assert published_in_text("Designated person\n\nDate of birth: 2 September 1988" + BODY) is None


@pytest.mark.parametrize(("head", "expected"), [
    # "Montreal", "Monrovia", "Sunderland" start like weekdays but are places before the date.
    ("AVIS / NOTICE\nQuébec, le 3 mars 2026 / Montreal, March 3, 2026", dt.date(2026, 3, 3)),
    ("Press office\nRéunion / Sunderland, 12 May 2025", dt.date(2025, 5, 12)),
    ("Statement\nLiberia / Monrovia, 8 January 2024", dt.date(2024, 1, 8)),
])
def test_a_place_is_not_read_as_a_weekday(head: str, expected: dt.date) -> None:
    assert published_in_text(head + BODY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Corrections\nThe Courier | Tuesday 3 March 2026\n\nAn earlier story erred. The police report was "
     "released on 2 January 2026, not in February.", dt.date(2026, 3, 3)),
    ("Readers' editor\nDaily Post | 14 May 2025\n\nWe misdated the ruling. It was issued on 1 April 2025 by the court.",
     dt.date(2025, 5, 14)),
    ("Clarification\nNews Desk · 9 Sep 2024\n\nThe advisories were published on 20 August 2024 in fact.",
     dt.date(2024, 9, 9)),
])
def test_a_labelled_date_in_prose_is_below_the_headers_byline(text: str, expected: dt.date) -> None:
    assert published_in_text(text + BODY) == expected


def test_a_labelled_date_in_prose_still_dates_a_text_with_nothing_else() -> None:
    text = "Notes\n\nThis summary was prepared on 4 June 2025 for the committee." + BODY
    assert published_in_text(text) == dt.date(2025, 6, 4)


def test_a_samples_build_time_is_no_publication_date() -> None:
    # review M1 of fcf25d8: "compiled" dates a document only after a document noun
    from unmask.documents.text import published_in_text

    assert published_in_text("Dropper notes\n\nCompiled: 2023-11-02 08:14:55\nSize: 88 KB\n\nIt unpacks a loader.") is None
    assert published_in_text("Dropper notes\n\nThe loader was compiled on 2 November 2023.\n\nIt unpacks itself.") is None
