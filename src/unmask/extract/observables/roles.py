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

A warninglist hit on the *provider* (hotmail.com, hopto.org, blogspot.com,
script.google.com, a cloud range) is evidence, not a verdict, and one decision serves
every type (:func:`_own_part`, :func:`_on_provider`): what the value is of its own there
(a name in a dynamic-DNS or free-hosting zone, a mailbox on web-mail, a path on a paste
or file host: the attacker's unless the sentence says otherwise; a customer's name on a
platform, a name, mailbox or address under the provider: the attacker's when the text
says so) and its passage and sentence decide; the provider's bare name stays the
provider's. Certificate serials read as IPv6/MAC addresses and "files (.scr)" read as a
file name are dropped.

Reason codes added here: ``os-part``, ``security-product``, ``placeholder``,
``example``, ``detection-name``, ``note-id``, ``whois-record``, ``victim``,
``provider``, ``publisher-contact``, ``organisation``, ``cited-source``, ``advice``,
``link``, ``link-host``, ``publisher-image``, ``companion-file``, ``reference-passage``,
``attacker-use-stated``, ``provider-hosted`` (with the value's part: ``dynamic-dns-host``,
``free-hosting-host``, ``platform-host``, ``mail-provider-host``, ``own-subdomain``,
``webmail-mailbox``, ``customer-mailbox``, ``provider-mailbox``, ``content-path``,
``rented-address``, ``listed-address``; and the cue: ``attacker-url``, ``resolution`` ...),
``legitimate-use`` (a value on a provider its line calls legitimate),
``ioc-list``, ``defanged``, ``redirect``,
``unexplained-value`` (hex in a list the text says it cannot explain), ``netblock`` (a range in an ASN lookup's answer), ``file-part`` (the hash of a PE section, a resource or the entry bytes a line names:
``.rdata: <md5>``, ``RT_VERSION: <sha256>`` - a part of the sample, not a sample),
``compromised-site`` (also a table column headed so), ``legitimate-software`` (also a file
record whose description calls the file legitimate or commercially available),
``unstable-value`` (a hash noted to vary).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

import ahocorasick

from unmask.model import ExtractContext, Observable
from unmask.reference.providers import customer_host, customer_zone, freemail
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

