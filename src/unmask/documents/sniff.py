"""Decide which reader a byte string needs: by content first, by file name second.

:func:`sniff_format` looks at magic bytes and markup, never at the extension alone.
The name only breaks ties (an HTML fragment without ``<html>`` in a ``.html`` file,
Markdown vs. plain text). It returns one of:

``pdf``, ``email``, ``html``, ``feed`` (RSS 0.9x/1.0/2.0, Atom, JSON Feed: several
documents, one per entry), ``json`` (STIX 2 / MISP / other JSON, decided by the JSON
reader), ``xml`` (STIX 1.x / OpenIOC / other XML, decided by the XML reader) and
``text``.
"""

from __future__ import annotations

import re

from unmask.errors import UnsupportedFormatError
from unmask.reference.regexes import compile_cached

__all__ = ["not_a_report", "sniff_format"]

_HEAD = 8192

_SUPPORTED = ("unmask reads text, Markdown, HTML, PDF, e-mail, RSS/Atom/JSON feeds, STIX, MISP, "
              "STIX 1 and OpenIOC")

# Magic numbers of containers that are certainly not a report unmask can read.
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document); unpack or convert it first"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"BZh", "bzip2-compressed; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive; unpack it first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (old Office document or .msg)"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)

_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# A header line at the very top of an RFC 5322 message.
_HEADER_LINE = compile_cached(rb"^([A-Za-z0-9][A-Za-z0-9_-]{0,75}):[ \t]?(.*)$")
_CONTINUATION = compile_cached(rb"^[ \t]+\S")
# Headers that only mail has; one of these must be present.
_MAIL_HEADERS = frozenset({
    b"from", b"received", b"return-path", b"message-id", b"mime-version",
    b"delivered-to", b"x-mailer", b"in-reply-to", b"references", b"dkim-signature",
    b"authentication-results", b"x-originating-ip", b"reply-to", b"sender", b"envelope-to",
})
_ANY_MAIL_HEADERS = _MAIL_HEADERS | frozenset({
    b"to", b"cc", b"bcc", b"subject", b"date", b"content-type",
    b"content-transfer-encoding", b"thread-topic", b"importance", b"x-priority",
})

_HTML_STRONG = compile_cached(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_TAG = compile_cached(
    rb"</?(?:p|div|span|a|br|table|tr|td|li|ul|ol|h[1-6]|article|section|title|meta|"
    rb"script|style|link|img|strong|em|b|i)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_TEXT_NAMES = (".md", ".markdown", ".txt", ".text", ".adoc", ".asciidoc", ".rst")
_XML_DECL = compile_cached(rb"^<\?xml[^>]*\?>", re.IGNORECASE)
_COMMENT = compile_cached(rb"<!--.*?-->", re.DOTALL)


def _strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom):]
    return data


