"""Ingest: read and analyse sources in worker processes, write them from one writer.

Ingest is orchestration (read, analyse, store), so it is a stage of its own above the
knowledge base: :mod:`unmask.store` only keeps and queries data.

Each document is written in its own transaction, so a crash (or ``kill -9``) leaves
every stored document complete and the rest simply not there yet; running the same
ingest again skips what is stored (same content, same analyser and reference data)
and completes the rest. Failed inputs are collected with their reason, never raised.

Sources are paths, ``-`` (standard input) and http(s) URLs. A feed (RSS, Atom, JSON
Feed; a file or a URL) is read in this process and each entry becomes one report,
labelled ``<feed>#<entry id>``: an entry stored before from the same content is
``unchanged``; an entry whose content changed is stored anew and the earlier version
under the same label is removed, so it counts as ``replaced``; a broken entry is
``failed`` and the others are stored. Ordinary files are read by the workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unmask.errors import DocumentError, StoreError, UnmaskError
from unmask.model import Analysis, Document
from unmask.store.kb import KnowledgeBase
from unmask.store.write import check_tlp

__all__ = ["IngestEvent", "IngestReport", "ingest", "outdated_reports"]


@dataclass(frozen=True, slots=True)
class IngestEvent:
    """What happened to one source: ``added``, ``replaced``, ``unchanged`` or ``failed``."""

    source: str
    status: str
    sha256: str | None = None
    error_type: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "status": self.status,
                               "sha256": self.sha256}
        if self.status == "failed":
            out["error"] = {"type": self.error_type, "message": self.message,
                            "source": self.source}
        return out


@dataclass(slots=True)
class IngestReport:
    """Every source's outcome, in the order they finished."""

    events: list[IngestEvent] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for e in self.events if e.status == status)

    @property
    def failures(self) -> list[IngestEvent]:
        return [e for e in self.events if e.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.count("added"),
            "replaced": self.count("replaced"),
            "unchanged": self.count("unchanged"),
            "failed": self.count("failed"),
            "documents": [e.to_dict() for e in self.events],
        }


#: Analyse one source: ("ok", Analysis) or ("error", error type, message).
_Outcome = tuple[str, Any, Any]


def _analyse(source: str | Document, label: str) -> _Outcome:
    """Worker: read (a path) and analyse one document. Runs in a worker process (or inline)."""
    from unmask.documents import read
    from unmask.pipeline import analyze

    try:
        document = source if isinstance(source, Document) else read(source)
        return ("ok", analyze(document), None)
    except UnmaskError as exc:
        return ("error", type(exc).__name__, str(exc))
    # A worker's top level: one bad input must not stop the batch (DESIGN principle 4),
    # so anything else an extractor raises is reported as this input's failure.
    except Exception as exc:  # noqa: BLE001
        return ("error", type(exc).__name__, f"{label}: analysis failed: {exc!r}")


def _hash_file(path: str, max_bytes: int) -> str | None:
    """The SHA-256 of the regular file at ``path``; None when it is not one, is over
    ``max_bytes`` or cannot be read (the worker then reports why)."""
    from unmask.documents.read import open_regular

    try:
        digest = hashlib.sha256()
        with open_regular(path, max_bytes=max_bytes) as fh:
            read = 0
            for block in iter(lambda: fh.read(1 << 20), b""):
                read += len(block)
                if read > max_bytes:  # grew while we read it
                    return None
                digest.update(block)
        return digest.hexdigest()
    except (OSError, UnmaskError):
        return None


def _is_feed_file(path: str) -> bool:
    """True when the file at ``path`` sniffs as a feed (read here, one report per entry)."""
    from unmask.documents.read import open_regular
    from unmask.documents.sniff import sniff_format

    try:
        with open_regular(path) as fh:
            head = fh.read(8192)
        return sniff_format(head, name=path) == "feed"
    except (OSError, UnmaskError):
        return False  # the worker reports why it cannot be read


def _is_entry(document: Document) -> bool:
    return "feed" in document.metadata.extra