#: Free web-mail providers: an address there is a person's (or an attacker's) own box
#: (reference data: ``unmask/data/providers.json``).
FREEMAIL = freemail()
#: Sites whose URLs carry note, gist and paste ids that look like hashes.
_NOTE_HOSTS = frozenset(
    {"gist.github.com", "gist.githubusercontent.com", "pastebin.com", "www.evernote.com", "evernote.com",
     "paste.ee", "hastebin.com", "ghostbin.com", "justpaste.it", "rentry.co", "controlc.com", "dpaste.com",
     "paste.ubuntu.com", "privatebin.net"}
)  # fmt: skip
#: Sample repositories and sandboxes: the hash in a link to a sample there is the sample's
#: hash (an indicator) while the link itself is a source cited.
_SAMPLE_HOSTS = frozenset(
    {"virustotal.com", "www.virustotal.com", "hybrid-analysis.com", "www.hybrid-analysis.com", "bazaar.abuse.ch",
     "any.run", "app.any.run", "tria.ge", "www.joesandbox.com", "joesandbox.com", "malshare.com",
     "www.malshare.com", "www.reverse.it", "otx.alienvault.com", "www.filescan.io", "valkyrie.comodo.com"}
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
#: A user profile's standard folders, without a file (lower case, drive as "c:"):
#: "c:\\documents and settings\\administrator\\local settings\\temp".
_USER_DIRS = compile_cached(
    r"c:\\(?:documents and settings|users)(?:\\[^\\]+(?:\\(?:local settings|application data|appdata)"
    r"(?:\\(?:local|roaming|locallow))?(?:\\temp)?)?)?"
)
#: Where Windows keeps its programs and libraries.
_SYSTEM_DIRS = frozenset(
    {"c:\\windows\\system32", "c:\\windows\\syswow64", "%windir%\\system32", "%systemroot%\\system32",
     "%windir%\\syswow64", "%systemroot%\\syswow64"}
)  # fmt: skip
_WINDOWS_DIRS = frozenset({"c:\\windows", "%windir%", "%systemroot%"})
#: The few system programs that live in the Windows folder itself.
_IN_WINDOWS = frozenset({"explorer.exe", "notepad.exe", "regedit.exe", "hh.exe", "winhlp32.exe"})
#: System programs that live in a folder of their own under System32 (and that folder).
_IN_SUBFOLDER = {"sysprep.exe": "sysprep", "wmiprvse.exe": "wbem", "wmic.exe": "wbem", "scrcons.exe": "wbem"}
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

#: Cue words by what they say, found in one Aho-Corasick pass over a lower-cased window
#: (a trailing "*" marks a stem: "exfiltrat*" is exfiltrate, exfiltrated, exfiltration).
_CUE_WORDS = {
    # The text says an attacker uses the value.
    "attacker": (
        "c2", "c2s", "c&c", "cnc", "command and control", "command-and-control", "malicious", "attacker",
        "attackers", "adversary", "adversaries", "threat actor", "threat actors", "operator", "operators",
        "backdoor", "backdoors", "trojan", "implant", "implants", "payload", "payloads", "phishing", "spear-phish*",
        "spearphish*", "exfiltrat*", "drop box", "drop boxes", "drop zone", "master", "bot", "bots", "beacon*",
        "callback", "callbacks", "downloaded from", "delivered", "registered", "registrant", "spoof*", "fake",
        "lure", "lures", "decoy", "ioc", "iocs", "indicator", "indicators", "network activity", "payload delivery",
        "artifacts dropped", "attribution", "compromised", "infected", "sender", "email-src", "email-dst", "ip-dst", "ip-src",
        "hostile", "controlled by",
    ),
    # The text points the reader to it: advice, sources, resources.
    "reference": (
        "white paper", "white papers", "whitepaper", "whitepapers", "blog post", "blog posts", "article", "articles",
        "advisory", "advisories", "guide", "guides", "published", "more information", "resource", "resources",
        "recommend*", "best practice", "best practices", "mitigat*", "guidance", "fact sheet", "playbook",
        "information sharing", "isac", "isacs", "isao", "tracker", "primer", "for additional", "contact",
        "learn more", "documentation", "tutorial", "homepage", "home page", "wiki", "project page", "source code",
        "repository",
    ),
    "victim": ("targeted", "victim", "victims", "belonging to", "impersonat*"),
    "contact": (
        "contact", "contacts", "email us", "e-mail us", "email at", "e-mail at", "request via", "reach us",
        "write to", "inquir*", "send us", "send your",
    ),
    "legitimate": ("legitimate", "benign", "clean", "test connectivity", "test internet connectivity"),
}  # fmt: skip


def _cue_automaton() -> ahocorasick.Automaton:
    words: dict[str, list[tuple[str, bool]]] = {}
    for category, entries in _CUE_WORDS.items():
        for entry in entries:
            stem = entry.endswith("*")
            words.setdefault(entry.rstrip("*"), []).append((category, stem))
    automaton = ahocorasick.Automaton()
    for word, meanings in words.items():
        automaton.add_word(word, (len(word), tuple(meanings)))
    automaton.make_automaton()
    return automaton


_CUES = _cue_automaton()
_NONE: frozenset[str] = frozenset()


def cues_in(window: str) -> frozenset[str]:
    """The cue categories ("attacker", "reference", "victim", "contact", "legitimate")
    of the words in ``window`` (whole words; stems at a word start)."""
    if not window:
        return _NONE
    low = window.lower()
    found: set[str] = set()
    size = len(low)
    for last, (length, meanings) in _CUES.iter(low):
        first = last - length + 1
        if first > 0 and low[first - 1].isalnum():
            continue
        after = last + 1 < size and low[last + 1].isalnum()
        for category, stem in meanings:
            if stem or not after:
                found.add(category)
    return frozenset(found) if found else _NONE


_NEAR_PHRASES = (
    "see", "visit", "refer to", "available at", "available on", "available from", "available here", "found at",
    "found here", "found on", "can be found", "located at", "courtesy of", "read more", "read more at",
    "more information at", "more information on", "more details at", "more details on", "details from",
    "according to", "taken from",
)  # fmt: skip
_NEAR_TRAIL = " \t:(“\"'["
_EXAMPLE_PHRASES = ("e.g.", "for example", "for instance", "example", "examples", "such as")
_EXAMPLE_TRAIL = " \t,:(“\"'~"


def _ends_with_phrase(tail: str, phrases: tuple[str, ...], trail: str) -> bool:
    """Whether ``tail`` ends with one of ``phrases`` as whole words (blanks and ``trail`` after)."""
    stripped = tail.rstrip(trail).lower()
    if not stripped.endswith(phrases):
        return False
    phrase = next(p for p in phrases if stripped.endswith(p))
    at = len(stripped) - len(phrase)
    return at == 0 or not stripped[at - 1].isalpha()  # "see", not "foresee"


def _near_reference(before: str) -> bool:
    """Whether ``before`` ends the way a text points at a source it cites ("see", "](")."""
    tail = before[-40:]
    if tail.endswith(("](", "link:")) or _ends_with_phrase(tail, _NEAR_PHRASES, _NEAR_TRAIL):
        return True
    head = before.lstrip(" \t-*•·>|")
    return head[:9].lower().startswith("reference")


#: "Health Information Sharing and Analysis Center (H-ISAC): https://..." - a titled resource.
_TITLE_COLON = compile_cached(
    r"^[\s*\-•·]*(?:(?:[A-Z0-9][\w&/’'.-]*|\([^()]{1,20}\)|of|and|the|for|to|on|in|a|[-–&,])\s+){2,}?"
    r"(?:[A-Z0-9][\w&/’'.-]*|\([^()]{1,20}\))\s*:\s*$"
)
_COMPANION_AFTER = compile_cached(r"\s+:\s")
#: How a defanged host name is written ("evil[.]no-ip[.]org", "evil(.)org", "evil[dot]org").
_DEFANG_MARK = compile_cached(r"[\[({]\s*(?:\.|dot)\s*[\])}]")
_EXAMPLE_WORD = compile_cached(r"(?i)\bexamples?\b")
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
_MAY_HOLD_PLACEHOLDER = compile_cached(r"[\[<%{]|(?i:xxx)")
_HOST_END = compile_cached(r"[/?#]")
_EMBEDDED_HOST = compile_cached(
    r"(?i)[/=](?:https?(?:://|%3A%2F%2F))?((?:[a-z0-9-]{1,63}\.){1,5}[a-z]{2,24})(?=[/?&#]|%2F|$)"
)


def _is_os_path(value: str) -> str | None:
    """The reason when ``value`` (a path or file name) is a part of every system."""
    if "\\" not in value and "/" not in value and "%" not in value:
        name = value.lower()  # a bare name: the common case
        if name in _OS_FILES:
            return "os-part"
        return "security-product" if name in _SECURITY_PRODUCTS else None
    lower = value.lower().rstrip("\\/")
    if lower[1:3] == ":\\":
        lower = "c" + lower[1:]  # the same folders on any drive
    if lower in _OS_DIRS or _USER_DIRS.fullmatch(lower):
        return "os-part"
    cut = max(lower.rfind("\\"), lower.rfind("/"))
    name = lower[cut + 1 :]
    folder = lower[:cut] if cut > 0 else ""
    if name in _SECURITY_PRODUCTS and not folder:
        return "security-product"
    if name in _OS_FILES and (not folder or folder in _SYSTEM_DIRS or (folder in _WINDOWS_DIRS and name in _IN_WINDOWS)):
        return "os-part"  # a system program where it belongs (a copy elsewhere is the malware's)
    if name in _IN_SUBFOLDER:
        parent, _, sub = folder.rpartition("\\")
        if parent in _SYSTEM_DIRS and sub == _IN_SUBFOLDER[name]:
            return "os-part"  # a system program in its own folder under System32
    if lower.startswith(("c:\\users\\public", "%public%")) and not name.count("."):
        return "os-part"
    return None


def _in_link_target(text: str, start: int) -> bool:
    """Whether ``start`` lies in the target of a Markdown link or image on its line
    ("[![](/files/s1600/fun.png)](/files/.../fun.png)"): after "](" with no blank or ")"
    between (a long CDN path puts the "](" far before the name)."""
    at = text.rfind("](", start - _REACH if start > _REACH else 0, start)
    if at < 0:
        return False
    between = text[at + 2 : start]
    return ")" not in between and " " not in between and "\n" not in between and "\t" not in between


def _is_os_key(value: str) -> bool:
    lower = value.lower().rstrip("\\")
    hive, _, rest = lower.partition("\\")
    return f"{_HIVES.get(hive, hive)}\\{rest}" in _OS_KEYS


#: How far from a value its line is looked for.
_REACH = 400


class _Text:
    """Cue windows around offsets of one text (lines found lazily)."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: Host -> whether it is a name of its own under a listed provider.
        self.own: dict[str, bool] = {}
        #: Line start -> the line introducing the list it stands in (lists share one).
        self.intros: dict[int, str] = {}
        #: Whether a form's filler mailbox was seen (its host is judged after the pass).
        self.filler = False

    def line(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the line around ``[start, end)``, looked for at most
        :data:`_REACH` characters away (a longer line is cut there: no rule here
        reads further, and searching a text without line breaks must stay linear)."""
        text = self.text
        low = max(0, start - _REACH)
        line_start = text.rfind("\n", low, start) + 1 or low
        high = min(len(text), end + _REACH)
        line_end = text.find("\n", end, high)
        return line_start, high if line_end < 0 else line_end

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
        if line_start > 0 and text[line_start - 1] != "\n":
            return ""  # a line longer than the reach: prose, not a list
        known = self.intros.get(line_start)
        if known is None:
            known = self.intros[line_start] = self._intro_above(line_start)
        return known

    def _intro_above(self, line_start: int) -> str:
        """The first line above ``line_start`` that is long or ends with a colon (the
        list's introduction), looked for at most 60 lines up; computed once per line."""
        text = self.text
        pos = line_start - 1
        for _ in range(60):
            if pos <= 0:
                return ""
            prev_start = text.rfind("\n", max(0, pos - _REACH), pos) + 1
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


_REFERENCE_PASSAGE = ("reference-passage",)
_REFERENCE_KINDS = {"reference": "reference-passage", "advice": "advice", "furniture": "publisher-link",
                    "caption": "publisher-image"}  # fmt: skip


def assign_roles(found: list[Observable], text: str, context: ExtractContext | None, judge: Any) -> list[Observable]:
    """Set ``role``/``reasons``/``benign_reasons`` of each observable (built by the extractor,
    so still private to this call); return them without the dropped ones."""
    cues = _Text(text)
    dropped: set[int] = set()
    plain = getattr(context, "structure", None) is None
    # The URL the current observable lies in, with its decided role and host. A URL is
    # decided before what lies in it: a URL written without a scheme starts where its
    # host does, so it is taken first (the one look-ahead below).
    url_end = -1
    url_role = ""
    url_host = ""
    early: set[int] = set()
    n = len(found)
    companion = False
    mailboxes = False  # any e-mail address decided (for :func:`_mailbox_hosts`)
    ranges = False  # any address range (for :func:`_networks`)
    # A list of hex values the text says it cannot explain ("It is unclear what the
    # following embedded hash values represent:"): no sample hashes (screened once).
    unexplained = _needles_at(text, _UNEXPLAINED_NEEDLES)
    for i in range(n):
        obs = found[i]
        if i in early:
            continue
        kind = obs.type
        span = obs.span
        start = span.start
        if kind == "ipv4_cidr":
            ranges = True
        if kind == "domain" and i + 1 < n and found[i + 1].span.start == start:
            j = i + 1
            while j < n and found[j].span.start == start:
                if found[j].type == "url" and j not in early:
                    early.add(j)
                    url = found[j]
                    if (
                        plain
                        and not url.benign_reasons
                        and url.surface[:4].lower() == "www."
                        and _plain_url(text, url.surface, url.value, start, url.span.end)
                    ):
                        # a URL written without a scheme, nothing around it: the common case
                        url_end, url_role, url_host = url.span.end, "indicator", _url_host(url.value)
                    else:
                        url_end, url_role, url_host = _apply(url, cues, context, judge, dropped, -1, "", "")
                j += 1
        evidence = obs.benign_reasons
        if evidence and span.end <= url_end and url_role == "reference" and kind == "domain" and obs.value == url_host:
            # The listed host of a cited link (most hosts with evidence): cited too, unless
            # the evidence says what the value is (what ``_decide`` would answer, cheaply).
            if _INTRINSIC.isdisjoint(evidence):
                reasons = ("link-host", *evidence)
                _SET_ROLE(obs, "reference")
                _SET_REASONS(obs, reasons)
                _SET_BENIGN(obs, reasons)
            else:
                _SET_ROLE(obs, "benign")
            continue
        if not evidence:
            if span.end <= url_end:
                if url_role == "indicator":
                    if kind in _IN_ATTACKER_URL or (kind in _HASHES and url_host not in _NOTE_HOSTS):
                        continue  # in an attacker's URL: an indicator with it
                elif url_role == "reference" and obs.value == url_host:
                    _SET_ROLE(obs, "reference")  # the host of a cited link
                    _SET_REASONS(obs, _LINK_HOST)
                    _SET_BENIGN(obs, _LINK_HOST)
                    continue
                elif kind == "domain" and plain and obs.value != url_host and obs.value not in FREEMAIL:
                    continue  # a name of its own in a link's path: judged as written alone
            elif start >= url_end:
                # Nothing against it and in no URL: the common case, an indicator unless a
                # rule about the value or its line says otherwise.
                if kind in _HASHES or kind in _PLAIN:
                    if kind in _HASHES:
                        if kind == "sha1" and _node_id(text, start):
                            _SET_ROLE(obs, "benign")
                            _SET_REASONS(obs, _NODE_ID_REASON)
                            _SET_BENIGN(obs, _NODE_ID_REASON)
                        elif _file_part(text, start):
                            _SET_ROLE(obs, "benign")
                            _SET_REASONS(obs, _FILE_PART_REASON)
                            _SET_BENIGN(obs, _FILE_PART_REASON)
                        elif (
                            unexplained
                            and _any_before(unexplained, start, _INTRO_SPAN)
                            and _UNEXPLAINED.search(cues.intro(start, span.end))
                        ):
                            _SET_ROLE(obs, "benign")
                            _SET_REASONS(obs, _UNEXPLAINED_REASON)
                            _SET_BENIGN(obs, _UNEXPLAINED_REASON)
                    continue
                if kind == "url" and plain:
                    surface = obs.surface
                    if surface != obs.value and ("[" in surface or "hxxp" in surface or "(" in surface):
                        _SET_REASONS(obs, _DEFANGED)  # written so no one clicks it: the author's warning
                        url_end, url_role, url_host = span.end, "indicator", _url_host(obs.value)
                        continue
                    if _plain_url(text, surface, obs.value, start, span.end):
                        url_end, url_role, url_host = span.end, "indicator", _url_host(obs.value)
                        continue
                if kind == "file_name" or kind == "file_path":
                    if kind == "file_name" and " (" in obs.surface:
                        dropped.add(id(obs))  # "scripts (.bat)": a word and an extension in brackets
                        continue
                    if _in_link_target(text, start):
                        _SET_ROLE(obs, "reference")  # a Markdown image's or link's own path
                        _SET_REASONS(obs, _PUBLISHER_IMAGE)
                        _SET_BENIGN(obs, _PUBLISHER_IMAGE)
                        continue
                    if not plain and _passage_kind(context, start) == "reference":
                        _SET_ROLE(obs, "reference")  # a cited document ("…/annual-report.pdf." of a bibliography)
                        _SET_REASONS(obs, _REFERENCE_PASSAGE)
                        _SET_BENIGN(obs, _REFERENCE_PASSAGE)
                        continue
                    if _plain_file(text, obs.value, start, span.end):
                        continue
                    role, reasons = _decide_file(obs, kind, start, span.end, (), cues)
                    if role != "indicator" or reasons:
                        _SET_ROLE(obs, role)
                        _SET_REASONS(obs, reasons)
                        _SET_BENIGN(obs, () if role == "indicator" else (reasons or (role,)))
                        companion = companion or "companion-file" in reasons
                    continue
                if plain and kind in _NETWORK and (kind != "domain" or obs.value not in FREEMAIL):
                    low = start - 80 if start > 80 else 0
                    if text.find(":", text.rfind("\n", low, start) + 1 or low, start) < 0:
                        continue  # no "key:" before it on its line: no whois record
        url_end, url_role, url_host = _apply(obs, cues, context, judge, dropped, url_end, url_role, url_host)
        companion = companion or "companion-file" in obs.reasons
        mailboxes = mailboxes or kind == "email"
    kept = [o for o in found if id(o) not in dropped] if dropped else found
    if mailboxes:
        _publisher_boxes(kept)
        _mailbox_hosts(kept)
    _image_hosts(kept, text, judge)
    _redacted_names(kept, text)
    if "\nAttack pattern: " in text or "\nCourse of action: " in text:
        _technique_text(kept, text)
    _line_verdicts(kept, text)
    _file_records(kept, text)
    if not plain and ("argeted" in text or "ooked" in text):
        _targeted_sections(kept, text, context)
    if ranges or cues.filler:
        _networks(kept, text)
    # A companion file the text lists ("* iocs.csv : IOCs in CSV format") is that file
    # wherever else it is named (its usage line "python decode.py ...").
    companions = {o.value for o in kept if "companion-file" in o.reasons} if companion else None
    if companions:
        for obs in kept:
            if obs.value in companions and obs.role == "indicator" and obs.type in ("file_name", "file_path"):
                _SET_ROLE(obs, "reference")
                _SET_REASONS(obs, ("companion-file",))
                _SET_BENIGN(obs, ("companion-file",))
    return kept


_REDACTED = ("redacted",)
#: A run of x's that opens or closes a label of a host ("xxi.org", "ifxx.org"): a part the
#: report hid, unlike the letters of a name ("maxx-update.top", "exxon-careers.net").
_X_RUN = compile_cached(r"(?:^|\.)xx|xx(?:\.|$)")
_NAME_TYPES = frozenset({"domain", "url", "email"})


def _redacted_names(found: list[Observable], text: str) -> None:
    """Host names the report hid in part: after a run of asterisks (``www.*******mail.com``
    gives ``mail.com``; see :data:`_GLUED_STARS`), and, in a text that hides names with
    x's ("www.xxxxxxbank.com"), a name with a shorter run of them ("abxx.net")."""
    hides_with_x = any("redacted" in o.benign_reasons for o in found)
    for obs in found:
        if obs.type not in _NAME_TYPES or obs.role != "indicator":
            continue
        start = obs.span.start
        hidden = (
            start > 1
            and text[start - 1] == "*"
            and _GLUED_STARS.search(text, start - 40 if start > 40 else 0, start) is not None
        )
        if not hidden and hides_with_x:
            value = obs.value.lower()
            host = _url_host(value) if obs.type == "url" else value.rpartition("@")[2]
            hidden = _X_RUN.search(host) is not None
        if hidden:
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, _REDACTED)
            _SET_BENIGN(obs, _REDACTED)


