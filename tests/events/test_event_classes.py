"""Classes of event and date errors met on text nobody tuned on (issue 17), one mechanism
each; the fixtures (``tests/fixtures/events_classes``) are written for these tests."""

from __future__ import annotations

import datetime as dt
import time

from unmask.extract.events import extract_events
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
