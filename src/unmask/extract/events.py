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
from collections.abc import Sequence
from dataclasses import dataclass, replace

from unmask.extract.targets import ActorIndex, passages
from unmask.model import ActorMention, Event, ExtractContext, Span, TargetMention
from unmask.reference.phrase_index import SpanSet
from unmask.reference.regexes import compile_cached

__all__ = ["DateMention", "extract_events", "find_dates"]

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
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", compile_cached(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("mdy", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r",?\s+" + _YEAR.format(name="y") + r"\b")),
    # "30 August 2010", and without its year ("the 3rd of July", "On 10 December") after a
    # word that sets a date (:data:`_DAY_MONTH_BEFORE`), its year from the publication date.
    ("dmy", compile_cached(r"\b" + _DAY.format(name="d") + r"\s+(?:of\s+)?" + _MONTH.format(name="m")
                           + r"(?:,?\s+" + _YEAR.format(name="y") + r"\b|(?![\w-])(?!\s+[0-3]?\d\b))")),
    ("my", compile_cached(r"\b" + _QUAL + _MONTH.format(name="m") + r",?\s+(?:of\s+)?" + _YEAR.format(name="y") + r"\b")),
    ("md", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r"\b(?!,?\s+(?:19|20)\d\d)(?!\s*(?:%|percent|\d))")),
    ("m", compile_cached(r"\b(?P<pre>(?i:in|since|during|until|by|last|this|earlier\s+this|early|mid|late|from|through|between|and|to|of))[\s-]+" + _MONTH.format(name="m") + r"(?![\w-])(?!\s+[0-3]?\d\b)(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")),
    ("y", compile_cached(r"(?<![$€£#])\b" + _QUAL + _YEAR.format(name="y") + r"(?![\w-]|['’]s\b|\s*(?:%|percent))" + _NOT_COUNTED)),
    ("weekday", compile_cached(r"\b(?:(?P<pre>(?i:last|this|on|earlier\s+on))\s+)?(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", compile_cached(
        r"\b(?P<rel>yesterday|today|last\s+(?:week|month|year)|this\s+(?:week|month|year)|"
        r"earlier\s+this\s+(?:week|month|year)|(?:two|three|four|five|\d+)\s+(?:years|months)\s+ago|a\s+year\s+ago|"
        r"(?:last|this\s+past|this)\s+(?:spring|summer|autumn|fall|winter))\b",
        re.IGNORECASE)),
)
_DAY_MONTH_BEFORE = compile_cached(r"\b(?:on|by|since|until|from|before|after|and|the)\s+(?:the\s+)?$", re.I)
_ANY_MONTH = compile_cached(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_RELATIVE_WORDS = ("yesterday", "today", "last", "this", "ago")  # "this past autumn" holds "this"
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}
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


