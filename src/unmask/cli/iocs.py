"""``unmask iocs``: observables (IOCs) only, refanged and validated, benign noise left out.

Output formats (``--format``):

* ``text`` (default; ``txt`` is accepted too): one value per line, each unique value once, in order of appearance;
* ``csv``: ``source,type,value,surface,start,end,count,benign_reasons,indicator,role,reasons``
  (reasons joined by ``;``);
* ``json``: ``{"schema": 1, "sources": [{"source", "observables": [...]}]}``;
* ``jsonl``: one object per line with the fields of a ``json`` observable plus ``source``.

An observable in ``json``/``jsonl`` is ``{"type", "value", "surface", "span": {"start",
"end"}, "count", "role", "reasons", "benign_reasons", "indicator"}`` (the first mention's
surface, span, role and reasons; ``role`` is ``indicator``, ``reference`` or ``benign``;
``count`` mentions in that source). Exit codes: 0 something found, 1 nothing found
(no input failed), 2 usage error, 3 some inputs failed (the rest are still printed).
"""

from __future__ import annotations

import io
import json
import sys
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
    gather_sources,
    reference_progress,
    report_failures,
)
from unmask.errors import UnmaskError

if TYPE_CHECKING:  # the readers and extractors are imported by the command itself
    from unmask.model import Document, Observable

__all__ = ["FORMATS", "register"]

FORMATS = ("text", "csv", "json", "jsonl")
_JSON_SCHEMA = 1


def _documents(document: Document) -> list[Document]:
    """The document and every document read from its attachments."""
    found = [document]
    for child in document.children:
        found.extend(_documents(child))
    return found


def _collect(document: Document, types: set[str] | None, include_benign: bool) -> list[dict[str, Any]]:
    """Unique observables of one source (and its attachments), first mention kept."""
    from unmask.documents.structure import structure_of_document
    from unmask.extract.observables import extract_observables
    from unmask.model import ExtractContext

    items: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in _documents(document):
        observables: list[Observable] = extract_observables(
            doc.text, context=ExtractContext.for_document(doc, structure=structure_of_document(doc))
        )
        for obs in observables:
            if types is not None and obs.type not in types:
                continue
            if obs.benign_reasons and not include_benign:
                continue
            key = (obs.type, obs.value)
            item = items.get(key)
            if item is None:
                item = obs.to_dict()
                item["count"] = 0
                if doc is not document:
                    item["attachment"] = doc.source
                items[key] = item
            item["count"] += 1
    return list(items.values())


def _write(format: str, results: list[tuple[str, list[dict[str, Any]]]]) -> None:
    if format == "text":
        seen: set[str] = set()
        for _, items in results:
            for item in items:
                if item["value"] not in seen:
                    seen.add(item["value"])
                    sys.stdout.write(item["value"] + "\n")
    elif format == "csv":
        buffer = io.StringIO()
        from unmask.export.csv import writer as csv_writer

        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(["source", "type", "value", "surface", "start", "end", "count", "benign_reasons", "indicator", "role",
                         "reasons"])  # fmt: skip
        for source, items in results:
            for item in items:
                writer.writerow([
                    source, item["type"], item["value"], item["surface"], item["span"]["start"],
                    item["span"]["end"], item["count"], ";".join(item["benign_reasons"]),
                    "true" if item["indicator"] else "false", item["role"], ";".join(item["reasons"]),
                ])  # fmt: skip
        sys.stdout.write(buffer.getvalue())
    elif format == "json":
        payload = {
            "schema": _JSON_SCHEMA,
            "sources": [{"source": source, "observables": items} for source, items in results],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        for source, items in results:
            for item in items:
                line = dict(item, source=source)
                sys.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def iocs_command(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, http(s) URLs (pages, PDFs, feeds), or - for stdin.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text, csv, json or jsonl.")] = "text",
    type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only these types (repeatable): domain, ipv4, url, sha256 …")
    ] = None,
    include_benign: Annotated[
        bool, typer.Option("--include-benign", help="Also list benign values (warninglists, own site, private ranges …).")
    ] = False,
    follow: Annotated[bool, typer.Option("--follow", help="Feeds: fetch the page of each entry that has only a summary.")] = False,
) -> None:
    """List the observables (IOCs) in reports: refanged, validated, benign noise left out."""
    format = check_format(format, FORMATS)
    from unmask.documents import read_all
    from unmask.errors import DocumentError
    from unmask.extract.observables import OBSERVABLE_TYPES

    types: set[str] | None = None
    if type:
        unknown = sorted(set(type) - set(OBSERVABLE_TYPES))
        if unknown:
            err.print(
                f"[bold red]error:[/] unknown type {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(OBSERVABLE_TYPES)}"
            )
            raise typer.Exit(EXIT_USAGE)
        types = set(type)
    paths, failures = gather_sources(sources)
    results: list[tuple[str, list[dict[str, Any]]]] = []

    def entry_failed(error: DocumentError) -> None:
        failures.append(Failure(error.source, error))

    with reference_progress():
        for path in paths:
            # A feed gives one document (one source row) per entry.
            try:
                for document in read_all(path, on_error=entry_failed, follow=follow):
                    try:
                        results.append((document.source, _collect(document, types, include_benign)))
                    except UnmaskError as exc:
                        failures.append(Failure(document.source, exc))
            except UnmaskError as exc:
                failures.append(Failure(path, exc))
    _write(format, results)
    report_failures(failures, as_json=format in ("json", "jsonl"))
    if failures:
        raise typer.Exit(EXIT_FAILED_INPUTS)
    found = any(items for _, items in results)
    raise typer.Exit(EXIT_OK if found else EXIT_NOT_FOUND)


def register(app: typer.Typer) -> None:
    """Add ``unmask iocs`` to the app."""
    app.command("iocs")(iocs_command)
