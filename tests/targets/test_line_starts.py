"""The targets pass finds each passage's line start in one pass over the text.

A search back to the text's start for every passage is quadratic on a long text
without line breaks (20 MB on one line: about a minute in that search alone).
"""

from __future__ import annotations

from typing import Any

from unmask.extract.targets import extract_targets


class _CountingText(str):
    """A text that adds up how many characters its backward searches cover."""

    searched = 0

    def rfind(self, sub: Any, start: Any = None, end: Any = None) -> int:
        low = 0 if start is None else start
        high = len(self) if end is None else end
        _CountingText.searched += max(0, high - low)
        return super().rfind(sub, start, end)


def test_backward_line_searches_cover_the_text_about_once() -> None:
    sentence = "The ministry said the group targeted banks in Spain. "
    text = _CountingText(sentence * 3000)  # one line, 3,000 sentences
    _CountingText.searched = 0
    found = extract_targets(text)
    assert any(t.value == "ES" or t.surface == "Spain" for t in found), found[:3]
    # Quadratic before: about 3,000 x 80,000 characters; now a few passes at most.
    assert _CountingText.searched <= 4 * len(text), _CountingText.searched


def test_bullets_under_a_victim_line_still_read_after_a_long_line() -> None:
    long_line = "Background prose about the incident response. " * 400
    text = (long_line + "\nAmong the victims were:\n- Northfield General Hospital\n- Eastgate Port Authority\n"
            "The attackers used spearphishing.\n")
    victims = {t.surface for t in extract_targets(text) if t.role in ("target", "victim")}
    assert {"Northfield General Hospital", "Eastgate Port Authority"} <= victims, victims
