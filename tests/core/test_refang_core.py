"""The compiled refang edits: each defang form, any text, linear time."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask import _core
from unmask.extract.observables.refang import refang, refang_text

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("text", "refanged"),
    [
        ("evil[.]com", "evil.com"),
        ("evil [.] com", "evil.com"),
        ("evil(dot)com", "evil.com"),
        ("evil[[.]]com", "evil.com"),
        ("evil.]com", "evil.com"),
        ("1\\.)1", "1.1"),
        ("evil\\.com", "evil.com"),
        ("HKU\\.DEFAULT\\Software", "HKU\\.DEFAULT\\Software"),
        ("C:\\Users\\bob\\.ssh", "C:\\Users\\bob\\.ssh"),
        ("me[at]example.com", "me@example.com"),
        ("me [@] example.com", "me@example.com"),
        ("me @ example.com", "me@example.com"),
        ("me@} example.com", "me@example.com"),
        ("hxxp[://]evil.com", "hxxp://evil.com"),
        ("hxxp[:]//evil.com", "hxxp://evil.com"),
        ("http[:\\\\]evil.com", "http://evil.com"),
        ("http:\\/\\/evil.com\\/x", "http://evil.com/x"),
        ("http:// example .com /path", "http://example.com/path"),
        ("evil\u3002com", "evil.com"),
        ("http\uff1a//evil.com", "http://evil.com"),
        ("a [.] !", "a [.] !"),
        # a slash after a backslash would be undone again as a JSON-escaped one
        ("\\[/a", "\\[/a"),
        ("x\\[/]a", "x\\[/]a"),
        ("[\\/a", "[\\/a"),
        ("(dot) alone", "(dot) alone"),
    ],
)
def test_each_defang_form_is_undone(text: str, refanged: str) -> None:
    assert refang_text(text) == refanged


@_SETTINGS
@given(st.text(alphabet=st.sampled_from(list(" \t\n.:@\\/[](){}aZ09-_+dotDOT\u3002\uff1a\uff20\ud800é")), max_size=300))
def test_edits_are_sorted_inside_the_text_and_never_grow_it(text: str) -> None:
    edits = _core.refang_edits(text)
    assert edits == sorted(edits)
    for start, end, rep in edits:
        assert 0 <= start < end <= len(text)
        assert len(rep) <= end - start
    ref = refang(text)
    assert len(ref.text) <= len(text)


@pytest.mark.parametrize("unit", ["[.]", "a[.]", "\\", "a\\.", "[[[[[[[[", "]]]]]]]]]", " @ ", "://a .b", "a.]", "\\/"])
def test_a_megabyte_of_one_form_refangs_in_linear_time(unit: str) -> None:
    small = unit * (100_000 // len(unit))
    big = unit * (1_000_000 // len(unit))
    c0 = time.process_time()
    _core.refang_edits(small)
    t_small = time.process_time() - c0
    c0 = time.process_time()
    _core.refang_edits(big)
    t_big = time.process_time() - c0
    assert t_big < 1.0
    assert t_big < 40 * t_small + 0.05
