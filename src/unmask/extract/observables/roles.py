"""Roles: is an observable an indicator, a reference or benign, and why.

:func:`assign_roles` runs once over a text's observables (in order of appearance),
after :mod:`.benign` has collected the evidence about each value (warninglist hits,
special ranges, the document's own site ...). It decides from three things:

- **the value itself**: an OS part (``C:\\Windows``, ``cmd.exe``, the ``Run`` key), a
  security product's process, a placeholder (``C:\\Users\\[username]``), a detection
  name (``Win32/Turla.CS``), a note id inside a gist or paste URL;
- **the passage** it stands in, when the context carries the document's structure
  (reference lists, advice, captions and furniture hold references; an IOC list
  states attacker use);
- **the sentence**: cues before the value on its line, after it, and in the line that
  introduces the list it stands in ("see", "Reference:", a Markdown/AsciiDoc link,
  "available at" make a reference; "C2", "master address", "registered", "Network
  activity" state attacker use; "e.g." makes an example).

A warninglist hit on the *provider* (hotmail.com, blogspot.com, script.google.com, a
cloud range) is evidence, not a verdict: an address, a path or a subdomain of its own
on that provider stays an indicator when the sentence says the attacker uses it (or,
for free web-mail and paste hosts, unless it says otherwise). Certificate serials read
as IPv6/MAC addresses and "files (.scr)" read as a file name are dropped.

Reason codes added here: ``os-part``, ``security-product``, ``placeholder``,
``example``, ``detection-name``, ``note-id``, ``whois-record``, ``victim``,
``provider``, ``publisher-contact``, ``organisation``, ``cited-source``, ``advice``,
``link``, ``link-host``, ``publisher-image``, ``companion-file``, ``reference-passage``,
``attacker-use-stated``, ``provider-hosted``, ``ioc-list``.
"""

from __future__ import annotations

import re
from typing import Any

from unmask.model import ExtractContext, Observable
from unmask.reference.regexes import compile_cached

__all__ = ["FREEMAIL", "assign_roles"]

_SET_ROLE = vars(Observable)["role"].__set__
_SET_REASONS = vars(Observable)["reasons"].__set__
_SET_BENIGN = vars(Observable)["benign_reasons"].__set__

#: Evidence that decides on its own: the value is benign whatever the sentence says.
_INTRINSIC = frozenset(
    {"private-range", "documentation-range", "reserved-range", "version-string", "example-domain",
     "detection-name", "redacted", "file-name"}
)  # fmt: skip
#: Warninglists that say what the value *is* (not who hosts it): never overturned.
_FIRM_LISTS = frozenset(
    {"warninglist:" + n for n in (
        "rfc1918", "rfc3849", "rfc5735", "rfc6598", "rfc6761", "multicast", "ipv6-linklocal", "empty-hashes",
        "security-provider-blogpost", "whats-my-ip", "findip-host", "crl-hostname", "crl-ip", "mozilla-CA",
        "mozilla-IntermediateCA", "common-ioc-false-positive", "tlds", "second-level-tlds", "eicar.com",
        "nioc-filehash", "ti-falsepositives", "umbrella-blockpage-hostname", "captive-portals")}
)  # fmt: skip

#: Free web-mail providers: an address there is a person's (or an attacker's) own box.
FREEMAIL = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "ymail.com", "rocketmail.com",
     "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "msn.com", "aol.com", "icloud.com", "me.com",
     "mail.com", "email.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com",
     "protonmail.ch", "pm.me", "tutanota.com", "tutanota.de", "tuta.io", "yandex.com", "yandex.ru", "mail.ru",
     "inbox.ru", "bk.ru", "list.ru", "zoho.com", "naver.com", "daum.net", "hanmail.net", "nate.com", "qq.com",
     "163.com", "126.com", "sina.com", "rediffmail.com", "fastmail.com", "hushmail.com", "mail.bg", "abv.bg",
     "seznam.cz", "libero.it", "cock.li", "onet.pl", "wp.pl", "o2.pl", "ukr.net", "rambler.ru"}
)  # fmt: skip
#: Sites whose URLs carry note, gist and paste ids that look like hashes.
_NOTE_HOSTS = frozenset(
    {"gist.github.com", "gist.githubusercontent.com", "pastebin.com", "www.evernote.com", "evernote.com",
     "paste.ee", "hastebin.com", "ghostbin.com", "justpaste.it", "rentry.co", "controlc.com", "dpaste.com",
     "paste.ubuntu.com", "privatebin.net"}
)  # fmt: skip

