"""Dated events: sanctions, indictments, advisories, reports, campaigns, first and
last activity, takedowns, arrests.

An event is a prose sentence that holds a date and a trigger word for its kind.
Dates are found by :func:`find_dates` in every common English form ("Aug. 30,
2010", "30 August 2010", "2010-08-30", "March 2023", "in June", "Thursday",
"last year", "since at least 2012", "early 2021") and cut to their precision
(``day``, ``month``, ``year``, or ``approximate`` for "early 2021", "last week").
Partial and relative dates are completed from the publication date
(:attr:`ExtractContext.published`) and marked ``resolved``; without one they are
left out. Page furniture (photo captions, bylines, "Related" lists) and headings
hold no events.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from unmask.extract.targets import ActorIndex, Passage, first_person_victim_at, passages
from unmask.model import ActorMention, Event, ExtractContext, Span, TargetMention
from unmask.reference.phrase_index import SpanSet
from unmask.reference.regexes import compile_cached

__all__ = ["CandidateLog", "DateMention", "EventCandidate", "event_candidates", "extract_events", "find_dates"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = (
    r"(?P<{name}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ABBREVIATED = frozenset(("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"))
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_YEAR = r"(?P<{name}>(?:19[7-9]\d|20[0-4]\d))"
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"
_QUAL = r"(?:(?P<qual>(?i:early|mid|late|q[1-4]|h[12]|the\s+(?:first|second|third|fourth|last)\s+quarter\s+of|the\s+(?:end|beginning|start|middle|first\s+half|second\s+half)\s+of|the\s+(?:spring|summer|fall|autumn|winter)\s+of|(?:spring|summer|fall|autumn|winter)(?:\s+of)?))[\s-]+)?"

# "2000 records", "1990 hosts": a number of things, not a year.
_NOT_COUNTED = (
    r"(?!\s+(?:[a-z]+\s+)?(?:records|hosts|users|victims|devices|accounts|files|computers|machines|servers|"
    r"people|individuals|companies|organi[sz]ations|dollars|employees|emails|messages|domains|samples|"
    r"credentials|customers|systems|endpoints|IPs|addresses|times|bitcoins?|BTC|ETH)\b)"
)
_RANGE_JOIN = r"\s*(?:[-–—]|to|and|until|through|till)\s*"
#: A day number joined to another (a quick screen for the range patterns).
_RANGE_HINT = compile_cached(r"\d(?:st|nd|rd|th)?\s*(?:[-–—]|to\s|and\s|until\s|through\s|till\s)\s*[0-3]?\d")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Day ranges, first so that their parts are not read on their own: "10-14 March 2025",
    # "between 3 and 9 May", "March 10-14, 2025" give a start and an end date.
    ("range_dm", compile_cached(r"\b(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?" + _RANGE_JOIN + _DAY.format(name="d") + r"\s+(?:of\s+)?"
                                + _MONTH.format(name="m") + r"(?:,?\s+" + _YEAR.format(name="y") + r")?(?![\w-])")),
    ("range_md", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?" + _RANGE_JOIN
                                + _DAY.format(name="d") + r"(?:,?\s+" + _YEAR.format(name="y") + r")?(?![\w-])")),
    # Numeric dates: "04.03.2025" (day first), "04/22/2025" (month or day first: see
    # :func:`numeric_day_first`).
    ("numeric", compile_cached(r"(?<![\w/.:-])(?P<a>[0-3]?\d)(?P<s>[/.])(?P<b>[0-3]?\d)(?P=s)" + _YEAR.format(name="y") + r"(?![\w/]|\.\d)")),
    # A day and month with "/" and no year after "on" ("came back on 8/12"), read by the
    # text's habit (:func:`numeric_day_first`), its year from the publication date.
    ("numeric_dm", compile_cached(r"(?<=\bon\s)(?P<a>[01]?\d)/(?P<b>[0-3]?\d)(?![\w/]|[.,]\d|\s+of\b)")),
    # ISO dates, and year-first ones with "/" or "." ("2025/03/04", "2025.03.04").
    ("iso", compile_cached(r"\b(?P<y>(?:19|20)\d\d)(?:-(?P<m>[01]\d)-(?P<d>[0-3]\d)|/(?P<m2>[01]?\d)/(?P<d2>[0-3]?\d)|"
                           r"\.(?P<m3>[01]\d)\.(?P<d3>[0-3]\d))\b(?![/.]\d)")),
    ("mdy", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r",?\s+" + _YEAR.format(name="y") + r"\b")),
    # "30 August 2010", and without its year ("the 3rd of July", "On 10 December") after a
    # word that sets a date (:data:`_DAY_MONTH_BEFORE`), its year from the publication date.
    ("dmy", compile_cached(r"\b" + _DAY.format(name="d") + r"\s+(?:of\s+)?" + _MONTH.format(name="m")
                           + r"(?:,?\s+" + _YEAR.format(name="y") + r"\b|(?![\w-])(?!\s+[0-3]?\d\b))")),
    # An ISO week: "week 41 of 2024", "calendar week 7, 2025", "week 12/2025", "2025-W07" (its Monday, approximate).
    ("iso_week", compile_cached(
        r"\b(?:(?:calendar\s+|ISO\s+)?week\s+(?P<w>[1-5]?\d)(?:\s+of\s+|,\s*|/|\s+)(?P<y>(?:19|20)\d\d)|(?P<y2>(?:19|20)\d\d)-?W(?P<w2>[0-5]\d))\b",
        re.I)),
    ("my", compile_cached(r"\b" + _QUAL + _MONTH.format(name="m") + r",?\s+(?:of\s+)?" + _YEAR.format(name="y") + r"\b")),
    ("md", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r"\b(?!,?\s+(?:19|20)\d\d)(?!\s*(?:%|percent|\d))")),
    ("m", compile_cached(r"\b(?P<pre>(?i:in|since|during|until|by|last|this|earlier\s+this|early|mid|late|from|through|into|between|and|to|"
                         r"the\s+(?:first|second|third|last|final|opening|closing)\s+(?:week|weeks|days|half|fortnight)\s+of|"
                         r"the\s+(?:beginning|start|end|middle)\s+of|of))[\s-]+" + _MONTH.format(name="m") + r"(?![\w-])(?!\s+[0-3]?\d\b)(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")),
    ("y", compile_cached(r"(?<![$€£#])\b" + _QUAL + _YEAR.format(name="y") + r"(?!\w|-(?!present\b)|['’]s\b|\s*(?:%|percent))" + _NOT_COUNTED)),
    # A month named before what it dates: "in a February report", "the May intrusion".
    ("month_noun", compile_cached(
        r"\b" + _MONTH.format(name="m")
        + r"(?=\s+(?:[\w-]+\s+){0,2}?(?i:reports?|advisory|alert|bulletin|analysis|post|blog|paper|study|update|campaign|"
        r"(?:cyber-?)?attacks?|breach|intrusion|wave|operation|indictment|sanctions?|takedown|raid|arrests?)\b)")),
    # How long an activity has gone on: "for at least five years" (its start, approximate).
    ("for_years", compile_cached(
        r"\bfor\s+(?:at\s+least|more\s+than|over|nearly|almost|the\s+(?:past|last))\s+"
        r"(?:(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years|a\s+year)\b", re.I)),
    # A day of the month alone: "was seen on the 9th" (in the publication's month, or the one before).
    ("ordinal_day", compile_cached(
        # (a day, not "the 3rd floor", "the 2nd attempt": only punctuation or a clause word after it)
        r"\b(?:on|since|by|until|(?:morning|afternoon|evening|night|early\s+hours)\s+of)\s+the\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)\b"
        r"(?=\s*(?:[,.;:)]|$)|\s+(?:in|at|and|or|when|after|before|by|with|from|but|as|while)\b)")),
    ("weekday", compile_cached(r"\b(?:(?P<pre>(?i:last|this|on|earlier\s+on))\s+)?(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", compile_cached(
        r"\b(?P<rel>yesterday|(?:earlier|later)\s+today|this\s+(?:morning|afternoon|evening)|tonight|today|last\s+(?:week|month|year)|this\s+(?:week|month|year)|"
        r"earlier\s+this\s+(?:week|month|year)|earlier\s+in\s+the\s+year|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|several|\d{1,2})\s+"
        r"(?:years?|months?|weeks?|days?|fortnights?)\s+ago(?:\s+this\s+(?:week|month))?|"
        r"(?:last|this\s+past|this)\s+(?:spring|summer|autumn|fall|winter)|"
        # a season or a quarter of no year named: the latest one begun by the publication
        r"(?:during|in|over|through)\s+the\s+(?:spring|summer|autumn|fall|winter|(?:first|second|third|fourth)\s+quarter)"
        r"(?!\s+(?:of|months?)\b)(?![\w-]))\b",
        re.IGNORECASE)),
)
#: A document or an act named by the day it was made: "the Government's statement of 24
#: February", "a national CERT's advisory of 30 June", "the Council's decision of 20 May".
_DATED_ACT_OF = (
    r"\b(?:statements?|advisor(?:y|ies)|alerts?|bulletins?|notices?|notifications?|letters?|decisions?|rulings?|"
    r"judg(?:e)?ments?|orders?|announcements?|press\s+releases?|releases?|reports?|resolutions?|regulations?|"
    r"declarations?|warnings?|guidance|circulars?|directives?|decrees?)\s+of\s+(?:the\s+)?$"
)
_DAY_MONTH_BEFORE = compile_cached(
    r"\b(?:on|by|since|until|from|before|after|and|the)\s+(?:the\s+)?$"
    # a list item opened by its day: "- 11 August: the last beacon"
    r"|^\s*[-*•–]\s*(?:(?i:the\s+)?(?i:week|night|weekend)\s+of\s+)?$"
    # "the cyberattack of 3 May": the incident's own date
    r"|\b(?:(?:cyber-?)?attacks?|breach|intrusion|incident|hack|outage|raid|operation)\s+of\s+(?:the\s+)?$"
    # "on the night of 3 June", "in the early hours of 4 May"
    r"|\b(?:night|morning|evening|afternoon|early\s+hours|weekend|week)\s+of\s+(?:the\s+)?$"
    # a document or act named by its day: "the statement of 24 February", "its advisory of 30 June"
    rf"|{_DATED_ACT_OF}"
    # "on Friday 30 May": a weekday before the day it is
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?$", re.I
)
#: "May" is a month with a day only after these ("on 3 May", "the attack of 3 May", "Friday 30 May").
_MAY_DAY_BEFORE = compile_cached(
    r"\b(?:on|by|since|until|from)\s+(?:the\s+)?$|\b(?:night|morning|evening|afternoon|early\s+hours|weekend)\s+of\s+(?:the\s+)?$|\b(?:(?:cyber-?)?attacks?|breach|intrusion|incident|hack|outage|raid|operation)\s+of\s+(?:the\s+)?$"
    rf"|{_DATED_ACT_OF}"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?$", re.I
)
#: A weekday followed by the date it names ("Friday 30 May", "Tuesday, 3 June 2025",
#: "Monday, June 2"): the date says the day, the weekday is not resolved on its own.
_DATE_AFTER_WEEKDAY = compile_cached(
    r",?\s+(?:the\s+)?(?:[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+[0-3]?\d\b)"
)
_ORDINAL_HINT = compile_cached(r"\bthe\s+[0-3]?\d(?:st|nd|rd|th)\b")
_HABITUAL_BEFORE = compile_cached(r"\b(?:every|each)\s+$", re.I)
#: A year said after a month or a day without one: "in October last year", "on 3 May this year".
_YEAR_AFTER = compile_cached(r",?\s+(?P<which>last|this)\s+year\b", re.I)
_ARTICLE_BEFORE = compile_cached(r"\b(?:a|an|its|their|the|his|her|our)\s+$", re.I)
_PAST_STATE = compile_cached(r"\b(?:was|were)\b")
_ANY_MONTH = compile_cached(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_RELATIVE_WORDS = ("yesterday", "today", "last", "this", "ago", "tonight", "earlier",  # "this past autumn" holds "this"
                   "spring", "summer", "autumn", "fall", "winter", "quarter")
#: One scan for any of :data:`_RELATIVE_WORDS` (a sentence without one holds no relative date).
_RELATIVE_HINT = compile_cached("|".join(_RELATIVE_WORDS))
#: A year said as a guess: "c. 2009", "circa 2014" ("since at least 2012" stays a year: the
#: seed's annotation reads it so).
_HEDGED_YEAR_BEFORE = compile_cached(r"(?:(?<![\w.])c(?:a)?\.|\bcirca)\s*$", re.I)
#: What joins a range's start to its end ("November through December 2023").
_RANGE_TO = compile_cached(r"\s*(?:[-–—]|to|until|through|till|and)\s*", re.I)
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12}
#: Days named by a holiday ("on Christmas Eve"): (month, day), resolved like "March 9".
_HOLIDAYS = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "boxing day": (12, 26),
             "new year's eve": (12, 31), "new year's day": (1, 1), "halloween": (10, 31)}
_HOLIDAY = compile_cached(r"\b(?:on|over|at)\s+(?P<h>Christmas(?:\s+(?:Eve|Day))?|Boxing\s+Day|New\s+Year['’]s\s+(?:Eve|Day)|Halloween)\b")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in a sentence: offsets local to the text searched, ISO ``date`` cut to ``precision``."""

    start: int
    end: int
    date: str
    precision: str
    resolved: bool
    surface: str


def _season_year(phrase: str, published: dt.date) -> int:
    """The year of the season a phrase names: "last autumn" the latest one over by the
    publication, "this past spring" the latest one begun by it, "this summer" the one of
    the publication's year (a later one is in the future and dated so)."""
    first_month = _SEASON_START[phrase.split()[-1]]
    now = published.year * 12 + published.month - 1
    if phrase.startswith("last"):
        year = published.year
        while year * 12 + first_month - 1 + 3 > now:
            year -= 1
        return year
    if phrase.startswith("this past") or (first_month == 12 and published.month <= 2):
        year = published.year
        while year * 12 + first_month - 1 > now:
            year -= 1
        return year
    return published.year


def _month_before(published: dt.date, month: int) -> tuple[int, int]:
    year = published.year if month <= published.month else published.year - 1
    return year, month


def _day_before(published: dt.date, month: int, day: int) -> dt.date | None:
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate <= published:
            return candidate
    return None


def _day_in_year(published: dt.date, which: str, month: int, day: int) -> dt.date | None:
    """The day of a month "last year" or "this year" says, counted from the publication."""
    try:
        return dt.date(published.year - (which.lower() == "last"), month, day)
    except ValueError:
        return None


