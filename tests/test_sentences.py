from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unmask.extract.sentences import split_sentences


def test_abbreviations_do_not_split() -> None:
    text = "The RGB was sanctioned by the U.S. government on Aug. 30, 2010. It was again."
    pieces = [s.text(text) for s in split_sentences(text)]
    assert pieces == ["The RGB was sanctioned by the U.S. government on Aug. 30, 2010.",
                      "It was again."]


def test_headings_lists_and_tables_are_not_sentences() -> None:
    text = ("Indicators of compromise\n\n- evil.example\n- 1.2.3.4\n\n"
            "| type | value |\n|---|---|\n\nThe actor used PowerShell. It then left.\n")
    kinds = [(s.kind, s.text(text)) for s in split_sentences(text)]
    assert ("heading", "Indicators of compromise") in kinds
    assert ("list", "- evil.example") in kinds
    assert ("table", "| type | value |") in kinds
    assert ("sentence", "The actor used PowerShell.") in kinds
    assert ("sentence", "It then left.") in kinds


@given(st.text())
def test_spans_are_in_bounds_and_ordered(text: str) -> None:
    previous = 0
    for sentence in split_sentences(text):
        assert previous <= sentence.span.start < sentence.span.end <= len(text)
        assert sentence.text(text).strip() == sentence.text(text)
        previous = sentence.span.end


def test_long_punctuation_runs_and_huge_lines_are_split_in_one_pass() -> None:
    # Quadratic scanning here once hung the whole pipeline on "." * 200_000.
    dots = "." * 200_000
    assert [s.text(dots) for s in split_sentences(dots)] == [dots]
    line = "The group struck again. " * 20_000
    pieces = split_sentences(line)
    assert len(pieces) == 20_000
    assert all(p.text(line) == "The group struck again." for p in pieces)


def test_a_stop_at_the_end_of_a_line_ends_the_sentence_whatever_follows() -> None:
    text = ("evil0[.]com was first seen on 3 March 2024.\nevil1[.]com was last seen in May.\n"
            "The U.S.\ngovernment said so. We saw e.g.\nthe loader.")
    pieces = [s.text(text) for s in split_sentences(text)]
    assert pieces == ["evil0[.]com was first seen on 3 March 2024.", "evil1[.]com was last seen in May.",
                      "The U.S.\ngovernment said so.", "We saw e.g.\nthe loader."]
    # on one line, a lower-case word after a stop still continues ("version 2. the")
    assert len(split_sentences("It ran version 2. the loader then slept.")) == 1