# -- OS parts ----------------------------------------------------------------------

#: Windows and Unix directories every system has (lower case, no trailing separator).
_OS_DIRS = frozenset(
    {"c:\\windows", "c:\\windows\\system32", "c:\\windows\\syswow64", "c:\\windows\\temp", "c:\\users",
     "c:\\users\\public", "c:\\programdata", "c:\\program files", "c:\\program files (x86)", "c:\\temp",
     "%windir%", "%systemroot%", "%appdata%", "%localappdata%", "%temp%", "%tmp%", "%programdata%",
     "%userprofile%", "%public%", "%programfiles%", "%windir%\\system32", "%systemroot%\\system32",
     "c:\\windows\\system32\\drivers", "c:\\windows\\system32\\tasks", "c:\\windows\\tasks",
     "c:\\inetpub", "c:\\inetpub\\wwwroot", "c:\\inetpub\\wwwroot\\aspnet_client",
     "c:\\inetpub\\wwwroot\\aspnet_client\\system_web", "c:\\inetpub\\logs",
     "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local/bin", "/etc", "/tmp",  # noqa: S108
     "/var/tmp", "/dev/null", "/etc/passwd", "/etc/shadow", "/etc/hosts", "/etc/crontab", "/bin/sh",  # noqa: S108
     "/bin/bash", "/usr/bin/python", "/usr/bin/perl", "/proc", "/dev/shm"}  # noqa: S108
)  # fmt: skip
#: Where Windows keeps its programs and libraries.
_SYSTEM_DIRS = frozenset(
    {"c:\\windows\\system32", "c:\\windows\\syswow64", "%windir%\\system32", "%systemroot%\\system32",
     "%windir%\\syswow64", "%systemroot%\\syswow64"}
)  # fmt: skip
_WINDOWS_DIRS = frozenset({"c:\\windows", "%windir%", "%systemroot%"})
#: The few system programs that live in the Windows folder itself.
_IN_WINDOWS = frozenset({"explorer.exe", "notepad.exe", "regedit.exe", "hh.exe", "winhlp32.exe"})
#: Windows programs and libraries every system has.
_OS_FILES = frozenset(
    {"cmd.exe", "powershell.exe", "pwsh.exe", "explorer.exe", "svchost.exe", "rundll32.exe", "regsvr32.exe",
     "mshta.exe", "wscript.exe", "cscript.exe", "taskmgr.exe", "lsass.exe", "winlogon.exe", "services.exe",
     "csrss.exe", "smss.exe", "wininit.exe", "spoolsv.exe", "conhost.exe", "dllhost.exe", "notepad.exe",
     "calc.exe", "at.exe", "schtasks.exe", "net.exe", "net1.exe", "netsh.exe", "wmic.exe", "certutil.exe",
     "bitsadmin.exe", "vssadmin.exe", "wevtutil.exe", "reg.exe", "regedit.exe", "sc.exe", "tasklist.exe",
     "taskkill.exe", "whoami.exe", "ipconfig.exe", "systeminfo.exe", "ping.exe", "nslookup.exe",
     "msiexec.exe", "iexplore.exe", "userinit.exe", "winword.exe", "excel.exe", "outlook.exe",
     "kernel32.dll", "ntdll.dll", "user32.dll", "advapi32.dll", "shell32.dll", "ws2_32.dll", "wininet.dll",
     "gdi32.dll", "ole32.dll", "oleaut32.dll", "msvcrt.dll", "crypt32.dll", "secur32.dll", "urlmon.dll",
     "comctl32.dll", "shlwapi.dll", "winhttp.dll", "iphlpapi.dll", "dnsapi.dll", "netapi32.dll",
     "psapi.dll", "version.dll", "kernelbase.dll", "mscoree.dll", "rpcrt4.dll", "sechost.dll"}
)  # fmt: skip
#: Processes of security products (what malware checks for before it runs).
_SECURITY_PRODUCTS = frozenset(
    {"avp.exe", "avpui.exe", "ekrn.exe", "egui.exe", "msmpeng.exe", "msascuil.exe", "nissrv.exe",
     "mbam.exe", "mbamservice.exe", "avgnt.exe", "avguard.exe", "avastui.exe", "avastsvc.exe",
     "bdagent.exe", "vsserv.exe", "ccsvchst.exe", "mcshield.exe", "mfemms.exe", "ntrtscan.exe",
     "tmbmsrv.exe", "savservice.exe", "sophosui.exe", "fsav.exe", "fshoster32.exe", "v3lite.exe",
     "v3l4tray.exe", "v3svc.exe", "ayagent.aye", "alyac.exe", "hpcsvc.exe", "360tray.exe", "360sd.exe",
     "zhudongfangyu.exe", "kxetray.exe", "qqpctray.exe", "wireshark.exe", "procmon.exe", "procexp.exe",
     "ollydbg.exe", "x64dbg.exe", "idaq.exe", "fiddler.exe", "vboxservice.exe", "vmtoolsd.exe"}
)  # fmt: skip
_HIVES = {"hkey_local_machine": "hklm", "hkey_current_user": "hkcu", "hkey_classes_root": "hkcr",
          "hkey_users": "hku"}  # fmt: skip