def _supersede(kb: KnowledgeBase, source: str, sha256: str) -> int:
    """Remove reports stored under ``source`` with other content than ``sha256`` (an
    earlier version of a feed entry); how many were removed."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from unmask.store.schema import DocumentRow, table_of

    table = table_of(DocumentRow)
    try:
        with kb.engine.connect() as conn:
            stale = list(conn.execute(
                select(table.c.sha256).where(
                    table.c.source == source, table.c.parent_id.is_(None), table.c.sha256 != sha256,
                )
            ).scalars())
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: looking up {source} failed: {exc}") from exc
    for old in stale:
        kb.delete_document(old)
    return len(stale)


def read_documents(
    source: str,
    emit: Callable[[IngestEvent], None],
    *,
    stdin: bytes | None = None,
    follow: bool = False,
) -> Iterator[Document]:
    """The documents of a source read in this process (a feed's entries, a URL, a TAXII
    pull, ``-`` for ``stdin``); what cannot be read is ``emit``-ted as failed."""
    from unmask.documents import parse_all, read_all
    from unmask.documents.read import display_name

    def entry_failed(error: DocumentError) -> None:
        emit(IngestEvent(error.source, "failed", error_type=type(error).__name__,
                         message=str(error)))

    try:
        if source == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            yield from parse_all(data, source="<stdin>", on_error=entry_failed, follow=follow)
        else:
            yield from read_all(source, on_error=entry_failed, follow=follow)
    except UnmaskError as exc:
        label = "<stdin>" if source == "-" else display_name(source)
        emit(IngestEvent(label, "failed", error_type=type(exc).__name__, message=str(exc)))


def reads_here(source: str) -> bool:
    """True when ingest reads ``source`` in its own process rather than handing it to a
    worker: standard input, a URL (a page, a feed or a TAXII pull) or a feed file."""
    from unmask.documents import is_url

    return source == "-" or is_url(source) or _is_feed_file(source)


def outdated_reports(kb: KnowledgeBase, references: Mapping[str, str]) -> list[str]:
    """The sha256 of every stored report (not attachment) analysed by another analyser
    version, analysis schema or reference data than ``kb.analyzer`` and ``references``."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from unmask.model import SCHEMA_VERSION
    from unmask.store.schema import DocumentRow, table_of
    from unmask.store.write import Stamp

    table = table_of(DocumentRow)
    current = Stamp(kb.analyzer, SCHEMA_VERSION, dict(references))
    try:
        with kb.engine.connect() as conn:
            rows = list(conn.execute(
                select(table.c.sha256, table.c.analyzer, table.c.analysis_schema,
                       table.c.reference_versions)
                .where(table.c.parent_id.is_(None)).order_by(table.c.id)))
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: listing outdated reports failed: {exc}") from exc
    return [r.sha256 for r in rows
            if not current.matches(r.analyzer, r.analysis_schema, r.reference_versions or {})]


def _current_references() -> dict[str, str]:
    from unmask.reference.versions import reference_versions

    return dict(reference_versions())


