"""Plain text, Markdown and AsciiDoc: decode with charset detection; never crash on bad bytes.

Text is kept as written, except that line ends become ``\\n`` and NUL bytes are
dropped. Markdown (``# Title``) and AsciiDoc (``= Title``) headings give the title;
AsciiDoc is read as text with ``extra["markup"] = "asciidoc"``.

A dateline near the top — a line that is only a date, such as ``January 24, 2022``,
``24 Jan 2022``, ``2022-01-24`` or ``Published: May 4, 2020`` — gives
``Metadata.published`` (relative dates in the text are resolved against it); a short
first line right above it is the title, as in blog posts saved as text. Without one,
:func:`published_in_text` reads the other ways a text dates itself: "Published 14 March
2025 by the Desk.", a byline ("By A. Writer | July 10, 2025", "Team | 12 February 2025"),
a place dateline ("TIRANA, Albania — June 7, 2024"; a wire's "WASHINGTON, March 4
(Reuters) -" takes its year from another date of the header), a date line at the foot
of an agency story, and last "Updated ..." (``Metadata.published_source`` ``"text"``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from unmask.errors import EmptyDocumentError
from unmask.model import Document, Metadata
from unmask.model.document import without_lone_surrogates
from unmask.reference.geo import geo_gazetteer
from unmask.reference.regexes import compile_cached

__all__ = ["clean_text", "decode_text", "load_json", "parse_dateline", "parse_text", "published_in_text"]

_MD_HEADING = compile_cached(r"^#{1,6}[ \t]+(\S.*?)[ \t#]*$", re.MULTILINE)
_ADOC_TITLE = compile_cached(r"^=[ \t]+(\S.*?)[ \t]*$", re.MULTILINE)
_ADOC_MARKERS = compile_cached(r"^(?::[a-z][\w-]*:|={2,6}[ \t]+\S|\[source|\|===|-{4}$|\.{4}$)",
                           re.MULTILINE)
_MD_MARKERS = compile_cached(r"^(?:#{1,6}[ \t]+\S|```|[*-][ \t]+\S.*\]\(|\|[ \t]*-{3})|\]\(https?://",
                         re.MULTILINE)
_CONTROL = compile_cached(r"[\x00\x01-\x08\x0b\x0e-\x1f\x7f]")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > half * 0.7 and even < half * 0.05:
        encoding = "utf-16-le"
    elif even > half * 0.7 and odd < half * 0.05:
        encoding = "utf-16-be"
    else:
        return None
    return data[: len(data) - len(data) % 2].decode(encoding, "replace")


#: A surrogate escape in JSON text ("\\ud800"): Python decodes a lone one into a str
#: that has no UTF-8 form.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def load_json(text: str | bytes) -> object:
    """``json.loads`` for a document's JSON, with every lone surrogate code point in its
    strings (keys too) replaced by U+FFFD: a title, a name or a value escaping one would
    pass into metadata and structured findings, and fail the store and the exports on
    that document. Text without a surrogate escape is decoded as it is (one search)."""
    value = json.loads(text)
    raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if not _SURROGATE_ESCAPE.search(raw):
        return value
    return _clean_strings(value)


def _clean_strings(value: object) -> object:
    """``value`` with surrogates replaced in every string, walked without recursion (a
    deep document must not overflow the stack here when json could read it)."""
    def clean(item: object) -> object:
        if isinstance(item, str):
            return without_lone_surrogates(item)
        if isinstance(item, dict):
            return {}
        if isinstance(item, list):
            return []
        return item

    root = clean(value)
    stack: list[tuple[object, object]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict) and isinstance(target, dict):
            for key, item in source.items():
                copy = clean(item)
                target[clean(key)] = copy
                if isinstance(copy, (dict, list)):
                    stack.append((item, copy))
        elif isinstance(source, list) and isinstance(target, list):
            for item in source:
                copy = clean(item)
                target.append(copy)
                if isinstance(copy, (dict, list)):
                    stack.append((item, copy))
    return root


def decode_text(data: bytes) -> str:
    """Decode bytes to text: BOMs and UTF-8 first, then charset-normalizer's best guess.

    Never raises: undecodable bytes become U+FFFD.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[: len(data) - len(data) % 2].decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    # Mostly UTF-8 with a few bad bytes (a truncated file, one stray Latin-1 byte):
    # keep UTF-8 rather than guessing a legacy code page for all of it.
    if _mostly_utf8(data):
        return data.decode("utf-8", "replace")
    western = _western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", "replace")


