"""The windowed scan finds exactly what one automaton pass finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_path
from unmask.reference.actor_names import load_actor_gazetteer

WORDS = [
    "Kimsuky", "APT", "43", "APT43", "apt-43", "the", "Dukes", "Threat", "Group", "3390", "Lazarus",
    "Group", "TA", "505", "TA505", "Cobalt", "Strike", "known", "as", "aka", "a.k.a.", "Sea", "Turtle",
    "zinc", "ZINC", "Operation", "Wocao", "x", "é", "\U0001f600", "LAPSUS$", "admin@338", "menuPass",
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from([" ", "  ", ", ", "-", "\n"]))
def test_windows_equal_direct_on_generated_text(words: list[str], sep: str) -> None:
    gazetteer = load_actor_gazetteer()
    text = sep.join(words)
    assert gazetteer.scan_windows(text) == sorted(gazetteer.scan_direct(text))


@pytest.mark.shared
def test_windows_equal_direct_on_the_report_corpus() -> None:
    text = shared_path("eval", "ioc", "corpus", "reports.txt").read_text(encoding="utf-8")[:1_500_000]
    gazetteer = load_actor_gazetteer()
    assert gazetteer.scan_windows(text) == sorted(gazetteer.scan_direct(text))