#: Standard registry keys (persistence locations and the like), without a value of their own.
_OS_KEYS = frozenset(
    {h + "\\software\\microsoft\\windows\\currentversion\\" + k for h in ("hklm", "hkcu")
     for k in ("run", "runonce", "runservices", "runservicesonce", "policies\\explorer\\run",
               "explorer\\shell folders", "explorer\\user shell folders", "uninstall", "app paths")}
    | {"hklm\\software\\microsoft\\windows nt\\currentversion\\winlogon",
       "hkcu\\software\\microsoft\\windows nt\\currentversion\\winlogon",
       "hklm\\software\\microsoft\\windows nt\\currentversion\\image file execution options",
       "hklm\\system\\currentcontrolset\\services", "hklm\\software\\microsoft\\windows nt\\currentversion\\windows",
       "hklm\\software", "hkcu\\software", "hklm\\system", "hklm\\software\\microsoft", "hkcu\\software\\microsoft",
       "hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\run", "hkcu\\environment",
       "hklm\\software\\microsoft\\active setup\\installed components"}
)  # fmt: skip

# -- cues ----------------------------------------------------------------------------

#: Right before a link: the text cites it ("see", "Reference:", a Markdown or AsciiDoc link).
_NEAR_REFERENCE = compile_cached(
    r"(?i)(?:\b(?:see|visit|refer to|please see(?: the)?|available (?:at|on|from|here)|found (?:at|here|on)|"
    r"can be found(?: at| here)?|located at|courtesy of|read more(?: at)?|more (?:information|details) (?:at|on))"
    r"[\s:(“\"'\[]*|\]\(|link:|^\W*references?\b.*)$"
)
#: Anywhere around: the text says an attacker uses the value.
_ATTACKER = compile_cached(
    r"(?i)\b(?:c2s?|c&c|cnc|command[- ]and[- ]control|malicious|attackers?|adversar(?:y|ies)|threat actors?|"
    r"operators?|backdoors?|trojan|implants?|payloads?|phishing|spear-?phish\w*|exfiltrat\w*|drop ?box(?:es)?|"
    r"drop ?zone|master|bots?|beacon\w*|callbacks?|downloaded from|delivered|registered|registrant|spoof\w*|"
    r"fake|lures?|decoy|iocs?|indicators?|network activity|payload delivery|artifacts dropped|compromised|"
    r"infected|sender|email-src|email-dst|ip-dst|ip-src|hostile|controlled by)\b"
)
#: Around a link: the text points the reader to it (advice, sources, resources).
_REFERENCE = compile_cached(
    r"(?i)\b(?:white ?papers?|blog posts?|articles?|advisory|advisories|guides?|published|more information|"
    r"resources?|recommend\w*|best practices?|mitigat\w*|guidance|fact sheet|playbook|information sharing|isacs?|"
    r"isao|tracker|primer|for additional|contact|learn more|documentation|tutorial|homepage|home page|wiki|"
    r"project page|source code|repository)\b"
)
#: "Health Information Sharing and Analysis Center (H-ISAC): https://..." - a titled resource.
_TITLE_COLON = compile_cached(
    r"^[\s*\-•·]*(?:(?:[A-Z0-9][\w&/’'.-]*|\([^()]{1,20}\)|of|and|the|for|to|on|in|a|[-–&,])\s+){2,}?"
    r"(?:[A-Z0-9][\w&/’'.-]*|\([^()]{1,20}\))\s*:\s*$"
)
_CONTACT = compile_cached(r"(?i)\b(?:contacts?|e-?mail (?:us|at)|request via|reach us|write to|inquir\w*|send (?:us|your))\b")
_VICTIM = compile_cached(r"(?i)\b(?:targeted|victims?|belonging to|impersonat\w*)\b")
_LEGITIMATE = compile_cached(r"(?i)\b(?:legitimate|benign|clean|test (?:internet )?connectivity)\b")
_EXAMPLE_NEAR = compile_cached(r"(?i)(?:\be\.g\.|\bfor example|\bfor instance|\bexamples?\b|\bsuch as)[\s,:(“\"'~]*$")
_EXAMPLE_INTRO = compile_cached(r"(?i)\bexamples?\b")
_PLACEHOLDER = compile_cached(r"\[[A-Za-z_ -]{2,40}\]|<[A-Za-z_ -]{2,40}>|%s\b|\{[a-z_]{2,30}\}|(?i:x{3,})")
_WHOIS = compile_cached(
    r"(?i)\s*(?:aut-num|origin|route6?|inetnum|inet6num|netrange|cidr|announcement|as-name|descr|netname|"
    r"orgname|org-name|nserver|registrar)\s*:"
)
_DETECTION_PREFIX = compile_cached(
    r"(?<![\w/])(?:Win32|Win64|MSIL|VBS|JS|Linux|Android|OSX|MacOS|PowerShell|Python|Perl|PHP|BAT|HTML|Java|"
    r"W97M|X97M|O97M|DOC|PDF|NSIS|AutoIt|Generik|Multi|Trojan|Backdoor|HEUR|Exploit)[/:.](?:[A-Za-z]+[.:/])*$"
)
_HEX = frozenset("0123456789abcdefABCDEF")
_HOST_END = compile_cached(r"[/?#]")
_EMBEDDED_HOST = compile_cached(
    r"(?i)[/=](?:https?(?:://|%3A%2F%2F))?((?:[a-z0-9-]{1,63}\.){1,5}[a-z]{2,24})(?=[/?&#]|%2F|$)"
)


