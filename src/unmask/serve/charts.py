"""The pictures of the web pages, as plain data for the templates to draw.

Pure functions from query results (an :class:`~unmask.store.ActorProfile`, the actor
graph of the reference data) to positions, sizes and labels: the templates turn them
into HTML and SVG with Jinja's autoescape, so no report string is ever written into
markup here, and no script or outside asset is needed to show them.

* :func:`attack_matrix` - the ATT&CK Enterprise matrix: tactics as columns in
  kill-chain order, techniques with their sub-techniques under them, each coloured by
  the share of the actor's reports that show it (the score of the Navigator layer).
* :func:`timeline_chart` - dated events and reports on one time axis, one lane per kind.
* :func:`bar_chart` - horizontal bars (targets by sector, country, organisation).
* :func:`names_graph` - actor <-> names <-> the sources that claim them, contested
  names marked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from unmask.reference.actors import ActorGraph, name_key, source_label
from unmask.reference.attack import AttackData
from unmask.store import ActorProfile, Evidence, NamedStat, TechniqueStat

__all__ = [
    "TACTICS",
    "Bar",
    "BarChart",
    "Matrix",
    "MatrixCell",
    "NamesGraph",
    "Timeline",
    "attack_matrix",
    "bar_chart",
    "evidence_href",
    "heat",
    "names_graph",
    "timeline_chart",
]

#: ATT&CK Enterprise tactics in kill-chain order: (shortname, column title).
TACTICS: tuple[tuple[str, str], ...] = (
    ("reconnaissance", "Reconnaissance"),
    ("resource-development", "Resource Development"),
    ("initial-access", "Initial Access"),
    ("execution", "Execution"),
    ("persistence", "Persistence"),
    ("privilege-escalation", "Privilege Escalation"),
    ("defense-evasion", "Defense Evasion"),
    ("credential-access", "Credential Access"),
    ("discovery", "Discovery"),
    ("lateral-movement", "Lateral Movement"),
    ("collection", "Collection"),
    ("command-and-control", "Command and Control"),
    ("exfiltration", "Exfiltration"),
    ("impact", "Impact"),
)
#: Colour steps of the heatmap (CSS classes heat-1 .. heat-5; heat-0 is "not seen").
HEAT_STEPS = 5


def heat(score: int) -> int:
    """The colour step (0-5) of a score in 0-100: 0 only for "not seen"."""
    if score <= 0:
        return 0
    return max(1, min(HEAT_STEPS, math.ceil(score * HEAT_STEPS / 100)))


def evidence_href(e: Evidence) -> str:
    """The report page, scrolled to the evidence's highlighted span."""
    return f"/reports/{e.sha256}#span-{e.start}-{e.end}"


# --- the ATT&CK matrix --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MatrixCell:
    technique_id: str
    name: str
    reports: int
    score: int
    sub: bool = False

    @property
    def heat(self) -> int:
        return heat(self.score)

    @property
    def seen(self) -> bool:
        return self.reports > 0


@dataclass(frozen=True, slots=True)
class Matrix:
    #: (tactic shortname, title, cells in order: each technique, then its sub-techniques)
    columns: tuple[tuple[str, str, tuple[MatrixCell, ...]], ...]
    #: techniques the ATT&CK data does not place in a tactic (revoked, unknown ids)
    unplaced: tuple[MatrixCell, ...]
    report_count: int
    full: bool

    @property
    def seen(self) -> int:
        ids = {c.technique_id for _, _, cells in self.columns for c in cells if c.seen}
        return len(ids | {c.technique_id for c in self.unplaced})


def attack_matrix(techniques: Sequence[TechniqueStat], report_count: int, attack: AttackData,
                  *, full: bool = False) -> Matrix:
    """The actor's techniques in the Enterprise matrix (``full``: with every active
    technique of each tactic, those not seen left blank)."""
    total = max(report_count, 1)
    seen = {t.technique_id: t for t in techniques}
    by_tactic: dict[str, dict[str, list[str]]] = {short: {} for short, _ in TACTICS}
    unplaced: list[MatrixCell] = []

    def place(technique_id: str) -> bool:
        known = attack.get(technique_id)
        if known is None or not known.tactics:
            return False
        parent = known.parent or technique_id
        for tactic in known.tactics:
            column = by_tactic.get(tactic)
            if column is None:
                continue
            subs = column.setdefault(parent, [])
            if known.parent and technique_id not in subs:
                subs.append(technique_id)
        return any(t in by_tactic for t in known.tactics)

    for stat in techniques:
        if not place(stat.technique_id):
            unplaced.append(_cell(stat.technique_id, stat.name, stat.reports, total))
    if full:
        for technique in attack.active():
            if technique.parent is None:
                place(technique.id)

    def cell(technique_id: str, sub: bool) -> MatrixCell:
        stat = seen.get(technique_id)
        known = attack.get(technique_id)
        name = known.name if known is not None else (stat.name if stat else technique_id)
        return _cell(technique_id, name, stat.reports if stat else 0, total, sub=sub)

    columns = []
    for short, title in TACTICS:
        parents = by_tactic[short]
        order = sorted(parents, key=lambda p: (
            -max([seen[t].reports for t in (p, *parents[p]) if t in seen] or [0]),
            attack.display_name(p) if attack.get(p) else p))
        cells: list[MatrixCell] = []
        for parent in order:
            cells.append(cell(parent, False))
            cells += [cell(s, True) for s in sorted(parents[parent])]
        columns.append((short, title, tuple(cells)))
    return Matrix(tuple(columns), tuple(unplaced), report_count, full)