def _mostly_utf8(data: bytes) -> bool:
    """True when nearly every non-ASCII byte belongs to a valid UTF-8 sequence."""
    decoded = data.decode("utf-8", "replace")
    bad = decoded.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(decoded) - len(decoded.encode("ascii", "ignore"))
    return non_ascii > 0 and bad * 10 < non_ascii


_TYPOGRAPHY = frozenset("‘’“”–—…•€™«»°§©®·¡¿")


def _western(data: bytes) -> str | None:
    """``data`` as Windows-1252 when it reads as Latin-script text in it, else None.

    Short texts defeat statistical detectors (German ``Größe`` comes back as Greek);
    in Latin-script text the accented letters are a minority among ASCII letters and
    the other non-ASCII characters are typographic punctuation. Cyrillic or Greek
    mis-read as 1252 is almost all accented letters, so it fails the test.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = ascii_letters = other = 0
    for ch in text:
        if ch.isascii():
            ascii_letters += ch.isalpha()
        elif ch.isalpha():
            letters += 1
        elif ch not in _TYPOGRAPHY and not ch.isspace():
            other += 1
    total = letters + ascii_letters
    if total == 0 or other > (letters + 1) // 10:
        return None
    return text if letters <= 0.3 * total else None


def clean_text(text: str) -> str:
    """Normalise line ends to ``\\n`` and drop NUL and other C0 control characters.

    Unicode's own breaks count too: LINE SEPARATOR and NEXT LINE end a line,
    PARAGRAPH SEPARATOR a paragraph (the extractors read lines and paragraphs).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.translate(_UNICODE_BREAKS)
    return _CONTROL.sub("", text)


_UNICODE_BREAKS = {0x2028: "\n", 0x85: "\n", 0x2029: "\n\n"}


def _markup(text: str, lower_name: str) -> str | None:
    if lower_name.endswith((".adoc", ".asciidoc", ".asc")):
        return "asciidoc"
    if lower_name.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    head = text[:20000]
    adoc = len(_ADOC_MARKERS.findall(head))
    if _ADOC_TITLE.search(head[:2000]) and adoc >= 2:
        return "asciidoc"
    if len(_MD_MARKERS.findall(head)) >= 3:
        return "markdown"
    return None


def _title(text: str, markup: str | None) -> str | None:
    """The document title: a heading that opens the text (before any paragraph)."""
    pattern = {"markdown": _MD_HEADING, "asciidoc": _ADOC_TITLE}.get(markup or "")
    if pattern is None:
        return None
    for line in text[:5000].split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith((":", "//", "[", "<!--", "---")):
            continue  # blank, AsciiDoc attribute/comment/block attribute, front matter
        match = pattern.match(stripped)
        return match.group(1).strip()[:300] or None if match else None
    return None


_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
#: A weekday's name or its abbreviation, never another word that starts like one ("Montreal").
_WEEKDAY_NAME = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b"
_WEEKDAY = rf"(?:{_WEEKDAY_NAME}\.?,?\s+)?"
_LABEL = r"(?:(?:published|posted|date|released?)(?:\s+on)?\s*:?\s*)?"
_DATELINE = compile_cached(
    rf"^\W{{0,3}}{_LABEL}{_WEEKDAY}(?:"
    rf"{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('month', 'month2')}\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)[-/](?P<m3>\d{{1,2}})[-/](?P<d3>\d{{1,2}})"
    rf")\W{{0,3}}$",
    re.IGNORECASE,
)


