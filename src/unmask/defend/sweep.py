"""IOC sweeps: which log lines hold indicators unmask knows, and who they point to.

::

    from unmask.defend.sweep import IndicatorSet, sweep_file
    indicators = IndicatorSet()
    indicators.add_kb(kb)                      # the knowledge base's indicators
    indicators.add_file("kimsuky-iocs.txt")    # a list, analyze JSON, STIX 2.1, MISP
    for hit in sweep_file("proxy.log.gz", indicators):
        print(hit.source, hit.line, hit.start, hit.value, hit.actors)

How lines are matched (by unmask's compiled core, :class:`unmask._core.SweepMatcher`):

- every literal value (domain, URL, e-mail, address, hash, file name …) is looked for
  at once, ASCII letters folded (so columns never move); the log is read in blocks of
  about 1 MiB, each scanned in one call, and each literal found is checked on its
  boundaries: ``evil.com`` does not hit ``notevil.com`` or ``evil.com.au``, but
  ``a.evil.com`` hits as ``subdomain``; ``10.1.1.1`` does not hit ``110.1.1.12``;
- URLs match without regard to the case of their scheme and host, the path keeps its
  case; the scheme may be missing in the log (``evil.com/path`` hits);
- CIDR ranges (``in-range``): one of /16 or narrower puts its first octets among the
  literals (``91.200.``) and each candidate address is checked against it; when wider
  ranges exist, every IPv4 address of the block is looked up in them (sorted, bisected);
- lines with percent-escapes (``evil%2Ecom`` in proxy logs) are also matched decoded,
  hits marked ``+url-decoded`` and spanning the escaped text as written.

Columns are character offsets (0-based, end exclusive) in the line decoded as UTF-8,
each invalid byte replaced by U+FFFD (one character). A line may be of any length:
blocks overlap by the longest indicator plus some context, so memory stays bounded and
no match is lost or reported twice at a block edge. Hits come in stream order (two
that overlap across a block edge may swap). See docs/defend-sweep.md.
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unmask._core import SweepMatcher
from unmask.documents import read_bytes
from unmask.documents.logs import BLOCK, open_log
from unmask.errors import DocumentError, UnmaskError

if TYPE_CHECKING:
    from unmask.model import Observable
    from unmask.store.decay import DecaySettings
    from unmask.store.kb import KnowledgeBase

__all__ = [
    "DEFAULT_TYPES",
    "SWEEP_TYPES",
    "Indicator",
    "IndicatorSet",
    "SkippedIndicator",
    "SweepHit",
    "Sweeper",
    "sweep_file",
    "sweep_lines",
    "sweep_text",
]

#: Types a sweep can match.
SWEEP_TYPES = (
    "domain", "ipv4", "ipv6", "ipv4_cidr", "url", "email", "md5", "sha1", "sha256", "sha512",
    "file_name", "file_path", "registry_key", "user_agent", "mac", "btc", "xmr", "eth", "cve", "asn",
    "ssdeep",
)  # fmt: skip
#: Types swept unless ``types`` says otherwise (CVE ids and AS numbers are context).
DEFAULT_TYPES = tuple(t for t in SWEEP_TYPES if t not in ("cve", "asn"))

_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_CASE_SENSITIVE = frozenset({"btc", "xmr"})
_HASHES = frozenset({"md5", "sha1", "sha256", "sha512"})
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HASH_TOKENS_FROM = 20_000
_KB_SOURCE = ("kb",)
_FOLD_STR = {c: c + 32 for c in range(65, 91)}
#: The matcher's codes for how a hit was found.
_HOW = {0: "exact", 1: "subdomain", 2: "in-range",
        4: "exact+url-decoded", 5: "subdomain+url-decoded", 6: "in-range+url-decoded"}

#: Characters of context kept after a match before it is judged (block edges).
_LOOK = 130
#: Characters of context kept before a match (a subdomain's labels, the scheme).
_BEHIND = 300
#: Characters of the line quoted on each side of a hit.
_CONTEXT = 120
_BLOCK = BLOCK


def _fold(text: str) -> str:
    """ASCII lower case: same length, same offsets (str.lower may change the length)."""
    return text.lower() if text.isascii() else text.translate(_FOLD_STR)


def _word(ch: str) -> bool:
    return ch in _WORD or (ch > "\x7f" and ch.isalnum())


# -- indicators -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    """One value to look for, with what is known about it.

    ``actors`` are ``(actor_id, name)`` pairs, ``reports`` how many reports name it
    (the knowledge base's count, one per file otherwise), ``sources`` where it came
    from (``kb`` or a file), ``benign_reasons`` why it would normally be left out.
    """

    value: str
    type: str
    actors: tuple[tuple[str, str], ...] = ()
    reports: int = 0
    last_seen: dt.date | None = None
    sources: tuple[str, ...] = ()
    benign_reasons: tuple[str, ...] = ()

    def merged(self, other: Indicator) -> Indicator:
        actors = dict(self.actors)
        for actor_id, name in other.actors:
            actors.setdefault(actor_id, name)
        dates = [d for d in (self.last_seen, other.last_seen) if d is not None]
        return replace(
            self,
            actors=tuple(sorted(actors.items())),
            reports=self.reports + other.reports,
            last_seen=max(dates) if dates else None,
            sources=tuple(dict.fromkeys(self.sources + other.sources)),
            benign_reasons=tuple(dict.fromkeys(self.benign_reasons + other.benign_reasons)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "type": self.type,
            "actors": [{"id": a, "name": n} for a, n in self.actors],
            "reports": self.reports,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "sources": list(self.sources),
            "benign_reasons": list(self.benign_reasons),
        }


@dataclass(frozen=True, slots=True)
class SkippedIndicator:
    """An indicator-file entry that was not used, and why (``line`` 1-based, or None)."""

    source: str
    line: int | None
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "text": self.text, "reason": self.reason}


def _normalise(value: str, type_: str) -> str | None:
    """The value as the matcher keeps it, or None when it is not valid for its type."""
    from unmask.reference.values import normalise, sweep_key

    canonical = normalise(type_, value, strict=True)
    return None if canonical is None else sweep_key(type_, canonical)


class IndicatorSet:
    """Indicators to sweep for, merged by (type, value), with every skipped entry.

    ``types`` limits the set (default :data:`DEFAULT_TYPES`); benign values are kept
    out (reported in :attr:`skipped`) unless ``include_benign``.
    """

    def __init__(self, types: Iterable[str] | None = None, *, include_benign: bool = False) -> None:
        wanted = tuple(types) if types is not None else DEFAULT_TYPES
        unknown = sorted(set(wanted) - set(SWEEP_TYPES))
        if unknown:
            raise UnmaskError(f"cannot sweep for type(s) {', '.join(unknown)}; choose from {', '.join(SWEEP_TYPES)}")
        self.types = frozenset(wanted)
        self.include_benign = include_benign
        self._items: dict[tuple[str, str], Indicator] = {}
        self._matcher: _Matcher | None = None
        self.skipped: list[SkippedIndicator] = []
        #: Knowledge-base indicators left out by ``add_kb(min_score=...)``.
        self.below_score = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def add(self, indicator: Indicator, *, line: int | None = None) -> bool:
        """Add one indicator (merged with one of the same type and value); False if left out."""
        source = indicator.sources[0] if indicator.sources else "<api>"
        if indicator.type not in SWEEP_TYPES:
            self.skipped.append(SkippedIndicator(source, line, indicator.value,
                                                 f"type {indicator.type} cannot be swept"))
            return False
        if indicator.type not in self.types:
            return False  # filtered on purpose (--type), not lost
        # "redacted" is the text extractor's guess that a report hid a name behind xxxx;
        # a listed value is swept anyway (a real name may hold xxxx, a hidden one matches nothing).
        reasons = tuple(r for r in indicator.benign_reasons if r != "redacted")
        if reasons and not self.include_benign:
            self.skipped.append(SkippedIndicator(
                source, line, indicator.value, "benign: " + ", ".join(reasons)))
            return False
        value = _normalise(indicator.value, indicator.type)
        if value is None:
            self.skipped.append(SkippedIndicator(source, line, indicator.value,
                                                 f"not a valid {indicator.type}"))
            return False
        indicator = replace(indicator, value=value)
        self._matcher = None
        key = (indicator.type, value)
        held = self._items.get(key)
        self._items[key] = indicator if held is None else held.merged(indicator)
        return True

    def compiled(self) -> _Matcher:
        """The automaton and ranges of the current indicators (built once, kept)."""
        if self._matcher is None:
            self._matcher = _Matcher(self._items.values())
        return self._matcher

    def add_kb(self, kb: KnowledgeBase, *, since: dt.date | None = None,
               min_score: float | None = None, now: dt.datetime | None = None,
               settings: DecaySettings | None = None) -> int:
        """Every indicator of the knowledge base (of the set's types); returns how many.

        ``since`` keeps those named by a report published on or after that date
        (undated ones are left out then). ``min_score`` keeps those whose decay score
        at ``now`` (default: the base's clock) is at least that
        (:func:`unmask.store.decay.score_indicator`; a false positive scores 0); how
        many it left out is :attr:`below_score`.
        """
        count = 0
        scored = None
        if min_score is not None:
            from unmask.store.decay import score_indicator
            from unmask.store.sightings import summaries

            scored = summaries(kb)
            moment = now or kb.now()
        # A base repeats the same actor lists, types and dates across many indicators:
        # one object each keeps a 500k-indicator set hundreds of MB smaller.
        shared: dict[Any, Any] = {}
        for record in kb.iter_indicators(types=sorted(self.types)):
            if since is not None and (record.last_seen is None or record.last_seen < since):
                continue
            if scored is not None and min_score is not None:
                score = score_indicator(record.type, record.last_seen, scored.get((record.type, record.value)),
                                        now=moment, settings=settings)
                if score.score < min_score or score.status in ("false-positive", "expired"):
                    self.below_score += 1
                    continue
            count += self.add(Indicator(
                record.value, shared.setdefault(record.type, record.type),
                shared.setdefault(record.actors, record.actors), record.reports,
                shared.setdefault(record.last_seen, record.last_seen), _KB_SOURCE,
            ))  # fmt: skip
        return count

    def add_file(self, path: str | Path) -> int:
        """Indicators from a file (``-`` for standard input); returns how many were added.

        A JSON file is an unmask ``analyze --format json`` output, a STIX 2 bundle or
        a MISP event; anything else is a list, one value per line (defanged allowed,
        ``#`` comments and blank lines ignored, junk lines reported as skipped).
        """
        source, data = read_bytes(path, name=str(path))
        return self.add_bytes(data, source=source)

    def add_bytes(self, data: bytes, *, source: str) -> int:
        """Like :meth:`add_file`, on bytes already read."""
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as exc:
                raise DocumentError(source, f"not a readable gzip file: {exc}") from exc
        text = data.decode("utf-8", errors="replace")
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped[:1] in ("{", "["):
            try:
                value = json.loads(stripped)
            except (ValueError, RecursionError):
                value = None
            if value is not None:
                return self._add_json(value, data, source)
        return self._add_list(text, source)

    def _add_list(self, text: str, source: str) -> int:
        from unmask.extract.observables import extract_observables, refang_text

        numbers: list[int] = []
        kept: list[str] = []
        originals: list[str] = []
        for number, raw in enumerate(text.split("\n"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if len(line) > 4096:
                self.skipped.append(SkippedIndicator(source, number, line[:80] + "…",
                                                     "line longer than 4096 characters"))
                continue
            numbers.append(number)
            originals.append(line)
            kept.append(refang_text(line).replace("\n", " "))
        # One extractor call for the whole list (one per line costs ~0.4 ms each); each
        # observable is given back to its line, and one across lines is not used.
        starts: list[int] = []
        offset = 0
        for line in kept:
            starts.append(offset)
            offset += len(line) + 1
        per_line: list[list[Observable]] = [[] for _ in kept]
        for obs in extract_observables("\n".join(kept)):
            index = bisect_right(starts, obs.span.start) - 1
            if index >= 0 and obs.span.end <= starts[index] + len(kept[index]):
                per_line[index].append(obs)
        count = 0
        for number, line, found in zip(numbers, originals, per_line, strict=True):
            found = _outermost(found)
            if not found:
                self.skipped.append(SkippedIndicator(source, number, line, "no indicator recognised"))
                continue
            for obs in found:
                count += self.add(
                    Indicator(obs.value, obs.type, (), 1, None, (source,), obs.benign_reasons), line=number
                )
        return count

    def _add_json(self, value: Any, data: bytes, source: str) -> int:
        if isinstance(value, dict) and value.get("schema") == 1 and (
            "analyses" in value or "observables" in value
        ):
            analyses = value.get("analyses", [value])
            return sum(self._add_analysis(a, source) for a in analyses if isinstance(a, dict))
        from unmask.documents import read
        from unmask.pipeline.structured import extract_structured

        document = read(data, name=source)
        if document.format not in ("stix2", "misp"):
            raise DocumentError(source, "JSON indicator file is neither unmask analyze JSON, "
                                "a STIX 2 bundle nor a MISP event")
        values: dict[tuple[str, str], tuple[str, ...]] = {}
        if document.format == "stix2":
            # Patterns are parsed by stix2-patterns here (a bad one is reported); the
            # other objects (observables, actors) by the structured reader.
            for obj in document.objects:
                if obj.get("type") == "indicator" and isinstance(obj.get("pattern"), str):
                    if obj.get("pattern_type", "stix") != "stix":
                        self.skipped.append(SkippedIndicator(
                            source, None, obj["pattern"][:200], f"pattern type {obj.get('pattern_type')!r} is not swept"))
                        continue
                    for type_, value in self._pattern_values(obj["pattern"], source):
                        values.setdefault((type_, value), ())
            document = replace(document, objects=tuple(o for o in document.objects if o.get("type") != "indicator"))
        findings = extract_structured(document)
        for obs in findings.observables:
            values.setdefault((obs.type, obs.value), obs.benign_reasons)
        actors = tuple(sorted({(m.actor_id, m.name) for m in findings.actors}))
        published = document.metadata.published
        count = 0
        for (type_, value), reasons in values.items():
            reasons = reasons or _benign_reasons(value, type_)
            count += self.add(Indicator(value, type_, actors, 1, published, (source,), reasons))
        if not values:
            self.skipped.append(SkippedIndicator(source, None, "", f"no indicator in this {document.format} file"))
        return count

    def _pattern_values(self, pattern: str, source: str) -> list[tuple[str, str]]:
        """(type, value) of every ``=`` / ``IN`` comparison of a STIX pattern we can sweep."""
        from stix2patterns.exceptions import ParseException
        from stix2patterns.v21.pattern import Pattern

        try:
            comparisons = Pattern(pattern).inspect().comparisons
        except (ParseException, ValueError, TypeError) as exc:
            self.skipped.append(SkippedIndicator(source, None, pattern[:200], f"invalid STIX pattern: {exc}"))
            return []
        found: list[tuple[str, str]] = []
        for object_type, items in comparisons.items():
            for path, operator, literal in items:
                prop = ".".join(str(p) for p in path)
                type_ = _STIX_PATHS.get((object_type, prop))
                if type_ is None and object_type == "file" and path[:1] == ["hashes"] and len(path) == 2:
                    type_ = _STIX_HASHES.get(str(path[1]).lower().replace("-", ""))
                if type_ is None:
                    self.skipped.append(SkippedIndicator(source, None, f"{object_type}:{prop}",
                                                         "pattern property not swept"))
                    continue
                if operator not in ("=", "IN"):
                    self.skipped.append(SkippedIndicator(source, None, f"{object_type}:{prop} {operator} {literal}",
                                                         f"operator {operator} not swept"))
                    continue
                for raw in _STIX_STRING.findall(literal) or [literal.strip("()' ")]:
                    value = raw.replace("\\'", "'").replace("\\\\", "\\")
                    if type_ == "ip":
                        kind = "ipv6" if ":" in value else "ipv4"
                        if value.endswith("/32") or value.endswith("/128"):
                            value = value.rsplit("/", 1)[0]
                        type_here = kind + "_cidr" if "/" in value else kind
                    elif type_ == "asn":
                        type_here, value = "asn", f"AS{value}"
                    else:
                        type_here = type_
                    found.append((type_here, value))
        return found

    def _add_analysis(self, analysis: dict[str, Any], source: str) -> int:
        actors = tuple(sorted(
            (str(a["id"]), str(a.get("name") or a["id"]))
            for a in analysis.get("actors", ()) if isinstance(a, dict) and a.get("id")
        ))  # fmt: skip
        published = None
        if isinstance(analysis.get("published"), str):
            try:
                published = dt.date.fromisoformat(analysis["published"][:10])
            except ValueError:
                published = None
        count = 0
        for obs in analysis.get("observables", ()):
            if not isinstance(obs, dict) or not isinstance(obs.get("value"), str):
                continue
            count += self.add(Indicator(
                obs["value"], str(obs.get("type")), actors, 1, published, (source,),
                tuple(str(r) for r in obs.get("benign_reasons") or ()),
            ))  # fmt: skip
        for child in analysis.get("children", ()):
            if isinstance(child, dict):
                count += self._add_analysis(child, source)
        return count


_STIX_PATHS = {
    ("domain-name", "value"): "domain", ("url", "value"): "url", ("email-addr", "value"): "email",
    ("ipv4-addr", "value"): "ip", ("ipv6-addr", "value"): "ip", ("mac-addr", "value"): "mac",
    ("file", "name"): "file_name", ("windows-registry-key", "key"): "registry_key",
    ("email-message", "from_ref.value"): "email", ("email-message", "sender_ref.value"): "email",
    ("network-traffic", "dst_ref.value"): "ip", ("network-traffic", "src_ref.value"): "ip",
    ("autonomous-system", "number"): "asn", ("user-agent", "value"): "user_agent",
}  # fmt: skip
_STIX_HASHES = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "ssdeep": "ssdeep"}
_STIX_STRING = re.compile(r"'((?:\\.|[^'\\])*)'")


def _benign_reasons(value: str, type_: str) -> tuple[str, ...]:
    """The warninglists and rules that judge a value benign (as the text extractor would)."""
    from unmask.extract.observables import extract_observables

    for obs in extract_observables(value):
        if obs.type == type_ and obs.value == value:
            return obs.benign_reasons
    return ()


def _outermost(found: Sequence[Observable]) -> list[Observable]:
    """Observables not inside another one (a URL's host is part of the URL)."""
    return [
        o for o in found
        if not any(p is not o and p.span.start <= o.span.start and o.span.end <= p.span.end
                   and (p.span.end - p.span.start) > (o.span.end - o.span.start) for p in found)
    ]  # fmt: skip


# -- hits -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SweepHit:
    """One indicator found in one log line.

    ``line`` is 1-based; ``start``/``end`` are character columns in that line (0-based,
    end exclusive) and ``text`` is the line's text there. ``how`` is ``exact``,
    ``subdomain`` (the line names a host under the indicator domain) or ``in-range``
    (an address inside a CIDR indicator), with ``+url-decoded`` when the line wrote it
    with percent-escapes. ``context`` quotes up to 120 characters either side, from
    column ``context_start``.
    """

    source: str
    line: int
    start: int
    end: int
    text: str
    how: str
    indicator: Indicator
    context: str = field(default="", compare=False)
    context_start: int = field(default=0, compare=False)

    @property
    def value(self) -> str:
        return self.indicator.value

    @property
    def type(self) -> str:
        return self.indicator.type

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "span": {"start": self.start, "end": self.end},
            "text": self.text,
            "how": self.how,
            "indicator": self.indicator.to_dict(),
            "context": self.context,
            "context_start": self.context_start,
        }


# -- matching ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    indicator: Indicator
    key: str
    #: The part of the value that must match with its case (a URL's path, a wallet).
    exact_from: int


class _Matcher:
    """The compiled form of an IndicatorSet: the indicators in rank order and the
    Rust matcher (:class:`unmask._core.SweepMatcher`) built from them once.

    Python decides what the matcher is given: each literal with its type (the boundary
    rules), the part that must keep its case, CIDR ranges (a /16 or narrower as the
    literal of its first octets, wider ones as intervals) and, from
    ``hash_tokens_from`` hash indicators on, hashes looked up by whole hex token
    instead of through the automaton (less memory for huge sets; not matched when
    percent-escaped).
    """

    def __init__(self, indicators: Iterable[Indicator], *, hash_tokens_from: int = _HASH_TOKENS_FROM) -> None:
        unique: dict[tuple[str, str], Indicator] = {}
        for ind in indicators:
            unique[(ind.type, ind.value)] = ind
        #: Hits come ordered by span, then by (type, value): the rank is the index here.
        self.indicators = sorted(unique.values(), key=lambda i: (i.type, i.value))
        by_token = sum(1 for ind in self.indicators if ind.type in _HASHES) >= hash_tokens_from
        entries: list[tuple[str, str, int, int, bool, bool, int, int]] = []
        hashes: list[tuple[str, int]] = []
        ranges: list[tuple[int, int, int]] = []
        for rank, ind in enumerate(self.indicators):
            if by_token and ind.type in _HASHES:
                hashes.append((ind.value, rank))
                continue
            if ind.type == "ipv4_cidr":
                net = ipaddress.IPv4Network(ind.value, strict=False)
                first, last = int(net.network_address), int(net.broadcast_address)
                if net.prefixlen >= 16:
                    # Its first two (or three) octets are a literal: the automaton finds
                    # the candidates, the whole address is then read and checked.
                    octets = str(net.network_address).split(".")[: 3 if net.prefixlen >= 24 else 2]
                    prefix = ".".join(octets) + "."
                    entries.append((prefix, "ipv4_cidr", len(prefix), rank, False, False, first, last))
                else:
                    ranges.append((first, last, rank))
                continue
            key, exact_from = ind.value, len(ind.value)
            if ind.type == "url":
                scheme = _SCHEME_RE.match(key)
                if scheme is not None:
                    key = key[scheme.end():]
                rest = [i for i in (key.find("/"), key.find("?"), key.find("#")) if i >= 0]
                exact_from = min(rest) if rest else len(key)
            elif ind.type in _CASE_SENSITIVE:
                exact_from = 0
            if key:
                entries.append((key, ind.type, exact_from, rank, _word(key[0].lower()), _word(key[-1].lower()), 0, 0))
        #: Longest literal in characters: how much a block keeps for the next one.
        self.longest = max((len(e[0]) for e in entries), default=0)
        #: How many hashes are looked up by token.
        self.hashes = len(hashes)
        self.core = SweepMatcher(entries, hashes, ranges)


class Sweeper:
    """Sweeps text fed block by block (any block size, any line length).

    Feed decoded text with :meth:`feed`, then call :meth:`finish`; both return hits in
    stream order. Blocks overlap internally so that a match across a block edge is
    found once.
    """

    def __init__(self, indicators: IndicatorSet | Iterable[Indicator], source: str) -> None:
        self.matcher = _compiled(indicators)
        self.source = source
        self._keep = self.matcher.longest + _LOOK + _BEHIND
        self._carry = ""
        self._skip = 0  # matches ending at or before this offset were judged already
        self._line = 1  # line number of the carry's first character
        self._col = 0  # column of the carry's first character in its line

    def feed(self, text: str) -> list[SweepHit]:
        return self._scan(self._carry + text, final=False)

    def finish(self) -> list[SweepHit]:
        hits = self._scan(self._carry, final=True)
        self._carry = ""
        return hits

    def _scan(self, text: str, *, final: bool) -> list[SweepHit]:
        limit = len(text) if final else len(text) - _LOOK
        skip = self._skip
        hits: list[SweepHit] = []
        if limit > skip:
            ranked = self.matcher.indicators
            found = self.matcher.core.scan(text, skip, limit)
            if found:
                hits = self._place(text, [(s, e, _HOW[how], ranked[rank]) for s, e, rank, how in found])
        # What stays for the next block: enough to judge deferred matches and to look back.
        if not final:
            cut = max(0, len(text) - self._keep)
            # Counted in place: a copy of the block's head would cost as much as the scan.
            newlines = text.count("\n", 0, cut)
            if newlines:
                self._line += newlines
                self._col = cut - text.rfind("\n", 0, cut) - 1
            else:
                self._col += cut
            self._carry = text[cut:]
            self._skip = max(0, max(skip, limit) - cut)
        return hits

    def _place(self, text: str, found: list[tuple[int, int, str, Indicator]]) -> list[SweepHit]:
        hits: list[SweepHit] = []
        line, pos = self._line, 0
        line_start: int | None = None  # offset of the line's start in text; None: before text
        for start, end, how, ind in found:
            newlines = text.count("\n", pos, start)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", pos, start) + 1
            pos = start
            base = (0 if line_start is None else line_start)
            col0 = self._col if line_start is None else 0
            left = max(base, start - _CONTEXT)
            right = text.find("\n", end, end + _CONTEXT)
            right = min(len(text), end + _CONTEXT) if right < 0 else right
            hits.append(SweepHit(
                source=self.source, line=line, start=col0 + start - base, end=col0 + end - base,
                text=text[start:end], how=how, indicator=ind, context=text[left:right],
                context_start=col0 + left - base,
            ))  # fmt: skip
        return hits


def _compiled(indicators: IndicatorSet | Iterable[Indicator]) -> _Matcher:
    if isinstance(indicators, IndicatorSet):
        return indicators.compiled()
    return indicators if isinstance(indicators, _Matcher) else _Matcher(indicators)


def sweep_text(blocks: Iterable[str], indicators: IndicatorSet | Iterable[Indicator], *,
               source: str = "<text>") -> Iterator[SweepHit]:
    """Hits in text given as consecutive blocks (cut anywhere, lines end with ``\\n``)."""
    sweeper = Sweeper(indicators, source)
    try:
        for block in blocks:
            yield from sweeper.feed(block)
    except UnmaskError:
        yield from sweeper.finish()  # what was read before the failure is still swept
        raise
    yield from sweeper.finish()


def sweep_lines(lines: Iterable[str], indicators: IndicatorSet | Iterable[Indicator], *,
                source: str = "<lines>") -> Iterator[SweepHit]:
    """Hits in ``lines`` (one item per line; a trailing newline is dropped).

    A newline inside an item is read as a space, so line numbers stay those of the
    items and every hit's span indexes its item.
    """

    def blocks() -> Iterator[str]:
        batch: list[str] = []
        size = 0
        for raw in lines:
            line = raw[:-1] if raw.endswith("\n") else raw
            if "\n" in line:
                line = line.replace("\n", " ")
            batch.append(line)
            size += len(line) + 1
            if size >= _BLOCK:
                yield "\n".join(batch) + "\n"
                batch, size = [], 0
        if batch:
            yield "\n".join(batch)

    return sweep_text(blocks(), indicators, source=source)


def sweep_file(path: str | Path, indicators: IndicatorSet | Iterable[Indicator], *,
               source: str | None = None) -> Iterator[SweepHit]:
    """Hits in a log file (``-`` is standard input; ``.gz`` or not, by content)."""
    name = source or str(path)
    return sweep_text(open_log(path, source=name), indicators, source=name)