def _cell(technique_id: str, name: str, reports: int, total: int, *, sub: bool = False) -> MatrixCell:
    return MatrixCell(technique_id, name, reports, round(100 * reports / total) if reports else 0,
                      sub=sub or "." in technique_id)


# --- the timeline -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Mark:
    """One thing on the timeline: a dot (a day) or a bar (a month or a year)."""

    x: float
    width: float
    lane: int
    label: str
    href: str
    kind: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    lanes: tuple[tuple[str, float], ...]  # (name, y)
    marks: tuple[Mark, ...]
    ticks: tuple[tuple[float, str], ...]
    lines: tuple[tuple[float, str], ...]  # first and last seen
    left: int
    lane_height: int
    top: int


_LANE_ORDER = ("activity-start", "campaign", "advisory", "report", "sanction", "indictment",
               "arrest", "conviction", "takedown", "activity-end")


def _period(date: str) -> tuple[dt.date, dt.date] | None:
    """The first day and the day after the last one ``date`` (2023, 2023-06, 2023-06-01) means."""
    try:
        parts = [int(p) for p in date.split("-")[:3]]
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
        if len(parts) == 2:
            start = dt.date(parts[0], parts[1], 1)
            following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return start, following
        day = dt.date(parts[0], parts[1], parts[2])
        return day, day + dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def timeline_chart(profile: ActorProfile, *, width: int = 1000) -> Timeline | None:
    """Events (one lane per kind) and the actor's reports by publication date, with its
    first and last seen; None when nothing is dated."""
    items: list[tuple[str, dt.date, dt.date, str, str]] = []  # kind, start, end, label, href
    for entry in profile.timeline:
        period = _period(entry.date)
        if period is None:
            continue
        quote = " ".join(entry.evidence.quote.split())
        label = (f"{entry.kind} {entry.date} ({entry.reports} report(s)): {quote[:160]}"
                 f" - {entry.evidence.title or entry.evidence.source}")
        items.append((entry.kind, *period, label, evidence_href(entry.evidence)))
    for report in profile.reports:
        if report.published is not None:
            label = f"report {report.published.isoformat()}: {report.title or report.source}"
            items.append(("report in the base", report.published,
                          report.published + dt.timedelta(days=1), label, f"/reports/{report.sha256}"))
    if not items:
        return None
    kinds = sorted({i[0] for i in items}, key=lambda k: (
        k == "report in the base", _LANE_ORDER.index(k) if k in _LANE_ORDER else len(_LANE_ORDER), k))
    start = min(i[1] for i in items)
    end = max(i[2] for i in items)
    for bound in (profile.first_seen, profile.last_seen):
        if bound is not None:
            start, end = min(start, bound), max(end, bound + dt.timedelta(days=1))
    start = dt.date(start.year, 1, 1)
    end = dt.date(end.year + 1, 1, 1)
    left, right, top, lane_height = 150, 16, 10, 26
    span_days = max((end - start).days, 1)
    scale = (width - left - right) / span_days

    def x(day: dt.date) -> float:
        return round(left + (day - start).days * scale, 1)

    lanes = tuple((k, top + i * lane_height + lane_height / 2) for i, k in enumerate(kinds))
    lane_of = {k: i for i, k in enumerate(kinds)}
    marks = tuple(
        Mark(x(s), max(round((e - s).days * scale, 1), 0.0), lane_of[k], label, href, k)
        for k, s, e, label, href in sorted(items, key=lambda i: (i[1], i[0]))
    )
    years = list(range(start.year, end.year + 1))
    step = max(1, math.ceil(len(years) / 12))
    ticks = tuple((x(dt.date(y, 1, 1)), str(y)) for y in years[::step])
    lines = tuple((x(day), f"{what} {day.isoformat()}") for what, day in
                  (("first seen", profile.first_seen), ("last seen", profile.last_seen))
                  if day is not None)
    height = top + len(kinds) * lane_height + 28
    return Timeline(width, height, lanes, marks, ticks, lines, left, lane_height, top)


