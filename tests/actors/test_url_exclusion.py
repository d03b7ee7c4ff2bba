"""Names inside URLs are no mentions; the URL spans are found in one linear pass that
gives exactly the spans of the URL pattern run over the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.extract.actors import _URL, _url_spans, find_actors

PIECES = [
    "a", "Z", "0", "9", ".", "/", ":", "-", "_", " ", "\n", "[", "]", "(", ")", "<", ">", '"', "'",
    "w", "W", "www.", "WwW.", "http://", "hxxps://", "ftp://", ".com/", ".org", "and/or", "APT28",
    "é", "\u00a0",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=50))
def test_linear_pass_equals_the_pattern_over_the_whole_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _url_spans(text) == [m.span() for m in _URL.finditer(text)]


def test_names_in_urls_are_not_mentions_but_names_beside_them_are() -> None:
    text = (
        "APT28 was seen again; see https://example.com/reports/APT28/ioc.csv and "
        "www.example.org/Kimsuky or example.net/APT29/x. Kimsuky remains active."
    )
    found = [(m.surface, m.span.start) for m in find_actors(text)]
    assert found == [("APT28", 0), ("Kimsuky", text.rindex("Kimsuky"))]


def test_a_name_deep_in_a_very_long_url_is_not_a_mention() -> None:
    # one run of 30,000 characters: the URL starts far before the names it holds
    text = "Report: https://example.com/" + "APT29/" * 5000 + " end"
    assert find_actors(text) == []
    assert _url_spans(text) == [m.span() for m in _URL.finditer(text)]
