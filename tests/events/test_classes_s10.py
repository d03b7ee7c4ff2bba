"""Classes of event and publication-date errors met on unseen text in session 10 (issue 17),
one mechanism each; every text here is written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.documents.text import published_in_text
from unmask.extract.events import extract_events
from unmask.model import ExtractContext

BODY = "\n\nThe crew sent booby-trapped invoices to hauliers over several weeks.\n"


def _events(text: str, published: str) -> set[tuple[str, str, str]]:
    context = ExtractContext(published=dt.date.fromisoformat(published))
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=context)}


# --- publication date: four layouts -------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # a label with the place it was put out before its date, at the foot
    ("Case note" + BODY + "\nPosted to the prosecutor's website on 14/05/2025", dt.date(2025, 5, 14)),
    ("Case note" + BODY + "\nPublished on our newsroom 2 June 2025", dt.date(2025, 6, 2)),
    # a bracketed numeric date alone on its line under the header
    ("Reply of the Minister to question 88/2025\n(9.4.2025)" + BODY, dt.date(2025, 4, 9)),
    ("Reply of the Minister\n[2025-04-09]" + BODY, dt.date(2025, 4, 9)),
    # a place dateline before an ambiguous numeric date: the place's country says the order
    ("Press office\nLisbon, 04/03/2025" + BODY, dt.date(2025, 3, 4)),
    ("Press office\nTexas, 04/03/2025" + BODY, dt.date(2025, 4, 3)),
    # a wire dateline without a year, no other date in the header: the copyright year at the foot
    ("Court frees hacker\n\nMADRID, June 9 (Desk) - A court freed a man." + BODY + "(c) 2025 Desk Agency.",
     dt.date(2025, 6, 9)),
    ("Court frees hacker\n\nMADRID, Dec. 30 (Desk) - A court freed a man." + BODY + "© 2024 Desk Agency",
     dt.date(2024, 12, 30)),
])
def test_publication_date_layouts(text: str, expected: dt.date) -> None:
    assert published_in_text(text) == expected


def test_a_numeric_date_with_an_unknown_place_stays_unread() -> None:
    # no sign of the order and no known place: no guess
    assert published_in_text("Press office\nQwzxville, 04/03/2025" + BODY) is None
