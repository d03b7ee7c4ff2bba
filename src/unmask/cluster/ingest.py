"""The client side of a cluster ingest: list sources, hand them to Dask, gather events.

Each path is one task (:func:`unmask.cluster.worker.ingest_source`), each batch of a
feed's entries too (the client reads feeds, URLs and TAXII pulls); at most a few
tasks per worker thread are in flight, so a listing of millions of files does not
flood the scheduler. A task lost with its worker is run again on another one by the
scheduler (Dask's ``allowed-failures``); since a document is written in one
transaction and skipped when already stored, running it again adds nothing twice.
A task that cannot finish is listed as that source's failure.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from unmask.cluster.worker import Fingerprint, check_worker, ingest_source, local_fingerprint
from unmask.errors import ConfigError, MissingDependencyError, ReferenceDataError, StoreError
from unmask.ingest import IngestEvent, IngestReport, read_documents, reads_here
from unmask.model import Document
from unmask.store import KnowledgeBase
from unmask.store.write import check_tlp

__all__ = ["CLUSTER_ENV", "ingest_on_cluster", "resolve_address"]

#: The environment variable naming the scheduler when ``--cluster`` is not given.
CLUSTER_ENV = "UNMASK_CLUSTER"

#: Tasks in flight per worker thread.
_PER_THREAD = 4


def resolve_address(address: str | None) -> str | None:
    """``address``, else ``UNMASK_CLUSTER``, else None (no cluster: ingest locally)."""
    value = address if address is not None else os.environ.get(CLUSTER_ENV)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if "://" not in value:
        raise ConfigError(f"cluster address {value!r} has no scheme: write it as "
                          "tcp://HOST:8786 (or tls://HOST:8786)")
    return value


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError("unmask ingest --cluster", "cluster") from exc
    return distributed


def _raw_url(kb: KnowledgeBase) -> str:
    """The base's URL with its password (the workers open the same base)."""
    url = kb.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        url = url.set(database=os.path.abspath(url.database))
    elif url.get_backend_name() == "sqlite":
        raise ConfigError("an in-memory SQLite base cannot be shared with cluster workers: "
                          "use a PostgreSQL base (UNMASK_DB=postgresql+psycopg://...)")
    rendered: str = url.render_as_string(hide_password=False)
    return rendered


def _connect(distributed: Any, address: str, timeout: float) -> Any:
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc} (start one "
                          "with `dask scheduler`, or check --cluster / UNMASK_CLUSTER)") from exc


def _threads(client: Any) -> int:
    info = client.scheduler_info()
    return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))


def ingest_on_cluster(
    kb: KnowledgeBase,
    sources: Sequence[str],
    address: str | Any,
    *,
    tlp: str | None = None,
    replace: bool = False,
    follow: bool = False,
    on_event: Callable[[IngestEvent], None] | None = None,
    stdin: bytes | None = None,
    timeout: float = 30.0,
) -> IngestReport:
    """Ingest ``sources`` into ``kb`` on the Dask cluster at ``address``.

    ``address`` is a scheduler address (``tcp://host:8786``) or a ``distributed.Client``
    already connected. The workers open the same base (``kb``'s URL, which must be
    reachable from them) and read each path where it is (visible to the workers under
    the same name). What this process reads itself (standard input, URLs, TAXII pulls,
    feed files) goes to the workers as documents, a feed's entries in batches, so
    several workers share one feed; a TAXII pull is remembered here once its document
    is stored. Same outcomes
    and guarantees as :func:`unmask.ingest.ingest`; ``on_event`` is called as each
    source's task finishes.

    Raises ReferenceDataError when a worker runs other unmask or reference data than
    this process, ConfigError when the scheduler cannot be reached or has no worker.
    """
    distributed = _distributed()
    marking = None if tlp is None else check_tlp(tlp)
    if kb.read_only:
        raise StoreError(f"knowledge base {kb.url} is open read-only: nothing can be ingested "
                         "into it (open it with write access)")
    url = _raw_url(kb)
    expected = local_fingerprint()
    if expected.analyzer != kb.analyzer:
        raise ConfigError(f"knowledge base opened with analyser {kb.analyzer!r}; cluster workers "
                          f"run {expected.analyzer!r}")
    report = IngestReport()
    own = not isinstance(address, distributed.Client)
    client: Any = _connect(distributed, address, timeout) if own else address
    try:
        _check_workers(client, expected, timeout)
        options = {"tlp": marking, "replace": replace, "follow": follow}
        run = uuid.uuid4().hex[:12]
        threads = _threads(client)

        def emit(event: IngestEvent) -> None:
            report.events.append(event)
            if on_event is not None:
                on_event(event)

        def units() -> Iterator[_Unit]:
            """What to submit, in order: a source a worker reads, or a batch of documents
            this process read (standard input, a URL, a TAXII pull, a feed's entries)."""
            for _, source in reversed(_largest_last(sources)):
                if not reads_here(source):
                    yield _Unit(source, [source])
                    continue
                documents = list(read_documents(source, emit, stdin=stdin, follow=follow))
                for batch in _batches(documents, threads):
                    yield _Unit(batch, [d.source for d in batch])

        window = max(8, threads * _PER_THREAD)
        todo = units()
        numbers = itertools.count()
        labels: dict[str, _Unit] = {}
        running = distributed.as_completed(loop=client.loop)

        def submit_next() -> None:
            unit = next(todo, None)
            if unit is None:
                return
            future = client.submit(ingest_source, url, unit.work, expected, options,
                                   key=f"unmask-ingest-{run}-{next(numbers)}", pure=False)
            labels[future.key] = unit
            running.add(future)

        try:
            for _ in range(window):
                submit_next()
            for future in running:
                unit = labels.pop(future.key)
                for event in _events(future, unit.labels, distributed):
                    if event.status != "failed":
                        _remember_pull(unit, event)
                    emit(event)
                future.release()
                submit_next()
        except BaseException:
            running.clear()
            raise
    finally:
        if own:
            client.close()
    return report


