"""Whole-pipeline properties: any text analyses without error and every span is sound."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask import analyze

_REPORTY = st.sampled_from(
    [
        "APT43 ", "Kimsuky ", "hxxp://evil[.]com/a ", "203.0.113.9 ", "T1566.001 ",
        "spearphishing ", "think tanks ", "South Korea ", "on Aug. 30, 2010, ", "Thursday ",
        "sanctioned ", "\n", ". ", "“", "”", "(", ")", "Lazarus ", "Cobalt Strike ",
        "since at least 2012 ", "d41d8cd98f00b204e9800998ecf8427e ", "CVE-2023-1234 ",
    ]
)
_TEXT = st.one_of(st.text(max_size=400), st.lists(_REPORTY, max_size=60).map("".join))


def _check_spans(data: dict[str, Any]) -> None:
    text = data["document"]["text"]
    for key in ("observables", "actor_mentions", "alias_statements", "techniques", "targets",
                "attributions", "malware", "events", "skipped"):
        for item in data[key]:
            start, end = item["span"]["start"], item["span"]["end"]
            assert 0 <= start <= end <= len(text), (key, item)
            if "surface" in item and key not in ("skipped", "attributions", "events"):
                assert text[start:end] == item["surface"], (key, item)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_any_text_analyses_with_sound_spans(text: str) -> None:
    _check_spans(analyze(text, published="2023-11-30").to_dict())