#: Asterisks glued to what stands before them in a name or URL ("www.****", "//***"), or
#: four or more of them (Markdown's bold takes two, bold italics three).
_GLUED_STARS = compile_cached(r"(?:[\w./]\*+|\*{4,})$")


def _publisher_boxes(found: list[Observable]) -> None:
    """A mailbox the text gives once as its own contact is the publisher's wherever else it
    is written ("please write to us at …" in the body, a signature at the end)."""
    contacts = {o.value for o in found if o.type == "email" and "publisher-contact" in o.reasons}
    if not contacts:
        return
    for obs in found:
        if obs.type == "email" and obs.role == "indicator" and obs.value in contacts:
            verdict = ("publisher-contact", *obs.reasons)
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, verdict)
            _SET_BENIGN(obs, verdict)


def _mailbox_hosts(found: list[Observable]) -> None:
    """A host name written as the domain of a mailbox takes the mailbox's verdict when that
    verdict is about who owns the name (the publisher's contact box, a customer's subdomain
    on a platform): judged alone, the name would read as any other domain."""
    mailbox: Observable | None = None
    for obs in found:
        kind = obs.type
        if kind == "email":
            mailbox = obs
            continue
        if kind != "domain" or mailbox is None:
            continue
        span = obs.span
        if span.end != mailbox.span.end or span.start <= mailbox.span.start:
            if span.start >= mailbox.span.end:
                mailbox = None
            continue
        reasons = mailbox.reasons
        if mailbox.role == "benign" and "publisher-contact" in reasons and obs.role == "indicator":
            verdict = ("publisher-contact", *obs.reasons)
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, verdict)
            _SET_BENIGN(obs, verdict)
        elif mailbox.role == "indicator" and "customer-mailbox" in reasons and obs.role == "benign" and (
            _provider_only(obs.benign_reasons)
        ):
            _SET_ROLE(obs, "indicator")
            _SET_REASONS(obs, ("provider-hosted", "customer-mailbox-host", *obs.benign_reasons))
            _SET_BENIGN(obs, ())


#: The file extensions of pictures.
_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg")
_IMAGE_HOST = ("image-host", "provider")
#: The mail reader's heading of an HTML body's link targets (one a line, no blanks).
_LINKS_HEAD = "[links]"
#: How many lines up from a link the heading of its block is looked for.
_LINKS_LINES = 2000


def _in_links_block(text: str, start: int, seen: dict[int, bool]) -> bool:
    """Whether the link at ``start`` stands in the mail reader's ``[links]`` block: it opens
    its line, and every line above it up to the heading is a link too. ``seen`` remembers
    the lines already walked (one walk per block, however many pictures it lists)."""
    if start == 0 or text[start - 1] != "\n":
        return False
    walked = []
    pos = start - 1  # the line break that ends the line above
    answer = False
    for _ in range(_LINKS_LINES):
        known = seen.get(pos)
        if known is not None:
            answer = known
            break
        walked.append(pos)
        above = text.rfind("\n", pos - 4096 if pos > 4096 else 0, pos) + 1
        line = text[above:pos]
        if line == _LINKS_HEAD:
            answer = True
            break
        if above == 0 or not line or " " in line or ":" not in line:
            break
        pos = above - 1
    for p in walked:
        seen[p] = answer
    return answer


def _image_hosts(found: list[Observable], text: str, judge: Any) -> None:
    """A host a mail links to only for its pictures (every URL on it an image in the
    ``[links]`` block, the host named nowhere else) is a shared image host: the provider's
    (``image-host``), while the image URLs stay what they were. A customer's own name on a
    platform (a storage bucket's host) stays the customer's."""
    seen: dict[int, bool] = {}
    pictures = [
        o for o in found
        if o.type == "url" and o.value.lower().endswith(_IMAGE_EXTENSIONS) and _in_links_block(text, o.span.start, seen)
    ]  # fmt: skip
    if not pictures:
        return
    candidates = {_url_host(o.value) for o in pictures}
    pictured = {id(o) for o in pictures}
    links: dict[str, list[tuple[int, int]]] = {}
    for obs in found:
        if obs.type == "url":
            host = _url_host(obs.value)
            if host in candidates:
                links.setdefault(host, []).append((obs.span.start, obs.span.end))
                if id(obs) not in pictured:
                    candidates.discard(host)  # also linked for something else than a picture
    starts = {host: [a for a, _ in sorted(spans)] for host, spans in links.items()}
    ends = {host: [b for _, b in sorted(spans)] for host, spans in links.items()}
    for obs in found:
        if obs.type == "domain" and obs.value in candidates:
            start, end = obs.span.start, obs.span.end
            # the URL that starts last at or before the name is the only one that can hold
            # it (URL spans do not overlap): one look-up per name, not a scan of every URL
            at = bisect_right(starts.get(obs.value, []), start) - 1
            if at < 0 or ends[obs.value][at] < end:
                candidates.discard(obs.value)  # named on its own (a sender's address, prose)
    if not candidates:
        return
    for obs in found:
        if obs.type == "domain" and obs.value in candidates and obs.role == "indicator":
            if customer_host(obs.value, judge.suffixes):
                continue
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, _IMAGE_HOST)
            _SET_BENIGN(obs, _IMAGE_HOST)


_NETBLOCK = ("netblock",)
_FILLER = ("placeholder",)
#: An ASN lookup's answer row ("1.2.3.4 | 64500 | 1.2.0.0/16 | EXAMPLE-NET | US |", whois
#: of an origin): the cell before the range is the AS number, a name follows it.
_ASN_CELL = compile_cached(r"(?i)\b(?:as)?\d{1,10}[ \t]*\|[ \t]*$")
_AS_NAME_CELL = compile_cached(r"[ \t]*\|[ \t]*[A-Za-z0-9][\w.-]*")


def _networks(kept: list[Observable], text: str) -> None:
    """A range in an ASN lookup's answer row is the registry's allocation holding the
    address looked up, not the attacker's (benign ``netblock``); a range's base address
    read as an address of its own ("10.20.0.0" of "10.20.0.0/16") takes the range's role;
    the host of a form's filler mailbox ("123@123.com") is no indicator either."""
    prev: Observable | None = None
    filler_end = -1
    for obs in kept:
        if obs.type != "ipv4_cidr":
            if obs.type == "email" and obs.role == "benign" and obs.reasons[:1] == _FILLER:
                filler_end = obs.span.end
            elif obs.type == "domain" and obs.span.end <= filler_end and obs.role == "indicator":
                _SET_ROLE(obs, "benign")  # the host of a form's filler mailbox
                _SET_REASONS(obs, _FILLER)
                _SET_BENIGN(obs, _FILLER)
            prev = obs
            continue
        start, end = obs.span.start, obs.span.end
        if obs.role == "indicator" and "|" in text[end : end + 3]:
            low = start - 24 if start > 24 else 0
            if _ASN_CELL.search(text, low, start) and _AS_NAME_CELL.match(text, end):
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, _NETBLOCK)
                _SET_BENIGN(obs, _NETBLOCK)
        if prev is not None and prev.type == "ipv4" and prev.span.start == start and prev.role != obs.role:
            _SET_ROLE(prev, obs.role)
            _SET_REASONS(prev, obs.reasons)
            _SET_BENIGN(prev, obs.benign_reasons)
        prev = obs


