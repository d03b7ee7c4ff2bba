"""regex_anchors: a pattern tried only where its prefixes start finds what the pattern finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import unmask.extract.targets as targets
from unmask.reference.regex_anchors import SPACES, Anchors, anchor_fold, prefixes

HANDMADE = [
    re.compile(r"\b(?:spy(?:ing)?|espionage)\b", re.IGNORECASE),
    re.compile(r"(?<![\w-])(?:bank|firm)\s+(?P<name>[A-Z]\w+)"),
    re.compile(r"\b[Tt]he\s+(?:country|nation)"),
    re.compile(r"(?:ab|a)?c[de]{1,2}x"),
    re.compile(r"(?i:kilo)|(?-i:Ki)"),
    re.compile(r"’s\b|'d"),
    re.compile(r"(?!)"),
    re.compile(r"[A-Z][a-z]+ Inc\b"),  # opens with a wide class: run as it is
    re.compile(r"\w+ing\b"),
]
PATTERNS = [p for p in vars(targets).values() if isinstance(p, re.Pattern)] + HANDMADE

WORDS = ["\t", "\xa0", "\u2009", "spy", "SPYING", "ſpy", "ınfiltrated", "İran", "the", "The", "country", "nation's", "bank", "firm", "Acme",
         "Kilo", "KILO", "Ki", "ki", "’s", "'d", "abcdex", "cdx", "targeted", "against", "victims", "-based", "Oslo",
         "attack", "on", "Orbit", "Studios", "Inc", "companies:", "Norway", ",", ".", "\n", "|", "(", "“we”", "in", "our"]


def test_prefixes_read_from_the_pattern() -> None:
    assert prefixes(HANDMADE[0]) == {"spy", "espion"}  # ("spying" starts with "spy": the shorter is kept)
    # a blank is read as " " (the folded text's blanks are): one, then the next word or more blanks
    assert prefixes(HANDMADE[2]) == {"the co", "the na", "the  "}
    # an optional opening is skipped or taken (taken, it ends the prefix: what follows it
    # may be more of it); a class of two opens two prefixes
    assert prefixes(HANDMADE[3]) == {"a", "cdx", "cex", "cdd", "cde", "ced", "cee"}
    assert prefixes(HANDMADE[4]) == {"ki"}  # "kilo" starts with "ki": the shorter is kept
    assert prefixes(HANDMADE[5]) == {"'s", "'d"}
    assert prefixes(HANDMADE[6]) == frozenset()  # matches nothing
    assert prefixes(HANDMADE[7]) is None
    assert prefixes(HANDMADE[8]) is None


def test_ignore_case_letters_lower_casing_keeps_apart() -> None:
    # The engine matches "ſ" to "s" and "ı", "İ" to "i" under IGNORECASE; the folded text maps them.
    assert anchor_fold("ſpy İran ınto KELVIN") == "spy iran into kelvin"
    assert anchor_fold("in\tour\xa0Ministry\n") == "in our ministry "
    text = "They were ſpying, not ESPIONAGE."
    anchors = Anchors(text, [HANDMADE[0]])
    assert [m.group() for m in anchors.finditer(HANDMADE[0], text)] == ["ſpying", "ESPIONAGE"]


def test_spaces_are_what_the_engine_calls_blank() -> None:
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert set(re.findall(r"\s", everything)) == SPACES
    text = "targeted\u2003our\xa0servers in\u3000our network"
    pattern = re.compile(r"\bin\s+our\b")
    assert [m.span() for m in Anchors(text, [pattern]).finditer(pattern, text)] == [m.span() for m in pattern.finditer(text)]


def test_matches_do_not_overlap() -> None:
    # as finditer: the next match is looked for after the previous one ends
    pattern = re.compile(r"(?:ha)+|hh")
    text = "hahaha, hhh"
    anchors = Anchors(text, [pattern])
    assert [m.span() for m in anchors.finditer(pattern, text)] == [(0, 6), (8, 10)]


def test_unanchored_pattern_runs_as_it_is() -> None:
    text = "Acme Inc and Borealis Inc signed."
    anchors = Anchors(text, [HANDMADE[7]])
    assert anchors.starts(HANDMADE[7]) is None
    assert [m.span() for m in anchors.finditer(HANDMADE[7], text)] == [m.span() for m in HANDMADE[7].finditer(text)]


def _same(anchors: Anchors, text: str, start: int, end: int, pos: int, endpos: int) -> None:
    piece = text[start:end]
    for pattern in PATTERNS:
        assert [m.span() for m in anchors.finditer(pattern, piece, start, pos, endpos)] == [
            m.span() for m in pattern.finditer(piece, pos, endpos)
        ], pattern.pattern
        found, expected = anchors.search(pattern, piece, start, pos, endpos), pattern.search(piece, pos, endpos)
        assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.lists(st.integers(0, 400), min_size=4, max_size=4))
def test_same_matches_as_the_pattern(words: list[str], cuts: list[int]) -> None:
    text = " ".join(words)
    anchors = Anchors(text, PATTERNS)
    _same(anchors, text, 0, len(text), 0, len(text))
    start, length, pos, span = cuts
    start = min(start, len(text))
    # a slice of the text (a passage), searched from a position and to an end inside it
    _same(anchors, text, start, min(len(text), start + length), pos, pos + span)


def test_same_matches_on_report_prose() -> None:
    text = (
        "According to the agency, the espionage group targeted ministries in Norway and hacked into\n"
        "the Port of Eskerby; the country's banks were hit. Victims include firms in Chile: Acme Bank, Nordlys Ltd.\n"
        "We found that our servers were encrypted by a financially motivated crew seeking ransom payments."
    )
    anchors = Anchors(text, PATTERNS)
    _same(anchors, text, 0, len(text), 0, len(text))
    for start in range(0, len(text), 37):
        _same(anchors, text, start, min(len(text), start + 120), 0, 120)
