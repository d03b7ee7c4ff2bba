"""``unmask export``: the knowledge base as STIX 2.1, MISP, Navigator, Markdown or CSV."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer
from rich.markup import escape

from unmask.cli.common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, check_format, err, fail
from unmask.errors import ConfigError, ExportError, UnmaskError

__all__ = ["register"]

_FORMATS = ("stix", "misp", "navigator", "markdown", "csv")
_TLPS = ("clear", "green", "amber", "amber+strict", "red")


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


def export_command(
    actor: Annotated[str | None, typer.Option("--actor", "-a", help="Everything about this actor (any of its names).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only reports published on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only reports published on or before this date.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="stix, misp, navigator, markdown or csv.")] = "stix",
    tlp: Annotated[str | None, typer.Option("--tlp", help="Mark at least this TLP 2.0 level (the stored reports' strictest level is kept).")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: UNMASK_DB, else SQLite in the user data dir).")] = None,
    min_score: Annotated[
        float | None, typer.Option("--min-score", min=0, max=100, help="Export as indicators only those scoring at least this (default: the decay threshold, 20).")
    ] = None,
) -> None:
    """Export what the knowledge base knows about an actor, or since a date."""
    format = check_format(format, _FORMATS)
    if tlp is not None and tlp.strip().casefold().removeprefix("tlp:").replace("white", "clear") not in _TLPS:
        err.print(f"[bold red]error:[/] unknown TLP {escape(repr(tlp))}; choose from {', '.join(_TLPS)}")
        raise typer.Exit(EXIT_USAGE)
    if actor is None and since is None and until is None:
        err.print("[bold red]error:[/] say what to export: --actor NAME and/or --since DATE")
        raise typer.Exit(EXIT_USAGE)
    since_date = _date(since, "--since")
    until_date = _date(until, "--until")
    as_json = format in ("stix", "misp", "navigator")

    from unmask.export.knowledge import export_knowledge, query_knowledge
    from unmask.store import open as open_kb
    from unmask.store.decay import DecaySettings

    try:
        settings = DecaySettings.from_env()
        kb = open_kb(db)
    except ConfigError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    try:
        selection = query_knowledge(kb, actor=actor, since=since_date, until=until_date, tlp=tlp,
                                    settings=settings, min_score=min_score)
        text = export_knowledge(selection, format)
    except ExportError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_NOT_FOUND) from exc
    finally:
        kb.close()
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    if err.is_terminal:
        err.print(
            f"{len(selection.reports)} report(s), TLP:{selection.tlp.upper()}",
            style="dim",
        )
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add ``unmask export`` to the app."""
    app.command("export")(export_command)
