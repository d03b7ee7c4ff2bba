"""Lookalike domains: names that imitate a protected domain, and the ones that could.

Two jobs:

* :func:`find_lookalikes` (and the streaming :func:`iter_lookalikes`) take candidate
  host names — from report observables, URL and e-mail hosts, a DNS or CT log — and
  the protected domains, and return a :class:`Lookalike` for each candidate that
  imitates one, with the ``kinds`` of imitation, a ``score`` in [0, 1] and the
  ``evidence`` (what matched);
* :func:`permutations` lists the names an attacker could register (dnstwist-style),
  each with its kind, for proactive monitoring.

Names are compared by their parts, split with the public suffix list: the
*registrable label* (``nytimes`` in ``www.nytimes.com``), the *suffix* (``com``,
``co.uk``) and the subdomain labels. The kinds:

``homoglyph``      the label reads the same (:func:`~unmask.defend.confusables.skeleton`):
                   Unicode confusables, IDNA ``xn--`` names decoded, ``rn``/``m``, ``0``/``o``…
``insertion`` ``omission`` ``replacement`` ``transposition`` ``repetition``
``vowel-swap`` ``bitsquatting`` ``typo``
                   the label is one edit away (two for labels of nine letters or more);
``hyphenation``    hyphens added inside the label;
``dot-insertion``  a dot added inside the label (``nyti.mes.com``);
``tld-swap``       the same label under another public suffix (``nytimes.co``);
``combosquat``     the label with words added (``nytimes-login``, ``login-nytimes``,
                   ``nytimes-com``);
``subdomain``      the protected name as a subdomain of another registrable domain
                   (``nytimes.com.secure-login.net``, ``nytimes-com.verify.info``).

Short brands (four letters or fewer) get stricter rules because every short string
is one edit from many real names: no edit-distance matches at three letters, only
transposition and repetition at four, combosquats only with a hyphen, subdomains only
with the whole protected domain. A candidate whose registrable domain is a protected
domain (the domain itself or its own subdomains) is never reported.

Edit distances are computed with rapidfuzz in batches (one ``cdist`` per chunk of
candidates against every protected label), brand words inside labels are found with
one Aho-Corasick automaton; the rest is set and dict look-ups, so the cost grows with
the number of candidates, not with candidates × protected domains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ahocorasick
import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from unmask.defend.confusables import HOMOGLYPHS, loose_skeleton, skeleton
from unmask.errors import ConfigError
from unmask.reference.suffixes import SuffixIndex, load_suffixes

__all__ = [
    "KINDS",
    "Lookalike",
    "LookalikeIndex",
    "Permutation",
    "SkippedCandidate",
    "common_brand",
    "find_lookalikes",
    "iter_lookalikes",
    "normalize_host",
    "permutations",
    "unicode_hosts",
]

#: Every kind a :class:`Lookalike` or :class:`Permutation` can carry.
KINDS = (
    "homoglyph", "insertion", "omission", "replacement", "transposition", "repetition",
    "vowel-swap", "bitsquatting", "typo", "hyphenation", "dot-insertion", "tld-swap",
    "combosquat", "subdomain", "addition", "plural",
)  # fmt: skip

_MAX_HOST = 253
_MAX_LABEL = 63
_CHUNK = 2048
_SHORT = 4
_MEDIUM = 6
_VOWELS = frozenset("aeiouy")
_LDH = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_SPLIT = re.compile(r"[.\u3002\uff0e\uff61]")  # IDNA's dots: ideographic and full-width too

#: Words attackers add to a brand (combosquatting), from phishing reporting.
COMBO_WORDS = (
    "login", "signin", "secure", "account", "accounts", "verify", "verification", "auth",
    "sso", "mail", "webmail", "email", "news", "media", "press", "online", "portal",
    "support", "help", "service", "update", "docs", "drive", "cloud", "share", "file",
    "files", "download", "my", "app", "web", "cdn", "official", "team", "center",
    "interview", "research", "editor", "desk",
)  # fmt: skip

#: Single letters put before a brand as a product prefix (``inaver``, ``enaver``,
#: ``mnaver``: i-, e-, m- services): a combosquat, also under another suffix.
_LETTER_PREFIXES = frozenset({"i", "e", "m"})
_LETTER_SKELETONS = _LETTER_PREFIXES | {skeleton(p) for p in _LETTER_PREFIXES}
#: Words that may stand right before a brand with no hyphen (``loginnytimes``): a
#: brand glued to the end of any other word is usually a real word (``pinknews``).
_LURE_WORDS = frozenset(COMBO_WORDS) | {"the", "www", "real", "daily", "get", "go", "new"}
_LURE_SKELETONS = _LURE_WORDS | {skeleton(word) for word in _LURE_WORDS}
#: The words that make a claim next to a protected name that is a common word
#: (``state-login``, ``secure-state``): sign-in and account words only — ``statenews``,
#: ``thestate``, ``mystate`` and ``appstate`` are real names.
_CREDENTIAL_WORDS = frozenset({
    "login", "signin", "secure", "account", "accounts", "verify", "verification", "auth", "sso",
    "mail", "webmail", "email", "portal", "support", "help", "service", "update", "docs",
    "drive", "cloud", "share", "file", "files", "download", "official", "online",
})
_CREDENTIAL_SKELETONS = _CREDENTIAL_WORDS | {skeleton(word) for word in _CREDENTIAL_WORDS}
#: Plural endings (``reuterses``): a permutation, not another word.
_PLURALS = frozenset({"s", "es", skeleton("es")})

#: A host name with at least one non-ASCII letter (the observable extractor reads
#: ASCII and ``xn--`` names only): labels of letters, digits and hyphens.
_UNICODE_HOST = re.compile(r"(?<![\w.-])(?:[^\W_](?:[\w-]{0,62}\.))+[^\W\d_]{2,63}(?![\w-])")
#: QWERTY, QWERTZ and AZERTY letter rows (a neighbour on any of them counts).
_KEYBOARDS = (
    ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)


def _keyboard() -> dict[str, str]:
    """Neighbours of each key (same row and the rows above and below)."""
    near: dict[str, set[str]] = {}
    for rows in _KEYBOARDS:
        position = {ch: (r, c) for r, row in enumerate(rows) for c, ch in enumerate(row)}
        for ch, (r, c) in position.items():
            for other, (r2, c2) in position.items():
                if other != ch and abs(r - r2) <= 1 and -1 <= c2 - c <= 1 + (r2 < r) - (r2 > r):
                    near.setdefault(ch, set()).add(other)
    return {ch: "".join(sorted(found)) for ch, found in near.items()}


KEYBOARD = _keyboard()


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A candidate domain that imitates a protected one.

    ``domain`` is the candidate as an ASCII host name (IDNA ``xn--`` form when it has
    non-ASCII labels), ``unicode`` its readable form, ``imitates`` the protected
    domain, ``kinds`` how (see :data:`KINDS`), ``score`` how close in [0, 1] and
    ``evidence`` what matched, in words.
    """

    domain: str
    imitates: str
    kinds: tuple[str, ...]
    score: float
    evidence: str
    unicode: str = ""
    candidate: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score!r} is outside [0, 1]")
        if not self.kinds or any(kind not in KINDS for kind in self.kinds):
            raise ValueError(f"unknown kinds {self.kinds!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "unicode": self.unicode or self.domain,
            "imitates": self.imitates,
            "kinds": list(self.kinds),
            "score": self.score,
            "evidence": self.evidence,
            "candidate": self.candidate or self.domain,
        }


