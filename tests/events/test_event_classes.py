"""Classes of event and date errors met on text nobody tuned on (issue 17), one mechanism
each; the fixtures (``tests/fixtures/events_classes``) are written for these tests."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from unmask.documents.text import parse_text
from unmask.extract.events import extract_events, find_dates
from unmask.model import ExtractContext


def _events(text: str, published: str | None) -> set[tuple[str, str]]:
    context = ExtractContext(published=dt.date.fromisoformat(published) if published else None)
    return {(e.kind, e.date) for e in extract_events(text, context=context)}


def test_a_dense_run_of_dates_on_one_line_is_cheap() -> None:
    # A date and a speech verb every few words, with no sentence break: each date's trigger
    # search stops at the nearest candidates on each side (before: about 26 s per MB).
    text = " ".join(f"on {1 + i % 28} March {1990 + i % 30} it said" for i in range(7000))
    started = time.process_time()
    events = extract_events(text, context=ExtractContext(published=dt.date(2025, 6, 1)))
    assert time.process_time() - started < 3.0
    assert events


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "events_classes"


def _published(name: str) -> dt.date | None:
    data = (FIXTURES / f"{name}.txt").read_bytes()
    return parse_text(data, source=f"{name}.txt", sha256="0" * 64).metadata.published


def test_a_japanese_era_dateline_is_the_publication_date() -> None:
    assert _published("era-dated-statement") == dt.date(2018, 3, 2)


def test_a_last_update_foot_dates_a_text_nothing_else_dates() -> None:
    # the related document's dates are not the page's
    assert _published("last-update-foot") == dt.date(2023, 2, 17)


def test_a_byline_date_comes_before_a_timeline_heading_date() -> None:
    assert _published("byline-above-dated-headings") == dt.date(2024, 9, 22)


def test_a_place_dateline_without_a_year_dates_no_event() -> None:
    text = (FIXTURES / "wire-dateline-no-year.txt").read_text(encoding="utf-8")
    found = _events(text, "2025-03-06")
    assert ("arrest", "2025-03-04") in found  # "on Tuesday"
    assert ("arrest", "2024-10") in found  # "in October last year"
    assert not any(date.startswith("2025-03-06") for _, date in found)
    assert ("arrest", "2025-10") not in found and ("arrest", "2024") not in found


@pytest.mark.parametrize(
    ("sentence", "published", "date", "precision"),
    [
        ("The firm was hit in October last year.", "2025-03-06", "2024-10", "month"),
        ("The firm was hit in May this year.", "2025-06-06", "2025-05", "month"),
        ("On 4 December last year the portal was defaced.", "2025-01-20", "2024-12-04", "day"),
        ("The leak came on March 2 last year.", "2025-01-20", "2024-03-02", "day"),
        ("Four years ago this month, a wiper hit the grid.", "2025-11-20", "2021-11", "approximate"),
        ("The database was breached in the first week of October.", "2024-12-05", "2024-10", "approximate"),
        ("Since the beginning of April we have seen fake invoices.", "2024-05-14", "2024-04", "approximate"),
    ],
)
def test_relative_month_and_day_phrases(sentence: str, published: str, date: str, precision: str) -> None:
    dates = find_dates(sentence, dt.date.fromisoformat(published))
    assert [(d.date, d.precision) for d in dates] == [(date, precision)]
