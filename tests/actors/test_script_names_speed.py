"""Names in other scripts on text without sentence ends: a stretch with no character a
threat word can start with is not searched for threat words (the two alternations were
tried over a 600-character window for every candidate: 200,000 characters of one CJK
alias took 9-12 s), and the answers are those of the full search."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from unmask.extract import actors
from unmask.extract.actors import find_actors


class _Counting:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.searches = pattern, 0

    def search(self, *args: Any) -> re.Match[str] | None:
        self.searches += 1
        return self.pattern.search(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


def test_a_window_without_threat_characters_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    script, latin = _Counting(actors._SCRIPT_THREAT), _Counting(actors._THREAT)
    monkeypatch.setattr(actors, "_SCRIPT_THREAT", script)
    monkeypatch.setattr(actors, "_THREAT", latin)
    assert find_actors("海莲花" * 2000) == []
    assert script.searches == 0 and latin.searches == 0  # 2,000 each before


def test_a_window_with_a_threat_word_still_counts() -> None:
    found = find_actors("海莲花组织" * 50)
    assert len(found) == 50 and {m.actor_id for m in found} == {"G0050"}


_PIECES = ["海莲花", "方程式", "组织", "攻击", "黑客", "研究", "报告", "的", "在", " ", "APT", "apt",
           "malware", "Kelvin \u212a", "ſ", "نص", "مجموعة", "хакер", "Текст", "グループ", "日本", "、"]


@pytest.mark.parametrize("seed", range(40))
def test_the_same_mentions_as_the_full_search(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(50, 400)))
    fast = [(m.actor_id, m.span.start, m.span.end, m.method) for m in find_actors(text)]
    monkeypatch.setattr(actors, "_THREAT_START", re.compile(r"[\s\S]"))  # every window searched
    full = [(m.actor_id, m.span.start, m.span.end, m.method) for m in find_actors(text)]
    assert fast == full


def test_the_gate_holds_every_first_character() -> None:
    for alternative in actors._SCRIPT_THREAT.pattern.split("|"):
        literal = re.sub(r"^\(\?<![^)]*\)", "", alternative)
        assert actors._THREAT_START.match(literal[0]) and actors._THREAT_START.match(literal[0].swapcase())
