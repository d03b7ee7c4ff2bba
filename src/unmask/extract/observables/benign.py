"""Benign-noise judgement: which observables are not indicators, and why.

Reasons are short stable strings: ``warninglist:<slug>`` for a MISP warninglist
hit, and ``own-site``, ``private-range``, ``documentation-range``,
``reserved-range``, ``version-string``, ``file-name``, ``example-domain`` for the
rules below. Observables with reasons are kept, never dropped.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from unmask.model import ExtractContext
from unmask.reference.suffixes import SuffixIndex
from unmask.reference.warninglists import Warninglists

__all__ = ["Judge"]

_DOC_V4 = tuple(ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")
_VERSION_BEFORE = re.compile(
    r"(?i)(?:\bversions?|\bver\.?|\brelease[sd]?|\bbuild|\bfirmware|\bupdate[sd]?|\bpatch(?:ed)?|"
    r"\bupgrade[sd]?|\bv|\bFirefox|\bChrome|\bSafari|\bAndroid|\biOS|\bWindows(?: NT)?|\bOffice|"
    r"\bSP|\bkernel|\bprior to|\bbefore|\bthrough|\bup to|\bto)[\s:=]{0,3}$"
)
_FILE_CONTEXT = re.compile(
    r"(?i)\b(?:file|files|filename|file name|named|attachment|attached|archive|document|"
    r"script|executable|payload|dropp(?:ed|er)|download(?:ed|s)?|saved|extract(?:ed)?|open(?:ed|s)?|"
    r"macro|zip|rar|\.exe|decoy|lure|sample)\b"
)
#: TLDs that double as file extensions; a two-label name with one of these is a
#: file unless the text says otherwise (``.pl``/``.sh``/``.one`` need file words).
_FILE_TLDS = frozenset({"zip", "py", "mov", "md", "rs", "so", "sh", "pl", "one", "ps", "cs", "java", "doc", "exe", "app"})
_AMBIGUOUS_FILE_TLDS = frozenset({"pl", "sh", "one", "app", "ps", "cs"})
_EXAMPLE_DOMAINS = frozenset({"example.com", "example.net", "example.org", "example.edu"})
_EXAMPLE_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})


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
        return cls(lists, suffixes, own_domain, own_label)

    def host(self, host: str) -> list[str]:
        reasons = list(self.lists.match_host(host))
        if self.own_domain and (host == self.own_domain or host.endswith("." + self.own_domain)):
            reasons.append("own-site")
        elif self.own_label:
            reg = self.suffixes.registrable_domain(host)
            if reg and re.sub(r"[^a-z0-9]", "", reg.split(".", 1)[0]) == self.own_label:
                reasons.append("own-site")
        reg = self.suffixes.registrable_domain(host)
        if reg in _EXAMPLE_DOMAINS or host.rsplit(".", 1)[-1] in _EXAMPLE_TLDS:
            reasons.append("example-domain")
        return reasons

    def file_like(self, host: str, before: str, after: str) -> bool:
        """``report.zip``: a two-label name whose TLD is a common file extension."""
        labels = host.split(".")
        tld = labels[-1]
        if tld not in _FILE_TLDS or len(labels) > 2:
            return False
        if tld not in _AMBIGUOUS_FILE_TLDS:
            return True
        return bool(_FILE_CONTEXT.search(before[-60:]) or _FILE_CONTEXT.search(after[:40]))

    def ip(self, value: str, version: int, before: str) -> list[str]:
        address = ipaddress.ip_address(value)
        reasons = list(self.lists.match_ip(int(address), version))
        if version == 4:
            if any(address in net for net in _DOC_V4):
                reasons.append("documentation-range")
        elif address in _DOC_V6:
            reasons.append("documentation-range")
        if address.is_private or address.is_loopback or address.is_link_local:
            if "documentation-range" not in reasons:
                reasons.append("private-range")
        elif address.is_multicast or address.is_reserved or address.is_unspecified:
            reasons.append("reserved-range")
        if version == 4 and _VERSION_BEFORE.search(before[-30:]):
            reasons.append("version-string")
        return reasons

    def value(self, value: str) -> list[str]:
        return list(self.lists.match_value(value))
