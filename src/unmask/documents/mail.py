"""E-mail (RFC 5322 / MIME, ``.eml``): headers, decoded bodies, attachments.

The text is a short header block (From, To, Cc, Reply-To, Subject, Date), then
every body part: ``text/plain`` as written, ``text/html`` as its visible text
followed by the link targets of the HTML (``[links]`` block: the URL behind
"click here" matters to phishing triage). In ``multipart/alternative`` the HTML
part is read, and the plain part too when its words differ (a mismatch between the
two is itself a phishing sign).

``Metadata``: ``title`` = Subject, ``authors`` = (From,), ``published`` = Date.
``Metadata.extra`` keeps every top-level header, lower-cased, decoded (RFC 2047)
and unfolded; a header that occurs more than once (``received``,
``authentication-results`` …) keeps all its values in order, joined by newlines,
and ``received-count`` says how many Received headers there were.

Every non-body part is listed as an :class:`Attachment` (name, type, size,
SHA-256) and, one line each, in an ``[attachments]`` block at the end of the text
(attachment names and hashes are indicators too); an attachment whose content unmask can read (PDF, HTML, text, e-mail,
STIX …) becomes a child Document, read by the ``parse_child`` function the caller
passes in.

An MHTML page saved by a browser (``Snapshot-Content-Location`` header, "Saved by
…" sender) is a web page, not mail: its ``text/html`` part goes through the HTML
reader and the Document has ``format="html"``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from email import policy
from email.errors import MessageError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser
from urllib.parse import urlsplit

from unmask.documents.html import html_to_text
from unmask.documents.text import clean_text, decode_text
from unmask.errors import DocumentError, NoTextError, UnsupportedFormatError
from unmask.model import Attachment, Document, Metadata

__all__ = ["ChildReader", "PartObserver", "parse_email", "tame_headers"]

#: Reads an attachment's bytes (and a source label for it) into a Document.
ChildReader = Callable[[bytes, str], Document]
#: Called for every body and attachment part the reader visits, with the part, its
#: content type, its decoded bytes and whether it is a body: a caller that needs what
#: the Document does not keep (an HTML link's text next to its target, an attachment's
#: bytes) sees it on the same walk, with the same limits.
PartObserver = Callable[[Message, str, bytes, bool], None]

_MAX_PARTS = 1000
_MAX_DEPTH = 30
# The stdlib parser checks every line against every open boundary: cost grows with
# lines x nesting depth, so a deeply nested message is refused before parsing.
_MAX_OPEN_BOUNDARIES = 50
_BOUNDARY_EVENT = re.compile(
    rb"""boundary\s*=\s*"?([^";\r\n]{1,200})"?|^--([^\r\n]{1,200}?)--[ \t]*\r?$""",
    re.IGNORECASE | re.MULTILINE,
)
_MAX_LINKS = 500
_HEADER_BLOCK = ("From", "To", "Cc", "Reply-To", "Subject", "Date")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w{3,}")
# Errors the stdlib e-mail package raises on malformed input (header parser bugs
# included); caught here, at the seam.
_MAIL_ERRORS: tuple[type[BaseException], ...] = (
    MessageError, ValueError, TypeError, LookupError, AttributeError, AssertionError,
    UnicodeError, RecursionError,
)
# The stdlib header parser is worse than linear on a long header (a 1 MB To: header
# took 30 s, a 1 MB Subject: of words 11 s, one of encoded words ran out of memory):
# longer headers are cut, and headers past the block limits dropped, with a warning.
# Real headers stay far below (a long Received chain is a few KB in all).
_MAX_HEADER_BYTES = 16_384
_MAX_HEADER_BLOCK = 131_072
_MAX_HEADERS = 1000
# MIME part headers (Content-Type, Content-Disposition …) are parsed too: each is cut
# to this length (a real one, long file name included, is well under 1 KB).
_MAX_PART_HEADER = 4096
_PART_HEADER = re.compile(rb"^Content-[!-9;-~]*:[^\n]*(?:\n[ \t][^\n]*)*", re.MULTILINE | re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_START = re.compile(rb"^[^\s:]+:", re.MULTILINE)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "area", "form", "iframe", "img"):
            return
        for key, value in attrs:
            if key in ("href", "action", "src") and value and len(self.links) < _MAX_LINKS:
                self.links.append(value.strip())


