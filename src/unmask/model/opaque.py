"""Spans of a text that are not prose words: what the name scanners must not read.

A word inside an address, a path or a field label is not a name the author wrote:
``%APPDATA%\\Microsoft\\...`` names no organisation, ``/media/`` in a link names no
sector, the local part of a mailbox is no actor, and the label of a ``Key: value``
record ("Registrant Organization:") is no party. :func:`opaque_spans` finds these
spans once per text; the structure carries them (:attr:`Structure.opaque
<unmask.model.structure.Structure.opaque>`) and every name scanner skips a match that
overlaps one.

Kinds:

``url``
    a URL (with a scheme, defanged or not, ``www.``, or a host followed by a path);
    an AsciiDoc link's text in brackets after it stays prose;
``link-target``
    the target of a Markdown link, ``[text](target)``, relative ones too: the link's
    text stays prose;
``email``
    an e-mail address (defanged ones too);
``path``
    a file path: a drive (``C:\\``), an environment variable (``%APPDATA%\\``), a share
    (``\\\\host\\``), a home or absolute Unix path with two segments or more;
``registry-key``
    a Windows registry key (``HKLM\\...``, ``HKEY_CURRENT_USER\\...``);
``hash``
    a run of 32, 40, 64 or 128 hexadecimal digits;
``domain``
    a host name or a file name (``example.org``, ``svc.exe``), defanged ones too;
``field-label``
    the label of a ``Key: value`` line in a block of two such lines or more (a WHOIS
    record, a sample's properties); the value stays prose.

Linear time: one scan finds the characters an opaque run must hold; each run holding
one is cut out once (between white space) and classified by anchored patterns without
nested quantifiers; the field-label pass is one multi-line scan.
"""

from __future__ import annotations

import re

__all__ = ["OPAQUE_KINDS", "opaque_spans"]

OPAQUE_KINDS = ("url", "link-target", "email", "path", "registry-key", "hash", "domain", "field-label")

#: What a run of characters between white space (the unit every rule below reads) holds
#: when it may be opaque: a slash, backslash, "@" or "%", a link's "](", a dot inside a
#: word, a defanged dot or "@", or 32 hexadecimal digits. Runs without one are prose.
_TRIGGER = re.compile(r"[/\\@%]|\]\(|\.\w|[\[(]\.[\])]|\{\.\}|\[(?:dot|at)\]|[0-9A-Fa-f]{32}")
_SPACE = re.compile(r"\s")
#: Opening marks stripped from a run's start, closing marks and punctuation from its end.
_LEAD = "([{<\"'“‘«*_`"
_TRAIL = ".,;:!?)]}>\"'”’»*_`"
#: A scheme (also defanged: ``hxxp``, ``[:]//``), ``www.``, or a markup prefix before one.
_URL_START = re.compile(
    r"(?:link:|mailto:)?(?:(?:[a-z][a-z0-9+.-]{1,15}|h[x*]{2}ps?)(?:\[:\]|:)//|www\.|w{3}\[\.\])", re.IGNORECASE
)
#: A run that opens like a host followed by a path ("example.org/a", "evil[.]com/x"):
#: what stands before the first "/" must then read as a host (:func:`_host_like`).
_HOST_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\[\]()-]*+/")
_EMAIL = re.compile(r"[\w.+%-]++(?:@|\[@\]|\(@\)|\[at\])[\w-]++(?:\.|\[\.\]|\(\.\)|\[dot\])[\w.\[\]()-]*+\Z", re.IGNORECASE)
_REGISTRY = re.compile(r"(?:HKLM|HKCU|HKCR|HKU|HKCC|HKEY_[A-Z_]{4,30}):?\\", re.IGNORECASE)
#: A backslash between parts of a path ("%APPDATA%\\Microsoft", "C:\\", "Files\\Vendor",
#: "\\\\host"); a Markdown escape ("\\_", "\\*") stands before punctuation and is none.
_WINDOWS_PATH = re.compile(r"[\w%$:.]\\[\w%$.]|\A\\\\[\w.$-]")
_UNIX_PATH = re.compile(r"~?/[\w.@%+-]++/")
_HASH = re.compile(r"[0-9A-Fa-f]++\Z")
_HASH_LENGTHS = frozenset([32, 40, 64, 128])
#: The characters of a host or file name, defanged dots included.
_DOTTED = re.compile(r"[\w.\[\]()-]++\Z")
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)|\[dot\]|\{\.\}")
_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}\Z")
_TOP_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,23}\Z")
#: A ``Key: value`` line: a short label (one to four words, opening with a letter) and a value.
#: (A list item's line opens with its mark, not a letter: it is no field.)
_FIELD = re.compile(r"^[ \t]*+(?P<label>[A-Za-z][\w/&().'-]{0,30}(?: [\w/&().'-]{1,30}){0,3})[ \t]*:[ \t]++\S", re.MULTILINE)
#: Longest line read as a field (a record's value is short).
_FIELD_LINE = 160


