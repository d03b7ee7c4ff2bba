"""Shared command-line plumbing: consoles, source gathering, errors and exit codes.

The command line is the only part of unmask that prints or exits. Exit codes:
0 success, 1 nothing found / not known, 2 usage error, 3 some inputs failed.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import stat
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
    "report_skipped",
]

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_FAILED_INPUTS = 3

out = Console(highlight=False, soft_wrap=False)
# Error and status lines are never wrapped: a long path must stay on the line that names
# it (grep, CI logs and tests read them whole), whatever the terminal's width.
err = Console(stderr=True, highlight=False, soft_wrap=True)


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


def gather_sources(sources: list[str], *, urls: bool = True, taxii: bool = False,
                   skipped: list[tuple[str, str]] | None = None) -> tuple[list[str], list[Failure]]:
    """Expand folders (recursively) and globs; ``-`` stays as standard input and an
    ``http://`` / ``https://`` URL is passed through as it is (the reader fetches it);
    with ``urls=False`` (commands that read local files only) a URL is a failure. A
    ``taxii2+https://`` collection passes only with ``taxii`` (``unmask ingest``: a pull
    remembers where it left off, so only the command that stores what it pulled may).

    With a ``skipped`` list, files met inside a folder that are not reports (logs,
    manifests, a collection's notes: :func:`unmask.documents.sniff.not_a_report`) are
    left out and recorded there as (path, why); named files are always kept. A folder
    with no file in it is a failure that says so."""
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
            inside = [
                str(Path(root) / name)
                for root, dirs, files in _walk(path)
                for name in sorted(files) if not name.startswith(".")
            ]
            if not inside:
                failures.append(Failure(source, DocumentError(
                    source, "is a folder with no files in it")))
            found.extend(inside if skipped is None else _reports_only(inside, skipped))
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


def _walk(path: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        yield root, dirs, files


def _reports_only(paths: list[str], skipped: list[tuple[str, str]]) -> list[str]:
    """``paths`` without the files that are not reports; those go to ``skipped``."""
    from unmask.documents.sniff import not_a_report

    kept = []
    for name in paths:
        try:
            # Only regular files are opened here (a FIFO would block, a device never end);
            # the reader refuses the others with its own message.
            if not stat.S_ISREG(os.stat(name).st_mode):
                kept.append(name)
                continue
            with open(name, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            kept.append(name)  # the reader reports why it cannot be read
            continue
        why = not_a_report(Path(name).name, head)
        if why is None:
            kept.append(name)
        else:
            skipped.append((name, why))
    return kept


def report_skipped(skipped: list[tuple[str, str]]) -> None:
    """One summary line on standard error for the files a folder walk left out."""
    if not skipped:
        return
    kinds: dict[str, int] = {}
    for _, why in skipped:
        kinds[why] = kinds.get(why, 0) + 1
    detail = ", ".join(f"{count} {why}" for why, count in sorted(kinds.items()))
    err.print(f"skipped {len(skipped)} file(s) that are not reports ({escape(detail)}); "
              "--all-files reads them too")


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
    """Say so while reference data is compiled into the cache (the first run takes seconds).

    On a terminal a spinner per cache entry; otherwise (a pipe, a log, CI) one line on
    standard error when an entry starts building, so a silent pause is never a mystery.
    """
    from unmask.reference import set_build_observer

    status: dict[str, Any] = {}
    terminal = err.is_terminal

    def observer(name: str, phase: str) -> None:
        if not terminal:
            if phase == "start":
                err.print(f"Building reference cache: {escape(name)} (first run only)…")
            return
        if phase == "start":
            status[name] = err.status(f"Building reference cache: {escape(name)} (first run only)…")
            status[name].start()
        elif name in status:
            status.pop(name).stop()
            err.print(f"[green]✓[/] reference cache: {escape(name)}")

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


#: Plain text has one name, ``text``; ``txt`` (the older name of some commands) is the same.
_FORMAT_SYNONYMS = {"txt": "text", "text": "txt"}


def check_format(format: str, choices: Sequence[str]) -> str:
    """The format as ``choices`` spells it; exit with a usage error (2) if it is none of them.

    ``text`` and ``txt`` name the same plain-text output on every command.
    """
    if format in choices:
        return format
    synonym = _FORMAT_SYNONYMS.get(format)
    if synonym is not None and synonym in choices:
        return synonym
    shown = ["text" if c == "txt" else c for c in choices]
    err.print(f"[bold red]error:[/] unknown format {escape(repr(format))}; choose from {', '.join(shown)}")
    raise typer.Exit(EXIT_USAGE)


def fail(error: UnmaskError, *, as_json: bool, code: int) -> typer.Exit:
    """Print an error in the right shape and return the Exit to raise."""
    if as_json:
        sys.stderr.write(json.dumps(error_dict(error)) + "\n")
    else:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
    return typer.Exit(code)