@dataclass(frozen=True, slots=True)
class SkippedCandidate:
    """A candidate that could not be compared, and why (empty, an IP address …)."""

    candidate: str
    reason: str


@dataclass(frozen=True, slots=True)
class Permutation:
    """A name an attacker could register to imitate a domain: ``domain`` (ASCII/IDNA),
    ``unicode`` (readable form) and the ``kind`` of permutation."""

    domain: str
    kind: str
    unicode: str

    def to_dict(self) -> dict[str, str]:
        return {"domain": self.domain, "kind": self.kind, "unicode": self.unicode}


@dataclass(frozen=True, slots=True)
class _Host:
    """A candidate split into its parts (Unicode form for comparing)."""

    candidate: str
    ascii: str
    unicode: str
    registrable: str  # ASCII form of the registrable domain
    label: str  # registrable label, Unicode
    suffix: str  # public suffix, Unicode
    subs: tuple[str, ...]  # subdomain labels, Unicode, left to right


@dataclass(frozen=True, slots=True)
class _Brand:
    domain: str
    label: str
    suffix: str
    skel: str
    max_distance: int
    #: The label is an English word (``state``) or is in many real domain names
    #: (``naver``: navercorp.com, naver.jp ...): a substring is no claim on its own.
    common: bool = False


@dataclass(slots=True)
class _Hit:
    kinds: list[str] = field(default_factory=list)
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def add(self, kind: str, score: float, evidence: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        if evidence not in self.evidence:
            self.evidence.append(evidence)
        self.score = max(self.score, score)


def _label_chars_ok(label: str) -> bool:
    return bool(label) and all(ch.isalnum() or ch == "-" for ch in label) and label[0] != "-" and label[-1] != "-"


def _decode_label(label: str) -> str | None:
    """The Unicode form of an ``xn--`` label, or None when it is not a valid A-label.

    Punycode directly (the IDNA 2003 codec's nameprep costs ~100 µs a label): the
    decoded label must hold a non-ASCII letter, only letters, digits and hyphens, and
    encode back to the same A-label.
    """
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return None
    if decoded.isascii() or not _label_chars_ok(decoded) or decoded != unicodedata.normalize("NFC", decoded).lower():
        return None
    return decoded if _encode_label(decoded) == label else None


def _encode_label(label: str) -> str | None:
    """The ASCII (A-label) form of a lower-case NFC label, or None when it is not one."""
    if label.isascii():
        return label
    if not _label_chars_ok(label):
        return None
    try:
        encoded = "xn--" + label.encode("punycode").decode("ascii")
    except UnicodeError:
        return None
    return encoded if len(encoded) <= _MAX_LABEL else None


def normalize_host(candidate: str) -> tuple[str, str] | str:
    """``(ascii, unicode)`` forms of a host name, or the reason it is not one.

    Lower-cases, strips white space, a trailing dot and a leading ``*.``; takes the
    host out of a URL or e-mail address; decodes ``xn--`` labels and encodes
    Unicode ones.
    """
    text = candidate.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
        text = re.split(r"[/?#]", text, maxsplit=1)[0]
        text = text.rsplit("@", 1)[-1]
        if not text.startswith("["):
            text = text.split(":", 1)[0]
    elif "@" in text:
        text = text.rsplit("@", 1)[1]
    head, colon, port = text.rpartition(":")
    if colon and port.isdigit() and ":" not in head:
        text = head  # host:port
    text = text.lower().rstrip(".")
    while text.startswith("*."):
        text = text[2:]
    if not text:
        return "empty"
    if len(text) > 4 * _MAX_HOST:
        return "longer than a host name can be"
    if _IPV4.fullmatch(text) or text.startswith("[") or (":" in text and all(c in "0123456789abcdef:." for c in text)):
        return "IP address"
    labels = _SPLIT.split(text)
    bad = next((ch for ch in text if not (ch.isalnum() or ch in ".-_\u3002\uff0e\uff61")), None)
    if bad is not None:
        return f"invalid character {bad!r}"
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    for label in labels:
        if not label:
            return "empty label"
        if label.isascii():
            if len(label) > _MAX_LABEL:
                return "label longer than 63 characters"
            if not _LDH.fullmatch(label.replace("_", "a")):
                return f"invalid label {label!r}"
            decoded = _decode_label(label) if label.startswith("xn--") else None
            if label.startswith("xn--") and decoded is None:
                return f"invalid IDNA label {label!r}"
            ascii_labels.append(label)
            unicode_labels.append(decoded or label)
        else:
            if len(label) > _MAX_LABEL:
                return "label longer than 63 characters"
            label = unicodedata.normalize("NFKC", label).lower()
            encoded = _encode_label(label)
            if encoded is None:
                return f"label {label!r} cannot be encoded as IDNA"
            ascii_labels.append(encoded.lower())
            unicode_labels.append(label)
        if len(ascii_labels[-1]) > _MAX_LABEL:
            return "label longer than 63 characters"
    ascii_host = ".".join(ascii_labels)
    if len(ascii_host) > _MAX_HOST:
        return "longer than 253 characters"
    return ascii_host, ".".join(unicode_labels)


def _split(candidate: str, suffixes: SuffixIndex) -> _Host | str:
    forms = normalize_host(candidate)
    if isinstance(forms, str):
        return forms
    ascii_host, unicode_host = forms
    # Private-section suffixes too (``github.io``, ``blogspot.com``): ``nytimes.github.io``
    # is someone's site named nytimes; a private suffix itself (``x0.com``) is a domain.
    suffix = suffixes.public_suffix(ascii_host, private=True)
    if suffix == ascii_host:
        suffix = suffixes.public_suffix(ascii_host)
    if suffix is None or not suffixes.is_tld(suffix.rsplit(".", 1)[-1]):
        return "no known public suffix"
    if suffix == ascii_host:
        return "a public suffix, not a registrable domain"
    n_suffix = suffix.count(".") + 1
    ascii_labels = ascii_host.split(".")
    unicode_labels = unicode_host.split(".")
    registrable = ".".join(ascii_labels[-n_suffix - 1 :])
    return _Host(
        candidate=candidate,
        ascii=ascii_host,
        unicode=unicode_host,
        registrable=registrable,
        label=unicode_labels[-n_suffix - 1],
        suffix=".".join(unicode_labels[-n_suffix:]),
        subs=tuple(unicode_labels[: -n_suffix - 1]),
    )


def _max_distance(label: str, strict: bool = True) -> int:
    if len(label) <= 3:
        return 0 if strict else 1
    if len(label) <= 9:
        return 1
    return 2


def _typo_kind(candidate: str, brand: str) -> tuple[str, float] | None:
    """The single edit that turns ``brand`` into ``candidate``, and its score."""
    lc, lb = len(candidate), len(brand)
    if lc == lb + 1:
        for i in range(lb + 1):
            if candidate[:i] + candidate[i + 1 :] == brand:
                inserted = candidate[i]
                if inserted == "-":
                    return "hyphenation", 0.85
                if (i > 0 and candidate[i - 1] == inserted) or (i < lb and brand[i] == inserted):
                    return "repetition", 0.85
                return "insertion", 0.8
        return None
    if lc == lb - 1:
        for i in range(lb):
            if brand[:i] + brand[i + 1 :] == candidate:
                if i > 0 and brand[i - 1] == brand[i]:
                    return "omission", 0.85  # a doubled letter written once
                return "omission", 0.8
        return None
    if lc != lb:
        return None
    diffs = [i for i in range(lb) if candidate[i] != brand[i]]
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i = diffs[0]
        if candidate[i] == brand[i + 1] and candidate[i + 1] == brand[i]:
            return "transposition", 0.85
    if len(diffs) != 1:
        return None
    a, b = brand[diffs[0]], candidate[diffs[0]]
    if a in _VOWELS and b in _VOWELS:
        return "vowel-swap", 0.8
    if a.isascii() and b.isascii() and bin(ord(a) ^ ord(b)).count("1") == 1:
        return "bitsquatting", 0.75
    if b in KEYBOARD.get(a, ""):
        return "replacement", 0.8
    if lb >= 8:
        return "replacement", 0.7
    return None


def _names(label: str) -> str:
    """The Unicode names of a label's non-ASCII characters, for evidence."""
    names = []
    for ch in dict.fromkeys(label):
        if not ch.isascii():
            names.append(f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}")
    return ", ".join(names)


def unicode_hosts(text: str) -> list[tuple[str, int, int]]:
    """``(host, start, end)`` of every host name written with non-ASCII letters in ``text``.

    The observable extractor finds ASCII and ``xn--`` names; a homograph written out
    in Unicode (``nуtimes.com`` with a Cyrillic у) is found here. Pure and linear:
    nothing is done for an ASCII text.
    """
    if text.isascii():
        return []
    found = []
    for match in _UNICODE_HOST.finditer(text):
        host = match.group(0)
        if not host.isascii() and "_" not in host:
            found.append((host, match.start(), match.end()))
    return found


class LookalikeIndex:
    """The protected domains compiled for matching; reuse it across many calls.

    Raises :class:`~unmask.errors.ConfigError` when a protected domain is not a
    registrable host name under a public suffix. ``strict=False`` turns off the
    short-brand rules (edit distance and glued combosquats on labels of four letters
    or fewer, edits with a suffix swap on six or fewer); it exists to measure them.
    """

    def __init__(self, protected: Iterable[str], *, suffixes: SuffixIndex | None = None, strict: bool = True) -> None:
        self.suffixes = suffixes if suffixes is not None else load_suffixes()
        # ``strict=False`` drops the short-brand rules (for measuring what they save).
        self._short = _SHORT if strict else 0
        self._medium = _MEDIUM if strict else 0
        brands: dict[str, _Brand] = {}
        for raw in protected:
            if not isinstance(raw, str):
                raise ConfigError(f"protected domain must be text, got {type(raw).__name__}")
            if not raw.strip() or raw.strip().startswith("#"):
                continue
            host = _split(raw, self.suffixes)
            if isinstance(host, str):
                raise ConfigError(f"protected domain {raw!r} is not usable: {host}")
            domain = host.registrable
            if domain not in brands:
                label = host.label
                brands[domain] = _Brand(domain, label, host.suffix, skeleton(label), _max_distance(label, strict),
                                        common=strict and common_brand(label, domain))
        if not brands:
            raise ConfigError("no protected domain given (pass at least one registrable domain such as example.org)")
        self.brands: tuple[_Brand, ...] = tuple(brands.values())
        self.domains = frozenset(brands)
        #: Protected domains whose name is a common word or in many real domain names:
        #: next to them only a sign-in or account word (or the suffix written out) counts.
        self.common_domains = tuple(b.domain for b in self.brands if b.common)
        self._by_skeleton: dict[str, list[int]] = {}
        self._by_loose: dict[str, list[int]] = {}
        for i, brand in enumerate(self.brands):
            self._by_skeleton.setdefault(brand.skel, []).append(i)
            self._by_loose.setdefault(loose_skeleton(brand.label), []).append(i)
        self._distance_ids = np.array(
            [i for i, b in enumerate(self.brands) if b.max_distance or len(b.label) == self._short], dtype=np.int64
        )
        self._distance_skels = [self.brands[i].skel for i in self._distance_ids]
        self._distance_labels = [self.brands[i].label for i in self._distance_ids]
        self._limits = np.array([max(self.brands[i].max_distance, 1) for i in self._distance_ids], dtype=np.int32)
        # Every name permutations() lists for a protected domain is reported by scan
        # (a watch list fed from permute must not hold names the scanner ignores).
        self._permuted: dict[str, list[tuple[int, str]]] = {}
        # Brands of seven letters or more need no list: their rules already report
        # every permutation (a test checks it), and listing costs ~10 ms a domain.
        for i, brand in enumerate(self.brands):
            if len(brand.label) > _MEDIUM:
                continue
            for name, kind in _permutation_kinds(brand.domain, self.suffixes):
                self._permuted.setdefault(name, []).append((i, kind))
        self._by_vowels: dict[tuple[str, str], list[int]] = {}
        for i, brand in enumerate(self.brands):
            key = _vowel_key(brand.skel)
            if key is not None and len(brand.label) > _SHORT:
                self._by_vowels.setdefault(key, []).append(i)
        automaton = ahocorasick.Automaton()
        words: dict[str, list[int]] = {}
        for i, brand in enumerate(self.brands):
            words.setdefault(brand.skel, []).append(i)
            if brand.label != brand.skel:  # ``centernytimes``: the skeleton reads ``rn`` across words as ``m``
                words.setdefault(brand.label, []).append(i)
        for word, ids in words.items():
            automaton.add_word(word, (len(word), tuple(ids)))
        automaton.make_automaton()
        self._automaton = automaton

    # -- matching --------------------------------------------------------------

    def _own(self, host: _Host) -> bool:
        return host.registrable in self.domains

    def _exact(self, host: _Host, skel: str, hits: dict[int, _Hit]) -> None:
        label = host.label
        for i in self._by_skeleton.get(skel, ()):
            brand = self.brands[i]
            swapped = host.suffix != brand.suffix
            if label == brand.label:
                if swapped and brand.common and host.suffix not in _SWAP_SET:
                    continue  # state.ak.us, state.nj.us: the word under a regional suffix
                if swapped:
                    hits.setdefault(i, _Hit()).add(
                        "tld-swap", 0.8, f"label {label!r} under .{host.suffix} instead of .{brand.suffix}"
                    )
                continue
            hit = hits.setdefault(i, _Hit())
            detail = f"{label!r} reads as {brand.label!r}"
            if not label.isascii():
                detail += f" ({_names(label)})"
            hit.add("homoglyph", 0.85 if swapped else 0.95, detail)
            if swapped:
                hit.add("tld-swap", 0.85, f"under .{host.suffix} instead of .{brand.suffix}")
        loose = loose_skeleton(label)
        for i in self._by_loose.get(loose, ()):
            brand = self.brands[i]
            swapped = host.suffix != brand.suffix
            if i in hits or (swapped and (len(brand.label) <= self._short or brand.common)) or label == brand.label:
                continue
            hit = hits.setdefault(i, _Hit())
            hit.add("homoglyph", 0.7 if swapped else 0.8,
                    f"{label!r} reads as {brand.label!r} in small type (c/e, v/u, q/g, lc/k, nn/m)")
            if swapped:
                hit.add("tld-swap", 0.7, f"under .{host.suffix} instead of .{brand.suffix}")
        if "-" in label:
            joined = skeleton(label.replace("-", ""))
            for i in self._by_skeleton.get(joined, ()):
                brand = self.brands[i]
                hit = hits.setdefault(i, _Hit())
                hit.add("hyphenation", 0.8 if host.suffix != brand.suffix else 0.85,
                        f"{label!r} is {brand.label!r} with hyphens added")
                if host.suffix != brand.suffix:
                    hit.add("tld-swap", 0.8, f"under .{host.suffix} instead of .{brand.suffix}")
        # A dot inside the label: ``nyti.mes.com`` (the last subdomain label joined on).
        if host.subs:
            joined = skeleton(host.subs[-1] + label)
            for i in self._by_skeleton.get(joined, ()):
                brand = self.brands[i]
                if len(brand.label) > self._short or host.suffix == brand.suffix:
                    hits.setdefault(i, _Hit()).add(
                        "dot-insertion", 0.85, f"{host.subs[-1]}.{label} is {brand.label!r} with a dot added"
                    )

    def _edits(self, host: _Host, skel: str, distances: np.ndarray[Any, Any], hits: dict[int, _Hit]) -> None:
        for j in np.nonzero(distances <= self._limits)[0]:
            distance = int(distances[j])
            if distance == 0:
                continue  # equal skeletons: handled by _exact
            i = int(self._distance_ids[j])
            if i in hits:
                continue  # already explained by an exact rule (hyphenation, tld-swap …)
            brand = self.brands[i]
            label = host.label
            kind: tuple[str, float] | None = None
            raw = OSA.distance(label, brand.label)
            homoglyph = raw > distance
            if not homoglyph:
                kind = _typo_kind(label, brand.label) if raw == 1 else ("typo", 0.65)
            else:
                kind = _typo_kind(skel, brand.skel) if distance == 1 else ("typo", 0.6)
            if kind is None:
                if distance == 1:
                    continue  # a replacement that is neither a neighbour key nor a bit flip, on a short label
                kind = ("typo", 0.6)
            if len(brand.label) <= self._short and kind[0] not in ("transposition", "repetition"):
                continue
            swapped = host.suffix != brand.suffix
            if swapped and len(brand.label) <= self._medium:
                continue  # an edit and another suffix on a short label: too many real names
            hit = hits.setdefault(i, _Hit())
            score = kind[1] - (0.05 if homoglyph else 0.0)
            if swapped:
                score -= 0.1
            hit.add(kind[0], score, f"{label!r} is {distance} edit(s) from {brand.label!r} ({kind[0]})")
            if homoglyph:
                hit.add("homoglyph", score, f"{label!r} mixes look-alike characters" +
                        (f" ({_names(label)})" if not label.isascii() else ""))
            if swapped:
                hit.add("tld-swap", score, f"under .{host.suffix} instead of .{brand.suffix}")

    def _words(self, text: str) -> Iterator[tuple[int, int, int]]:
        """``(start, end, brand id)`` of every brand skeleton inside ``text``."""
        for end, (length, ids) in self._automaton.iter(text):
            for i in ids:
                yield end - length + 1, end + 1, i

    def _combo_words(self, skel: str, label: str) -> Iterator[tuple[str, int, int, int]]:
        """Brand words in the label's skeleton and, when it differs, in the label itself."""
        found: set[int] = set()
        for text in dict.fromkeys((skel, label)):
            for start, end, i in self._words(text):
                if i not in found:
                    found.add(i)
                    yield text, start, end, i

    def _combos(self, host: _Host, label_skel: str, hits: dict[int, _Hit]) -> None:
        if len(label_skel) > 4 * _MAX_LABEL:
            return
        for skel, start, end, i in self._combo_words(label_skel, host.label):
            brand = self.brands[i]
            if start == 0 and end == len(skel):
                continue
            before, after = skel[:start], skel[end:]
            left = start == 0 or before[-1] == "-"
            right = end == len(skel) or after[0] == "-"
            separated = (start > 0 and before[-1] == "-") or (end < len(skel) and after[0] == "-")
            if brand.common:
                # A common word (``state``) is in thousands of names (statefarm,
                # ohio-state): only a lure word next to it, or the protected suffix
                # written out (``state-gov``), makes a claim.
                parts = [p for p in re.split(r"-+", before + " " + after) for p in p.split() if p]
                # A name in many real domains that is no English word (``naver``,
                # ``reuters``) counts next to the words attackers add (``bbc-news``,
                # ``naver-login``) and the product letters (``inaver``), not next to any
                # word (``navercorp``, ``reutersagency``, ``hk-bbc``); an English word
                # only next to a sign-in or account word (``estate`` is no state.gov).
                allowed = _CREDENTIAL_SKELETONS if brand.label in _common_words() else (
                    _CREDENTIAL_SKELETONS | _LURE_SKELETONS | _LETTER_SKELETONS | _PLURALS)
                # the protected suffix written out, whole or label by label (``state-gov``,
                # ``bbc-co-uk``, ``bbc-uk``), makes a claim too
                written = {skeleton(brand.suffix.replace(".", "")), *map(skeleton, brand.suffix.split("."))}
                if not parts or any(p not in allowed and p not in written for p in parts):
                    continue
            if len(brand.label) <= self._short:
                if not (left and right):
                    continue  # short brands only as a hyphenated word: ``bbc-news``
            else:
                # Glued on the left only after a lure word (``loginnytimes``, not ``pinknews``).
                if not left and before.rsplit("-", 1)[-1] not in _LURE_SKELETONS | _LETTER_SKELETONS:
                    continue
                if not separated and len(before) + len(after) < 2 and before not in _LETTER_SKELETONS:
                    continue  # one letter added: a typo, not a word (handled by _edits)
            score = 0.7 if separated else 0.6
            label = host.label
            if brand.label in label:
                extra = [part.strip("-") for part in label.split(brand.label, 1)]
                words = " and ".join(repr(part) for part in extra if part)
                detail = f"{label!r} is {brand.label!r} plus {words}"
            else:
                detail = f"{label!r} holds a look-alike of {brand.label!r}"
            if brand.common:
                detail += (f" ({brand.label!r} is a common word or part of many real domain names: only "
                           "a word attackers add, such as 'login', 'secure' or 'news' (for an English word "
                           "a sign-in or account word), or the suffix written out, counts next to it)")
            hits.setdefault(i, _Hit()).add("combosquat", score, detail)

    def _subdomains(self, host: _Host, hits: dict[int, _Hit]) -> None:
        if not host.subs:
            return
        subs = skeleton(".".join(host.subs))
        text = subs + "." + skeleton(host.label) + "." + skeleton(host.suffix)
        if len(text) > 4 * _MAX_HOST:
            return
        for start, end, i in self._words(text):
            if start >= len(subs):
                break
            brand = self.brands[i]
            if start > 0 and text[start - 1] not in ".-":
                continue
            rest = text[end:]
            suffix = skeleton(brand.suffix)
            whole = any(
                rest == sep + suffix.replace(".", sep) or rest.startswith(sep + suffix.replace(".", sep) + nxt)
                for sep in ".-"
                for nxt in ".-"
            )
            bare = end <= len(subs) and rest[0] in ".-"
            if (len(brand.label) <= self._short or brand.common) and not whole:
                continue  # a short or common word in a subdomain: only the whole domain counts
            if not whole and not bare:
                continue
            hit = hits.setdefault(i, _Hit())
            where = ".".join(host.subs)
            if whole:
                hit.add("subdomain", 0.85, f"{brand.domain} written into {host.unicode!r} before {host.registrable}")
            else:
                hit.add("subdomain", 0.65, f"{brand.label!r} in the subdomain {where!r} of {host.registrable}")

    def _vowel_shuffle(self, host: _Host, skel: str, hits: dict[int, _Hit]) -> None:
        """The brand's vowels in another order (``nevar`` for ``naver``): two edits, but
        the word reads the same at a glance."""
        key = _vowel_key(skel)
        for i in self._by_vowels.get(key, ()) if key is not None else ():
            brand = self.brands[i]
            if i not in hits and skel != brand.skel:
                score = 0.75 if host.suffix == brand.suffix else 0.7
                hits.setdefault(i, _Hit()).add(
                    "vowel-swap", score, f"{host.label!r} is {brand.label!r} with its vowels swapped")

    def _listed(self, host: _Host, hits: dict[int, _Hit]) -> None:
        """A name :func:`permutations` lists for a protected domain (the host or its
        registrable domain), when no other rule explained it."""
        for name in dict.fromkeys((host.ascii, host.registrable)):
            for i, kind in self._permuted.get(name, ()):
                if i not in hits:
                    brand = self.brands[i]
                    hits[i] = _Hit()
                    hits[i].add(kind, 0.7, f"{name} is a {kind} permutation of {brand.domain} "
                                           "(one that unmask lookalike permute lists)")

    def _match_chunk(self, hosts: list[tuple[_Host, str]]) -> Iterator[Lookalike]:
        matrix: np.ndarray[Any, Any] | None = None
        if len(self._distance_ids):
            queries = [skel if len(skel) <= 4 * _MAX_LABEL else "" for _, skel in hosts]
            matrix = cdist(queries, self._distance_skels, scorer=OSA.distance, score_cutoff=2, dtype=np.int32)
            # The plain labels too: a typo can break a look-alike pair (``brnokings``).
            labels = [host.label if len(host.label) <= _MAX_LABEL else "" for host, _ in hosts]
            plain = cdist(labels, self._distance_labels, scorer=OSA.distance, score_cutoff=2, dtype=np.int32)
            np.minimum(matrix, plain, out=matrix)
        for row, (host, skel) in enumerate(hosts):
            hits: dict[int, _Hit] = {}
            self._exact(host, skel, hits)
            if matrix is not None:
                self._edits(host, skel, matrix[row], hits)
            self._combos(host, skel, hits)
            self._subdomains(host, hits)
            self._vowel_shuffle(host, skel, hits)
            self._listed(host, hits)
            for i, hit in sorted(hits.items(), key=lambda item: -item[1].score):
                brand = self.brands[i]
                yield Lookalike(
                    domain=host.ascii,
                    imitates=brand.domain,
                    kinds=tuple(hit.kinds),
                    score=round(min(1.0, hit.score + 0.03 * (len(hit.kinds) - 1)), 2),
                    evidence="; ".join(hit.evidence),
                    unicode=host.unicode,
                    candidate=host.candidate,
                )

    def scan(
        self,
        domains: Iterable[str],
        *,
        on_skip: Callable[[SkippedCandidate], None] | None = None,
    ) -> Iterator[Lookalike]:
        """Lookalikes among ``domains``, streamed in input order (chunks of 2048)."""
        chunk: list[tuple[_Host, str]] = []
        for candidate in domains:
            if not isinstance(candidate, str):
                if on_skip is not None:
                    on_skip(SkippedCandidate(repr(candidate), f"not text ({type(candidate).__name__})"))
                continue
            host = _split(candidate, self.suffixes)
            if isinstance(host, str):
                if on_skip is not None:
                    on_skip(SkippedCandidate(candidate, host))
                continue
            if self._own(host):
                continue
            chunk.append((host, skeleton(host.label)))
            if len(chunk) >= _CHUNK:
                yield from self._match_chunk(chunk)
                chunk = []
        if chunk:
            yield from self._match_chunk(chunk)


def iter_lookalikes(
    domains: Iterable[str],
    protected: Iterable[str] | LookalikeIndex,
    *,
    on_skip: Callable[[SkippedCandidate], None] | None = None,
) -> Iterator[Lookalike]:
    """Stream the lookalikes among ``domains`` (any iterable, read once)."""
    index = protected if isinstance(protected, LookalikeIndex) else LookalikeIndex(protected)
    return index.scan(domains, on_skip=on_skip)


def find_lookalikes(
    domains: Iterable[str],
    protected: Iterable[str] | LookalikeIndex,
    *,
    on_skip: Callable[[SkippedCandidate], None] | None = None,
) -> list[Lookalike]:
    """Every candidate in ``domains`` that imitates a ``protected`` domain.

    One :class:`Lookalike` per (candidate, protected domain) pair, in input order,
    best score first within a candidate. Candidates that are not host names (empty,
    IP addresses, invalid IDNA, no public suffix) are passed to ``on_skip``; the
    protected domains and their subdomains are never reported.
    """
    return list(iter_lookalikes(domains, protected, on_skip=on_skip))


# -- permutations ---------------------------------------------------------------

#: Public suffixes tried by ``tld-swap`` besides the domain's own.
SWAP_SUFFIXES = (
    "com", "net", "org", "info", "biz", "co", "io", "me", "us", "uk", "co.uk", "org.uk",
    "de", "fr", "eu", "ru", "cn", "kr", "co.kr", "or.kr", "jp", "in", "online", "site",
    "xyz", "top", "live", "news", "press", "email", "cc", "tv", "ws", "pw", "to", "ai",
    "app", "dev", "club", "space", "store", "tech", "link", "click", "center", "global",
)  # fmt: skip



_SWAP_SET = frozenset(SWAP_SUFFIXES)


def _vowel_key(skel: str) -> tuple[str, str] | None:
    """``(consonants with vowel slots, sorted vowels)`` of a skeleton with two vowels or
    more (``naver`` and ``nevar`` share ``("n*v*r", "ae")``), else None."""
    vowels = [ch for ch in skel if ch in "aeiou"]
    if len(vowels) < 2 or len(set(vowels)) < 2:
        return None
    return re.sub(r"[aeiou]", "*", skel), "".join(sorted(vowels))
#: At most this many two-character homoglyph forms per domain.
_MAX_DOUBLE_HOMOGLYPHS = 600


#: A protected name found in this many other registrable domains of the popular-site
#: lists is treated like a common word.
_WIDESPREAD = 3
#: The MISP warninglists of popular sites read for that (Cisco Umbrella top 20k,
#: Majestic top 10k, Tranco top 10k, Alexa top 1000, Moz top 500).
_POPULAR_LISTS = ("cisco_top20k", "majestic_million", "tranco10k", "alexa", "moz-top500")


@lru_cache(maxsize=1)
def _popular_registrables() -> tuple[tuple[str, str], ...]:
    """``(label, registrable domain)`` of every host on the popular-site lists."""
    import json

    from unmask.reference.sources import warninglists_dir

    suffixes = load_suffixes()
    found: set[tuple[str, str]] = set()
    for name in _POPULAR_LISTS:
        path = warninglists_dir() / name / "list.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8")).get("list", [])
        except (OSError, ValueError):
            continue
        for entry in entries:
            if not isinstance(entry, str):
                continue
            host = _split(entry.strip().strip(".").lower(), suffixes)
            if not isinstance(host, str):
                found.add((host.label, host.registrable))
    return tuple(sorted(found))