def _is_os_path(value: str) -> str | None:
    """The reason when ``value`` (a path or file name) is a part of every system."""
    lower = value.lower().rstrip("\\/")
    if lower[1:3] == ":\\":
        lower = "c" + lower[1:]  # the same folders on any drive
    if lower in _OS_DIRS:
        return "os-part"
    cut = max(lower.rfind("\\"), lower.rfind("/"))
    name = lower[cut + 1 :]
    folder = lower[:cut] if cut > 0 else ""
    if name in _SECURITY_PRODUCTS and not folder:
        return "security-product"
    if name in _OS_FILES and (not folder or folder in _SYSTEM_DIRS or (folder in _WINDOWS_DIRS and name in _IN_WINDOWS)):
        return "os-part"  # a system program where it belongs (a copy elsewhere is the malware's)
    if lower.startswith(("c:\\users\\public", "%public%")) and not name.count("."):
        return "os-part"
    return None


def _is_os_key(value: str) -> bool:
    lower = value.lower().rstrip("\\")
    hive, _, rest = lower.partition("\\")
    return f"{_HIVES.get(hive, hive)}\\{rest}" in _OS_KEYS


class _Text:
    """Cue windows around offsets of one text (lines found lazily)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def line(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        return line_start, len(text) if line_end < 0 else line_end

    def before(self, start: int, width: int = 160) -> str:
        line_start = self.text.rfind("\n", max(0, start - width), start) + 1
        return self.text[max(line_start, start - width) : start]

    def after(self, end: int, width: int = 100) -> str:
        text = self.text
        line_end = text.find("\n", end, end + width)
        return text[end : line_end if line_end >= 0 else end + width]

    def intro(self, start: int, end: int) -> str:
        """The line introducing the list ``[start, end)`` stands in ("...the following C2 servers:"),
        or the previous line of a two-line sentence; empty when the value is inside prose."""
        text = self.text
        line_start, line_end = self.line(start, end)
        own = text[line_start:line_end]
        if len(own.strip(" \t-*•·|>")) > (end - start) + 25:
            return ""  # more than a list item: its cues are before/after
        pos = line_start - 1
        for _ in range(60):
            if pos <= 0:
                return ""
            prev_start = text.rfind("\n", 0, pos) + 1
            line = text[prev_start:pos]
            stripped = line.strip()
            if len(stripped) > 60 or (stripped.endswith(":") and len(stripped) > 12):
                return line[-300:]
            pos = prev_start - 1
        return ""


def _registrable_hits(judge: Any, host: str) -> list[str]:
    reg = judge.suffixes.registrable_domain(host)
    if not reg or reg == host:
        return []
    return judge.host(reg)  # type: ignore[no-any-return]


def _provider_only(reasons: tuple[str, ...] | list[str]) -> bool:
    """Whether every reason is a warninglist hit that may name a provider (not the value)."""
    return bool(reasons) and all(r.startswith("warninglist:") and r not in _FIRM_LISTS for r in reasons)


def _passage_kind(context: ExtractContext | None, offset: int) -> str | None:
    structure = getattr(context, "structure", None) if context is not None else None
    if structure is None:
        return None
    kind = structure.kind_at(offset)
    return kind if isinstance(kind, str) else None


_REFERENCE_KINDS = {"reference": "reference-passage", "advice": "advice", "furniture": "publisher-link",
                    "caption": "publisher-image"}  # fmt: skip


def assign_roles(found: list[Observable], text: str, context: ExtractContext | None, judge: Any) -> list[Observable]:
    """Set ``role``/``reasons``/``benign_reasons`` of each observable (built by the extractor,
    so still private to this call); return them without the dropped ones."""
    cues = _Text(text)
    dropped: set[int] = set()
    # The URL the current observable lies in, with its decided role and host. A URL is
    # decided before what lies in it (same start: the longer first).
    url_end = -1
    url_role = ""
    url_host = ""
    for obs in sorted(found, key=lambda o: (o.span.start, -o.span.end)):
        kind = obs.type
        start = obs.span.start
        end = obs.span.end
        evidence = tuple(obs.benign_reasons)
        in_url = kind != "url" and start < url_end and end <= url_end
        in_host = in_url and obs.value == url_host
        decided = _decide(obs, kind, start, end, evidence, cues, context, judge, in_url, url_role,
                          in_host=in_host, url_host=url_host)  # fmt: skip
        if decided is None:
            dropped.add(id(obs))
            continue
        role, reasons = decided
        _SET_ROLE(obs, role)
        _SET_REASONS(obs, reasons)
        _SET_BENIGN(obs, () if role == "indicator" else (reasons or (role,)))
        if kind == "url" and end > url_end:
            url_end = end
            url_role = role
            rest = obs.value.split("://", 1)[-1]
            url_host = _HOST_END.split(rest, maxsplit=1)[0].rsplit("@", 1)[-1].lower().strip("[]")
    kept = [o for o in found if id(o) not in dropped] if dropped else found
    # A companion file the text lists ("* iocs.csv : IOCs in CSV format") is that file
    # wherever else it is named (its usage line "python decode.py ...").
    companions = {o.value for o in kept if o.role == "reference" and "companion-file" in o.reasons}
    if companions:
        for obs in kept:
            if obs.value in companions and obs.role == "indicator" and obs.type in ("file_name", "file_path"):
                _SET_ROLE(obs, "reference")
                _SET_REASONS(obs, ("companion-file",))
                _SET_BENIGN(obs, ("companion-file",))
    return kept


def _decide(
    obs: Observable, kind: str, start: int, end: int, evidence: tuple[str, ...], cues: _Text,
    context: ExtractContext | None, judge: Any, in_url: bool, url_role: str, *, in_host: bool, url_host: str,
) -> tuple[str, tuple[str, ...]] | None:  # fmt: skip
    text = cues.text
    value = obs.value
    # Wrong types first: what is not an observable at all.
    if kind in ("ipv6", "mac") and _in_colon_hex(text, start, end):
        return None  # a certificate serial or fingerprint ("4c:0b:...:b4:1a:bf:40:27:21:76:28")
    if kind == "file_name" and " (" in obs.surface:
        return None  # "scripts (.bat)": a word and an extension in brackets
    intrinsic = [r for r in evidence if r in _INTRINSIC]
    if intrinsic:
        return "benign", evidence
    if kind in ("md5", "sha1", "sha256", "sha512"):
        if in_url and (url_host in _NOTE_HOSTS or url_role != "indicator"):
            return "benign", ("note-id", *evidence)  # a gist, note or paste id; an id in a cited link
        return ("benign", evidence) if evidence else ("indicator", ())
    if in_host and url_role != "indicator":
        # The host of a cited link is cited too.
        return ("reference", ("link-host", *evidence)) if url_role == "reference" else ("benign", evidence or ("link-host",))
    if kind in ("file_name", "file_path", "registry_key"):
        if in_url and url_role != "indicator":
            return url_role, ("link-host", *evidence)  # a file name in a cited link's path
        return _decide_file(obs, kind, start, end, evidence, cues)
    passage = _passage_kind(context, start)
    if kind == "url":
        return _decide_url(obs, start, end, evidence, cues, passage, judge)
    if kind == "email":
        return _decide_email(value, start, end, evidence, cues, passage)
    if kind in ("domain", "ipv4", "ipv6", "ipv4_cidr", "asn"):
        line_start, _ = cues.line(start, end)
        if _WHOIS.match(text, line_start):
            return "benign", (*evidence, "whois-record")
    if kind == "domain":
        if in_url and in_host:
            # The host of an attacker's URL: the provider it names keeps its own verdict.
            return ("benign", ("provider", *evidence)) if evidence else ("indicator", ())
        if value in FREEMAIL:
            return "benign", ("provider", *evidence)
        if not evidence:
            if passage in ("reference", "advice"):
                return "reference", (_REFERENCE_KINDS[passage],)
            return "indicator", ()
        if _provider_only(evidence) and _own_subdomain(judge, value, evidence):
            if in_url and url_role == "indicator":
                return "indicator", ("provider-hosted", *evidence)
            if passage == "ioc-list" or _attacker(cues, start, end):
                return "indicator", ("provider-hosted", "attacker-use-stated", *evidence)
        return "benign", evidence
    if kind in ("ipv4", "ipv6", "ipv4_cidr"):
        if evidence and _provider_only(evidence) and (passage == "ioc-list" or _attacker(cues, start, end)):
            return "indicator", ("provider-hosted", "attacker-use-stated", *evidence)
        return ("benign", evidence) if evidence else ("indicator", ())
    return ("benign", evidence) if evidence else ("indicator", ())


def _in_colon_hex(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` is part of a longer run of colon-separated hex pairs."""
    before = text[max(0, start - 3) : start]
    after = text[end : end + 3]
    return (len(before) == 3 and before[2] == ":" and before[0] in _HEX and before[1] in _HEX) or (
        len(after) == 3 and after[0] == ":" and after[1] in _HEX and after[2] in _HEX
    )