def parse_dateline(line: str) -> dt.date | None:
    """The date of a line that holds only a date (``May 04, 2020``), else None."""
    match = _DATELINE.match(line.strip())
    if match is None:
        return None
    groups = match.groupdict()
    try:
        if groups["y1"]:
            return dt.date(int(groups["y1"]), _MONTHS[groups["month"].lower().rstrip(".")], int(groups["d1"]))
        if groups["y2"]:
            return dt.date(int(groups["y2"]), _MONTHS[groups["month2"].lower().rstrip(".")], int(groups["d2"]))
        return dt.date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
    except (ValueError, KeyError):
        return None


def _dateline(text: str) -> tuple[dt.date | None, str | None]:
    """(publication date, title) from a dateline among the first lines."""
    lines = [line.strip() for line in text[:3000].split("\n") if line.strip()][:8]
    for index, line in enumerate(lines):
        if line.lower().startswith("by ") and _byline_date(line) is not None:
            return None, None  # a byline's date comes first (published_in_text reads it)
        if len(line) > 60:
            continue
        date = parse_dateline(line)
        if date is None:
            continue
        title = None
        if index == 1 and len(lines[0]) <= 200 and not lines[0].endswith((".", ":")):
            title = lines[0].lstrip("#= ").strip() or None
        return date, title
    return None, None


