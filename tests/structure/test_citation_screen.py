"""The reference test of a line is split in two: the forms that open a line are matched
at the window's start, the others searched only in a window that holds one of their
literal pieces ("Accessed", "Retrieved", a closing quote and a comma). The answer is the
one the single alternation gave; most windows (prose) cost no search of the long one."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from unmask.model import text_structure as ts

#: The single pattern the two halves were cut from.
_WHOLE = re.compile(ts._CITATION_ANYWHERE.pattern + "|" + ts._CITATION_OPENING.pattern)

_PIECES = ["Accessed 3 May 2021", "[Accessed", "Retrieved from https://x.example", "Retrieved on March 4",
           "\u201cA Title Here\u201d, Some Paper, 4 March 2011", "'Alert raised', 9 April 2007", "\u201d, 12 Jan",
           "\u201f, Daily Post, ", "Smith, John. 2008. ", "35 Ann Lee and Bo Chen, \u201eNote", "Source: report",
           "[3] https://a.example", "[12] Vendor, Title, 2019", "the group used", ", ", "\"", "'", "\u2019,",
           " ", "\n", "Reference:", "12", "A", "B.", "Waterman, Shaun.", "2019.", "vol.", "No."]


@pytest.mark.parametrize("seed", range(30))
def test_same_answer_as_the_single_pattern(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        window = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 9)))
        assert ts._cited(window) == bool(_WHOLE.search(window)), window


def test_prose_is_not_searched_with_the_long_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [0]
    real = ts._CITATION_ANYWHERE

    class Counting:
        def search(self, *args: Any) -> Any:
            calls[0] += 1
            return real.search(*args)

    monkeypatch.setattr(ts, "_CITATION_ANYWHERE", Counting())
    text = " ".join(f"The operators sent message number {k} to the ministry." for k in range(300))
    structure = ts.text_structure(text)
    assert len(structure.passages) == 300
    assert calls[0] == 0
    cited = ts.text_structure("Intro line of prose here.\n\n\u201cA Title Here\u201d, Some Paper, 4 March 2011\n")
    assert calls[0] == 1 and "reference" in cited.passages[-1].kinds
