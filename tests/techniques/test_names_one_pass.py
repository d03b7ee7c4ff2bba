"""Technique names are found in one call to the compiled core for all of a document's
sentences, its automaton holding each name whole (blanks and hyphens folded): a name's
pattern is only tried on a sentence where the whole name stands between
non-alphanumerics, not wherever its longest word occurs inside another word ("at" in
"that"). Every result equals trying each rule's Python pattern with ``re``."""

from __future__ import annotations

import functools
import itertools
import random
import re
from typing import Any

import pytest

import unmask.extract.techniques as tech
from unmask.reference.attack import attack_data


def _is_synonym(pattern: str) -> bool:
    return pattern.startswith(r"(?<![a-z0-9])(?:")


def _brute(low: str) -> set[str]:
    """Every rule tried with Python's re: the reference the compiled core must equal."""
    return {tid for tid, pattern, needs in _compiled_rules()
            if pattern.search(low) and (needs is None or needs.search(low))}


@functools.cache
def _compiled_rules() -> list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]:
    return [(r.technique_id, re.compile(r.pattern), re.compile(r.needs) if r.needs else None)
            for r in tech._name_index().rules]


def test_a_short_name_inside_words_is_not_tried() -> None:
    index = tech._name_index()
    tried = tech._name_matcher().candidates("that flat chat was great.")
    assert [i for i in tried if not _is_synonym(index.rules[i].pattern)] == []
    # the "At" rule is tried where "at" stands alone
    at = [i for i, r in enumerate(index.rules) if r.pattern == tech._name_pattern("at")]
    assert at and set(at) <= set(tech._name_matcher().candidates("look at it"))
    assert tech.names_in(["That flat chat was great."]) == [[]]


def test_one_core_call_for_many_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tech._name_matcher()
    calls: list[int] = []

    class Once:
        def hits(self, texts: list[str]) -> Any:
            calls.append(len(texts))
            return real.hits(texts)

    monkeypatch.setattr(tech, "_name_matcher", lambda: Once())
    texts = ["They used PowerShell.", "Nothing here.", "Then Process Injection followed.", ""]
    hits = tech.names_in(texts)
    assert calls == [4]
    assert hits == [tech.name_hits(t) for t in texts] and hits[0] and hits[2] and hits[1] == []


_FORMS = ["process injection", "Process-Injection", "process \n  injection", "process\u00a0injection",
          "pass the hash", "pass-the-hash", "Pass the\tHash", "web shell", "webshell", "at", "that",
          "scheduled task/job", "spearphishing attachment", "spear-phishing attachment", "İnjection",
          "command and scripting interpreter", "powershell", "data from local system", "-", " ", "x"]


@pytest.mark.parametrize("seed", range(20))
def test_the_same_hits_as_every_rule_tried(seed: int) -> None:
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(_FORMS) for _ in range(rng.randrange(0, 8))) for _ in range(30)]
    for text, hits in zip(texts, tech.names_in(texts), strict=True):
        assert hits == sorted(_brute(text.lower())), text


def test_attack_text_in_one_call_as_rule_by_rule() -> None:
    data = attack_data()
    texts = list(itertools.islice((p for ps in data.procedures.values() for p in ps), 0, None, 40))
    for text, hits in zip(texts, tech.names_in(texts), strict=True):
        assert hits == sorted(_brute(text.lower())), text
