"""The "X-based Name" scan tries _BASED_NAME only at the capitals of the run before each
"-based"/"-headquartered" (issue 25): it must find what the pattern's own finditer finds."""

from __future__ import annotations

import random
import time

from unmask.extract import targets as t

PIECES = ["Tromsø-based", "-based", "U.K.-based", "N.Y-based", "Halvard", "Ferries", "and", "the", ".", "-", "(",
          "Bergen-headquartered", "-headquartered", "Nord.Kraft-based", "x-y-based", "ÆR-based", "Ab_C-based", "\n",
          ",", "Quill", "Systems", "a", "Pine-based.", "K-based", "’s"]


def _same(text: str) -> None:
    assert t._based_names(text) == [m.span("name") for m in t._BASED_NAME.finditer(text)], text


def test_same_names_as_the_pattern() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        _same(rng.choice([" ", "", "  "]).join(rng.choice(PIECES) for _ in range(rng.randrange(1, 25))))
    _same("A Reykjavik-based Gullfoss Shipping and an Aarhus-headquartered Mols Linjen ran ferries.")
    _same("")


def test_a_long_run_is_walked_once() -> None:
    # one run of word characters and hyphens holding 30,000 anchors: each character is
    # walked back over once (a walk per anchor back to the run's start would be quadratic)
    text = "Q-based" * 30000 + " Vestfold"
    began = time.process_time()
    _ = t._based_names(text)
    assert time.process_time() - began < 2.0
    _same(text[:2000] + " Vestfold")
