"""Knowledge-base commands: ``ingest``, ``search``, ``reports``, ``show`` and ``ioc``.

Also :func:`render_actor_profile`, the knowledge-base view ``unmask actor NAME`` prints.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.text import Text

from unmask.cli.common import (
    EXIT_FAILED_INPUTS,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    check_format,
    err,
    fail,
    gather_sources,
    out,
    print_json,
    reference_progress,
    report_skipped,
)
from unmask.errors import ConfigError, StoreError, UnmaskError

__all__ = ["register", "render_actor_profile", "render_ioc", "render_search"]

if TYPE_CHECKING:  # the store and rich's tables are imported when a command needs them
    from rich.table import Table

    from unmask.ingest import IngestEvent, IngestReport
    from unmask.store import (
        ActorProfile,
        IocResult,
        KnowledgeBase,
        ReportRef,
        SearchHit,
    )
    from unmask.store.sightings import IndicatorStatus

_FORMATS = ("text", "json")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: UNMASK_DB, else SQLite in the user data dir)."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]


def _check_format(format: str) -> bool:
    format = check_format(format, _FORMATS)
    return format == "json"


@contextmanager
def _open(db: str | None, *, as_json: bool) -> Iterator[KnowledgeBase]:
    from unmask.store import open as open_kb

    try:
        kb = open_kb(db)
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    try:
        yield kb
    except StoreError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    finally:
        kb.close()


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


def _access(org: str | None, audience: str | None,
            marking: str | None) -> tuple[str | None, list[str] | None]:
    """The --org and --audience of an ingest, checked (an audience needs --tlp red)."""
    from unmask.store.access import check_audience

    owner = None if org is None else org.strip()
    if owner is not None and (not owner or len(owner) > 100 or any(ord(ch) < 32 for ch in owner)):
        raise typer.BadParameter("an organisation is 1 to 100 printable characters",
                                 param_hint="--org")
    if audience is None:
        return owner, None
    if marking != "red":
        raise typer.BadParameter("an audience is for RED reports: give --tlp red too",
                                 param_hint="--audience")
    try:
        names = check_audience(audience.split(","))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--audience") from None
    if not names:
        raise typer.BadParameter("name at least one token", param_hint="--audience")
    return owner, names


def _tlp(value: str) -> str:
    from unmask.store import check_tlp

    try:
        return check_tlp(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tlp") from None


def _report_line(report: ReportRef) -> Text:
    line = Text()
    line.append(report.title or report.source, style="bold")
    facts = [report.sha256[:12], report.published.isoformat() if report.published else "undated",
             f"TLP:{report.tlp.upper()}"]
    if report.title:
        facts.insert(1, report.source)
    line.append("  " + " · ".join(facts), style="dim")
    if report.actors:
        line.append("  " + ", ".join(report.actors), style="cyan")
    return line


def _short(quote: str, width: int = 100) -> str:
    return quote if len(quote) <= width else quote[: width - 1] + "…"


def _table(title: str, *columns: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", show_edge=False,
                  header_style="dim", pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


# -- ingest ----------------------------------------------------------------------------


def ingest_command(
    sources: Annotated[list[str] | None, typer.Argument(help="Files, folders (recursive), globs, http(s) URLs (pages, PDFs, feeds), or - for stdin.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes analysing in parallel.")] = 1,
    tlp: Annotated[str | None, typer.Option("--tlp", help="TLP marking: clear, green, amber, amber+strict or red (default: clear for new documents; stored ones keep theirs).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Re-analyse documents already stored.")] = False,
    follow: Annotated[bool, typer.Option("--follow", help="Feeds: fetch the page of each entry that has only a summary.")] = False,
    reanalyze_outdated: Annotated[bool, typer.Option("--reanalyze-outdated", help="Also re-analyse every stored report analysed by another unmask version, extractor code or reference data (from the text the base keeps).")] = False,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Analyse on the Dask scheduler at tcp://HOST:8786 (default: UNMASK_CLUSTER; needs unmask[cluster]); the workers read the sources and write to the same base.")] = None,
    all_files: Annotated[bool, typer.Option("--all-files", help="In folders, also store logs, manifests and notes (skipped by default).")] = False,
    org: Annotated[str | None, typer.Option("--org", help="The organisation that owns them (default: the server's own): AMBER+STRICT and RED reports are served to its tokens only.")] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="With --tlp red: the token names (comma-separated) the reports are for; no other token sees them.")] = None,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """Analyse reports and store them in the knowledge base (idempotent; safe to re-run)."""
    from unmask.ingest import IngestEvent, ingest

    as_json = _check_format(format)
    marking = None if tlp is None else _tlp(tlp)
    address = _cluster_address(cluster, jobs, as_json=as_json)
    owner, readers = _access(org, audience, marking)
    if address is not None and (owner is not None or readers is not None):
        raise typer.BadParameter("--org and --audience are given to local ingests only",
                                 param_hint="--cluster")
    if reanalyze_outdated and address is not None:
        raise typer.BadParameter("re-analyses run locally, not on a cluster",
                                 param_hint="--reanalyze-outdated")
    if not sources and not reanalyze_outdated:
        raise typer.BadParameter("give the sources to ingest (or --reanalyze-outdated)",
                                 param_hint="SOURCES")
    skipped: list[tuple[str, str]] = []
    paths, missing = gather_sources(sources or [], taxii=True,
                                    skipped=None if all_files else skipped)
    if not as_json:
        report_skipped(skipped)
    events: list[IngestEvent] = [
        IngestEvent(f.source, "failed", error_type=type(f.error).__name__, message=str(f.error))
        for f in missing
    ]
    show_progress = err.is_terminal and len(paths) > 1
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with _open(db, as_json=as_json) as kb, reference_progress():
        progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True,
            disable=not show_progress,
        )
        with progress:
            task = progress.add_task("Ingesting", total=len(paths))

            def advance(event: IngestEvent) -> None:
                progress.advance(task)

            if address is None:
                report = ingest(kb, paths, tlp=marking, jobs=jobs, replace=replace,
                                on_event=advance, follow=follow,
                                reanalyze_outdated=reanalyze_outdated, org=owner, audience=readers)
            else:
                report = _ingest_on_cluster(kb, paths, address, tlp=marking, replace=replace,
                                            on_event=advance, follow=follow, as_json=as_json)
        url = kb.url
    events.extend(report.events)
    events = [_printable_event(e) for e in events]
    failures = [e for e in events if e.status == "failed"]
    counts = {s: sum(1 for e in events if e.status == s)
              for s in ("added", "replaced", "unchanged", "failed")}
    if as_json:
        print_json({**counts, "database": url, "documents": [e.to_dict() for e in events],
                    "skipped": [{"source": name, "why": why} for name, why in skipped]})
    else:
        out.print(f"{counts['added']} added, {counts['replaced']} replaced, "
                  f"{counts['unchanged']} unchanged, {counts['failed']} failed → {url}")
    if failures:
        if as_json:
            for failure in failures:
                sys.stderr.write(json.dumps({"error": failure.to_dict()["error"]}) + "\n")
        else:
            err.print(f"[bold red]{len(failures)} input(s) failed:[/]")
            for failure in failures:
                message = failure.message or ""
                if not message.startswith(failure.source):
                    message = f"{failure.source}: {message}"
                err.print(Text.assemble(("  ✗ ", "red"), message), highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FAILED_INPUTS if failures else EXIT_OK)


def _cluster_address(cluster: str | None, jobs: int, *, as_json: bool) -> str | None:
    """The scheduler of ``--cluster`` / UNMASK_CLUSTER, or None (ingest here); Dask is
    imported only when there is one."""
    from unmask.cluster import resolve_address

    try:
        address = resolve_address(cluster)
        if address is not None and jobs > 1:
            raise ConfigError("--jobs sets local worker processes; with --cluster the Dask "
                              "workers' processes and threads set the parallelism")
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    return address


def _ingest_on_cluster(kb: KnowledgeBase, paths: list[str], address: str, *,
                       as_json: bool, **options: Any) -> IngestReport:
    from unmask.cluster import ingest_on_cluster
    from unmask.errors import MissingDependencyError

    try:
        return ingest_on_cluster(kb, paths, address, **options)
    except (ConfigError, MissingDependencyError) as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    except UnmaskError as exc:  # a worker with other reference data refuses to run
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc


def _printable(text: str | None) -> str | None:
    """``text`` with the undecodable bytes of a file name (surrogate escapes) as ``\\xNN``."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _printable_event(event: IngestEvent) -> IngestEvent:
    import dataclasses

    return dataclasses.replace(event, source=_printable(event.source) or "",
                               message=_printable(event.message))


