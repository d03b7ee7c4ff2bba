"""Observables (IOCs): refanged, validated, benign noise tagged.

``extract_observables(text, context=...)`` finds domains, IP addresses and ranges,
URLs, e-mail addresses, file hashes, ssdeep hashes, CVE ids, AS numbers, MAC
addresses, registry keys, file paths and names, cryptocurrency wallets and user
agents. The pipeline, each step linear in the input:

1. :mod:`.scan` reduces the text to windows that may hold observables;
2. :mod:`.refang` undoes defanging and keeps a map back to the original offsets;
3. :mod:`.patterns` matches every type in one pass; :mod:`.validate` checks each
   candidate (public suffix, address syntax, checksums);
4. :mod:`.benign` tags known-benign values (MISP warninglists, the document's own
   site, private/documentation ranges, version strings, file names).

Each :class:`~unmask.model.Observable` has ``value`` (normalised), ``surface``
(exactly as written) and ``span`` into ``text``; benign ones carry
``benign_reasons`` and are kept.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gc
import re
import urllib.parse
from bisect import bisect_right
from collections.abc import Callable

import numpy as np

from unmask.errors import ExtractError
from unmask.extract.observables.benign import FILE_TLDS, Judge
from unmask.extract.observables.glued import glued_paths, may_be_glued, with_layout_tokens
from unmask.extract.observables.names import foreign_file_names, widen_file_names
from unmask.extract.observables.patterns import (
    ATOMS,
    INNER,
    RANGE_END,
    SCHEMES,
)
from unmask.extract.observables.refang import Refanged, refang, refang_text
from unmask.extract.observables.roles import assign_roles
from unmask.extract.observables.scan import FILLER, Compact, compact, plain_punctuation
from unmask.extract.observables.validate import (
    btc_ok,
    domain_ok,
    eth_ok,
    ipv4_value,
    ipv6_value,
    ssdeep_ok,
    xmr_ok,
)
from unmask.model import ExtractContext, Observable, Span
from unmask.reference.actor_names import english_words
from unmask.reference.defang import plain_schemes
from unmask.reference.regexes import compile_cached
from unmask.reference.suffixes import SuffixIndex, load_suffixes
from unmask.reference.warninglists import load_warninglists

#: Lower-case English words, read once and only when a blank stands before an "@".
_english_words = functools.cache(english_words)

__all__ = ["OBSERVABLE_TYPES", "extract_observables", "refang_text"]

#: Every ``Observable.type`` this extractor produces.
OBSERVABLE_TYPES = (
    "domain", "ipv4", "ipv6", "ipv4_cidr", "url", "email",
    "md5", "sha1", "sha256", "sha512", "ssdeep",
    "cve", "asn", "mac", "registry_key", "file_path", "file_name",
    "btc", "xmr", "eth", "user_agent",
)  # fmt: skip

_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_TRAIL = ".,;:!?'\"*`>"
_PAIRS = {")": "(", "]": "[", "}": "{"}
_QUOTES = "'\"`"
_ETH_CONTEXT = compile_cached(r"(?i)\b(?:eth|ether|ethereum|erc-?20|wallet|address(?:es)?)\b")
_XMPP = compile_cached(r"jabber|xmpp")
_LOTS = "warninglist:lots-project"
_WRAP_SPACE = ("\xa0", FILLER)
_WRAP = compile_cached(r"[\xa0\x01]\r?\n")
_CONTINUATION = compile_cached(r"[A-Za-z0-9_%-][!-;=?-\[\]-{}~]{0,4096}")
#: Something worth a second look inside a URL's path or query: a dotted name that
#: is not just a web page (``?u=evil.com``, ``/evil.com/``), an address or a hash.
_INNER_HINT = compile_cached(
    r"[/=?&@:;,%][A-Za-z0-9_-]+\.(?!(?:html?|php|aspx?|jsp|png|jpe?g|gif|pdf|js|css|svg|xml|txt)\b)[A-Za-z]{2}"
    r"|[/=?&@:;,%]\d{1,3}\.\d{1,3}\.|[0-9A-Fa-f]{32}|@"
)
#: Quotes and angle brackets left HTML-escaped in text: they end a URL (a real URL
#: percent-encodes them).
_ENTITY = compile_cached(r"&(?i:quot|apos|lt|gt|#0*(?:34|39|60|62)|#x0*(?:22|27|3c|3e));?")
_HEX_RUN = compile_cached(r"[0-9A-Fa-f]+")
#: A link's text after its URL (AsciiDoc "URL[text]"): defang brackets are gone by
#: now, so a "[" before a letter, a blank or a quote in a URL's path ends the URL, and so
#: does a "[" that ends it (the link text starts on the next line). A "[" that opens a
#: query value ("?id=[base64_data]") is the value's placeholder, not link text.
_LINK_TEXT = compile_cached(r"(?<!=)\[(?=[A-Za-z \"']|\Z)")
#: A CVE id inside a dotted name ("Win32/Exploit.CVE-2017-11882.BU"), where the main
#: pass sees no boundary.
_DOTTED_CVE = compile_cached(r"(?i:cve)[-_](\d{4})[-_](\d{4,7})(?!\d)")
#: Where a text says a file name stands: after a "File name" label or cell, or as a YARA
#: rule's whole string (the PDF layer may write its opening quote as two apostrophes).
_NAME_SLOT = compile_cached(
    r"(?:(?i:\bfile\s*name)[*_`]*\s*[|:=][*_`\s]*|\$\w*\s*=\s*(?:\"|''|'))$"
)
#: What ends a name in such a slot: blanks, the quote, the cell's bar, the line's end.
_NAME_SLOT_END = frozenset(" \t\n\"'|`*\xa0")
#: A path or key whose every backslash is doubled (one escaped for a string literal).
_ESCAPED_SEPARATORS = compile_cached(r"(?:\\\\)?[^\\]+(?:\\\\[^\\]+)+(?:\\\\)?")
#: A registry key's value written as a template after it ("\\;[NUMBER];[DWORD]").
_VALUE_TEMPLATE = compile_cached(r"\\?;[\[<{]")
#: The top folders of Unix and macOS file systems (a path in inline code that starts
#: elsewhere is more often a web path).
_FS_ROOT = compile_cached(
    r"~/|/(?i:library|system|users|applications|private|volumes|tmp|var|etc|usr|bin|sbin|lib|lib64|opt|home"
    r"|root|dev|proc|srv|mnt|media|run|boot)(?:/|$)"
)
#: What follows the "%" of a printf conversion ("%d", "%08x", "%lu"): a file name made from
#: it is a template.
_FORMAT_STEM = compile_cached(r"[-+ #0]?\d{0,3}(?:ll|l|h)?[sdiuxXc]")
#: Product names that look like file names ("Node.js").
_PRODUCT_JS = compile_cached(r"[A-Z][a-z]+(?:[A-Z][a-z]+)?\.js")


#: The percent escapes of the characters that end a name in a URL ("/", ":", "?", "=", "&",
#: "#", "@", a blank, ",", quotes, ";", "\\"): after one, a name starts past its two digits.
_DELIMITER_ESCAPES = frozenset(
    ["2F", "2f", "3A", "3a", "3F", "3f", "3D", "3d", "26", "23", "40", "20", "2C", "2c", "22", "27", "3B", "3b",
     "5C", "5c"]
)  # fmt: skip


def _escape_digits(name: str) -> bool:
    """Whether ``name``, read right after a "%", opens with a delimiter's escape digits and
    a name goes on after them ("2Fhost.com" of "%2Fhost.com")."""
    return name[:2] in _DELIMITER_ESCAPES and len(name) > 3 and name[2].isalnum()


def _trim(value: str) -> str:
    """Drop trailing punctuation and unbalanced closing brackets."""
    while value:
        last = value[-1]
        if last in _TRAIL or (last in _PAIRS and value.count(last) > value.count(_PAIRS[last])):
            value = value[:-1]
        else:
            break
    return value


def _unbalanced_close(value: str) -> int:
    """The offset of the first ")" in ``value`` that closes no "(" of its own, or -1."""
    closed = 0
    i = value.find(")")
    while i >= 0:
        if value.count("(", 0, i) <= closed:
            return i
        closed += 1
        i = value.find(")", i + 1)
    return -1


#: A file name inside a Windows path match that prose goes on after ("a.exe and ...",
#: "a.exe; then"): the path ends there.
_NAME_THEN_WORDS = compile_cached(r"\.[A-Za-z][A-Za-z0-9]{1,3}(?=[;,]?\s+[^\s\\]+(?:\s|$))")
#: A dotted number of three or more parts (a version or an address).
_DOTTED_NUMBER = compile_cached(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w.]|\.\d)")


def _in_version_list(text: str, end: int) -> bool:
    """Whether the parenthesis an address opens ("(12.0.0.4 and 11.7.700.261)") also holds a
    dotted number that is no address: a list of versions, not of addresses."""
    close = text.find(")", end, end + 80)
    if close < 0:
        return False
    inside = text[end:close]
    if "\n" in inside or "." not in inside:
        return False
    for m in _DOTTED_NUMBER.finditer(inside):
        parts = m.group().split(".")
        if len(parts) != 4 or any(len(p) > 3 or int(p) > 255 for p in parts):
            return True
    return False


#: A DLL (or other module) path followed by the export rundll32 calls: "a.dll,Start", "a.dll,#1".
_EXPORT_SUFFIX = compile_cached(r"\.(?i:dll|ocx|cpl|exe|drv)(?=,#?\w)")
#: What a path's continuation after a layout break holds: a separator or an extension.
_PATH_GOES_ON = compile_cached(r"[/_-]|\.[A-Za-z0-9]{2,4}$")
#: A URL's path ending in a hash segment (a sample's page), and the path words a layout may
#: carry to the next line after it ("/analysis/", "/detection").
_HASH_SEGMENT_END = compile_cached(r"/[0-9A-Fa-f]{32,128}$")
_PATH_TAIL = compile_cached(r"/[A-Za-z][A-Za-z0-9_-]{0,40}(?:/[A-Za-z0-9_-]{1,40}){0,4}/?(?=[\s\x01]|$)")
#: The rest of a line that holds nothing more (the carried words stand alone on theirs).
_LINE_END = compile_cached(r"[ \t]*(?:\r?\n|$)")


def _loose_host(host: str) -> bool:
    """A host name whose TLD is at least alphabetic (for defanged e-mail addresses)."""
    labels = host.split(".")
    return len(labels) >= 2 and labels[-1].isalpha() and 2 <= len(labels[-1]) <= 24 and all(labels)


_TRIM_LAST = frozenset(_TRAIL + "".join(_PAIRS))
_NEW = object.__new__
# The models are frozen dataclasses whose generated ``__init__`` costs more than
# everything else done per observable; these set the slots directly. The values
# are valid by construction (0 <= start <= end, checked in ``emit``).
_SET_START = vars(Span)["start"].__set__
_SET_END = vars(Span)["end"].__set__
_SET_TYPE = vars(Observable)["type"].__set__
_SET_VALUE = vars(Observable)["value"].__set__
_SET_SURFACE = vars(Observable)["surface"].__set__
_SET_SPAN = vars(Observable)["span"].__set__
_SET_REASONS = vars(Observable)["benign_reasons"].__set__
_SET_ROLE = vars(Observable)["role"].__set__
_SET_EVIDENCE = vars(Observable)["reasons"].__set__


def _observable(kind: str, value: str, surface: str, start: int, end: int, reasons: tuple[str, ...]) -> Observable:
    """``Observable(kind, value, surface, Span(start, end), reasons)``, built directly."""
    span = _NEW(Span)
    _SET_START(span, start)
    _SET_END(span, end)
    obs = _NEW(Observable)
    _SET_TYPE(obs, kind)
    _SET_VALUE(obs, value)
    _SET_SURFACE(obs, surface)
    _SET_SPAN(obs, span)
    _SET_REASONS(obs, reasons)
    # Decided by ``roles.assign_roles`` once all are found; until then the evidence.
    _SET_ROLE(obs, "indicator" if not reasons else "benign")
    _SET_EVIDENCE(obs, reasons)
    return obs  # type: ignore[no-any-return]


#: A host's classification: (type, normalised value, benign reasons, offset of its
#: first character, length or -1 to end where the match ends), or None if not a host.
_HostInfo = tuple[str, str, list[str], int, int] | None


class _Collector:
    """Builds the observables of one text; the look-up caches live for one call."""

    def __init__(self, text: str, refanged: str, ref: Refanged, windows: Compact, judge: Judge, suffixes: SuffixIndex) -> None:
        self.text = text
        self.r = refanged
        # Offsets in ``refanged`` (padded by one space) -> offsets in the compact
        # windows text (refang's step map) -> offsets in ``text`` (one shift per window).
        self.ref_ends = ref.ends
        self.ref_shifts = ref.shifts
        self.win_starts = windows.starts
        self.win_shifts = windows.shifts
        self.judge = judge
        self.suffixes = suffixes
        self.out: dict[tuple[int, int, str], tuple[str, list[str] | tuple[str, ...]]] = {}
        self.host_reasons: dict[str, list[str]] = {}
        self.hosts: dict[str, _HostInfo] = {}
        self.domains: dict[str, bool] = {}
        self.names: dict[str, tuple[bool, bool]] = {}
        #: (local part, host as written) -> (value, benign reasons), None when not an address.
        self.emails: dict[tuple[str, str], tuple[str, list[str]] | None] = {}
        self.handlers: dict[str, Callable[[re.Match[str]], int | None]] = {
            "url": self.url,
            "surl": self.surl,
            "email": self.email,
            "ipv4": self.ipv4,
            "cidr": self.ipv4,
            "domain": self.domain,
            "fname": self.fname,
            "hex": self.hexes,
        }
        self.value_reasons: dict[str, list[str]] = {}

    # -- emitting ---------------------------------------------------------------

    def emit(self, kind: str, value: str, start: int, end: int, reasons: list[str] | tuple[str, ...] = ()) -> None:
        # ``start``/``end`` are offsets in the padded refanged text; they are mapped
        # back to ``text`` for all observables at once in ``observables``. The map is
        # strictly increasing, so de-duplicating here is the same as in ``text``.
        key = (start, end, kind)
        if key not in self.out:
            self.out[key] = (value, reasons)

    def dotted_cves(self) -> None:
        """CVE ids right after a dot that follows a letter or digit (detection names)."""
        r = self.r
        for needle in ("CVE", "cve", "Cve"):
            i = r.find(needle)
            while i >= 0:
                if i >= 2 and r[i - 1] == "." and r[i - 2].isalnum():
                    m = _DOTTED_CVE.match(r, i)
                    if m is not None:
                        self.emit("cve", f"CVE-{m.group(1)}-{m.group(2)}", i, m.end())
                i = r.find(needle, i + 3)

    def observables(self) -> list[Observable]:
        """The emitted observables in order of appearance, with spans into ``text``."""
        out = self.out
        if not out:
            return []
        keys = sorted(out)
        starts = np.array([k[0] for k in keys], dtype=np.int64) - 1
        ends = np.array([k[1] for k in keys], dtype=np.int64) - 1
        if self.ref_ends:
            ref_ends = np.array(self.ref_ends, dtype=np.int64)
            ref_shifts = np.array(self.ref_shifts, dtype=np.int64)
            starts += ref_shifts[np.searchsorted(ref_ends, starts, side="right")]
            ends += ref_shifts[np.searchsorted(ref_ends, ends, side="right")]
        win_shifts = np.array(self.win_shifts, dtype=np.int64)
        shift = win_shifts[np.searchsorted(np.array(self.win_starts, dtype=np.int64), starts, side="right") - 1]
        starts += shift
        ends += shift
        if len(starts) and (starts.min() < 0 or (ends < starts).any()):
            bad = int(np.flatnonzero((starts < 0) | (ends < starts))[0])
            raise ExtractError(f"invalid span [{starts[bad]}, {ends[bad]}) for {keys[bad][2]} {out[keys[bad]][0]!r}")
        text = self.text
        result: list[Observable] = []
        append = result.append
        for key, start, end in zip(keys, starts.tolist(), ends.tolist(), strict=True):
            value, reasons = out[key]
            append(_observable(key[2], value, text[start:end], start, end, tuple(dict.fromkeys(reasons)) if reasons else ()))
        return result

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The range in ``text`` of the padded refanged range ``[start, end)``."""
        start -= 1
        end -= 1
        ends = self.ref_ends
        if ends and end >= ends[0]:
            shifts = self.ref_shifts
            start += shifts[bisect_right(ends, start)]
            end += shifts[bisect_right(ends, end)]
        shift = self.win_shifts[bisect_right(self.win_starts, start) - 1]
        return start + shift, end + shift

    def _host_reasons(self, host: str) -> list[str]:
        reasons = self.host_reasons.get(host)
        if reasons is None:
            reasons = self.judge.host(host)
            self.host_reasons[host] = reasons
        return reasons

    def _value_reasons(self, value: str) -> list[str]:
        reasons = self.value_reasons.get(value)
        if reasons is None:
            reasons = self.judge.value(value)
            self.value_reasons[value] = reasons
        return reasons

    def _domain_ok(self, value: str) -> bool:
        ok = self.domains.get(value)
        if ok is None:
            ok = self.domains[value] = domain_ok(value, self.suffixes)
        return ok

    def _before(self, start: int) -> str:
        s, _ = self.original(start, start)
        return self.text[max(0, s - 40) : s]

    def _after(self, end: int) -> str:
        _, e = self.original(end, end)
        return self.text[e : e + 40]

    def _classify_host(self, host: str) -> _HostInfo:
        value = host.lower().rstrip(".")
        offset = 0
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
            offset = 1
        v4 = ipv4_value(value)
        if v4 is not None:
            return "ipv4", v4, self.judge.ip(v4, 4, ""), offset, -1
        if ":" in value:
            v6 = ipv6_value(value)
            if v6 is None:
                return None
            return "ipv6", v6, self.judge.ip(v6, 6, ""), offset, -1
        if not self._domain_ok(value):
            return None
        return "domain", value, self._host_reasons(value), offset, len(host.rstrip("."))

    def host(self, host: str, start: int, end: int) -> list[str] | None:
        """Emit a URL/e-mail host as domain or address; return its benign reasons."""
        try:
            known = self.hosts[host]
        except KeyError:
            known = self.hosts[host] = self._classify_host(host)
        if known is None:
            return None
        kind, normal, reasons, offset, length = known
        if offset:
            start += offset
            end -= offset
        self.emit(kind, normal, start, start + length if length >= 0 else end, reasons)
        return reasons

    # -- the main loop ----------------------------------------------------------

    def run(self, pattern: re.Pattern[str], pos: int, endpos: int) -> None:
        handlers = self.handlers
        other = self.other
        r = self.r
        while True:
            resume = None
            for m in pattern.finditer(r, pos, endpos):
                kind = m.lastgroup
                handler = handlers.get(kind)  # type: ignore[arg-type]
                if handler is None:
                    if (resume := other(m, kind)) is not None:
                        break  # a path cut short: scan what it swallowed
                elif (resume := handler(m)) is not None:
                    # The match was cut short ('"http://a.com/x","ip":"1.2.3.4"'): scan
                    # what it swallowed (a loop, not recursion: chains can be long).
                    break
            if resume is None:
                return
            pos = resume

    def url(self, m: re.Match[str]) -> int | None:
        start, end = m.span("url")
        host_start, host_end = m.span("uhost")
        scheme = m.group("scheme").lower()
        return self._url(start, end, host_start, host_end, SCHEMES.get(scheme, scheme))

    def surl(self, m: re.Match[str]) -> int | None:
        start, end = m.span("surl")
        host_start, host_end = m.span("shost")
        return self._url(start, end, host_start, host_end, "http")

    def _url(self, start: int, end: int, host_start: int, host_end: int, scheme: str) -> int | None:
        """Emit the URL ``[start, end)``; return where to scan again if it ended early."""
        r = self.r
        raw = r[start:end]
        resume = None
        broken = -1  # where a layout break inside the URL was joined
        quote = r[start - 1]
        if quote in _QUOTES:
            cut = raw.find(quote)
            if cut >= 0:
                raw = raw[:cut]
                resume = start + cut
        if "&" in raw:
            entity = _ENTITY.search(raw)
            if entity is not None:
                raw = raw[: entity.start()]  # HTML residue: '&quot;http://x.com/a&quot;'
                resume = start + entity.start()
        if quote == "(" and ")" in raw:
            cut = _unbalanced_close(raw)
            if cut >= 0:
                # A Markdown link target ends at its bracket: "[![](https://a/x.png)](https://a/y.png)".
                raw = raw[:cut]
                resume = start + cut
        if "[" in raw:
            label = _LINK_TEXT.search(raw, host_end - start)
            if label is not None:
                raw = raw[: label.start()]  # AsciiDoc's "https://x.com/a.pdf[the report]"
        if raw and raw[-1] in _TRIM_LAST:
            raw = _trim(raw)
        end = start + len(raw)
        if raw.endswith("/") and r[end : end + 1] in _WRAP_SPACE and r.startswith(("\n", "\r\n"), end + 1):
            # A table cell wrapped after a non-breaking space: "…discordapp[.]com/\xa0\n
            # attachments/…/x[.]dll" is one URL. (Outside the prefilter's windows the
            # space reads as FILLER.)
            gap = 2 if r[end + 1] == "\n" else 3
            cont = _CONTINUATION.match(r, end + gap)
            if cont is not None and "/" in cont.group() and "://" not in cont.group():
                tail = _trim(cont.group())
                raw = r[start : end + gap] + tail
                end = end + gap + len(tail)
        elif raw[-1:] in ("-", "_") and r[end : end + 1] in (" ", "\n") and host_end < end:
            # A path broken by layout after a hyphen or underscore ("…/ransomware- facts-and-…/",
            # "…/Technical_ Document-FINAL.pdf"): the rest is one token that goes on as a path.
            cont = _CONTINUATION.match(r, end + 1)
            if cont is not None and _PATH_GOES_ON.search(cont.group()) and "://" not in cont.group():
                tail = _trim(cont.group())
                broken = end
                end = end + 1 + len(tail)
                resume = None
        elif r.startswith("\n/", end) and host_end < end and _HASH_SEGMENT_END.search(raw):
            # A PDF line break right after a hash segment ("…/file/<sha256>\n/analysis/"): a
            # hash is never a path's last word of its own when a "/word" opens the next line.
            cont = _PATH_TAIL.match(r, end + 1)
            if cont is not None and _LINE_END.match(self.text, self.original(cont.start(), cont.end())[1]):
                tail = cont.group()
                broken = end
                end = end + 1 + len(tail)
                resume = None
        if end <= host_start:
            return resume
        if host_end > end:
            host_end = end
        userinfo = ""
        host = r[host_start:host_end]
        if "@" in host:
            userinfo, host = host.rsplit("@", 1)
            host_start = host_end - len(host)
            userinfo += "@"
        reasons = self.host(host, host_start, host_end)
        if reasons is None:
            # Not a real host: look inside for anything else.
            self.run(INNER, start - 1, end)
            return resume
        rest = r[host_end:end] if broken < 0 else r[host_end:broken] + r[broken + 1 : end]
        if "\n" in rest:
            rest = _WRAP.sub("", rest)
        if "://" in rest:
            # A redirector's query carrying another URL refangs that URL's scheme too.
            rest = plain_schemes(rest)
        value = f"{scheme}://{userinfo}{host.lower()}{rest}"
        if reasons and _LOTS in reasons and rest.strip("/"):
            # A path on a trusted site that attackers abuse (GitHub, Discord CDN …)
            # is a delivery URL, not noise.
            reasons = [x for x in reasons if not x.startswith("warninglist:")]
        self.emit("url", value, start, end, reasons)
        if host_end < end and (_INNER_HINT.search(r, host_end, end) or "VE-" in rest or "ve-" in rest):
            inner_end = end
            if "%" in rest:
                carried = _QUERY_PCT_URL.search(r, host_end, end)
                if carried is not None:
                    inner_end = carried.start()  # read decoded, as its own URL (_encoded_observables)
            self.run(INNER, host_end, inner_end)  # also "…/detail/CVE-2021-44228"
        return resume

    def email(self, m: re.Match[str]) -> None:
        start, end = m.span("email")
        h_start, h_end = m.span("ehost")
        written = m.group("ehost")
        local = self.r[start : h_start - 1]
        reasons = self.host(written, h_start, h_end)
        if self._prose_at(start, h_start - 1):
            return  # the host stays a domain: "came from @mail.ru addresses" names no mailbox
        if reasons is not None:
            # The same address written again (a host that is a real domain): judged once.
            key = (local, written)
            try:
                known = self.emails[key]
            except KeyError:
                known = self.emails[key] = self._address(local, written.lower(), reasons)
        else:
            s, e = self.original(start, end)
            defanged = self.text[s:e] != self.r[start:end]
            host = written.lower()
            if not (defanged and _loose_host(host)):
                return
            known = self._address(local, host, [])
        if known is not None:
            self.emit("email", known[0], start, end, known[1])

    def _prose_at(self, start: int, at: int) -> bool:
        """Whether the "@" at ``at`` (refanged offsets; the local part starts at ``start``)
        was written after a blank and straight before the host, after a lower-case English
        word: "came from @mail.ru addresses", "researchers @example.com" name a mail
        domain in prose, not a mailbox. A spaced mark after a name that is no word
        ("jdoe @example.com") and "me @ example" with blanks on both sides stay addresses."""
        s, e = self.original(start, at)
        text = self.text
        j = e
        while j < len(text) and j - e < 4 and text[j] in " \t":
            j += 1
        if j == e or j >= len(text) or text[j] != "@" or text[j + 1 : j + 2].isspace():
            return False
        local = text[s:e]
        if not (local.isalpha() and local.islower()):
            return False
        words = _english_words()
        return local in words or (local.endswith("s") and local[:-1] in words)  # a plural

    def _address(self, local: str, host: str, reasons: list[str]) -> tuple[str, list[str]] | None:
        """(value, benign reasons) of ``local@host``, or None when it is not an address."""
        if local.startswith(".") or ".." in local or _XMPP.search(host):
            return None
        value = f"{local}@{host}".lower()
        return value, reasons + self._value_reasons(value)

    def ipv4(self, m: re.Match[str]) -> None:
        start, end = m.span("ipv4")
        value = ipv4_value(m.group("ipv4"))
        if value is None:
            return
        reasons = self.judge.ip(value, 4, self._before(start))
        if start and self.r[start - 1] == "(" and "version-string" not in reasons and _in_version_list(self.r, end):
            reasons = [*reasons, "version-string"]  # "Flash Player (12.0.0.4 and 11.7.700.261)"
        self.emit("ipv4", value, start, end, reasons)
        cidr = m.group("cidr")
        if cidr is not None and int(cidr) <= 32:
            c_end = m.end("cidr")
            self.emit("ipv4_cidr", f"{value}/{int(cidr)}", start, c_end, [x for x in reasons if x != "version-string"])
        elif self.r.startswith("-", end):
            last = RANGE_END.match(self.r, end)
            if last is not None:
                # "1.2.3.4-1.2.3.9": a hyphen is no boundary elsewhere ("X64-2021.zip").
                value = ipv4_value(last.group("ipv4"))
                if value is not None:
                    self.emit("ipv4", value, last.start("ipv4"), last.end(), self.judge.ip(value, 4, self._before(start)))

    def domain(self, m: re.Match[str]) -> None:
        start, end = m.span("domain")
        raw = m.group("domain")
        if self.r[start - 1] == "%" and _escape_digits(raw):
            start += 2  # "%2Fhost.com": the escape's digits are not the name's
            raw = raw[2:]
        value = raw.lower()
        if not self._domain_ok(value):
            if (
                raw.count(".") == 1
                and len(raw) - raw.rfind(".") <= 13
                and _NAME_SLOT.search(self._before(start))
                and self._after(end)[:1] in _NAME_SLOT_END
            ):
                # An extension no list knows, where the text says a file name stands: a
                # "File Name" cell or label, or a rule's whole string ('$s = "x.srg"').
                self.emit("file_name", raw, start, end)
            return
        tld = raw[raw.rfind(".") + 1 :]
        if len(tld) > 1 and tld.istitle():
            return  # "in 5.It was": a sentence break, not a domain (real TLDs are not Title-case)
        reasons = self._host_reasons(value)
        if tld.lower() in FILE_TLDS and self.judge.file_like(value, self._before(start), self._after(end)):
            reasons = [*reasons, "file-name"]
        if self.r[start - 1] == "/" and self.judge.detection_prefix(self._before(start)):
            reasons = [*reasons, "detection-name"]  # "Win32/Turla.CC"
        self.emit("domain", value, start, end, reasons)

    def _name_info(self, name: str) -> tuple[bool, bool]:
        """(a product name like "Node.js", a valid domain name) for a file name."""
        info = self.names.get(name)
        if info is None:
            product = _PRODUCT_JS.fullmatch(name) is not None
            info = self.names[name] = (product, not product and self._domain_ok(name.lower()))
        return info

    def fname(self, m: re.Match[str]) -> None:
        start, end = m.span("fname")
        name = m.group("fname")
        dot = name.find(".")
        if dot in _HASH_TYPES and _HEX_RUN.fullmatch(name, 0, dot):
            # A sample named by its hash ("<sha256>.bin"): the hash too.
            value = name[:dot].lower()
            self.emit(_HASH_TYPES[dot], value, start, start + dot, self._value_reasons(value))
        if name[-2] == "." and name[-1].isupper():
            return  # "Ramsay.C", "Trojan.A": a variant letter, not a C source file
        if self.r[start - 1] == "%":
            if _FORMAT_STEM.fullmatch(name, 0, dot):
                return  # "%d.bat", "%08x.tmp": a format template, the name is made at run time
            if _escape_digits(name) and dot > 2:
                start += 2  # "%2Fpayload.exe": the escape's digits are not the name's
                name = name[2:]
        product, is_domain = self._name_info(name)
        if product:
            return
        if is_domain:
            # report.zip / setup.py: a file name whose extension is also a TLD. It is
            # still listed as a domain (benign, "file-name") unless the text makes it
            # a host (example.pl with no file words around it).
            lower = name.lower()
            if self.judge.file_like(lower, self._before(start), self._after(end)):
                self.emit("domain", lower, start, end, [*self._host_reasons(lower), "file-name"])
                self.emit("file_name", name, start, end)
            else:
                self.emit("domain", lower, start, end, self._host_reasons(lower))
            return
        self.emit("file_name", name, start, end)

    def hexes(self, m: re.Match[str]) -> None:
        start, end = m.span("hex")
        raw = m.group("hex")
        prefixed = raw[:2].lower() == "0x"
        body = raw[2:] if prefixed else raw
        if prefixed and len(body) == 40 and eth_ok(raw):
            mixed = body != body.lower() and body != body.upper()
            if mixed or _ETH_CONTEXT.search(self._before(start)):
                # A checksummed (EIP-55) or wallet-context 0x address; a bare
                # lower-case 0x+40 hex is read as a SHA-1.
                self.emit("eth", raw.lower(), start, end)
                return
        kind = _HASH_TYPES.get(len(body))
        if kind is None:
            return
        if self.r.startswith("??", end) or self.r.endswith("??", 0, start):
            return  # bytes of a YARA hex string between "??" wildcards, not a hash
        value = body.lower()
        h_start = start + 2 if prefixed else start
        self.emit(kind, value, h_start, end, self._value_reasons(value))

    def other(self, m: re.Match[str], kind: str | None) -> int | None:
        if kind in ("macsep",):
            kind = "mac"
        if kind in ("cvey", "cven"):
            kind = "cve"
        if kind in ("asnum", "asnum2"):
            kind = "asn"
        if kind is None:
            return None
        start, end = m.span(kind)
        raw = m.group(kind)
        if kind == "mac":
            digits = re.sub(r"[^0-9A-Fa-f]", "", raw).lower()
            self.emit("mac", ":".join(digits[i : i + 2] for i in range(0, 12, 2)), start, end)
        elif kind == "reg" or kind == "wpath" or kind == "upath":
            quote = self.r[start - 1]
            if quote in _QUOTES and quote in raw:
                raw = raw[: raw.index(quote)]  # "'C:/x/a.exe');start" ends at its quote
            resume = None
            export = _EXPORT_SUFFIX.search(raw) if kind == "wpath" and "," in raw else None
            if export is not None:
                raw = raw[: export.end()]  # "rundll32 C:\\x\\a.dll,Start": the export is not part of the path
                resume = start + export.end()
            if kind == "wpath" and " " in raw:
                named = _NAME_THEN_WORDS.search(raw)
                if named is not None:
                    raw = raw[: named.end()]  # "C:\\Windows\\a.exe and %temp%\\b.dll": a path ends at its file name
                    resume = start + named.end()
            value = _trim(raw)
            end = start + len(value)
            if kind == "upath" and self.r[start - 1] == "`" and not _FS_ROOT.match(value):
                return resume  # inline code that is a web path ("`/api/v2/x`"), not a file's
            if kind == "wpath" and value == raw and self.r[end : end + 1] == "\\" and self.r[end + 1 : end + 2] in _QUOTES:
                value += "\\"  # a folder written with its closing separator: "C:\\Build\\x\\" in quotes
                end += 1
            if "\\\\" in value and _ESCAPED_SEPARATORS.fullmatch(value):
                # Written escaped, every separator doubled (a STIX pattern, JSON, a C string):
                # "HKLM\\\\Software\\\\Run" is the key "HKLM\\Software\\Run".
                value = value.replace("\\\\", "\\")
            if kind == "reg":
                template = _VALUE_TEMPLATE.search(value)
                if template is not None:
                    value = value[: template.start()]  # "…\\Key\\;[NAME];[TYPE]": the key, then its value's template
                    end = start + len(value)
                value = value.rstrip("\\")
                if "\\" not in value:
                    return None
            self.emit("registry_key" if kind == "reg" else "file_path", value, start, end)
            if kind != "reg":
                cut = max(value.rfind("/"), value.rfind("\\"))
                if cut >= 0:
                    self.run(INNER, start + cut, end)
            return resume
        elif kind == "ua":
            value = raw.rstrip(".,;:")  # "… Safari/537.36." ends a sentence
            self.emit("user_agent", value, start, start + len(value))
        elif kind == "cve":
            self.emit("cve", f"CVE-{m.group('cvey')}-{m.group('cven')}", start, end)
        elif kind == "asn":
            number = int(m.group("asnum") or m.group("asnum2"))
            if 0 < number < 2**32:
                self.emit("asn", f"AS{number}", start, end)
        elif kind == "ssdeep":
            if ssdeep_ok(raw):
                self.emit("ssdeep", raw, start, end)
        elif kind == "xmr":
            if xmr_ok(raw):
                self.emit("xmr", raw, start, end)
        elif kind == "btc":
            if btc_ok(raw):
                self.emit("btc", raw if raw[:3].lower() != "bc1" else raw.lower(), start, end)
        elif kind == "ipv6":
            address = ipv6_value(raw)
            if address is not None:
                self.emit("ipv6", address, start, end, self.judge.ip(address, 6, ""))
        return None


