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
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_YEAR = r"(?P<{name}>(?:19[7-9]\d|20[0-4]\d))"
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"
_QUAL = r"(?:(?P<qual>(?i:early|mid|late|the\s+(?:end|beginning|start|middle|first\s+half|second\s+half)\s+of|the\s+(?:spring|summer|fall|autumn|winter)\s+of|(?:spring|summer|fall|autumn|winter)(?:\s+of)?))[\s-]+)?"

# "2000 records", "1990 hosts": a number of things, not a year.
_NOT_COUNTED = (
    r"(?!\s+(?:[a-z]+\s+)?(?:records|hosts|users|victims|devices|accounts|files|computers|machines|servers|"
    r"people|individuals|companies|organi[sz]ations|dollars|employees|emails|messages|domains|samples|"
    r"credentials|customers|systems|endpoints|IPs|addresses|times|bitcoins?|BTC|ETH)\b)"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", compile_cached(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("mdy", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r",?\s+" + _YEAR.format(name="y") + r"\b")),
    ("dmy", compile_cached(r"\b" + _DAY.format(name="d") + r"\s+(?:of\s+)?" + _MONTH.format(name="m") + r",?\s+" + _YEAR.format(name="y") + r"\b")),
    ("my", compile_cached(r"\b" + _QUAL + _MONTH.format(name="m") + r",?\s+(?:of\s+)?" + _YEAR.format(name="y") + r"\b")),
    ("md", compile_cached(r"\b" + _MONTH.format(name="m") + r"\s+" + _DAY.format(name="d") + r"\b(?!,?\s+(?:19|20)\d\d)(?!\s*(?:%|percent|\d))")),
    ("m", compile_cached(r"\b(?P<pre>(?i:in|since|during|until|by|last|this|earlier\s+this|early|mid|late|from|through|between|and|to|of))[\s-]+" + _MONTH.format(name="m") + r"(?![\w-])(?!\s+[0-3]?\d\b)(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")),
    ("y", compile_cached(r"(?<![$€£#])\b" + _QUAL + _YEAR.format(name="y") + r"(?![\w-]|['’]s\b|\s*(?:%|percent))" + _NOT_COUNTED)),
    ("weekday", compile_cached(r"\b(?:(?P<pre>(?i:last|this|on|earlier\s+on))\s+)?(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", compile_cached(
        r"\b(?P<rel>yesterday|today|last\s+(?:week|month|year)|this\s+(?:week|month|year)|"
        r"earlier\s+this\s+(?:week|month|year)|(?:two|three|four|five|\d+)\s+(?:years|months)\s+ago|a\s+year\s+ago)\b",
        re.IGNORECASE)),
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in a sentence: offsets local to the text searched, ISO ``date`` cut to ``precision``."""

    start: int
    end: int
    date: str
    precision: str
    resolved: bool
    surface: str


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

    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            start, end = match.start(), match.end()
            if name in ("iso", "mdy", "dmy"):
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
                if groups["m"] == "May" and not re.search(r"\b(?:on|by|since|until|from)\s+$", text[max(0, start - 7):start]):
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
                elif rel.endswith("ago"):
                    first = rel.split()[0]
                    count = 1 if first == "a" else _NUMBERS.get(first) or int(first)
                    if "year" in rel:
                        add(start, end, f"{published.year - count:04d}", "approximate", True)
                    else:
                        month_index = published.year * 12 + published.month - 1 - count
                        add(start, end, f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "approximate", True)
    out.sort(key=lambda d: d.start)
    return out


# --- kinds -----------------------------------------------------------------------------

# (kind, pattern, strength): strong triggers win ties over weak ones.
_TRIGGERS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("sanction", compile_cached(r"\b(?:sanction(?:s|ed|ing)?|designat(?:ed|es|ion)|blacklist(?:ed)?|added\s+to\s+the\s+Entity\s+List)\b", re.I), 2.0),
    ("indictment", compile_cached(r"\b(?:indict(?:ed|ment|ments)?|charged|charges\s+(?:against|were)|criminal\s+complaint|unsealed)\b", re.I), 2.0),
    ("conviction", compile_cached(r"\b(?:sentenced|convicted|pleaded\s+guilty|pled\s+guilty)\b", re.I), 2.0),
    ("arrest", compile_cached(r"\b(?:arrest(?:ed|s)?|detained|extradit(?:ed|ion))\b", re.I), 2.0),
    ("takedown", compile_cached(r"\b(?:take-?down|taken\s+down|took\s+down|seiz(?:ed|ure|es)|dismantl(?:ed|ing)|disrupt(?:ed|ion)|sinkhol(?:ed|ing)|shut\s+down)\b", re.I), 2.0),
    ("advisory", compile_cached(r"\b(?:advisory|advisories|alert|bulletin|issued\s+a\s+warning|joint\s+(?:guidance|statement))\b", re.I), 1.8),
    ("report", compile_cached(r"\b(?:report(?:ed|s)?|analy(?:sis|ses|zed|sed)|published|blog\s+post|white\s?paper|research|disclosed|documented|described|revealed|detailed|attributed|attribution|announced)\b", re.I), 1.0),
    ("report", compile_cached(r"\b(?:said|says|told|wrote)\b", re.I), 0.7),
    ("report", compile_cached(r"\b(?:we|researchers|analysts)\s+(?:first\s+)?(?:discovered|uncovered)\b", re.I), 1.2),
    ("activity-start", compile_cached(r"\b(?:first\s+(?:seen|observed|spotted|detected|appeared|emerged|identified|documented)|emerged|began|started|dating\s+back\s+to|as\s+early\s+as|active\s+since|operating\s+since)\b", re.I), 1.5),
    ("activity-end", compile_cached(r"\b(?:last\s+(?:seen|observed|active|spotted)|ceased|went\s+(?:dark|quiet)|stopped|disbanded|retired)\b", re.I), 1.5),
    ("campaign", compile_cached(r"\b(?:campaigns?|operation|effort|efforts|attack(?:s|ed)?|target(?:ed|ing)|breach(?:ed|es)?|compromis(?:ed|e)|intrusions?|hacked|infected|phishing|exploit(?:ed|ing)|deployed|stole|leaked|wave|spree|incident|attempted|tried|blackouts?|caused|cut\s+power|hit|struck|theft|heist|sent|sending|phished|lured|impersonat\w+|spoof\w+|delivered|foiled|thwarted|blocked)\b", re.I), 1.0),
)
_SINCE = compile_cached(r"\b(?:since(?:\s+at\s+least)?|active\s+(?:since|from)|as\s+early\s+as|dating\s+back\s+to|from)\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_UNTIL = compile_cached(r"\b(?:until|through|till|to)\s+(?:(?:early|mid|late)[\s-]+)?$", re.I)
_CAMPAIGN_SUBJECT = compile_cached(
    r"(?i)\b(?:intrusions?|campaigns?|attacks?|operations?|activity|breach(?:es)?)\s+(?:\w+\s+){0,2}$"
)
#: What a range or a "since" must stand near to date an activity.
_ACTIVITY = compile_cached(
    r"\b(?:attack\w*|activ\w*|campaigns?|operat\w*|intrusions?|malware|groups?|actors?|hack\w*|target\w*|"
    r"compromis\w*|exploit\w*|conduct\w*|spread\w*|infect\w*|phish\w*|breach\w*|espionage|botnets?|ransomware|"
    r"threats?|APT\d*|spy\w*|spies|steal\w*|stole|us(?:e|es|ed|ing)|deploy\w*|seen|observed|track\w*|"
    r"develop\w*|distribut\w*|waves?|spam\w*|exfiltrat\w*|C2|C&C|domains?|servers?|resolv\w*|regist\w*|samples?|"
    r"variants?|versions?|backdoors?|trojans?|RATs?|worms?|tools?|toolkits?|implants?|infrastructure|emerg\w*|"
    r"appear\w*|around|exist\w*|monitor\w*|investigat\w*|incidents?|victims?|lures?|emails?|delivered|"
    r"sanction\w*|fixture|vulnerab\w*|CVE-\d+)\b|\bsince\s+at\s+least\b",
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
_FUTURE = compile_cached(r"\b(?:will|would|plans?\s+to|expected\s+to|scheduled|deadline|expires?)\b", re.I)


def _first_day(iso: str) -> dt.date:
    parts = [int(p) for p in iso.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(parts[0], parts[1], parts[2])


#: How far (characters) from its date a trigger word may stand.
_TRIGGER_REACH = 300


def _kind_for(sentence: str, date: DateMention, others: Sequence[DateMention]) -> tuple[str, float] | None:
    lo = max(0, date.start - _TRIGGER_REACH)
    sentence = sentence[lo : date.end + _TRIGGER_REACH]
    date = replace(date, start=date.start - lo, end=date.end - lo)
    others = [replace(o, start=o.start - lo, end=o.end - lo) for o in others if lo <= o.start and o.end - lo <= len(sentence)]
    before = sentence[: date.start]
    if _UNTIL.search(before[-20:]) and date.surface.lower() in ("today", "now"):
        return None  # "have been going on since June 2014 and continue through today": no end
    # "He was Head of the Centre from 1984 to 1991", "an increase of 9% per year since
    # 1996": a range or a start dates an activity only near words of one.
    active = bool(_ACTIVITY.search(sentence))
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
    for kind, pattern, strength in _TRIGGERS:
        for match in pattern.finditer(sentence):
            if match.start() < date.end and match.end() > date.start:
                continue
            if match.end() <= date.start:
                between = sentence[match.end() : date.start]
            else:
                between = sentence[date.end : match.start()]
            # Distance in words, so that a link's long URL counts as one word.
            distance = float(len(between.split()) + 1)
            if re.search(r";|—|–|,\s*(?:and|but|which|while|when)\b", between):
                distance *= 3
            elif "," in between:
                distance *= 2
            if (
                strength >= 1.8
                and match.end() <= date.start
                and distance <= 11
                and (strong_before is None or distance < strong_before[0])
            ):
                strong_before = (distance, kind)
            if (
                kind == "activity-start"
                and re.match(r"(?i)began|started", match.group(0))
                and _CAMPAIGN_SUBJECT.search(sentence[max(0, match.start() - 40) : match.start()])
            ):
                kind = "campaign"  # "the intrusions began in March 2016" dates a campaign
            score = distance / strength
            if best is None or score < best[0]:
                best = (score, kind)
    if strong_before is not None:
        return strong_before[1], 0.9
    if best is None:
        return None
    confidence = 0.9 if best[0] < 7 else 0.7 if best[0] < 17 else 0.5
    return best[1], confidence


def extract_events(
    text: str,
    *,
    context: ExtractContext | None = None,
    actors: Sequence[ActorMention] = (),
    targets: Sequence[TargetMention] = (),
) -> list[Event]:
    """Sentences stating that something happened at a date."""
    published = context.published if context is not None else None
    items = passages(text)
    actor_index = ActorIndex(actors)
    events: list[Event] = []
    seen: set[tuple[str, str, int]] = set()
    targeted = sorted(
        (t for t in targets if t.role in ("target", "victim")), key=lambda t: t.span.start
    )
    target_starts = [t.span.start for t in targeted]
    for index, passage in enumerate(items):
        if passage.furniture or passage.citation or passage.kind in ("heading", "table") or passage.tabular:
            continue
        span = passage.span
        sentence = text[span.start : span.end]
        dates = find_dates(sentence, published)
        if not dates:
            continue
        actor_ids = actor_index.for_passage(index, items)
        lo = bisect.bisect_left(target_starts, span.start)
        hi = bisect.bisect_left(target_starts, span.end)
        target_values = tuple(dict.fromkeys(t.value for t in targeted[lo:hi]))
        # Only dates within trigger reach can bear on each other: look them up by
        # position, so a sentence with many dates stays linear.
        by_start = sorted(dates, key=lambda d: d.start)
        starts = [d.start for d in by_start]
        for date in dates:
            if published is not None and _first_day(date.date) > published:
                continue
            if _FUTURE.search(sentence[max(0, date.start - 40) : date.start]):
                continue
            if _AS_OF.search(sentence, max(0, date.start - 8), date.start) and _FUTURE.search(sentence, date.end, date.end + 60):
                continue  # "As of January 10, 2023, CISA will no longer update ...": a plan
            if date.surface.lower() == "today" and _GENERIC_TODAY.match(sentence, date.end):
                continue  # "Today they are used for research": nowadays, not a date
            if _THEME_AFTER.match(sentence, date.end) or _QUOTED_TITLE_BEFORE.search(sentence, max(0, date.start - 120), date.start):
                continue  # "the March 10 anniversary as a theme", a subject line "10th March 2015 campaign"
            nearby = by_start[
                bisect.bisect_left(starts, date.start - _TRIGGER_REACH) : bisect.bisect_right(
                    starts, date.end + _TRIGGER_REACH
                )
            ]
            found = _kind_for(sentence, date, nearby)
            if found is None:
                continue
            kind, confidence = found
            key = (kind, date.date, span.start)
            if key in seen:
                continue
            seen.add(key)
            events.append(
                Event(
                    kind=kind,
                    date=date.date,
                    precision=date.precision,
                    span=Span(span.start, span.end),
                    date_surface=date.surface,
                    actor_ids=actor_ids,
                    target_values=target_values,
                    resolved=date.resolved,
                    confidence=confidence,
                )
            )
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