def opaque_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """The spans of ``text`` that are not prose words, as (start, end, kind), sorted
    and not overlapping (see the module's docstring for the kinds)."""
    out: list[tuple[int, int, str]] = []
    covered = 0  # the end of the last run read: the search for a trigger goes on from there
    while (trigger := _TRIGGER.search(text, covered)) is not None:
        at = trigger.start()
        back = _SPACE.search(text[covered:at][::-1])  # the slices never overlap: linear
        left = at - back.start() if back is not None else covered
        space = _SPACE.search(text, at)
        right = space.start() if space is not None else len(text)
        _classify(text[left:right], left, out)
        covered = max(right, at + 1)
    out.extend(_field_labels(text))
    out.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in out:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], end, last[2])
            continue
        merged.append((start, end, kind))
    return tuple(merged)


def _classify(run: str, offset: int, out: list[tuple[int, int, str]]) -> None:
    """Add the opaque parts of one run (``run`` starts at ``offset``) to ``out``."""
    pos = 0
    while (link := run.find("](", pos)) >= 0:
        # A Markdown link: the text before "](" is prose; its target is not. One link
        # after another is a loop, not a recursion (thousands of "a](b)" in one run).
        close = run.find(")", link + 2)
        stop = close if close >= 0 else len(run)
        if stop > link + 2:
            out.append((offset + link + 2, offset + stop, "link-target"))
        if close < 0 or close + 1 >= len(run):
            return
        pos = close + 1
    if pos:
        run, offset = run[pos:], offset + pos
    start, end = 0, len(run)
    while start < end and run[start] in _LEAD:
        start += 1
    while end > start and run[end - 1] in _TRAIL:
        end -= 1
    if end - start < 4:
        return
    body = run[start:end]
    kind = _kind(body)
    if kind is None:
        return
    if kind == "url":
        bracket = body.find("[", 8)
        if bracket > 0 and not body.startswith(("[.]", "[:]", "[dot]", "[at]", "[@]"), bracket):
            end = start + bracket  # an AsciiDoc link: "https://host/page[the link's text]"
    out.append((offset + start, offset + end, kind))


def _host_like(value: str, *, bare: bool) -> bool:
    """Whether ``value`` reads as a host or file name: labels joined by dots (defanged
    ones too), the last of two letters or more; a ``bare`` one (no scheme, no path)
    ends in lower case, so "U.S", "ASP.NET" and "Mr.Smith" are none, and does not open
    with an upper-case designation ("TEMP.hermit" is an actor's name)."""
    labels = _DEFANGED_DOT.sub(".", value).split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    top = labels[-1]
    if not _TOP_LABEL.match(top):
        return False
    # (and a bare one opening with a capitalised designation is a name: "TEMP.hermit")
    if bare and not (top.islower() and not (len(labels[0]) > 1 and labels[0].isupper())):
        return False
    # two sentences a PDF's text joined without a blank ("in Germany.the attackers"): a
    # capitalised word, a dot, a word that is no common top-level domain
    return not (bare and len(labels) == 2 and labels[0][:1].isupper() and len(top) > 2
                and top not in _GENERIC_TOPS)


