"""regex_anchors.required: strings one of which every match of a pattern holds.

Where the gate finds nothing the pattern must find nothing: checked on hand-made
patterns (alternations the parser factors, optional and repeated groups, flags) against
many generated texts, and on the technique stage's word senses."""

from __future__ import annotations

import random
import re

import pytest

from unmask.extract import senses
from unmask.reference.regex_anchors import required

_PATTERNS = [
    r"(?:encrypted|encoded)\s(?:with|by)\s(?:rc4|xor)",  # the parser takes "enc" out of the alternation
    r"(?<![a-z])(?:data|files?)\b,?\s(?:\w+\s){0,3}(?:stolen|taken)",
    r"(?:abc)?defg|hijk(?:lm)+",
    r"x(?:yyyy|zzzz)+w|(?:qqqq)",
    r"(?:ab)*cdef",
    r"sleep\w*\s(?:for\s)?\d+\s(?:seconds?|minutes?)",
    r"(?:kernel-level\s)?rootkits?",  # the optional words are longer than what every match holds
]


def test_gates_of_hand_made_patterns() -> None:
    gates = {p: required(re.compile(p, re.IGNORECASE)) for p in _PATTERNS}
    assert gates[_PATTERNS[0]] is not None
    assert gates[_PATTERNS[3]] is not None and gates[_PATTERNS[3]].search("xw") is None
    assert gates[_PATTERNS[4]] is not None and gates[_PATTERNS[4]].pattern == "cdef"
    assert required(re.compile(r"[a-z]+\d")) is None  # no literal at all
    assert required(re.compile(r"ab|cdefgh")) is None  # one alternative too short to be worth a search
    assert required(re.compile(r"(?x) hello \s world")) is None  # verbose: not read


@pytest.mark.parametrize("pattern", _PATTERNS)
def test_no_match_where_the_gate_finds_nothing(pattern: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    gate = required(compiled)
    assert gate is not None
    rng = random.Random(pattern)
    # the pattern's own words (and pieces of them), cased and glued at random, among noise
    words = re.findall(r"[a-z0-9]+", re.sub(r"\\[a-z]", " ", pattern))
    pieces = [*words, *(w[: len(w) // 2] for w in words), "enc", "ENCODED", "XoR", "30", "ſ", "K", ",", "the"]
    found = 0
    for _ in range(20000):
        chosen = (rng.choice(pieces) for _ in range(rng.randrange(1, 9)))
        text = "".join(
            (piece.upper() if rng.random() < 0.2 else piece) + rng.choice([" ", " ", " ", "", ", "]) for piece in chosen
        )
        if compiled.search(text):
            found += 1
            assert gate.search(text), (pattern, text)
    assert found >= 5  # the texts do reach the pattern


def test_ignorecase_letters_outside_ascii_stay_with_the_gate() -> None:
    # the Kelvin sign matches "k" and the long s "s" under IGNORECASE, in the gate as in the pattern
    compiled = re.compile(r"(?:look|peek)s?\sat\sthe\sdisk", re.IGNORECASE)
    gate = required(compiled)
    assert gate is not None
    for text in ["It LOOKS AT THE DISK", "it looK at the diſk", "the disk"]:
        assert bool(compiled.search(text)) <= bool(gate.search(text))


_OWN_SENTENCES = [
    "Its logs were then RC4-encrypted and left in a temp folder.",
    "Collected documents are compressed, then encrypted with the AES algorithm.",
    "Such backdoors are usually dropped by a macro.",
    "The second stage runs as the current user with limited rights.",
    "A screenshot from the forum post shows the panel.",
    "Victims who open any of the files trigger the implant.",
    "Notes were attached to an email and then sent to the operator.",
]


def test_the_senses_gates_hold_on_sentences_their_patterns_match() -> None:
    hits = 0
    for text in _OWN_SENTENCES:
        for sense, gate in zip(senses.SENSES, senses._REQUIRED, strict=True):
            if sense.pattern.search(text):
                hits += 1
                assert gate is None or gate.search(text), (sense.reason, text)
    assert hits >= 5
