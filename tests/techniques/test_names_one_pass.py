"""Technique names are found with one automaton pass over all of a document's sentences,
the automaton holding each name whole (blanks and hyphens folded): a name's pattern is
only tried on a sentence where the whole name stands between non-alphanumerics, not
wherever its longest word occurs inside another word ("at" in "that")."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import pytest

import unmask.extract.techniques as tech
from unmask.reference.attack import attack_data


def _is_synonym(pattern: str) -> bool:
    return pattern.startswith(r"(?<![a-z0-9])(?:")


def test_a_short_name_inside_words_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []
    real = tech._rx

    def counting(pattern: str) -> re.Pattern[str]:
        if not _is_synonym(pattern):
            tried.append(pattern)
        return real(pattern)

    monkeypatch.setattr(tech, "_rx", counting)
    assert tech.names_in(["That flat chat was great."]) == [[]]
    assert tried == []  # the "At" rule was tried before: its trigger "at" is in "that"


def test_one_automaton_pass_for_many_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    index = tech._name_index()
    passes: list[int] = []

    class Once:
        def iter(self, text: str) -> Any:
            passes.append(len(text))
            return index.automaton.iter(text)

    monkeypatch.setattr(tech, "_name_index", lambda: tech._NameIndex(index.rules, Once()))
    texts = ["They used PowerShell.", "Nothing here.", "Then Process Injection followed.", ""]
    hits = tech.names_in(texts)
    assert len(passes) == 1
    assert hits == [tech.name_hits(t) for t in texts] and hits[0] and hits[2] and hits[1] == []


_FORMS = ["process injection", "Process-Injection", "process \n  injection", "process\u00a0injection",
          "pass the hash", "pass-the-hash", "Pass the\tHash", "web shell", "webshell", "at", "that",
          "scheduled task/job", "spearphishing attachment", "spear-phishing attachment", "İnjection",
          "command and scripting interpreter", "powershell", "data from local system", "-", " ", "x"]


@pytest.mark.parametrize("seed", range(20))
def test_the_same_hits_as_every_rule_tried(seed: int) -> None:
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(_FORMS) for _ in range(rng.randrange(0, 8))) for _ in range(30)]
    index = tech._name_index()
    for text, hits in zip(texts, tech.names_in(texts), strict=True):
        low = text.lower()
        brute = {r.technique_id for r in index.rules
                 if tech._rx(r.pattern).search(low) and (r.needs is None or tech._rx(r.needs).search(low))}
        assert set(hits) == brute, text


def test_attack_text_in_one_call_as_rule_by_rule() -> None:
    data = attack_data()
    texts = list(itertools.islice((p for ps in data.procedures.values() for p in ps), 0, None, 40))
    index = tech._name_index()
    for text, hits in zip(texts, tech.names_in(texts), strict=True):
        low = text.lower()
        brute = {r.technique_id for r in index.rules
                 if tech._rx(r.pattern).search(low) and (r.needs is None or tech._rx(r.needs).search(low))}
        assert set(hits) == brute, text
