"""Feeds: RSS 0.9x/1.0/2.0 and Atom (via feedparser), and JSON Feed 1.x; one Document per entry.

An entry's text is its full content (``content:encoded``, Atom ``content``, JSON Feed
``content_html``/``content_text``), else its summary. HTML is turned into text by the
HTML reader's :func:`~unmask.documents.html.html_to_text` (one line per block
element), so sentences and offsets behave as in any HTML report; the entry's title
is metadata, not text, as for a web page. Not trafilatura's main-text extraction:
an entry is already the article, and on one trafilatura dropped the indicator list
and took ~150 ms (html_to_text: under 1 ms).

Metadata per entry: ``title``, ``authors``, ``published`` / ``modified``, ``url`` (the
entry's link, which the own-site benign judgement uses), ``site_name`` (the feed's
title), ``language``; ``extra`` keeps ``feed`` (the feed's source), ``feed_format``
(``rss20``, ``atom10``, ``json11`` …), ``content`` (``full``, or ``summary`` when the
feed carries only a summary), ``entry_id`` and ``tags``.

Identity: an entry's source label is ``<feed source>#<entry id>`` (its ``guid`` / Atom
``id``, else its link, else its title), so the same entry read again has the same
label; its ``sha256`` is the hash of the entry's own fields (id, link, title, dates,
content), so an unchanged entry keeps its hash when the rest of the feed changes.

Failures: a feed with no entries, or that cannot be parsed, raises
:class:`~unmask.errors.DocumentError`; an entry without any text is reported on its
own (:func:`parse_feed` yields an error for it) and the others are kept. A DOCTYPE
declaring entities is refused before parsing (entity-expansion attacks); external
entities are never fetched.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from unmask.documents.text import clean_text, decode_text, load_json
from unmask.errors import DocumentError, EmptyDocumentError, NoTextError
from unmask.model import Document, Metadata

__all__ = ["FeedEntryError", "is_json_feed", "parse_feed"]

_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1(?:\.\d+)?"')
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|channel)[\s>/]")
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TAGS = re.compile(r"<[^<>]{0,2000}>")
_WS = re.compile(r"\s+")
#: The longest label part taken from an entry id or link.
_MAX_KEY = 500


class FeedEntryError(DocumentError):
    """One entry of a feed could not be read; the feed's other entries still are.

    ``metadata`` is what the feed said about the entry (title, dates, link as ``url``).
    """

    def __init__(self, source: str, reason: str, *, hint: str | None = None,
                 metadata: Metadata | None = None) -> None:
        self.metadata = metadata
        super().__init__(source, reason, hint=hint)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_entry_error, (self.source, self.reason, self.hint, self.metadata))


def _rebuild_entry_error(source: str, reason: str, hint: str | None,
                         metadata: Metadata | None) -> FeedEntryError:
    return FeedEntryError(source, reason, hint=hint, metadata=metadata)


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    title: str | None
    link: str | None
    authors: tuple[str, ...]
    published: dt.date | None
    modified: dt.date | None
    body: str
    body_is_html: bool
    language: str | None
    full: bool = True
    tags: tuple[str, ...] = ()
    raw_dates: tuple[str, str] = ("", "")
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Feed:
    title: str | None
    link: str | None
    language: str | None
    version: str
    entries: tuple[_Entry, ...]
    warning: str | None = None


def is_json_feed(head: bytes) -> bool:
    """True when ``head`` (the start of a JSON document) declares a JSON Feed version."""
    return _JSON_FEED.search(head[:65536]) is not None


# -- parsing --------------------------------------------------------------------------


def _date(value: object) -> dt.date | None:
    if isinstance(value, time.struct_time):
        try:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
        except (OverflowError, ValueError, OSError):
            return None
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                return None
    return None


def _plain(value: object, *, html: bool = True) -> str | None:
    """A one-line plain string from a title or name (markup removed when ``html``)."""
    if not isinstance(value, str):
        return None
    import html as html_module

    text = html_module.unescape(_TAGS.sub(" ", value)) if html else value
    text = _WS.sub(" ", clean_text(text)).strip()
    return text[:1000] or None


def _key(entry_id: object, link: object, title: object) -> str:
    for value in (entry_id, link, title):
        if isinstance(value, str):
            text = _WS.sub(" ", value).strip()
            if text:
                return text[:_MAX_KEY]
    return ""


def _check_prolog(data: bytes, source: str) -> None:
    head = data[:65536]
    root = _ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if _ENTITY.search(prolog):
        raise DocumentError(source, "the feed's DOCTYPE declares XML entities, which feeds do not "
                            "need and unmask does not expand", hint="possible entity-expansion attack")


def _feedparser_feed(data: bytes, source: str, base_url: str | None) -> _Feed:
    import feedparser  # type: ignore[import-untyped]

    _check_prolog(data, source)
    # No base URL for feedparser: it would resolve entry ids (guid "s1") like links.
    # Entry links are made absolute below, against the URL read or the feed's link.
    # No sanitising either: the HTML becomes text (scripts and styles dropped) in
    # html_to_text, and feedparser's sanitiser took a third of the time.
    try:
        parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as exc:
        raise DocumentError(source, f"feed could not be parsed ({type(exc).__name__}: {exc})") from exc
    meta = parsed.get("feed", {})
    entries = tuple(_feedparser_entry(entry, meta) for entry in parsed.get("entries", []))
    feed_link = meta.get("link") if isinstance(meta.get("link"), str) else None
    base = base_url or feed_link
    if base:
        entries = tuple(replace(e, link=_absolute(base, e.link)) for e in entries)
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = "feed has no entries"
        if parsed.get("bozo") and problem is not None:
            reason += f" (it is not well-formed: {problem})"
        raise EmptyDocumentError(source, reason)
    return _Feed(
        title=_plain(meta.get("title")),
        link=meta.get("link") if isinstance(meta.get("link"), str) else None,
        language=meta.get("language") if isinstance(meta.get("language"), str) else None,
        version=str(parsed.get("version") or "feed"),
        entries=entries,
        warning=_bozo_warning(parsed),
    )


def _bozo_warning(parsed: Mapping[str, Any]) -> str | None:
    """A warning when feedparser had to read the feed leniently (not well-formed XML)."""
    if not parsed.get("bozo"):
        return None
    problem = parsed.get("bozo_exception")
    name = type(problem).__name__
    if name in ("CharacterEncodingOverride", "NonXMLContentType"):
        return f"feed encoding or content type is inconsistent ({problem})"[:500]
    return f"feed is not well-formed XML ({problem}); entries were read by a lenient parser"[:500]


def _content_of(entry: Mapping[str, Any]) -> tuple[str, bool, bool]:
    """The entry's fullest text, whether it is HTML and whether it is the full content
    (not only the summary): content, else summary."""
    best = ("", True, True)
    for item in entry.get("content") or []:
        value = item.get("value")
        if isinstance(value, str) and len(value.strip()) > len(best[0].strip()):
            best = (value, "html" in str(item.get("type", "text/html")), True)
    if best[0].strip():
        return best
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        detail = entry.get("summary_detail") or {}
        return summary, "html" in str(detail.get("type", "text/html")), False
    return "", True, False


def _feedparser_entry(entry: dict[str, Any], feed: Mapping[str, Any]) -> _Entry:
    # dict.get, not entry.get: feedparser's dict warns when "updated" falls back to
    # "published"; an entry without an update date has none.
    body, is_html, full = _content_of(entry)
    authors = tuple(
        name for name in (_plain(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, Mapping))
        if name
    )
    if not authors and isinstance(entry.get("author"), str):
        authors = tuple(filter(None, [_plain(entry.get("author"))]))
    link = entry.get("link") if isinstance(entry.get("link"), str) else None
    tags = tuple(
        term for term in (_plain(t.get("term")) for t in entry.get("tags") or [] if isinstance(t, Mapping))
        if term
    )
    language = None
    for item in entry.get("content") or []:
        if isinstance(item.get("language"), str):
            language = item["language"]
            break
    return _Entry(
        key=_key(entry.get("id"), link, entry.get("title")),
        title=_plain(entry.get("title")),
        link=link,
        authors=authors,
        published=_date(dict.get(entry, "published_parsed")) or _date(dict.get(entry, "created_parsed")),
        modified=_date(dict.get(entry, "updated_parsed")),
        body=body,
        body_is_html=is_html,
        full=full,
        language=language or (feed.get("language") if isinstance(feed.get("language"), str) else None),
        tags=tags,
        raw_dates=(str(dict.get(entry, "published", "")), str(dict.get(entry, "updated", ""))),
    )


def _absolute(base: str, link: str | None) -> str | None:
    """``link`` made absolute against ``base`` when it is relative (``/blog/post``)."""
    if not link or "://" in link[:12]:
        return link
    from urllib.parse import urljoin

    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _json_feed(data: bytes, source: str) -> _Feed:
    try:
        parsed = load_json(decode_text(data))
    except (ValueError, RecursionError) as exc:
        raise DocumentError(source, f"JSON Feed is not valid JSON ({exc})") from exc
    if not isinstance(parsed, dict):
        raise DocumentError(source, "JSON Feed is not a JSON object")
    items = parsed.get("items")
    if not isinstance(items, list) or not items:
        raise EmptyDocumentError(source, "feed has no entries")
    version = str(parsed.get("version", ""))
    feed_authors = _json_authors(parsed)
    entries = []
    for item in items:
        if not isinstance(item, dict):
            item = {}
        html_body = item.get("content_html")
        text_body = item.get("content_text")
        summary = item.get("summary")
        full = True
        if isinstance(html_body, str) and html_body.strip():
            body, is_html = html_body, True
        elif isinstance(text_body, str) and text_body.strip():
            body, is_html = text_body, False
        elif isinstance(summary, str) and summary.strip():
            body, is_html, full = summary, False, False
        else:
            body, is_html, full = "", False, False
        link = item.get("url") if isinstance(item.get("url"), str) else None
        raw_tags = item.get("tags")
        if not isinstance(raw_tags, list):
            raw_tags = []
        tags = tuple(t for t in (_plain(x, html=False) for x in raw_tags if isinstance(x, str)) if t)
        published_raw = str(item.get("date_published") or "")
        modified_raw = str(item.get("date_modified") or "")
        entries.append(_Entry(
            key=_key(str(item["id"]) if isinstance(item.get("id"), (str, int)) else None, link,
                     item.get("title")),
            title=_plain(item.get("title"), html=False),
            link=link,
            authors=_json_authors(item) or feed_authors,
            published=_date(published_raw),
            modified=_date(modified_raw),
            body=body,
            body_is_html=is_html,
            full=full,
            language=item.get("language") if isinstance(item.get("language"), str) else
            (parsed.get("language") if isinstance(parsed.get("language"), str) else None),
            tags=tags,
            raw_dates=(published_raw, modified_raw),
        ))
    return _Feed(
        title=_plain(parsed.get("title"), html=False),
        link=parsed.get("home_page_url") if isinstance(parsed.get("home_page_url"), str) else None,
        language=parsed.get("language") if isinstance(parsed.get("language"), str) else None,
        version="json" + version.rsplit("/", 1)[-1].replace(".", "") if version else "json",
        entries=tuple(entries),
    )


def _json_authors(obj: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[Any] = []
    if isinstance(obj.get("authors"), list):
        found.extend(obj["authors"])
    if isinstance(obj.get("author"), dict):
        found.append(obj["author"])
    names = (_plain(a.get("name"), html=False) for a in found if isinstance(a, dict))
    return tuple(n for n in names if n)


# -- documents ------------------------------------------------------------------------


def _entry_sha256(entry: _Entry) -> str:
    identity = json.dumps(
        [entry.key, entry.link, entry.title, list(entry.raw_dates), entry.body],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def _entry_metadata(entry: _Entry, feed: _Feed, source: str) -> Metadata:
    extra = {"feed": source, "feed_format": feed.version,
             "content": "full" if entry.full else "summary"}
    if entry.key:
        extra["entry_id"] = entry.key
    if entry.tags:
        extra["tags"] = ", ".join(entry.tags)[:2000]
    if feed.link:
        extra["feed_link"] = feed.link
    return Metadata(
        title=entry.title,
        authors=entry.authors,
        published=entry.published or entry.modified,
        modified=entry.modified,
        url=entry.link,
        site_name=feed.title,
        language=entry.language or feed.language,
        extra=extra,
        published_source="record",
    )


def _entry_document(entry: _Entry, feed: _Feed, source: str, index: int) -> Document:
    label = f"{source}#{entry.key}" if entry.key else f"{source}#{index + 1}"
    metadata = _entry_metadata(entry, feed, source)
    if not entry.body.strip():
        what = f"entry {index + 1} ({entry.title!r})" if entry.title else f"entry {index + 1}"
        raise FeedEntryError(label, f"{what} has no content or summary", metadata=metadata,
                             hint=f"read its page instead: {entry.link}" if entry.link else None)
    if entry.body_is_html:
        from unmask.documents.html import html_to_text

        text = html_to_text(entry.body)
    else:
        text = _WS_LINES.sub("\n\n", clean_text(entry.body)).strip()
    if not text:
        raise FeedEntryError(label, f"entry {index + 1} has no visible text", metadata=metadata)
    return Document(
        text=text, source=label, format="html" if entry.body_is_html else "text",
        sha256=_entry_sha256(entry), size=len(entry.body.encode("utf-8", "replace")),
        metadata=metadata, warnings=(feed.warning,) if feed.warning else (),
    )


_WS_LINES = re.compile(r"\n{3,}")


def parse_feed(
    data: bytes, *, source: str, base_url: str | None = None,
) -> Iterator[Document | FeedEntryError]:
    """Each entry of the feed in ``data`` as a Document, or a FeedEntryError for an
    entry that cannot be read (the others are still yielded).

    ``base_url`` (the URL the feed was fetched from) resolves relative links. A feed
    that cannot be parsed or has no entries raises :class:`~unmask.errors.DocumentError`
    before anything is yielded.
    """
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    feed = _json_feed(data, source) if head[:1] == b"{" else _feedparser_feed(data, source, base_url)
    return _documents(feed, source)


def _documents(feed: _Feed, source: str) -> Iterator[Document | FeedEntryError]:
    seen: dict[str, int] = {}
    for index, entry in enumerate(feed.entries):
        if entry.key:
            # Two entries with one id (a feed bug) keep apart: the second is "<id>~2".
            seen[entry.key] = seen.get(entry.key, 0) + 1
            if seen[entry.key] > 1:
                entry = replace(entry, key=f"{entry.key}~{seen[entry.key]}")
        try:
            yield _entry_document(entry, feed, source, index)
        except FeedEntryError as exc:
            yield exc
        except NoTextError as exc:  # pragma: no cover - html_to_text does not raise it today
            yield FeedEntryError(exc.source, exc.reason)
