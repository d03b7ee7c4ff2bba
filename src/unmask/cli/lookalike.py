"""``unmask lookalike``: domains that imitate yours (``scan``) and the ones that could (``permute``).

``unmask lookalike scan SOURCE... --protect DOMAIN [--protect-file FILE]`` reads the
sources like ``unmask iocs`` and compares every domain among their observables (URL
and e-mail hosts included, benign ones too: a warninglist or the page's own site is
shown, not used to hide a lookalike) and every host written in Unicode against the
protected domains. ``-`` reads a plain list from standard input instead (one domain,
URL or e-mail address per line, defanged values refanged, ``#`` comments). ``--kb``
(with ``--db URL``, else ``UNMASK_DB`` or the default base) adds every domain, URL host
and e-mail host the knowledge base holds as an indicator; their sightings name the
base, the number of reports and the actors.

Formats (``--format``):

* ``text`` (default; ``txt`` is accepted too): one line per lookalike: score, domain (Unicode form when it has
  one), the protected domain it imitates, kinds, where it was first seen and the
  evidence;
* ``json``: ``{"schema": 1, "protected": [...], "lookalikes": [{"domain", "unicode",
  "imitates", "kinds", "score", "evidence", "candidate", "seen": [{"source", "line",
  "span": {"start", "end"} | null, "surface", "benign_reasons"}]}], "skipped":
  [{"candidate", "reason", "source", "line"}]}``;
* ``csv``: ``source,line,start,end,surface,domain,unicode,imitates,kinds,score,evidence``,
  one row per sighting.

``unmask lookalike permute DOMAIN [--format text|json]`` lists the names that could
imitate DOMAIN (``domain<TAB>kind<TAB>unicode`` per line, or JSON).

Exit codes: 0 something found, 1 nothing found, 2 usage error (no or bad protected
domain, unknown format), 3 some inputs failed (the rest are still reported).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
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
    read_protected,
    reference_progress,
    report_failures,
)
from unmask.errors import ConfigError, UnmaskError

if TYPE_CHECKING:
    from unmask.defend.lookalike import Lookalike
    from unmask.model import Document

__all__ = ["PERMUTE_FORMATS", "SCAN_FORMATS", "register"]

SCAN_FORMATS = ("text", "json", "csv")
PERMUTE_FORMATS = ("text", "json")
_JSON_SCHEMA = 1

lookalike_app = typer.Typer(
    help="Lookalike domains: find names that imitate yours, list the ones that could.",
    no_args_is_help=True,
)


@dataclass(frozen=True, slots=True)
class _Sighting:
    """Where a candidate was seen: a source and a line, with a span for documents."""

    source: str
    line: int
    start: int | None
    end: int | None
    surface: str
    benign_reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "span": None if self.start is None else {"start": self.start, "end": self.end},
            "surface": self.surface,
            "benign_reasons": list(self.benign_reasons),
        }

    def where(self) -> str:
        if self.line == 0:  # a knowledge-base indicator: the surface says what is known
            return f"{self.source} ({self.surface})"
        span = f" [{self.start}:{self.end}]" if self.start is not None else ""
        return f"{self.source}:{self.line}{span}"


def _documents(document: Document) -> list[Document]:
    found = [document]
    for child in document.children:
        found.extend(_documents(child))
    return found


def _line_of(text: str, offset: int, cache: list[int]) -> int:
    """1-based line number of ``offset`` (``cache`` holds the newline offsets)."""
    from bisect import bisect_right

    if not cache:
        cache.append(-1)
        cache.extend(i for i, ch in enumerate(text) if ch == "\n")
    return bisect_right(cache, offset - 1) if offset else 1


def _add(seen: dict[str, list[_Sighting]], candidate: str, sighting: _Sighting) -> None:
    """Record a sighting under the candidate's ASCII host name (one entry per host)."""
    from unmask.defend.lookalike import normalize_host

    forms = normalize_host(candidate)
    seen.setdefault(candidate if isinstance(forms, str) else forms[0], []).append(sighting)


