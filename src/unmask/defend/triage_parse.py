"""The parts of an e-mail that phishing triage looks at.

:func:`parse_message` reads a raw RFC 5322 message with
:func:`unmask.documents.mail.parse_email`, the reader ``unmask analyze`` uses: it
refuses parser bombs, cuts over-long headers, decodes RFC 2047 headers and gives the
message's text — header block, visible bodies, ``[links]`` and ``[attachments]``
blocks — on which observables are extracted and lure language is searched. On the
same walk (the reader's ``observe`` hook) triage collects what the Document does not
keep: every HTML anchor with its visible text next to its target (the mismatch
between the two is the phishing sign), ``data:``/``javascript:`` targets, and each
attachment's first bytes and, for ZIP archives, the member names and whether they
are encrypted.

The reader's limits apply (1,000 parts, 30 levels of nesting), and at most 500
anchors are kept; what is cut is listed in :attr:`MailView.warnings`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser

from unmask.documents.mail import parse_email
from unmask.errors import DocumentError, UnsupportedFormatError
from unmask.model import Document

__all__ = ["Address", "Anchor", "AttachmentInfo", "MailView", "parse_message"]

_MAX_ANCHORS = 500
_MAX_ZIP_MEMBERS = 200
#: Archives inside archives are opened down to this many levels (the attachment is 1).
MAX_ARCHIVE_DEPTH = 3
#: Bytes of inner archives read from one attachment in all, and from one member.
MAX_NESTED_BYTES = 20_000_000
MAX_MEMBER_BYTES = 10_000_000
#: Inner archives opened per attachment, at every level together.
MAX_NESTED_ARCHIVES = 50
_MAX_SKIPPED = 20
#: An inner archive expanding more than this many times is a zip bomb: not opened.
MAX_RATIO = 100
_NESTED_EXTENSIONS = (".zip",)
_MAX_ANCHOR_TEXT = 300
_HEAD_BYTES = 16
#: Web-page attachments (by declared type or extension) and what makes their markup
#: act; the first MB is looked at (a page that hides its script further down is rare,
#: and it is still an attachment-html signal, only a weaker one).
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml",
                         "application/x-mimearchive"})
_PAGE_EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml", "svg", "mht", "mhtml"})
_ACTIVE_MARKUP = re.compile(
    r"<\s*(?:script|form|input|iframe|frame|object|embed|applet|base|button|textarea|link)\b|"
    r"http-equiv\s*=\s*[\"']?refresh|\son[a-z]+\s*=|javascript:|vbscript:|data:|"
    r"\b(?:href|src|action)\s*=\s*[\"']?\s*(?:https?:|//)|"
    r"\b(?:window|document|location)\s*\.|\batob\s*\(|\beval\s*\(")
_ACTIVE_SCAN = 1 << 20
#: Characters of a plain-text body searched for web addresses.
_URL_SCAN = 256_000
# Header names of which a message needs at least one to be taken for an e-mail.
_MAIL_HEADERS = frozenset({
    "from", "to", "cc", "subject", "date", "received", "message-id", "return-path",
    "reply-to", "sender", "delivered-to", "mime-version", "authentication-results",
})
# What the stdlib e-mail package raises on malformed input (as in the mail reader).
_MAIL_ERRORS: tuple[type[BaseException], ...] = (
    MessageError, ValueError, TypeError, LookupError, AttributeError, AssertionError,
    UnicodeError, RecursionError,
)
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, *_MAIL_ERRORS,
)
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Address:
    """One address of an address header: display name, address, its domain."""

    header: str
    raw: str
    name: str
    address: str
    domain: str


@dataclass(frozen=True, slots=True)
class Anchor:
    """An HTML link: its target (``href``/``action``/``src``) and the text it shows."""

    tag: str
    target: str
    text: str


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attachment as triage needs it: name, declared type, size, hash, first bytes,
    and for ZIP archives their member names and whether any member is encrypted."""

    name: str | None
    content_type: str
    size: int
    sha256: str
    head: bytes
    members: tuple[str, ...] = ()
    encrypted: bool = False
    #: Inner archives not opened (too deep, too big, expanding like a zip bomb).
    skipped: tuple[str, ...] = ()
    #: For a web-page attachment: whether its markup can act (a script, a form or
    #: input, a frame or embedded object, a meta refresh, an event handler, a link
    #: off the page); a page of plain formatted text cannot. True for other kinds.
    active: bool = True