def _utf16_head(head: bytes) -> bytes | None:
    """``head`` re-encoded as UTF-8 if it looks like BOM-less UTF-16 text, else None."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.7 and even_nuls < half * 0.05:
        encoding = "utf-16-le"
    elif even_nuls > half * 0.7 and odd_nuls < half * 0.05:
        encoding = "utf-16-be"
    else:
        return None
    return sample.decode(encoding, "replace").encode("utf-8", "replace")


def looks_binary(head: bytes) -> bool:
    """True when ``head`` has too many NULs or control bytes to be text."""
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    # A few stray NULs or control bytes happen in text (bad exports); binary has many.
    if head.count(b"\x00") > max(8, len(head) // 50):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 10)


def _looks_like_email(head: bytes) -> bool:
    """A block of RFC 5322 header lines at the top, with at least one mail-only header."""
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From ") and not lines[0].startswith(b"From: "):
        lines = lines[1:]  # mbox "From " separator line
    names: list[bytes] = []
    for line in lines[:200]:
        if not line.strip():
            break
        if _CONTINUATION.match(line) and names:
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.append(match.group(1).lower())
    else:
        if len(lines) > 200 or not names:
            return False
    known = [n for n in names if n in _ANY_MAIL_HEADERS]
    return len(known) >= 2 and any(n in _MAIL_HEADERS for n in names)


def _markup_start(head: bytes) -> bytes:
    """The head with BOM, leading blanks, XML declaration and comments removed."""
    text = _strip_bom(head).lstrip()
    text = _XML_DECL.sub(b"", text, count=1).lstrip()
    while text.startswith(b"<!--"):
        end = text.find(b"-->")
        if end < 0:
            return b""
        text = text[end + 3:].lstrip()
    return text


# What may stand before a feed's root element: declaration, PIs (xml-stylesheet),
# comments, a DOCTYPE (RSS 0.91's Netscape DTD), whitespace.
_PROLOG_ITEM = compile_cached(
    rb"\s+|<\?[^>]{0,2000}\?>|<!--.{0,20000}?-->|<!DOCTYPE(?:[^\[>]{0,2000}\[.{0,65536}?\])?[^>]{0,2000}>",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOT = compile_cached(rb"<(?:rss[\s>]|feed[\s>]|(?:[A-Za-z_][\w.-]*:)?RDF[\s>]|channel[\s>])")
_RDF_FEED = compile_cached(rb"purl\.org/rss/1\.0|my\.netscape\.com/rdf/simple/0\.9")
_ATOM_NS = compile_cached(rb"www\.w3\.org/2005/Atom|purl\.org/atom/ns")


def _is_feed(head: bytes) -> bool:
    """True when the root element is an RSS, RSS 1.0 (RDF), Atom or CDF feed."""
    text = _strip_bom(head)
    position = 0
    while True:
        match = _PROLOG_ITEM.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
    root = _FEED_ROOT.match(text, position)
    if root is None:
        return False
    tag_end = text.find(b">", position)
    start_tag = text[position: tag_end if tag_end > 0 else position + 4096]
    name = root.group(0)
    if name.startswith(b"<rss"):
        return True
    if name.startswith(b"<feed"):
        return _ATOM_NS.search(start_tag) is not None
    if name.startswith(b"<channel"):
        return False  # CDF channels are not read as feeds
    return _RDF_FEED.search(start_tag) is not None or _RDF_FEED.search(text[:4096]) is not None


def _sniff_markup(head: bytes, lower_name: str) -> str | None:
    if _is_feed(head):
        return "feed"
    start = _markup_start(head)
    body = _COMMENT.sub(b"", head)
    if _HTML_STRONG.search(body[:4096]) and (start.startswith(b"<") or lower_name.endswith((".html", ".htm", ".xhtml"))):
        return "html"
    if start.startswith(b"<!doctype") or start.startswith(b"<!DOCTYPE"):
        return "html" if b"html" in start[:20].lower() else "xml"
    if start.startswith(b"<") and start[1:2].isalpha():
        if lower_name.endswith(_TEXT_NAMES):
            return None  # Markdown opening with inline HTML (a centred logo) stays text
        if lower_name.endswith((".html", ".htm", ".xhtml")):
            return "html"
        if _XML_DECL.match(_strip_bom(head).lstrip()) or lower_name.endswith((".xml", ".ioc", ".stix")):
            return "xml"
        if _HTML_TAG.match(start) or len(_HTML_TAG.findall(head)) >= 3:
            return "html"
        return "xml"
    if lower_name.endswith((".html", ".htm")) and len(_HTML_TAG.findall(head)) >= 3:
        return "html"
    return None


def sniff_format(data: bytes, *, name: str = "") -> str:
    """The reader name for ``data``; raise UnsupportedFormatError for binary junk."""
    head = data[:_HEAD]
    lower_name = name.lower()
    stripped = head.lstrip(b" \t\r\n\x0c")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in _KNOWN_BINARY:
        if stripped.startswith(magic):
            raise UnsupportedFormatError(name, f"is {what}", hint=_SUPPORTED)
    recoded = _utf16_head(head) if not head.startswith(_BOMS) else None
    if recoded is not None:
        head = recoded
    elif looks_binary(head):
        raise UnsupportedFormatError(name, "is binary data, not a report in a known format",
                                     hint=_SUPPORTED)
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head[: len(head) - len(head) % 2].decode("utf-16", "replace").encode("utf-8")
        except UnicodeError:
            return "text"
    head = _strip_bom(head)
    first = head.lstrip()[:1]
    if first in (b"{", b"["):
        from unmask.documents.feed import is_json_feed

        return "feed" if first == b"{" and is_json_feed(head) else "json"
    if _looks_like_email(head):
        return "email"
    if first == b"<" or lower_name.endswith((".html", ".htm")):
        markup = _sniff_markup(head, lower_name)
        if markup is not None:
            return markup
    return "text"


# ---------------------------------------------------------------- files that are not reports

# Names of a folder's housekeeping files: the notes, licences and listings that sit beside
# the reports in a collection (README.md, NOTES.txt, manifest.jsonl, SHA256SUMS).
_HOUSEKEEPING = re.compile(
    r"(?:readme|notes|changelog|changes|license|licence|copying|authors|contributing|todo)"
    r"(?:\.(?:md|txt|rst|markdown|adoc))?", re.IGNORECASE)
_LISTING = re.compile(r"(?:manifest|checksums|sha\d+sums|md5sums)(?:\.(?:jsonl?|txt|csv|tsv))?",
                      re.IGNORECASE)
_LOG_NAME = re.compile(r".+\.(?:log|log\.\d+)", re.IGNORECASE)
# The start of a log line: a timestamp (ISO, syslog, Apache/Squid, epoch seconds), or an
# address followed by one (the common log format), or a Zeek header.
_LOG_LINE = re.compile(
    rb"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d"
    rb"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d"
    rb"|\[?\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d"
    rb"|\d{9,10}\.\d{3}\s"
    rb"|(?:\d{1,3}\.){3}\d{1,3} \S+ \S+ \[\d\d/"
    rb"|#(?:separator|fields|path|open)\b)")
_LOG_SAMPLE = 40


def not_a_report(name: str, head: bytes) -> str | None:
    """Why a file met while walking a folder is not a report, or None when it may be one.

    ``name`` is the file's name (no folder) and ``head`` its first bytes. Logs (by name,
    or when most of the first lines start with a timestamp as proxy, DNS, web-server,
    syslog and Zeek logs do), listings (``manifest.jsonl``, checksum files) and a
    collection's notes (README, NOTES, licences) are housekeeping, not reporting: a
    folder ingest skips them unless asked (``--all-files``). A file named on the command
    line is always read.
    """
    if _LOG_NAME.fullmatch(name):
        return "log file"
    if _LISTING.fullmatch(name):
        return "listing or manifest"
    if _HOUSEKEEPING.fullmatch(name):
        return "notes or licence"
    lines = [line for line in head.splitlines()[:_LOG_SAMPLE] if line.strip()]
    if len(lines) >= 5 and sum(1 for line in lines if _LOG_LINE.match(line)) >= 0.8 * len(lines):
        return "log file"
    return None