def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """Every date in ``text``; partial and relative ones only when ``published`` is given.

    Years in author-year citations ("(Waterman 2008; Greenberg 2007)") and decades
    ("the 1970's") are not dates of anything the text reports.
    """
    out: list[DateMention] = []
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

    # Screens: most sentences hold no month name, no year or no weekday, and a pattern
    # that needs one cannot match there (same dates, fewer scans).
    has_month = _ANY_MONTH.search(text) is not None
    has_year = "19" in text or "20" in text
    lowered = text.lower()
    has_relative = any(word in lowered for word in _RELATIVE_WORDS)
    for name, pattern in _PATTERNS:
        if (
            (name in ("mdy", "dmy", "my", "md", "m") and not has_month)
            or (name in ("iso", "y") and not has_year)
            or (name == "weekday" and "day" not in text)
            or (name == "relative" and not has_relative)
        ):
            continue
        for match in pattern.finditer(text):
            groups = match.groupdict()
            start, end = match.start(), match.end()
            if name == "dmy" and not groups["y"]:
                if published is None or not _DAY_MONTH_BEFORE.search(text, max(0, start - 12), start):
                    continue
                if groups["m"] == "May" and not re.search(r"\b(?:on|by|since|until|from)\s+(?:the\s+)?$", text[max(0, start - 12):start], re.I):
                    continue
                if text[end - 1] == "." and groups["m"].lower() not in _ABBREVIATED:
                    end -= 1  # "the 30th of June.": the full stop ends the sentence
                resolved_day = _day_before(published, _MONTHS[groups["m"].lower().rstrip(".")], int(groups["d"]))
                if resolved_day is not None:
                    add(start, end, resolved_day.isoformat(), "day", True)
            elif name in ("iso", "mdy", "dmy"):
                month = int(groups["m"]) if name == "iso" else _MONTHS[groups["m"].lower().rstrip(".")]
                try:
                    day = dt.date(int(groups["y"]), month, int(groups["d"]))
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
                m_start = start if pre in ("early", "mid", "late", "last", "this", "earlier this") else match.start("m")
                precision = "approximate" if pre in ("early", "mid", "late") else "month"
                add(m_start, end, f"{year:04d}-{month:02d}", precision, True)
            elif name == "y":
                y_start = start if groups.get("qual") else match.start("y")
                precision = "approximate" if groups.get("qual") else "year"
                add(y_start, end, groups["y"], precision, False)
            elif name == "weekday":
                if published is None:
                    continue
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
                elif rel == "today":
                    add(start, end, published.isoformat(), "day", True)
                elif rel.endswith("week"):
                    back = 7 if rel.startswith("last") else 0
                    add(start, end, (published - dt.timedelta(days=back)).isoformat(), "approximate", True)
                elif rel.endswith("month"):
                    year, month = published.year, published.month
                    if rel.startswith("last"):
                        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
                    add(start, end, f"{year:04d}-{month:02d}", "month", True)
                elif rel.endswith("year"):
                    year = published.year - 1 if rel.startswith("last") else published.year
                    add(start, end, f"{year:04d}", "year", True)
                elif rel.endswith(("spring", "summer", "autumn", "fall", "winter")):
                    add(start, end, f"{_season_year(rel, published):04d}", "approximate", True)
                elif rel.endswith("ago"):
                    first = rel.split()[0]
                    count = 1 if first == "a" else _NUMBERS.get(first) or int(first)
                    if "year" in rel:
                        add(start, end, f"{published.year - count:04d}", "approximate", True)
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
    return out


# --- kinds -----------------------------------------------------------------------------

#: The kind of a trigger that dates something that is no event (see :data:`_TRIGGERS`).
_NO_EVENT = "none"