#: A parenthesised group of author-year citations: "(Tkacik 2007)", "(Appel 2004; Cooper
#: 2006)", "(Annual Report to Congress 2007; see also Wortzel 2007)". Each part starts
#: with a capital (or "see also") and ends with its year.
#: A group cut off by the end of the passage ("(Appel 2004; Cooper 2006;" at a PDF line
#: break) is one too.
_CITATION_GROUP = compile_cached(
    r"\((?:\s*(?:see\s+also\s+|cf\.\s+)?[A-Z][^();]{0,120}?,?\s+(?:19|20)\d\d[a-z]?\s*(?:;|(?=\))|(?=\s*\Z)))+(?:\)|\s*\Z)"
)
#: A link: a date in it ("/2022-2023.", "/2010/06/") is part of an address.
_URL = compile_cached(r"\b(?:https?|hxxps?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)


def numeric_day_first(text: str) -> bool | None:
    """Whether the text writes ``/`` dates day first: from its dates with a part over 12
    ("04/22/2025" month first, "22/04/2025" day first); None when none says."""
    votes = 0
    if "/" in text:
        for match in _NUMERIC_SLASH.finditer(text):
            # the first part, read back from the "/" (a pattern that opens with "/" is fast)
            head = match.start()
            while head > match.start() - 2 and head > 0 and text[head - 1].isdigit():
                head -= 1
            if head == match.start() or (head and (text[head - 1].isalnum() or text[head - 1] in "/._")):
                continue
            first, second = int(text[head : match.start()]), int(match.group(1))
            votes += 1 if first > 12 >= second else -1 if second > 12 >= first else 0
    if votes == 0 and "/" in text:
        # no numeric date says: the text's worded dates do ("3 March" against "March 3")
        votes = len(_WORDED_DAY_FIRST.findall(text)) - len(_WORDED_MONTH_FIRST.findall(text))
    return None if votes == 0 else votes > 0


_WORDED_DAY_FIRST = compile_cached(
    r"\b[0-3]?\d(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d\d\b")
_WORDED_MONTH_FIRST = compile_cached(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+[0-3]?\d(?:st|nd|rd|th)?,\s+(?:19|20)\d\d\b")
_NUMERIC_SLASH = compile_cached(r"/([0-3]?\d)/(?:19|20)\d\d\b")


def find_dates(text: str, published: dt.date | None = None, day_first: bool | None = None) -> list[DateMention]:
    """Every date in ``text``; partial and relative ones only when ``published`` is given.

    A numeric date with ``/`` both of whose parts could be the month is read day first or
    month first as ``day_first`` says (the text's habit, :func:`numeric_day_first`), and
    left out when it is None; with ``.`` it is day first.

    Years in author-year citations ("(Waterman 2008; Greenberg 2007)") and decades
    ("the 1970's") are not dates of anything the text reports.
    """
    out: list[DateMention] = []
    # Screens: most sentences hold no month name, no year or no weekday, and a pattern
    # that needs one cannot match there (same dates, fewer scans).
    has_month = _ANY_MONTH.search(text) is not None
    has_year = "19" in text or "20" in text
    lowered = text.lower()
    has_relative = _RELATIVE_HINT.search(lowered) is not None
    has_ordinal = published is not None and ("th" in text or "st" in text or "nd" in text or "rd" in text) and (
        _ORDINAL_HINT.search(text) is not None)
    has_slash_day = published is not None and "on " in text and "/" in text
    if not (has_month or has_year or has_relative or has_ordinal or has_slash_day or "day" in text or "year" in text or "Christmas" in text
            or "Year" in text or "Boxing" in text or "Halloween" in text):
        return out
    taken = SpanSet(m.span() for m in _CITATION_GROUP.finditer(text)) if "(" in text else SpanSet()
    for link in _URL.finditer(text):
        taken.add(*link.span())

    def add(start: int, end: int, date: str, precision: str, resolved: bool) -> None:
        if taken.overlaps(start, end):
            return
        if text[max(0, start - 1) : start] in ("/", "_", ".", "=") or text[end : end + 1] in ("/", "_", "="):
            return  # part of a URL, path or file name ("/2017/08/30/", "report_2019.pdf")
        taken.add(start, end)
        out.append(DateMention(start, end, date, precision, resolved, text[start:end]))

    has_range = has_month and _RANGE_HINT.search(text) is not None
    for name, pattern in _PATTERNS:
        if (
            (name in ("mdy", "dmy", "my", "md", "m", "range_dm", "range_md", "month_noun") and not has_month)
            or (name in ("iso", "y", "numeric", "iso_week") and not has_year)
            or (name == "iso_week" and "W" not in text and "eek" not in text)
            or (name == "numeric" and "/19" not in text and "/20" not in text and ".19" not in text and ".20" not in text)
            or (name == "numeric_dm" and not has_slash_day)
            or (name in ("range_dm", "range_md") and not has_range)
            or (name == "for_years" and "year" not in text)
            or (name == "weekday" and "day" not in text)
            or (name == "ordinal_day" and (published is None or not has_ordinal))
            or (name == "relative" and not has_relative)
        ):
            continue
        for match in pattern.finditer(text):
            groups = match.groupdict()
            start, end = match.start(), match.end()
            if name in ("range_dm", "range_md"):
                month = _MONTHS[groups["m"].lower().rstrip(".")]
                first_day, last_day = int(groups["d1"]), int(groups["d"])
                if not first_day < last_day:
                    continue
                try:
                    if groups["y"]:
                        ends = dt.date(int(groups["y"]), month, last_day)
                    elif published is None or (resolved_end := _day_before(published, month, last_day)) is None:
                        continue
                    else:
                        ends = resolved_end
                    begins = ends.replace(day=first_day)
                except ValueError:
                    continue
                # "10-14 March 2025": "10" and "14 March 2025"; "March 10-14, 2025": "March 10" and "14, 2025".
                add(start, match.end("d1"), begins.isoformat(), "day", not groups["y"])
                add(match.start("d"), end, ends.isoformat(), "day", not groups["y"])
                continue
            if name == "numeric":
                if groups["s"] == "." and (len(groups["a"]) != 2 or len(groups["b"]) != 2):
                    continue  # "1.2.2020" is a version; "02.10.2024" a date
                part_a, part_b, year = int(groups["a"]), int(groups["b"]), int(groups["y"])
                if groups["s"] == "." or part_a > 12:
                    day_month = (part_a, part_b)
                elif part_b > 12:
                    day_month = (part_b, part_a)
                elif day_first is None:
                    continue
                else:
                    day_month = (part_a, part_b) if day_first else (part_b, part_a)
                try:
                    numeric = dt.date(year, day_month[1], day_month[0])
                except ValueError:
                    continue
                add(start, end, numeric.isoformat(), "day", False)
                continue
            if name == "numeric_dm":
                part_a, part_b = int(groups["a"]), int(groups["b"])
                if published is None or not (part_a and part_b):
                    continue
                if part_a > 12:
                    pair = (part_a, part_b)
                elif part_b > 12:
                    pair = (part_b, part_a)
                elif day_first is None:
                    continue
                else:
                    pair = (part_a, part_b) if day_first else (part_b, part_a)
                if pair[1] > 12 or (short := _day_before(published, pair[1], pair[0])) is None:
                    continue
                add(start, end, short.isoformat(), "day", True)
                continue
            if name == "month_noun":
                if published is None or not _ARTICLE_BEFORE.search(text, max(0, start - 7), start):
                    continue
                year, month = _month_before(published, _MONTHS[groups["m"].lower().rstrip(".")])
                add(match.start("m"), end, f"{year:04d}-{month:02d}", "month", True)
                continue
            if name == "iso_week":
                try:
                    monday = dt.date.fromisocalendar(int(groups["y"] or groups["y2"]), int(groups["w"] or groups["w2"]), 1)
                except ValueError:
                    continue
                add(start, end, monday.isoformat(), "approximate", False)
                continue
            if name == "ordinal_day":
                number = int(groups["d"])
                candidate = None
                for back in (0, 1):
                    month_index = published.year * 12 + published.month - 1 - back if published else 0
                    try:
                        candidate = dt.date(month_index // 12, month_index % 12 + 1, number)
                    except ValueError:
                        candidate = None
                        continue
                    if published is not None and candidate <= published:
                        break
                    candidate = None
                if candidate is not None:
                    add(match.start("d"), end, candidate.isoformat(), "day", True)
                continue
            if name == "for_years":
                if published is None or _PAST_STATE.search(text):
                    continue  # "For over three years, X was the main ...": over before the publication
                count = 1 if groups["n"] is None else _NUMBERS.get(groups["n"].lower()) or int(groups["n"])
                add(start, end, f"{published.year - count:04d}", "approximate", True)
                continue
            if name == "dmy" and not groups["y"]:
                if published is None or not _DAY_MONTH_BEFORE.search(text, max(0, start - 22), start):
                    continue
                if groups["m"] == "May" and not _MAY_DAY_BEFORE.search(text, max(0, start - 22), start):
                    continue
                if text[end - 1] == "." and groups["m"].lower() not in _ABBREVIATED:
                    end -= 1  # "the 30th of June.": the full stop ends the sentence
                month = _MONTHS[groups["m"].lower().rstrip(".")]
                if (said_year := _YEAR_AFTER.match(text, end)) is not None:
                    resolved_day = _day_in_year(published, said_year.group("which"), month, int(groups["d"]))
                    end = said_year.end()
                else:
                    resolved_day = _day_before(published, month, int(groups["d"]))
                if resolved_day is not None:
                    add(start, end, resolved_day.isoformat(), "day", True)
            elif name in ("iso", "mdy", "dmy"):
                if name == "iso":
                    month = int(groups["m"] or groups["m2"] or groups["m3"])
                    day_number = int(groups["d"] or groups["d2"] or groups["d3"])
                else:
                    month, day_number = _MONTHS[groups["m"].lower().rstrip(".")], int(groups["d"])
                try:
                    day = dt.date(int(groups["y"]), month, day_number)
                except ValueError:
                    continue
                add(start, end, day.isoformat(), "day", False)
            elif name == "my":
                month = _MONTHS[groups["m"].lower().rstrip(".")]
                precision = "approximate" if groups.get("qual") else "month"
                add(start, end, f"{int(groups['y']):04d}-{month:02d}", precision, False)
            elif name == "md":
                if published is None:
                    continue
                if groups["m"] == "May" and not re.search(r"\b(?:on|by|since|until|from)\s+$", text[max(0, start - 7):start], re.I):
                    continue
                month = _MONTHS[groups["m"].lower().rstrip(".")]
                if (said_year := _YEAR_AFTER.match(text, end)) is not None:
                    resolved_day = _day_in_year(published, said_year.group("which"), month, int(groups["d"]))
                    end = said_year.end()
                else:
                    resolved_day = _day_before(published, month, int(groups["d"]))
                if resolved_day is not None:
                    add(start, end, resolved_day.isoformat(), "day", True)
            elif name == "m":
                if published is None:
                    continue
                month = _MONTHS[groups["m"].lower().rstrip(".")]
                pre = " ".join(groups["pre"].lower().split())
                if pre in ("and", "to", "of") and groups["m"] == "May":
                    continue
                year, month = _month_before(published, month)
                if pre == "last" and year == published.year and month == published.month:
                    year -= 1
                if (said_year := _YEAR_AFTER.match(text, end)) is not None:
                    year = published.year - (said_year.group("which").lower() == "last")
                    end = said_year.end()
                part = pre.startswith("the ")  # "the first week of March", "the end of June"
                m_start = start if part or pre in ("early", "mid", "late", "last", "this", "earlier this") else match.start("m")
                precision = "approximate" if part or pre in ("early", "mid", "late") else "month"
                add(m_start, end, f"{year:04d}-{month:02d}", precision, True)
            elif name == "y":
                y_start = start if groups.get("qual") else match.start("y")
                hedged = _HEDGED_YEAR_BEFORE.search(text, max(0, y_start - 16), y_start) is not None
                precision = "approximate" if groups.get("qual") or hedged else "year"
                add(y_start, end, groups["y"], precision, False)
            elif name == "weekday":
                if published is None or _DATE_AFTER_WEEKDAY.match(text, end):
                    continue
                if _HABITUAL_BEFORE.search(text, max(0, start - 12), start):
                    continue  # "issued every Friday": a habit, not a day
                if re.search(r"(?i:following|next|previous|prior)\s+$", text[max(0, start - 12) : start]):
                    continue  # "the following Monday": counted from the day before it (extract_events)
                weekday = _WEEKDAYS[groups["w"].lower()]
                back = (published.weekday() - weekday) % 7
                if groups.get("pre") == "last" and back == 0:
                    back = 7
                day = published - dt.timedelta(days=back)
                add(match.start("w") if not groups.get("pre") else start, end, day.isoformat(), "day", True)
            elif name == "relative":
                if published is None:
                    continue
                rel = " ".join(groups["rel"].lower().split())
                if rel == "yesterday":
                    add(start, end, (published - dt.timedelta(days=1)).isoformat(), "day", True)
                elif rel.endswith(("today", "morning", "afternoon", "evening", "tonight")):
                    add(start, end, published.isoformat(), "day", True)
                elif rel.endswith("week") and "ago" not in rel:
                    back = 7 if rel.startswith("last") else 0
                    add(start, end, (published - dt.timedelta(days=back)).isoformat(), "approximate", True)
                elif rel.endswith("month") and "ago" not in rel:
                    year, month = published.year, published.month
                    if rel.startswith("last"):
                        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
                    add(start, end, f"{year:04d}-{month:02d}", "month", True)
                elif rel.endswith("year"):
                    year = published.year - 1 if rel.startswith("last") else published.year
                    # "earlier in the year": some months of it, a guess at the year (articles_blind9); "earlier
                    # this year" stays a year (articles_blind4 reads it so, articles_blind10 as a guess)
                    add(start, end, f"{year:04d}", "approximate" if rel.startswith("earlier in") else "year", True)
                elif rel.endswith("quarter"):
                    first_month = 3 * ("first", "second", "third", "fourth").index(rel.split()[-2]) + 1
                    year = published.year if first_month <= published.month else published.year - 1
                    add(start, end, f"{year:04d}", "approximate", True)
                elif rel.startswith(("during", "in ", "over", "through")):
                    add(start, end, f"{_season_year('this past ' + rel.split()[-1], published):04d}", "approximate", True)
                elif rel.endswith(("spring", "summer", "autumn", "fall", "winter")):
                    add(start, end, f"{_season_year(rel, published):04d}", "approximate", True)
                elif "ago" in rel:
                    words = rel.split()
                    vague = words[0] in ("several", "few") or words[:2] == ["a", "few"]
                    unit = words[2] if words[:2] == ["a", "few"] else words[1]
                    count = (3 if vague else 1 if words[0] in ("a", "an", "one") else _NUMBERS.get(words[0]) or int(words[0]))
                    if unit.startswith(("day", "week", "fortnight")):
                        # "three days ago" that day; "two weeks ago", "a few days ago" about then
                        days = count * (14 if unit.startswith("fortnight") else 7 if unit.startswith("week") else 1)
                        then = published - dt.timedelta(days=days)
                        if unit.startswith("day") and not vague:
                            add(start, end, then.isoformat(), "day", True)
                        else:  # about then: its month (a day said beside it is more precise)
                            add(start, end, f"{then.year:04d}-{then.month:02d}", "approximate", True)
                    elif "year" in rel and rel.endswith("ago"):
                        add(start, end, f"{published.year - count:04d}", "approximate", True)
                    elif "year" in rel:  # "three years ago this week": that month, that year
                        add(start, end, f"{published.year - count:04d}-{published.month:02d}", "approximate", True)
                    else:
                        month_index = published.year * 12 + published.month - 1 - count
                        add(start, end, f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "approximate", True)
    if published is not None and ("Christmas" in text or "Year" in text or "Boxing" in text or "Halloween" in text):
        for match in _HOLIDAY.finditer(text):
            month, day_of_month = _HOLIDAYS[" ".join(match.group("h").lower().replace("’", "'").split())]
            holiday = _day_before(published, month, day_of_month)
            if holiday is not None:
                add(match.start("h"), match.end("h"), holiday.isoformat(), "day", True)
    out.sort(key=lambda d: d.start)
    return _hedged(text, _range_start_years(text, out))


#: The one table of words that make a date a guess, whatever its unit: "in or around April
#: 2026", "approximately mid-January", "around 2009", "c. 2009", "until at least August"
#: (an end no earlier than that, not known to be it), "the week of 22 June" (some day of it), "since
#: about 2017", "from about October 2024" (a bound said as a guess). A start "since at least 2019" keeps
#: its unit, and so does the legal "on or about 6 January" (a day).
_HEDGE_BEFORE = compile_cached(
    r"(?:(?<![\w.])c(?:a)?\.|\b(?:circa|approximately|roughly|around|in\s+or\s+around|(?:until|till|through)\s+at\s+least|week\s+of(?:\s+the)?|(?:since|from|until|till|through|in|by|to)\s+about))\s*$", re.I)


def _hedged(text: str, dates: list[DateMention]) -> list[DateMention]:
    """Dates after a hedge (:data:`_HEDGE_BEFORE`) made ``approximate``; a day is cut to its month."""
    for index, date in enumerate(dates):
        if date.precision == "approximate" or not _HEDGE_BEFORE.search(text, max(0, date.start - 20), date.start):
            continue
        dates[index] = replace(date, date=date.date[:7], precision="approximate")
    return dates


def _range_start_years(text: str, dates: list[DateMention]) -> list[DateMention]:
    """A range's start said without its year takes the year of its end ("from October
    through December 2022": October 2022; "December to February 2024": December 2023),
    not the one the publication date would give it."""
    for index in range(len(dates) - 1):
        first, last = dates[index], dates[index + 1]
        if not first.resolved or last.resolved or first.precision not in ("month", "day", "approximate"):
            continue
        if len(first.date) < 7 or len(last.date) < 7 or _RANGE_TO.fullmatch(text, first.end, last.start) is None:
            continue
        end_year, end_month = int(last.date[:4]), int(last.date[5:7])
        year = end_year if int(first.date[5:7]) <= end_month else end_year - 1
        if "and" in text[first.end : last.start].lower() and not _BETWEEN_BEFORE.search(text, max(0, first.start - 30), first.start):
            year = end_year  # "in May and February 2024": a list of two dates of that year, not a range
        try:
            if first.precision == "day":
                moved = dt.date.fromisoformat(first.date).replace(year=year).isoformat()
            else:
                moved = f"{year:04d}{first.date[4:]}"
        except ValueError:
            continue
        dates[index] = replace(first, date=moved, resolved=False)
    return dates


# --- kinds -----------------------------------------------------------------------------

#: The kind of a trigger that dates something that is no event (see :data:`_TRIGGERS`).
_NO_EVENT = "none"

# (kind, pattern, strength): strong triggers win ties over weak ones.
_TRIGGERS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("sanction", compile_cached(r"\b(?:sanction(?:s|ed|ing)?|designat(?:ed|es|ions?)|(?:signed\s+off|approved|adopted|agreed)\s+(?:on\s+)?(?:the\s+)?(?:new\s+)?listings|decided\s+to\s+(?:designate|sanction|impose|freeze)|blacklist(?:ed)?|(?:to|and)\s+list(?:ed)?(?=\s+(?:[\w'’-]+\s+){0,3}?(?:officers?|individuals?|persons?|people|men|women|entities|companies|firms|exchanges?|members|hackers|suspects|nationals)\b)|added\s+to\s+the\s+Entity\s+List|"
                                r"(?:targeted\s+)?restrictive\s+measures)\b", re.I), 2.0),
    ("indictment", compile_cached(r"\b(?:indict(?:ed|ment|ments)?|charged|charges\s+(?:against|were)|criminal\s+complaint|unsealed)\b", re.I), 2.0),
    ("conviction", compile_cached(r"\b(?:sentenced|convicted|pleaded\s+guilty|pled\s+guilty|guilty\s+pleas?|plea\s*:\s*guilty|"
                                  # an appeal court keeping a conviction: "upheld the conviction", "affirmed his sentence"
                                  r"(?:upheld|upholds|affirmed|affirms|confirmed|confirms)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+)?"
                                  r"(?:convictions?|sentences?|verdicts?|guilty\s+verdicts?))\b", re.I), 2.0),
    # Steps of a case that are no event of the actor: a plea of not guilty, a hearing, an
    # arraignment, a summoned ambassador. The date is theirs, and nothing is emitted.
    (_NO_EVENT, compile_cached(
        r"\b(?:pleaded\s+not\s+guilty|pled\s+not\s+guilty|arraigned|arrest\s+warrants?|warrants?\s+for\s+(?:the\s+|his\s+|her\s+|their\s+)?arrest|appeared\s+(?:\w+\s+)?(?:in|before)\s+(?:\w+\s+)?(?:court|judge)|(?:made|makes|making)\s+(?:his|her|their|an?)\s+(?:first\s+|initial\s+)?(?:court\s+)?appearances?\b|"
        r"summoned\s+(?:the\s+)?(?:\w+\s+)?(?:ambassador|envoy|charg[eé])|"
        # a claim of responsibility, a reward offered, a service restored: no event of the actor
        r"claim(?:ed|s|ing)?\s+(?:\w+\s+)?responsibility|offer(?:ed|s|ing)?\s+(?:a\s+)?(?:\w+\s+)?rewards?|"
        r"(?:was|were|been|is|are|fully)\s+restored|restored\s+(?:its|our|their|the|all|most|full|normal)\b|back\s+online|"
        # a sanctions framework prolonged, a detection, an incident judged material: no deed of the actor
        r"(?:decided\s+to\s+)?(?:prolong|extend|renew)(?:ed|s|ing)?\s+(?:the\s+|its\s+)?(?:[\w-]+\s+){0,2}(?:framework|regime)|"
        r"detected\s+(?:an?\s+|the\s+)?(?:unauthori[sz]ed|suspicious|unusual|malicious)|"
        r"(?:they|it|the\s+(?:intruders|attackers|hackers|actor|group))\s+(?:were|was)\s+(?:found|discovered|detected|spotted)\b(?!\s+to\b)|"
        r"determined\s+that\s+(?:[\w-]+\s+){0,8}?(?:was|is|had\s+been)\s+material|"
        # a watchdog penalising the breached firm, or opening an inquiry: no deed of the actor
        r"(?:announced|published|issued|adopted)\s+(?:its\s+|a\s+)?(?:final\s+)?decision\s+in\s+(?:an?\s+|its\s+|the\s+)?inquiry|"
        r"imposed\s+(?:a\s+)?(?:[\w-]+\s+){0,3}?fine|"
        # a vendor's fix: "shipped a patch", "released a fixed version"
        r"(?:published|released|issued|shipped|pushed\s+out)\s+(?:a\s+|an\s+|its\s+)?(?:[\w-]+\s+){0,2}?(?:security\s+updates?|patch(?:es)?|hotfix(?:es)?|fixed\s+versions?|firmware\s+updates?)\b|"
        # ... said as a noun: "a week ahead of the maker's patch on 8 June", "its patch of 2 May"
        r"(?:vendor['’]s|maker['’]s|supplier['’]s|its|their)\s+(?:first\s+|own\s+)?(?:fix|patch|hotfix)(?=\s+(?:on|of|in|dated)\b)|"
        # a declaration of solidarity with the victims (one condemning the deed is a report)
        r"(?:issued|made|adopted|published)\s+(?:a\s+|an\s+)?(?:joint\s+)?declaration(?=[^.;]{0,80}\bsolidarity)|declarations?\s+of\s+solidarity)\b", re.I), 2.0),
    ("arrest", compile_cached(r"\b(?:arrest(?:ed|s)?|detained|extradit(?:ed|ion))\b", re.I), 2.0),
    # Law enforcement removing the actor's code or taking its servers offline: "acting under a
    # court order, removed the botnet's malware from 4,000 cameras", "police took 40 servers offline".
    ("takedown", compile_cached(
        r"\b(?:(?:under|with)\s+a\s+court\s+order|court-ordered|"
        r"(?:removed|deleted|erased|uninstalled)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}(?:malware|implants?|backdoors?|botnet|web\s?shells?)|"
        r"took\s+(?:[\w'’,.-]+\s+){1,8}?offline|"
        # "took control of the sixty domains the crew ran", "seized control of its servers"
        r"(?:took|taken|seized|gained|assumed)\s+control\s+of\s+(?:[\w'’,-]+\s+){0,4}?(?:domains?|servers?|botnets?|infrastructure|websites?|sites?))\b", re.I), 2.0),
    ("takedown", compile_cached(r"\b(?:take-?down|taken\s+down|took\s+down|seiz(?:ed|ure|es)|dismantl(?:ed|ing)|disrupt(?:ed|ion)|sinkhol(?:ed|ing)|shut\s+down)\b", re.I), 2.0),
    # Law enforcement's own operation: "a court-authorized operation ... deleted the malware".
    ("takedown", compile_cached(
        r"\b(?:court-?\s?authori[sz]ed|law[\s-]enforcement|police|FBI|Europol|Eurojust|multinational|international)\s+"
        r"(?:[\w-]+\s+)?(?:operation|action)\b", re.I), 2.0),
    ("advisory", compile_cached(r"\b(?:advisory|advisories|alert|bulletin|issued\s+a\s+warning|joint\s+(?:guidance|statement)|"
                                r"(?:emergency|binding\s+operational)\s+directives?|"
                                r"(?:publish(?:ed|es)?|issu(?:ed|es|e)|releas(?:ed|es|e)|put\s+out)\s+(?:[\w-]+\s+){0,2}?(?:guidance|warnings?))\b", re.I), 1.8),
    # An agency warning of a threat: "The federal cyber office BSI warned on Tuesday that".
    ("advisory", compile_cached(
        r"\b(?:agency|office|cent(?:re|er)|authority|ministry|department|police|CERT(?:-\w+)?|CSIRT|NCSC|CISA|FBI|BSI|ANSSI|ACSC|ASD)"
        r"\s+(?:(?-i:[A-Z][\w-]*)\s+){0,2}(?:has\s+|have\s+)?(?:warned|cautioned)\b(?=\s+(?:on\s+\w+\s+|\w+\s+){0,3}that\b)", re.I), 1.8),
    # A flaw put on an agency's list of flaws under attack: "placed the bug on its Known Exploited
    # Vulnerabilities catalog" (an agency's advisory).
    ("advisory", compile_cached(
        r"\badded\s+(?:the\s+|a\s+|two\s+|three\s+|\w+\s+)?(?:[\w-]+\s+){0,2}?(?:flaws?|vulnerabilit(?:y|ies)|bugs?|CVEs?(?:-[\d-]+)?)\s+"
        r"to\s+(?:its\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:catalog(?:ue)?|KEV)\b", re.I), 1.8),
    # An agency warning its audience: "the centre warned other operators to patch".
    ("advisory", compile_cached(
        r"\b(?:warned|urged)\s+(?:other\s+|all\s+|\w+\s+)?(?:operators|organi[sz]ations|companies|utilities|users|businesses|"
        r"agencies|the\s+public|network\s+defenders|defenders|providers|firms)\b", re.I), 1.8),
    ("report", compile_cached(r"\b(?:report(?:ed|s)?|analy(?:sis|ses|zed|sed)|published|blog\s+post|white\s?paper|research(?!\s+(?:network|lab\w*|institut\w*|cent(?:er|re)s?|facilit\w+|organi[sz]ations?|firms?|compan\w+|teams?|universit\w+|reactors?|vessels?|stations?))|disclosed|documented|described|revealed|detailed|attributed|attribution|announced|notified|informed)\b", re.I), 1.0),
    # A public attribution: "publicly blamed", "today attributes", "named ... as responsible".
    ("report", compile_cached(
        r"\b(?:(?:publicly|formally|officially)\s+(?:named|accused|said|stated|exposed)|blamed|attributes|"
        r"exposed\s+(?:the\s+)?(?:role|activities|activity|operations?|identit(?:y|ies)|network|members?|officers?)\s+of|"
        r"named\s+(?:[\w'’-]+,?\s+){1,14}?as\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:responsible|behind|culprits?|perpetrators?))\b", re.I), 1.6),
    # A declaration condemning a campaign is a public attribution (one of solidarity is none).
    ("report", compile_cached(r"\b(?:issued|made|adopted|published)\s+(?:a\s+|an\s+)?(?:joint\s+)?declaration(?=[^.;]{0,80}\bcondemn)", re.I), 1.6),
    # A statement said in the passive: "The ministry's warning was released on 9 July."
    ("report", compile_cached(r"\b(?:statement|announcement)s?\s+(?:was|were|had\s+been)\s+(?:issued|released|published|made|put\s+out)\b", re.I), 1.0),
    # Going public with a finding: "made public its findings", "goes public", "names the perpetrators".
    ("report", compile_cached(
        r"\b(?:(?:made|makes|went|goes|gone)\s+public|(?:named|names)\s+(?:the\s+)?(?:culprits?|perpetrators?|attackers?|"
        r"hackers?|those\s+responsible))\b", re.I), 1.0),
    ("report", compile_cached(r"\b(?:said|says|told|wrote|admitted|admits|acknowledged)\b", re.I), 0.7),
    # A victim or an agency confirming a deed: "confirmed late on Friday that its systems were hit".
    # ... or confirming it outright: "the county confirmed the attack", "confirms a data breach"
    # (not the adjective: "the first confirmed cyber attack")
    ("report", compile_cached(r"\bconfirm(?:ed|s)\b(?=(?:\s+[\w'’-]+){0,3}?\s+that\b)|"
                              r"(?<!first\s)(?<!only\s)(?<!\ba\s)(?<!\bthe\s)(?<!\ban\s)\bconfirm(?:ed|s)\s+(?:the\s+|an?\s+|its\s+)?(?:[\w-]+\s+)?(?:(?:cyber-?)?attack|breach|incident|intrusion|hack)\b", re.I), 1.0),
    ("report", compile_cached(r"\b(?:we|researchers|analysts)\s+(?:first\s+)?(?:discovered|uncovered)\b", re.I), 1.2),
    # A victim finding out: "discovered that a threat actor had broken into ...".
    ("report", compile_cached(r"\b(?:discovered|learned|became\s+aware)\s+that\b", re.I), 1.2),
    ("activity-start", compile_cached(r"\b(?:first\s+(?:seen|saw|observed|spotted|detected|appeared|emerged|identified|documented|sighting|"
                                      r"infection|intrusion|compromise)|emerged|began|started|dating\s+back\s+to|as\s+early\s+as|active\s+since|operating\s+since)\b", re.I), 1.5),
    # The first deed of an intrusion said with its verb: "first gained access to the network in
    # April", "the earliest phishing mails went out in March". Strong: the date in its clause is the
    # start, whatever deed the sentence goes on to ("... and copied the designs").
    ("activity-start", compile_cached(
        r"\b(?:first\s+(?:gained|got|obtained)\s+access|(?:the\s+)?(?:first|earliest)\s+(?:[\w-]+\s+){1,3}?(?:(?:was|were)\s+)?"
        r"(?:sent|seen|observed|used|deployed|delivered|spotted|registered|opened|clicked)|"
        # a gang's first victim on its leak site: "listed its first victim on 2 May"
        r"(?:posted|listed|named|claimed)\s+(?:its|their)\s+first\s+(?:victims?|targets?))\b", re.I), 1.8),
    ("activity-end", compile_cached(r"\b(?:last\s+(?:seen|observed|active|spotted|infection|intrusion|compromise)|most\s+recent\s+(?:one|infection|intrusion|compromise)|ceased|went\s+(?:dark|quiet)|"
                                    # "the latest decoys we know of were mailed in October": the end of what went before
                                    r"(?:most\s+recent|latest|last)\s+(?:[\w-]+\s+){1,5}?(?:was|were)\s+(?:sent|seen|observed|used|deployed|delivered|spotted|registered)|"
                                    # "the last beaconing traffic we observed"
                                    r"(?:most\s+recent|latest|last)\s+(?:[\w-]+\s+){1,3}?(?:we|they|researchers|analysts)\s+(?:observed|saw|recorded|detected)|"
                                    # ("stopped an attempt", "stopped the transfer": a defender's act)
                                    r"stopped(?!\s+(?:an?|the|its|their|two|three|several|most|all)\s)|disbanded|retired)\b", re.I), 1.5),
    # The intrusion ended for its victim: "the intrusion was cut off in February".
    ("activity-end", compile_cached(
        r"\b(?:(?:was|were|been)\s+(?:cut\s+off|evicted|contained|shut\s+out|expelled)|"
        # the incident said to end: "The intrusion ended on 23 July", "the attacks stopped in May"
        r"(?:intrusions?|attacks?|campaigns?|activity|breach|compromise|access|operations?|exploitation|spree|wave)\s+"
        r"(?:had\s+|finally\s+|only\s+)?(?:ended|ceased|stopped|halted)|"
        # "held on to the servers until they were evicted": the intruders put out of the network
        r"until\s+(?:they|the\s+(?:intruders|attackers|hackers|actors?|group|crew))\s+(?:was|were)\s+(?:removed|ejected|kicked\s+out|thrown\s+out|found\s+and\s+removed)|"
        r"(?:stayed|remained|persisted|lurked)\s+(?:[\w'’-]+\s+){0,4}until|"
        # ... or its victim ended it: "cut off the intruders' access", "evicted the intruders".
        r"(?:cut|shut)\s+off\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+)?access|"
        r"(?:evicted|expelled|locked\s+out)\s+(?:the\s+)?(?:actor|attackers?|intruders?|hackers?|group))\b", re.I), 1.6),
    ("campaign", compile_cached(
        r"\b(?:campaigns?|operation|effort|efforts|(?:cyber-?)?attack(?:s|ed)?|copied|copying|stealing|exfiltrat(?:ed|es|ing)|siphon(?:ed|ing)|(?:infects|exploits|deploys|steals|leaks|installs|encrypts|wipes|compromises)|flood(?:ed|ing)|(?:knocked|took|taken)\s+(?:[\w'’-]+\s+){0,8}?offline|target(?:ed|ing)|breach(?:ed|es)?|compromis(?:ed|e)|intrusions?|hacked|infected|phishing|exploit(?:ed|ing)|deployed|stole|leaked|wave|spree|incident|attempted|tried|blackouts?|caused|cut\s+power|hit|struck|theft|heist|sent|sending|phished|lured|impersonat\w+|spoof\w+|delivered|foiled|thwarted|blocked|"
        r"(?:broke|broken|break|breaks|breaking)\s+in(?:to)?|exploitation|encrypted|accessed|"
        # whatever the verb, a deed done with ransomware is the attack: "locked our computers with ransomware"
        r"with\s+(?:[\w-]+\s+)?ransomware|"
        # plain verbs of a narrative: "first signed in", "came in through", "took over its network",
        # "called the help desk" (to talk it into a reset)
        r"(?:first\s+)?(?:signed|logged)\s+(?:in|on)(?:to)?|(?:came|got)\s+in\s+(?:through|via|by)|(?:they|attackers|intruders|hackers|operators|crew|group|gang)\s+came\s+back|"
        r"took\s+over\s+(?:[\w'’-]+\s+){0,3}?(?:network|accounts?|systems?|servers?|mailbox(?:es)?|domain)|"
        # ... said of what was taken: "had mailboxes taken over", "its accounts were hijacked"
        r"(?:network|accounts?|systems?|servers?|mailbox(?:es)?|domains?|websites?)\s+(?:(?:was|were|had\s+been)\s+)?(?:taken\s+over|hijacked)|"
        r"called\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?help\s?desk|"
        r"(?:first\s+)?entered\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,3}(?:network|systems?|environment)|"
        r"(?:been|was|were)\s+inside\s+(?:[\w'’-]+\s+){0,2}(?:network|systems?)|used\s+(?:[\w-]+\s+){1,3}against|"
        r"(?:posted|dumped|published|leaked)\s+(?:[\w'’-]+\s+){0,5}?on\s+(?:a|an|its|their|the)\s+(?:[\w-]+\s+)?(?:leak|extortion)\s+(?:web\s?)?(?:site|blog|portal)|hacked\s+into|gained\s+access|wip(?:ed|ing)|defaced|hijack(?:ed|ing)|imitat(?:ed|ing)|"
        r"shifted\s+(?:its\s+|their\s+)?(?:focus|attention|targeting))\b", re.I), 1.0),
)
#: Verbs that report a statement or an attribution (their object is an action, not a document).
_SAYS = compile_cached(
    r"(?:said|says|told|named|blamed|attribut\w+|accused|disclos\w+|reveal\w+|announc\w+|reported|confirmed|"
    r"discovered|learned|determined|became|publicly|formally|officially)\b", re.I
)
#: What stands between a speech verb's date and the deed it reports: "said on Tuesday
#: (that) they had charged", "said Monday it has arrested".
_REPORTED_DEED = compile_cached(
    r"\s*,?\s*(?:that\s+)?(?:they|he|she|it|we|police|officers|prosecutors|the\s+[\w-]+)\s+(?:had|have|has)\s+(?:also\s+)?(?:been\s+)?", re.I
)
#: A source named after the statement it makes: "..., the Carabinieri said".
_TRAILING_SOURCE = compile_cached(r",\s+(?:the\s+|a\s+|an\s+)?(?:[\w.'’-]+\s+){0,6}$")
_THAT_PERFECT = compile_cached(r"\s*,?\s*that\s+(?:[\w'’-]+\s+){0,3}(?:had|has|have)\b", re.I)
#: The start of a relative clause about what a date just dated: "... in late 2019 that Oracle ".
_RELATIVE_SUBJECT = compile_cached(r"\s*,?\s*(?:that|which)\s+(?:[\w-]+\s+){0,3}", re.I)
_CAMPAIGN_INDEX = next(i for i, (kind, _, _) in enumerate(_TRIGGERS) if kind == "campaign")
_SINCE = compile_cached(r"\b(?:since|active\s+(?:since|from)|as\s+early\s+as|dating\s+back\s+to|from)(?:\s+(?:at\s+least|approximately|about|around|roughly|in\s+or\s+around))?"
                        # "since the week of 12 October", "from the end of March"
                        r"(?:\s+the\s+(?:week|weekend|end|start|beginning|middle)\s+of(?:\s+the)?)?\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_RAN_UNTIL = compile_cached(
    r"\b(?:ran|lasted|continued|went\s+on|persisted|carried\s+on)\s+(?:\w+\s+)?(?:until|till|through)\s+(?:(?:at\s+least|about|around|roughly|approximately)\s+)?(?:(?:early|mid|late)[\s-]+)?$", re.I)
_UNTIL = compile_cached(r"\b(?:until|through|till|into|(?<!compared\s)to)\s+(?:(?:at\s+least|approximately|about|around|roughly)\s+)?(?:(?:early|mid|late)[\s-]+)?$", re.I)
_CAMPAIGN_SUBJECT = compile_cached(
    r"(?i)\b(?:intrusions?|campaigns?|attacks?|operations?|activity|breach(?:es)?|hacking|scheme|theft|heist|"
    r"spying|espionage|phishing|wave|spree|break-ins?|compromises?)(?:\s+(?:\w+\s+){0,2}|(?:\s+itself)?\s*,[^,]{1,60},\s*)$"
)
#: What a range or a "since" must stand near to date an activity.
_ACTIVITY = compile_cached(
    r"\b(?:attack\w*|activ\w*|campaigns?|operat\w*|intrusions?|malware|groups?|actors?|hack\w*|target\w*|"
    r"compromis\w*|exploit\w*|conduct\w*|spread\w*|infect\w*|phish\w*|breach\w*|espionage|botnets?|ransomware|"
    r"threats?|APT\d*|spy\w*|spies|steal\w*|stole|us(?:e|es|ed|ing)|deploy\w*|seen|observed|track\w*|"
    r"develop\w*|distribut\w*|waves?|spam\w*|exfiltrat\w*|C2|C&C|domains?|servers?|resolv\w*|regist\w*|samples?|"
    r"variants?|versions?|backdoors?|trojans?|RATs?|worms?|tools?|toolkits?|implants?|infrastructure|emerg\w*|"
    r"appear\w*|around|exist\w*|monitor\w*|investigat\w*|incidents?|victims?|lures?|emails?|delivered|"
    r"sanction\w*|fixture|vulnerab\w*|CVE-\d+|stolen|broke|broken|scheme|access\w*|copied|impersonat\w*)\b|\bsince\s+at\s+least\b",
    re.IGNORECASE,
)
_GENERIC_TODAY = compile_cached(
    r",?\s+(?:with\b|(?:[\w-]+\s+){0,2}(?:are|is|can|do|does|remain|remains|continue|continues)\b)", re.IGNORECASE
)
#: A date that names a theme or a title, not when something happened.
_THEME_AFTER = compile_cached(r"[\s-]+(?:[\w-]+\s+){0,2}?(?:anniversary|commemorations?|memorial|holiday|-?themed?|-?related)\b", re.IGNORECASE)
_QUOTED_TITLE_BEFORE = compile_cached(
    r"\b(?:subject(?:\s+line)?|titled?|named|called|headlined|filename)\s*:?\s*[“\"‘][^”\"’]*$", re.IGNORECASE
)
#: "This presence has decreased significantly since early 2014", "patched since April 10,
#: 2012": an end of something, not a start.
_DECLINE_BEFORE = compile_cached(
    r"\b(?:decreas|declin|dropp|fall|fell|reduc|slow|dormant|inactive|quiet|dwindl|stopp|ceas|patch|fix|remediat|out\s+of\s+action|silent|offline)\w*\b"
    r"(?:\s+\S+){0,3}\s+since\b",
    re.IGNORECASE,
)
_LAW_ENFORCEMENT = compile_cached(
    r"\b(?:police|authorities|FBI|Europol|prosecutors|law\s+enforcement|investigators|(?-i:Operation\s+[A-Z][\w-]+)|"
    r"Justice\s+Department|Department\s+of\s+Justice|DOJ|(?-i:NCA)|National\s+Crime\s+Agency|gendarmerie|Bundeskriminalamt|(?-i:BKA))\b", re.I)
#: A hypothetical or future clause: a day named in it ("may try to ... before Sunday's
#: vote") is not when something happened.
_MODAL_CLAUSE = compile_cached(r"\b(?-i:may|might|could|will|would|wish|wished)\s+[^.;,]*$")
_INCIDENT_OF = compile_cached(r"\b(?:(?:cyber-?)?attacks?|breach|intrusion|incident|hack|outage|raid)\s+of\s+(?:the\s+)?$", re.I)
#: A document's own publication line ("Conducted by phone; published 12 June 2025"): no event.
_PUBLICATION_LABEL = compile_cached(r"(?:^|[;|,.]\s*)(?:first\s+)?(?:published|posted|updated|aired|tabled)(?:\s+on)?\s*:?\s*$", re.I)
#: A newspaper piece's own date: "a report printed on 6 May", "our story, first printed on".
_PIECE_PUBLISHED_BEFORE = compile_cached(
    r"\b(?:an?|the|our|this|that)\s+(?:news\s+|earlier\s+)?(?:article|story|piece|column|editorial|op-ed)\s*,?\s*"
    # "published on 6 May", or the piece named by its day: "A column on 2 March about ..."
    r"(?:(?:which\s+was\s+|that\s+was\s+|first\s+)?(?:published|posted|printed|ran|run)\s+(?:on\s+|in\s+)?|(?:on|of|dated)\s+)$", re.I)
_DOCUMENT_VERB_BEFORE = compile_cached(r"\b(?:published|issued|released|dated|approved|adopted)\s+(?:on\s+|in\s+)?$", re.I)
#: What a newspaper piece said, in a correction: "The article also said that ... began in January".
_PIECE_SAID_BEFORE = compile_cached(
    r"\b(?:the|an|our|that|this)\s+(?:earlier\s+|original\s+)?(?:article|story|piece|column|headline)\s+(?:also\s+|wrongly\s+|incorrectly\s+)?"
    r"(?:said|stated|reported|claimed|gave)\b[^;]*$", re.I)
#: When an interview or a recording was made: "Recorded on 4 June 2024" (furniture).
_RECORDED_LABEL = compile_cached(r"\b(?:interview|conversation|recording|podcast|episode)\s+(?:was\s+)?(?:conducted|recorded|held|taped)(?:\s+(?:on|in))?\s*:?\s*$", re.I)
#: What stands between the two days of a range: "10-14 March", "March 10 to 14".
_RANGE_GAP = compile_cached(r"\s*(?:[-–—]|to|until|through|till)\s*", re.I)
_AS_OF = compile_cached(r"\bas\s+of\s+$", re.IGNORECASE)
#: A document cited as the source of a statement, not an action of its own: "the
#: indictment says", "the advisory says", "according to the indictment".
_SOURCE_AFTER = compile_cached(
    r"\s+(?:says|said|states|stated|shows|showed|notes|noted|describes|alleges|alleged|claims|adds|added)\b", re.I
)
_SOURCE_BEFORE = compile_cached(r"\baccording\s+to\s+(?:the|a|an|its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)
_DATED_DOCUMENT_AFTER = compile_cached(r"\s+(?:[\w-]+\s+){0,2}?(?:published|issued|released|dated|from)\b", re.I)
#: An incident named as what a disclosure or an analysis is about ("disclosed the breach
#: on Dec. 30", "our first analysis of the campaign on December 2"): the date is the
#: disclosure's, not the incident's.
_REPORTED_OBJECT = compile_cached(
    r"\b(?:disclos\w*|report(?:ed|ing|s)?|announc\w*|confirm\w*|detect\w*|discover\w*|notif\w*|analy[sz]\w*|details?|"
    r"findings|research|post|blog|investigat\w*|reveal\w*)\s+(?:[\w-]+\s+){0,3}$",
    re.I,
)
_INCIDENT_NOUN = compile_cached(
    r"(?:campaigns?|operations?|attacks?|intrusions?|breach(?:es)?|incidents?|theft|heist|wave|hack)", re.I
)
#: A vendor's fix is not an event of the actor: "which Fortinet patched in December 2022".
#: ... unless a clause dates the incident itself: "an attack that occurred on 31 October".
_INCIDENT_DATED_AFTER = compile_cached(
    r"\s+(?:that|which)\s+(?:had\s+|has\s+)?(?:occurred|happened|took\s+place|began|started|hit|struck|unfolded)\b", re.I
)
_FIXED_BEFORE = compile_cached(r"\b(?:patched|fixed|remediated)(?:\s+(?:it|them|the\s+[\w-]+))?\s+(?:in|on|by)?\s*$", re.I)
#: "began a new campaign", "began sending stolen material": what began is the campaign.
_BEGAN_ACTION_AFTER = compile_cached(
    r"\s+(?:(?:a|an|its|their|the)\s+)?(?:new\s+|second\s+|fresh\s+)?(?:campaigns?|operations?|attacks?|"
    r"sending|targeting|attacking|phishing|leaking|exploiting|spying|stealing|wiping|to\s+(?:send|target|attack|"
    r"steal|leak|exploit|spy))\b",
    re.I,
)
#: What guidance or a defence is about is a topic, not an attack that happened:
#: "guidance on resisting phishing", "advice on protecting against ransomware".
_TOPIC_BEFORE = compile_cached(
    r"\b(?:guidance|advice|recommendations|tips|best\s+practices?|defen[cd]\w*|protect\w*|mitigat\w*|resilien\w*)"
    r"\s+(?:on\s+|against\s+|from\s+|for\s+)(?:(?:defending|protecting|guarding|securing)\s+(?:\w+\s+)?(?:against|from)\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
_FUTURE = compile_cached(r"\b(?:will|would|plans?\s+to|expected\s+to|scheduled|deadline|expires?)\b", re.I)


def _first_day(iso: str) -> dt.date:
    parts = [int(p) for p in iso.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(parts[0], parts[1], parts[2])


#: A clause that reports what an act's maker said of an earlier deed: ", saying it had ...".
_REPORTED_CLAUSE = compile_cached(r",\s*(?:saying|alleging|accusing|adding|noting|stating|explaining)\b", re.I)
#: A document that is no threat report, before the verb that dates it: "the forecast,
#: published on ...", "the minutes, approved on ...", "an earlier answer, given on".
_OTHER_DOCUMENT_BEFORE = compile_cached(
    r"\b(?:(?:forecasts?|outlook)(?:\s+(?:for|of)\s+(?:[\w-]+\s+){0,3}?[\w-]+)?|guidance\s+for\s+the\s+year|minutes|agenda|(?:earlier|previous|last)\s+(?:answer|issue|edition|update|reply)|"
    # a newspaper's piece: "A story printed on 6 May (...) had the day wrong"
    r"(?:an?|the|our|this)\s+(?:news\s+|earlier\s+)?(?:article|story|piece|column|editorial|op-ed)|"
    r"financial\s+calendar|annual\s+accounts|results)\s*,?\s*(?:which\s+was\s+|that\s+was\s+|first\s+)?$", re.I)
#: An infobox field of the years a group has been active: "Active: 2014-present",
#: "Years active: c. 2009 - present".
_ACTIVE_FIELD = compile_cached(r"\s*(?:years\s+)?(?:active|operational|in\s+operation)(?:\s+since)?\s*:\s*(?=[^:]*\b(?:19|20)\d\d)", re.I)
#: An open range up to now after a date: "2014 - present", "2019 to date".
_TO_PRESENT = compile_cached(r"\s*(?:[-–—]|to|until)\s*(?:the\s+)?(?:present(?:\s+day)?|date|now|today)\b", re.I)
#: A law's name before its year: "the Fraud Act 2006", "Regulation (EU) 2016/679".
_LAW_NAME_BEFORE = compile_cached(r"\b(?-i:[A-Z0-9][\w-]*)\)?\s+(?-i:Act|Acts|Regulations?|Directive|Law|Code|Order|Rules|Ordinance|"
                                  r"Instrument|Decree|Determination|Bill|Statute)(?:\s+of)?\s*$")
_OWN_EARLIER_BEFORE = compile_cached(r"\b(?:our|my)\s+(?:previous|earlier|last)\s+(?:[\w-]+\s+)?$", re.I)
_FISCAL_YEAR_BEFORE = compile_cached(r"\b(?:fiscal|financial|tax|budget|business)\s+year\s+$", re.I)
#: The publisher's own earlier piece, cited with its date: "Our spring review, published in May",
#: "our explainer from January", "our previous notice of 3 December": a reference, no event.
_OWN_EARLIER_DOCUMENT_BEFORE = compile_cached(
    r"\b(?:our|my|this\s+(?:site|paper|programme|office)['’]s)\s+(?:[\w-]+\s+){0,2}?(?:report|explainer|post|brief|briefing|analysis|newsletter|"
    r"notice|bulletin|article|story|episode|podcast|coverage|issue|edition|answer|reply|letter)\s*,?\s*(?:\([^()]{0,30}?,\s*)?"
    # the verb may take its date without a preposition ("sent out 6 January")
    r"(?:(?:first\s+)?(?:published|posted|released|issued|dated|given|sent(?:\s+out)?|put\s+out|mailed|circulated)\s+"
    r"(?:(?:in|on|from|of)\s+(?:the\s+)?)?|(?:in|on|from|of)\s+(?:the\s+)?)$", re.I)
#: What a date starts that is no activity: "the tracker starts in January 2024", "the
#: series begins in 2019", "data from 2020 onwards".
_COVERAGE_BEFORE = compile_cached(
    r"\b(?:tracker|list|timeline|database|dataset|index|series|record|table|chart|survey|count)\s*,?\s+(?:(?:which|that)\s+)?(?:starts|begins|runs|covers|goes\s+back)\s+"
    r"(?:in|from|to|at)?\s*(?:early\s+|mid[\s-]|late\s+)?$", re.I)


def _not_this_trigger(sentence: str, start: int, end: int, kind: str, strength: float, date: DateMention) -> bool:
    """Whether the trigger word at ``start:end`` does not name what happened at the date, by its role."""
    word = sentence[start:end]
    if kind in ("report", "advisory") and _OWN_EARLIER_BEFORE.search(sentence, max(0, start - 30), start):
        return True  # "Our previous bulletin covered ...": the writer's earlier piece, furniture
    if kind == "report" and _OTHER_DOCUMENT_BEFORE.search(sentence, max(0, start - 50), start):
        return True  # "the forecast, published on 12 May": another document's date
    if (strength >= 1.8 or kind == "report") and (
        _SOURCE_AFTER.match(sentence, end)
        or (
            _SOURCE_BEFORE.search(sentence, max(0, start - 40), start)
            and not _DATED_DOCUMENT_AFTER.match(sentence, end)
        )
    ):
        return True  # "the indictment says", "according to the indictment": a source
    if kind == "report" and word.lower() == "reports" and sentence[end : end + 4] == " of ":
        return True  # "reports of fraud fell by a fifth": a count of reports, no one's report
    if kind == "report" and word.lower() == "told" and _TOLD_US_OF_DETECTION.match(sentence, end):
        return True  # "our provider told us that a backdoor had been planted": the writer learning of it, a detection
    if kind == "indictment" and _STANDING_CHARGE_BEFORE.search(sentence, max(0, start - 12), start):
        return True  # "where he is charged with fraud": a standing charge, brought some other day
    if kind == "activity-end" and start > date.start and word.lower().endswith("until"):
        return True  # "stayed until" ends at the date after it, not before
    if kind == "takedown" and word[:4].lower() == "seiz" and _BELONGINGS_AFTER.match(sentence, end):
        return True  # "seized his phones and two cars": a suspect's belongings, not the actor's infrastructure
    if kind == "takedown" and (
        word[:4].lower() == "took" or " control " in word.lower() or sentence[end : end + 9].lower() == " control "
    ) and not _LAW_ENFORCEMENT.search(
        sentence, max(0, start - 60), start
    ):
        return True  # "the hacktivists took the portal offline", "the crew gained control of the sites": an attack
    if _QUOTED_TITLE_OPEN.search(sentence, max(0, start - 120), start):
        return True  # 'A story printed on 6 May ("Pupil held over ...")': a title's word
    if kind == "campaign" and _TOPIC_BEFORE.search(sentence, max(0, start - 70), start):
        return True  # "guidance on resisting phishing": a topic
    if kind == "campaign" and word[:1].isupper() and _NAME_BEFORE.search(sentence, max(0, start - 40), start):
        return True  # "the National Office of Incident Response": a word of a name
    return bool(
        kind == "campaign"
        and _INCIDENT_NOUN.fullmatch(word)
        and _REPORTED_OBJECT.search(sentence, max(0, start - 60), start)
        and not _INCIDENT_DATED_AFTER.match(sentence, end)
    )  # "disclosed the breach": the disclosure is the event


#: A name's resolution history before a date: "resolved to 203.0.113.7 between July 4 and
#: July 15", "passive DNS shows ... on Feb. 17": infrastructure, not the actor's activity.
_RESOLUTION = compile_cached(
    r"\b(?:(?:previously\s+|also\s+|last\s+|first\s+)?resolv(?:ed|es|ing)\s+to|(?:was|were)\s+pointed\s+to|passive\s+DNS)\b", re.I)
#: A document a lure copies, passive before its publication verb: "a health notice that was
#: first published on", "this guidance was initially published on" (with _LURE_WORD).
_LURE_SOURCE_PUBLISHED_BEFORE = compile_cached(
    r"\b(?:guidance|notice|document|letter|memo(?:randum)?|announcement|statement|circular|newsletter|invitation|agenda|"
    r"programme|program|form|brochure|leaflet|article|story|press\s+release)\s*,?\s*(?:(?:that|which)\s+)?(?:was|had\s+been|is)\s+"
    r"(?:(?:initially|first|originally)\s+)?(?:published|posted|issued|released|put\s+out)\s+(?:on\s+|in\s+)?$", re.I)
#: A sentence about a lure: the document it dates is the bait's content, not the report.
_LURE_WORD = compile_cached(
    r"\b(?:lures?|decoys?|bait|(?:malicious\s+|weaponi[sz]ed\s+)?attachments?|weaponi[sz]ed|cop(?:y|ies|ied)|imitat\w*|mimic\w*|spoof\w*|masquerad\w*)\b",
    re.I)
#: Deeds the text gives to other actors than its own, before their date: "used in attacks
#: carried out by a number of other malware families this year", "by other groups in 2019".
_OTHERS_DEED_BEFORE = compile_cached(
    r"\bby\s+(?:(?:a\s+)?(?:number|couple|handful)\s+(?:of\s+)?|several\s+|many\s+|some\s+|various\s+)?other\s+"
    r"(?:[\w-]+\s+){0,2}?(?:malware\s+families|families|groups|actors|threat\s+actors|gangs|operators|campaigns)\b[^.;()]{0,40}?$", re.I)
#: An open bound before "N ago": "over a year ago", "more than two months ago".
_MORE_THAN_BEFORE = compile_cached(r"\b(?:over|more\s+than|upwards\s+of|well\s+over)\s+$", re.I)
#: A date that sets a general picture, not a deed: "a portrait of the threat landscape in 2020".
#: A range or a date that picks out people, not a deed: "patients seen between January 2019 and
#: October 2026", "customers who opened accounts since 2020", "staff employed in 2024": its verb ...
_POPULATION_VERB_BEFORE = compile_cached(
    r"\b(?:who\s+(?:were|had\s+been|have\s+been)\s+|(?:we|they)\s+(?:have\s+)?)?"
    r"(?:seen|treated|registered|enrolled|employed|admitted|served|insured|joined|opened\s+(?:an?\s+)?accounts?|"
    r"signed\s+up|visited|tested|vaccinated)\s+(?:(?:between|from|since|in|before|after|during|until)\s+"
    # (a range's second date: "seen between January 2019 and October 2026")
    r"|(?:between|from)\s+[\w ,.-]{1,40}?\s*(?:and|to|until|through|[-–])\s*)$", re.I)
#: ... and the people it picks out, named before the verb in the same clause.
_POPULATION_NOUN = compile_cached(
    r"\b(?:patients|customers|clients|members|students|pupils|staff|employees|people|users|residents|account\s+holders|"
    r"policyholders|subscribers|applicants|voters)\b", re.I)
_LANDSCAPE_BEFORE = compile_cached(r"\b(?:landscape|climate|trends?)\s+(?:in|of|for|during)\s+(?:the\s+year\s+)?$", re.I)


#: What a writer was told that is a detection, not an attribution: "told us that malicious code ...".
_TOLD_US_OF_DETECTION = compile_cached(
    r"\s+us\s+(?:[\w,]+\s+){0,4}?that\s+(?:[\w-]+\s+){0,2}(?:malicious|suspicious|unusual|unauthori[sz]ed|strange|rogue)\b", re.I)
#: A statement dated where it is named: "In a note to investors on Tuesday", "in a
#: filing dated 3 May", "in its notice on Friday" (a joint statement is an agencies' advisory;
#: "..., police said in a statement on Wednesday" is a source's, the deed before it the news).
_STATEMENT_ON = compile_cached(
    r"(?<!said\s)(?<!says\s)(?<!stated\s)(?<!added\s)\b(?:in|via|through)\s+(?:a|an|its|their|his|her|the)\s+(?!joint\b)(?:[\w-]+\s+){0,2}?(?:statement|filing|notice|letter|notification)"
    # "in the notification it made to the regulator on ...": the document its maker sent
    r"(?:\s+(?:it|they|he|she|we|the\s+firm|the\s+company)\s+(?:made|sent|filed|gave|issued|submitted))?"
    r"(?:\s+(?:to|for)\s+(?:[\w'’-]+\s+){0,2}?[\w'’-]+)?\s+(?:(?:on|dated|of)\s+(?:the\s+)?)?$", re.I)
#: What a search seizes from a suspect (no takedown): "seized laptops and crypto wallets", "seized devices holding chat logs".
_BELONGINGS_AFTER = compile_cached(
    r"\s+(?:(?:his|her|their|the\s+suspects?['’]?s?|several|two|three|four|five|\d+)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:laptops?|phones?|mobiles?|smartphones?|devices|computers|cars?|vehicles?|cash|money|jewel\w*|watches|"
    r"(?:crypto(?:currency)?\s+)?wallets?|hard\s+drives?|documents|passports?|assets|property|luxury)\b", re.I)
#: A charge said in the present: "he is charged with", "they stand charged".
_STANDING_CHARGE_BEFORE = compile_cached(r"\b(?:is|are|stands?|remains?)\s+$", re.I)
#: An open quoted title in brackets before a word: '("Student detained'.
_QUOTED_TITLE_OPEN = compile_cached(r"\(\s*[“\"‘'][^”\"’)]*$")
#: A capitalised word of a name before a capitalised trigger word ("Office of Incident").
_NAME_BEFORE = compile_cached(r"(?<![.!?]\s)\b(?-i:[A-Z][\w&’'-]*)\s+(?:(?:of|for|and|on)\s+)?$")


#: A sentence's trigger words, found once: per entry of :data:`_TRIGGERS` (in its
#: order), the (start, end) of every match in sentence offsets, sorted.
_SentenceTriggers = list[tuple[list[int], list[tuple[int, int]]]]


#: Per entry of :data:`_TRIGGERS`, words one of which (lower case) every match of it holds:
#: a sentence without any of them is not searched with that pattern (same matches, fewer
#: scans; ``tests/events/test_action_classes.py`` checks the words against the fixtures).
#: None: always searched.
_TRIGGER_HINTS: tuple[tuple[str, ...] | None, ...] = (
    ("sanction", "designat", "blacklist", "entity", "restrictive", "listings", "list"),
    ("indict", "charge", "complaint", "unsealed"),
    ("sentenced", "convicted", "guilty", "upheld", "uphold", "affirm", "confirm"),
    ("guilty", "arraigned", "warrant", "appeared", "summoned", "appearance", "responsibility", "reward", "restored", "online", "prolong",
     "extend", "renew", "detected", "material", "declaration", "update", "patch", "hotfix", "fixed", "fix", "found", "discovered",
     "spotted", "inquiry", "fine"),
    ("arrest", "detained", "extradit"),
    ("court", "removed", "deleted", "erased", "uninstalled", "offline", "control"),
    ("take", "taken", "took", "seiz", "dismantl", "disrupt", "sinkhol", "shut"),
    ("operation", "action"),
    ("advisor", "alert", "bulletin", "warning", "joint", "guidance", "directive"),
    ("warned", "cautioned"),
    ("added",),
    ("warned", "urged"),
    ("report", "analy", "published", "blog", "paper", "research", "disclosed", "documented", "described", "revealed",
     "detailed", "attribut", "announced", "notified", "informed"),
    ("named", "accused", "said", "stated", "blamed", "attribut", "exposed"),
    ("declaration",),
    ("statement", "announcement"),
    ("public", "name"),
    ("said", "says", "told", "wrote", "admit", "acknowledged"),
    ("confirm",),
    ("discovered", "uncovered"),
    ("discovered", "learned", "aware"),
    ("first", "emerged", "began", "started", "dating", "early", "since"),
    ("first", "earliest"),
    ("last", "recent", "latest", "ceased", "went", "stopped", "disbanded", "retired"),
    ("cut", "evicted", "contained", "shut", "expelled", "until", "locked", "ended", "ceased", "stopped", "halted"),
    None,
)
_NO_TRIGGERS: tuple[list[int], list[tuple[int, int]]] = ([], [])


#: "to list" people or firms is a sanctions listing only in a deciding body's frame (a
#: decision, a vote, ministers, the Council, a sanctions regime within the words before):
#: "used a script to list domain users and members" lists, it sanctions nobody.
_LISTING = compile_cached(r"(?:to|and)\s+list", re.I)
_LISTING_FRAME = compile_cached(
    r"\b(?:decisions?|decided|decides|agreed|agrees|voted|votes|resolved|proposals?|proposed|ministers?|"
    r"council|treasury|governments?|sanctions?\s+(?:regime|list|committee)|regulation)\b",
    re.I,
)


def _sentence_triggers(sentence: str) -> _SentenceTriggers:
    out: _SentenceTriggers = []
    lowered = sentence.lower()
    for (kind, pattern, _), hints in zip(_TRIGGERS, _TRIGGER_HINTS, strict=True):
        if hints is not None and not any(hint in lowered for hint in hints):
            out.append(_NO_TRIGGERS)
            continue
        spans = [m.span() for m in pattern.finditer(sentence)]
        if kind == "sanction":
            spans = [
                (a, b) for a, b in spans
                if not _LISTING.match(sentence, a) or _LISTING_FRAME.search(sentence, max(0, a - 80), a)
            ]
        out.append(([a for a, _ in spans], spans))
    return out


#: "from May 2019 until her arrest": an end said by an event, not a date.
_UNTIL_EVENT = compile_cached(
    r"\s*,?\s*(?:until|till|up\s+to)\s+(?:his|her|their|its|the)\s+(?:[\w-]+\s+)?(?P<event>arrest|extradition|takedown|detention|indictment|conviction)\b",
    re.I,
)
_EVENT_NOUN_KIND = {"arrest": "arrest", "extradition": "arrest", "detention": "arrest", "takedown": "takedown",
                    "indictment": "indictment", "conviction": "conviction"}
#: A date said as an incident's attribute: "the 2022 intrusions", "over the May 2024 breach".
_ATTRIBUTIVE_INCIDENT = compile_cached(
    r"\s+(?:[\w-]+\s+)?(?:(?:cyber-?)?attacks?|intrusions?|breach(?:es)?|hacks?|campaigns?|compromises?|heists?|thefts?|"
    r"ransomware\s+attacks?|data\s+breach(?:es)?|leaks?)\b",
    re.I,
)
_FROM_BEFORE = compile_cached(r"\bfrom\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_BETWEEN_BEFORE = compile_cached(r"\bbetween\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_AND_BEFORE = compile_cached(r"\band\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_AND_GAP = compile_cached(r"\s*and\s+(?:(?:early|mid|late)[\s-]+)?", re.I)
#: A break between a trigger and a date: a clause's or, inside one passage (a numbered
#: item of two sentences), a sentence's end.
_STRONG_BREAK = compile_cached(r";|—|–|,\s*(?:and|but|which|while|when)\b|[a-z0-9)\]]\.\s+(?=[A-Z])")
_BEGAN = compile_cached(r"(?i)began|started")

#: How far (characters) from its date a trigger word may stand.
_TRIGGER_REACH = 300


def _strong_starts(found: _SentenceTriggers) -> list[int]:
    """The sorted starts of a sentence's strong trigger words (strength 1.8 or more)."""
    return sorted(a for (_, _, strength), (starts, _) in zip(_TRIGGERS, found, strict=True) if strength >= 1.8
                  for a in starts)


def _kind_for(
    sentence: str, date: DateMention, others: Sequence[DateMention], found: _SentenceTriggers | None = None,
    strong: Sequence[int] | None = None,
) -> tuple[str, float] | None:
    lo = max(0, date.start - _TRIGGER_REACH)
    hi = date.end + _TRIGGER_REACH
    if found is None:
        found = _sentence_triggers(sentence)
    if strong is None:
        strong = _strong_starts(found)
    sentence = sentence[lo:hi]
    date = replace(date, start=date.start - lo, end=date.end - lo)
    # The other dates in the window that bear on this one: the nearest before (a range's
    # or a "between"'s first part), the nearest after (its second part) and the farthest
    # after (an "until" between): local offsets, found in one pass (a dense run of dates
    # gives each date dozens of neighbours).
    previous: tuple[int, int] | None = None
    following: tuple[int, int] | None = None
    last_start = -1
    for other in others:
        o_start, o_end = other.start - lo, other.end - lo
        if o_start < 0 or o_end > len(sentence):
            continue
        if o_end <= date.start:
            previous = (o_start, o_end)
        elif o_start >= date.end:
            if following is None:
                following = (o_start, o_end)
            last_start = o_start
    before = sentence[: date.start]
    if _UNTIL.search(before[-20:]) and date.surface.lower() in ("today", "now"):
        return None  # "have been going on since June 2014 and continue through today": no end
    # "He was Head of the Centre from 1984 to 1991", "an increase of 9% per year since
    # 1996": a range or a start dates an activity only near words of one.
    activity: list[bool] = []

    def active() -> bool:  # asked only when a date's other conditions hold (the search is costly)
        if not activity:
            activity.append(bool(_ACTIVITY.search(sentence)))
        return activity[0]

    if _FIXED_BEFORE.search(before[-40:]):
        return None  # "which the vendor patched in December 2022"
    if _TO_PRESENT.match(sentence, date.end):
        return "activity-start", 0.8  # "Active: c. 2009 - present", "2014 to date": it began then
    if _COVERAGE_BEFORE.search(before[-50:]):
        return None  # "the tracker starts in January 2024": where a list begins
    if _SINCE.search(before[-40:]) and _DECLINE_BEFORE.search(before[-60:]):
        return None  # "has decreased significantly since early 2014"
    if _INCIDENT_OF.search(before[-30:]):
        return "campaign", 0.9  # "the cyberattack of 3 May": the attack's date
    tail = before[-70:]
    if ("statement" in tail or "filing" in tail or "letter" in tail or "notice" in tail or "notification" in tail) and _STATEMENT_ON.search(tail):
        return "report", 0.9  # "In a note to investors on Tuesday, the firm said": the statement's day
    if _ARTICLE_BEFORE.search(before[-8:]) and _ATTRIBUTIVE_INCIDENT.match(sentence, date.end):
        return "campaign", 0.9  # "over the 2023 intrusions at two casinos": the intrusions' date
    if date.surface[:4].lower() == "for ":
        return "activity-start", 0.7  # "for at least five years": it began then and goes on
    # "10-14 March 2025", "March 10-14": a range of days starts and ends the activity.
    if following is not None and _RANGE_GAP.fullmatch(sentence, date.end, following[0]) and active():
        return "activity-start", 0.8
    if previous is not None and _RANGE_GAP.fullmatch(sentence, previous[1], date.start) and active():
        return "activity-end", 0.8
    if _SINCE.search(before[-40:]) and not (
        # "from 2019" without an end is not a start of activity: the triggers say what it dates
        _FROM_BEFORE.search(before[-30:])
        and not (last_start > date.end and _UNTIL.search(sentence, date.end, last_start))
        and not _UNTIL_EVENT.match(sentence, date.end)
    ) and active():
        return "activity-start", 0.9
    if _RAN_UNTIL.search(before[-40:]):
        return "activity-end", 0.8  # "the activity ran until mid-July": it ended then
    if _UNTIL.search(before[-20:]) and previous is not None and previous[1] < date.start and active():
        return "activity-end", 0.8
    # "between March 2019 and June 2020": the first date starts the activity, the second ends it.
    if _BETWEEN_BEFORE.search(before[-30:]) and following is not None and following[0] > date.end and _AND_GAP.fullmatch(
        sentence, date.end, following[0]
    ) and active():
        return "activity-start", 0.8
    if _AND_BEFORE.search(before[-20:]) and previous is not None and (
        previous[1] < date.start
        and _BETWEEN_BEFORE.search(sentence[max(0, previous[0] - 30) : previous[0]])
        and _AND_GAP.fullmatch(sentence, previous[1], date.start)
    ) and active():
        return "activity-end", 0.8
    best: tuple[float, str] | None = None
    strong_before: tuple[float, str] | None = None
    statement: float | None = None  # the score of a trailing source's verb ("..., police said on Monday")
    began_campaign = False
    # The action a reporting verb reports, when it stands between the verb and the date, is
    # what the date dates ("Treasury said the company supplied servers used to break into
    # ... in late 2023", "named X as responsible for the theft ... last September").
    campaign_starts, campaign_spans = found[_CAMPAIGN_INDEX]
    first_after = bisect.bisect_left(strong, lo + date.end)
    strong_after = strong[first_after : bisect.bisect_left(strong, lo + date.end + 40)]
    # ... and further on in a "that" clause in the perfect: "said on Sunday that it had
    # helped the victims and had issued a bulletin": the bulletin is the news.
    strong_later = (
        strong[first_after : bisect.bisect_left(strong, lo + date.end + 150)] if _THAT_PERFECT.match(sentence, date.end) else []
    )
    campaign_between = campaign_spans[
        bisect.bisect_left(campaign_starts, lo) : bisect.bisect_left(campaign_starts, lo + date.start)
    ]
    for (trigger_kind, _, strength), (starts, spans) in zip(_TRIGGERS, found, strict=True):
        window = spans[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        if not window:
            continue
        began_kinds: dict[int, str] = {}
        if trigger_kind == "activity-start":
            # "the intrusions began in March 2016" dates a campaign, and so does a second
            # "began" of the same subject later in the sentence (in text order).
            for abs_start, abs_end in window:
                if _BEGAN.match(sentence, abs_start - lo, abs_end - lo):
                    began_campaign = began_campaign or bool(
                        _CAMPAIGN_SUBJECT.search(sentence[max(0, abs_start - lo - 60) : abs_start - lo])
                        or _BEGAN_ACTION_AFTER.match(sentence, abs_end - lo)
                    )
                    if began_campaign:
                        began_kinds[abs_start] = "campaign"
        # Nearest first on each side of the date: a trigger's score grows with its
        # distance (the words and breaks between only add up), so the first one on a
        # side that wins or cannot win ends that side (linear in a dense run of triggers).
        split = bisect.bisect_left(starts, lo + date.start, bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi))
        split -= bisect.bisect_left(starts, lo)
        for side in (reversed(window[:split]), window[split:]):
            for abs_start, abs_end in side:
                if abs_end > hi:
                    break  # reaches past the window (and so do the ones after it)
                start, end = abs_start - lo, abs_end - lo
                if start < date.end and end > date.start:
                    continue
                if (
                    start >= date.end
                    and ("after" in sentence[date.end : start] or "before" in sentence[date.end : start])
                    and (offset := _OFFSET.search(sentence, date.end, start)) is not None
                    and not _aside_closed(sentence, offset.end(), start)
                ):
                    # "on Wednesday, a day after he was extradited": another day's action; a
                    # trigger past the aside's comma is this date's ("on Friday, two days
                    # after the outage began, the agency put out its alert")
                    continue
                between = sentence[end : date.start] if end <= date.start else sentence[date.end : start]
                # Distance in words, so that a link's long URL counts as one word.
                distance = float(len(between.split()) + 1)
                if _STRONG_BREAK.search(between):
                    distance *= 3
                elif "," in between:
                    distance *= 2
                takes_strong = (
                    strength >= 1.8
                    and end <= date.start
                    and distance <= 11
                    and (strong_before is None or distance < strong_before[0])
                    # "detained three suspects in October over intrusions earlier that year": a
                    # date between the action and this one is the action's, this one the attacks'
                    and (previous is None or previous[0] < end
                         or _LAW_NAME_BEFORE.search(sentence, max(0, previous[0] - 30), previous[0]) is not None)
                )
                score = distance / strength
                kind = began_kinds.get(abs_start, trigger_kind)
                if not takes_strong and best is not None and score >= best[0]:
                    break  # cannot win, nor can any farther one
                if trigger_kind == "report" and end <= date.start and _SAYS.match(sentence, start) and any(
                    abs_end <= c_start and c_end - lo <= date.start
                    and not _not_this_trigger(sentence, c_start - lo, c_end - lo, "campaign", 1.0, date)
                    for c_start, c_end in campaign_between
                ):
                    continue  # the reported action, nearer the date, dates it
                if trigger_kind == "report" and strength < 1.0 and (
                    any(_REPORTED_DEED.fullmatch(sentence, date.end, a - lo) for a in strong_after)
                    or any(a - lo <= len(sentence) and not _CLAUSE_BREAK.search(sentence, date.end, a - lo) for a in strong_later)
                ):
                    continue  # "prosecutors said on Friday they had charged ...": the charges are the news
                if (
                    trigger_kind == "report" and strength < 1.0
                    and (source := _TRAILING_SOURCE.search(sentence, max(0, start - 60), start)) is not None
                    and bisect.bisect_left(strong, lo) < bisect.bisect_left(strong, lo + source.start())
                ):
                    # "The arrest took place on the 4th, the police said on Wednesday": the
                    # date is the statement's, and the arrest is the news (no event here
                    # unless another trigger is nearer)
                    statement = score if statement is None else min(statement, score)
                    continue
                if trigger_kind == "report" and start >= date.end and campaign_between and _RELATIVE_SUBJECT.fullmatch(
                    sentence, date.end, start
                ):
                    continue  # "the break-ins of late 2019 that Oracle tied to ...": a relative clause
                if _not_this_trigger(sentence, start, end, trigger_kind, strength, date):
                    continue
                if strength >= 1.8 and end <= date.start and _REPORTED_CLAUSE.search(between):
                    # "sanctioned X on Tuesday, saying it had rented servers to the gang in
                    # 2024": the year is the reported deed's, not the sanction's
                    continue
                if takes_strong:
                    strong_before = (distance, kind)
                if best is None or score < best[0]:
                    best = (score, kind)
                break  # a farther one of this trigger on this side scores no better
    if strong_before is not None:
        return strong_before[1], 0.9
    if best is None or (statement is not None and statement < best[0]):
        return None
    confidence = 0.9 if best[0] < 7 else 0.7 if best[0] < 17 else 0.5
    return best[1], confidence


#: Actions a sentence reports by their verb (who did what to whom), each an event of its
#: own: "The FBI seized 12 domains, and the State Department designated a trading firm"
#: is a takedown and a sanction. A sentence with no date of its own takes the date its
#: paragraph last gave ("Two governments acted together Tuesday ... Prosecutors unsealed
#: an indictment ... The Treasury sanctioned ...").
_ACTION = compile_cached(
    r"\b(?:(?P<sanction>sanctioned|impos(?:ed|e)\s+(?:\w+\s+)?(?:sanctions|restrictive\s+measures)|designated(?!\s+(?:as|by|APT|UNC|TA|DEV)\b)|blacklisted|"
    r"froze\s+(?:the\s+)?(?:[\w-]+\s+){0,2}assets)"
    r"|(?P<indictment>indicted|(?<!\bis\s)(?<!\bare\s)charged(?!\s+(?:for|a\s+fee))|unsealed|(?:filed|brought)\s+charges)"
    r"|(?P<conviction>sentenced|convicted|pleaded\s+guilty|pled\s+guilty)"
    r"|(?P<arrest>arrested|detained|extradited)"
    r"|(?P<takedown>seized|took\s+down|taken\s+down|dismantled|sinkholed)"
    r"|(?P<advisory>(?:issued|published|released|put\s+out)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:joint\s+)?(?:cybersecurity\s+)?"
    r"(?:advisory|alert|bulletin|warning|guidance)))\b",
    re.I,
)
#: An action the sentence denies, plans or imagines is not one.
_NOT_DONE_BEFORE = compile_cached(
    r"\b(?:not|never|no|will|would|could|may|might|should|plans?\s+to|expected\s+to|seeks?\s+to|to\s+be)\s+(?:\w+\s+){0,2}$",
    re.I,
)
#: A date said by reference to one just given: "on the same day", "that day", "on the
#: day of the charges".
_SAME_DAY = compile_cached(
    r"\b(?:the\s+same\s+(?:day|evening|night|morning|afternoon)|(?:later\s+|earlier\s+)?that\s+(?:same\s+)?(?:day|evening|night|morning|afternoon)|"
    r"(?:a\s+few\s+|several\s+|two\s+|three\s+)?hours\s+later|the\s+day\s+of\s+the\s+[\w-]+(?:\s+against\s+\w+)?)\b", re.I
)
#: An act that takes effect when the document that makes it is published: "The designations
#: take effect on publication of this instrument", "comes into force on the day of publication".
_ON_PUBLICATION = compile_cached(
    r"\b(?:takes?|took|taking|come|comes|came|enter|enters|entered)\s+(?:into\s+)?(?:effect|force)\s+"
    r"(?P<when>(?:up)?on\s+(?:the\s+(?:day|date)\s+of\s+)?(?:its\s+|their\s+)?publication)\b", re.I)
#: A time that points back at a date the sentence named: "... in February 2025, and four were
#: arrested at that time", "at the same time".
_THAT_TIME = compile_cached(r"\b(?:at\s+that\s+(?:same\s+)?time|at\s+the\s+same\s+time|by\s+that\s+time)\b", re.I)


def _anchor_copies(
    dates: Sequence[DateMention], matches: Iterable[re.Match[str]], *, day_only: bool, fallback: DateMention | None
) -> list[DateMention]:
    """For each anchor phrase ("the same day", "at that time") that no date of ``dates``
    overlaps, a copy of the last date (of a day's precision with ``day_only``) that ends
    before it, else ``fallback``, at the phrase. Linear: the dates are ordered once and
    each phrase looked up by bisection."""
    by_end = sorted((d for d in dates if d.precision == "day" or not day_only), key=lambda d: d.end)
    ends = [d.end for d in by_end]
    by_start = sorted(dates, key=lambda d: d.start)
    starts = [d.start for d in by_start]
    reach: list[int] = []  # the furthest end of the dates starting at or before each one
    for d in by_start:
        reach.append(max(d.end, reach[-1]) if reach else d.end)
    out: list[DateMention] = []
    for match in matches:
        at = bisect.bisect_left(starts, match.end()) - 1
        if at >= 0 and reach[at] > match.start():
            continue  # a date covers the phrase
        last = bisect.bisect_right(ends, match.start()) - 1
        anchor = by_end[last] if last >= 0 else fallback
        if anchor is not None:
            out.append(replace(anchor, start=match.start(), end=match.end(), surface=match.group(0)))
    return out
#: A time said relative to an unnamed one ("the following week", "two weeks later"):
#: a sentence saying it is not at its paragraph's date.
_OTHER_TIME = compile_cached(
    r"\b(?:(?:the\s+)?(?:following|next|previous|prior)\s+(?:day|week|month|year)|later\s+that\s+(?:day|week|month|year)|"
    r"(?:a|one|two|three|four|five|six|several|a\s+few|few|\d+)\s+(?:days?|weeks?|months?|years?)\s+(?:later|earlier|before|after|on)|"
    r"(?:days?|weeks?|months?|years?)\s+(?:later|afterwards))\b",
    re.I,
)
#: An action a number of days or weeks from a date just said: "pleaded on Wednesday, a day
#: after he was extradited" (the extradition on Tuesday).
_OFFSET = compile_cached(
    r"\b(?P<n>a|one|two|three|four|five|six|seven|\d{1,2}|(?<=,\s)the)\s+(?P<unit>days?|weeks?)\s+(?P<dir>after|before)\b", re.I
)
#: Numbers in words, for every pattern that counts days or weeks (each pattern's words are
#: drawn from here, so none admits a word this table cannot read).
_OFFSET_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
#: ", a day after our servers were locked": an appositive after a day, one day (or week) off it.
_OFFSET_WORDS = {**_OFFSET_NUMBERS, "the": 1}


#: A lead time before a day: "were inside for more than three weeks before the wipe on 2 May":
#: the activity began about then (its month, approximate).
_LEAD_TIME = compile_cached(
    r"\b(?:at\s+least|more\s+than|over|about|some|nearly|almost)\s+(?P<n>" + "|".join(_OFFSET_NUMBERS) + r"|\d{1,2})\s+"
    r"(?P<unit>days?|weeks?|months?)\s+before\s+(?:the\s+|its\s+|their\s+)?(?P<what>(?:[\w-]+\s+){0,2}?"
    r"(?:encryption|attack|intrusion|breach|incident|outage|wipe|ransomware|theft|discovery|detection))\b"
    r"(?P<gap>\s*(?:on|of|in)?\s*)", re.I)


def _lead_times(sentence: str, dates: Sequence[DateMention], last_day: DateMention | None) -> list[DateMention]:
    """The start of an activity said as a lead time before a day: the day said right after
    it, else the last day the text named (the incident's, a sentence before)."""
    out: list[DateMention] = []
    for match in _LEAD_TIME.finditer(sentence):
        anchor = next((d for d in dates if d.start == match.end() and d.precision == "day"), None)
        if anchor is None and not any(d.start >= match.end() and d.start - match.end() <= 40 for d in dates):
            anchor = last_day
        if anchor is None or anchor.precision != "day":
            continue
        count = _OFFSET_NUMBERS.get(match.group("n").lower()) or int(match.group("n"))
        unit = match.group("unit").lower()
        days = count * (30 if unit.startswith("month") else 7 if unit.startswith("week") else 1)
        then = dt.date.fromisoformat(anchor.date) - dt.timedelta(days=days)
        out.append(DateMention(match.start(), match.end("what"), f"{then.year:04d}-{then.month:02d}", "approximate", True,
                               match.group(0).strip()))
    return out


def _aside_closed(sentence: str, start: int, end: int) -> bool:
    """Whether a comma between ``start`` and ``end`` closes an aside ("the day after the gang
    struck, the agency published"), not a list's ("a week after the US, Britain and Australia
    sanctioned"): what follows the last comma holds no "and"/"or" of a list, or the word
    before it is no name (a list of names: "the US, Britain and ...")."""
    comma = sentence.rfind(",", start, end)
    if comma < 0:
        return False
    rest = sentence[comma + 1 : end]
    if " and " not in rest and " or " not in rest:
        return True
    words = sentence[start:comma].split()
    return bool(words) and words[-1][:1].islower()


def _offset_actions(sentence: str, dates: Sequence[DateMention]) -> list[tuple[str, DateMention]]:
    """(kind, date) of each action said a number of days or weeks after or before a day the
    sentence has just named: "on Wednesday, a day after he was extradited" is an arrest on
    Tuesday."""
    out: list[tuple[str, DateMention]] = []
    for match in _OFFSET.finditer(sentence):
        anchor = next((d for d in reversed(dates) if d.end <= match.start() and match.start() - d.end <= 120
                       and d.precision == "day" and not _CLAUSE_BREAK.search(sentence, d.end, match.start())), None)
        if anchor is None:
            continue
        # (inside the aside: "..., a day after he was extradited, the court ..." is the extradition's)
        action = next((a for a in _actions(sentence) if match.end() <= a[1] <= match.end() + 80
                       and not _aside_closed(sentence, match.end(), a[1])), None)
        if action is None:
            continue
        count = _OFFSET_WORDS.get(match.group("n").lower()) or int(match.group("n"))
        days = count * (7 if match.group("unit").lower().startswith("week") else 1)
        shift = dt.timedelta(days=days if match.group("dir").lower() == "after" else -days)
        day = dt.date.fromisoformat(anchor.date) - shift
        out.append((action[0], replace(anchor, start=match.start(), end=match.end(), date=day.isoformat(),
                                       resolved=True, surface=match.group(0))))
    return out


_WHEN_AFTER_DATE = compile_cached(r"\s*,?\s*when\b", re.I)
_DENIED_BEFORE = compile_cached(
    r"(?:,\s*|\b)(?:not|rather\s+than|instead\s+of)\s+(?:on\s+|in\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?$", re.I)
_CLAUSE_BREAK = compile_cached(r";|—|–|,\s*(?:and|but|which|while|when|whereas|noting|saying|adding|warning|stressing)\b|\.\s")


def _accepted(sentence: str, date: DateMention, published: dt.date | None) -> bool:
    """Whether ``date`` dates something that happened (not a plan, a theme or a title)."""
    if published is not None and _first_day(date.date) > published:
        return False
    if _RESOLUTION.search(sentence, max(0, date.start - 200), date.start):
        return False  # "the domain resolved to 203.0.113.7 between ...": the name's hosting history, no deed
    if _LURE_SOURCE_PUBLISHED_BEFORE.search(sentence, max(0, date.start - 60), date.start) and _LURE_WORD.search(sentence):
        return False  # "the decoy copies a notice first published on ...": the copied document's day
    if _OTHERS_DEED_BEFORE.search(sentence, max(0, date.start - 120), date.start):
        return False  # "used in attacks by other malware families this year": someone else's deeds
    if (verb := _POPULATION_VERB_BEFORE.search(sentence, max(0, date.start - 100), date.start)) is not None and (
        (noun := _POPULATION_NOUN.search(sentence, max(0, verb.start() - 80), verb.start())) is not None
        and not _CLAUSE_BREAK.search(sentence, noun.end(), verb.start())
    ):
        return False  # "patients seen between January 2019 and ...": who is affected, no deed
    if _LANDSCAPE_BEFORE.search(sentence, max(0, date.start - 30), date.start):
        return False  # "a portrait of the threat landscape in 2020": a general picture, no deed
    if date.resolved and date.surface.lower().endswith(" ago") and _MORE_THAN_BEFORE.search(sentence, max(0, date.start - 16), date.start):
        return False  # "methods observed over a year ago": some time before then, no date
    if _FUTURE.search(sentence[max(0, date.start - 40) : date.start]):
        return False
    if _AS_OF.search(sentence, max(0, date.start - 8), date.start) and _FUTURE.search(sentence, date.end, date.end + 60):
        return False  # "As of January 10, 2023, CISA will no longer update ...": a plan
    if (verb := _DOCUMENT_VERB_BEFORE.search(sentence, max(0, date.start - 30), date.start)) is not None and (
        _OTHER_DOCUMENT_BEFORE.search(sentence, max(0, verb.start() - 60), verb.start())
    ):
        return False  # "the outlook for the year issued on 03.04.2025": another document's day
    if _PIECE_SAID_BEFORE.search(sentence, max(0, date.start - 200), date.start):
        return False  # "That piece also claimed the breach began in May; it began ...": a date retracted
    if _PIECE_PUBLISHED_BEFORE.search(sentence, max(0, date.start - 60), date.start):
        return False  # "A story printed on 6 May (...) had the day wrong": a newspaper piece's day
    if _RECORDED_LABEL.search(sentence, max(0, date.start - 50), date.start):
        return False  # "Conversation recorded on 4 June": when it was recorded, furniture
    if date.resolved and date.surface.lower() == "this week":
        return False  # the week the text is in: too vague to date a deed, which another sentence dates by its day
    if date.surface.lower() == "today" and _GENERIC_TODAY.match(sentence, date.end):
        return False  # "Today they are used for research": nowadays, not a date
    if _DENIED_BEFORE.search(sentence, max(0, date.start - 30), date.start):
        return False  # "on 11 June, not 12 June as first reported": a corrected date
    if date.precision == "year" and _LAW_NAME_BEFORE.search(sentence, max(0, date.start - 30), date.start):
        return False  # "contrary to the Fraud Act 2006": the law's year
    if date.precision == "year" and _FISCAL_YEAR_BEFORE.search(sentence, max(0, date.start - 20), date.start):
        return False  # "the outlook for fiscal year 2025": a period of accounts
    if ("our" in sentence[max(0, date.start - 80) : date.start].lower() or "my" in sentence[max(0, date.start - 80) : date.start].lower()) and _OWN_EARLIER_DOCUMENT_BEFORE.search(
        sentence, max(0, date.start - 80), date.start
    ):
        return False  # "our explainer from January": the publisher's earlier piece
    if _THEME_AFTER.match(sentence, date.end) or _QUOTED_TITLE_BEFORE.search(sentence, max(0, date.start - 120), date.start):
        return False  # "the March 10 anniversary as a theme", a subject line "10th March 2015 campaign"
    return not _FIXED_BEFORE.search(sentence, max(0, date.start - 40), date.start)


def _actions(sentence: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every action verb the sentence states as done."""
    out = []
    for match in _ACTION.finditer(sentence):
        if _NOT_DONE_BEFORE.search(sentence, max(0, match.start() - 40), match.start()):
            continue
        if _QUOTED_TITLE_OPEN.search(sentence, max(0, match.start() - 120), match.start()):
            continue  # a word of a quoted title
        if match.lastgroup == "takedown" and match.group(0)[:4].lower() == "seiz" and _BELONGINGS_AFTER.match(sentence, match.end()):
            continue  # a suspect's belongings seized in a search
        out.append((match.lastgroup or "", match.start(), match.end()))
    return out


#: An action said as what came before the sentence's deed: "after being extradited",
#: "following his arrest", "having been detained".
_DONE_BEFORE_ACTION = compile_cached(r"\b(?:after|following)\s+(?:being|having\s+been)\s+$|\bhaving\s+been\s+$", re.I)


def _date_of_action(sentence: str, start: int, end: int, dates: Sequence[DateMention],
                    starts: Sequence[int] | None = None) -> DateMention | None:
    """The date an action verb is said at: the first after it in its clause ("arrested in
    Estonia last November and extradited ... in February"), else the last before it in
    its clause, else the one that opens the sentence. ``starts``: the dates' starts (in
    order), so that only the dates within reach are looked at (one long sentence of many
    actions and dates stays linear)."""
    if _OTHER_TIME.search(sentence, end, end + 60):
        return None  # "the domains were taken down a week later": not at a date of the sentence
    if _DONE_BEFORE_ACTION.search(sentence, max(0, start - 30), start):
        return None  # "appeared in court yesterday after being extradited": done before that day
    if starts is None:
        starts = [d.start for d in dates]
    # (not a start said with "since": "issued a warning ... active since 2023")
    first_after: DateMention | None = None
    for i in range(bisect.bisect_left(starts, end), len(dates)):
        d = dates[i]
        if d.start - end > 150:
            break
        if not _SINCE.search(sentence, max(0, d.start - 40), d.start):
            first_after = d
            break
    if first_after is not None and not _CLAUSE_BREAK.search(sentence, end, first_after.start):
        return first_after
    # a date that ends at most 200 characters before the verb starts at most 400 before it
    window = range(bisect.bisect_left(starts, start - 400), bisect.bisect_left(starts, start))
    before = [d for d in (dates[i] for i in window) if d.end <= start and start - d.end <= 200]
    if before and _OFFSET.search(sentence, before[-1].end, start):
        return None  # "on Wednesday, a day after he was extradited": see _offset_actions
    if before and not _CLAUSE_BREAK.search(sentence, before[-1].end, start):
        return before[-1]
    if before and (when := _WHEN_AFTER_DATE.match(sentence, before[-1].end)) is not None and not _CLAUSE_BREAK.search(
        sentence, when.end(), start
    ):
        return before[-1]  # "since February 2025, when police seized its servers and arrested four": the when-clause's date
    # A date that opens the sentence ("On Monday the Justice Department charged ..., and
    # the State Department designated ...") is the date of all its clauses.
    if len(before) == 1 and dates[0] is before[0] and before[0].start <= 12 + len(sentence) - len(sentence.lstrip()):
        return before[0]
    return None


#: A live blog's entry opening with a time of day ("09:40 -", "14:05 BST:", "[18:40]"):
#: it is at the day of the dated heading above it (not "[00:01:05]", a recording's offset).
_CLOCK_ENTRY = compile_cached(
    r"\s*\[?(?:[01]?\d|2[0-3])[:.][0-5]\d(?![:.]\d)(?:\s*[ap]\.?m\.?)?(?:\s+(?-i:[A-Z]{2,4}T?|BST|GMT|UTC|CET|CEST))?\]?"
    r"(?:\s*[-–—:|]\s*|\s+)(?=[\"“A-Z])",
    re.I,
)
_TIME_OF_TODAY = compile_cached(r"(?:earlier\s+|later\s+)?today|this\s+(?:morning|afternoon|evening)|tonight", re.I)
#: Lines that date something else than the entries under them.
_NOT_A_DAY_HEADING = compile_cached(r"\s*(?:related|read\s+more|see\s+also|more\s+on|correction|photo|image)\b", re.I)
_COUNT = r"(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
#: A time said from the last day named: "Six days earlier", "two weeks later", "the next
#: day", "the following Monday", "a week after the indictment".
_ANCHORED = compile_cached(
    r"\b(?:" + _COUNT + r"\s+(?P<unit>days?|weeks?)\s+(?P<dir>earlier|later|before(?=\s+the\s+(?P<noun>[\w-]+))|after(?=\s+the\s+(?P<noun2>[\w-]+))|before(?=\s*[,.;])|after(?=\s*[,.;]))"
    r"|the\s+(?P<next>next|following|previous|prior)\s+(?P<unit2>day|morning|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.I,
)
_ANCHOR_NUMBERS = {**_OFFSET_NUMBERS, "an": 1, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
#: A heading that names the document as an act of its publisher: a bulletin or an advisory
#: is an advisory, a notice of a data incident or a statement on an attack a report, at the
#: publication date ("Bulletin #204 | 12.06.2025", "NOTICE OF DATA BREACH",
#: "Statement on the cyberattack against ...").
_DOCUMENT_ACT = compile_cached(
    r"\s*(?:[\w-]+\s*[|:]\s*)?(?:(?P<advisory>(?:joint\s+|cyber\s?security\s+|security\s+|threat\s+)*(?:advisory|bulletin|alert|flash)(?:\s*(?:#|no\.?|number)\s*[\w-]+\b|\s*[|:–—-]|\s+(?:[A-Z]{2,}[\w-]*|\d[\w-]*)\b))"
    # a judge's sentencing remarks: the sentence is passed on the day they are given
    r"|(?P<conviction>sentencing\s+remarks\b|(?:judgment|decision)\s+on\s+sentence\b)"
    r"|(?P<report>ad[\s-]hoc\s+(?:announcement|disclosure|notification|release)\b|(?:notice|notification)\s+of\s+(?:a\s+)?(?:data\s+)?(?:security\s+|privacy\s+|cyber\s?security\s+)?(?:incident|breach)"
    r"|data\s+(?:security\s+)?(?:incident|breach)\s+notice|(?:IT\s+|cyber\s?security\s+|security\s+|privacy\s+|data\s+)+(?:incident\s+)?notice\b|"
    r"(?:an?\s+)?(?:message|letter|update)\s+(?:to|for)\s+(?:our|all)\s+(?:[\w-]+\s+)?(?:community|customers|patients|students|staff|members|users|clients|employees|neighbou?rs)\b|statement\s+(?:on|regarding|about|concerning)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:cyber-?)?(?:attacks?|incident|intrusion|breach|hack)))",
    re.I,
)
#: A government's statement attributing in the present tense: its act is the publication's.
_PRESENT_ATTRIBUTION = compile_cached(
    r"\b(?:government|ministry|council|cabinet|foreign\s+office|state\s+department|presidency|republic|kingdom|"
    r"commonwealth|european\s+union|alliance)\b[^.;]{0,160}?\b(?P<verb>(?:publicly\s+|formally\s+|officially\s+)?attributes)\b(?=[^.;]{0,250}?\bto\b)|"
    # "The Government ..., on the basis of ..., states that the attacks ... were the work of X"
    r"\b(?:government|ministry|council|cabinet|foreign\s+office|state\s+department|presidency|republic|kingdom|"
    r"commonwealth|european\s+union|alliance)\b[^.;]{0,160}?\b(?P<verb2>(?:publicly\s+|formally\s+|officially\s+)?(?:states|declares|concludes|assesses))\s+that\b"
    r"(?=[^.;]{0,250}?\b(?:(?:was|were)\s+(?:the\s+work\s+of|carried\s+out\s+by|conducted\s+by)|(?:is|are|was|were)\s+responsible|(?:is|are|was|were)\s+behind)\b)",
    re.I,
)


_SUBORDINATE = compile_cached(r"\b(?:that|which|who|whom|whose)\b", re.I)
#: A story's place dateline ("OSLO, March 3 (Wire) -", "TALLINN, 4 May 2025 —"): its date is
#: the story's, not an event's.
_STORY_DATELINE = compile_cached(
    r"\s*(?:(?-i:[A-Z][A-Z.'’ -]{1,40})|(?-i:[A-Z][a-zà-ÿ.'’-]+)(?:\s(?-i:[A-Z])[a-zà-ÿ.'’-]+){0,2})(?:,\s*(?-i:[A-Z])[\w.' -]{1,30})?,\s+"
    r"(?:(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+[0-3]?\d|[0-3]?\d\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?)"
    r"(?:,?\s+(?:19|20)\d\d)?"
    # "Bremen, 07.03.2025 -", "Lisbon, 2025-03-07 -"
    r"|[0-3]?\d[./-][01]?\d[./-](?:19|20)\d\d|(?:19|20)\d\d-[01]\d-[0-3]\d)\s*(?:\([^)]{1,40}\)\s*)?(?:-{1,3}|[—–])\s",
)


def _anchored_dates(sentence: str, dates: Sequence[DateMention], last_day: DateMention | None,
                    last_of_kind: dict[str, DateMention]) -> list[DateMention]:
    """The dates a sentence says from a day named before: "Six days earlier" (from the last
    day), "the following Monday", "a week after the indictment" (from the last indictment)."""
    out: list[DateMention] = []
    for match in _ANCHORED.finditer(sentence):
        if any(d.start < match.end() and match.start() < d.end for d in dates):
            continue
        noun = match.group("noun") or match.group("noun2")
        anchor: DateMention | None
        if noun:
            kind = next((k for k, pattern, strength in _TRIGGERS if strength >= 1.0 and k != _NO_EVENT and pattern.fullmatch(noun)), None)
            anchor = last_of_kind.get(kind) if kind else None
        else:
            anchor = next((d for d in reversed(dates) if d.end <= match.start() and d.precision == "day"), last_day)
        if anchor is None or anchor.precision != "day":
            continue
        base = dt.date.fromisoformat(anchor.date)
        if match.group("next"):
            unit = match.group("unit2").lower()
            back = match.group("next").lower() in ("previous", "prior")
            if unit in ("day", "morning"):
                day = base + dt.timedelta(days=-1 if back else 1)
            else:
                gap = (_WEEKDAYS[unit] - base.weekday()) % 7 or 7
                day = base - dt.timedelta(days=(7 - gap) or 7) if back else base + dt.timedelta(days=gap)
        else:
            count = _ANCHOR_NUMBERS.get(match.group("n").lower()) or int(match.group("n"))
            days = count * (7 if match.group("unit").lower().startswith("week") else 1)
            direction = match.group("dir").lower()
            day = base - dt.timedelta(days=days) if direction in ("earlier", "before") else base + dt.timedelta(days=days)
        out.append(DateMention(match.start(), match.end(), day.isoformat(), "day", True, match.group(0)))
    return out


#: Words without which a table row holds no action (a quick screen before its dates are read).
_ROW_ACTION_HINT = compile_cached(
    r"(?i:sanction|designat|blacklist|indict|charge|complaint|unseal|sentenc|convict|guilty|arrest|detain|extradit|"
    r"seiz|took|take|dismantl|disrupt|sinkhol|shut|court|advisor|alert|bulletin|warn|guidance|restrictive|removed|deleted|erased)"
)
_STRONG_TRIGGERS = tuple((kind, pattern) for kind, pattern, strength in _TRIGGERS if strength >= 1.8)


def _row_events(row: str, dates: Sequence[DateMention]) -> list[tuple[str, DateMention]]:
    """The actions of a table row (or a "|"-separated line) one of whose cells is only a
    date: a docket's or a timeline's row ("02/03/2025 | 1 | INDICTMENT as to ...", "|
    2024-11-02 | Arrested in Warsaw |"). Only the strong kinds (sanction, indictment,
    conviction, arrest, takedown, advisory): an indicator table's "first seen" column
    dates no campaign. The kind is the strong trigger nearest the date cell ("Arrest
    Warrant Issued" is no event)."""
    out: list[tuple[str, DateMention]] = []
    for date in dates:
        before = row[: date.start].rstrip()
        after = row[date.end :].lstrip()
        if not ((not before.strip("| ") or before.endswith("|")) and (not after or after.startswith("|"))):
            continue  # not a date cell
        nearest: tuple[int, str] | None = None
        for kind, pattern in _STRONG_TRIGGERS:
            for match in pattern.finditer(row):
                if match.start() < date.end and date.start < match.end():
                    continue
                distance = match.start() - date.end if match.start() >= date.end else date.start - match.end()
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, kind)
        if nearest is not None and nearest[1] != _NO_EVENT:
            out.append((nearest[1], date))
    return out


#: A field of a page's or a post's metadata line, between separators: a count of comments,
#: replies, views or reading minutes ("612 comments", "4 min read", "1,284 reactions").
_META_COUNT = compile_cached(
    r"(?:^|[·•|]\s*)(?:\d[\d,.]*[kKmM]?\s+(?:comments?|replies|views|reads|shares|likes|reactions|reposts|retweets)"
    r"|(?:\d+\s+)?min(?:ute)?s?\s+read)\s*(?:[·•|]|$)"
)


@dataclass(frozen=True, slots=True)
class _TableHeader:
    """A timeline table's columns: which holds the date, which name sources (not read)."""

    date: int
    sources: frozenset[int]


#: A column header naming when a row happened ("When", "Date", "Date (UTC)", "Day").
_DATE_COLUMN = compile_cached(r"(?:when|date|day|time|timestamp|period|date\s+(?:and|&)\s+time|date\s*\([\w ]{1,12}\))", re.I)
#: A column header naming where a row's facts come from: its cells cite, they tell nothing.
_SOURCE_COLUMN = compile_cached(r"(?:sources?|references?|links?|citations?|via|reported\s+by|ref\.?)", re.I)
#: What a timeline's other column says happened ("What happened", "Event", "Action", "Details").
_WHAT_COLUMN = compile_cached(
    r"(?:what(?:\s+happened)?|events?|actions?|developments?|details?|descriptions?|summary|incidents?|activity|step)", re.I)
_ROW_SEPARATOR = compile_cached(r"[\s|:+=-]*")


def _cells(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each cell of a "|"-separated line, outer pipes left out."""
    out: list[tuple[int, int]] = []
    start = 0
    for at, char in enumerate(line + "|"):
        if char == "|":
            if at > start or out:
                out.append((start, at))
            start = at + 1
    if out and not line[out[-1][0] : out[-1][1]].strip():
        out.pop()
    if out and not line[out[0][0] : out[0][1]].strip() and line.lstrip().startswith("|"):
        out.pop(0)
    return out


def _table_header(line: str) -> _TableHeader | None:
    """The columns of a timeline table's header row, or None when ``line`` is no such row:
    one cell names the date, another what happened (the sources column is set aside)."""
    if "\n" in line.strip() or len(line) > 200:
        return None
    cells = [line[a:b].strip() for a, b in _cells(line)]
    if len(cells) < 2:
        return None
    dates = [i for i, cell in enumerate(cells) if _DATE_COLUMN.fullmatch(cell)]
    whats = [i for i, cell in enumerate(cells) if _WHAT_COLUMN.fullmatch(cell)]
    if len(dates) != 1 or not whats:
        return None
    return _TableHeader(dates[0], frozenset(i for i, cell in enumerate(cells) if _SOURCE_COLUMN.fullmatch(cell)))


def _timeline_rows(sentence: str, span: Span, header: _TableHeader) -> list[tuple[Span, str]]:
    """The rows of a timeline table as sentences: each line with its cells joined by commas
    and its sources column blanked (same length, so positions hold), with the line's span.
    A timeline's row says what happened on its date as a sentence would ("9 June 2025 |
    Intruders wipe a server | Press release" reads "9 June 2025, Intruders wipe a server")."""
    out: list[tuple[Span, str]] = []
    offset = 0
    for line in sentence.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if not line.strip() or _ROW_SEPARATOR.fullmatch(line) or "|" not in line:
            continue
        if (again := _table_header(line)) is not None:
            header = again
            continue
        cells = _cells(line)
        if len(cells) <= header.date or not line[cells[header.date][0] : cells[header.date][1]].strip():
            continue
        chars = [" "] * len(line)
        for number, (a, b) in enumerate(cells):
            if number not in header.sources:
                chars[a:b] = line[a:b]
            if number + 1 < len(cells):
                chars[b] = ","  # the pipe between two cells; outer pipes are blanked
        masked = "".join(chars)
        out.append((Span(span.start + start, span.start + start + len(line)), masked))
    return out


def _heading_day(text: str, items: Sequence[Passage], headings: Sequence[int], published: dt.date | None,
                 day_first: bool | None) -> DateMention | None:
    """The day of the last dated heading line (``headings`` are the indexes of the heading
    passages seen so far), else the publication's: a live blog's entries are at it."""
    for index in reversed(headings[-30:]):
        heading = text[items[index].span.start : items[index].span.end]
        if len(heading) <= 120 and not _NOT_A_DAY_HEADING.match(heading):
            days = [d for d in find_dates(heading, published, day_first) if d.precision == "day"]
            if days:
                return days[-1]
    return DateMention(0, 0, published.isoformat(), "day", True, "") if published is not None else None


#: Words a date heading may hold beside its date ("Late 2023", "In January 2024", "Three weeks later").
_HEADING_FILLER = compile_cached(r"(?:\W|\b(?:in|on|since|by|the|of|around|from|until|about|circa|c)\b)*", re.I)


#: A heading's closing bracket that holds a period: "(2021-09 to 2022-09)", "(March 2020 -
#: June 2021)", "(2019-2021)".
_TITLE_RANGE = compile_cached(
    r"\(\s*(?P<a>(?:19|20)\d\d(?:-[01]\d)?|[A-Z][a-z]{2,8}\.?\s+(?:19|20)\d\d)\s*(?:[-–—]|to|until|through)\s*"
    r"(?P<b>(?:19|20)\d\d(?:-[01]\d)?|[A-Z][a-z]{2,8}\.?\s+(?:19|20)\d\d)\s*\)\s*$")
_YEAR_MONTH = compile_cached(r"((?:19|20)\d\d)(?:-([01]\d))?")


def _title_range(heading: str, published: dt.date | None, day_first: bool | None) -> list[tuple[str, DateMention]]:
    """The activity-start and -end a heading's bracketed period gives, or none."""
    match = _TITLE_RANGE.search(heading)
    if match is None:
        return []
    bounds: list[DateMention] = []
    for group in ("a", "b"):
        value, at = match.group(group), match.start(group)
        numeric = _YEAR_MONTH.fullmatch(value)
        if numeric is not None:
            month = numeric.group(2)
            if month is not None and not 1 <= int(month) <= 12:
                return []
            iso, precision = (f"{numeric.group(1)}-{month}", "month") if month else (numeric.group(1), "year")
            bounds.append(DateMention(at, at + len(value), iso, precision, False, value))
        else:
            found = find_dates(value, published, day_first)
            if len(found) != 1 or found[0].precision != "month":
                return []
            bounds.append(replace(found[0], start=at, end=at + len(value)))
    if bounds[0].date >= bounds[1].date:
        return []
    return [("activity-start", bounds[0]), ("activity-end", bounds[1])]


def _heading_date(heading: str, published: dt.date | None, day_first: bool | None,
                  anchor: DateMention | None) -> DateMention | None:
    """The date a heading that is only a date names ("Late 2023", "9 April 2024"), or
    the day a heading says from the last dated one ("Three weeks later", "The next day")."""
    if len(heading) > 60:
        return None
    dates = find_dates(heading, published, day_first)
    if not dates and anchor is not None and _ANCHORED.search(heading):
        dates = _anchored_dates(heading, [], anchor, {})
    if len(dates) != 1:
        return None
    rest = heading[: dates[0].start] + " " + heading[dates[0].end :]
    return dates[0] if _HEADING_FILLER.fullmatch(rest) else None


@dataclass(frozen=True, slots=True)
class EventCandidate:
    """An event the rules emitted or passed over, for a learned judge to score
    (``scripts/train_events.py``, ``docs/event-model.md``): ``path`` says which rule made it (``trigger``,
    ``action``, ``carry`` ...; ``alt`` another trigger kind within reach of a date the
    rules gave one kind, ``alt-none`` a date the rules gave none, ``alt-unaccepted`` a
    date the rules judged no deed's); ``date`` is the date mention (offsets in the
    sentence at ``event.span`` when ``in_sentence``)."""

    event: Event
    date: DateMention
    index: int
    path: str
    in_sentence: bool


@dataclass(slots=True)
class CandidateLog:
    """What :func:`event_candidates` collects: every candidate, the passages, and each
    prose passage's trigger matches and dates (by passage index, so a judge need not search again)."""

    items: list[Passage]
    candidates: list[EventCandidate]
    triggers: dict[int, _SentenceTriggers]
    #: Every date each prose passage holds (by passage index), read or not.
    dates: dict[int, list[DateMention]]


def extract_events(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
    targets: Sequence[TargetMention] = (),
) -> list[Event]:
    """Sentences stating that something happened at a date.

    Each date of a sentence gives the event its nearest trigger names; each further
    action verb of the sentence gives one more, at the date of its clause; a sentence
    without a date states its actions at the date its paragraph last gave (day dates
    and dates resolved against the publication, the way news sets a scene), and "the
    same day" is the last day named.
    """
    return _rule_events(text, context, actors, targets, None)


def event_candidates(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
    targets: Sequence[TargetMention] = (),
) -> tuple[list[Event], CandidateLog]:
    """The rules' events (as :func:`extract_events` gives them) and every candidate the
    rules made on the way, with the kinds of other triggers within reach of each date."""
    log = CandidateLog([], [], {}, {})
    return _rule_events(text, context, actors, targets, log), log


def _trigger_kinds_near(found: _SentenceTriggers, date: DateMention) -> list[str]:
    """The event kinds of the trigger words within reach of ``date`` (in :data:`_TRIGGERS` order)."""
    lo, hi = date.start - _TRIGGER_REACH, date.end + _TRIGGER_REACH
    kinds: list[str] = []
    for (kind, _, _), (starts, spans) in zip(_TRIGGERS, found, strict=True):
        if kind == _NO_EVENT or kind in kinds:
            continue
        for start, end in spans[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]:
            if end <= date.start or start >= date.end:  # (not a word of the date itself)
                kinds.append(kind)
                break
    return kinds


def _rule_events(
    text: str,
    context: ExtractContext | None,
    actors: Sequence[ActorMention],
    targets: Sequence[TargetMention],
    log: CandidateLog | None,
) -> list[Event]:
    published = context.published if context is not None else None
    items = passages(text)
    if log is not None:
        log.items = list(items)
    actor_index = ActorIndex(actors)
    events: list[Event] = []
    seen: set[tuple[str, str, int]] = set()
    targeted = sorted(
        (t for t in targets if t.role in ("target", "victim")), key=lambda t: t.span.start
    )
    target_starts = [t.span.start for t in targeted]
    carry: tuple[int, DateMention] | None = None  # (paragraph, the date it last gave)
    last_day: DateMention | None = None
    last_of_kind: dict[str, DateMention] = {}
    day_first = numeric_day_first(text)
    published_iso = published.isoformat() if published is not None else None
    headings: list[int] = []  # the heading passages seen, for a live blog's entry days
    in_header = True  # before the first prose passage
    # The actions a title states ("Five arrested over ransomware attacks"), for the lede's day.
    title_actions: list[str] = []
    lede_done = False
    previous_paragraph = -1
    # A timeline's date heading ("Late 2023", "Three weeks later") and its paragraph: the
    # entry under it is at that date.
    section: tuple[int, DateMention] | None = None
    section_day: DateMention | None = None  # the last day a date heading named
    table_header: _TableHeader | None = None  # the columns of the timeline table being read

    def make(kind: str, date: DateMention, span: Span, index: int, confidence: float) -> Event:
        lo = bisect.bisect_left(target_starts, span.start)
        hi = bisect.bisect_left(target_starts, span.end)
        return Event(
            kind=kind,
            date=date.date,
            precision=date.precision,
            span=Span(span.start, span.end),
            date_surface=date.surface,
            actor_ids=actor_index.for_passage(index, items),
            target_values=tuple(dict.fromkeys(t.value for t in targeted[lo:hi])),
            resolved=date.resolved,
            confidence=confidence,
        )

    def emit(kind: str, date: DateMention, span: Span, index: int, confidence: float, path: str = "trigger") -> None:
        key = (kind, date.date, span.start)
        if key in seen:
            return
        seen.add(key)
        if date.precision == "day":
            last_of_kind[kind] = date
        event = make(kind, date, span, index, confidence)
        events.append(event)
        if log is not None:
            in_sentence = text[span.start + date.start : span.start + date.end] == date.surface and date.end > date.start
            log.candidates.append(EventCandidate(event, date, index, path, in_sentence))

    def passed_over(kinds: Sequence[str], date: DateMention, span: Span, index: int, path: str) -> None:
        """Record (not emit) a candidate per kind the rules did not give ``date``."""
        assert log is not None
        for kind in kinds:
            if (kind, date.date, span.start) not in seen:
                log.candidates.append(EventCandidate(make(kind, date, span, index, 0.5), date, index, path, True))

    for index, passage in enumerate(items):
        span = passage.span
        first_of_paragraph = passage.paragraph != previous_paragraph
        previous_paragraph = passage.paragraph
        if passage.kind == "heading" and not passage.citation:
            headings.append(index)
            if not passage.furniture and not in_header:  # a dateline above the text is the publication's
                heading_date = _heading_date(text[span.start : span.end], published, day_first, section_day or last_day)
                section = (passage.paragraph, heading_date) if heading_date is not None else None
                if heading_date is not None and heading_date.precision == "day":
                    section_day = heading_date
            heading_text = text[span.start : span.end]
            if heading_text.rstrip().endswith(")") and not passage.furniture:
                # a title's period in brackets, "... (2021-09 to 2022-09)": the activity it covers
                for kind, bound in _title_range(heading_text, published, day_first):
                    emit(kind, bound, span, index, 0.7, path="title-range")
            if ":" in heading_text and (field := _ACTIVE_FIELD.match(heading_text)) is not None:
                # an infobox's "Active: c. 2009 - present": the activity's start
                first = next(iter(find_dates(heading_text[field.end() :], published, day_first)), None)
                if first is not None:
                    emit("activity-start", replace(first, start=first.start + field.end(), end=first.end + field.end()),
                         span, index, 0.7, path="active-field")
            act = _DOCUMENT_ACT.match(text, span.start, span.end) if in_header else None
            if act is not None and published is not None:
                emit(act.lastgroup or "", DateMention(0, 0, published.isoformat(), "day", True, act.group(0).strip()),
                     span, index, 0.7, path="document-act")
            if not passage.furniture and in_header and _ACTION.search(heading_text) is not None:
                if not title_actions:
                    title_actions = [kind for kind, _, _ in _actions(heading_text)]
                # a case header's "... - sentenced 27 November 2026": the action with its full date
                for kind, _, end in _actions(heading_text):
                    dated = next((d for d in find_dates(heading_text[end : end + 40], published, day_first)
                                  if d.start <= 4 and d.precision == "day" and not d.resolved), None)
                    if dated is not None:
                        emit(kind, replace(dated, start=dated.start + end, end=dated.end + end), span, index, 0.7, path="header-action")
        if passage.kind != "heading" and not passage.furniture:
            in_header = False
        sentence = text[span.start : span.end]
        # a row of the timeline table being read, whatever the splitter took it for (a short
        # first row may come as a heading)
        # (a timeline table's header row, "When | What happened | Source", names the columns
        # of the rows below it)
        new_header = _table_header(sentence) if "|" in sentence else None
        timeline_row = table_header is not None and "|" in sentence and new_header is None
        if new_header is not None or not (passage.tabular or passage.kind == "table" or timeline_row):
            table_header = new_header
        if passage.furniture or passage.citation or (passage.kind == "heading" and not timeline_row):
            continue
        if "\n" not in sentence.strip() and _META_COUNT.search(sentence):
            continue  # a post's metadata line ("Posted 2 May 2025 by u/y · 48 replies"): furniture
        units = [(span, sentence)]
        if timeline_row or passage.kind == "table" or passage.tabular or ("|" in sentence and sentence.count("|") >= 2):
            header = table_header or _table_header(sentence.split("\n", 1)[0])
            rows = _timeline_rows(sentence, span, header) if header is not None else []
            if not rows:
                dates = find_dates(sentence, published, day_first) if _ROW_ACTION_HINT.search(sentence) else []
                for kind, date in _row_events(sentence, dates) if dates else ():
                    if _accepted(sentence, date, published):
                        emit(kind, date, span, index, 0.8, path="table-row")
                continue
            # a timeline's rows ("When | What happened | Source"): each reads as a sentence
            units = rows
        for span, sentence in units:
            dates = find_dates(sentence, published, day_first)
            # (the first prose of its paragraph: a byline line above it may share the paragraph)
            opens = first_of_paragraph or (index > 0 and items[index - 1].kind == "heading")
            if dates and opens and (story := _STORY_DATELINE.match(sentence)) is not None:
                dates = [d for d in dates if d.start >= story.end()]
            if not dates and section is not None and section[0] == passage.paragraph:
                # an entry under a date heading, without a date of its own: at the heading's
                dates = [replace(section[1], start=0, end=0)]
            clock = (
                _CLOCK_ENTRY.match(sentence)
                if first_of_paragraph and published is not None and sentence.lstrip()[:1] in "[0123456789" else None
            )
            entry_day = _heading_day(text, items, headings, published, day_first) if clock is not None else None
            if clock is not None and entry_day is not None and not any(d.start < clock.end() for d in dates):
                # "this evening", "today" in the entry are its day, not the publication's
                dates = [replace(d, date=entry_day.date) if d.resolved and _TIME_OF_TODAY.fullmatch(d.surface) else d for d in dates]
                dates.insert(0, replace(entry_day, start=clock.start(), end=clock.end(), surface=clock.group(0).strip(" -–—:|")))
            if "day" in sentence or "hat " in sentence or "same " in sentence or "ours" in sentence or "publication" in sentence:
                # "the same day" is the last day named before it, in this sentence or before
                dates.extend(_anchor_copies(dates, _SAME_DAY.finditer(sentence), day_only=True, fallback=last_day))
                if published_iso is not None and "publication" in sentence:
                    for match in _ON_PUBLICATION.finditer(sentence):
                        # "these listings apply from the day this order is published": the
                        # act's day is the document's own
                        dates.append(DateMention(match.start("when"), match.end("when"), published_iso, "day", True,
                                                 match.group("when")))
                if " time" in sentence:
                    # "four were arrested at that time": the date named before it in the
                    # sentence, whatever its precision (a month, a year)
                    dates.extend(_anchor_copies(dates, _THAT_TIME.finditer(sentence), day_only=False, fallback=None))
                dates.sort(key=lambda d: d.start)
            if (
                "later" in sentence or "earlier" in sentence or "before" in sentence or "after" in sentence
                or "following" in sentence or "next" in sentence or "previous" in sentence or "prior" in sentence
            ) and _ANCHORED.search(sentence):
                dates.extend(_anchored_dates(sentence, dates, last_day, last_of_kind))
                dates.sort(key=lambda d: d.start)
            if published is not None and ("attributes" in sentence or " that " in sentence):
                for match in _PRESENT_ATTRIBUTION.finditer(sentence):
                    verb = "verb" if match.group("verb") else "verb2"
                    if _SUBORDINATE.search(sentence, 0, match.start(verb)):
                        continue  # "a group that the Government attributes to ...": a standing view
                    today = DateMention(match.start(verb), match.end(verb), published.isoformat(), "day", True, match.group(verb))
                    emit("report", today, span, index, 0.7, path="present-attribution")
            if "before" in sentence and _LEAD_TIME.search(sentence):
                for lead in _lead_times(sentence, dates, last_day):
                    emit("activity-start", lead, span, index, 0.7, path="lead-time")
            if not dates:
                if carry is not None and _OTHER_TIME.search(sentence):
                    carry = None
                if carry is not None and carry[0] == passage.paragraph:
                    for kind, _, _ in _actions(sentence):
                        emit(kind, carry[1], span, index, 0.7, path="carry")
                continue
            accepted = [d for d in dates if _accepted(sentence, d, published)
                        and not (d.date == published_iso and _PUBLICATION_LABEL.search(sentence, max(0, d.start - 40), d.start))
                        and not (d.resolved and _MODAL_CLAUSE.search(sentence, max(0, d.start - 100), d.start))]
            triggers = _sentence_triggers(sentence) if accepted or log is not None else []
            strong = _strong_starts(triggers) if accepted else []
            if log is not None:
                log.triggers[index] = triggers
                log.dates[index] = list(dates)
                taken = {id(d) for d in accepted}
                for date in dates:
                    if id(date) not in taken and date.end > date.start:
                        passed_over(_trigger_kinds_near(triggers, date), date, span, index, "alt-unaccepted")
            # Only dates within trigger reach can bear on each other: look them up by
            # position, so a sentence with many dates stays linear.
            starts = [d.start for d in dates]
            for date in accepted:
                nearby = dates[
                    bisect.bisect_left(starts, date.start - _TRIGGER_REACH) : bisect.bisect_right(
                        starts, date.end + _TRIGGER_REACH
                    )
                ]
                found = _kind_for(sentence, date, nearby, triggers, strong)
                if found is not None and found[0] != _NO_EVENT:
                    emit(found[0], date, span, index, found[1], path="trigger")
                if log is not None and date.end > date.start:
                    chosen = found[0] if found is not None else None
                    passed_over([k for k in _trigger_kinds_near(triggers, date) if k != chosen], date, span, index,
                                "alt" if chosen not in (None, _NO_EVENT) else "alt-none")
            if accepted and ("after" in sentence or "before" in sentence):
                for kind, shifted in _offset_actions(sentence, accepted):
                    emit(kind, shifted, span, index, 0.8, path="offset")
            if accepted and ("until" in sentence or "till" in sentence or "up to" in sentence):
                # "from May 2019 until her arrest": the activity ended at the arrest the text dated
                for match in _UNTIL_EVENT.finditer(sentence):
                    ended = last_of_kind.get(_EVENT_NOUN_KIND.get(match.group("event").lower(), ""))
                    if ended is not None and any(d.end <= match.start() for d in accepted):
                        emit("activity-end", replace(ended, start=match.start(), end=match.end(), surface=match.group(0).strip(" ,")),
                             span, index, 0.7, path="until-event")
            if accepted and not lede_done:
                lede_done = True
                # The title's action is the story's news, at the day the lede first names ("Five
                # arrested ..." above "The police today carried out an operation ..."): the lede
                # tells it in other words.
                lede_day = next((d for d in accepted if d.precision == "day"), None)
                if lede_day is not None:
                    for kind in title_actions:
                        emit(kind, lede_day, span, index, 0.6, path="lede")
            if accepted:
                accepted_starts = [d.start for d in accepted]
                for kind, start, end in _actions(sentence):
                    own = _date_of_action(sentence, start, end, accepted, accepted_starts)
                    if own is not None:
                        emit(kind, own, span, index, 0.8, path="action")
                last = accepted[-1]
                carry = (passage.paragraph, last) if last.precision == "day" or last.resolved else None
                days = [d for d in accepted if d.precision == "day"]
                if days:
                    last_day = days[-1]
            else:
                carry = None
    if published is not None and not any(e.kind == "report" and e.date == published_iso for e in events):
        _own_notice(text, items, published, emit)
    if context is not None and context.published_source == "pdf-metadata":
        events = [_file_dated(e) for e in events]
    return _keep_most_precise(events)


def _file_dated(event: Event) -> Event:
    """An event dated against a PDF's file date, which may be the day of a conversion or a
    copy months after the writing: its day is no fact ("Today" read against it), only an
    approximate year. Dates the text states in full keep their precision."""
    if not event.resolved or (event.precision == "approximate" and len(event.date) == 4):
        return event
    return replace(event, date=event.date[:4], precision="approximate")


#: A text that reports someone else's words: an interview's subject speaks in the first
#: person, but the text is the interviewer's.
_INTERVIEW = compile_cached(r"\b(?:interview(?:ed)?|Q\s?&\s?A|in\s+conversation\s+with|spoke\s+to|talked\s+to)\b", re.I)


#: A victim's letter in its own voice ("we are writing to", "the company that hosts our shop
#: told us that", "we reported the incident"): its report, like the notices
#: :func:`first_person_victim_at` finds. (A vendor's "we assess" or a filing's 'Acme, Inc.
#: (the "Company")' is not read so: articles_blind9 and articles_blind10 annotate such a
#: text's day as its report, articles_blind4 and articles_blind5 as furniture.)
_VICTIM_VOICE = compile_cached(
    r"\b(?-i:We)\s+are\s+writing\s+to\b|\b(?:told|informed|notified|alerted)\s+us\s+(?:on\s+\w+\s+)?that\b|"
    r"\bwe\s+(?:have\s+)?(?:[\w'’-]+,?\s+){0,25}?reported\s+(?:the|this)\s+(?:incident|breach|attack)\b|"
    # "We filed our report with the data protection authority", "we made a notification to"
    r"\bwe\s+(?:have\s+)?(?:filed|made|submitted|sent)\s+(?:our|a|an)\s+(?:[\w-]+\s+)?(?:report|notification|breach\s+notice)\b|"
    # the victim's own systems hit, said in its own words: "our terminal went dark", "our servers were encrypted"
    r"\b(?-i:[Oo]ur)\s+(?:[\w-]+\s+){0,2}?(?:network|systems?|servers?|terminal|website|site|computers|files|data|operations)\s+"
    r"(?:went\s+(?:dark|down|offline)|(?:was|were|had\s+been)\s+(?:hit|encrypted|attacked|breached|compromised|locked|taken\s+offline))\b",
    re.I,
)
_QUOTE_MARKS = ("\"", "“", "”")


def _own_write_up_at(text: str) -> int | None:
    """Where a victim's letter first speaks in its own voice (:data:`_VICTIM_VOICE`) outside
    a quotation, or None."""
    for match in _VICTIM_VOICE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if sum(text.count(mark, line_start, match.start()) for mark in _QUOTE_MARKS) % 2 == 0:
            return match.start()
    return None


def _own_notice(text: str, items: Sequence[Passage], published: dt.date,
                emit: Callable[..., None]) -> None:
    """A victim's own notice (an e-mail to staff, a forum post, a letter, a disclosure)
    speaks of its incident in the first person: publishing it is the victim's report, on
    the publication day. An interview is not the speaker's own text."""
    at = first_person_victim_at(text)
    if at is None:
        at = _own_write_up_at(text)
    if at is None or _INTERVIEW.search(text, 0, min(len(text), 800)):
        return
    starts = [p.span.start for p in items]
    index = bisect.bisect_right(starts, at) - 1
    if index < 0 or items[index].furniture or items[index].citation:
        return
    passage = items[index]
    today = DateMention(0, 0, published.isoformat(), "day", True, text[at : min(passage.span.end, at + 60)])
    emit("report", today, Span(passage.span.start, passage.span.end), index, 0.6, path="own-notice")


def _keep_most_precise(events: list[Event]) -> list[Event]:
    """Of two events of one kind in one sentence whose dates nest ("a year ago" = 2014,
    "July 2014"), keep the more precise one."""
    # ISO dates nest by prefix ("2014" < "2014-07" < "2014-07-18"): collect, per kind and
    # sentence, the coarser forms of every date, then drop the events dated by one
    # (linear in the events, however many dates a sentence holds).
    coarser: dict[tuple[str, int], set[str]] = {}
    for event in events:
        parts = event.date.split("-")
        forms = coarser.setdefault((event.kind, event.span.start), set())
        forms.update("-".join(parts[:i]) for i in range(1, len(parts)))
    return [e for e in events if e.date not in coarser[(e.kind, e.span.start)]]
