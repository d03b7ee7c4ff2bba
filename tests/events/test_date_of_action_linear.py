"""An action's date is looked up among the dates within reach only (review HIGH-4,
session 10): one long sentence of many actions and dates (a one-line text) scanned
every date of the sentence for every action."""

from __future__ import annotations

import datetime as dt
import time

from unmask.extract.events import _date_of_action, find_dates

UNIT = "since February 2025, when police seized servers and arrested "


def test_the_nearest_date_in_the_clause_still_dates_the_action() -> None:
    sentence = "On 3 March 2025 the police arrested two men, and in May 2025 a court charged them."
    dates = find_dates(sentence, dt.date(2025, 6, 1))
    verb = sentence.index("charged")
    found = _date_of_action(sentence, verb, verb + len("charged"), dates)
    assert found is not None and found.date == "2025-05"


def test_many_actions_in_one_sentence_stay_linear() -> None:
    sentence = UNIT * 4000  # 244 KB, 4,000 dates and 8,000 verbs in one sentence
    dates = find_dates(sentence, dt.date(2026, 1, 1))
    starts = [d.start for d in dates]
    began = time.process_time()
    for i in range(0, len(sentence), len(UNIT)):
        verb = i + UNIT.index("arrested")
        _date_of_action(sentence, verb, verb + 8, dates, starts)
    assert time.process_time() - began < 3.0


def test_anchor_phrases_in_one_long_sentence_stay_linear() -> None:
    # review H1 (session 12): each "at that time" / "the same day" scanned every date before it
    from unmask.extract.events import _SAME_DAY, _THAT_TIME, _anchor_copies

    for unit, pattern in (("on 3 May 2020 at that time and ", _THAT_TIME), ("on 3 May 2020 the same day and ", _SAME_DAY)):
        sentence = unit * 8000  # 8,000 dates and 8,000 anchor phrases in one sentence
        dates = find_dates(sentence, dt.date(2026, 1, 1))
        began = time.process_time()
        copies = _anchor_copies(dates, pattern.finditer(sentence), day_only=False, fallback=None)
        assert time.process_time() - began < 2.0
        assert len(copies) == 8000 and all(c.date == "2020-05-03" for c in copies)