# (kind, pattern, strength): strong triggers win ties over weak ones.
_TRIGGERS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("sanction", compile_cached(r"\b(?:sanction(?:s|ed|ing)?|designat(?:ed|es|ion)|blacklist(?:ed)?|added\s+to\s+the\s+Entity\s+List|"
                                r"(?:targeted\s+)?restrictive\s+measures)\b", re.I), 2.0),
    ("indictment", compile_cached(r"\b(?:indict(?:ed|ment|ments)?|charged|charges\s+(?:against|were)|criminal\s+complaint|unsealed)\b", re.I), 2.0),
    ("conviction", compile_cached(r"\b(?:sentenced|convicted|pleaded\s+guilty|pled\s+guilty)\b", re.I), 2.0),
    # Steps of a case that are no event of the actor: a plea of not guilty, a hearing, an
    # arraignment, a summoned ambassador. The date is theirs, and nothing is emitted.
    (_NO_EVENT, compile_cached(
        r"\b(?:pleaded\s+not\s+guilty|pled\s+not\s+guilty|arraigned|appeared\s+(?:\w+\s+)?(?:in|before)\s+(?:\w+\s+)?(?:court|judge)|"
        r"summoned\s+(?:the\s+)?(?:\w+\s+)?(?:ambassador|envoy|charg[eé]))\b", re.I), 2.0),
    ("arrest", compile_cached(r"\b(?:arrest(?:ed|s)?|detained|extradit(?:ed|ion))\b", re.I), 2.0),
    ("takedown", compile_cached(r"\b(?:take-?down|taken\s+down|took\s+down|seiz(?:ed|ure|es)|dismantl(?:ed|ing)|disrupt(?:ed|ion)|sinkhol(?:ed|ing)|shut\s+down)\b", re.I), 2.0),
    # Law enforcement's own operation: "a court-authorized operation ... deleted the malware".
    ("takedown", compile_cached(
        r"\b(?:court-?\s?authori[sz]ed|law[\s-]enforcement|police|FBI|Europol|Eurojust|multinational|international)\s+"
        r"(?:[\w-]+\s+)?(?:operation|action)\b", re.I), 2.0),
    ("advisory", compile_cached(r"\b(?:advisory|advisories|alert|bulletin|issued\s+a\s+warning|joint\s+(?:guidance|statement)|"
                                r"(?:publish(?:ed|es)?|issu(?:ed|es|e)|releas(?:ed|es|e)|put\s+out)\s+(?:[\w-]+\s+){0,2}?guidance)\b", re.I), 1.8),
    # An agency warning its audience: "the centre warned other operators to patch".
    ("advisory", compile_cached(
        r"\b(?:warned|urged)\s+(?:other\s+|all\s+|\w+\s+)?(?:operators|organi[sz]ations|companies|utilities|users|businesses|"
        r"agencies|the\s+public|network\s+defenders|defenders|providers|firms)\b", re.I), 1.8),
    ("report", compile_cached(r"\b(?:report(?:ed|s)?|analy(?:sis|ses|zed|sed)|published|blog\s+post|white\s?paper|research(?!\s+(?:network|lab\w*|institut\w*|cent(?:er|re)s?|facilit\w+|organi[sz]ations?|firms?|compan\w+|teams?|universit\w+|reactors?|vessels?|stations?))|disclosed|documented|described|revealed|detailed|attributed|attribution|announced)\b", re.I), 1.0),
    # A public attribution: "publicly blamed", "today attributes", "named ... as responsible".
    ("report", compile_cached(
        r"\b(?:(?:publicly|formally|officially)\s+(?:named|accused)|blamed|attributes|"
        r"named\s+(?:[\w'’-]+,?\s+){1,14}?as\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:responsible|behind|culprits?|perpetrators?))\b", re.I), 1.6),
    ("report", compile_cached(r"\b(?:said|says|told|wrote)\b", re.I), 0.7),
    ("report", compile_cached(r"\b(?:we|researchers|analysts)\s+(?:first\s+)?(?:discovered|uncovered)\b", re.I), 1.2),
    # A victim finding out: "discovered that a threat actor had broken into ...".
    ("report", compile_cached(r"\b(?:discovered|learned|became\s+aware)\s+that\b", re.I), 1.2),
    ("activity-start", compile_cached(r"\b(?:first\s+(?:seen|saw|observed|spotted|detected|appeared|emerged|identified|documented|"
                                      r"infection|intrusion|compromise)|emerged|began|started|dating\s+back\s+to|as\s+early\s+as|active\s+since|operating\s+since)\b", re.I), 1.5),
    ("activity-end", compile_cached(r"\b(?:last\s+(?:seen|observed|active|spotted|infection|intrusion|compromise)|most\s+recent\s+(?:one|infection|intrusion|compromise)|ceased|went\s+(?:dark|quiet)|stopped|disbanded|retired)\b", re.I), 1.5),
    # The intrusion ended for its victim: "the intrusion was cut off in February".
    ("activity-end", compile_cached(
        r"\b(?:(?:was|were|been)\s+(?:cut\s+off|evicted|contained|shut\s+out|expelled)|"
        r"(?:stayed|remained|persisted|lurked)\s+(?:[\w'’-]+\s+){0,4}until|"
        # ... or its victim ended it: "cut off the actor's access", "evicted the intruders".
        r"(?:cut|shut)\s+off\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+)?access|"
        r"(?:evicted|expelled|locked\s+out)\s+(?:the\s+)?(?:actor|attackers?|intruders?|hackers?|group))\b", re.I), 1.6),
    ("campaign", compile_cached(
        r"\b(?:campaigns?|operation|effort|efforts|attack(?:s|ed)?|target(?:ed|ing)|breach(?:ed|es)?|compromis(?:ed|e)|intrusions?|hacked|infected|phishing|exploit(?:ed|ing)|deployed|stole|leaked|wave|spree|incident|attempted|tried|blackouts?|caused|cut\s+power|hit|struck|theft|heist|sent|sending|phished|lured|impersonat\w+|spoof\w+|delivered|foiled|thwarted|blocked|"
        r"(?:broke|broken|break|breaks|breaking)\s+in(?:to)?|exploitation|encrypted|accessed|"
        r"(?:first\s+)?entered\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,3}(?:network|systems?|environment)|"
        r"(?:been|was|were)\s+inside\s+(?:[\w'’-]+\s+){0,2}(?:network|systems?)|used\s+(?:[\w-]+\s+){1,3}against|"
        r"(?:posted|dumped|published)\s+on\s+(?:a|an|its|their|the)\s+(?:[\w-]+\s+)?leak\s+site|hacked\s+into|gained\s+access|wip(?:ed|ing)|defaced|hijack(?:ed|ing)|imitat(?:ed|ing)|"
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
#: The start of a relative clause about what a date just dated: "... in early 2021 that Microsoft ".
_RELATIVE_SUBJECT = compile_cached(r"\s*,?\s*(?:that|which)\s+(?:[\w-]+\s+){0,3}", re.I)
_CAMPAIGN_INDEX = next(i for i, (kind, _, _) in enumerate(_TRIGGERS) if kind == "campaign")
_SINCE = compile_cached(r"\b(?:since(?:\s+at\s+least)?|active\s+(?:since|from)|as\s+early\s+as|dating\s+back\s+to|from)\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_UNTIL = compile_cached(r"\b(?:until|through|till|(?<!compared\s)to)\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_CAMPAIGN_SUBJECT = compile_cached(
    r"(?i)\b(?:intrusions?|campaigns?|attacks?|operations?|activity|breach(?:es)?|hacking|scheme|theft|heist|"
    r"spying|espionage|phishing|wave|spree|break-ins?|compromises?)\s+(?:\w+\s+){0,2}$"
)
#: What a range or a "since" must stand near to date an activity.
_ACTIVITY = compile_cached(
    r"\b(?:attack\w*|activ\w*|campaigns?|operat\w*|intrusions?|malware|groups?|actors?|hack\w*|target\w*|"
    r"compromis\w*|exploit\w*|conduct\w*|spread\w*|infect\w*|phish\w*|breach\w*|espionage|botnets?|ransomware|"
    r"threats?|APT\d*|spy\w*|spies|steal\w*|stole|us(?:e|es|ed|ing)|deploy\w*|seen|observed|track\w*|"
    r"develop\w*|distribut\w*|waves?|spam\w*|exfiltrat\w*|C2|C&C|domains?|servers?|resolv\w*|regist\w*|samples?|"
    r"variants?|versions?|backdoors?|trojans?|RATs?|worms?|tools?|toolkits?|implants?|infrastructure|emerg\w*|"
    r"appear\w*|around|exist\w*|monitor\w*|investigat\w*|incidents?|victims?|lures?|emails?|delivered|"
    r"sanction\w*|fixture|vulnerab\w*|CVE-\d+|stolen|broke|broken|scheme)\b|\bsince\s+at\s+least\b",
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
    r"\b(?:decreas|declin|dropp|fall|fell|reduc|slow|dormant|inactive|quiet|dwindl|stopp|ceas|patch|fix|remediat)\w*\b"
    r"(?:\s+\S+){0,3}\s+since\b",
    re.IGNORECASE,
)
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
#: "guidance on defending against spear-phishing", "advice on protecting against ransomware".
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


def _not_this_trigger(sentence: str, start: int, end: int, kind: str, strength: float, date: DateMention) -> bool:
    """Whether the trigger word at ``start:end`` does not name what happened at the date, by its role."""
    word = sentence[start:end]
    if (strength >= 1.8 or kind == "report") and (
        _SOURCE_AFTER.match(sentence, end)
        or (
            _SOURCE_BEFORE.search(sentence, max(0, start - 40), start)
            and not _DATED_DOCUMENT_AFTER.match(sentence, end)
        )
    ):
        return True  # "the indictment says", "according to the indictment": a source
    if kind == "activity-end" and start > date.start and word.lower().endswith("until"):
        return True  # "stayed until" ends at the date after it, not before
    if kind == "campaign" and _TOPIC_BEFORE.search(sentence, max(0, start - 70), start):
        return True  # "guidance on defending against spear-phishing": a topic
    return bool(
        kind == "campaign"
        and _INCIDENT_NOUN.fullmatch(word)
        and _REPORTED_OBJECT.search(sentence, max(0, start - 60), start)
        and not _INCIDENT_DATED_AFTER.match(sentence, end)
    )  # "disclosed the breach": the disclosure is the event


#: A sentence's trigger words, found once: per entry of :data:`_TRIGGERS` (in its
#: order), the (start, end) of every match in sentence offsets, sorted.
_SentenceTriggers = list[tuple[list[int], list[tuple[int, int]]]]


def _sentence_triggers(sentence: str) -> _SentenceTriggers:
    out: _SentenceTriggers = []
    for _, pattern, _ in _TRIGGERS:
        spans = [m.span() for m in pattern.finditer(sentence)]
        out.append(([a for a, _ in spans], spans))
    return out


#: How far (characters) from its date a trigger word may stand.
_TRIGGER_REACH = 300


def _kind_for(
    sentence: str, date: DateMention, others: Sequence[DateMention], found: _SentenceTriggers | None = None
) -> tuple[str, float] | None:
    lo = max(0, date.start - _TRIGGER_REACH)
    hi = date.end + _TRIGGER_REACH
    if found is None:
        found = _sentence_triggers(sentence)
    sentence = sentence[lo:hi]
    date = replace(date, start=date.start - lo, end=date.end - lo)
    others = [replace(o, start=o.start - lo, end=o.end - lo) for o in others if lo <= o.start and o.end - lo <= len(sentence)]
    before = sentence[: date.start]
    if _UNTIL.search(before[-20:]) and date.surface.lower() in ("today", "now"):
        return None  # "have been going on since June 2014 and continue through today": no end
    # "He was Head of the Centre from 1984 to 1991", "an increase of 9% per year since
    # 1996": a range or a start dates an activity only near words of one.
    active = bool(_ACTIVITY.search(sentence))
    if _FIXED_BEFORE.search(before[-40:]):
        return None  # "which the vendor patched in December 2022"
    if _SINCE.search(before[-40:]) and _DECLINE_BEFORE.search(before[-60:]):
        return None  # "has decreased significantly since early 2014"
    if active and _SINCE.search(before[-40:]):
        if re.search(r"\bfrom\s+(?:(?:early|mid|late)[\s-]+)?$", before[-30:], re.I) and not any(
            o.start > date.end and _UNTIL.search(sentence[date.end : o.start]) for o in others
        ):
            return None  # "from 2019" without an end is not a start of activity
        return "activity-start", 0.9
    if active and _UNTIL.search(before[-20:]) and any(o.end < date.start for o in others):
        return "activity-end", 0.8
    # "between March 2019 and June 2020": the first date starts the activity, the second ends it.
    if active and re.search(r"\bbetween\s+(?:(?:early|mid|late)[\s-]+)?$", before[-30:], re.I) and any(
        o.start > date.end and re.fullmatch(r"\s*and\s+(?:(?:early|mid|late)[\s-]+)?", sentence[date.end : o.start], re.I)
        for o in others
    ):
        return "activity-start", 0.8
    if active and re.search(r"\band\s+(?:(?:early|mid|late)[\s-]+)?$", before[-20:], re.I) and any(
        o.end < date.start
        and re.search(r"\bbetween\s+(?:(?:early|mid|late)[\s-]+)?$", sentence[max(0, o.start - 30) : o.start], re.I)
        and re.fullmatch(r"\s*and\s+(?:(?:early|mid|late)[\s-]+)?", sentence[o.end : date.start], re.I)
        for o in others
    ):
        return "activity-end", 0.8
    best: tuple[float, str] | None = None
    strong_before: tuple[float, str] | None = None
    began_campaign = False
    # The action a reporting verb reports, when it stands between the verb and the date, is
    # what the date dates ("Treasury said the company supplied servers used to break into
    # ... in late 2023", "named X as responsible for the theft ... last September").
    campaign_starts, campaign_spans = found[_CAMPAIGN_INDEX]
    strong_after = [
        a for (_, _, strength), (starts, _) in zip(_TRIGGERS, found, strict=True) if strength >= 1.8
        for a in starts[bisect.bisect_left(starts, lo + date.end) : bisect.bisect_left(starts, lo + date.end + 40)]
    ]
    campaign_between = campaign_spans[
        bisect.bisect_left(campaign_starts, lo) : bisect.bisect_left(campaign_starts, lo + date.start)
    ]
    for (trigger_kind, _, strength), (starts, spans) in zip(_TRIGGERS, found, strict=True):
        for abs_start, abs_end in spans[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]:
            if abs_end > hi:
                continue  # reaches past the window
            start, end = abs_start - lo, abs_end - lo
            if start < date.end and end > date.start:
                continue
            if (
                start >= date.end
                and ("after" in sentence[date.end : start] or "before" in sentence[date.end : start])
                and _OFFSET.search(sentence, date.end, start)
            ):
                continue  # "on Wednesday, a day after he was extradited": another day's action
            between = sentence[end : date.start] if end <= date.start else sentence[date.end : start]
            # Distance in words, so that a link's long URL counts as one word.
            distance = float(len(between.split()) + 1)
            if re.search(r";|—|–|,\s*(?:and|but|which|while|when)\b", between):
                distance *= 3
            elif "," in between:
                distance *= 2
            takes_strong = (
                strength >= 1.8
                and end <= date.start
                and distance <= 11
                and (strong_before is None or distance < strong_before[0])
            )
            score = distance / strength
            kind = trigger_kind
            if kind == "activity-start" and re.match(r"(?i)began|started", sentence[start:end]):
                # "the intrusions began in March 2016" dates a campaign, and so does a
                # second "began" of the same subject later in the sentence.
                began_campaign = began_campaign or bool(
                    _CAMPAIGN_SUBJECT.search(sentence[max(0, start - 40) : start])
                    or _BEGAN_ACTION_AFTER.match(sentence, end)
                )
                if began_campaign:
                    kind = "campaign"
            if not takes_strong and best is not None and score >= best[0]:
                continue  # cannot win: the role checks below are not needed
            if trigger_kind == "report" and end <= date.start and _SAYS.match(sentence, start) and any(
                abs_end <= c_start and c_end - lo <= date.start
                and not _not_this_trigger(sentence, c_start - lo, c_end - lo, "campaign", 1.0, date)
                for c_start, c_end in campaign_between
            ):
                continue  # the reported action, nearer the date, dates it
            if trigger_kind == "report" and strength < 1.0 and any(
                _REPORTED_DEED.fullmatch(sentence, date.end, a - lo) for a in strong_after
            ):
                continue  # "prosecutors said on Tuesday they had charged ...": the charges are the news
            if trigger_kind == "report" and start >= date.end and campaign_between and _RELATIVE_SUBJECT.fullmatch(
                sentence, date.end, start
            ):
                continue  # "the exploitation of servers in early 2021 that Microsoft attributed to ...": a relative clause
            if _not_this_trigger(sentence, start, end, trigger_kind, strength, date):
                continue
            if takes_strong:
                strong_before = (distance, kind)
            if best is None or score < best[0]:
                best = (score, kind)
    if strong_before is not None:
        return strong_before[1], 0.9
    if best is None:
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
    r"|(?P<indictment>indicted|charged(?!\s+(?:for|a\s+fee))|unsealed|(?:filed|brought)\s+charges)"
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
    r"\b(?:the\s+same\s+day|that\s+(?:same\s+)?day|the\s+day\s+of\s+the\s+[\w-]+(?:\s+against\s+\w+)?)\b", re.I
)
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
    r"\b(?P<n>a|one|two|three|four|five|six|seven|\d{1,2})\s+(?P<unit>days?|weeks?)\s+(?P<dir>after|before)\b", re.I
)
_OFFSET_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _offset_actions(sentence: str, dates: Sequence[DateMention]) -> list[tuple[str, DateMention]]:
    """(kind, date) of each action said a number of days or weeks after or before a day the
    sentence has just named: "on Wednesday, a day after he was extradited" is an arrest on
    Tuesday."""
    out: list[tuple[str, DateMention]] = []
    for match in _OFFSET.finditer(sentence):
        anchor = next((d for d in reversed(dates) if d.end <= match.start() and match.start() - d.end <= 40
                       and d.precision == "day" and not _CLAUSE_BREAK.search(sentence, d.end, match.start())), None)
        if anchor is None:
            continue
        action = next((a for a in _actions(sentence) if match.end() <= a[1] <= match.end() + 80), None)
        if action is None:
            continue
        count = _OFFSET_NUMBERS.get(match.group("n").lower()) or int(match.group("n"))
        days = count * (7 if match.group("unit").lower().startswith("week") else 1)
        shift = dt.timedelta(days=days if match.group("dir").lower() == "after" else -days)
        day = dt.date.fromisoformat(anchor.date) - shift
        out.append((action[0], replace(anchor, start=match.start(), end=match.end(), date=day.isoformat(),
                                       resolved=True, surface=match.group(0))))
    return out


_CLAUSE_BREAK = compile_cached(r";|—|–|,\s*(?:and|but|which|while|when|whereas)\b|\.\s")


def _accepted(sentence: str, date: DateMention, published: dt.date | None) -> bool:
    """Whether ``date`` dates something that happened (not a plan, a theme or a title)."""
    if published is not None and _first_day(date.date) > published:
        return False
    if _FUTURE.search(sentence[max(0, date.start - 40) : date.start]):
        return False
    if _AS_OF.search(sentence, max(0, date.start - 8), date.start) and _FUTURE.search(sentence, date.end, date.end + 60):
        return False  # "As of January 10, 2023, CISA will no longer update ...": a plan
    if date.surface.lower() == "today" and _GENERIC_TODAY.match(sentence, date.end):
        return False  # "Today they are used for research": nowadays, not a date
    if _THEME_AFTER.match(sentence, date.end) or _QUOTED_TITLE_BEFORE.search(sentence, max(0, date.start - 120), date.start):
        return False  # "the March 10 anniversary as a theme", a subject line "10th March 2015 campaign"
    return not _FIXED_BEFORE.search(sentence, max(0, date.start - 40), date.start)


def _actions(sentence: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every action verb the sentence states as done."""
    out = []
    for match in _ACTION.finditer(sentence):
        if _NOT_DONE_BEFORE.search(sentence, max(0, match.start() - 40), match.start()):
            continue
        out.append((match.lastgroup or "", match.start(), match.end()))
    return out


def _date_of_action(sentence: str, start: int, end: int, dates: Sequence[DateMention]) -> DateMention | None:
    """The date an action verb is said at: the first after it in its clause ("arrested in
    Estonia last November and extradited ... in February"), else the last before it in
    its clause, else the one that opens the sentence."""
    if _OTHER_TIME.search(sentence, end, end + 60):
        return None  # "the domains were taken down a week later": not at a date of the sentence
    after = [d for d in dates if d.start >= end and d.start - end <= 150]
    if after and not _CLAUSE_BREAK.search(sentence, end, after[0].start):
        return after[0]
    before = [d for d in dates if d.end <= start and start - d.end <= 200]
    if before and _OFFSET.search(sentence, before[-1].end, start):
        return None  # "on Wednesday, a day after he was extradited": see _offset_actions
    if before and not _CLAUSE_BREAK.search(sentence, before[-1].end, start):
        return before[-1]
    # A date that opens the sentence ("On Monday the Justice Department charged ..., and
    # the State Department designated ...") is the date of all its clauses.
    if len(before) == 1 and dates[0] is before[0] and before[0].start <= 12 + len(sentence) - len(sentence.lstrip()):
        return before[0]
    return None


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
    published = context.published if context is not None else None
    items = passages(text)
    actor_index = ActorIndex(actors)
    events: list[Event] = []
    seen: set[tuple[str, str, int]] = set()
    targeted = sorted(
        (t for t in targets if t.role in ("target", "victim")), key=lambda t: t.span.start
    )
    target_starts = [t.span.start for t in targeted]
    carry: tuple[int, DateMention] | None = None  # (paragraph, the date it last gave)
    last_day: DateMention | None = None

    def emit(kind: str, date: DateMention, span: Span, index: int, confidence: float) -> None:
        key = (kind, date.date, span.start)
        if key in seen:
            return
        seen.add(key)
        lo = bisect.bisect_left(target_starts, span.start)
        hi = bisect.bisect_left(target_starts, span.end)
        events.append(
            Event(
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
        )

    for index, passage in enumerate(items):
        if passage.furniture or passage.citation or passage.kind in ("heading", "table") or passage.tabular:
            continue
        span = passage.span
        sentence = text[span.start : span.end]
        dates = find_dates(sentence, published)
        if last_day is not None and "day" in sentence:
            for match in _SAME_DAY.finditer(sentence):
                if not any(d.start < match.end() and match.start() < d.end for d in dates):
                    dates.append(replace(last_day, start=match.start(), end=match.end(), surface=match.group(0)))
            dates.sort(key=lambda d: d.start)
        if not dates:
            if carry is not None and _OTHER_TIME.search(sentence):
                carry = None
            if carry is not None and carry[0] == passage.paragraph:
                for kind, _, _ in _actions(sentence):
                    emit(kind, carry[1], span, index, 0.7)
            continue
        accepted = [d for d in dates if _accepted(sentence, d, published)]
        triggers = _sentence_triggers(sentence) if accepted else []
        # Only dates within trigger reach can bear on each other: look them up by
        # position, so a sentence with many dates stays linear.
        starts = [d.start for d in dates]
        for date in accepted:
            nearby = dates[
                bisect.bisect_left(starts, date.start - _TRIGGER_REACH) : bisect.bisect_right(
                    starts, date.end + _TRIGGER_REACH
                )
            ]
            found = _kind_for(sentence, date, nearby, triggers)
            if found is not None and found[0] != _NO_EVENT:
                emit(found[0], date, span, index, found[1])
        if accepted and ("after" in sentence or "before" in sentence):
            for kind, shifted in _offset_actions(sentence, accepted):
                emit(kind, shifted, span, index, 0.8)
        if accepted:
            for kind, start, end in _actions(sentence):
                own = _date_of_action(sentence, start, end, accepted)
                if own is not None:
                    emit(kind, own, span, index, 0.8)
            last = accepted[-1]
            carry = (passage.paragraph, last) if last.precision == "day" or last.resolved else None
            days = [d for d in accepted if d.precision == "day"]
            if days:
                last_day = days[-1]
        else:
            carry = None
    return _keep_most_precise(events)


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
