"""``unmask sweep``: which lines of logs hold known indicators, and who they point to.

Indicators come from ``--iocs`` files (IOC lists, ``analyze --format json`` output,
STIX 2 bundles, MISP events) and/or the knowledge base (``--db``; without ``--iocs``
the base at ``UNMASK_DB`` or the default one). Logs are files, folders, globs or ``-``;
gzip is read transparently.

Output formats (``--format``), one hit per line except ``json``, written as found:

* ``text`` (default; ``txt`` is accepted too): ``source:line:column  text  type[, how value]  intelligence``
  (column 1-based, like grep and compilers);
* ``csv``: ``source,line,start,end,text,how,type,value,actors,reports,last_seen``
  (``start``/``end`` 0-based, end exclusive);
* ``jsonl``: one hit object per line (``SweepHit.to_dict()``);
* ``json``: ``{"schema": 1, "indicators": n, "hits": [...], "skipped": [...]}``.

``--record`` writes the hits into the knowledge base (``--db``, else ``UNMASK_DB`` or the
default base) as ``seen`` sightings, one per indicator, log and day with its count
(who: ``--who``, else the OS user); ``--min-score N`` sweeps only knowledge-base
indicators whose decay score is at least N (docs/indicators.md).

Columns count characters of the line decoded as UTF-8 (an invalid byte counts as one).
Indicator-file entries that were not used are listed with their reason (on standard
error, or under ``skipped`` in ``json``). Exit codes: 0 hits, 1 no hit, 2 usage error
(no indicators, unknown type or format), 3 some inputs failed (the rest are swept).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unmask.cli.common import (
    EXIT_FAILED_INPUTS,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    Failure,
    check_format,
    err,
    fail,
    gather_sources,
    reference_progress,
    report_failures,
)
from unmask.errors import ConfigError, UnmaskError

if TYPE_CHECKING:
    from unmask.defend.record import SweepRecorder
    from unmask.defend.sweep import IndicatorSet, SkippedIndicator, SweepHit

__all__ = ["FORMATS", "register"]

FORMATS = ("text", "json", "jsonl", "csv")
_JSON_SCHEMA = 1
_CSV_HEADER = ["source", "line", "start", "end", "text", "how", "type", "value", "actors",
               "reports", "last_seen"]
_SKIPPED_SHOWN = 20


def _intelligence(hit: SweepHit) -> str:
    ind = hit.indicator
    parts = [", ".join(f"{name} ({actor_id})" for actor_id, name in ind.actors) or "no actor"]
    parts.append(f"{ind.reports} report{'s' if ind.reports != 1 else ''}")
    if ind.last_seen:
        parts.append(f"last {ind.last_seen.isoformat()}")
    return ", ".join(parts)


def _txt(hit: SweepHit) -> str:
    ind = hit.indicator
    kind = ind.type
    if hit.how.startswith("subdomain"):
        kind += f", subdomain of {ind.value}"
    elif hit.how.startswith("in-range"):
        kind += f", in {ind.value}"
    if hit.how.endswith("+url-decoded"):
        kind += ", url-decoded" if kind != ind.type else f", url-decoded {ind.value}"
    text = hit.text.replace("\t", " ").replace("\r", " ")
    return f"{hit.source}:{hit.line}:{hit.start + 1}  {text}  {kind}  {_intelligence(hit)}\n"


def _csv_row(hit: SweepHit) -> str:
    buffer = io.StringIO()
    ind = hit.indicator
    from unmask.export.csv import writer as csv_writer

    csv_writer(buffer, lineterminator="\n").writerow([
        hit.source, hit.line, hit.start, hit.end, hit.text, hit.how, ind.type, ind.value,
        ";".join(f"{a}:{n}" for a, n in ind.actors), ind.reports,
        ind.last_seen.isoformat() if ind.last_seen else "",
    ])  # fmt: skip
    return buffer.getvalue()


def _report_skipped(skipped: list[SkippedIndicator]) -> None:
    if not skipped:
        return
    reasons = Counter(s.reason.split(":")[0] for s in skipped)
    summary = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
    err.print(f"[yellow]{len(skipped)} indicator entr{'y' if len(skipped) == 1 else 'ies'} "
              f"skipped[/] ({summary}):", highlight=False)
    for item in skipped[:_SKIPPED_SHOWN]:
        where = f"{item.source}:{item.line}" if item.line else item.source
        err.print(f"  {where}: {item.text!r}: {item.reason}", markup=False, highlight=False,
                  soft_wrap=True)
    if len(skipped) > _SKIPPED_SHOWN:
        err.print(f"  … and {len(skipped) - _SKIPPED_SHOWN} more (--format json lists them all)",
                  markup=False, highlight=False)


def _indicators(
    iocs: list[str], db: str | None, types: list[str] | None, include_benign: bool,
    *, since: dt.date | None, as_json: bool, failures: list[Failure], min_score: float | None = None,
) -> IndicatorSet:
    from unmask.defend.sweep import IndicatorSet

    try:
        indicators = IndicatorSet(types, include_benign=include_benign)
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    with reference_progress():
        for path in iocs:
            try:
                indicators.add_file(path)
            except UnmaskError as exc:
                failures.append(Failure(path, exc))
    if db is not None or not iocs:
        from unmask.store import open_existing

        try:
            kb = open_existing(db)
        except ConfigError as exc:
            raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
        except UnmaskError as exc:
            raise fail(exc, as_json=as_json, code=EXIT_FAILED_INPUTS) from exc
        if kb is None:
            where = f"no knowledge base at {db}" if db else "no knowledge base yet"
            raise fail(ConfigError(f"{where}: give --iocs FILE, or --db URL of a knowledge base "
                                   "(unmask ingest fills one)"), as_json=as_json, code=EXIT_USAGE)
        else:
            with kb:
                try:
                    from unmask.store.decay import DecaySettings

                    indicators.add_kb(kb, since=since, min_score=min_score,
                                      settings=DecaySettings.from_env() if min_score is not None else None)
                except ConfigError as exc:
                    raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
                except UnmaskError as exc:
                    raise fail(exc, as_json=as_json, code=EXIT_FAILED_INPUTS) from exc
    return indicators


def sweep_command(
    logs: Annotated[list[str], typer.Argument(help="Log files, folders, globs, or - for stdin (.gz read as such).")],
    iocs: Annotated[
        list[str] | None,
        typer.Option("--iocs", "-i", help="Indicator file (repeatable): IOC list, analyze JSON, STIX 2, MISP."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Knowledge base URL (default without --iocs: UNMASK_DB, else the default base).")
    ] = None,
    type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only these indicator types (repeatable): domain, ipv4, url …")
    ] = None,
    include_benign: Annotated[
        bool, typer.Option("--include-benign", help="Also sweep for benign values (warninglists, private ranges …).")
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Knowledge-base indicators last reported on or after this date (YYYY-MM-DD).")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text, json, jsonl or csv.")] = "text",
    record: Annotated[
        bool, typer.Option("--record", help="Record the hits as sightings in the knowledge base (one per indicator, log and day, with counts).")
    ] = False,
    min_score: Annotated[
        float | None, typer.Option("--min-score", min=0, max=100, help="Knowledge-base indicators scoring at least this (decay score; false positives score 0).")
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who recorded the sightings (default: the OS user).")] = None,
) -> None:
    """Find the log lines that hold known indicators (IOCs), and the actors behind them."""
    format = check_format(format, FORMATS)
    as_json = format in ("json", "jsonl")
    recorder = None
    if record:
        recorder = _recorder(who)
    since_date: dt.date | None = None
    if since is not None:
        try:
            since_date = dt.date.fromisoformat(since)
        except ValueError:
            raise fail(ConfigError(f"--since {since!r} is not a date (YYYY-MM-DD)"), as_json=as_json,
                       code=EXIT_USAGE) from None
    from unmask.defend.sweep import sweep_file

    failures: list[Failure] = []
    indicators = _indicators(iocs or [], db, type, include_benign, since=since_date, as_json=as_json,
                             failures=failures, min_score=min_score)
    if not as_json:
        _report_skipped(indicators.skipped)
        if indicators.below_score:
            err.print(f"{indicators.below_score} knowledge-base indicator(s) score below --min-score "
                      f"{min_score:g} (left out)", style="dim", highlight=False)
    if not len(indicators):
        report_failures(failures, as_json=as_json)
        raise fail(ConfigError("no indicators to sweep for (every entry was skipped or filtered out)"),
                   as_json=as_json, code=EXIT_USAGE)
    paths, log_failures = gather_sources(logs, urls=False)
    failures.extend(log_failures)
    collected: list[dict[str, Any]] = []
    found = 0
    if format == "csv":
        sys.stdout.write(",".join(_CSV_HEADER) + "\n")
    for path in paths:
        try:
            for hit in sweep_file(path, indicators, source="<stdin>" if path == "-" else path):
                found += 1
                if recorder is not None:
                    recorder.add(hit)
                if format == "text":
                    sys.stdout.write(_txt(hit))
                elif format == "csv":
                    sys.stdout.write(_csv_row(hit))
                elif format == "jsonl":
                    sys.stdout.write(json.dumps(hit.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                else:
                    collected.append(hit.to_dict())
        except UnmaskError as exc:
            failures.append(Failure(path, exc))
    if format == "json":
        payload = {
            "schema": _JSON_SCHEMA,
            "indicators": len(indicators),
            "hits": collected,
            "skipped": [s.to_dict() for s in indicators.skipped],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    elif format == "jsonl":
        for item in indicators.skipped:
            sys.stderr.write(json.dumps({"skipped": item.to_dict()}, ensure_ascii=False) + "\n")
    if recorder is not None:
        _write_record(recorder, db, as_json=as_json)
    report_failures(failures, as_json=as_json)
    if failures:
        raise typer.Exit(EXIT_FAILED_INPUTS)
    raise typer.Exit(EXIT_OK if found else EXIT_NOT_FOUND)


def _recorder(who: str | None) -> SweepRecorder:
    """A recorder for ``--record``: the sightings are dated when the sweep starts."""
    import getpass

    from unmask.defend.record import SweepRecorder

    try:
        reporter = who or getpass.getuser()
    except (OSError, KeyError):
        reporter = "unknown"
    return SweepRecorder(now=dt.datetime.now(dt.UTC), who=reporter)


def _write_record(recorder: SweepRecorder, db: str | None, *, as_json: bool) -> None:
    from unmask.store import open as open_kb

    try:
        with open_kb(db) as kb:
            written = recorder.write(kb)
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_FAILED_INPUTS) from exc
    if not as_json:
        err.print(f"recorded {written} sighting(s) ({sum(recorder.counts.values())} hits) in the knowledge base",
                  style="dim", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``unmask sweep`` to the app."""
    app.command("sweep")(sweep_command)