def ingest(
    kb: KnowledgeBase,
    sources: Sequence[str | Document],
    *,
    tlp: str | None = None,
    jobs: int = 1,
    replace: bool = False,
    on_event: Callable[[IngestEvent], None] | None = None,
    stdin: bytes | None = None,
    follow: bool = False,
    reanalyze_outdated: bool = False,
    org: str | None = None,
    audience: Sequence[str] | None = None,
    commit_pulls: bool = True,
) -> IngestReport:
    """Analyse ``sources`` (paths, http(s) URLs; ``-`` is ``stdin``; documents already
    read, e.g. a feed's entries) and store them in ``kb``.

    ``jobs`` > 1 analyses in that many worker processes while this process writes.
    Sources already stored from the same content, analyser and reference data are
    ``unchanged`` without being analysed again (unless ``replace``). ``tlp`` marks
    what is ingested (None: ``clear`` for new documents, stored ones keep theirs).
    ``follow`` fetches the page of each feed entry that carries only a summary.
    ``reanalyze_outdated`` also re-analyses, from the text the base keeps, every stored
    report whose analyser stamp, analysis schema or reference data is not this
    process's (``replaced``; see :func:`outdated_reports`). ``org`` and ``audience``: the
    organisation that owns what is ingested and the token names a RED report is for
    (:mod:`unmask.store.access`; stored ones get them too, before their marking).
    ``commit_pulls=False`` leaves a TAXII pull's state alone (a cluster worker: the
    client remembers the pull once the task says the document is stored).
    """
    from unmask.documents.read import display_name, resolve_max_bytes
    from unmask.documents.taxii import commit_pulled

    marking = None if tlp is None else check_tlp(tlp)
    if kb.read_only:
        raise StoreError(f"knowledge base {kb.url} is open read-only: nothing can be ingested "
                         "into it (open it with write access)")
    limit = resolve_max_bytes()
    report = IngestReport()
    references = _current_references()

    def emit(event: IngestEvent) -> None:
        report.events.append(event)
        if on_event is not None:
            on_event(event)

    def work() -> Iterator[tuple[str, str | Document]]:
        for source in sources:
            try:
                if isinstance(source, Document):
                    yield from document_work(source)
                else:
                    yield from source_work(source)
            except UnmaskError as exc:  # this source fails; the batch goes on
                label = source.source if isinstance(source, Document) else display_name(source)
                emit(IngestEvent(label, "failed", error_type=type(exc).__name__,
                                 message=str(exc)))
        if reanalyze_outdated:
            for sha256 in outdated_reports(kb, references):
                stored = kb.get_analysis(sha256)
                if stored is not None:
                    yield stored.document.source, stored.document

    def source_work(source: str) -> Iterator[tuple[str, str | Document]]:
        from unmask.documents import is_url

        if source != "-" and not is_url(source):
            label = display_name(source)
            if not replace:
                digest = _hash_file(source, limit)
                if digest is not None and kb.is_current(digest, references):
                    if org is not None or audience is not None:
                        kb.set_access(digest, org=org, audience=audience)
                    if marking is not None:
                        kb.set_tlp(digest, marking)
                    emit(IngestEvent(label, "unchanged", digest))
                    return
            if not _is_feed_file(source):
                yield label, source
                return
        for document in read_documents(source, emit, stdin=stdin, follow=follow):
            yield from document_work(document)

    def document_work(document: Document) -> Iterator[tuple[str, Document]]:
        if not replace and kb.is_current(document.sha256, references):
            if org is not None or audience is not None:
                kb.set_access(document.sha256, org=org, audience=audience)
            if marking is not None:
                kb.set_tlp(document.sha256, marking)
            if _is_entry(document):
                _supersede(kb, document.source, document.sha256)
            emit(IngestEvent(document.source, "unchanged", document.sha256))
            if commit_pulls:
                commit_pulled(document)
            return
        yield document.source, document

    def write(label: str, outcome: _Outcome) -> None:
        kind, value, message = outcome
        if kind != "ok":
            emit(IngestEvent(label, "failed", error_type=str(value), message=str(message)))
            return
        analysis: Analysis = value
        try:
            result = kb.add_analysis(analysis, tlp=marking, replace=replace, org=org,
                                     audience=audience)
            status = result.status
            if _is_entry(analysis.document) and _supersede(kb, analysis.document.source,
                                                           result.sha256):
                status = "replaced"  # the entry's earlier version, now removed
        except StoreError as exc:
            emit(IngestEvent(label, "failed", analysis.document.sha256, "StoreError", str(exc)))
            return
        if commit_pulls:
            commit_pulled(analysis.document)  # a TAXII pull goes on from here next time
        emit(IngestEvent(label, status, result.sha256))

    if jobs <= 1:
        for label, item in work():
            write(label, _analyse(item, label))
        return report

    context = multiprocessing.get_context("spawn")
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                             initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        pending: dict[Future[_Outcome], str] = {}
        try:
            for label, item in work():
                pending[pool.submit(_analyse, item, label)] = label
                if len(pending) >= window:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        label = pending.pop(future)
                        write(label, _result(future, label))
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    label = pending.pop(future)
                    write(label, _result(future, label))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return report


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Worker start-up: end this process when ``parent`` dies, however it dies.

    On Linux the kernel sends SIGKILL when the parent goes (``prctl(PR_SET_PDEATHSIG)``);
    elsewhere a daemon thread polls for the parent. A ``kill -9`` of ``unmask ingest
    --jobs N`` so leaves no worker behind.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="unmask-parent-watch", daemon=True).start()


def _result(future: Future[_Outcome], label: str) -> _Outcome:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool as exc:
        return ("error", "BrokenProcessPool", f"{label}: the worker analysing it died ({exc})")


def expand_sources(sources: Sequence[str]) -> list[str]:
    """Files under folders, sorted (for callers that do not use the CLI's gatherer)."""
    out: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file())
        else:
            out.append(source)
    return out
