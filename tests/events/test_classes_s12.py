"""Event mechanisms of session 12, each proved on texts of different wording and layout:
timeline tables read row by row as sentences, anchor phrases, hedged bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.extract.events import extract_events
from unmask.extract.targets import extract_targets
from unmask.model import ExtractContext


def _events(text: str, published: str) -> set[tuple[str, str, str]]:
    context = ExtractContext(published=dt.date.fromisoformat(published))
    targets = extract_targets(text, context=context)
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=context, targets=targets)}


@pytest.mark.parametrize(("text", "published", "expected", "absent"), [
    # a Markdown table, header and rule in the table's own lines, a reference column
    ("Chronology of the intrusion at Harlow Port\n\n| Date | Event | Reference |\n|---|---|---|\n"
     "| 12 February 2025 | Criminals break into the port's booking system | Port statement |\n"
     "| 2 April 2025 | Police arrest two suspects in Leeds | Police release |\n",
     "2025-06-01", {("campaign", "2025-02-12", "day"), ("arrest", "2025-04-02", "day")}, set()),
    # plain pipes, past tense, a short first row the splitter may take for a heading
    ("What we know so far.\n\nDay | Development | Via\n18 March 2024 | Hackers encrypted the county's servers | County\n"
     "20 March 2024 | The national CERT published an alert about the gang | CERT\n"
     "9 May 2024 | The Justice Department unsealed an indictment against one member | DOJ\n\nNothing more is known.",
     "2024-06-01",
     {("campaign", "2024-03-18", "day"), ("advisory", "2024-03-20", "day"), ("indictment", "2024-05-09", "day")}, set()),
    # the date column second, the source column first (its words tell nothing)
    ("Source | When | What happened\nCourt filing | 3 Nov 2023 | A judge sentenced the broker to six years\n"
     "Ministry | 10 Nov 2023 | The ministry sanctioned the exchange that laundered the funds",
     "2024-01-01", {("conviction", "2023-11-03", "day"), ("sanction", "2023-11-10", "day")}, set()),
    # a range row: the activity's start and end
    ("When | What happened\n1-4 March 2026 | The same phishing wave reaches three more councils\n",
     "2026-04-01", {("activity-start", "2026-03-01", "day"), ("activity-end", "2026-03-04", "day")}, set()),
])
def test_timeline_rows_read_as_sentences(text: str, published: str, expected: set[tuple[str, str, str]],
                                         absent: set[tuple[str, str, str]]) -> None:
    found = _events(text, published)
    assert expected <= found
    assert not absent & found


def test_indicator_table_without_a_what_column_dates_no_campaign() -> None:
    text = ("Indicators\n\nIndicator | First seen | Type\n198.51.100.7 | 2 May 2025 | C2 server used in the attack\n"
            "evil.example | 4 May 2025 | phishing domain\n")
    assert not {e for e in _events(text, "2025-06-01") if e[0] == "campaign"}