@dataclass(frozen=True, slots=True)
class MailView:
    """A parsed message: the Document (text, decoded headers), anchors, attachments."""

    document: Document
    headers: dict[str, tuple[str, ...]]
    anchors: tuple[Anchor, ...]
    attachments: tuple[AttachmentInfo, ...]
    warnings: tuple[str, ...]
    #: ``<img>`` sources of the HTML bodies (at most 500), and the number of visible
    #: characters (not white space) of all text and HTML bodies.
    images: tuple[str, ...] = ()
    body_chars: int = 0
    #: Visible characters of the HTML bodies alone; whether there is an HTML body but
    #: no plain-text one; ratware tells of the HTML (``mixed-href-case``, ``hidden-text``).
    html_chars: int = 0
    html_only: bool = False
    html_tricks: tuple[str, ...] = ()
    #: Visible characters before the first picture (not declared icon-sized) of the
    #: first HTML body with one (None: no such picture), and web addresses written in
    #: the visible text of all bodies.
    lead_image: int | None = None
    text_urls: int = 0

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (lower case), or None."""
        values = self.headers.get(name)
        return values[0] if values else None

    def addresses(self, name: str) -> list[Address]:
        """The addresses of header ``name`` (first occurrence), parsed leniently."""
        raw = self.header(name)
        if not raw:
            return []
        try:
            pairs = getaddresses([raw])
        except _MAIL_ERRORS:
            pairs = []
        out: list[Address] = []
        for display, address in pairs:
            address = address.strip().strip("<>").strip()
            if "@" not in address:
                continue
            domain = address.rsplit("@", 1)[1].lower().rstrip(".")
            out.append(Address(header=name, raw=raw, name=display.strip(), address=address.lower(),
                               domain=domain))
        return out


class _AnchorCollector(HTMLParser):
    """Anchors (``<a href>`` with their text) and form actions of an HTML body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[Anchor] = []
        self.images: list[str] = []
        self.chars = 0
        self._open: list[tuple[str, list[str]]] = []
        self._hidden = 0
        self._invisible = 0  # inside a tag whose text cannot be seen
        self._stack: list[bool] = []
        self.tricks: set[str] = set()
        self.background = ""
        #: Visible characters before the first picture that is not icon-sized (None:
        #: none yet), and
        #: web addresses written in the visible text.
        self.chars_before_image: int | None = None
        self.text_urls = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.anchors) >= _MAX_ANCHORS:
            return
        values = {k: (v or "").strip() for k, v in attrs}
        if tag in ("style", "script", "title"):
            self._hidden += 1
        if tag == "body" and values.get("bgcolor"):
            self.background = values["bgcolor"].lower().lstrip("#")
        if tag in _STYLED_TAGS:
            invisible = _invisible(values, self.background)
            self._stack.append(invisible)
            self._invisible += invisible
        if tag == "img" and len(self.images) < _MAX_ANCHORS:
            self.images.append(values.get("src", ""))
            if self.chars_before_image is None and not _icon(values):
                self.chars_before_image = self.chars
        if tag == "a" and values.get("href"):
            self._open.append((values["href"], []))
        elif tag == "area" and values.get("href"):
            self.anchors.append(Anchor("area", values["href"], values.get("alt", "")))
        elif tag == "form" and values.get("action"):
            self.anchors.append(Anchor("form", values["action"], ""))
        elif tag in ("iframe", "embed") and values.get("src"):
            self.anchors.append(Anchor(tag, values["src"], ""))

    def handle_data(self, data: str) -> None:
        if self._invisible and not self._hidden and len(data.strip()) >= 3:
            self.tricks.add("hidden-text")
        if not self._hidden:
            if self.text_urls < _MAX_ANCHORS:
                self.text_urls += len(_URLISH.findall(data))
            self.chars += len(data) - data.count(" ") - data.count("\n") - data.count("\t") \
                - data.count("\r") - data.count("\xa0")
        if self._open:
            parts = self._open[-1][1]
            if sum(map(len, parts)) < _MAX_ANCHOR_TEXT:
                parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._hidden:
            self._hidden -= 1
        if tag in _STYLED_TAGS and self._stack:
            self._invisible = max(0, self._invisible - self._stack.pop())
        if tag == "a" and self._open:
            href, parts = self._open.pop()
            text = _WS.sub(" ", "".join(parts)).strip()[:_MAX_ANCHOR_TEXT]
            self.anchors.append(Anchor("a", _WS.sub("", href), text))

    def finish(self) -> list[Anchor]:
        while self._open:
            self.handle_endtag("a")
        self.anchors = self.anchors[:_MAX_ANCHORS]
        return self.anchors