def _links(html: str, visible: str) -> list[str]:
    collector = _LinkCollector()
    try:
        collector.feed(html)
        collector.close()
    except _MAIL_ERRORS:
        pass
    seen: set[str] = set()
    out: list[str] = []
    for link in collector.links:
        try:
            scheme = urlsplit(link).scheme.lower() if ":" in link else ""
        except ValueError:  # "http://[::1" and the like: not a link unmask can list
            continue
        if scheme not in ("http", "https", "ftp", "mailto") or link in seen or link in visible:
            continue
        seen.add(link)
        out.append(_WS.sub("", link))
    return out


def _header_text(value: object) -> str:
    return _WS.sub(" ", clean_text(str(value))).strip()


def tame_headers(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` with over-long headers cut and an over-long header block shortened.

    Top-level headers longer than 16 KB are cut to that length; past 1,000 headers or
    128 KB of header block the rest of the block is dropped; MIME part headers
    (``Content-*``) longer than 4 KB are cut. Returns the message to parse and one
    warning per kind of cut (none, and ``data`` itself, for a normal message).
    """
    warnings: list[str] = []
    end = _HEADER_END.search(data)
    split = end.start() if end else len(data)
    block = data[:split]
    if len(block) > _MAX_HEADER_BYTES or block.count(b"\n") >= _MAX_HEADERS:
        starts = [m.start() for m in _HEADER_START.finditer(block)]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        kept: list[bytes] = []
        total = cut = dropped = 0
        for i, start in enumerate(starts):
            header = block[start : starts[i + 1] if i + 1 < len(starts) else len(block)]
            if len(header) > _MAX_HEADER_BYTES:
                header = header[:_MAX_HEADER_BYTES].rstrip(b"\r\n") + b"\n"
                cut += 1
            if total + len(header) > _MAX_HEADER_BLOCK or i >= _MAX_HEADERS:
                dropped = len(starts) - i
                break
            kept.append(header if header.endswith(b"\n") else header + b"\n")
            total += len(header)
        if cut:
            warnings.append(f"{cut} header(s) longer than {_MAX_HEADER_BYTES:,} bytes cut to that length")
        if dropped:
            warnings.append(f"header block over {_MAX_HEADER_BLOCK:,} bytes or {_MAX_HEADERS:,} headers: "
                            f"the last {dropped} header(s) not read")
        if warnings:
            data = b"".join(kept) + b"\n" + data[split:].lstrip(b"\r\n")
    part_cuts = 0

    def shorten(match: re.Match[bytes]) -> bytes:
        nonlocal part_cuts
        header = match.group(0)
        if len(header) <= _MAX_PART_HEADER:
            return header
        part_cuts += 1
        return header[:_MAX_PART_HEADER].rstrip(b"\r\n")

    tamed = _PART_HEADER.sub(shorten, data)
    if part_cuts:
        data = tamed
        warnings.append(f"{part_cuts} MIME header(s) longer than {_MAX_PART_HEADER:,} bytes cut to that length")
    return data, warnings


def _headers(msg: Message) -> dict[str, list[str]]:
    """Every top-level header, lower-cased name -> decoded values in order.

    One pass over the headers (looking each name up with ``get_all`` would be
    quadratic in their number).
    """
    out: dict[str, list[str]] = {}
    fetch = msg.policy.header_fetch_parse
    for name, raw in msg.raw_items():
        try:
            value = _header_text(fetch(name, raw))
        except _MAIL_ERRORS:
            continue
        out.setdefault(name.lower(), []).append(value)
    if not out:
        # The parsed headers failed entirely: fall back to the raw name/value pairs.
        for name, value in msg.raw_items():
            out.setdefault(name.lower(), []).append(_header_text(value))
    return out


def _decode_part(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except _MAIL_ERRORS:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "replace")
    return b""


def _part_text(part: Message, payload: bytes) -> str:
    charset = None
    try:
        charset = part.get_content_charset()
    except _MAIL_ERRORS:
        charset = None
    text = None
    if charset:
        try:
            text = payload.decode(charset, "replace")
        except (LookupError, ValueError):
            # Unknown, not a name at all (a NUL byte in it), or a codec that is not a
            # text encoding ("quoted-printable"): guess as for a part without one.
            text = None
        if text is not None and text.count("\ufffd") > max(3, len(text) // 200):
            text = None
    if text is None:
        text = decode_text(payload)
    return clean_text(text)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _MAIL_ERRORS:
        return None
    return _header_text(name) if name else None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except _MAIL_ERRORS:
        return "application/octet-stream"


class _Walker:
    def __init__(self, source: str, parse_child: ChildReader | None, observe: PartObserver | None = None) -> None:
        self.source = source
        self.parse_child = parse_child
        self.observe = observe
        self.bodies: list[str] = []
        self.attachments: list[Attachment] = []
        self.children: list[Document] = []
        self.warnings: list[str] = []
        self.parts = 0

    def visit(self, part: Message, depth: int = 0) -> None:
        self.parts += 1
        if self.parts > _MAX_PARTS:
            if self.parts == _MAX_PARTS + 1:
                self.warnings.append(f"more than {_MAX_PARTS} MIME parts; the rest skipped")
            return
        ctype = _content_type(part)
        if ctype == "message/rfc822" or (part.is_multipart() and not ctype.startswith("multipart/")):
            self.attach(part, ctype, _message_bytes(part))
            return
        if part.is_multipart():
            if depth >= _MAX_DEPTH:
                self.warnings.append(f"MIME parts nested more than {_MAX_DEPTH} deep skipped")
                return
            subparts = part.get_payload()
            if not isinstance(subparts, list):
                return
            if ctype == "multipart/alternative":
                self.visit_alternative([p for p in subparts if isinstance(p, Message)], depth)
                return
            for sub in subparts:
                if isinstance(sub, Message):
                    self.visit(sub, depth + 1)
            return
        payload = _decode_part(part)
        if self.is_body(part, ctype):
            self.add_body(part, ctype, payload)
        else:
            self.attach(part, ctype, payload)

    def visit_alternative(self, subparts: list[Message], depth: int) -> None:
        plain = [p for p in subparts if isinstance(p, Message) and _content_type(p) == "text/plain"]
        rest = [p for p in subparts if isinstance(p, Message) and p not in plain]
        has_html = any(_content_type(p) == "text/html" for p in rest)
        before = len(self.bodies)
        for sub in rest:
            self.visit(sub, depth + 1)
        html_text = "\n".join(self.bodies[before:])
        for sub in plain:
            payload = _decode_part(sub)
            if self.observe is not None:
                self.observe(sub, "text/plain", payload, True)
            text = _part_text(sub, payload).strip()
            if not has_html or _differs(text, html_text):
                self.bodies.append(text)

    @staticmethod
    def is_body(part: Message, ctype: str) -> bool:
        if ctype not in ("text/plain", "text/html"):
            return False
        try:
            disposition = part.get_content_disposition()
        except _MAIL_ERRORS:
            disposition = None
        return disposition != "attachment" and _filename(part) is None

    def add_body(self, part: Message, ctype: str, payload: bytes) -> None:
        if self.observe is not None:
            self.observe(part, ctype, payload, True)
        text = _part_text(part, payload)
        if ctype == "text/html":
            visible = html_to_text(text)
            links = _links(text, visible)
            if links:
                visible = (visible + "\n\n[links]\n" + "\n".join(links)).strip()
            text = visible
        text = text.strip()
        if text:
            self.bodies.append(text)

    def attach(self, part: Message, ctype: str, payload: bytes) -> None:
        if self.observe is not None:
            self.observe(part, ctype, payload, False)
        name = _filename(part)
        self.attachments.append(Attachment(
            name=name, content_type=ctype, size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(),
        ))
        if self.parse_child is None or not payload.strip():
            return
        if ctype.split("/")[0] in ("image", "audio", "video", "font"):
            return
        label = f"{self.source}::{name or f'attachment-{len(self.attachments)}'}"
        try:
            self.children.append(self.parse_child(payload, label))
        except UnsupportedFormatError:
            self.warnings.append(f"attachment {name or ctype!r} not read: {ctype} is not a "
                                 "format unmask reads")
        except DocumentError as exc:
            self.warnings.append(f"attachment {name or ctype!r} not read: {exc.reason}")


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    if isinstance(inner, Message):
        try:
            return inner.as_bytes(policy=policy.default.clone(linesep="\n"))
        except _MAIL_ERRORS:
            return str(inner.get_payload()).encode("utf-8", "replace")
    return _decode_part(part)


def _differs(plain: str, html_text: str) -> bool:
    """True when more than a fifth of the plain part's words are not in the HTML text."""
    words = set(_WORD.findall(plain.lower()))
    if not words:
        return False
    html_words = set(_WORD.findall(html_text.lower()))
    return len(words - html_words) > len(words) / 5


def _date(msg: Message) -> dt.date | None:
    try:
        header = msg["date"]
        when = getattr(header, "datetime", None) if header is not None else None
    except _MAIL_ERRORS:
        return None
    return when.date() if isinstance(when, dt.datetime) else None


def _deepest_nesting(data: bytes) -> int:
    """An estimate of the MIME nesting depth: boundaries declared and not yet closed."""
    open_boundaries: set[bytes] = set()
    deepest = 0
    for match in _BOUNDARY_EVENT.finditer(data):
        declared, closed = match.groups()
        if declared is not None:
            open_boundaries.add(declared.strip())
            deepest = max(deepest, len(open_boundaries))
        elif closed is not None:
            open_boundaries.discard(closed.strip())
    return deepest


def _is_web_archive(headers: dict[str, list[str]]) -> bool:
    """An MHTML page saved by a browser (``Snapshot-Content-Location``, "Saved by …")."""
    sender = " ".join(headers.get("from", []))
    return "snapshot-content-location" in headers or "saved by" in sender.lower()


def _web_archive_page(msg: Message, headers: dict[str, list[str]], *, source: str,
                      sha256: str, size: int) -> Document | None:
    """The HTML page of an MHTML archive read as HTML, or None if it has none."""
    from unmask.documents.html import parse_html

    for part in msg.walk():
        if part.is_multipart() or _content_type(part) != "text/html":
            continue
        html = _part_text(part, _decode_part(part)).encode("utf-8")
        page = parse_html(html, source=source, sha256=sha256)
        meta = page.metadata
        location = headers.get("snapshot-content-location", [None])[0]
        metadata = Metadata(
            title=meta.title or (headers.get("subject", [None])[0]), authors=meta.authors,
            published=meta.published, modified=meta.modified, url=meta.url or location,
            site_name=meta.site_name, language=meta.language,
            extra={**meta.extra, "archive": "mhtml"}, published_source=meta.published_source,
        )
        return Document(text=page.text, source=source, format="html", sha256=sha256, size=size,
                        metadata=metadata, warnings=page.warnings)
    return None


def parse_email(
    data: bytes, *, source: str, sha256: str, parse_child: ChildReader | None = None,
    observe: PartObserver | None = None,
) -> Document:
    """Read an RFC 5322 / MIME message into a Document (children from attachments).

    ``observe`` (see :data:`PartObserver`) sees every body and attachment part walked;
    a web page saved as MHTML is read as HTML and walks none.
    """
    size = len(data)
    data, tamed = tame_headers(data)
    depth = _deepest_nesting(data)
    if depth > _MAX_OPEN_BOUNDARIES:
        raise DocumentError(source, f"e-mail nests about {depth} MIME levels (limit "
                                    f"{_MAX_OPEN_BOUNDARIES}); refusing a likely parser bomb")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except _MAIL_ERRORS as exc:
        raise DocumentError(source, f"is not a readable e-mail ({type(exc).__name__}: {exc})") from exc
    assert isinstance(msg, EmailMessage)  # policy.default builds EmailMessage

    headers = _headers(msg)
    if _is_web_archive(headers):
        page = _web_archive_page(msg, headers, source=source, sha256=sha256, size=size)
        if page is not None:
            return dataclasses.replace(page, warnings=(*tamed, *page.warnings)) if tamed else page
    walker = _Walker(source, parse_child, observe)
    walker.warnings.extend(tamed)
    try:
        walker.visit(msg)
    except RecursionError as exc:
        raise DocumentError(source, "MIME structure is nested too deeply") from exc

    first = {name: values[0] for name, values in headers.items()}
    block = [f"{name}: {first[name.lower()]}" for name in _HEADER_BLOCK if first.get(name.lower())]
    text = "\n".join(block)
    if walker.bodies:
        text = (text + "\n\n" + "\n\n".join(walker.bodies)).strip()
    if walker.attachments:
        listing = "\n".join(
            f"{a.name or '(no name)'} {a.content_type} {a.size} bytes sha256 {a.sha256}"
            for a in walker.attachments)
        text = (text + "\n\n[attachments]\n" + listing).strip()
    if not text.strip():
        raise NoTextError(source, "e-mail has no headers and no text body")

    published = _date(msg)
    extra = {name: "\n".join(values) for name, values in headers.items()}
    if "received" in headers:
        extra["received-count"] = str(len(headers["received"]))
    sender = first.get("from")
    metadata = Metadata(
        title=first.get("subject"),
        authors=(sender,) if sender else (),
        published=published,
        extra=extra,
        published_source="mail-header" if published else None,
    )
    return Document(
        text=text, source=source, format="email", sha256=sha256, size=size,
        metadata=metadata, attachments=tuple(walker.attachments),
        children=tuple(walker.children), warnings=tuple(walker.warnings),
    )
