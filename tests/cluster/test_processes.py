"""A real ``dask scheduler`` and ``dask worker`` processes on loopback, against PostgreSQL:
the same base as a single-process ingest, a worker killed mid-run loses nothing and a
re-run adds nothing, a worker with other reference data is refused."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import DaskProcesses, snapshot, write_reports
from unmask.cluster import ingest_on_cluster
from unmask.errors import ReferenceDataError
from unmask.ingest import IngestEvent, ingest
from unmask.store import open as open_kb

pytestmark = pytest.mark.usefixtures("_pg_admin")


def _client(cluster: DaskProcesses, workers: int) -> Any:
    import distributed

    client = distributed.Client(cluster.address, timeout=30, set_as_default=False)
    try:
        client.wait_for_workers(workers, timeout=90)
    except TimeoutError:
        client.close()
        raise AssertionError(f"workers did not join:\n{cluster.logs()}") from None
    return client


def test_two_workers_same_base_and_killed_worker_loses_nothing(
    tmp_path: Path, dask_scheduler: DaskProcesses, pg_schema: Any
) -> None:
    sources = write_reports(tmp_path / "in", 24)
    local_url, cluster_url = pg_schema(), pg_schema()
    with open_kb(local_url) as kb:
        ingest(kb, sources)
    expected = snapshot(local_url)
    assert expected["stats"]["documents"] == 24

    victim = dask_scheduler.add_worker()
    dask_scheduler.add_worker()
    client = _client(dask_scheduler, 2)
    victim_address = next(address for address, info in client.scheduler_info()["workers"].items()
                          if info["name"] == "worker-0")
    held: list[int] = []

    def kill_one(event: IngestEvent) -> None:
        if not held:  # mid-run: the first source is done, most are still to come
            held.append(len(client.processing()[victim_address]))
            os.kill(victim.pid, signal.SIGKILL)

    try:
        with open_kb(cluster_url) as kb:
            first = ingest_on_cluster(kb, sources, client, on_event=kill_one)
            assert victim.wait(timeout=10) == -signal.SIGKILL
            assert held and held[0] > 0, "the killed worker held no task"
            after_kill = snapshot(cluster_url)
            again = ingest_on_cluster(kb, sources, client)
    finally:
        client.close()
    # The tasks the killed worker held ran again on the other one: every source has an
    # outcome, nothing is half-written, and the base is the single-process one.
    assert len({e.source for e in first.events}) == len(sources)
    assert [e.error_type for e in first.failures] == ["EmptyDocumentError"]
    assert first.count("added") + first.count("unchanged") == 24
    assert after_kill == expected
    # A re-run adds nothing.
    assert again.count("unchanged") == 24 and again.count("added") == 0
    assert snapshot(cluster_url) == expected


def test_a_killed_client_leaves_whole_documents_and_a_rerun_completes(
    tmp_path: Path, dask_scheduler: DaskProcesses, pg_schema: Any
) -> None:
    """``unmask ingest --cluster`` killed mid-run: the base holds whole documents only
    (a half-written one would be skipped as stored by the re-run and the final base would
    differ), and a re-run adds exactly the rest."""
    import subprocess
    import sys
    import time

    sources = write_reports(tmp_path / "in", 16)
    local_url, cluster_url = pg_schema(), pg_schema()
    with open_kb(local_url) as kb:
        ingest(kb, sources)
    expected = snapshot(local_url)
    dask_scheduler.add_worker()
    client = _client(dask_scheduler, 1)
    with open_kb(cluster_url) as kb:  # created (migrated) before the client starts
        pass
    with (tmp_path / "client.log").open("wb") as log:
        cli = subprocess.Popen([sys.executable, "-m", "unmask", "ingest", str(tmp_path / "in"),
                                "--cluster", dask_scheduler.address, "--db", cluster_url],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while snapshot(cluster_url)["stats"]["documents"] < 2:
            assert cli.poll() is None, (tmp_path / "client.log").read_text()
            assert time.monotonic() < deadline, dask_scheduler.logs()
            time.sleep(0.05)
        cli.send_signal(signal.SIGKILL)
        cli.wait(timeout=10)
        # A task running when the client died finishes its transaction: wait until the
        # base stops changing.
        partial = snapshot(cluster_url)
        settled = time.monotonic()
        while time.monotonic() - settled < 1.5:
            time.sleep(0.25)
            now = snapshot(cluster_url)
            if now != partial:
                partial, settled = now, time.monotonic()
        with open_kb(cluster_url) as kb:
            rest = ingest_on_cluster(kb, sources, client)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        client.close()
    stored = partial["stats"]["documents"]
    assert 2 <= stored < expected["stats"]["documents"], \
        f"the client was not killed mid-run:\n{(tmp_path / 'client.log').read_text()}"
    assert set(partial["documents"]) <= set(expected["documents"])
    assert rest.count("added") + stored == expected["stats"]["documents"]
    assert snapshot(cluster_url) == expected


def test_worker_with_other_reference_data_is_refused(
    tmp_path: Path, dask_scheduler: DaskProcesses, pg_schema: Any
) -> None:
    # A cache whose actor-naming overlay differs from the client's data.
    cache = tmp_path / "other-cache"
    overlay = cache / "data" / "actor-naming"
    (overlay / "v2").mkdir(parents=True)
    (overlay / "current.json").write_text(json.dumps(
        {"directory": "v2", "sha256": "ab" * 32, "version": "2099.1"}), encoding="utf-8")
    dask_scheduler.add_worker(env={"UNMASK_CACHE_DIR": str(cache)})
    client = _client(dask_scheduler, 1)
    url = pg_schema()
    try:
        with open_kb(url) as kb, pytest.raises(ReferenceDataError) as caught:
            ingest_on_cluster(kb, write_reports(tmp_path / "in", 2), client)
    finally:
        client.close()
    message = str(caught.value)
    assert "2099.1+sha256.abababababab" in message  # the worker's version
    assert "than the client" in message and "client:" in message
    assert snapshot(url)["stats"]["documents"] == 0