def _document_candidates(document: Document, seen: dict[str, list[_Sighting]]) -> None:
    from unmask.defend.lookalike import unicode_hosts
    from unmask.extract.observables import extract_observables
    from unmask.model import ExtractContext

    for doc in _documents(document):
        source = doc.source if doc is document else f"{document.source} ({doc.source})"
        newlines: list[int] = []
        for obs in extract_observables(doc.text, context=ExtractContext.for_document(doc)):
            if obs.type != "domain":
                continue  # URL and e-mail hosts come out as domain observables too
            line = _line_of(doc.text, obs.span.start, newlines)
            _add(seen, obs.value, _Sighting(source, line, obs.span.start, obs.span.end, obs.surface, obs.benign_reasons))
        for host, start, end in unicode_hosts(doc.text):
            _add(seen, host, _Sighting(source, _line_of(doc.text, start, newlines), start, end, host))


def _list_candidates(text: str, source: str, seen: dict[str, list[_Sighting]]) -> None:
    from unmask.extract.observables import refang_text

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        token = refang_text(line).split()[0] if line.split() else ""
        if token:
            _add(seen, token, _Sighting(source, number, None, None, raw.strip()))


def _kb_candidates(db: str | None, seen: dict[str, list[_Sighting]]) -> int:
    """Add the knowledge base's domain, URL and e-mail indicators' hosts; return how many."""
    from urllib.parse import urlsplit

    from unmask.store import open_existing

    kb = open_existing(db)
    if kb is None:
        where = f"no knowledge base at {db}" if db else "no knowledge base yet"
        raise ConfigError(f"{where}: --kb needs one (unmask ingest fills it)")
    count = 0
    with kb:
        source = f"knowledge base {kb.url}"
        for record in kb.iter_indicators(("domain", "url", "email")):
            if record.type == "domain":
                host = record.value
            elif record.type == "email":
                host = record.value.rpartition("@")[2]
            else:
                try:
                    host = urlsplit(record.value).hostname or ""
                except ValueError:
                    continue
            if not host:
                continue
            actors = ", ".join(name for _, name in record.actors[:3])
            last = f", last {record.last_seen.isoformat()}" if record.last_seen else ""
            note = f"{record.type} {record.value}: {record.reports} report(s){last}" + (f"; {actors}" if actors else "")
            _add(seen, host, _Sighting(source, 0, None, None, note))
            count += 1
    return count


