"""Anti-virus detection names: the family a vendor's label names.

Vendors label what their engines detect with a closed grammar::

    <Category><sep>[<Platform><sep>]<Family>[<variant> ...]

``Backdoor.Korplug`` and ``Trojan.Hydraq`` (Symantec), ``Trojan.Win32.Kimsuky`` and
``Trojan-Spy.Win32.Zbot`` (Kaspersky), ``W32/Stuxnet`` (McAfee, Sophos),
``HackTool:Win32/Mimikatz`` and ``Backdoor:MSIL/Foo.A!dha`` (Microsoft). The category is
written as the vendors write it, so it is matched in its exact case from a closed list
("backdoor.The", a sentence run together, is none); the family must not be a platform,
another category, a generic label ("Agent", "Generic") or, unless the malware gazetteer
knows it, an English word. A detection name is strong malware context for its family
and is never part of an address: the label as a whole is the evidence.

One regular-expression pass over the text (each alternative opens with a literal, each
repeated part with a separator its neighbour cannot hold): linear time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from unmask.reference.malware import (
    MalwareEntry,
    MalwareGazetteer,
    malware_gazetteer,
    normalize_name,
)
from unmask.reference.regexes import compile_cached

__all__ = ["Detection", "detection_names"]

#: Categories as the vendors spell them (case-exact).
_CATEGORIES = (
    "Trojan", "Backdoor", "Infostealer", "HackTool", "Hacktool", "RiskTool", "Ransom", "Worm", "Virus",
    "Exploit", "Downloader", "Dropper", "TrojanDownloader", "TrojanDropper", "TrojanSpy", "Trojan-Spy",
    "Trojan-Dropper", "Trojan-Downloader", "Trojan-PSW", "Trojan-Banker", "Trojan-Ransom", "PWS", "PWSteal",
    "Spyware", "Rootkit", "Troj", "W32", "W64", "Win32", "Win64",
)
#: Platforms that may stand between the category and the family.
_PLATFORMS = (
    "Win32", "Win64", "W32", "W64", "MSIL", "Linux", "OSX", "MacOS", "AndroidOS", "Android", "JS", "VBS",
    "HTML", "PDF", "Java", "PHP", "Python", "Script", "X97M", "W97M", "O97M", "DOS", "Multi", "Unix", "BAT",
    "PowerShell", "iOS",
)
#: Labels that name no family: a heuristic or generic detection.
_GENERIC = frozenset(
    normalize_name(w)
    for w in (
        "Agent", "Generic", "Gen", "GenericKD", "Heur", "Heuristic", "Malware", "Small", "Krypt", "Kryptik",
        "Crypt", "Cryptor", "Crypter", "Injector", "Inject", "Packed", "Packer", "Obfuscated", "Suspicious",
        "Variant", "Tiny", "Dropper", "Downloader", "Backdoor", "Trojan", "Exploit", "Script", "Macro",
        "Shellcode", "Fakealert", "Unknown", "Ransom", "Ransomware", "Spy", "Stealer", "Bot", "Sample",
        "Dldr", "Drop", "Dloader", "Starter", "Runner", "Loader", "Wacatac", "PSW", "PWS", "Banker",
    )
) | frozenset(normalize_name(p) for p in _PLATFORMS) | frozenset(normalize_name(c) for c in _CATEGORIES)

_DETECTION = compile_cached(
    r"(?<![\w./\\@:-])(?:HEUR:|not-a-virus:)?"
    r"(?P<category>" + "|".join(sorted(map(re.escape, _CATEGORIES), key=len, reverse=True)) + r")[.:/]"
    r"(?:(?P<platform>" + "|".join(sorted(map(re.escape, _PLATFORMS), key=len, reverse=True)) + r")[./])?"
    r"(?P<family>[A-Z][A-Za-z0-9]{2,30})"
    r"(?:[.!][A-Za-z0-9]{1,12}){0,3}"
    r"(?![\w/\\@-]|\.[A-Za-z0-9])"
)
#: Categories whose detections are tools, not malicious code.
_TOOL_CATEGORIES = frozenset({"HackTool", "Hacktool", "RiskTool"})


@dataclass(frozen=True, slots=True)
class Detection:
    """One detection name: its span, the family's span and what the family is."""

    start: int
    end: int
    family_start: int
    family_end: int
    family: str
    #: the gazetteer's entry for the family, None when the gazetteer lacks it
    entry: MalwareEntry | None
    #: "malware" or "tool" (a hacking-tool category, or the gazetteer's kind)
    kind: str


_normal_forms: dict[int, tuple[MalwareGazetteer, dict[str, tuple[str, ...]]]] = {}


def _by_normal_form(gazetteer: MalwareGazetteer) -> dict[str, tuple[str, ...]]:
    """The gazetteer's surfaces by normalised name ("WannaCry" for "Ransom.Wannacry"),
    built once per gazetteer."""
    cached = _normal_forms.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    out: dict[str, tuple[str, ...]] = {}
    for surface, keys in gazetteer.surfaces.items():
        out.setdefault(normalize_name(surface), keys)
    _normal_forms.clear()
    _normal_forms[id(gazetteer)] = (gazetteer, out)
    return out


@functools.cache
def _english() -> frozenset[str]:
    from unmask.reference.actor_names import english_words

    return english_words()


def detection_names(text: str, gazetteer: MalwareGazetteer | None = None) -> list[Detection]:
    """The detection names in ``text`` that name a family, in text order (``gazetteer``:
    the installed malware gazetteer unless given)."""
    if "." not in text and "/" not in text and ":" not in text:
        return []
    if gazetteer is None:
        gazetteer = malware_gazetteer()
    english = _english()
    out: list[Detection] = []
    by_normal = _by_normal_form(gazetteer)
    for match in _DETECTION.finditer(text):
        family = match.group("family")
        key = normalize_name(family)
        if key in _GENERIC:
            continue  # "Trojan.Gen.2", "Backdoor.Win32": no family named
        keys = gazetteer.surfaces.get(family) or by_normal.get(key)
        entry = gazetteer.entries[keys[0]] if keys else None
        if entry is None and family.lower() in english:
            continue  # "Trojan.The": two sentences run together
        category = match.group("category")
        kind = entry.kind if entry is not None else ("tool" if category in _TOOL_CATEGORIES else "malware")
        out.append(
            Detection(match.start(), match.end(), match.start("family"), match.end("family"), family, entry, kind)
        )
    return out
