"""The compiled observable prefilter on any text: no crash, valid spans, linear time."""

from __future__ import annotations

import bisect
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask import _core
from unmask.extract.observables import scan

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(text: str, spans: list[tuple[int, int]]) -> None:
    last = -2
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start > last + 1  # merged: apart by more than one character
        last = end


@_SETTINGS
@given(st.text(max_size=400))
def test_any_text_gives_valid_windows_and_a_compact_map(text: str) -> None:
    spans = _core.scan_windows(text)
    _valid(text, spans)
    joined, starts, shifts = _core.scan_compact(text)
    assert starts[0] == 0 and starts == sorted(starts) and len(starts) == len(shifts)
    for p, ch in enumerate(joined):
        if ch != scan.FILLER:
            assert text[p + shifts[bisect.bisect_right(starts, p) - 1]] == ch
    plain = _core.plain_punctuation(text)
    assert len(plain) == len(text)


@_SETTINGS
@given(st.text(alphabet=st.sampled_from(list(" \t\n.:@\\/[](){}aZ09%-_;\u3002\uff20\ud800\U0001f600")), max_size=600))
def test_dense_trigger_text_gives_valid_windows(text: str) -> None:
    _valid(text, _core.scan_windows(text))


def test_lone_surrogates_and_astral_characters_keep_offsets() -> None:
    text = "\ud800 x \U0001f600 evil.com \udfff [.] y"
    joined, starts, shifts = _core.scan_compact(text)
    start = text.index("evil.com")
    assert any(s <= start and start + 8 <= e for s, e in _core.scan_windows(text))
    p = joined.index("evil.com")
    assert p + shifts[bisect.bisect_right(starts, p) - 1] == start


def test_typographic_quotes_become_ascii_one_for_one() -> None:
    assert _core.plain_punctuation("\u201chttp://a.b/c\u201d \u300ca.b\u300d \uff08x\uff09") == '<http://a.b/c> <a.b> (x)'
    ascii_text = "nothing to do here"
    assert _core.plain_punctuation(ascii_text) is ascii_text


@pytest.mark.parametrize(
    "unit",
    [".", "1", "1.", "a", "[.]", " dot ", "@ ", "\\a", "CVE-1", "-aa-bb-", "://a .", ";base64,", "A" * 30 + " "],
)
def test_a_megabyte_of_one_pattern_scans_in_linear_time(unit: str) -> None:
    small = unit * (100_000 // len(unit))
    big = unit * (1_000_000 // len(unit))
    c0 = time.process_time()
    _core.scan_compact(small)
    t_small = time.process_time() - c0
    c0 = time.process_time()
    _core.scan_compact(big)
    t_big = time.process_time() - c0
    # Ten times the text: well under a hundred times the time (quadratic would be 100x),
    # and under a second for the megabyte even on a loaded machine.
    assert t_big < 1.0
    assert t_big < 40 * t_small + 0.05
