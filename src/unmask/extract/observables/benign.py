"""Benign-noise judgement: which observables are not indicators, and why.

Reasons are short stable strings: ``warninglist:<slug>`` for a MISP warninglist
hit, and ``own-site``, ``private-range``, ``documentation-range``,
``reserved-range``, ``version-string``, ``file-name``, ``example-domain``,
``detection-name``, ``redacted`` for the rules below. Observables with reasons are kept, never dropped.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import ahocorasick

from unmask.model import ExtractContext
from unmask.reference.regexes import compile_cached
from unmask.reference.suffixes import SuffixIndex
from unmask.reference.warninglists import Warninglists

__all__ = ["FILE_TLDS", "Judge"]

def _ranges(kind: str, *networks: str) -> list[tuple[int, int, str]]:
    out = []
    for text in networks:
        net = ipaddress.ip_network(text)
        out.append((int(net.network_address), int(net.broadcast_address), kind))
    return out


# Special-purpose ranges as integer intervals (cheaper than ipaddress's properties).
_V4_SPECIAL = (
    _ranges("documentation-range", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    + _ranges("private-range", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
              "169.254.0.0/16", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15")
    + _ranges("reserved-range", "0.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4")
)  # fmt: skip
_V6_SPECIAL = (
    _ranges("documentation-range", "2001:db8::/32")
    + _ranges("private-range", "::1/128", "fc00::/7", "fe80::/10")
    + _ranges("reserved-range", "::/128", "ff00::/8")
)
#: Words that make a following dotted quad a version number ("version 1.2.3.4").
_VERSION_WORDS = frozenset(
    ["version", "versions", "ver", "ver.", "release", "released", "build", "firmware", "update", "updated", "patch", "patched", "upgrade", "upgraded", "v", "firefox", "chrome", "safari", "android", "ios", "windows", "nt", "office", "sp", "kernel"]
)
_FILE_CONTEXT = compile_cached(
    r"(?i)\b(?:file|files|filename|file name|named|attachment|attached|archive|document|"
    r"script|executable|payload|dropp(?:ed|er)|download(?:ed|s)?|saved|extract(?:ed)?|open(?:ed|s)?|"
    r"macro|zip|rar|\.exe|decoy|lure|sample)\b"
)
#: TLDs that double as file extensions; a two-label name with one of these is a
#: file unless the text says otherwise (``.pl``/``.sh``/``.one`` need file words).
FILE_TLDS = frozenset(
    {"zip", "py", "mov", "md", "rs", "so", "sh", "pl", "one", "ps", "cs", "java", "doc", "exe", "app", "cab", "dot", "inc"}
)
_AMBIGUOUS_FILE_TLDS = frozenset({"pl", "sh", "one", "app", "ps", "cs"})
_EXAMPLE_DOMAINS = frozenset({"example.com", "example.net", "example.org", "example.edu"})
_EXAMPLE_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
_EXAMPLE_ENDINGS = tuple(sorted(_EXAMPLE_DOMAINS))
#: ESET-style detection names: a platform, a slash, then "Family.Variant" ("VBS/Pterodo.PS").
_DETECTION_PREFIX = compile_cached(
    r"(?<![\w/])(?:Win32|Win64|MSIL|VBS|JS|Linux|Android|OSX|MacOS|PowerShell|Python|Perl|PHP|BAT|HTML|"
    r"Java|W97M|X97M|O97M|DOC|PDF|NSIS|AutoIt|Generik|Multi)/(?:[A-Za-z]+\.)?$"
)
#: Anti-virus detection names that read as host names under a ccTLD
#: ("Trojan.Win32.Patched.ps", "HEUR:Trojan.MSIL.Agent.gen" -> "trojan.msil.agent.ai"):
#: a malware kind, then a platform, then the family.
_DETECTION_NAME = compile_cached(
    r"(?:trojan(?:-[a-z]+)?|backdoor|(?:net-|email-|p2p-|im-)?worm|virus|exploit|hacktool|riskware|adware|"
    r"rootkit|not-a-virus|heur|pua|pup|ransom|downloader|dropper|spyware|virtool|packed|monitor|"
    r"unwanted-program|trojanspy|trojandownloader|trojandropper)\."
    r"(?:win32|win64|w32|w64|msil|linux|unix|androidos|android|osx|macos|js|vbs|html|php|java|script|"
    r"msword|msexcel|msoffice|w97m|x97m|o97m|pdf|multi|bat|perl|python|swf|shell|ios|symbos|j2me|boot|"
    r"dos|win16|nsis|autoit|powershell|vba|generic|ps)\.[a-z0-9.-]+"
)

#: Per compiled warninglists: an Aho-Corasick automaton of its ``substring`` entries
#: (most hosts hold none, so the per-entry loop is skipped; one C call per host).
_SUBSTRING_HINTS: dict[int, tuple[Warninglists, ahocorasick.Automaton | None]] = {}


def _substring_hint(lists: Warninglists) -> ahocorasick.Automaton | None:
    known = _SUBSTRING_HINTS.get(id(lists))
    if known is None or known[0] is not lists:
        needles = {needle for needle, _ in lists.substrings}
        automaton: ahocorasick.Automaton | None = None
        if needles:
            automaton = ahocorasick.Automaton()
            for needle in needles:
                automaton.add_word(needle, 0)
            automaton.make_automaton()
        known = _SUBSTRING_HINTS[id(lists)] = (lists, automaton)
    return known[1]


def _match_host(lists: Warninglists, host: str) -> tuple[str, ...]:
    """``lists.match_host(host)``, with the substring lists checked by one search."""
    ids: list[int] = list(lists.hosts.get(host, ()))
    suffixes = lists.host_suffixes
    name = host
    while True:
        hit = suffixes.get(name)
        if hit:
            ids.extend(hit)
        dot = name.find(".")
        if dot < 0:
            break
        name = name[dot + 1 :]
    hint = _substring_hint(lists)
    if hint is not None and next(hint.iter(host), None) is not None:
        ids.extend(list_id for needle, list_id in lists.substrings if needle in host)
    if not ids:
        return ()
    names = lists.names
    return tuple(sorted({names[i] for i in ids}))


def _site_host(url: str | None) -> str | None:
    if not url:
        return None
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#:]", rest, maxsplit=1)[0].lower()
    return host.rsplit("@", 1)[-1] or None


@dataclass(slots=True)
class Judge:
    """Judges observables of one document (its own site comes from the context)."""

    lists: Warninglists
    suffixes: SuffixIndex
    own_domain: str | None
    own_label: str | None
    ip_cache: dict[tuple[str, int], list[str]]

    @classmethod
    def for_context(cls, lists: Warninglists, suffixes: SuffixIndex, context: ExtractContext | None) -> Judge:
        own_domain = None
        own_label = None
        if context is not None:
            host = _site_host(context.url)
            if host:
                own_domain = suffixes.registrable_domain(host) or host
            if context.site_name:
                label = re.sub(r"[^a-z0-9]", "", context.site_name.lower())
                own_label = label or None
        return cls(lists, suffixes, own_domain, own_label, {})

    def host(self, host: str) -> list[str]:
        """Reasons for a host name (lower case, no trailing dot)."""
        reasons = list(_match_host(self.lists, host))
        if self.own_domain and (host == self.own_domain or host.endswith("." + self.own_domain)):
            reasons.append("own-site")
        elif self.own_label:
            reg = self.suffixes.registrable_domain(host)
            if reg and re.sub(r"[^a-z0-9]", "", reg.split(".", 1)[0]) == self.own_label:
                reasons.append("own-site")
        # A registrable domain is a suffix of the host: look it up only when it can match.
        if (host.endswith(_EXAMPLE_ENDINGS) and self.suffixes.registrable_domain(host) in _EXAMPLE_DOMAINS) or host[
            host.rfind(".") + 1 :
        ] in _EXAMPLE_TLDS:
            reasons.append("example-domain")
        if _DETECTION_NAME.fullmatch(host):
            reasons.append("detection-name")
        if "xxxx" in host:
            reasons.append("redacted")  # "www.xxxxxxxxtrust.com": the report hid the name
        return reasons

    def detection_prefix(self, before: str) -> bool:
        """Whether ``before`` ends with a detection platform ("Win32/" of "Win32/Turla.CC")."""
        return _DETECTION_PREFIX.search(before[-16:]) is not None

    def file_like(self, host: str, before: str, after: str) -> bool:
        """``report.zip``: a two-label name whose TLD is a common file extension."""
        labels = host.split(".")
        tld = labels[-1]
        if tld not in FILE_TLDS or len(labels) > 2:
            return False
        if tld not in _AMBIGUOUS_FILE_TLDS:
            return True
        return bool(_FILE_CONTEXT.search(before[-60:]) or _FILE_CONTEXT.search(after[:40]))

    def ip(self, value: str, version: int, before: str) -> list[str]:
        key = (value, version)
        cached = self.ip_cache.get(key)
        if cached is None:
            if version == 4:
                # ``value`` is a normalised dotted quad (validate.ipv4_value).
                a, b, c, d = value.split(".")
                number = int(a) << 24 | int(b) << 16 | int(c) << 8 | int(d)
            else:
                number = int(ipaddress.ip_address(value))
            cached = list(self.lists.match_ip(number, version))
            for lo, hi, reason in _V4_SPECIAL if version == 4 else _V6_SPECIAL:
                if lo <= number <= hi:
                    cached.append(reason)
                    break
            self.ip_cache[key] = cached
        if version == 4 and before:
            words = before[-30:].rstrip(" \t:=").rsplit(None, 2)
            if words and (words[-1].lower() in _VERSION_WORDS or " ".join(words[-2:]).lower() in ("prior to", "up to")):
                return [*cached, "version-string"]
        return cached

    def value(self, value: str) -> list[str]:
        return list(self.lists.match_value(value))