#: A table cell that says a sample is clean: "clean", "legitimate", "Vulnerable legitimate
#: PotPlayer executable" (the side-loading host a report lists beside the malicious DLL).
_CLEAN_CELL = compile_cached(r"(?i)(?:clean|benign|legitimate|legit|not malicious)\b|(?:vulnerable|signed)\s+legitimate\b")
#: What a text calls a legitimate site an attacker broke into (a watering hole), said just
#: before its name in the same sentence ("The compromised site ... is www.x.org",
#: "Visitors to the Institute (www.x.org)") or right after it ("x.net, a legitimate
#: website that was compromised"): the name is the victim's, not an indicator (the URLs
#: served from it are).
_SITE_BEFORE = compile_cached(
    r"(?i)\b(?:compromised\s+(?:web\s*)?sites?|compromise\s+of|visitors\s+to|redirect(?:s|ed|ion)?\s+from)\b"
    r"((?:[^.;!?]|(?<=\b[A-Z])\.){0,80})$"
)
_SITE_AFTER = compile_cached(
    r"(?i)[\])*_`]{0,2}\s*(?:,?\s*(?:which\s+is\s+|was\s+)?(?:a|an|the)\s+(?:legitimate|compromised)\b"
    r"|\(\s*one\s+of\s+the\s+(?:[\w-]+\s+){0,2}sites\b|(?:also\s+)?redirect(?:s|ed|ing)?\s+(?:visitors|users|victims)\b)"
)
#: What sends a visitor on: a name after it in the sentence is where they went, not the site.
_SENT_ON = compile_cached(
    r"(?i)redirect|download|connect|sent|send|forward|led\s+to|lead|load|serv|host|exploit|malware|payload|kit\b"
)
#: What points from a compromised site elsewhere ("the iframes on the compromised site, only
#: one, x.com ..."): a name the sentence then gives is the iframe's target.
_POINTER = compile_cached(r"(?i)iframe|proxy|proxies")
#: How far before a name its site's description is looked for.
_SITE_REACH = 120


def _line_verdicts(found: list[Observable], text: str) -> None:
    """Verdicts a line states about the values on it, once per line:

    - a table row whose cell calls the sample clean or legitimate makes the hashes and
      file names of that row benign (``legitimate-software``), unless the row also has
      an attacker cue;
    - a domain the text calls a compromised (legitimate) site is the victim's wherever it
      stands (``compromised-site``); the URLs on it stay indicators.
    """
    rows: dict[int, bool] = {}
    victims: set[str] = set()
    # Cheap screens first: the words every rule needs, looked for once in the text.
    sites = "ompromise" in text or "isitors" in text or "edirect" in text or "egitimate" in text or "one of" in text
    tables = "|" in text and ("clean" in text or "egitimate" in text or "enign" in text or "malicious" in text)
    clean_words = "egitimate" in text or "enign" in text or "clean" in text
    tables_of_sites = "|" in text
    if not sites and not tables and not clean_words and not tables_of_sites:
        return
    declared: set[str] = set()
    headers: dict[int, list[str] | None] = {}
    for obs in found:
        kind = obs.type
        if kind == "domain":
            if not (sites or tables_of_sites) or obs.role != "indicator":
                continue
            start = obs.span.start
            end = obs.span.end
            if (
                tables_of_sites
                and (text[start - 1 : start] in _CELL_OPEN or text[start - 2 : start - 1] in _CELL_OPEN)
                and _in_victim_column(text, start, headers)
            ):
                victims.add(obs.value)  # a table's "Compromised website" column
                continue
            before = text[start - _SITE_REACH if start > _SITE_REACH else 0 : start]
            m = _SITE_BEFORE.search(before) if "ompromise" in before or "isitors" in before or "edirect" in before else None
            if m is not None and not _SENT_ON.search(m.group(1)) and not _POINTER.search(before, m.start() - 40):
                victims.add(obs.value)
            else:
                after = text[end : end + 60]
                if ("egitimate" in after or "ompromised" in after or "one of" in after or "edirect" in after) and (
                    _SITE_AFTER.match(after)
                ):
                    victims.add(obs.value)
            continue
        if (
            kind == "file_name"
            and clean_words
            and obs.role == "indicator"
            and _DECLARED_CLEAN.match(text, obs.span.end, obs.span.end + 60)
        ):
            declared.add(obs.value.lower())  # "Setup.exe is a legitimate executable from ..."
        if not tables or (kind not in _HASHES and kind != "file_name" and kind != "file_path") or obs.role != "indicator":
            continue
        start = obs.span.start
        line_start = text.rfind("\n", start - _REACH if start > _REACH else 0, start) + 1
        clean = rows.get(line_start)
        if clean is None:
            line_end = text.find("\n", start, start + _REACH)
            line = text[line_start : line_end if line_end >= 0 else start + _REACH]
            clean = rows[line_start] = (
                line.count("|") >= 2
                and _clean_word(line)
                and any(_CLEAN_CELL.match(cell.strip(" `*_")) for cell in line.split("|"))
                and "attacker" not in cues_in(line)
            )
        if clean:
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, _LEGITIMATE)
            _SET_BENIGN(obs, _LEGITIMATE)
    if declared:
        _declared_clean(found, text, declared)
    if victims:
        for obs in found:
            if obs.type == "domain" and obs.value in victims and obs.role == "indicator":
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, ("compromised-site", *obs.reasons))
                _SET_BENIGN(obs, ("compromised-site", *obs.reasons))


#: The words every :data:`_CLEAN_CELL` holds.
_CLEAN_WORDS = ("clean", "benign", "legit", "malicious")


def _clean_word(line: str) -> bool:
    """Whether ``line`` holds one of :data:`_CLEAN_WORDS` in any case (a row without one is
    not split into cells; four substring tests are cheaper than a case-blind pattern)."""
    low = line.lower()
    return "clean" in low or "benign" in low or "legit" in low or "malicious" in low
#: What stands right before a value that opens a table cell.
_CELL_OPEN = frozenset("|`*_")
#: A table header cell over the sites an attacker broke into (a watering hole's victims).
_VICTIM_HEADER = compile_cached(
    r"(?i)\s*[*_`]*\s*(?:compromised|hacked|victims?'?|infected|breached)\s+(?:web\s*)?(?:sites?|websites?|domains?|hosts?)\b"
)
#: The first cell of a table's delimiter line (AsciiDoc "|=====", Markdown "|---|:--|"), and
#: every other cell of it.
_RULE_FIRST = compile_cached(r"=+|:?-{3,}:?")
_RULE_CELL = compile_cached(r":?-*:?")


def _is_table_rule(line: str) -> bool:
    """Whether a line is a table's delimiter line, cell by cell (no pattern over the whole
    line: blanks around many bars must not be tried every way they can be split)."""
    cells = line.split("|")
    if cells[0] == "":
        cells = cells[1:]  # the line opens with its bar
    if not cells or not _RULE_FIRST.fullmatch(cells[0].strip(" \t")):
        return False
    return all(_RULE_CELL.fullmatch(cell.strip(" \t")) for cell in cells[1:])

#: How many lines up a table's header is looked for.
_HEADER_LINES = 200


def _table_header(text: str, line_start: int, headers: dict[int, list[str] | None]) -> list[str] | None:
    """The header cells of the pipe table whose row starts at ``line_start``: the first line
    of the run of table lines above it (delimiter lines skipped), or None. Every row passed
    on the way up gets the same answer in ``headers`` (one walk per table)."""
    header = None
    pos = line_start
    rows = []
    for _ in range(_HEADER_LINES):
        if pos == 0:
            break
        low = pos - 1 - _REACH if pos - 1 > _REACH else 0
        prev = text.rfind("\n", low, pos - 1) + 1
        if prev == 0 and low > 0:
            break  # a line longer than a table row's
        line = text[prev : pos - 1]
        if "|" not in line:
            break
        if not _is_table_rule(line):
            header = line
        rows.append(prev)
        pos = prev
    cells = header.split("|") if header is not None else None
    for row in rows:
        headers[row] = cells
    return cells


def _in_victim_column(text: str, start: int, headers: dict[int, list[str] | None]) -> bool:
    """Whether the value at ``start`` opens a table cell under a header that names
    compromised sites."""
    bar = text.rfind("|", start - 6 if start > 6 else 0, start)
    if bar < 0 or text[bar + 1 : start].strip(" \t`*_") or start - bar > 6:
        return False  # the value does not open a cell (the common case: no "|" just before it)
    line_start = text.rfind("\n", start - _REACH if start > _REACH else 0, start) + 1
    column = text.count("|", line_start, start)
    if column == 0:
        return False
    if line_start in headers:
        cells = headers[line_start]
    else:
        # The header found for the row above is this row's too (one walk per table).
        above = text.rfind("\n", line_start - 1 - _REACH if line_start - 1 > _REACH else 0, line_start - 1) + 1
        cells = headers[above] if above in headers else _table_header(text, line_start, headers)
        headers[line_start] = cells
    return cells is not None and column < len(cells) and _VICTIM_HEADER.match(cells[column]) is not None


_LEGITIMATE = ("legitimate-software",)
_UNSTABLE = ("unstable-value",)
#: A note right after a hash that it is not the file's for good ("(hash will vary)").
_VARIES = compile_cached(r"[ \t]*\((?:the\s+)?(?:hash|md5|sha-?\d+|value)\s+(?:will|may|can|could)\s+(?:vary|change|differ)\)")
#: The line a file record starts with: the name alone, after an optional label or in markup.
_RECORD_NAME = compile_cached(r"[ \t*_`]*(?:(?i:(?:file\s*)?name)\s*:\s*)?[*_`]*")
#: The record's description, when it says the file is legitimate software ("This SYS file is a
#: commercially available tool", "The DLL file appears to be a legit implementation of …").
_LEGIT_RECORD = compile_cached(
    r"(?i)[ \t]*(?:this|the|it)\b[^.\n]{0,40}?\b(?:is|appears\s+to\s+be|seems\s+to\s+be)\s+(?:a\s+)?(?:also\s+)?"
    r"(?:an?\s+)?(?:legit(?:imate)?|clean|benign|genuine|commercially\s+available|publicly\s+available)\b"
    r"(?![\s-]*(?:looking|appearing|seeming))"
)
#: A line of a file record between its name and its description ("Size: …", "MD5: …").
_RECORD_LINE = compile_cached(r"[ \t*_`]*[A-Za-z][\w ./()-]{0,30}[*_`]*:[*_`]*[ \t]")
#: What may follow a name alone on its line: the line's end or closing markup.
_NAME_LINE_END = frozenset("\n\r \t*_`")
#: How many lines a record's fields take at most.
_RECORD_LINES = 8