@lru_cache(maxsize=4096)
def _widespread(label: str, registrable: str) -> bool:
    """Whether ``label`` is part of at least :data:`_WIDESPREAD` popular registrable
    domains other than ``registrable`` (its own sites under other suffixes, its
    products, other companies' names): ``naver`` (naver.jp, naver.net, navercorp.com),
    ``bbc``, ``reuters`` — not ``nytimes`` or ``csis``."""
    if len(label) < 3:
        return False
    count = 0
    for other, domain in _popular_registrables():
        if label in other and domain != registrable:
            count += 1
            if count >= _WIDESPREAD:
                return True
    return False


def common_brand(label: str, registrable: str) -> bool:
    """A protected name that needs more than a substring to be imitated: an English word
    of four letters or more (``state``), or a name in many real domains (``naver``)."""
    return label.isascii() and (label in _common_words() or _widespread(label, registrable))


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """English words of four letters or more (english-words), for common-word brands."""
    from unmask.reference.actor_names import english_words

    return frozenset(w for w in english_words() if len(w) >= 4)


@lru_cache(maxsize=4096)
def _permutation_kinds(domain: str, suffixes: SuffixIndex) -> tuple[tuple[str, str], ...]:
    """``(name, kind)`` of every permutation of ``domain`` (cached: an index is built for
    each triaged message)."""
    try:
        return tuple((p.domain, p.kind) for p in permutations(domain, suffixes=suffixes))
    except ConfigError:
        return ()