#: A clock time after a date ("10:15", "at 9:40 a.m. EST", "5:02 pm", "16:20 UTC").
#: A named time zone may follow: "CET/CEST", "Beijing time", "local time"; a "/" may stand
#: between the date and the time ("11.06.2024 / 07:30").
_TIME = (
    r"(?:(?:,?\s+(?:at\s+)?|\s+/\s+)[0-2]?\d[:.][0-5]\d(?::[0-5]\d)?(?:\s*[ap]\.?\s?m\b\.?)?"
    r"(?:,?\s+(?:(?-i:[A-Z]{2,5})(?:/(?-i:[A-Z]{2,5}))?\b|\((?-i:[A-Z]{2,5})\)|(?:local|(?-i:[A-Z][a-z]+))\s+time\b))?)?"
)
_FULL_DATE = (
    rf"(?:{_WEEKDAY_NAME}\.?,?\s+)?(?:"
    rf"{_MONTH.replace('month', 'fm1')}\s+(?P<fd1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<fy1>(?:19|20)\d\d)"
    # "4 November 2024", "the 17th of November 2016"
    rf"|(?:the\s+)?(?P<fd2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.replace('month', 'fm2')},?\s+(?P<fy2>(?:19|20)\d\d)"
    rf"|(?P<fy3>(?:19|20)\d\d)-(?P<fm3>[01]?\d)-(?P<fd3>[0-3]?\d)"
    rf"(?:T[0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?"
    # Day or month first, separated by "/", "." or "-": "18/06/2025", "27.05.2025", "27-05-2025".
    rf"|(?P<fa4>[0-3]?\d)(?P<fs4>[/.-])(?P<fb4>[0-3]?\d)(?P=fs4)(?P<fy4>(?:19|20)\d\d)"
    rf"){_TIME}(?![\w/-])"
)
_DATE_IN_LINE = compile_cached(rf"(?<![\w/-]){_FULL_DATE}", re.IGNORECASE)
#: "Published 14 March 2025 by ...", "Posted on November 15, 2024", "Report date: 2 Oct 2024".
_LABELLED = compile_cached(
    rf"\b(?P<label>published|posted|released|first\s+published|publication\s+date|report\s+date|release\s+date|issue\s+date|"
    # "Date of notice: ...", "Date of this letter" (the document's own kind; never "date of birth")
    rf"date\s+of\s+(?:this\s+)?(?:publication|issue|release|notice|letter|statement|bulletin|report|announcement|circular)|"
    rf"dated|issued\s+on|date|sent|filed|issued(?=\s*:)|(?<![^|·•\s])(?<![\w,(]\s)issued|"
    # a digest's or summary's making: "summary compiled 17 Apr 2026", "Prepared 3 May 2025"
    # ("compiled" only after a document noun: a sample's "Compiled: 2024-05-03 10:22:11" and
    # "the DLL was compiled on ..." are its build time)
    rf"(?<=summary\s)compiled|(?<=digest\s)compiled|(?<=report\s)compiled|(?<=list\s)compiled|(?<=roundup\s)compiled|"
    rf"(?<=summary\swas\s)compiled|(?<=report\swas\s)compiled|(?<=digest\swas\s)compiled|prepared|"
    rf"aired|broadcast|tabled|presented\s+to\s+parliament|"
    rf"(?:last\s+)?updated|last\s+(?:update|modified|revised|edited)|(?:this\s+page\s+was\s+)?last\s+edited|answered)(?:\s+by\s+[^|·•\n:;]{{1,60}}?)?"
    # where it was put out: "Published on the agency's website 3 May 2025", "Posted to our blog on ..."
    rf"(?:\s+(?:on|in|at|to|via)\s+(?:the\s+|our\s+|its\s+|their\s+)?(?:[\w.'’&-]+\s+){{0,3}}?(?:website|web\s?site|site|page|portal|blog|newsroom|intranet))?"
    rf"(?:\s+(?:on|at))?\s*:?\s*{_FULL_DATE}",
    re.IGNORECASE,
)
#: The date a record shows its state at, opening a header line: "Docket as of 09/30/2024
#: 08:15 AM CDT", "Data as of 3 March 2025" (a court docket's or a register's own date, which
#: comes before the date a case was filed).
_AS_OF_LINE = compile_cached(rf"^(?-i:[A-Z])[\w-]*(?:\s+[\w-]+)?\s+as\s+(?:of|at)\s*:?\s*{_FULL_DATE}", re.IGNORECASE)
#: Where a label may start in a long header line: at its start, after a sentence or
#: clause ("... about the night the gates went down. Conducted by phone; published 8 May 2025."),
#: or after the link to the piece a companion text goes with ("the files of the report
#: [Its title](address) published 3 May 2025").
_LABEL_START = compile_cached(r"(?:^|[.;|]\s*|\]\([^()\s]{1,300}\)\s*)$")
#: A wire story's dateline without a year: "WASHINGTON, March 4 (Reuters) -", "THE HAGUE, Oct. 22 —".
_WIRE_DATELINE = compile_cached(
    rf"^(?:[A-Z][A-Z.'’ -]{{1,40}})(?:,\s*[A-Z][\w.' -]{{1,30}})?,\s+{_MONTH}\s+(?P<day>\d{{1,2}})\b"
    rf"(?:\s*\([^)]{{1,40}}\))?\s*[-—–]",
    re.IGNORECASE,
)
#: What may stand between a byline's or place dateline's words and its date.
_SEPARATOR = "|—–·•,-"
#: Lines that are never a document's own date: captions, related-story lists.
_NOT_OWN_DATE = compile_cached(
    r"^(?:[-*•]\s|(?:related|see\s+also|read\s+more|more\s+on|photo|image|picture|caption|file|credit)\b)",
    re.IGNORECASE,
)


def _full_date(groups: dict[str, str | None], day_first: bool | None = None) -> dt.date | None:
    """The date of a ``_FULL_DATE`` match. A numeric date with both parts 12 or less is
    day-first when written with "." or "-" (the European forms); with "/" it follows
    ``day_first`` (the text's own habit, see :func:`_day_first`), None when that is unknown."""
    try:
        if groups.get("fy1"):
            return dt.date(int(groups["fy1"] or 0), _MONTHS[(groups["fm1"] or "").lower().rstrip(".")], int(groups["fd1"] or 0))
        if groups.get("fy2"):
            return dt.date(int(groups["fy2"] or 0), _MONTHS[(groups["fm2"] or "").lower().rstrip(".")], int(groups["fd2"] or 0))
        if groups.get("fy3"):
            return dt.date(int(groups["fy3"] or 0), int(groups["fm3"] or 0), int(groups["fd3"] or 0))
        if groups.get("fy4"):
            first, second, year = int(groups["fa4"] or 0), int(groups["fb4"] or 0), int(groups["fy4"] or 0)
            if first > 12 or second > 12:
                return dt.date(year, second, first) if first > 12 else dt.date(year, first, second)
            if groups.get("fs4") != "/":
                return dt.date(year, second, first)
            if day_first is None:
                return None
            return dt.date(year, second, first) if day_first else dt.date(year, first, second)
    except (ValueError, KeyError):
        return None
    return None