@dataclass(frozen=True, slots=True)
class _Unit:
    """One task's work: a source a worker reads, or documents read here; and the
    labels of its sources (each one fails when the task cannot finish)."""

    work: str | list[Document]
    labels: list[str]


#: A feed's entries per task at most (fewer when the workers would otherwise idle).
_BATCH = 8


def _batches(documents: list[Document], threads: int) -> list[list[Document]]:
    """``documents`` in consecutive batches of at most :data:`_BATCH`, small enough
    that every worker thread gets one."""
    if not documents:
        return []
    size = max(1, min(_BATCH, -(-len(documents) // threads)))
    return [documents[i:i + size] for i in range(0, len(documents), size)]


def _remember_pull(unit: _Unit, event: IngestEvent) -> None:
    """Where a TAXII pull ended, in this process's state, once a worker has stored (or
    found stored) the pull's document: the next pull asks only for what came after."""
    from unmask.documents.taxii import commit_pulled

    if isinstance(unit.work, str):
        return
    for document in unit.work:
        if document.sha256 == event.sha256 and document.source == event.source:
            commit_pulled(document)


def _largest_last(sources: Sequence[str]) -> list[tuple[int, str]]:
    """(index, source) in the reverse of the order to submit them: files the client can
    see largest first (the run does not end waiting for one big document started last),
    then the others (URLs, standard input, paths only the workers see) as given."""
    sized: list[tuple[int, int, str]] = []
    rest: list[tuple[int, str]] = []
    for index, source in enumerate(sources):
        try:
            size = os.stat(source).st_size if source != "-" and "://" not in source else -1
        except OSError:
            size = -1
        if size < 0:
            rest.append((index, source))
        else:
            sized.append((-size, index, source))
    order = [(index, source) for _, index, source in sorted(sized)] + rest
    order.reverse()
    return order


def _check_workers(client: Any, expected: Fingerprint, timeout: float) -> None:
    """Refuse the run when a connected worker differs; warm the others up."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as exc:
        raise ConfigError(f"the Dask scheduler at {client.scheduler.address} has no worker "
                          f"after {timeout:g} s (start some with `dask worker ADDRESS`)") from exc
    try:
        client.run(check_worker, expected, False)
        # The reference data is loaded by a task on each worker (not inside client.run,
        # which would block the worker's event loop for the seconds loading takes).
        warm = [client.submit(check_worker, expected, True, workers=[address], pure=False,
                              allow_other_workers=False)
                for address in client.scheduler_info().get("workers", {})]
        client.gather(warm)
    except ReferenceDataError:
        raise
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"checking the Dask workers at {client.scheduler.address} failed: "
                          f"{exc}") from exc


def _events(future: Any, sources: list[str], distributed: Any) -> list[IngestEvent]:
    """The task's events; a task that could not finish is the failure of each of its
    sources, except a worker that runs other data, which stops the run."""
    from unmask.documents.read import display_name

    try:
        events: list[IngestEvent] = future.result()
        return events
    except ReferenceDataError:
        raise
    except distributed.KilledWorker as exc:
        return [IngestEvent(display_name(source), "failed", error_type="KilledWorker",
                            message=f"{display_name(source)}: the workers analysing it died "
                                    f"({exc}); what was written is complete - run the ingest "
                                    "again to finish it")
                for source in sources]
    # The task's own failure (it catches what the store's ingest reports itself, so this
    # is an unexpected error on the worker): this source fails, the batch goes on.
    except Exception as exc:  # noqa: BLE001
        return [IngestEvent(display_name(source), "failed", error_type=type(exc).__name__,
                            message=f"{display_name(source)}: cluster task failed: {exc!r}")
                for source in sources]
