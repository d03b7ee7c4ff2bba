"""``unmask data``: the reference-data cache (what is installed, build it up front)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from unmask.cli.common import err, out, reference_progress
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
    """Show the reference-data versions and the cache directory."""
    directory = cache_dir()
    entries = sorted(p.name for p in directory.glob("*.pickle")) if directory.is_dir() else []
    if format == "json":
        sys.stdout.write(json.dumps({"cache_dir": str(directory), "versions": reference_versions(),
                                     "cache_entries": entries}, indent=2, sort_keys=True) + "\n")
        return
    from rich.table import Table

    table = Table(show_edge=False, header_style="dim")
    table.add_column("reference data")
    table.add_column("version")
    for name, version in sorted(reference_versions().items()):
        table.add_row(name, version)
    out.print(table)
    out.print(f"cache: {directory} ({len(entries)} compiled index(es))")


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
