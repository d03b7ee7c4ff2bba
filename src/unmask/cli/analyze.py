"""``unmask analyze``: one-shot analysis of reports, no database needed."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from unmask.cli.common import (
    EXIT_FAILED_INPUTS,
    EXIT_NOT_FOUND,
    EXIT_OK,
    Failure,
    check_format,
    err,
    gather_sources,
    out,
    reference_progress,
    report_failures,
    report_skipped,
)
from unmask.cli.formats import ANALYSIS_FORMATS
from unmask.errors import UnmaskError

if TYPE_CHECKING:  # the readers and the pipeline are imported when the command runs
    from unmask.model import Analysis

__all__ = ["register"]


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@contextlib.contextmanager
def _progress(label: str, total: int, *, show: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on standard error when ``show``; yields the function that advances it."""
    if not show:
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def analyze_command(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, http(s) URLs (pages, PDFs, feeds), or - for stdin.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text, json, jsonl, or an export format.")] = "text",
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for relative dates; default: from the document.")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Feeds: fetch the page of each entry that has only a summary.")] = False,
    all_files: Annotated[bool, typer.Option("--all-files", help="In folders, also read logs, manifests and notes (skipped by default).")] = False,
) -> None:
    """Analyse reports: actors, indicators, techniques, targets, malware and events, with evidence.

    Exit codes: 0 something found, 1 nothing found in any input, 2 usage error,
    3 some inputs failed.
    """
    formats = ["text", *ANALYSIS_FORMATS]
    format = check_format(format, formats)
    published_date = _parse_date(published)
    from unmask.documents import read_all
    from unmask.errors import DocumentError
    from unmask.pipeline import analyze as run_analysis

    skipped: list[tuple[str, str]] = []
    paths, failures = gather_sources(sources, skipped=None if all_files else skipped)
    analyses: list[Analysis] = []
    found_any = False
    show_progress = err.is_terminal and len(paths) > 1

    def entry_failed(error: DocumentError) -> None:
        failures.append(Failure(error.source, error))

    as_json = format != "text"
    with contextlib.ExitStack() as stack:
        # text and jsonl are written as each document is analysed, so a folder of any
        # size runs in the memory of one document; the other formats are one combined
        # document (a bundle, an event, a layer) and collect the analyses first.
        emit = _streamer(format, output, stack, analyses)
        with reference_progress(), _progress("Analysing", len(paths), show=show_progress) as advance:
            for path in paths:
                # A feed gives one document per entry; a broken entry is reported, the rest go on.
                try:
                    for document in read_all(path, on_error=entry_failed, follow=follow):
                        try:
                            analysis = run_analysis(document, published=published_date)
                        except UnmaskError as exc:
                            failures.append(Failure(document.source, exc))
                            continue
                        found_any = found_any or has_findings(analysis)
                        emit(analysis)
                        del analysis, document
                except UnmaskError as exc:
                    failures.append(Failure(path, exc))
                advance()
    if analyses:
        text = ANALYSIS_FORMATS[format](analyses)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
    report_skipped(skipped)
    report_failures(failures, as_json=as_json)
    if failures:
        raise typer.Exit(EXIT_FAILED_INPUTS)
    raise typer.Exit(EXIT_OK if found_any else EXIT_NOT_FOUND)


def has_findings(analysis: Analysis) -> bool:
    """True when the analysis (or an attachment's) found anything at all."""
    if (analysis.observables or analysis.actors or analysis.techniques or analysis.targets
            or analysis.malware or analysis.events or analysis.attributions):
        return True
    return any(has_findings(child) for child in analysis.children)


def _streamer(format: str, output: str | None, stack: contextlib.ExitStack,
              collected: list[Analysis]) -> Callable[[Analysis], None]:
    """Where each analysis goes: written now (text, jsonl) or collected (the others)."""
    if format == "text":
        from unmask.cli.render import render_analysis

        target = out
        if output:
            from rich.console import Console

            handle = stack.enter_context(open(output, "w", encoding="utf-8"))  # noqa: SIM115
            target = Console(file=handle, highlight=False, width=120)
        return lambda analysis: render_analysis(analysis, target)
    if format == "jsonl":
        sink = stack.enter_context(open(output, "w", encoding="utf-8")) if output else sys.stdout  # noqa: SIM115

        def line(analysis: Analysis) -> None:
            sink.write(ANALYSIS_FORMATS["jsonl"]([analysis]) + "\n")
            sink.flush()

        return line
    return collected.append


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
