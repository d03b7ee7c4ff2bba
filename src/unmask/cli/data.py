"""``unmask data``: the reference data (where it comes from, refresh it, build the cache)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from unmask.cli.common import (
    EXIT_FAILED_INPUTS,
    EXIT_USAGE,
    check_format,
    err,
    error_dict,
    fail,
    out,
    print_json,
    reference_progress,
)
from unmask.errors import ConfigError, ReferenceDataError
from unmask.reference.cache import cache_dir
from unmask.reference.registry import INDEXES, build_all
from unmask.reference.versions import reference_versions

__all__ = ["register"]

_WARM_UP = "In May 2024 APT28 sent phishing e-mails to ministries in Germany; PowerShell fetched a payload from 203.0.113.5."

data_app = typer.Typer(help="Reference data: MISP galaxies, warninglists, ATT&CK, suffix list.",
                       no_args_is_help=True)


@data_app.command("info")
def info_command(
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show where each reference source comes from, the versions and the cache directory."""
    from unmask.reference.update import describe_sources

    format = check_format(format, ("text", "json"))
    directory = cache_dir()
    entries = sorted(p.name for p in directory.glob("*.pickle")) if directory.is_dir() else []
    from unmask.reference.versions import data_dates

    sources = describe_sources()
    dates = data_dates()
    today = dt.date.today()
    if format == "json":
        rows = []
        for status in sources:
            day, how = dates.get(status.source, (None, "not recorded in the data"))
            rows.append({**status.to_dict(), "data_date": day.isoformat() if day else None,
                         "age_days": (today - day).days if day else None, "data_date_from": how})
        sys.stdout.write(json.dumps({"cache_dir": str(directory), "versions": reference_versions(),
                                     "cache_entries": entries,
                                     "sources": rows}, indent=2, sort_keys=True) + "\n")
        return
    from rich.table import Table

    table = Table(show_edge=False, header_style="dim")
    table.add_column("source")
    table.add_column("from")
    table.add_column("data as of")
    for status in sources:
        day, how = dates.get(status.source, (None, "not recorded in the data"))
        age = f"{day.isoformat()} ({(today - day).days} days old)" if day else f"({how})"
        table.add_row(status.source, escape(status.describe()), age)
    out.print(table)
    versions = Table(show_edge=False, header_style="dim")
    versions.add_column("reference data")
    versions.add_column("version")
    for name, version in sorted(reference_versions().items()):
        versions.add_row(name, version)
    out.print(versions)
    out.print(f"cache: {directory} ({len(entries)} compiled index(es))")


def _locations(names: list[str], froms: list[str]) -> dict[str, str | None]:
    """Source -> the location given with ``--from`` (None: the environment or upstream)."""
    from unmask.reference.update import SOURCES

    for name in names:
        if name not in SOURCES:
            raise ConfigError(f"unknown --source {name!r}; choose from {', '.join(SOURCES)}")
    chosen: dict[str, str | None] = {name: None for name in (names or list(SOURCES))}
    for value in froms:
        name, sep, location = value.partition("=")
        if sep and name in SOURCES and location:
            if names and name not in chosen:
                raise ConfigError(f"--from {value!r} names {name!r}, which is not among the --source given")
            if not names and len(chosen) == len(SOURCES):
                chosen = {}
            chosen[name] = location
        elif len(chosen) == 1:
            chosen[next(iter(chosen))] = value
        else:
            raise ConfigError(
                f"--from {value!r}: say which source it is for (--from NAME=URL_OR_DIR) "
                f"or give exactly one --source"
            )
    return chosen


@data_app.command("update")
def update_command(
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="Source to refresh: warninglists, galaxies, attack, suffixes, actor-naming (repeatable; default all).",
    )] = None,
    from_: Annotated[list[str] | None, typer.Option(
        "--from", help="Where to fetch from: URL, file or directory; NAME=LOCATION when several sources "
                       "(default: UNMASK_DATA_URL_<SOURCE>, else upstream).",
    )] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds without progress before giving up.")] = 60.0,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Fetch newer reference data from upstream (nothing else fetches reference data).

    Each download is validated before it replaces the data in use; a failed one
    leaves the current data in place. A source that has not changed since the last
    update is not downloaded again.
    """
    from unmask.reference.update import SOURCES, Limits, update_source

    format = check_format(format, ("text", "json"))
    as_json = format == "json"
    try:
        chosen = _locations(list(source or []), list(from_ or []))
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from None
    limits = Limits(timeout=timeout)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for name, location in chosen.items():
        where = location or SOURCES[name].location()
        if not as_json:
            err.print(f"[dim]{name}: fetching {escape(where)} …[/]")
        try:
            result = update_source(name, location, limits=limits)
        except ReferenceDataError as exc:
            errors.append(error_dict(exc, name))
            if not as_json:
                err.print(f"[red]✗[/] {escape(str(exc))}", highlight=False)
            continue
        results.append(result.to_dict())
        if not as_json:
            unit = SOURCES[name].unit
            if result.status == "unchanged":
                out.print(f"= {name}: unchanged since {result.fetched_at[:10]} ({result.entries:,} {unit})")
            else:
                version = f", version {result.version}" if result.version else ""
                out.print(f"[green]✓[/] {name}: updated ({result.entries:,} {unit}{version}, "
                          f"{result.size / 1e6:.1f} MB, sha256 {result.sha256[:12]})")
    if as_json:
        print_json({"results": results, "errors": [e["error"] for e in errors]})
    elif any(r["status"] == "updated" and r["source"] in ("attack", "galaxies") for r in results):
        err.print("[dim]the extractors' own indexes (technique names) follow on the next analysis (or now: unmask data build)[/]")
    if errors:
        raise typer.Exit(EXIT_FAILED_INPUTS)


@data_app.command("reset")
def reset_command(
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="Source to put back to its package data (repeatable; default all).",
    )] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Remove updated reference data: back to what the installed packages carry."""
    from unmask.reference.cache import installed_version
    from unmask.reference.update import SOURCES, reset_source

    format = check_format(format, ("text", "json"))
    as_json = format == "json"
    try:
        names = list(_locations(list(source or []), []))
        removed = {name: reset_source(name) for name in names}
    except (ConfigError, ReferenceDataError) as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE if isinstance(exc, ConfigError) else 1) from None
    if as_json:
        print_json({"reset": [name for name, had in removed.items() if had],
                    "unchanged": [name for name, had in removed.items() if not had]})
        return
    for name, had in removed.items():
        dist = SOURCES[name].distribution
        package = f"package {dist} {installed_version(dist) or '(not installed)'}"
        out.print(f"{name}: back to {package}" if had else f"{name}: no update to remove ({package})")


@data_app.command("build")
def build_command() -> None:
    """Compile every reference index into the cache now (otherwise done on first use)."""
    with reference_progress():
        labels = build_all(on_index=lambda label: err.print(f"[green]✓[/] {label}"))
        # One short analysis compiles what the extractors cache themselves: the
        # technique model and name index, and the engine code of every regular expression.
        from unmask.pipeline import analyze

        analyze(_WARM_UP)
        err.print("[green]✓[/] extractors (technique model, names, regular expressions)")
    out.print(f"{len(labels)} of {len(INDEXES)} reference index(es) ready in {cache_dir()}")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
