"""``unmask triage``: a verdict on suspicious e-mails, with the signals behind it.

``unmask triage MESSAGE... [--protect DOMAIN ...] [--protect-file F] [--db URL]
[--format text|json]``; ``-`` reads one message from standard input.

Output formats (``--format``):

* ``text`` (default; ``txt`` is accepted too): per message, the verdict and score, then each signal with its
  weight, explanation and evidence — a short report to paste into a ticket;
* ``json``: ``{"schema": 1, "messages": [{"source", "verdict", "score", "subject",
  "from", "signals": [{"name", "category", "weight", "explanation", "evidence":
  [{"kind", "where", "value", "span"?}]}], "warnings"}]}``.

Exit codes (grep-like): 0 at least one message is ``suspicious`` or ``malicious``,
1 every message is ``no-signals``, 2 usage error, 3 some inputs failed (the others
are still reported).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

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
    read_protected,
    reference_progress,
    report_failures,
)
from unmask.errors import ConfigError, UnmaskError

if TYPE_CHECKING:  # imported by the command itself, so ``unmask --help`` stays fast
    from unmask.defend.triage import KnownLookup, Triage
    from unmask.store.kb import KnowledgeBase

__all__ = ["FORMATS", "register"]

FORMATS = ("text", "json")
_JSON_SCHEMA = 1
_MAX_SHOWN = 160


def _short(value: str) -> str:
    value = "".join(ch if ch.isprintable() else "?" for ch in value)
    return value if len(value) <= _MAX_SHOWN else value[: _MAX_SHOWN - 1] + "…"


def _report(result: Triage) -> str:
    lines = [
        f"== {result.source} ==",
        f"Verdict: {result.verdict.upper()} (score {result.score:g})",
    ]
    if result.sender:
        lines.append(f"From:    {_short(result.sender)}")
    if result.subject:
        lines.append(f"Subject: {_short(result.subject)}")
    if result.signals:
        lines.append("Signals:")
    for signal in result.signals:
        lines.append(f"  [{signal.weight:g}] {signal.name} ({signal.category}): {signal.explanation}")
        for evidence in signal.evidence:
            where = f"{evidence.kind} {evidence.where}"
            if evidence.span is not None:
                where += f" @{evidence.span.start}-{evidence.span.end}"
            lines.append(f"        {where}: {_short(evidence.value)}")
    if not result.signals:
        lines.append("No signals found (this does not make the message safe).")
    for warning in result.warnings:
        lines.append(f"Note: {warning}")
    return "\n".join(lines) + "\n"


def _knowledge_base(db: str | None) -> KnowledgeBase | None:
    """The knowledge base when one exists; a broken one is reported, not fatal."""
    from unmask.store import open_existing

    try:
        return open_existing(db)
    except UnmaskError as exc:
        err.print(f"[yellow]knowledge base not used:[/] {escape(str(exc))}")
        return None


def triage_command(
    messages: Annotated[list[str], typer.Argument(help="E-mail files (.eml), folders, globs, or - for stdin.")],
    protect: Annotated[
        list[str] | None, typer.Option("--protect", "-p", help="A domain to protect from lookalikes (repeatable).")
    ] = None,
    protect_file: Annotated[
        list[Path] | None, typer.Option("--protect-file", help="File of protected domains, one per line.")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Knowledge base URL (default: UNMASK_DB or the user's SQLite).")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Triage suspicious e-mails: verdict, score and every signal with its evidence."""
    format = check_format(format, FORMATS)
    try:
        protected = read_protected(protect or [], protect_file or [])
    except ConfigError as exc:
        raise fail(exc, as_json=format == "json", code=EXIT_USAGE) from None
    if protected:
        from unmask.defend.lookalike import find_lookalikes

        try:
            find_lookalikes([], protected)  # checks every protected domain once, up front
        except UnmaskError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(EXIT_USAGE) from exc
    from unmask.defend.triage import triage_message
    from unmask.documents import read_bytes

    paths, failures = gather_sources(messages)
    results: list[Triage] = []
    kb = _knowledge_base(db)
    known: KnownLookup | None = kb.find_indicator if kb is not None else None
    try:
        with reference_progress():
            for path in paths:
                try:
                    label, data = read_bytes(path, name="<stdin>" if path == "-" else path)
                    results.append(triage_message(data, protected=protected, known=known, source=label))
                except UnmaskError as exc:
                    failures.append(Failure(path, exc))
    finally:
        if kb is not None:
            kb.close()
    if format == "json":
        payload: dict[str, Any] = {"schema": _JSON_SCHEMA, "messages": [r.to_dict() for r in results]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(_report(r) for r in results))
    report_failures(failures, as_json=format == "json")
    if failures:
        raise typer.Exit(EXIT_FAILED_INPUTS)
    flagged = any(r.verdict != "no-signals" for r in results)
    raise typer.Exit(EXIT_OK if flagged else EXIT_NOT_FOUND)


def register(app: typer.Typer) -> None:
    """Add ``unmask triage`` to the app."""
    app.command("triage")(triage_command)
