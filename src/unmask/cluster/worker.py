"""What runs on a Dask worker: the version check and the ingest of one source.

Nothing here imports Dask; the functions are plain and picklable, so a worker runs
them as tasks. A worker process keeps one open knowledge base per URL and loads the
reference data once (the pipeline's own per-process caches); both are reused by
every task the process runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.ingest import IngestEvent, ingest
from unmask.model import Document
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb

__all__ = ["Fingerprint", "check_worker", "ingest_source", "local_fingerprint"]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What an analysis depends on: the analyser, its schema and the reference data."""

    analyzer: str
    schema: int
    references: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        refs = ", ".join(f"{name} {version}" for name, version in self.references)
        return f"{self.analyzer} (analysis schema {self.schema}; reference data: {refs})"

    def differences(self, other: Fingerprint) -> list[str]:
        """What differs from ``other``, one phrase per item (``this`` vs ``other``)."""
        out: list[str] = []
        if self.analyzer != other.analyzer:
            out.append(f"analyser {self.analyzer} vs {other.analyzer}")
        if self.schema != other.schema:
            out.append(f"analysis schema {self.schema} vs {other.schema}")
        mine, theirs = dict(self.references), dict(other.references)
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                out.append(f"{name} {mine.get(name, '(none)')} vs {theirs.get(name, '(none)')}")
        return out


@functools.cache
def local_fingerprint() -> Fingerprint:
    """This process's fingerprint (the reference cache's manifests are read once)."""
    from unmask.model import SCHEMA_VERSION
    from unmask.reference.versions import reference_versions
    from unmask.store.kb import _analyzer_version

    return Fingerprint(_analyzer_version(), SCHEMA_VERSION,
                       tuple(sorted(reference_versions().items())))


def _check(expected: Fingerprint) -> None:
    mine = local_fingerprint()
    if mine != expected:
        override = os.environ.get("UNMASK_CACHE_DIR")
        where = f"cache {override}" if override else "default cache directory"
        raise ReferenceDataError(
            f"worker (pid {os.getpid()}, {where}) runs other unmask or reference data "
            f"than the client: {'; '.join(mine.differences(expected))} (worker vs client); "
            f"worker: {mine.describe()}; client: {expected.describe()}. Install the same "
            "unmask release and reference data (unmask data update, or the same "
            "UNMASK_CACHE_DIR contents) on every worker"
        )


def check_worker(expected: Fingerprint, warm: bool = True) -> str:
    """Refuse a worker that differs from ``expected``; else load the reference data now
    (``warm``), so the first task does not pay for it. The worker's fingerprint text."""
    _check(expected)
    if warm:
        _warm()
    return local_fingerprint().describe()


@functools.cache
def _warm() -> None:
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    text = b"APT28 sent mail from evil[.]example on 2024-01-02 (T1566.001).\n"
    analyze(parse_bytes(text, source="<warm-up>.txt"))


@functools.cache
def _knowledge_base(url: str) -> KnowledgeBase:
    return open_kb(url)


def ingest_source(
    url: str,
    source: str | Sequence[Document],
    expected: Fingerprint,
    options: Mapping[str, Any],
) -> list[IngestEvent]:
    """Task: ingest one source (read where it is), or documents the client read (a batch
    of a feed's entries, a TAXII pull), into the base at ``url`` with the store's own
    ingest (analysed here, one transaction per document); its events.

    A TAXII pull's state is left to the client, which remembers the pull once the
    events say its document is stored (this worker's state file is not the client's).
    """
    _check(expected)
    kb = _knowledge_base(url)
    sources: list[str | Document] = [source] if isinstance(source, str) else list(source)
    report = ingest(kb, sources, tlp=options.get("tlp"), replace=bool(options.get("replace")),
                    follow=bool(options.get("follow")), commit_pulls=False)
    return list(report.events)