# --- bar charts ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    width: int
    height: int
    left: int
    bar_height: int
    bars: tuple[Bar, ...]
    more: int = 0


def bar_chart(title: str, stats: Iterable[NamedStat], *, limit: int = 15,
              width: int = 520) -> BarChart | None:
    """The ``limit`` values with most reports as horizontal bars (None when none)."""
    merged: dict[str, tuple[int, list[str]]] = {}
    for stat in stats:
        held = merged.get(stat.value)
        roles = [stat.role] if stat.role and stat.role != "target" else []
        if held is None:
            merged[stat.value] = (stat.reports, roles)
        else:
            merged[stat.value] = (max(held[0], stat.reports), held[1] + roles)
    if not merged:
        return None
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1][0], kv[0].casefold()))
    shown = ranked[:limit]
    left, bar_height, top = 190, 20, 4
    most = max(v for _, (v, _) in shown)
    room = width - left - 40
    bars = tuple(
        Bar(label, value, top + i * (bar_height + 4), round(room * value / most, 1),
            note=", ".join(sorted(set(roles))))
        for i, (label, (value, roles)) in enumerate(shown)
    )
    height = top + len(bars) * (bar_height + 4) + 4
    return BarChart(title, width, height, left, bar_height, bars, more=len(ranked) - len(shown))


# --- names by vendor ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NameNode:
    name: str
    vendor: str
    y: float
    reports: int
    contested: bool
    others: str  # the other actors a contested name is claimed for
    learned: bool  # only known from reports' alias statements


@dataclass(frozen=True, slots=True)
class SourceNode:
    key: str
    label: str
    y: float
    claims: int


@dataclass(frozen=True, slots=True)
class NamesGraph:
    width: int
    height: int
    actor: str
    actor_y: float
    names: tuple[NameNode, ...]
    sources: tuple[SourceNode, ...]
    edges: tuple[tuple[float, float, bool], ...]  # (name y, source y, contested)
    columns: tuple[int, int, int]
    more: int
    contested: tuple[NameNode, ...] = field(default=())


_REPORTS = "reports"


def names_graph(profile: ActorProfile, graph: ActorGraph, *, limit: int = 40,
                width: int = 1000) -> NamesGraph | None:
    """The actor's names (from the reference data and from its visible reports) and the
    sources that claim each; a name also claimed for another actor is *contested*."""
    actor = graph.get(profile.actor_id)
    written = {name_key(n.value): n for n in profile.names}
    nodes: dict[str, tuple[str, str, set[str], bool, str, bool]] = {}
    if actor is not None:
        for alias in actor.aliases:
            others = [c.name + f" ({c.actor_id})" for c in graph.lookup(alias.name).candidates
                      if c.actor_id != actor.id]
            nodes[name_key(alias.name)] = (alias.name, alias.vendor or "", set(alias.sources),
                                           alias.ambiguous or bool(others), ", ".join(others), False)
    for learned in profile.aliases:
        key = name_key(learned.name)
        if key not in nodes:
            nodes[key] = (learned.name, "", set(), False, "", True)
        nodes[key][2].add(_REPORTS)
    for key, stat in written.items():
        if key in nodes:
            nodes[key][2].add(_REPORTS)
        else:
            nodes[key] = (stat.value, "", {_REPORTS}, False, "", True)
    if not nodes:
        return None
    ranked = sorted(nodes.items(), key=lambda kv: (
        -(written[kv[0]].reports if kv[0] in written else 0), -len(kv[1][2]), kv[1][0].casefold()))
    shown = ranked[:limit]
    claims: dict[str, int] = {}
    for _, node in shown:
        for source in node[2]:
            claims[source] = claims.get(source, 0) + 1
    source_keys = sorted(claims, key=lambda s: (s == _REPORTS, -claims[s], s))
    row, top = 22, 14
    rows = max(len(shown), len(source_keys))
    height = top * 2 + rows * row

    def spread(count: int, i: int) -> float:
        return round(top + (rows * row) * (i + 0.5) / count, 1)

    names = tuple(
        NameNode(node[0], node[1], spread(len(shown), i),
                 written[key].reports if key in written else 0, node[3], node[4], node[5])
        for i, (key, node) in enumerate(shown)
    )
    sources = tuple(
        SourceNode(s, "the visible reports" if s == _REPORTS else source_label(s, short=True),
                   spread(len(source_keys), i), claims[s])
        for i, s in enumerate(source_keys)
    )
    y_of = {s.key: s.y for s in sources}
    edges = tuple(
        (node.y, y_of[s], node.contested)
        for node, (_, held) in zip(names, shown, strict=True) for s in sorted(held[2])
    )
    return NamesGraph(width, height, profile.name, round(top + rows * row / 2, 1), names, sources,
                      edges, (20, 360, 700), more=len(ranked) - len(shown),
                      contested=tuple(n for n in names if n.contested))

