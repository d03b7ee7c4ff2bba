"""Shared command-line plumbing: consoles, source gathering, errors and exit codes.

The command line is the only part of unmask that prints or exits. Exit codes:
0 success, 1 nothing found / not known, 2 usage error, 3 some inputs failed.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from unmask.errors import ConfigError, DocumentError, UnmaskError

__all__ = [
    "EXIT_FAILED_INPUTS",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "Failure",
    "err",
    "error_dict",
    "gather_sources",
    "out",
    "print_json",
    "reference_progress",
    "report_failures",
]

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_FAILED_INPUTS = 3

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be processed, and why."""

    source: str
    error: Exception


def error_dict(error: Exception, source: str | None = None) -> dict[str, Any]:
    """The documented JSON error shape: {"error": {"type", "message", "source"}}."""
    if source is None and isinstance(error, DocumentError):
        source = error.source
    return {"error": {"type": type(error).__name__, "message": str(error), "source": source}}


def print_json(value: Any) -> None:
    """Write JSON to standard output (sorted keys, UTF-8, no colour)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules"}


def gather_sources(sources: list[str], *, urls: bool = True, taxii: bool = False) -> tuple[list[str], list[Failure]]:
    """Expand folders (recursively) and globs; ``-`` stays as standard input and an
    ``http://`` / ``https://`` URL is passed through as it is (the reader fetches it);
    with ``urls=False`` (commands that read local files only) a URL is a failure. A
    ``taxii2+https://`` collection passes only with ``taxii`` (``unmask ingest``: a pull
    remembers where it left off, so only the command that stores what it pulled may)."""
    found: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        if source[:15].lower().startswith(("taxii2+http://", "taxii2+https://")):
            if taxii:
                found.append(source)
            else:
                failures.append(Failure(source, DocumentError(
                    source, "is a TAXII collection",
                    hint="pull it with 'unmask ingest', which remembers where it left off")))
            continue
        if source[:8].lower().startswith(("http://", "https://")):
            if urls:
                found.append(source)
            else:
                failures.append(Failure(source, DocumentError(
                    source, "is a URL; this command reads local files only",
                    hint="download it and pass the file")))
            continue
        if source == "-":
            found.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found.extend(
                    str(Path(root) / name) for name in sorted(files) if not name.startswith(".")
                )
            continue
        if path.exists():
            found.append(source)
            continue
        matches = sorted(glob.glob(source, recursive=True))
        if matches and any(ch in source for ch in "*?["):
            for match in matches:
                found.extend(gather_sources([match])[0])
            continue
        scheme = source.split("://", 1)[0] if "://" in source else ""
        if scheme and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
            failures.append(Failure(source, DocumentError(
                source, f"is not an http(s) URL (scheme {scheme!r})",
                hint="unmask fetches http:// and https:// URLs only; download it and pass the file")))
            continue
        failures.append(Failure(source, DocumentError(source, "does not exist")))
    return found, failures


def report_failures(failures: list[Failure], *, as_json: bool) -> None:
    """List every failed input on standard error, at the end of a batch."""
    if not failures:
        return
    if as_json:
        for failure in failures:
            sys.stderr.write(json.dumps(error_dict(failure.error, failure.source)) + "\n")
        return
    err.print(f"[bold red]{len(failures)} input(s) failed:[/]")
    for failure in failures:
        err.print(f"  [red]✗[/] {escape(str(failure.error))}", highlight=False)


@contextlib.contextmanager
def reference_progress() -> Iterator[None]:
    """Show a spinner on a terminal while reference data is compiled into the cache."""
    from unmask.reference import set_build_observer

    if not err.is_terminal:
        yield
        return
    status: dict[str, Any] = {}

    def observer(name: str, phase: str) -> None:
        if phase == "start":
            status[name] = err.status(f"Building reference cache: {name} (first run only)…")
            status[name].start()
        elif name in status:
            status.pop(name).stop()
            err.print(f"[green]✓[/] reference cache: {name}")

    set_build_observer(observer)
    try:
        yield
    finally:
        set_build_observer(None)
        for spinner in status.values():
            spinner.stop()


def read_protected(domains: Sequence[str], files: Sequence[Path]) -> list[str]:
    """Domains from ``--protect`` and ``--protect-file`` (one a line, ``#`` comments).

    An unreadable file is a :class:`~unmask.errors.ConfigError` (a usage error).
    """
    found = [d.strip() for d in domains if d.strip()]
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as exc:
            raise ConfigError(f"--protect-file {str(path)!r} cannot be read: {exc}") from exc
        found.extend(line.split("#", 1)[0].strip() for line in lines)
    return [d for d in found if d]


def check_format(format: str, choices: Sequence[str]) -> None:
    """Exit with a usage error (2) unless ``format`` is one of ``choices``."""
    if format not in choices:
        err.print(f"[bold red]error:[/] unknown format {escape(repr(format))}; choose from {', '.join(choices)}")
        raise typer.Exit(EXIT_USAGE)


def fail(error: UnmaskError, *, as_json: bool, code: int) -> typer.Exit:
    """Print an error in the right shape and return the Exit to raise."""
    if as_json:
        sys.stderr.write(json.dumps(error_dict(error)) + "\n")
    else:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
    return typer.Exit(code)