#: A picture declared smaller than this (width or height, pixels) is an icon, a
#: bullet or a spacer, not content.
_ICON_PIXELS = 64


def _icon(values: dict[str, str]) -> bool:
    """Whether an ``<img>`` declares itself icon-sized (``width=27 height=27``)."""
    for name in ("width", "height"):
        size = values.get(name, "").strip().removesuffix("px")
        if size.isdigit() and int(size) < _ICON_PIXELS:
            return True
    return False


#: A web address written out in text (``http://``, ``https://``, ``www.``).
_URLISH = re.compile(r"\bhttps?://|\bwww\.[\w-]", re.IGNORECASE)
#: Tags whose style can hide the text inside them (a ``textarea`` hidden with
#: ``visibility: hidden`` is a bulk tool's way of carrying filler words).
_STYLED_TAGS = frozenset({"font", "span", "div", "p", "td", "textarea"})
_COLOR = re.compile(r"(?:^|;)\s*color\s*:\s*#?([0-9a-z]+)", re.IGNORECASE)
_TINY = re.compile(r"(?:^|;)\s*(?:font-size\s*:\s*[01](?:\.\d+)?(?:px|pt)?\s*(?:;|$)|"
                   r"display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)
_ANCHOR_OPEN = re.compile(r"<a\s", re.IGNORECASE)
_HREF_SPELLING = re.compile(r"\b(href)\s*=", re.IGNORECASE)


def _invisible(values: dict[str, str], background: str) -> bool:
    """Whether a tag's text cannot be seen: its colour is the page's background
    (white on white by default), its size is 0 or 1 pixel, or it is not displayed."""
    style = values.get("style", "")
    if _TINY.search(style) or values.get("size", "") in ("0", "-5", "-4"):
        return True
    found = _COLOR.search(style)
    color = (values.get("color") or (found.group(1) if found else "")).lower().lstrip("#")
    page = background or "ffffff"
    aliases = {"white": "ffffff", "fff": "ffffff", "black": "000000", "000": "000000"}
    return bool(color) and aliases.get(color, color) == aliases.get(page, page)


def _mixed_href_case(html: str) -> bool:
    """Links written both ``href`` and ``HREF`` (or other spellings) in one body: text
    pasted from several sources by a bulk-mail tool, not a mail program's output."""
    html = html[:200_000]
    spellings: set[str] = set()
    pos = 0
    # One pass: each anchor tag's first href, the tag read once up to its ">" (an unclosed
    # tag runs to the end, and the search goes on after it, so no text is read twice).
    while len(spellings) < 2 and (opening := _ANCHOR_OPEN.search(html, pos)) is not None:
        end = html.find(">", opening.end())
        end = len(html) if end < 0 else end
        found = _HREF_SPELLING.search(html, opening.end(), end)
        if found is not None:
            spellings.add(found.group(1))
        pos = end
    return len(spellings) >= 2


def _anchors(html: str) -> _AnchorCollector:
    collector = _AnchorCollector()
    try:
        collector.feed(html)
        collector.close()
    except _MAIL_ERRORS:
        pass
    collector.finish()
    return collector




def _text(part: Message, payload: bytes) -> str:
    try:
        charset = part.get_content_charset() or "utf-8"
        return payload.decode(charset, "replace")
    except _MAIL_ERRORS:
        return payload.decode("utf-8", "replace")


def _clean(value: str) -> str:
    return _WS.sub(" ", value.replace("\x00", "")).strip()


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _MAIL_ERRORS:
        return None
    if not name:
        return None
    return _clean(_decode_header_text(str(name))) or None


def _decode_header_text(value: str) -> str:
    """A header value as text: raw 8-bit bytes left as surrogates read as UTF-8, RFC
    2047 encoded words the parser left alone decoded."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if "=?" in value:
        with contextlib.suppress(*_MAIL_ERRORS):
            value = str(make_header(decode_header(value)))
    return value






def _zip_listing(payload: bytes, _depth: int = 0, _budget: list[int] | None = None,
                 ) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
    """Member names of a ZIP archive (central directory), whether any is encrypted, and
    what was not opened; ``((), False, ())`` when the bytes are not a readable ZIP.

    A ZIP member that is itself a ZIP is opened too (its members listed as
    ``outer.zip/inner.js``), down to :data:`MAX_ARCHIVE_DEPTH` levels, opening at most
    :data:`MAX_NESTED_ARCHIVES` and reading at most :data:`MAX_NESTED_BYTES` of them in
    all, none over :data:`MAX_MEMBER_BYTES`
    or expanding more than :data:`MAX_RATIO` times (a zip bomb): what is skipped is
    named in the third element.
    """
    if not payload.startswith(b"PK\x03\x04"):
        return (), False, ()
    budget = _budget if _budget is not None else [MAX_NESTED_BYTES, MAX_NESTED_ARCHIVES]
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            infos = archive.infolist()[:_MAX_ZIP_MEMBERS]
            names = [_clean(info.filename) for info in infos if not info.is_dir()]
            encrypted = any(info.flag_bits & 0x01 for info in infos)
            skipped: list[str] = []
            for info in infos:
                if info.is_dir() or info.flag_bits & 0x01:
                    continue
                inner = _clean(info.filename)
                if not inner.lower().endswith(_NESTED_EXTENSIONS):
                    continue
                if _depth + 1 >= MAX_ARCHIVE_DEPTH:
                    skipped.append(f"{inner}: nested deeper than {MAX_ARCHIVE_DEPTH} archives")
                    continue
                if budget[1] <= 0:
                    skipped.append(f"{inner}: more than {MAX_NESTED_ARCHIVES} inner archives")
                    continue
                if info.file_size > MAX_MEMBER_BYTES or info.file_size > budget[0] or (
                        info.compress_size and info.file_size > MAX_RATIO * info.compress_size):
                    skipped.append(f"{inner}: {info.file_size} bytes from {info.compress_size} "
                                   "(over the size or expansion limit)")
                    continue
                budget[0] -= info.file_size
                budget[1] -= 1
                try:
                    data = archive.read(info)
                except _ZIP_ERRORS:
                    continue
                sub, sub_encrypted, sub_skipped = _zip_listing(data, _depth + 1, budget)
                names.extend(f"{inner}/{name}" for name in sub)
                encrypted = encrypted or sub_encrypted
                skipped.extend(f"{inner}/{item}" for item in sub_skipped)
    except _ZIP_ERRORS:
        # The central directory is unreadable; the first local header still says
        # whether the first member is encrypted (general purpose flag bit 0).
        return (), len(payload) >= 8 and bool(payload[6] & 0x01), ()
    return tuple(names[:_MAX_ZIP_MEMBERS]), encrypted, tuple(skipped[:_MAX_SKIPPED])


class _Observer:
    """What triage needs from the reader's walk: anchors of HTML bodies, attachment bytes."""

    def __init__(self) -> None:
        self.anchors: list[Anchor] = []
        self.attachments: list[AttachmentInfo] = []
        self.images: list[str] = []
        self.chars = 0
        self.html_chars = 0
        self.html_bodies = 0
        self.text_bodies = 0
        self.tricks: set[str] = set()
        self.lead_image: int | None = None
        self.text_urls = 0

    def __call__(self, part: Message, ctype: str, payload: bytes, is_body: bool) -> None:
        if not is_body:
            self.attachments.append(self._info(part, ctype, payload))
        elif ctype == "text/html" and len(self.anchors) < _MAX_ANCHORS:
            html = _text(part, payload)
            collector = _anchors(html)
            self.anchors.extend(collector.anchors)
            self.images.extend(collector.images[:_MAX_ANCHORS - len(self.images)])
            self.chars += collector.chars
            self.html_chars += collector.chars
            self.html_bodies += 1
            self.tricks |= collector.tricks
            self.text_urls += collector.text_urls
            if self.lead_image is None and collector.chars_before_image is not None:
                self.lead_image = collector.chars_before_image
            if _mixed_href_case(html):
                self.tricks.add("mixed-href-case")
        elif ctype == "text/plain":
            self.text_bodies += 1
            text = _text(part, payload)
            self.chars += len(_WS.sub("", text))
            self.text_urls += len(_URLISH.findall(text, 0, _URL_SCAN))

    @staticmethod
    def _info(part: Message, ctype: str, payload: bytes) -> AttachmentInfo:
        members, encrypted, skipped = _zip_listing(payload)
        name = _filename(part)
        page = ctype in _PAGE_TYPES or (name or "").lower().rsplit(".", 1)[-1] in _PAGE_EXTENSIONS
        active = not page or _ACTIVE_MARKUP.search(
            payload[:_ACTIVE_SCAN].decode("latin-1").lower()) is not None
        return AttachmentInfo(
            name=name, content_type=ctype, size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(), head=payload[:_HEAD_BYTES],
            members=members, encrypted=encrypted, skipped=skipped, active=active,
        )


def parse_message(raw: bytes, *, source: str = "<message>") -> MailView:
    """Parse ``raw`` for triage; raises :class:`~unmask.errors.DocumentError` when it
    is empty, not an e-mail, or a structure the mail reader refuses."""
    if not isinstance(raw, bytes):
        raise DocumentError(source, f"needs the raw message as bytes, got {type(raw).__name__}")
    if not raw.strip():
        raise DocumentError(source, "is empty", hint="pass the message as .eml or raw RFC 5322")
    sha256 = hashlib.sha256(raw).hexdigest()
    observer = _Observer()
    try:
        document = parse_email(raw, source=source, sha256=sha256, parse_child=None, observe=observer)
    except _MAIL_ERRORS as exc:  # the reader lets no stdlib error through; kept as a seam
        raise DocumentError(source, f"is not a readable e-mail ({type(exc).__name__}: {exc})") from exc
    # metadata.extra joins repeated headers with newlines; "received-count" is the
    # reader's own count, not a header.
    headers = {name: tuple(value.split("\n")) for name, value in document.metadata.extra.items()
               if name != "received-count"}
    if not _MAIL_HEADERS & headers.keys():
        raise UnsupportedFormatError(
            source, "is not an e-mail: it has none of the From, To, Subject, Date or Received headers",
            hint="save the message as .eml (the original with its headers), not the text of it")
    return MailView(
        document=document, headers=headers, anchors=tuple(observer.anchors),
        attachments=tuple(observer.attachments),
        warnings=tuple(dict.fromkeys([*document.warnings, *(
            f"archive {item.name or '(no name)'}: not opened: {skip}"
            for item in observer.attachments for skip in item.skipped)])),
        images=tuple(observer.images), body_chars=observer.chars,
        html_chars=observer.html_chars,
        html_only=observer.html_bodies > 0 and observer.text_bodies == 0,
        html_tricks=tuple(sorted(observer.tricks)),
        lead_image=observer.lead_image, text_urls=observer.text_urls,
    )