def _label_ok(label: str) -> bool:
    if not _LDH.fullmatch(label):
        return False
    return not (label[2:4] == "--" and not label.startswith("xn--"))


def permutations(domain: str, *, suffixes: SuffixIndex | None = None) -> list[Permutation]:
    """Names that could imitate ``domain``, each with its kind, deduplicated.

    Permutes the registrable label (``example`` in ``www.example.org``): addition,
    bitsquatting, homoglyph (IDNA-encoded), hyphenation, insertion, omission,
    repetition, replacement, transposition, vowel-swap, dot-insertion, tld-swap and
    combosquat. Only valid host names under a known public suffix are listed; the
    domain itself is not. Raises :class:`~unmask.errors.ConfigError` when ``domain``
    has no registrable part.
    """
    index = suffixes if suffixes is not None else load_suffixes()
    host = _split(domain, index)
    if isinstance(host, str):
        raise ConfigError(f"cannot permute {domain!r}: {host}")
    label, suffix = host.label, host.suffix
    if not label.isascii():
        raise ConfigError(f"cannot permute {domain!r}: its label is not ASCII")
    seen: dict[str, Permutation] = {}
    original = host.registrable

    def emit(kind: str, new_label: str, new_suffix: str = suffix) -> None:
        ascii_label = _encode_label(new_label)
        if ascii_label is None or not _label_ok(ascii_label) or (new_label == label and new_suffix == suffix):
            return
        if not new_label.isascii() and skeleton(new_label) != skeleton(label):
            return
        ascii_suffix = ".".join(_encode_label(part) or "" for part in new_suffix.split("."))
        name = f"{ascii_label}.{ascii_suffix}"
        if name == original or name in seen or len(name) > _MAX_HOST:
            return
        if index.public_suffix(name, private=True) != ascii_suffix:
            return
        seen[name] = Permutation(name, kind, f"{new_label}.{new_suffix}")

    n = len(label)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    for i, ch in enumerate(label):
        for glyph in HOMOGLYPHS.get(ch, ()):
            emit("homoglyph", label[:i] + glyph + label[i + 1 :])
    for ch, glyphs in HOMOGLYPHS.items():
        if label.count(ch) > 1:
            for glyph in glyphs:
                emit("homoglyph", label.replace(ch, glyph))
    for longer, shorter in (("rn", "m"), ("vv", "w"), ("cl", "d")):
        if longer in label:
            emit("homoglyph", label.replace(longer, shorter))
    # Two look-alike characters at once (dnstwist's second homoglyph pass), and every
    # letter that has a Cyrillic twin replaced by it.
    singles = [(i, glyph) for i, ch in enumerate(label) for glyph in HOMOGLYPHS.get(ch, ())]
    pairs = 0
    for a in range(len(singles)):
        for b in range(a + 1, len(singles)):
            (i, g), (j, h) = singles[a], singles[b]
            if i != j and pairs < _MAX_DOUBLE_HOMOGLYPHS:
                pairs += 1
                emit("homoglyph", label[:i] + g + label[i + 1 : j] + h + label[j + 1 :])
    cyrillic = "".join(next((g for g in HOMOGLYPHS.get(ch, ()) if "\u0400" <= g <= "\u04ff"), ch) for ch in label)
    emit("homoglyph", cyrillic)
    for i in range(2, n - 2):  # dnstwist's "plural": nytimes -> nytsimes, newss
        emit("plural", label[: i + 1] + ("es" if label[i] in "sxz" else "s") + label[i + 1 :])
    emit("plural", label + ("es" if label[-1] in "sxz" else "s"))
    for i in range(n - 1):
        emit("transposition", label[:i] + label[i + 1] + label[i] + label[i + 2 :])
    for i in range(n):
        emit("omission", label[:i] + label[i + 1 :])
        emit("repetition", label[:i + 1] + label[i] + label[i + 1 :])
    for i, ch in enumerate(label):
        for near in KEYBOARD.get(ch, ""):
            emit("replacement", label[:i] + near + label[i + 1 :])
        for near in KEYBOARD.get(ch, ""):
            emit("insertion", label[:i] + near + label[i:])
            emit("insertion", label[:i + 1] + near + label[i + 1 :])
        if ch in _VOWELS:
            for vowel in "aeiou":
                emit("vowel-swap", label[:i] + vowel + label[i + 1 :])
        for bit in range(8):
            flipped = chr(ord(ch) ^ (1 << bit))
            if flipped in letters or flipped == "-":
                emit("bitsquatting", label[:i] + flipped + label[i + 1 :])
    for i in range(1, n):
        emit("hyphenation", label[:i] + "-" + label[i:])
    for ch in letters:
        emit("addition", label + ch)
    ascii_suffix = ".".join(_encode_label(part) or "" for part in suffix.split("."))
    for i in range(1, n):
        left, right = label[:i], label[i:]
        name = f"{left}.{right}.{ascii_suffix}"
        if _label_ok(left) and _label_ok(right) and name not in seen and index.public_suffix(name, private=True) == ascii_suffix:
            seen[name] = Permutation(name, "dot-insertion", f"{left}.{right}.{suffix}")
    for other in SWAP_SUFFIXES:
        if other != suffix:
            emit("tld-swap", label, other)
    flat = suffix.replace(".", "-")
    emit("combosquat", f"{label}-{flat}")  # example-org.com
    if n > _SHORT:
        emit("combosquat", f"{label}{flat.replace('-', '')}")  # exampleorg.com
    for word in COMBO_WORDS:
        emit("combosquat", f"{label}-{word}")
        emit("combosquat", f"{word}-{label}")
        if n > _SHORT:
            emit("combosquat", f"{label}{word}")
            emit("combosquat", f"{word}{label}")
    return list(seen.values())