def _file_records(found: list[Observable], text: str) -> None:
    """Verdicts a file record states (the name alone on its line, then "Key: value" lines,
    then a description): a hash noted to vary is ``unstable-value``; the name and the
    record's hashes are ``legitimate-software`` when the description calls the file
    legitimate or commercially available (a clean library, a driver the malware drops)."""
    n = len(found)
    for i in range(n):
        obs = found[i]
        kind = obs.type
        if obs.role != "indicator":
            continue
        end = obs.span.end
        if kind in _HASHES:
            if (text.startswith(" (", end) or text.startswith("\t(", end)) and _VARIES.match(text, end):
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, _UNSTABLE)
                _SET_BENIGN(obs, _UNSTABLE)
            continue
        if kind != "file_name" or text[end : end + 1] not in _NAME_LINE_END:
            continue
        start = obs.span.start
        line_start = text.rfind("\n", start - 80 if start > 80 else 0, start) + 1
        line_end = text.find("\n", end, end + 80)
        if line_end < 0 or text[end:line_end].strip(" \t*_`") or _RECORD_NAME.fullmatch(text, line_start, start) is None:
            continue  # not a name alone on its line
        pos = line_end + 1
        fields_end = pos
        for _ in range(_RECORD_LINES):
            if _RECORD_LINE.match(text, pos) is None:
                break
            nl = text.find("\n", pos, pos + _REACH)
            if nl < 0:
                break
            pos = fields_end = nl + 1
        if fields_end == line_end + 1 or _LEGIT_RECORD.match(text, fields_end) is None:
            continue
        _SET_ROLE(obs, "benign")
        _SET_REASONS(obs, _LEGITIMATE)
        _SET_BENIGN(obs, _LEGITIMATE)
        for j in range(i + 1, n):
            other = found[j]
            if other.span.start >= fields_end:
                break
            if other.type in _HASHES and other.role == "indicator":
                _SET_ROLE(other, "benign")
                _SET_REASONS(other, _LEGITIMATE)
                _SET_BENIGN(other, _LEGITIMATE)
#: A heading over the legitimate software a threat goes after, not over its own files:
#: "Targeted sqlsrv.dll", "Hooked modules", "Libraries hooked by the implant". It names the
#: software (a module's file name or a word for software) right after or before the verb.
_SOFTWARE = r"(?:[\w$-]+\.(?:dll|exe|sys|so|dylib)|software|modules?|librar(?:y|ies)|applications?|binar(?:y|ies)|programs?|dlls?)"
_TARGETED_HEADING = compile_cached(
    rf"(?i)\b(?:targeted|hooked)\s+(?:(?:legitimate|legit|system|server|windows)\s+)?{_SOFTWARE}(?![\w.])"
    rf"|(?<![\w.]){_SOFTWARE}\s+(?:(?:that\s+)?(?:is|are|was|were)\s+)?(?:targeted|hooked)\b"
)
_TARGETED = ("legitimate-software", "targeted-software")


def _targeted_sections(found: list[Observable], text: str, context: ExtractContext | None) -> None:
    """Hashes and file names under a heading that names them as the software a threat
    targets or hooks are the victim's (``legitimate-software``), and so is every file name
    that heading names, wherever else the text writes it."""
    structure = getattr(context, "structure", None)
    if structure is None:
        return
    verdicts: dict[str, bool] = {}
    named: set[str] = set()
    for obs in found:
        kind = obs.type
        if obs.role != "indicator" or (kind not in _HASHES and kind != "file_name"):
            continue
        passage = structure.passage_at(obs.span.start)
        if passage is None:
            continue
        own = passage.text(text) if passage.kind == "heading" else ""
        if own.lstrip().startswith("|"):
            own = ""  # a table cell short enough to read as a heading
        for heading in (own, passage.section):
            if not heading:
                continue
            targeted = verdicts.get(heading)
            if targeted is None:
                targeted = verdicts[heading] = _TARGETED_HEADING.search(heading) is not None
            if targeted:
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, _TARGETED)
                _SET_BENIGN(obs, _TARGETED)
                if heading is own and kind == "file_name":
                    named.add(obs.value.lower())
                break
    if named:
        for obs in found:
            if obs.type == "file_name" and obs.role == "indicator" and obs.value.lower() in named:
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, _TARGETED)
                _SET_BENIGN(obs, _TARGETED)


#: A sentence that says the file just named is clean: "X.exe is a legitimate executable",
#: "x.dll, a clean library", "X.exe (a legitimate signed program)".
_DECLARED_CLEAN = compile_cached(
    r"(?i)[\s,(]+(?:is|was|being)?\s*(?:a|an|the)\s+(?:(?:signed|genuine|known)\s+)?"
    r"(?:legitimate|clean|benign)\b(?![\s-]*(?:looking|appearing|seeming|up\b))"
)


def _declared_clean(found: list[Observable], text: str, declared: set[str]) -> None:
    """The file names a sentence calls clean are benign wherever they stand, and so are
    the hashes on a line that names one of them (its table row)."""
    lines: set[int] = set()
    for obs in found:
        if obs.type == "file_name" and obs.value.lower() in declared and obs.role == "indicator":
            _SET_ROLE(obs, "benign")
            _SET_REASONS(obs, _LEGITIMATE)
            _SET_BENIGN(obs, _LEGITIMATE)
            start = obs.span.start
            lines.add(text.rfind("\n", start - _REACH if start > _REACH else 0, start) + 1)
    if not lines:
        return
    for obs in found:
        if obs.type in _HASHES and obs.role == "indicator":
            start = obs.span.start
            if text.rfind("\n", start - _REACH if start > _REACH else 0, start) + 1 in lines:
                _SET_ROLE(obs, "benign")
                _SET_REASONS(obs, _LEGITIMATE)
                _SET_BENIGN(obs, _LEGITIMATE)


#: The object paragraphs the STIX reader writes ("<Type>: <name>" after a blank line); an
#: attack pattern's or course of action's text runs to the next one.
_OBJECT_HEAD = compile_cached(
    r"(?:^|\n\n)(?:Attack pattern|Course of action|Indicator|Malware|Malware analysis|Tool|Identity|Report|"
    r"Campaign|Intrusion set|Threat actor|Vulnerability|Infrastructure|Location|Observed data|Note|Opinion|"
    r"Grouping|Incident): "
)
_GENERIC_HEADS = ("Attack pattern: ", "Course of action: ")


def _technique_text(found: list[Observable], text: str) -> None:
    """Values in the generic text of an ATT&CK technique or a mitigation that a bundle carries
    (its description of how the technique works: "HKLM\\...\\RunOnceEx", "For example
    C:\\temp\\evil.dll") are about the technique, not this intrusion: benign ``technique-text``
    (links there are references)."""
    spans: list[tuple[int, int]] = []
    opened = -1
    for m in _OBJECT_HEAD.finditer(text):
        if opened >= 0:
            spans.append((opened, m.start()))
            opened = -1
        if m.group().lstrip("\n") in _GENERIC_HEADS:
            opened = m.start()
    if opened >= 0:
        spans.append((opened, len(text)))
    if not spans:
        return
    i = 0
    for obs in found:  # in text order
        start = obs.span.start
        while i < len(spans) and spans[i][1] <= start:
            i += 1
        if i == len(spans):
            break
        if start < spans[i][0] or obs.role != "indicator":
            continue
        role = "reference" if obs.type in ("url", "domain") else "benign"
        _SET_ROLE(obs, role)
        _SET_REASONS(obs, ("technique-text", *obs.reasons))
        _SET_BENIGN(obs, ("technique-text", *obs.reasons))


def _url_host(url: str) -> str:
    """The host of a (normalised) URL, lower case, without user info or brackets."""
    m = _URL_HOST.match(url)
    return m.group(1).lower() if m is not None else ""


#: A normalised URL's host: after the scheme and any user info, up to the path, query or
#: fragment (brackets of an IPv6 address dropped).
_URL_HOST = compile_cached(r"[^:]*://(?:[^/?#@]*@)?\[?([^/?#\]]*)")


#: A citation's own form around a URL: an access note after it ("<URL> [Accessed 18 May
#: 2011]", "URL (retrieved 2 March 2019)", on the next line too) or a detection rule's
#: reference field before it (Snort/Suricata "reference:url,doc.example.net/2010695;").
_ACCESS_NOTE = compile_cached(
    r"[>)\]]?[.,;]?[ \t]*\r?\n?[ \t]*[\[(][ \t]*(?i:last[ \t]+)?(?i:accessed|retrieved|viewed|visited|consulted)"
    # then the date ("(visited by the victims)" is no note)
    r"(?:[ \t]+(?i:on|at))?[ \t:]+(?:\d{1,4}\b|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
)
_RULE_REFERENCE = "reference:url,"


def _cited_form(text: str, start: int, end: int) -> bool:
    """Whether the URL ``text[start:end]`` is written the way a citation is (:data:`_ACCESS_NOTE`)."""
    return text.endswith(_RULE_REFERENCE, start - 14 if start > 14 else 0, start) or (
        _ACCESS_NOTE.match(text, end, end + 40) is not None
    )


def _plain_url(text: str, surface: str, value: str, start: int, end: int) -> bool:
    """Whether a URL on an unlisted host, written as is, has nothing around it that could
    make it other than an indicator: no citing word right before it, no "Title:" or "("
    before it, no victim word after it (the cheap test of the common case; when it fails
    :func:`_decide_url` reads the cues). A defanged one is left to it (it says so)."""
    if surface != value and ("[" in surface or "hxxp" in surface or "(" in surface or " " in surface):
        return False
    if _cited_form(text, start, end):
        return False
    tail = text[start - 40 if start > 40 else 0 : start]
    if "](" in tail or "link:" in tail or _ends_with_phrase(tail, _NEAR_PHRASES, _NEAR_TRAIL):
        return False
    last = tail.rstrip()[-1:]
    if last in (":", "("):
        return False
    line_start = text.rfind("\n", start - 160 if start > 160 else 0, start) + 1
    if text[line_start : line_start + 14].lstrip(" \t-*•·>|")[:9].lower().startswith("reference"):
        return False
    low = text[end : end + 60].lower()
    return "target" not in low and "victim" not in low and "belong" not in low and "imperson" not in low