#: A URL written encoded, as droppers and phishing kits carry them: hex of "http(s)://",
#: percent-encoded "http(s)%3A%2F%2F", base64 of "http(s)://" (prefixes of one meaning
#: only, so nothing else is decoded). Hex and base64 as a token of their own only; a
#: percent-encoded URL also as a query value ("?continue=https%3A%2F%2F…", a redirector
#: link): the outer URL is kept whole and the carried one is decoded for its host (its
#: defanged dots kept as written); the carried URL itself is one where the text writes
#: it out.
_ENCODED = compile_cached(
    r"(?:(?<![^\s\"'(<\[{,;>|`])(?:"
    r"(?P<hex>(?i:68747470(?:73)?3a2f2f)[0-9A-Fa-f]{8,4096})"
    r"|(?P<b64>aHR0c(?:DovL|HM6Ly)[A-Za-z0-9+/]{4,4096}={0,2}))"
    r"|(?<![^\s\"'(<\[{,;>|`=])(?P<pct>(?i:https?%3a%2f%2f)(?:[A-Za-z0-9%._~+-]|\[\.\]){4,4096})"
    r")(?![0-9A-Za-z%+/=])"
)
#: Where a percent-encoded URL starts inside a URL's query.
_QUERY_PCT_URL = compile_cached(r"=(?i:https?%3a%2f%2f)")


