"""HTML pages: main text and metadata via trafilatura, full visible text as fallback.

trafilatura leaves page furniture out (navigation, "Advertisement", related-article
lists, comments) and finds the title, author, publication date, canonical URL and
site name. When it finds no main text, the page's full visible text is kept instead
and a warning says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings as warnings_module

from unmask.documents.text import clean_text, decode_text, published_in_text
from unmask.errors import NoTextError
from unmask.model import Document, Metadata
from unmask.reference.regexes import compile_cached

__all__ = ["html_to_text", "parse_html"]

_LANG = compile_cached(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)",
                   re.IGNORECASE)
_TITLE = compile_cached(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = compile_cached(r"\n{3,}")
_SPACES = compile_cached(r"[ \t\u00a0]+")

# Keep trafilatura's and htmldate's chatter about odd pages out of the user's log.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# Errors third-party HTML code may raise on hostile markup; caught at this seam.
_PARSER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, LookupError, AttributeError, AssertionError, RecursionError,
)


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
)
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "title")


def html_to_text(data: bytes | str) -> str:
    """The full visible text of an HTML page: scripts, styles and markup removed,
    one line per block element."""
    import lxml.etree
    import lxml.html

    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    encoding = "utf-8" if isinstance(data, str) else None
    text = ""
    try:
        parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=True,
                                      remove_pis=True, no_network=True)
        root = lxml.html.document_fromstring(raw, parser=parser)
    except (lxml.etree.LxmlError, *_PARSER_ERRORS):
        root = None
    if root is not None:
        try:
            for element in list(root.iter(*_INVISIBLE_TAGS)):
                if element.getparent() is not None:
                    element.drop_tree()
            for element in root.iter(*_BLOCK_TAGS):
                element.tail = "\n" + (element.tail or "")
                if element.tag in ("td", "th"):
                    element.tail = " " + (element.tail or "").lstrip("\n")
            text = _tidy(root.text_content())
        except ValueError:
            # lxml refuses to write back text holding control characters that its
            # parser let in (moving a tail when a script is dropped): strip by hand.
            text = ""
    if not text:
        # libxml2 gives up on some input (text nodes over 10 MB, absurd nesting):
        # strip the markup by hand, in one linear pass.
        text = _tidy(_strip_markup(str(data) if isinstance(data, str) else decode_text(raw)))
    return text


_INVISIBLE_START = compile_cached(r"<(script|style|noscript|template)\b", re.IGNORECASE)
_TAG = compile_cached(r"<[^<>]{0,2000}>")


def _strip_markup(text: str) -> str:
    """Markup removed without a parser: invisible blocks dropped, tags become spaces."""
    import html as html_module

    lower = text.lower()
    kept: list[str] = []
    position = 0
    for match in _INVISIBLE_START.finditer(text):
        if match.start() < position:
            continue
        kept.append(text[position:match.start()])
        end = lower.find(f"</{match.group(1).lower()}", match.end())
        if end < 0:
            position = len(text)
            break
        close = lower.find(">", end)
        position = len(text) if close < 0 else close + 1
    kept.append(text[position:])
    return html_module.unescape(_TAG.sub(" ", "".join(kept)))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in clean_text(text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _fallback_title(data: bytes) -> str | None:
    match = _TITLE.search(decode_text(data[:65536]))
    if match is None:
        return None
    import html as html_module

    title = _SPACES.sub(" ", html_module.unescape(re.sub(r"<[^>]*>", "", match.group(1)))).strip()
    return title[:500] or None


_DATE_PARAMS = {"extensive_search": False, "original_date": True}

#: Pages larger than this skip main-text extraction (too slow); their visible text is kept.
MAX_MAIN_TEXT_BYTES = 10 * 1024 * 1024


def parse_html(data: bytes, *, source: str, sha256: str) -> Document:
    """Read an HTML page into a Document (main text, title, author, date, URL, site)."""
    import trafilatura

    warnings: list[str] = []
    result = None
    if len(data) > MAX_MAIN_TEXT_BYTES:
        warnings.append(f"page over {MAX_MAIN_TEXT_BYTES // (1024 * 1024)} MB: main-text "
                        "extraction skipped, full visible text kept")
    else:
        try:
            with warnings_module.catch_warnings():
                # htmldate hands odd date strings to dateutil, which warns about time
                # zones it does not know: noise about the page, not for the user.
                warnings_module.simplefilter("ignore")
                result = trafilatura.bare_extraction(
                    data, with_metadata=True, include_comments=False, include_tables=True,
                    include_images=False, include_links=False,
                    # The page's own date (metadata, byline) only: htmldate's extensive
                    # search read "active in May 2024" in the body as published 2024-01-01.
                    date_extraction_params=_DATE_PARAMS,
                )
        except _PARSER_ERRORS as exc:
            warnings.append(f"trafilatura failed ({type(exc).__name__}); full visible text kept")

    main_text = _tidy(getattr(result, "text", None) or "") if result is not None else ""
    if not main_text:
        main_text = html_to_text(data)
        if not warnings:
            warnings.append("no main text found; full visible text kept")
    if not main_text:
        raise NoTextError(source, "HTML page has no visible text")

    extra: dict[str, str] = {}
    title = authors_raw = url = site = description = None
    published: dt.date | None = None
    language = None
    if result is not None:
        title = getattr(result, "title", None)
        authors_raw = getattr(result, "author", None)
        published = _parse_date(getattr(result, "date", None))
        url = getattr(result, "url", None)
        site = getattr(result, "sitename", None)
        description = getattr(result, "description", None)
        language = getattr(result, "language", None)
        hostname = getattr(result, "hostname", None)
        if isinstance(hostname, str) and hostname:
            extra["hostname"] = hostname
    if isinstance(description, str) and description:
        extra["description"] = description[:2000]
    if not language:
        match = _LANG.search(data[:65536])
        language = match.group(1).decode("ascii").lower() if match else None
    authors: tuple[str, ...] = ()
    if isinstance(authors_raw, str) and authors_raw.strip():
        authors = tuple(a.strip() for a in authors_raw.split(";") if a.strip())
    date_source = "html-meta" if published else None
    if published is None and (published := published_in_text(main_text)) is not None:
        date_source = "text"
    metadata = Metadata(
        title=(title if isinstance(title, str) and title else None) or _fallback_title(data),
        authors=authors,
        published=published,
        published_source=date_source,
        url=url if isinstance(url, str) and url else None,
        site_name=site if isinstance(site, str) and site else None,
        language=language if isinstance(language, str) else None,
        extra=extra,
    )
    from unmask.documents.structure import html_code_spans, parse_structure

    code = html_code_spans(data, main_text)  # <pre> blocks the text layer flattened
    structure = parse_structure(main_text, format="html", code=code) if code else None
    return Document(text=main_text, source=source, format="html", sha256=sha256,
                    size=len(data), metadata=metadata, warnings=tuple(warnings), structure=structure)