#: The author introducing a tool of their own before its name ("I wrote a module for the
#: scanner, named x.py", "our own script x.py"): the researcher's, not the attacker's.
_OWN_TOOL = compile_cached(
    r"(?:\b(?:I|[Ww]e)\s+(?:have\s+|had\s+)?(?:wrote|written|created|developed|built)"
    r"|\b(?:[Mm]y|[Oo]ur))\s+(?:(?:a|an|the|own|small|simple|new|custom|little)\s+){0,3}"
    r"(?:script|module|tool|plugin|plug-in|program|scanner|utility)s?\b[^.!?\n]{0,50}$"
)
_OWN_TOOL_REASON = ("legitimate-software", "author-tool")
#: The nouns :data:`_OWN_TOOL` ends with (the cheap test before it).
_TOOL_NOUNS = ("script", "module", "tool", "plugin", "plug-in", "program", "scanner", "utility")


def _own_tool(window: str) -> bool:
    """Whether ``window`` (the text before a file name) ends with the author introducing a
    tool of their own (:data:`_OWN_TOOL`)."""
    return any(noun in window for noun in _TOOL_NOUNS) and _OWN_TOOL.search(window) is not None


def _plain_file(text: str, value: str, start: int, end: int) -> bool:
    """Whether a file name has nothing about it that :func:`_decide_file` would act on (the
    cheap test of the common case)."""
    prev = text[start - 1 : start]
    if prev in ("/", ":", ".") and _DETECTION_PREFIX.search(text, start - 24 if start > 24 else 0, start):
        return False  # "Win32/Turla.CS"
    if text.startswith(("[", " :", "\t:"), end):
        return False
    if "\\" in value or "/" in value or "%" in value or "[" in value or "<" in value or "{" in value:
        return False
    name = value.lower()
    if name in _OS_FILES or name in _SECURITY_PRODUCTS or "xxx" in name:
        return False
    if text.find("link:", start - 60 if start > 60 else 0, start) >= 0:
        return False
    tail_start = start - 40 if start > 40 else 0
    window = text[start - 90 if start > 90 else 0 : start]
    if _own_tool(window):
        return False  # "I wrote a module for it, named x.py": the author's own tool
    return (
        text.find("xampl", start - 300 if start > 300 else 0, start) < 0
        and text.find("e.g", tail_start, start) < 0
        and text.find("nstance", tail_start, start) < 0
        and text.find("such as", tail_start, start) < 0
    )


_HASHES = frozenset({"md5", "sha1", "sha256", "sha512", "ssdeep"})
_NETWORK = frozenset({"domain", "ipv4", "ipv6", "ipv4_cidr", "asn"})
#: Types no rule here judges: an indicator unless the extractor found evidence against it.
_PLAIN = frozenset({"cve", "user_agent", "btc", "xmr", "eth"})
_LINK_HOST = ("link-host",)
_FILE_PART_REASON = ("file-part",)
_UNEXPLAINED_REASON = ("unexplained-value",)
#: Words every introduction :data:`_UNEXPLAINED` knows holds (found with ``str.find``).
#: Two only: each absent one costs a scan of the whole text.
_UNEXPLAINED_NEEDLES = ("lear what", "mbedded hash")
#: How far above a value its list's introduction may stand (60 lines of :data:`_REACH`).
_INTRO_SPAN = 61 * (_REACH + 1)


def _needles_at(text: str, needles: tuple[str, ...]) -> list[int]:
    """The sorted offsets of ``needles`` in ``text`` (empty when none is there)."""
    found: list[int] = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            found.append(i)
            i = text.find(needle, i + 1)
    found.sort()
    return found


def _any_before(offsets: list[int], start: int, reach: int) -> bool:
    """Whether one of the sorted ``offsets`` lies in ``[start - reach, start)``."""
    i = bisect_left(offsets, start - reach)
    return i < len(offsets) and offsets[i] < start
#: The introduction of a list of values the text does not know the meaning of.
_UNEXPLAINED = compile_cached(r"(?i)\b(?:unclear|not\s+clear)\s+what\b|\bembedded\s+hash")
#: The label of a line that gives the hash of a part of a sample, not of a file: a PE
#: section (".rdata:", ".text:"), a resource type ("RT_VERSION:"), the entry-point bytes
#: ("Text Entry:", "Entry point bytes:"), "Section .data MD5:".
_FILE_PART_LABEL = compile_cached(
    r"(?i)[ \t*•-]*(?:\.[a-z_$][\w$]{1,7}|rt_[a-z_]{2,20}|(?:(?:text|code)\s+entry|entry\s*point)(?:\s+bytes)?"
    r"|(?:section|resource)\s+[\w.$]{1,20})\s*(?:hash|md5|sha-?1|sha-?256)?\s*[:=]\s*"
)

_FILE_PART_WORDS = compile_cached(r"(?i)\b(?:resource|section)\s+(?:of|hash(?:es)?)\s+$")


#: The label of a 40-hex id that names no file: an anonymity network's relay ("ExitNode <id>",
#: "relay fingerprint") or a key ("PGP key fingerprint"); a certificate's thumbprint is a SHA-1.
_NODE_LABEL = compile_cached(
    r"(?i)(?:\b(?:exit\s*node|relay|bridge|guard\s+node|onion\s+router)(?:\s+(?:id|fingerprint))?"
    r"|\b(?:pgp|gpg|openpgp|ssh|public)\s+key(?:\s+(?:id|fingerprint))?)\s*[:=]?\s*$"
)
_NODE_ID_REASON = ("not-a-file-hash",)


def _node_id(text: str, start: int) -> bool:
    """Whether the 40-hex value at ``start`` follows, on its line, a label naming a relay or
    a key (:data:`_NODE_LABEL`)."""
    low = start - 48 if start > 48 else 0
    if text[start - 1 : start] not in (" ", "\t", ":", "="):
        return False
    line = text[text.rfind("\n", low, start) + 1 or low : start]
    return ("ode" in line or "elay" in line or "ey" in line or "ridge" in line or "outer" in line) and (
        _NODE_LABEL.search(line) is not None
    )


def _file_part(text: str, start: int) -> bool:
    """Whether the hash at ``start`` follows a label naming a part of a sample (its line's
    label, :data:`_FILE_PART_LABEL`)."""
    before = text[start - 2 : start]
    if ":" not in before and "=" not in before:
        if before[:1] not in ("f", "h", "s") or before[1:] not in (" ", "\n"):
            return False
        # in prose: "a RT_VERSION resource of <sha256>", "the .text section hash <md5>"
        words = text[start - 40 if start > 40 else 0 : start]
        return ("esource" in words or "ection" in words) and _FILE_PART_WORDS.search(words) is not None
    low = start - 48 if start > 48 else 0
    nl = text.rfind("\n", low, start)
    if nl < 0 and low > 0:
        return False
    return _FILE_PART_LABEL.fullmatch(text, nl + 1, start) is not None
_PUBLISHER_IMAGE = ("publisher-image",)
_DEFANGED = ("defanged",)
#: What an attacker's URL holds that is an indicator with it (its host, a name in its path).
_IN_ATTACKER_URL = _NETWORK | _PLAIN | {"file_name", "file_path"}


def _apply(
    obs: Observable, cues: _Text, context: ExtractContext | None, judge: Any, dropped: set[int],
    url_end: int, url_role: str, url_host: str,
) -> tuple[int, str, str]:  # fmt: skip
    """Decide ``obs`` and set its fields; return the enclosing-URL state for what follows."""
    kind = obs.type
    start = obs.span.start
    end = obs.span.end
    in_url = kind != "url" and start < url_end and end <= url_end
    decided = _decide(obs, kind, start, end, tuple(obs.benign_reasons), cues, context, judge, in_url, url_role,
                      in_host=in_url and obs.value == url_host, url_host=url_host)  # fmt: skip
    if decided is None:
        dropped.add(id(obs))
        return url_end, url_role, url_host
    role, reasons = decided
    if role != "indicator" or reasons or obs.benign_reasons:
        _SET_ROLE(obs, role)
        _SET_REASONS(obs, reasons)
        _SET_BENIGN(obs, () if role == "indicator" else (reasons or (role,)))
    if kind == "url" and end > url_end:
        return end, role, _url_host(obs.value)
    return url_end, url_role, url_host


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
    if evidence and not _INTRINSIC.isdisjoint(evidence):
        return "benign", evidence
    if kind in ("md5", "sha1", "sha256", "sha512"):
        if in_url and url_host in _SAMPLE_HOSTS:
            return "indicator", ("sample-repository",)  # ".../#/file/<sha256>/analysis"
        if in_url and (url_host in _NOTE_HOSTS or url_role != "indicator"):
            return "benign", ("note-id", *evidence)  # a gist, note or paste id; an id in a cited link
        return ("benign", evidence) if evidence else ("indicator", ())
    if in_host and url_role != "indicator":
        # The host of a cited link is cited too.
        return ("reference", ("link-host", *evidence)) if url_role == "reference" else ("benign", evidence or ("link-host",))
    if kind in ("file_name", "file_path", "registry_key"):
        if in_url and url_role != "indicator":
            return url_role, ("link-host", *evidence)  # a file name in a cited link's path
        if kind != "registry_key" and _passage_kind(context, start) == "reference" and _INTRINSIC.isdisjoint(evidence):
            return "reference", ("reference-passage", *evidence)  # a cited document
        return _decide_file(obs, kind, start, end, evidence, cues)
    passage = _passage_kind(context, start)
    if kind == "url":
        if passage != "reference" and "\n" in obs.surface and _passage_kind(context, end - 1) == "reference":
            passage = "reference"  # a URL wrapped onto its citation's line ("…>\n[Accessed 2 May 2011]")
        return _decide_url(obs, start, end, evidence, cues, passage, judge)
    if kind == "email":
        return _decide_email(obs, start, end, evidence, cues, passage, judge)
    if kind == "domain" and in_host:
        # The host of an attacker's URL: the provider it names keeps its own verdict, unless
        # the host is a name of its own there ("evil.typepad.com", "c2.no-ip.org").
        if not evidence:
            return "indicator", ()
        part = _own_part(kind, value, evidence, judge, cues.own)
        if part is not None:
            hosted = _on_provider(part, obs, start, end, evidence, cues, passage, in_url=True, url_role=url_role,
                                  in_host=True)  # fmt: skip
            if hosted is not None:
                return hosted
        return "benign", ("provider", *evidence)
    if kind in _NETWORK and text.find(":", max(0, start - 80), start) >= 0:
        line_start, _ = cues.line(start, end)
        if _WHOIS.match(text, line_start):
            return "benign", (*evidence, "whois-record")
    if kind == "domain":
        if value in FREEMAIL:
            return "benign", ("provider", *evidence)
        if not evidence:
            if passage in ("reference", "advice"):
                return "reference", (_REFERENCE_KINDS[passage],)
            return "indicator", ()
        part = _own_part(kind, value, evidence, judge, cues.own)
        if part is not None:
            hosted = _on_provider(part, obs, start, end, evidence, cues, passage, in_url=in_url, url_role=url_role)
            if hosted is not None:
                return hosted
        if passage == "reference" and _provider_only(evidence):
            # A listed name in a reference entry (a citation's author, "die.net. (n.d.)"): cited.
            return "reference", ("reference-passage", *evidence)
        return "benign", evidence
    if kind in ("ipv4", "ipv6", "ipv4_cidr"):
        part = _own_part(kind, value, evidence, judge, cues.own)
        if part is not None:
            hosted = _on_provider(part, obs, start, end, evidence, cues, passage, in_url=in_url, url_role=url_role)
            if hosted is not None:
                return hosted
        return ("benign", evidence) if evidence else ("indicator", ())
    return ("benign", evidence) if evidence else ("indicator", ())