def _own_subdomain(judge: Any, host: str, evidence: tuple[str, ...]) -> bool:
    """Whether ``host`` is a name of its own under a listed provider (``evil.blogspot.com``):
    the provider's registrable domain carries every hit, the host adds nothing."""
    reg = judge.suffixes.registrable_domain(host)
    if not reg or reg == host or host == "www." + reg:
        return False
    parent = set(_registrable_hits(judge, host))
    return bool(parent) and set(evidence) <= parent


def _attacker(cues: _Text, start: int, end: int) -> bool:
    before = cues.before(start)
    if _ATTACKER.search(before) or _ATTACKER.search(cues.after(end)):
        return True
    intro = cues.intro(start, end)
    return bool(intro) and _ATTACKER.search(intro) is not None and not _LEGITIMATE.search(intro)


def _decide_file(
    obs: Observable, kind: str, start: int, end: int, evidence: tuple[str, ...], cues: _Text
) -> tuple[str, tuple[str, ...]]:
    value = obs.value
    if kind == "registry_key":
        if _PLACEHOLDER.search(value):
            return "benign", ("placeholder",)
        return ("benign", ("os-part",)) if _is_os_key(value) else ("indicator", ())
    before = cues.before(start, 60)
    if kind == "file_name" and _DETECTION_PREFIX.search(before[-24:]):
        return "benign", ("detection-name",)  # "Win32/Turla.CS", "JS/TrojanDownloader.Agent.REG"
    if _PLACEHOLDER.search(value):
        return "benign", ("placeholder",)
    os_reason = _is_os_path(value)
    if os_reason is not None:
        return "benign", (os_reason,)
    if before.endswith("link:") or cues.text.startswith("[", end) or re.match(r"\s+:\s", cues.text[end : end + 4]):
        return "reference", ("companion-file",)  # "link:iocs.json[MISP event]", "* iocs.csv : IOCs in CSV"
    if "](" in before and ")" not in before[before.rfind("](") :]:
        return "reference", ("publisher-image",)  # a Markdown image's own path
    if _EXAMPLE_NEAR.search(before[-40:]):
        return "benign", ("example",)
    intro = cues.intro(start, end)
    if intro and _EXAMPLE_INTRO.search(intro) and not _ATTACKER.search(intro):
        return "benign", ("example",)
    return ("benign", evidence) if evidence else ("indicator", ())


