"""Ingest: read and analyse sources in worker processes, write them from one writer.

Each document is written in its own transaction, so a crash (or ``kill -9``) leaves
every stored document complete and the rest simply not there yet; running the same
ingest again skips what is stored (same content, same analyser and reference data)
and completes the rest. Failed inputs are collected with their reason, never raised.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unmask.errors import StoreError, UnmaskError
from unmask.model import Analysis
from unmask.store.kb import KnowledgeBase
from unmask.store.write import check_tlp

__all__ = ["IngestEvent", "IngestReport", "ingest"]


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


def _analyse(source: str | bytes, label: str) -> _Outcome:
    """Worker: read and analyse one source. Runs in a worker process (or inline)."""
    from unmask.documents import read
    from unmask.pipeline import analyze

    try:
        document = read(source, name=label) if isinstance(source, bytes) else read(source)
        return ("ok", analyze(document), None)
    except UnmaskError as exc:
        return ("error", type(exc).__name__, str(exc))
    # A worker's top level: one bad input must not stop the batch (DESIGN principle 4),
    # so anything else an extractor raises is reported as this input's failure.
    except Exception as exc:  # noqa: BLE001
        return ("error", type(exc).__name__, f"{label}: analysis failed: {exc!r}")


def _hash_file(path: str) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _current_references() -> dict[str, str]:
    from unmask.reference.versions import reference_versions

    return dict(reference_versions())


def ingest(
    kb: KnowledgeBase,
    sources: Sequence[str],
    *,
    tlp: str | None = None,
    jobs: int = 1,
    replace: bool = False,
    on_event: Callable[[IngestEvent], None] | None = None,
    stdin: bytes | None = None,
) -> IngestReport:
    """Analyse ``sources`` (paths; ``-`` is ``stdin``) and store them in ``kb``.

    ``jobs`` > 1 analyses in that many worker processes while this process writes.
    Sources already stored from the same content, analyser and reference data are
    ``unchanged`` without being analysed again (unless ``replace``). ``tlp`` marks
    what is ingested (None: ``clear`` for new documents, stored ones keep theirs).
    """
    marking = None if tlp is None else check_tlp(tlp)
    report = IngestReport()
    references = _current_references()

    def emit(event: IngestEvent) -> None:
        report.events.append(event)
        if on_event is not None:
            on_event(event)

    def work() -> Iterator[tuple[str, str | bytes]]:
        for source in sources:
            if source == "-":
                data = stdin if stdin is not None else sys.stdin.buffer.read()
                yield "<stdin>", data
                continue
            if not replace:
                digest = _hash_file(source)
                if digest is not None and kb.is_current(digest, references):
                    if marking is not None:
                        kb.set_tlp(digest, marking)
                    emit(IngestEvent(source, "unchanged", digest))
                    continue
            yield source, source

    def write(label: str, outcome: _Outcome) -> None:
        kind, value, message = outcome
        if kind != "ok":
            emit(IngestEvent(label, "failed", error_type=str(value), message=str(message)))
            return
        analysis: Analysis = value
        try:
            result = kb.add_analysis(analysis, tlp=marking, replace=replace)
        except StoreError as exc:
            emit(IngestEvent(label, "failed", analysis.document.sha256, "StoreError", str(exc)))
            return
        emit(IngestEvent(label, result.status, result.sha256))

    if jobs <= 1:
        for label, item in work():
            write(label, _analyse(item, label))
        return report

    context = multiprocessing.get_context("spawn")
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
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