#: A resolution the text reports right before an address ("… resolved to 203.0.113.9").
_RESOLVED_TO = compile_cached(r"(?i)\b(?:resolved|resolves|resolving|pointed|points)\s+to\s+(?:the\s+|an?\s+)?$")
#: Warninglists that list mail domains (what they say is about mailboxes).
_MAIL_LISTS = frozenset({"warninglist:disposable-email"})


def _in_colon_hex(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` is part of a longer run of colon-separated hex pairs."""
    before = text[max(0, start - 3) : start]
    after = text[end : end + 3]
    return (len(before) == 3 and before[2] == ":" and before[0] in _HEX and before[1] in _HEX) or (
        len(after) == 3 and after[0] == ":" and after[1] in _HEX and after[2] in _HEX
    )


def _own_subdomain(judge: Any, host: str, evidence: tuple[str, ...], cache: dict[str, bool]) -> bool:
    """Whether ``host`` is a name of its own under a listed provider (``evil.blogspot.com``):
    the provider's registrable domain carries every hit, the host adds nothing."""
    known = cache.get(host)
    if known is None:
        reg = judge.suffixes.registrable_domain(host)
        if not reg or reg == host or host == "www." + reg:
            known = False
        else:
            parent = set(_registrable_hits(judge, host))
            known = bool(parent) and set(evidence) <= parent
        cache[host] = known
    return known


def _customer_name(judge: Any, host: str, evidence: tuple[str, ...], cache: dict[str, bool]) -> bool:
    """Whether ``host`` is a customer's own name on a shared provider (reference data:
    :func:`unmask.reference.providers.customer_host`) that no warninglist names itself:
    ``evil.typepad.com`` is the customer's, ``firebasestorage.googleapis.com`` (listed on
    its own) the provider's service."""
    if not _provider_only(evidence):
        return False
    key = "customer:" + host
    known = cache.get(key)
    if known is None:
        known = cache[key] = customer_host(host, judge.suffixes)
    return known and _own_subdomain(judge, host, evidence, cache)


def _attacker(cues: _Text, start: int, end: int, before_cues: frozenset[str] | None = None) -> bool:
    """Whether the value's line (before or after it) or the line introducing its list says
    an attacker uses it."""
    if before_cues is None:
        before_cues = cues_in(cues.before(start))
    if "attacker" in before_cues or "attacker" in cues_in(cues.after(end)):
        return True
    intro = cues_in(cues.intro(start, end))
    return "attacker" in intro and "legitimate" not in intro


def _decide_file(
    obs: Observable, kind: str, start: int, end: int, evidence: tuple[str, ...], cues: _Text
) -> tuple[str, tuple[str, ...]]:
    value = obs.value
    if kind == "registry_key":
        if _PLACEHOLDER.search(value):
            return "benign", ("placeholder",)
        return ("benign", ("os-part",)) if _is_os_key(value) else ("indicator", ())
    if _in_link_target(cues.text, start):
        return "reference", _PUBLISHER_IMAGE  # a Markdown image's or link's own path
    before = cues.before(start, 60)
    if kind == "file_name" and before[-1:] in "/:." and _DETECTION_PREFIX.search(before[-24:]):
        return "benign", ("detection-name",)  # "Win32/Turla.CS", "JS/TrojanDownloader.Agent.REG"
    if _MAY_HOLD_PLACEHOLDER.search(value) and _PLACEHOLDER.search(value):
        return "benign", ("placeholder",)
    os_reason = _is_os_path(value)
    if os_reason is not None:
        return "benign", (os_reason,)
    if before.endswith("link:") or cues.text.startswith("[", end) or _COMPANION_AFTER.match(cues.text, end, end + 4):
        return "reference", ("companion-file",)  # "link:iocs.json[MISP event]", "* iocs.csv : IOCs in CSV"
    if _own_tool(cues.text[start - 90 if start > 90 else 0 : start]):
        return "benign", _OWN_TOOL_REASON
    tail = before[-40:]
    if ("xampl" in tail or "e.g" in tail or "instance" in tail or "such as" in tail) and _ends_with_phrase(
        tail, _EXAMPLE_PHRASES, _EXAMPLE_TRAIL
    ):
        return "benign", ("example",)
    if "xample" in cues.text[max(0, start - 300) : start]:
        intro = cues.intro(start, end)
        if intro and _EXAMPLE_WORD.search(intro) and "attacker" not in cues_in(intro):
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


def _victim_after(cues: _Text, end: int) -> bool:
    """Whether the line goes on to say the value was a victim's ("… were also targeted")."""
    after = cues.after(end, 60)
    low = after.lower()
    if "target" not in low and "victim" not in low and "belong" not in low and "imperson" not in low:
        return False
    return "victim" in cues_in(after)


def _decide_url(
    obs: Observable, start: int, end: int, evidence: tuple[str, ...], cues: _Text, passage: str | None,
    judge: Any,
) -> tuple[str, tuple[str, ...]]:
    surface = obs.surface
    if _cited_form(cues.text, start, end):
        return "reference", ("cited-source", *evidence)
    defanged = False
    if surface != obs.value:
        low = surface.lower()
        defanged = (low != obs.value.lower() and not low.startswith(("www.", "http"))) or "[" in low or "hxxp" in low
    if defanged and "own-site" not in evidence:
        return "indicator", ("ioc-list" if passage == "ioc-list" else "defanged", *evidence)
    if passage in _REFERENCE_KINDS:
        return "reference", (_REFERENCE_KINDS[passage], *evidence)
    before = cues.before(start)
    if "own-site" in evidence:
        return "reference", ("publisher-link", *evidence)
    if not defanged:
        if before.endswith("![](") or before.endswith("[![]("):
            return "reference", ("publisher-image", *evidence)
        if _near_reference(before):
            return "reference", ("cited-source", *evidence)
        if "warninglist:security-provider-blogpost" in evidence:
            return "reference", ("cited-source", *evidence)
    if passage == "ioc-list":
        return "indicator", ("ioc-list", *evidence)
    if defanged:
        return "indicator", ("defanged", *evidence)  # written so no one clicks it: the author's warning
    if not evidence and before.rstrip()[-1:] not in ":(":
        # An unlisted host with no "Title: " or "(" before it: the attacker's, unless
        # its line says it was a victim's.
        return ("benign", ("victim",)) if _victim_after(cues, end) else ("indicator", ())
    found = cues_in(before)
    cited = "reference" in found or (before.rstrip().endswith(":") and _TITLE_COLON.match(before) is not None)
    victim = not cited and ("victim" in found or _victim_after(cues, end))
    if not evidence and not cited and not victim:
        return "indicator", ()  # no cue either way: an unlisted host is the attacker's
    if _attacker(cues, start, end, found):
        return "indicator", ("attacker-use-stated", *evidence)
    if cited:
        return "reference", ("cited-source", *evidence)
    if victim:
        return "benign", ("victim", *evidence)
    if not evidence:
        return "indicator", ()
    part = _own_part("url", obs.value, evidence, judge, cues.own)
    hosted = _on_provider(part, obs, start, end, evidence, cues, passage) if part is not None else None
    if hosted is not None:
        return hosted
    if _provider_only(evidence) and _redirects_off_list(judge, obs.value):
        return "indicator", ("provider-hosted", "redirect", *evidence)
    return "benign", evidence


#: The author giving their own mailbox ("contact me", "e-mail me").
_AUTHOR_CONTACT = compile_cached(r"(?i)\b(?:contact|e-?mail|reach|write\s+to)\s+me\b")
#: Words a form is filled with when the real value is withheld ("test@test.com").
_FILLER_WORDS = frozenset({"test", "example", "none", "null", "abc", "qwerty", "asdf", "noemail", "na"})


def _placeholder_mailbox(local: str, host: str) -> bool:
    """Whether ``local@host`` is a form's filler ("123@123.com", "aaa@aaa.net",
    "test@test.com" in a WHOIS record): the local part is the host's first label, and it
    is digits, one character repeated or a filler word."""
    label = host.partition(".")[0].lower()
    local = local.lower()
    return local == label and (local.isdigit() or len(set(local)) == 1 or local in _FILLER_WORDS)


#: A phone or fax number in a contact record ("Phone: (555) 010-2000", "Fax 555-0100").
_PHONE = compile_cached(r"(?i)\b(?:phone|tel|telephone|fax|mobile)\b\.?[ \t]*:?[ \t]*\+?\(?\d")
#: The line that opens a contact record: "Contact:", "Press contact", "Vendor Contact:".
_CONTACT_LINE = compile_cached(
    r"(?i)^[ \t]*(?:[\w&.,'’-]+[ \t]+){0,3}contacts?(?:[ \t]+(?:us|information|details|info))?[ \t]*:?[ \t]*$"
)
#: Words of a ransom note or an extortion demand: a contact record among them is the
#: attacker's ("Contact us" over the box the victim is to write to).
_EXTORTION = compile_cached(
    r"(?i)\b(?:ransom\w*|decrypt\w*|extort\w*|your\s+(?:files|data|network|systems)|bitcoin|monero|btc|xmr|"
    r"leak\s+site|unlock\w*|(?:the|a)\s+note\s+(?:said|says|read|reads|left))\b"
)
#: How far above a mailbox its contact record may start (lines, characters).
_CONTACT_LINES = 4
_CONTACT_REACH = 300


def _contact_block(text: str, start: int, end: int, *, webmail: bool) -> bool:
    """Whether the mailbox ``text[start:end]`` stands in a contact record: a phone or fax
    number on its line or the lines just above, or (for a box on an organisation's own
    domain: a ransom note's "Contact:" gives a web-mail box) a line opening the record.
    Nothing said of an attacker on its line."""
    low = start - _CONTACT_REACH if start > _CONTACT_REACH else 0
    line_end = text.find("\n", end, end + 200)
    top = start
    for _ in range(_CONTACT_LINES):
        if top <= low:
            break
        top = text.rfind("\n", low, top - 1) + 1 if top > 1 else 0
    line_start = text.rfind("\n", low, start) + 1
    if "attacker" in cues_in(text[line_start : line_end if line_end >= 0 else end + 200]):
        return False
    window = text[max(top, low) : line_end if line_end >= 0 else end + 200]
    if webmail or _EXTORTION.search(window):
        # a web-mail box, or a record in a ransom note or extortion demand: the attacker's
        # way to be reached, not the publisher's
        return False
    if _PHONE.search(window):
        return True
    return any(_CONTACT_LINE.match(line) for line in window[: line_start - max(top, low)].split("\n"))


def _decide_email(
    obs: Observable, start: int, end: int, evidence: tuple[str, ...], cues: _Text, passage: str | None, judge: Any
) -> tuple[str, tuple[str, ...]]:
    """The role of a mailbox: a box of its own on free web-mail or on a customer's own name
    (an application's subdomain) is the attacker's unless its line says otherwise; a box of
    an organisation whose domain is listed only when the text says the attacker uses it."""
    value = obs.value
    local, _, host = value.rpartition("@")
    if _placeholder_mailbox(local, host):
        cues.filler = True
        return "benign", ("placeholder", *evidence)
    if passage in ("reference", "advice", "furniture"):
        return "benign", ("publisher-contact", *evidence)
    part = _own_part("email", value, evidence, judge, cues.own)
    if _contact_block(cues.text, start, end, webmail=part == "webmail-mailbox"):
        return "benign", ("publisher-contact", *evidence)
    before = cues.before(start, 80)
    found = cues_in(before)
    if "contact" in found and "attacker" not in found and (
        part != "webmail-mailbox" or _AUTHOR_CONTACT.search(before) is not None
    ):
        # A box on free web-mail a text gives to contact is the attacker's (a ransom note's
        # "contact us"), unless the author gives it as their own ("contact me").
        return "benign", ("publisher-contact", *evidence)
    hosted = _on_provider(part, obs, start, end, evidence, cues, passage) if part is not None else None
    if hosted is not None:
        return hosted
    if not evidence:
        return "indicator", ()
    return "benign", ("organisation", *evidence)


# -- a value on a listed provider ---------------------------------------------------------

#: What a value can be of its own on a provider a warninglist names (the hit is the
#: provider's, :func:`_own_part`), and how much that says by itself (:func:`_on_provider`):
#:
#: - ``own``: the attacker's by itself - a name in a dynamic-DNS or free-hosting zone, a
#:   name under a domain listed only for its mail, a mailbox on free web-mail or on a
#:   customer's own name, a path on a paste, script or file host: an indicator unless the
#:   passage or the sentence says otherwise (a reference, a clean or a victim's value);
#: - ``customer``: a customer's name on a platform (a blog, a code page, a bucket), as
#:   often cited as abused: an indicator when the text says the attacker uses it, writes
#:   it defanged or it is the host of an attacker's URL;
#: - ``under``: a name, mailbox, path or address under the provider that may be the
#:   provider's own service (``script.google.com``, a cloud range): an indicator only when
#:   the text says the attacker uses it (an IOC list, a C2 cue, an attacker's URL holding
#:   a name, a resolution it follows).
_PART_WEIGHT = {
    "dynamic-dns-host": "own", "free-hosting-host": "own", "mail-provider-host": "own",
    "webmail-mailbox": "own", "customer-mailbox": "own", "content-path": "own",
    "platform-host": "customer",
    "own-subdomain": "under", "provider-mailbox": "under", "provider-path": "under",
    "rented-address": "under", "listed-address": "under",
}  # fmt: skip
#: Warninglists of the ranges cloud and hosting companies rent out: an address there is one
#: customer's machine.
_RENTED_RANGES = frozenset(
    {"warninglist:" + n for n in (
        "amazon-aws", "google-gcp", "microsoft-azure", "microsoft-azure-china", "microsoft-azure-germany",
        "microsoft-azure-us-gov", "ovh-cluster", "tenable-cloud-ipv4", "tenable-cloud-ipv6")}
)  # fmt: skip
_ZONE_PART = {"dynamic-dns": "dynamic-dns-host", "free-hosting": "free-hosting-host", "platform": "platform-host"}


def _own_part(kind: str, value: str, evidence: tuple[str, ...], judge: Any, cache: dict[str, bool]) -> str | None:
    """What ``value`` is of its own on the provider its warninglist hits name (a key of
    :data:`_PART_WEIGHT`); ``None`` when the hits are about the value itself (the bare
    provider ``dyndns.org``, ``hotmail.com``, ``drive.google.com``, a listed service host)
    or say what it is (:data:`_FIRM_LISTS`)."""
    if kind == "email":
        host = value[value.rfind("@") + 1 :]
        if evidence and host.count(".") >= 2 and _customer_name(judge, host, evidence, cache):
            return "customer-mailbox"
        if host in FREEMAIL or "warninglist:disposable-email" in evidence:
            return "webmail-mailbox"  # the reference table names the provider: no hit needed
        return "provider-mailbox" if _provider_only(evidence) else None
    if not _provider_only(evidence):
        return None
    if kind == "domain":
        if value in FREEMAIL or value.count(".") < 2 or not _own_subdomain(judge, value, evidence, cache):
            return None
        zone = customer_zone(value, judge.suffixes)
        if zone is not None:
            return _ZONE_PART[zone]
        # A host under a domain listed only as a mail provider: the list is about mailboxes
        # there, not about names under it (a dynamic-DNS host); else a name of the provider's.
        return "mail-provider-host" if set(evidence) <= _MAIL_LISTS else "own-subdomain"
    if kind == "url":
        rest = value.split("://", 1)[-1]
        slash = rest.find("/")
        if slash < 0 or not rest[slash:].strip("/"):
            return None  # the provider's front page
        if "warninglist:lots-project" in evidence or _url_host(value) in _NOTE_HOSTS:
            return "content-path"  # a page of its own on a site attackers abuse (a paste, a file share)
        return "provider-path"
    if kind in ("ipv4", "ipv6", "ipv4_cidr"):
        return "rented-address" if not _RENTED_RANGES.isdisjoint(evidence) else "listed-address"
    return None


def _on_provider(
    part: str, obs: Observable, start: int, end: int, evidence: tuple[str, ...], cues: _Text, passage: str | None,
    *, in_url: bool = False, url_role: str = "", in_host: bool = False,
) -> tuple[str, tuple[str, ...]] | None:  # fmt: skip
    """The one decision on a value a warninglist hit names the provider of: the value's own
    part (:func:`_own_part`) and its passage and sentence decide; ``None`` leaves the
    provider's verdict (the caller's). The reasons say which part and which cue decided:
    ``("provider-hosted", <part>, <how>, *evidence)``."""
    weight = _PART_WEIGHT[part]
    if in_host and weight == "under":
        return None  # the provider's host of an attacker's URL: the URL is the indicator
    how = ""
    if in_url and url_role == "indicator":
        how = "attacker-url"  # in an attacker's URL (its host: a name of its own there)
    elif passage == "ioc-list":
        how = "ioc-list"
    elif _attacker(cues, start, end):
        how = "attacker-use-stated"
    elif obs.type in ("ipv4", "ipv6", "ipv4_cidr") and _RESOLVED_TO.search(cues.text, start - 24 if start > 24 else 0, start):
        how = "resolution"  # "the domain … resolved to <address>": the host the report follows lived there
    elif weight == "under":
        return None
    elif obs.type == "domain" and _DEFANG_MARK.search(obs.surface):
        how = "defanged"  # written so no one clicks it: the author's warning
    elif weight == "customer":
        return None
    if not how:
        if passage in _REFERENCE_KINDS:
            return None
        otherwise = _said_otherwise(cues, start, end)
        if otherwise:
            return ("reference" if otherwise == "cited-source" else "benign"), (otherwise, *evidence)
    if how:
        return "indicator", ("provider-hosted", part, how, *evidence)
    return "indicator", ("provider-hosted", part, *evidence)


def _said_otherwise(cues: _Text, start: int, end: int) -> str:
    """What the value's line, or the line introducing its list, says it is instead of the
    attacker's: ``cited-source`` ("see", "available at"), ``example`` ("e.g.") or
    ``legitimate-use`` ("legitimate", "benign"); empty when nothing. (Words that also describe
    malware at work - "contacts", "targeted" - are no such cue.)"""
    before = cues.before(start)
    if _near_reference(before):
        return "cited-source"
    if _ends_with_phrase(before[-40:], _EXAMPLE_PHRASES, _EXAMPLE_TRAIL):
        return "example"
    if "legitimate" in cues_in(before) or "legitimate" in cues_in(cues.after(end, 60)) or (
        "legitimate" in cues_in(cues.intro(start, end))
    ):
        return "legitimate-use"
    return ""