def _redirects_off_list(judge: Any, url: str) -> bool:
    """Whether ``url`` (on a listed host) carries an unlisted host in its path or query:
    a tracker or redirector sending the reader on ("…/track/click/123/www.bad-site.eu?p=")."""
    path = url.split("://", 1)[-1]
    cut = path.find("/")
    if cut < 0:
        return False
    for m in _EMBEDDED_HOST.finditer(path, cut):
        host = m.group(1).lower()
        if judge.suffixes.registrable_domain(host) and not judge.host(host):
            return True
    return False


def _decide_url(
    obs: Observable, start: int, end: int, evidence: tuple[str, ...], cues: _Text, passage: str | None,
    judge: Any,
) -> tuple[str, tuple[str, ...]]:
    surface = obs.surface
    defanged = surface.lower() != obs.value.lower() and not surface.lower().startswith(("www.", "http"))
    defanged = defanged or "[" in surface or "hxxp" in surface.lower()
    if passage in _REFERENCE_KINDS and not defanged:
        return "reference", (_REFERENCE_KINDS[passage], *evidence)
    before = cues.before(start)
    if "own-site" in evidence:
        return "reference", ("publisher-link", *evidence)
    if not defanged:
        if before.endswith("![](") or before.endswith("[![]("):
            return "reference", ("publisher-image", *evidence)
        if _NEAR_REFERENCE.search(before[-120:]):
            return "reference", ("cited-source", *evidence)
        if "warninglist:security-provider-blogpost" in evidence:
            return "reference", ("cited-source", *evidence)
    if passage == "ioc-list":
        return "indicator", ("ioc-list", *evidence)
    attacker = _attacker(cues, start, end)
    if attacker or defanged:
        return "indicator", (("attacker-use-stated", *evidence) if attacker else evidence)
    if _REFERENCE.search(before) or _TITLE_COLON.match(before):
        return "reference", ("cited-source", *evidence)
    if _VICTIM.search(before) or _VICTIM.search(cues.after(end)):
        return "benign", ("victim", *evidence)
    if not evidence:
        return "indicator", ()
    path = obs.value.split("://", 1)[-1]
    slash = path.find("/")
    if slash >= 0 and path[slash:].strip("/") and "warninglist:lots-project" in evidence:
        # A path of its own on a site attackers abuse (GitHub, Discord's CDN, a storage bucket).
        return "indicator", ("provider-hosted", *evidence)
    if _provider_only(evidence) and _redirects_off_list(judge, obs.value):
        return "indicator", ("provider-hosted", "redirect", *evidence)
    return "benign", evidence


def _decide_email(
    value: str, start: int, end: int, evidence: tuple[str, ...], cues: _Text, passage: str | None
) -> tuple[str, tuple[str, ...]]:
    host = value.rsplit("@", 1)[-1]
    before = cues.before(start, 80)
    if _CONTACT.search(before) and not _ATTACKER.search(before):
        return "benign", ("publisher-contact", *evidence)
    if passage in ("reference", "advice", "furniture"):
        return "benign", ("publisher-contact", *evidence)
    if host in FREEMAIL or "warninglist:disposable-email" in evidence:
        return "indicator", ("provider-hosted", *evidence)
    if not evidence:
        return "indicator", ()
    if _provider_only(evidence) and (passage == "ioc-list" or _attacker(cues, start, end)):
        return "indicator", ("attacker-use-stated", *evidence)
    return "benign", ("organisation", *evidence)