#: Substrings every encoded URL holds, found with ``str.find`` (far faster than a regex
#: scan of the windows), and how far before each the token starts ("68747470" or
#: "6874747073" before "3a2f2f"; "http" or "https" before "%3A%2").
_ENCODED_NEEDLES = (("aHR0c", (0,)), ("3a2f2f", (8, 10)), ("3A2F2F", (8, 10)), ("%3A%2", (4, 5)), ("%3a%2", (4, 5)))


def _encoded_matches(text: str) -> list[re.Match[str]]:
    """The :data:`_ENCODED` tokens of ``text``, in order (at most two match attempts
    per needle found, so linear however often a needle repeats)."""
    found: dict[int, re.Match[str]] = {}
    for needle, backs in _ENCODED_NEEDLES:
        i = text.find(needle)
        while i >= 0:
            for back in backs:
                m = _ENCODED.match(text, i - back) if i >= back else None
                if m is not None:
                    found.setdefault(m.start(), m)
                    break
            i = text.find(needle, i + 1)
    return [found[k] for k in sorted(found)]


def _decoded(match: re.Match[str]) -> str | None:
    """The text an encoded-URL token stands for, or None when it does not decode."""
    token = match.group()
    try:
        if match.lastgroup == "hex":
            raw = bytes.fromhex(token[: len(token) // 2 * 2])
        elif match.lastgroup == "pct":
            return urllib.parse.unquote(token, errors="strict")
        else:
            raw = base64.b64decode(token + "=" * (-len(token) % 4))
        return raw.decode("utf-8").strip()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None


def _outside(found: list[Observable], spans: list[tuple[int, int]]) -> list[Observable]:
    """``found`` without what lies wholly inside one of ``spans`` (sorted, disjoint): the
    names the main pass reads between a percent-encoded URL's escapes ("2Fhost.com" after
    a "%2F"), where the decoded URL stands for them."""
    starts = [s for s, _ in spans]
    kept = []
    for obs in found:
        i = bisect_right(starts, obs.span.start) - 1
        if i >= 0 and obs.span.end <= spans[i][1]:
            continue
        kept.append(obs)
    return kept


def _encoded_observables(
    text: str, windows: Compact, context: ExtractContext | None
) -> tuple[list[Observable], list[tuple[int, int]]]:
    """What the encoded URLs in the windows decode to, each with the encoded token as
    its surface and span (decoded once: what a decoded text holds encoded is left), and
    the spans of the percent-encoded tokens written outside any URL.

    The decoded texts are joined, one per line, and read in one call, so many tokens
    cost one extraction, not one each.
    """
    percent: list[tuple[int, int]] = []
    tokens: list[tuple[int, int]] = []
    carried: list[bool] = []
    pieces: list[str] = []
    offsets: list[int] = []
    at = 0
    for m in _encoded_matches(windows.text):
        decoded = _decoded(m)
        if not decoded or not decoded.isprintable():
            continue
        shift = windows.shifts[bisect_right(windows.starts, m.start()) - 1]
        tokens.append((m.start() + shift, m.end() + shift))
        carried.append(m.start() > 0 and windows.text[m.start() - 1] == "=")
        if m.lastgroup == "pct":
            percent.append(tokens[-1])
        pieces.append(decoded)
        offsets.append(at)
        at += len(decoded) + 1
    out: list[Observable] = []
    if not pieces:
        return out, percent
    for obs in _extract("\n".join(pieces), context, decode=False):
        if obs.type not in ("url", "domain", "ipv4", "ipv6"):
            continue
        i = bisect_right(offsets, obs.span.start) - 1
        if obs.type == "url" and carried[i]:
            continue
        start, end = tokens[i]
        out.append(_observable(obs.type, obs.value, text[start:end], start, end, obs.benign_reasons))
    return out, percent


def _with_glued(found: list[Observable], glued: list[tuple[int, int, str]], text: str) -> list[Observable]:
    """``found`` with each glued Windows path (:mod:`.glued`) in place of the names the main
    pass read inside it ("WindowsSystem32vcmon.exe")."""
    starts = [g[0] for g in glued]
    kept = []
    for obs in found:
        i = bisect_right(starts, obs.span.start) - 1
        if i >= 0 and obs.span.end <= glued[i][1] and obs.type in ("file_name", "file_path", "domain"):
            continue
        kept.append(obs)
    kept.extend(_observable("file_path", path, text[start:end], start, end, ()) for start, end, path in glued)
    return sorted(kept, key=lambda o: (o.span.start, o.span.end, o.type))


def extract_observables(text: str, *, context: ExtractContext | None = None) -> list[Observable]:
    """Every observable in ``text``, in order of appearance.

    Benign values (warninglists, the document's own site from ``context``, private
    and documentation ranges, version strings, file names) are kept with
    ``benign_reasons``; :attr:`Observable.is_indicator` is False for them. URLs written
    encoded (hex, percent or base64 of ``http(s)://…``) give the URL and its host, with
    the encoded token as surface.
    """
    return _extract(text, context, decode=True)


def _extract(text: str, context: ExtractContext | None, *, decode: bool) -> list[Observable]:
    if not isinstance(text, str):
        raise ExtractError(f"extract_observables needs text (str), got {type(text).__name__}")
    if not text:
        return []
    suffixes = load_suffixes()
    judge = Judge.for_context(load_warninglists(), suffixes, context)
    # The cyclic garbage collector is paused for the call: nothing made here forms a
    # reference cycle (refcounting frees it all), but tens of thousands of new
    # objects would trigger full collections that walk the whole heap, reference
    # data included (a fifth of the time on a dense text).
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        windows = compact(text)
        ref = refang(plain_punctuation(windows.text))
        padded = " " + ref.text
        collector = _Collector(text, padded, ref, windows, judge, suffixes)
        collector.run(ATOMS, 0, len(padded))
        collector.dotted_cves()
        found = collector.observables()
        if decode:
            encoded, percent = _encoded_observables(text, windows, context)
            if percent:
                found = _outside(found, percent)
            if encoded:
                found = sorted(found + encoded, key=lambda o: (o.span.start, o.span.end, o.type))
            found = with_layout_tokens(found, text, lambda repaired: _extract(repaired, context, decode=False))
            glued = glued_paths(
                text,
                [
                    (o.span.start, o.span.end)
                    for o in found
                    if (o.type == "file_name" or o.type == "domain") and may_be_glued(text, o.span.start, o.value)
                ],
            )
            if glued:
                found = _with_glued(found, glued, text)
            foreign = foreign_file_names(text, found)
            if foreign:
                found.extend(_observable("file_name", text[s:e], text[s:e], s, e, ()) for s, e in foreign)
                found.sort(key=lambda o: (o.span.start, o.span.end, o.type))
            found = widen_file_names(found, text)
            found = assign_roles(found, text, context, judge)
        return found
    finally:
        if paused:
            gc.enable()
