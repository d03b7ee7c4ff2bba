"""Property tests: refang is idempotent, spans index the surface, nothing raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.errors import ExtractError
from unmask.extract.observables import extract_observables
from unmask.extract.observables.refang import refang, refang_text

# Text built from the characters that matter to the patterns, plus anything at all.
_ALPHABET = st.sampled_from([*list("abcxyz019.:@/\\[](){}-_ \n\thxtpsAT%?=&#~,;'\""), "[.]", "(dot)", "hxxp://", " at ", "。", "\xa0"])
_IOCISH = st.lists(_ALPHABET, max_size=80).map("".join)
_ANY = st.text(max_size=200)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.one_of(_IOCISH, _ANY))
def test_refang_is_idempotent(text: str) -> None:
    once = refang_text(text)
    assert refang_text(once) == once


@_SETTINGS
@given(st.one_of(_IOCISH, _ANY))
def test_refang_map_stays_in_bounds(text: str) -> None:
    result = refang(text)
    for start in range(len(result.text) + 1):
        s, e = result.original(start, len(result.text))
        assert 0 <= s <= e <= len(text)


@_SETTINGS
@given(st.one_of(_IOCISH, _ANY))
def test_spans_index_the_surface_and_nothing_raises(text: str) -> None:
    for obs in extract_observables(text):
        assert 0 <= obs.span.start < obs.span.end <= len(text)
        assert text[obs.span.start : obs.span.end] == obs.surface
        assert obs.value


def test_non_text_is_an_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract_observables(b"1.2.3.4")  # type: ignore[arg-type]


def test_empty_text() -> None:
    assert extract_observables("") == []