# -- search ----------------------------------------------------------------------------


def _highlighted(snippet: str, highlights: tuple[tuple[int, int], ...]) -> Text:
    text = Text(snippet)
    for start, end in highlights:
        text.stylize("bold yellow", start, end)
    return text


def render_search(hits: list[SearchHit], console: Console) -> None:
    """Each hit: its report on one line, the snippet with the matches highlighted."""
    for hit in hits:
        console.print(_report_line(hit.report))
        console.print(Text("  ").append(_highlighted(hit.snippet, hit.highlights)))


def search_command(
    query: Annotated[str, typer.Argument(help='Words, "quoted phrases", OR, -excluded.')],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most hits to show.")] = 20,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """Full-text search over stored reports, best matches first."""
    as_json = _check_format(format)
    with _open(db, as_json=as_json) as kb:
        hits = kb.search(query, limit=limit)
    if as_json:
        print_json({"query": query, "hits": [h.to_dict() for h in hits]})
    elif hits:
        render_search(hits, out)
    else:
        err.print(f"No report matches {escape(repr(query))}.")
    raise typer.Exit(EXIT_OK if hits else EXIT_NOT_FOUND)


# -- reports ---------------------------------------------------------------------------


def reports_command(
    actor: Annotated[str | None, typer.Option("--actor", "-a", help="Reports about this actor (id or any name).")] = None,
    technique: Annotated[str | None, typer.Option("--technique", "-t", help="Reports describing this ATT&CK technique.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Published on or before (YYYY-MM-DD).")] = None,
    tlp: Annotated[list[str] | None, typer.Option("--tlp", help="Only these TLP markings (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 100,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """List stored reports, newest first."""
    as_json = _check_format(format)
    since_date, until_date = _date(since, "--since"), _date(until, "--until")
    markings = [_tlp(t) for t in tlp] if tlp else None
    with _open(db, as_json=as_json) as kb:
        reports = kb.find_reports(actor=actor, technique=technique, since=since_date,
                                  until=until_date, tlp=markings, limit=limit, offset=offset)
    if as_json:
        print_json({"reports": [r.to_dict() for r in reports]})
    elif reports:
        table = _table(f"Reports ({len(reports)})", "sha256", "published", "TLP", "title / source",
                       "actors")
        for r in reports:
            table.add_row(r.sha256[:12], r.published.isoformat() if r.published else "",
                          r.tlp.upper(), r.title or r.source, ", ".join(r.actors))
        out.print(table)
    else:
        err.print("No report matches.")
    raise typer.Exit(EXIT_OK if reports else EXIT_NOT_FOUND)


# -- show ------------------------------------------------------------------------------


def show_command(
    report: Annotated[str, typer.Argument(help="The report: its sha256, a prefix of it, or its source.")],
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """Show one stored report's analysis."""
    from unmask.cli.render import render_analysis

    as_json = _check_format(format)
    with _open(db, as_json=as_json) as kb:
        sha256 = kb.resolve_report(report)
        analysis = kb.get_analysis(sha256)
        ref = kb.get_report(sha256)
    if analysis is None or ref is None:  # pragma: no cover - deleted in between
        err.print(f"[bold red]error:[/] report {escape(repr(report))} vanished")
        raise typer.Exit(EXIT_NOT_FOUND)
    if as_json:
        print_json({"report": ref.to_dict(), "analysis": analysis.to_dict()})
    else:
        out.print(_report_line(ref))
        render_analysis(analysis, out)
    raise typer.Exit(EXIT_OK)


# -- ioc -------------------------------------------------------------------------------


def render_ioc(result: IocResult, console: Console, status: IndicatorStatus | None = None) -> None:
    """Where an indicator was seen, with which actors, each with its evidence; its
    score and recorded sightings when ``status`` is given."""
    from rich.panel import Panel

    head = Text()
    if result.matched != "exact":
        how = "the host of the URL" if result.matched == "url-host" else "a domain above it"
        head.append(f"{result.asked} is not stored itself; {how} is:\n", style="yellow")
    head.append(result.value, style="bold")
    head.append(f"  ({', '.join(result.types)})", style="dim")
    seen = f"\nseen in {result.report_count} report(s)"
    if result.first_seen:
        seen += f", {result.first_seen.isoformat()} – {result.last_seen.isoformat() if result.last_seen else '?'}"
    head.append(seen)
    if result.actors:
        head.append("\nwith " + ", ".join(f"{a.label or a.value} ({a.value}, {a.reports})"
                                          for a in result.actors))
    if status is not None:
        head.append("\n" + _score_line(status))
    console.print(Panel(head, expand=False))
    table = _table("Sightings", "published", "report", "actors", "as written", "note")
    for s in result.sightings:
        table.add_row(s.report.published.isoformat() if s.report.published else "",
                      f"{s.report.title or s.report.source} [{s.report.sha256[:12]}]",
                      ", ".join(s.actors), s.surface,
                      "benign: " + ", ".join(s.benign_reasons) if s.benign_reasons else "")
    console.print(table)
    if status is not None and status.recent:
        recorded = _table("Recorded sightings", "day", "kind", "count", "source", "who", "why")
        for r in status.recent:
            recorded.add_row(r.day.isoformat(), r.kind, str(r.count), r.source, r.who or "", r.why or "")
        console.print(recorded)


def _score_line(status: IndicatorStatus) -> str:
    best = status.score
    if best is None:
        return "score: none"
    line = f"score {best.score:.0f}/100 ({best.status}"
    if best.status == "false-positive":
        summary = next(iter(status.summaries.values()), None)
        if summary is not None and summary.false_positive_who:
            line += f" by {summary.false_positive_who}"
        if summary is not None and summary.false_positive_why:
            line += f": {summary.false_positive_why}"
    elif best.valid_until is not None:
        line += f", valid until {best.valid_until.date().isoformat()}"
    line += f"; lifetime {best.lifetime:g} days, threshold {best.threshold:g})"
    seen = sum(s.seen for s in status.summaries.values())
    if seen:
        line += f"; sighted {seen} time(s)"
    return line


def ioc_command(
    value: Annotated[str, typer.Argument(help="An indicator, plain or defanged (evil[.]com).")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 100,
    false_positive: Annotated[
        str | None, typer.Option("--false-positive", help="Report it as a false positive, saying why: no longer exported as an indicator until seen again.")
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who reports the false positive (default: the OS user).")] = None,
    db: DbOption = None,
    format: FormatOption = "text",
) -> None:
    """Where an indicator was seen, with which actors, and its score."""
    from unmask.store.decay import DecaySettings
    from unmask.store.sightings import add_sightings, indicator_status
    from unmask.store.sightings import false_positive as false_positive_report

    as_json = _check_format(format)
    try:
        settings = DecaySettings.from_env()
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    with _open(db, as_json=as_json) as kb:
        result = kb.find_indicator(value, limit=limit)
        if false_positive is not None:
            if result is not None and result.matched != "exact":
                raise fail(StoreError(f"{value!r} is not stored itself, only {result.value!r} above it; "
                                      f"report {result.value!r} as a false positive if that is meant"),
                           as_json=as_json, code=EXIT_NOT_FOUND)
            if result is None:
                raise fail(StoreError(f"{value!r} is not in any stored report: there is no indicator "
                                      "to report as a false positive"), as_json=as_json, code=EXIT_NOT_FOUND)
            if not false_positive.strip():
                raise fail(ConfigError("--false-positive needs a reason (why it is a false positive)"),
                           as_json=as_json, code=EXIT_USAGE)
            reporter = who or _os_user()
            now = kb.now()
            try:
                add_sightings(kb, [false_positive_report(t, result.value, who=reporter, why=false_positive,
                                                         at=now) for t in result.types])
            except UnmaskError as exc:
                raise fail(exc, as_json=as_json, code=EXIT_FAILED_INPUTS) from exc
        status = indicator_status(kb, result.value if result is not None else value, now=kb.now(), settings=settings, result=result)
    if result is None:
        if as_json:
            print_json({"value": value, "report_count": 0, "sightings": [],
                        **(status.to_dict() if status else {})})
        else:
            err.print(f"{escape(repr(value))} is not in any stored report.")
            if status is not None:
                err.print(_score_line(status), markup=False, highlight=False)
        raise typer.Exit(EXIT_NOT_FOUND)
    if as_json:
        print_json({**result.to_dict(), **(status.to_dict() if status else {})})
    else:
        render_ioc(result, out, status)
    raise typer.Exit(EXIT_OK)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password base
        return "unknown"


# -- actor profile (used by ``unmask actor``) ------------------------------------------


def render_actor_profile(profile: ActorProfile, console: Console) -> None:
    """The knowledge-base view of one actor: reports, techniques, targets, indicators …"""
    from rich.panel import Panel

    parts: list[RenderableType] = []
    head = Text()
    head.append(f"{profile.name}", style="bold")
    head.append(f"  {profile.actor_id}", style="dim")
    span = ""
    if profile.first_seen:
        span = f", first {profile.first_seen.isoformat()}, last "
        span += profile.last_seen.isoformat() if profile.last_seen else "?"
    head.append(f"\n{profile.report_count} report(s) in the knowledge base{span}")
    if profile.names:
        head.append("\nnamed as: " + ", ".join(f"{n.value} ({n.reports})" for n in profile.names))
    if profile.attributions:
        head.append("\nattribution: " + ", ".join(
            f"{a.kind} {a.value} ({a.reports})" for a in profile.attributions))
    parts.append(Panel(head, title="Knowledge base", title_align="left", expand=False))

    if profile.aliases:
        table = _table("Names reports give it", "name", "relation", "status", "reports", "source")
        for alias in profile.aliases:
            source = alias.sources[0]
            status = alias.status + (f" (also {', '.join(alias.others)})" if alias.others else "")
            if alias.status in ("proposed", "single-source"):
                status += f", {alias.independent} publisher(s)"
            table.add_row(alias.name, alias.relation, status, str(alias.reports),
                          f"{source.title or source.source} [{source.sha256[:12]}]: “{_short(source.quote)}”")
        parts.append(table)
    if profile.techniques:
        table = _table("Techniques", "id", "name", "reports", "evidence")
        for t in profile.techniques:
            evidence = t.evidence[0] if t.evidence else None
            table.add_row(t.technique_id, t.name, str(t.reports),
                          f"“{_short(evidence.quote)}” [{evidence.sha256[:12]}]" if evidence else "")
        parts.append(table)
    if profile.targets:
        table = _table("Targets and other parties", "role", "kind", "value", "reports")
        for target in profile.targets:
            table.add_row(target.role or "", target.kind, target.value, str(target.reports))
        parts.append(table)
    if profile.malware:
        table = _table("Malware and tools", "name", "kind", "reports")
        for m in profile.malware:
            table.add_row(m.label or m.value, m.kind, str(m.reports))
        parts.append(table)
    if profile.indicators:
        shown = len(profile.indicators)
        title = f"Indicators ({shown} of {profile.indicator_count})" if shown < profile.indicator_count else f"Indicators ({shown})"
        table = _table(title, "type", "value", "reports")
        for i in profile.indicators:
            table.add_row(i.type, i.value, str(i.reports))
        parts.append(table)
    if profile.timeline:
        table = _table("Timeline", "date", "event", "reports", "evidence")
        for entry in profile.timeline:
            table.add_row(entry.date, entry.kind, str(entry.reports),
                          f"“{_short(entry.evidence.quote)}” [{entry.evidence.sha256[:12]}]")
        parts.append(table)
    if profile.reports:
        shown = len(profile.reports)
        parts.append(Text(f"Reports ({shown} of {profile.report_count})"
                          if shown < profile.report_count else f"Reports ({shown})",
                          style="bold"))
        parts.extend(_report_line(r) for r in profile.reports)
    console.print(Group(*parts))


def profile_dict(profile: ActorProfile) -> dict[str, Any]:
    """The JSON shape of the knowledge-base view (``knowledge_base`` in ``unmask actor``)."""
    return profile.to_dict()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("ingest")(ingest_command)
    app.command("search")(search_command)
    app.command("reports")(reports_command)
    app.command("show")(show_command)
    app.command("ioc")(ioc_command)
