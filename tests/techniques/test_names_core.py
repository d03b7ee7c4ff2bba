"""The compiled core matches the technique rules' translated patterns exactly where
Python's ``re`` finds the original ones (``unmask.extract.techniques_regex``)."""

from __future__ import annotations

import functools
import random
import re

import pytest

import unmask._core as _core
import unmask.extract.techniques as tech
from unmask.extract.techniques_regex import to_rust

# Characters where Python's and Rust's classes differ (U+001C..U+001F are blanks for
# Python's \s only; a combining mark, a zero-width joiner and U+203F are word
# characters for Rust's \w only; superscript two for Python's only), blanks, hyphens
# and letters that change length when lower-cased.
_EDGES = ["\x1c", "\x1f", "\u0301", "\u200d", "\u203f", "\u00b2", "_", "-", " ", "\t", "\n",
          "\u00a0", "\u2009", ".", "\\", "$", "İ", "é", "ß", "Σ", "0", "9", "x", "z"]


def _search_in_core(pattern: str, texts: list[str]) -> list[bool]:
    """Whether the core finds ``pattern`` (translated) in each text: a one-rule
    matcher whose triggers are every character of the texts."""
    chars = sorted({_core.TechniqueNames.fold(c) for t in texts for c in t} - {""})
    matcher = _core.TechniqueNames([(c, [], [0]) for c in chars], [(to_rust(pattern), None, 0)], 1)
    return [row == [0] for row in matcher.hits(texts)]


def _random_texts(words: list[str], rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        parts = [rng.choice(words) if rng.random() < 0.6 else rng.choice(_EDGES) for _ in range(rng.randrange(1, 9))]
        out.append("".join(p if rng.random() < 0.5 else p + " " for p in parts))
    return out


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"(?<![a-z0-9])(?:(?:spear[\s-]?)?phishing(?! attachment| link)|malspam)",
         ["phishing", "spear", "attachment", "link", "attach", "lin", "malspam", "a"]),
        (r"(?<![a-z0-9])(?:command[\s-]and[\s-]control server|\bc2 (?:server|channel)\b)",
         ["c2", "server", "channel", "command", "and", "control", "c", "s", "x"]),
        (r"(?<![a-z0-9])(?:disabl\w+ (?:\w+ ){0,3}(?:antivirus|av\b|edr))",
         ["disabled", "disable", "the", "av", "avx", "edr", "antivirus"]),
        (r"(?<![a-z0-9])(?:cmd(?:\.exe)?\b|\.bat\b|e-?mails?\b)", ["cmd", ".exe", "exe", ".bat", "email", "e-mail", "mails"]),
        (r"(?<![a-z0-9])process[\s\-]+injection(?![a-z0-9])", ["process", "injection", "pro", "cess"]),
        (r"(?<![a-z0-9])(?:\d+ days?|x\W|\S\sy|[^\]]q)", ["1", "day", "days", "x", "y", "q", "]"]),
        (r"(?<![a-z0-9])(?:\bprox(?:y|ies)\b|\btor\b)", ["proxy", "proxies", "tor", "torx", "prox"]),
    ],
)
def test_translated_patterns_match_where_python_does(pattern: str, words: list[str]) -> None:
    rng = random.Random(pattern)
    texts = _random_texts(words, rng, 400)
    got = _search_in_core(pattern, texts)
    for text, found in zip(texts, got, strict=True):
        assert found == (re.search(pattern, text) is not None), (pattern, text)


@pytest.mark.parametrize(
    "pattern",
    [r"a(?=b)", r"a\bb", r"(?i)abc", r"abc$", r"a(?<!b)c", r"(a)\1", r"(?<=a)b", r"x?\bb", r"a\b\.",
     r"(?<!ab)c", r"a(?!b|)"],
)
def test_what_cannot_be_kept_exact_is_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        to_rust(pattern)


def test_every_rule_translates_and_compiles() -> None:
    index = tech._name_index()
    assert len(index.compiled) == len(index.rules) > 500
    tech._name_matcher().compile_all()  # raises CoreError on a pattern the crate refuses


def test_a_table_error_is_an_unmask_error() -> None:
    from unmask.errors import UnmaskError

    with pytest.raises(UnmaskError):
        _core.TechniqueNames([], [("a", None, 5)], 1)
    broken = _core.TechniqueNames([("x", [], [0])], [("(", None, 0)], 1)
    with pytest.raises(UnmaskError):
        broken.hits(["x"])
    assert broken.hits(["y"]) == [[]]


def test_folding_is_pythons() -> None:
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice([*_EDGES, "ab", "--", "  "]) for _ in range(rng.randrange(0, 12)))
        assert _core.TechniqueNames.fold(text) == re.sub(r"[\s\-]+", " ", text)


def _brute(low: str) -> list[str]:
    return sorted({tid for tid, pattern, needs in _compiled_rules()
                   if pattern.search(low) and (needs is None or needs.search(low))})


@functools.cache
def _compiled_rules() -> list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]:
    return [(r.technique_id, re.compile(r.pattern), re.compile(r.needs) if r.needs else None)
            for r in tech._name_index().rules]


@pytest.mark.parametrize("seed", range(6))
def test_all_rules_on_random_texts_of_their_words(seed: int) -> None:
    """Property: names_in equals every rule tried with re, on texts made of the
    triggers' words, hyphens, blanks and the characters where the engines' classes
    differ."""
    rng = random.Random(seed)
    words = [w for w, _whole, _inner in tech._name_index().triggers]
    texts = _random_texts(words, rng, 60)
    for text, hits in zip(texts, tech.names_in(texts), strict=True):
        assert hits == _brute(text.lower()), text