#: Top-level domains of three letters or more that prose writes after a capitalised
#: name ("Example.com"); others after a capitalised word are a sentence's next word.
_GENERIC_TOPS = frozenset({
    "com", "net", "org", "info", "biz", "gov", "edu", "mil", "int", "app", "dev", "xyz", "top",
    "online", "site", "club", "shop", "store", "name", "pro", "mobi", "asia", "tel", "onion",
    "cloud", "tech", "live", "news", "blog", "link", "space", "website", "email", "exe", "dll",
    "sys", "bat", "cmd", "ps1", "vbs", "dat", "bin", "doc", "docx", "xls", "xlsx", "pdf", "zip",
    "rar", "lnk", "hta", "jar", "scr", "tmp", "log", "txt", "ini", "cfg", "pif",
})


def _kind(body: str) -> str | None:
    if _URL_START.match(body):
        return "url"
    if _HOST_PATH.match(body):
        slash = body.find("/")
        if _host_like(body[:slash].split(":", 1)[0], bare=False):
            return "url"
    if "@" in body or "[at]" in body:
        return "email" if _EMAIL.match(body) else None
    if "\\" in body:
        if _REGISTRY.match(body):
            return "registry-key"
        return "path" if _WINDOWS_PATH.search(body) else None
    if body[0] in "/~" and _UNIX_PATH.match(body):
        return "path"
    if len(body) in _HASH_LENGTHS and _HASH.match(body):
        return "hash"
    if _DOTTED.match(body) and _host_like(body, bare=True):
        return "domain"
    return None


def _label_like(label: str) -> bool:
    """Whether a line's head reads as a record's label: one word ("Registrar", "SHA256"),
    or words without digits opening with a capital ("Registrant Organization", "First
    seen"); not a statement about an id ("X uses T1105: Ingress Tool Transfer")."""
    if not _FIELD_WORD.search(label):
        return False  # "Germany: 14 incidents", "APT28: phishing": a list of names, no record
    words = label.split()
    if len(words) == 1:
        return True
    return words[0][:1].isupper() and not any(c.isdigit() for c in label)


#: The words a record's field names are made of (WHOIS, sample properties, mail headers,
#: certificate fields): a label without one names a thing ("Lazarus Group: ..."), and the
#: name scanners must read it.
_FIELD_WORD = re.compile(
    r"\b(?:name|names|organi[sz]ation|org|registrant|registrar|registry|admin|tech|contact|e-?mail|"
    r"phone|fax|street|address|city|state|province|postal|zip|country|created|creation|updated|"
    r"expir\w*|date|dates|time|status|server|servers|nameservers?|dnssec|whois|domain|domains|host|"
    r"hostname|ip|ips|url|urls|uri|md5|sha-?1|sha-?256|sha-?512|ssdeep|imphash|hash|hashes|file|"
    r"filename|files|path|size|type|mime|format|compiled|compilation|timestamp|signer|signature|"
    r"certificate|serial|issuer|subject|thumbprint|valid|from|to|cc|bcc|sender|recipient|reply-to|"
    r"return-path|received|message-id|x-mailer|user-agent|first\s+seen|last\s+seen|family|"
    r"detection|detections|verdict|score|port|ports|protocol|asn|as|netblock|range|mutex|key|"
    r"value|version|build|product|vendor|company|description|comments?|notes?|id|uuid|tags?|"
    r"category|platform|architecture|language|entry\s*point|sections?)\b",
    re.IGNORECASE,
)


def _field_labels(text: str) -> list[tuple[int, int, str]]:
    """Labels of ``Key: value`` lines that stand in a block of two or more (one scan:
    the field lines are found by one multi-line pattern, then grouped when each starts
    on the line after the one before)."""
    out: list[tuple[int, int, str]] = []
    run: list[tuple[int, int]] = []
    previous_end = -2
    for field in _FIELD.finditer(text):
        line_start = field.start()
        line_end = text.find("\n", field.end())
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start > _FIELD_LINE or not _label_like(field.group("label")):
            continue
        if line_start != previous_end + 1 and len(run) >= 2:
            out.extend((a, b, "field-label") for a, b in run)
        if line_start != previous_end + 1:
            run.clear()
        run.append(field.span("label"))
        previous_end = line_end
    if len(run) >= 2:
        out.extend((a, b, "field-label") for a, b in run)
    return out
