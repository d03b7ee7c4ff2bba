"""Capitalised organisation names are found by trying _ORG_PHRASE only at the capitals
shortly before a place its head word can stand (issue 25): the same matches as the
pattern's own finditer."""

from __future__ import annotations

import random
import time

from unmask.extract import targets as t

PIECES = ["Bank", "of", "the", "The", "Chile", "&", "Ministry", "Inland", "Waterways", "Port", "Velmar", "Quill",
          "Corp.", "Inc", "plc", "Zero", "Trust", "School", "District", "\n", "\t", "\u00a0", ",", ".", "(Quill",
          "O'Dwyer", "Institute", "For", "And", "Baltic-Nordic", "University", "AG", "agency", "Office", "Times"]


def _same(text: str) -> None:
    t._anchors.cache_clear()
    assert [m.span() for m in t._org_phrases(text)] == [m.span() for m in t._ORG_PHRASE.finditer(text)], text


def test_same_names_as_the_pattern() -> None:
    rng = random.Random(19)
    for _ in range(1500):
        _same(rng.choice([" ", "  ", " & ", "\n"]).join(rng.choice(PIECES) for _ in range(rng.randrange(1, 30))))
    # five capitalised words and their ampersands before the head: the longest chain
    _same("Staff of Alder & Birch & Cedar & Dunmore & Elm & Fjord Bank said so; Alder Birch Cedar Dunmore Elm Fjord Bank.")
    _same("")


def test_dense_head_words_are_walked_once() -> None:
    text = "Bank " * 40000
    began = time.process_time()
    _same(text)
    assert time.process_time() - began < 5.0