_WORD_DAY_FIRST = compile_cached(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b", re.IGNORECASE)
_WORD_MONTH_FIRST = compile_cached(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.IGNORECASE)
_NUMERIC_UNAMBIGUOUS = compile_cached(r"(?<![\w/])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?:19|20)\d\d\b")


_NUMERIC_ANY = compile_cached(r"\b[0-3]?\d/[0-3]?\d/(?:19|20)\d\d\b")


def _day_first(text: str) -> bool | None:
    """Whether the text writes its dates day first (the site's locale): from its numeric
    dates with a part over 12, else from its worded dates ("2 June" against "June 2");
    None when it gives no sign."""
    votes = 0
    for match in _NUMERIC_UNAMBIGUOUS.finditer(text[:20000]):
        first, second = int(match.group("a")), int(match.group("b"))
        votes += 3 if first > 12 >= second else -3 if second > 12 >= first else 0
    votes += len(_WORD_DAY_FIRST.findall(text[:20000])) - len(_WORD_MONTH_FIRST.findall(text[:20000]))
    return None if votes == 0 else votes > 0


def _byline_date(line: str, day_first: bool | None = None) -> dt.date | None:
    """The date of a short byline or place-dateline line ("By A | July 10, 2025",
    "Canberra, 14 August 2025 —", "May 3, 2024 · 4 min read", "By the Desk | Nov. 4, 2024 |
    6 min read", "Wire · Feb. 12, 2023 9:17 am"): a full date (with its time, if any) set off
    from the line's words by a separator or the line's ends on both sides, never inside a phrase."""
    if len(line) > 100 or _NOT_OWN_DATE.match(line):
        return None
    for match in _DATE_IN_LINE.finditer(line):
        before = line[: match.start()].rstrip()
        after = line[match.end() :].strip()
        after_ok = not after.strip(_SEPARATOR + " .") or after[0] in _SEPARATOR
        before_ok = not before.strip(_SEPARATOR + " ") or before[-1] in _SEPARATOR
        if before_ok and after_ok:
            return _full_date(match.groupdict(), day_first)
    return None


#: A full date that a wire's "--" may follow at once ("LONDON--(BUSINESS WIRE)--March 3, 2025--").
_WIRE_DATE = _FULL_DATE.replace(r"(?![\w/-])", r"(?![\w/])")
#: A place dateline opening a story's first paragraph: "SEOUL, Feb. 3, 2024 — Korea's ...".
_PLACE_DATELINE = compile_cached(
    rf"^(?:(?-i:[A-Z][A-Z.'’ -]{{1,40}}?)|(?-i:[A-Z][a-zà-ÿ.'’-]+)(?:\s(?:am|an|der|del|de|la|le|sur|upon|on)?\s?(?-i:[A-Z][a-zà-ÿ.'’-]+)){{0,2}})"
    rf"(?:,\s*(?-i:[A-Z])[\w.']{{1,30}}(?:\s(?-i:[A-Z])[\w.']{{1,20}})?)?"
    # ", " or a wire's " -- " (with its "(BUSINESS WIRE) --") between the place and the date
    rf"(?:,\s+|\s*(?:-{{1,3}}|[—–])\s*(?:\([^)]{{1,40}}\)\s*(?:-{{1,3}}|[—–])\s*)?){_WIRE_DATE}\s*(?:\([^)]{{1,40}}\)\s*|/[^/\n]{{1,40}}/\s*)?[-—–]",
    re.IGNORECASE,
)


def published_in_text(text: str) -> dt.date | None:
    """The date a text gives itself, or None.

    In order of trust: a "Published / Posted / Sent / Filed / Report date" label among the
    first lines; a line that is only a date; a place dateline opening the story ("TOKYO,
    Jan. 8, 2025 —"); a byline, header or place-dateline line holding one full date set off
    by separators ("News item | 14-09-2024 | ...", "Desk | 2024-10-02T08:05:00Z"); a wire
    dateline without a year ("WASHINGTON, March 4 (Reuters) -", its year from the latest
    full date of the header on or after it); a byline, date line or labelled date among the
    last three lines (an agency story's foot, "Filed 14.09.2024 11:05"); an "Updated ..."
    label. Captions and related-story lists are not the document's date. Dates are ISO
    (with a timestamp), worded ("Nov. 4, 2024", "4 November 2024", with a time) or
    numeric day/month/year; a numeric date both of whose parts could be the month follows
    the text's other dates (:func:`_day_first`).
    """
    day_first = _day_first(text) if _NUMERIC_ANY.search(text[:3000]) or _NUMERIC_ANY.search(text[-1500:]) else None
    head = [line.strip() for line in text[:3000].split("\n") if line.strip()][:12]
    tail = [line.strip() for line in text[-1500:].split("\n") if line.strip()][-3:]
    if day_first is None and _NUMERIC_ANY.search(text[:3000]):
        day_first = _place_day_first(head)
    agreed = _agreeing_day_first(head)
    if agreed is not None:
        day_first = agreed
    labelled: dict[bool, dt.date] = {}
    in_prose: dt.date | None = None
    answered: dt.date | None = None
    for line in head:
        if (as_of := _AS_OF_LINE.match(line)) is not None and (day := _full_date(as_of.groupdict(), day_first)):
            return day
    for line in head:
        # A note in brackets ("(Courtesy translation, posted on 6 November 2024.)") dates something else.
        # A capture note ("[Copied from a forum on 2 May 2025; item dated 30 April 2025]") dates the
        # copy, but the item's own labelled date in it is the item's.
        if len(line) > 400 or _NOT_OWN_DATE.match(line) or (line.startswith(("(", "[")) and not _CAPTURE_NOTE.match(line)):
            continue
        for match in _LABELLED.finditer(line):
            if len(line) > 160 and not _LABEL_START.search(line, 0, match.start()):
                continue
            day = _full_date(match.groupdict(), day_first)
            label = match.group("label").lower()
            updated = _REVISION_LABEL.search(label) is not None
            if day is not None and not updated and _PASSIVE_BEFORE.search(line, 0, match.start()):
                # prose about something else ("The regulator's notice went out on 4 June
                # 2026."): below the header's own bylines and datelines
                in_prose = in_prose or day
                continue
            if day is not None and label.startswith("answered"):
                answered = answered or day
            if day is not None and updated not in labelled:
                labelled[updated] = day
    # A written answer is published on its answer's date, not the question's ("tabled on ...").
    if answered is not None:
        return answered
    if False in labelled:
        return labelled[False]
    for line in head:
        # A date-only line, or a byline's date before it ("By A | 14 June 2025" above a
        # timeline whose headings are dates): the first of them in the header.
        if len(line) <= 60 and (day := parse_dateline(line)) is not None:
            return day
        if len(line) <= 60 and (only := _DATE_ONLY_LINE.match(line)) is not None and (day := _full_date(only.groupdict(), day_first)):
            return day
        if line.lower().startswith("by ") and (day := _byline_date(line, day_first)) is not None:
            return day
        if (day := _era_date(line)) is not None:
            return day
    for line in head[:4]:
        if (place := _PLACE_DATELINE.match(line)) is not None and (day := _full_date(place.groupdict(), day_first)):
            return day
    for line in head:
        if (day := _byline_date(line, day_first)) is not None:
            return day
    if in_prose is not None:
        return in_prose
    header_dates = [d for line in head if not _NOT_OWN_DATE.match(line)
                    for m in _DATE_IN_LINE.finditer(line[:160]) if (d := _full_date(m.groupdict(), day_first))]
    if not header_dates:
        # no full date in the header: the publisher's copyright year at the foot bounds it
        # (the story is from that year; a dateline later in the year than the anchor is the year before)
        header_dates = [dt.date(int(year), 12, 31) for line in tail for year in _COPYRIGHT_YEAR.findall(line)][-1:]
    for line in head:
        wire = _WIRE_DATELINE.match(line)
        if wire is None or not header_dates:
            continue
        month = _MONTHS[wire.group("month").lower().rstrip(".")]
        anchor = max(header_dates)
        for year in (anchor.year, anchor.year - 1):
            try:
                day = dt.date(year, month, int(wire.group("day")))
            except ValueError:
                break
            if day <= anchor:
                return day
    for line in reversed(tail):
        if (len(line) <= 60 and (day := parse_dateline(line)) is not None) or (
            line.lower().startswith("by ") and (day := _byline_date(line, day_first)) is not None
        ):
            return day
        if len(line) <= 60 and not _NOT_OWN_DATE.match(line):
            for match in _LABELLED.finditer(line):
                label = match.group("label").lower()
                if not _REVISION_LABEL.search(label) and (day := _full_date(match.groupdict(), day_first)):
                    return day
    if True in labelled:
        return labelled[True]
    # A "last update 19.02.2024" foot when nothing else dates the text: the page's latest
    # version is the nearest date the text gives itself.
    for line in reversed(tail):
        if len(line) <= 80 and not _NOT_OWN_DATE.match(line):
            for match in _LABELLED.finditer(line):
                if _REVISION_LABEL.search(match.group("label")) and (day := _full_date(match.groupdict(), day_first)):
                    return day
    return None


#: A note saying where and when a copy was made: "[Copied from a forum on 2 May 2025; ...]".
_CAPTURE_NOTE = compile_cached(
    r"^[(\[]\s*(?:saved|captured|archived|retrieved|accessed|downloaded|clipped|copied|screenshot(?:\s+taken)?)\b",
    re.IGNORECASE,
)
#: A passive verb right before a label: the sentence dates something it talks about.
_PASSIVE_BEFORE = compile_cached(r"\b(?:was|were|is|are|been|being)\s+$", re.IGNORECASE)
#: A worded day in a header, with or without its year: "Oct 8", "8 October", "June 10, 2026".
_WORDED_DAY = compile_cached(
    rf"\b(?:{_MONTH.replace('month', 'wm1')}\s+(?P<wd1>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[:./-]?\d)"
    rf"|(?P<wd2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.replace('month', 'wm2')}(?![a-z]))",
    re.IGNORECASE,
)
_NUMERIC_AMBIGUOUS = compile_cached(r"(?<![\w/])(?P<a>0?[1-9]|1[0-2])/(?P<b>0?[1-9]|1[0-2])/(?:19|20)\d\d\b")


def _agreeing_day_first(head: Sequence[str]) -> bool | None:
    """Whether the header's ambiguous numeric dates ("Filed 08/10/2026") are day first, from
    the other dates of the same header: the reading whose day and month a worded date of the
    header repeats ("ATHENS, Oct 8 (Wire) -") is the one meant. None when no worded date
    settles it (or they disagree)."""
    worded: set[tuple[int, int]] = set()
    numeric: list[tuple[int, int]] = []
    for line in head:
        for match in _WORDED_DAY.finditer(line[:300]):
            month = match.group("wm1") or match.group("wm2") or ""
            day = match.group("wd1") or match.group("wd2") or "0"
            worded.add((_MONTHS[month.lower().rstrip(".")], int(day)))
        numeric.extend((int(m.group("a")), int(m.group("b"))) for m in _NUMERIC_AMBIGUOUS.finditer(line[:300]))
    votes = set()
    for first, second in numeric:
        if first == second:
            continue
        day_first, month_first = (second, first) in worded, (first, second) in worded
        if day_first != month_first:
            votes.add(day_first)
    return votes.pop() if len(votes) == 1 else None


_REVISION_LABEL = compile_cached(r"updated|update|modified|revised|edited", re.IGNORECASE)
#: A line that is only a full date, in brackets or not: "(22.7.2026)", "[2025-03-04]", "04.03.2025".
_DATE_ONLY_LINE = compile_cached(rf"^[(\[]?\s*{_FULL_DATE}\s*[)\]]?\.?$", re.IGNORECASE)
#: A publisher's copyright line: "(c) 2026 NewsWire", "© 2025 The Desk", "Copyright 2024 ...".
_COPYRIGHT_YEAR = compile_cached(r"(?:\(c\)|©|\bcopyright)\s*((?:19|20)\d\d)\b", re.IGNORECASE)
#: A place dateline before a numeric date: "Lisbon, 04/03/2025" (the place says how the date is written).
_PLACE_BEFORE_NUMERIC = compile_cached(r"^(?P<place>(?-i:[A-Z])[\w.'’ -]{1,40}?),\s+[0-3]?\d/[0-3]?\d/(?:19|20)\d\d\b")
#: Countries that write numeric dates month first (the United States and the places that follow its usage).
_MONTH_FIRST_COUNTRIES = frozenset(("US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "MP"))


def _place_day_first(head: Sequence[str]) -> bool | None:
    """Whether a header's place dateline ("Lisbon, 04/03/2025") is in a country that writes
    its numeric dates day first: the place's country by the gazetteer; None when no header
    line opens with a known place before a numeric date."""
    for line in head[:6]:
        match = _PLACE_BEFORE_NUMERIC.match(line)
        if match is None:
            continue
        names = geo_gazetteer().names
        place = match.group("place").strip()
        for surface in (place, place.title(), place.split(",")[0].strip()):
            codes = {name.code for name in names.get(surface, ()) if len(name.code) == 2}
            if len(codes) == 1:
                return codes.pop() not in _MONTH_FIRST_COUNTRIES
    return None
#: A Japanese era year: "Reiwa 6 (2024), March 22", "January 10, Reiwa 7", "Heisei 31".
_ERA_YEARS = {"reiwa": 2018, "heisei": 1988, "showa": 1925}
_ERA_DATE = compile_cached(
    rf"^\W{{0,3}}(?:(?P<era>reiwa|heisei|showa)\s+(?P<n>\d{{1,2}})(?:\s*\((?:19|20)\d\d\))?,?\s+{_MONTH}\s+(?P<d>\d{{1,2}})"
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<d2>\d{{1,2}}),?\s+(?P<era2>reiwa|heisei|showa)\s+(?P<n2>\d{{1,2}}))\W{{0,3}}$",
    re.IGNORECASE,
)


def _era_date(line: str) -> dt.date | None:
    """The date of a line that holds only a date in a Japanese era year ("Reiwa 6 (2024), March 22")."""
    match = _ERA_DATE.match(line) if len(line) <= 60 else None
    if match is None:
        return None
    groups = match.groupdict()
    era, number = (groups["era"], groups["n"]) if groups["era"] else (groups["era2"], groups["n2"])
    month = groups["month"] or groups["month2"] or ""
    try:
        return dt.date(_ERA_YEARS[era.lower()] + int(number), _MONTHS[month.lower().rstrip(".")], int(groups["d"] or groups["d2"] or 0))
    except (ValueError, KeyError):
        return None


def parse_text(data: bytes, *, source: str, sha256: str) -> Document:
    """Read text, Markdown or AsciiDoc bytes into a Document."""
    text = clean_text(decode_text(data))
    if not text.strip():
        # Only NULs or other control characters (dropped by clean_text): nothing to read.
        raise EmptyDocumentError(source, "has no text (only control characters)")
    markup = _markup(text, source.lower())
    extra = {"markup": markup} if markup == "asciidoc" else {}
    fmt = "markdown" if markup == "markdown" else "text"
    published, first_line_title = _dateline(text)
    if published is None:
        published = published_in_text(text)
    metadata = Metadata(title=_title(text, markup) or first_line_title, published=published,
                        extra=extra, published_source="text" if published else None)
    return Document(text=text, source=source, format=fmt, sha256=sha256, size=len(data),
                    metadata=metadata)