def _write_scan(
    format: str,
    protected: list[str],
    hits: list[tuple[Lookalike, list[_Sighting]]],
    skipped: list[dict[str, Any]],
) -> None:
    if format == "json":
        payload = {
            "schema": _JSON_SCHEMA,
            "protected": protected,
            "lookalikes": [dict(hit.to_dict(), seen=[s.to_dict() for s in seen]) for hit, seen in hits],
            "skipped": skipped,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    elif format == "csv":
        buffer = io.StringIO()
        from unmask.export.csv import writer as csv_writer

        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(["source", "line", "start", "end", "surface", "domain", "unicode", "imitates",
                         "kinds", "score", "evidence"])
        for hit, seen in hits:
            for s in seen:
                writer.writerow([
                    s.source, s.line, "" if s.start is None else s.start, "" if s.end is None else s.end,
                    s.surface, hit.domain, hit.unicode, hit.imitates, ";".join(hit.kinds),
                    f"{hit.score:.2f}", hit.evidence,
                ])  # fmt: skip
        sys.stdout.write(buffer.getvalue())
    else:
        for hit, seen in hits:
            name = hit.unicode if hit.unicode and hit.unicode != hit.domain else hit.domain
            if name != hit.domain:
                name += f" ({hit.domain})"
            more = f" +{len(seen) - 1} more" if len(seen) > 1 else ""
            benign = sorted({r for s in seen for r in s.benign_reasons})
            note = f" benign:{','.join(benign)}" if benign else ""
            sys.stdout.write(
                f"{hit.score:.2f}  {name}  imitates {hit.imitates}  [{', '.join(hit.kinds)}]  "
                f"{seen[0].where()}{more}{note}  -- {hit.evidence}\n"
            )


@lookalike_app.command("scan")
def scan_command(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Files, folders (recursive), globs, or - for a list on stdin.")
    ] = None,
    protect: Annotated[
        list[str] | None, typer.Option("--protect", "-p", help="A domain to protect (repeatable).")
    ] = None,
    protect_file: Annotated[
        list[Path] | None, typer.Option("--protect-file", help="A file of domains to protect, one a line.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text, json or csv.")] = "text",
    min_score: Annotated[float, typer.Option("--min-score", help="Only lookalikes scoring at least this.")] = 0.0,
    kb: Annotated[
        bool, typer.Option("--kb", help="Also scan the domains, URL and e-mail hosts of the knowledge base.")
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Knowledge base URL for --kb (default: UNMASK_DB, else the default base).")
    ] = None,
) -> None:
    """Find domains in reports, a list or the knowledge base that imitate the protected domains."""
    format = check_format(format, SCAN_FORMATS)
    kb = kb or db is not None
    if not sources and not kb:
        err.print("[bold red]error:[/] give SOURCE... to scan, or --kb for the knowledge base")
        raise typer.Exit(EXIT_USAGE)
    from unmask.defend.lookalike import LookalikeIndex, SkippedCandidate, iter_lookalikes

    as_json = format == "json"
    try:
        protected = read_protected(protect or [], protect_file or [])
        if not protected:
            raise ConfigError("no protected domain: pass --protect DOMAIN (repeatable) or --protect-file FILE")
        with reference_progress():
            index = LookalikeIndex(protected)
    except UnmaskError as exc:
        raise fail(exc, as_json=as_json, code=EXIT_USAGE) from None
    from unmask.documents import read

    paths, failures = gather_sources(sources) if sources else ([], [])
    seen: dict[str, list[_Sighting]] = {}
    if kb:
        try:
            _kb_candidates(db, seen)
        except ConfigError as exc:
            raise fail(exc, as_json=as_json, code=EXIT_USAGE) from None
        except UnmaskError as exc:
            raise fail(exc, as_json=as_json, code=EXIT_FAILED_INPUTS) from None
    with reference_progress():
        for path in paths:
            try:
                if path == "-":
                    _list_candidates(sys.stdin.read(), "-", seen)
                else:
                    _document_candidates(read(path), seen)
            except UnmaskError as exc:
                failures.append(Failure(path, exc))
    skipped: list[dict[str, Any]] = []

    def on_skip(item: SkippedCandidate) -> None:
        first = seen[item.candidate][0] if item.candidate in seen else None
        skipped.append({"candidate": item.candidate, "reason": item.reason,
                        "source": first.source if first else None, "line": first.line if first else None})

    hits = [
        (hit, seen.get(hit.candidate, []))
        for hit in iter_lookalikes(seen, index, on_skip=on_skip)
        if hit.score >= min_score
    ]
    order = {path: i for i, path in enumerate(paths)}

    def first_seen(item: tuple[Lookalike, list[_Sighting]]) -> tuple[int, int, int]:
        first = item[1][0] if item[1] else None
        if first is None:
            return (len(order), 0, 0)
        return (order.get(first.source.split(" (", 1)[0], len(order)), first.line, first.start or 0)

    hits.sort(key=first_seen)
    _write_scan(format, sorted(index.domains), hits, skipped)
    if index.common_domains and not as_json:
        err.print(f"[dim]{', '.join(index.common_domains)}: a common word or part of many real domain names, "
                  "so only a word attackers add (login, secure, news …), product letters or the suffix "
                  "written out counts next to it[/]")
    if skipped and not as_json:
        err.print(f"[dim]{len(skipped)} candidate(s) skipped (not a host name: IP address, invalid IDNA …)[/]")
    report_failures(failures, as_json=as_json)
    if failures:
        raise typer.Exit(EXIT_FAILED_INPUTS)
    raise typer.Exit(EXIT_OK if hits else EXIT_NOT_FOUND)


@lookalike_app.command("permute")
def permute_command(
    domain: Annotated[str, typer.Argument(help="The domain to permute, e.g. example.org.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List names that could imitate DOMAIN (for a DNS or CT-log watch)."""
    format = check_format(format, PERMUTE_FORMATS)
    from unmask.defend.lookalike import permutations

    try:
        with reference_progress():
            found = permutations(domain)
    except UnmaskError as exc:
        raise fail(exc, as_json=format == "json", code=EXIT_USAGE) from None
    if format == "json":
        payload = {"schema": _JSON_SCHEMA, "domain": domain, "permutations": [p.to_dict() for p in found]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{p.domain}\t{p.kind}\t{p.unicode}\n" for p in found))
    raise typer.Exit(EXIT_OK if found else EXIT_NOT_FOUND)


def register(app: typer.Typer) -> None:
    """Add ``unmask lookalike scan|permute`` to the app."""
    app.add_typer(lookalike_app, name="lookalike")
