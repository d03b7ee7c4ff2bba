"""The cheap tests _role runs before its end-anchored look-behind patterns are necessary
conditions: wherever a pattern matches, its test passes, so skipping the pattern when the
test fails changes no role (issue 25: place-dense text read each window with every pattern).

Checked on hand-made windows (the edge cases of the tests: a trailing line break, a name
before the window's end, a hyphen) and on every look-behind window of every mention in the
repository's article fixtures (the windows the stage really reads).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unmask.extract import targets as t

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# (folders held back from tuning are left out: this reads windows, it scores nothing)
HELD_BACK = {"articles_blind13"}

#: Each end-anchored pattern with the test _role runs first.
WORD_END = [t._SOURCE_BEFORE, t._LOCATION_BEFORE, t._HELPER_BEFORE, t._INCIDENT_AT_BEFORE, t._BACK_TO_BEFORE,
            t._VIA_BEFORE, t._ON_USING_BEFORE]


def _word_end(near: str) -> bool:
    last = near.rstrip()[-1:]
    return last != "" and t._WORD_LAST.fullmatch(last) is not None


def _infrastructure(near: str) -> bool:
    listed = any(word in near for word in t._INFRASTRUCTURE_WORDS)
    assert t._names_infrastructure(near) == listed, near  # the written-out test holds the same words
    return listed


def _check(near: str, after: str = "") -> list[str]:
    wrong = [p.pattern[:40] for p in WORD_END if p.search(near) and not _word_end(near)]
    if t._ANTI_PRO_BEFORE.search(near) and near.rstrip()[-1:] != "-":
        wrong.append("anti/pro")
    if t._INFRASTRUCTURE_BEFORE.search(near) and not _infrastructure(near):
        wrong.append("infrastructure")
    if t._ITS_OBJECT_AFTER.match(after) and not t._ITS_WORD.search(after):
        wrong.append("its object")
    if t._VICTIM_AFTER.match(after) and not t._VICTIM_HEAD.search(after):
        wrong.append("victim after")
    if t._VICTIMS_IN_BEFORE.search(near) and not t._VICTIM_WORD.search(near):
        wrong.append("victims in")
    return wrong


def _sentence_checks(sentence: str, starts: list[tuple[int, int]]) -> int:
    """Per mention of one sentence: where a window holds a head word, the sentence's one
    pass (:meth:`_Cues.may_hold`) or the window's first word says so."""
    cues = t._Cues(sentence, starts[0][0] - t._WINDOW, starts[-1][0], t._anchors(sentence), 0)
    held = 0
    for start, end in starts:
        after = sentence[end : end + t._WINDOW]
        near = sentence[max(0, start - 120) : start]
        if t._VICTIM_HEAD.search(after):
            held += 1
            assert cues.may_hold(False, end, end + len(after)) or t._VICTIM_HEAD.match(after), (sentence, after)
        if t._VICTIM_WORD.search(near):
            held += 1
            assert cues.may_hold(True, start - len(near), start) or t._VICTIM_WORD.match(near), (sentence, near)
    return held


@pytest.mark.parametrize(
    ("near", "after"),
    [
        ("according to researchers at ", ""),
        ("said U.S. Cyber Command's ", ""),
        ("according to O'Neill-Smith Co. ", ""),
        ("a statement by the\n", ""),
        ("an office located in the ", ""),
        ("worked with the\n", ""),
        ("a ransomware incident at ", ""),
        ("data sent back to ", ""),
        ("an anti-", ""),
        ("a pro-\n", ""),
        ("reached the victim via the ", ""),
        ("servers in France, Germany, ", ""),
        ("hosting providers located in ", ""),
        ("C2 infrastructure in several countries, including ", ""),
        ("", " said hackers had broken into its network"),
        ("", "'s staff found that attackers had compromised its mail server"),
        ("", " and two banks were hit"),
        ("", ", Ltd., accounted for a third of the cases"),
        ("the victims included ", ""),
    ],
)
def test_every_hand_made_match_passes_its_test(near: str, after: str) -> None:
    # (each window matches one of the patterns: the test would be vacuous otherwise)
    assert any(p.search(near) for p in [*WORD_END, t._ANTI_PRO_BEFORE, t._INFRASTRUCTURE_BEFORE,
                                        t._VICTIMS_IN_BEFORE]) or (
        t._ITS_OBJECT_AFTER.match(after) or t._VICTIM_AFTER.match(after))
    assert _check(near, after) == []


def test_a_list_window_is_settled_without_the_patterns() -> None:
    # The case the tests are for: in "offices in France, Germany, Italy" each later place's
    # window ends in a comma.
    assert not _word_end("The report lists offices in France, Germany, ")
    assert _word_end("The report lists offices in ")


def test_every_fixture_window_passes_its_test() -> None:
    checked = matched = 0
    for folder in sorted(FIXTURES.glob("articles*")):
        if folder.name in HELD_BACK or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            for mention in t.extract_targets(text):
                start, end = mention.span.start, mention.span.end
                line_start = max(text.rfind(c, 0, start) for c in ".!?") + 1
                for near in (text[max(0, start - 120) : start], text[max(line_start, start - 120) : start]):
                    after = text[end : end + 300]
                    wrong = _check(near, after)
                    assert wrong == [], (path.name, near, wrong)
                    checked += 1
                    matched += any(p.search(near) for p in WORD_END) or bool(t._ITS_OBJECT_AFTER.match(after))
    assert checked > 1000 and matched > 20, (checked, matched)


def test_the_sentence_pass_finds_every_head_word() -> None:
    held = 0
    for folder in sorted(FIXTURES.glob("articles*")):
        if folder.name in HELD_BACK or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            mentions = t.extract_targets(text)
            for passage in t.passages(text):
                span = passage.span
                inside = [(m.span.start - span.start, m.span.end - span.start) for m in mentions
                          if span.start <= m.span.start and m.span.end <= span.end]
                if inside:
                    held += _sentence_checks(text[span.start : span.end], inside)
    assert held > 50, held


def test_a_head_word_at_a_window_edge_is_never_missed() -> None:
    # "Ltdwas": the sentence sees no word boundary before "was", the window does.
    sentence = "They said Acme Ltdwas hit."
    assert _sentence_checks(sentence, [(10, 18)]) == 1
    cues = t._Cues(sentence, 0, 10, t._anchors(sentence), 0)
    assert not cues.may_hold(False, 18, len(sentence)) and t._VICTIM_HEAD.match(sentence[18:])
    # a window past the scanned part of a long sentence is always a may
    cues = t._Cues("x " * 2000, 0, 10, t._anchors("x " * 2000), 0)
    assert cues.may_hold(False, 1500, 1800)


def test_a_pattern_ending_in_a_comma_would_be_caught() -> None:
    # The guard of the mechanism: were a look-behind pattern to end in a comma, the window
    # check above would report it.
    loose = re.compile(r"\bin\s+(?:[A-Z]\w*,\s+)*$")
    near = "offices in France, Germany, "
    assert loose.search(near) and not _word_end(near)
