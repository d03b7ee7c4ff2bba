"""Cluster ingest: documents/s with 1 and 2 Dask workers, and the cluster path's overhead.

usage: python benchmarks/cluster.py --postgres URL [--corpus DIR] [--repeat 1] [--json OUT]

Every file of the corpus (``manifest.jsonl``, default ``../shared/corpus``) is ingested
into a fresh PostgreSQL schema four ways, each on warm processes (reference data loaded
before the clock starts):

1. ``local``: ``unmask.ingest.ingest`` in this process (``jobs=1``);
2. ``cluster-1``: ``ingest_on_cluster`` on a real ``dask scheduler`` with one
   ``dask worker --nthreads 1`` process;
3. ``cluster-2``: the same with two worker processes;
4. ``cluster-1-unchanged``: cluster-1 again (everything stored: each task only
   hashes the file and looks it up), next to ``local-unchanged``.

Reported: documents/s of each run, the CPU time the analysing processes used (and so how
many cores they obtained on a shared machine), the speed-up of 2 workers over 1, and the
overhead per document of the cluster path, two ways: (cluster-1 - local) / documents (a worker
process and Dask's scheduling instead of a call in this process) and (cluster-1-unchanged
- local-unchanged) / documents (the fixed cost of a task: submit, schedule, run, return).
Each base is compared with the local one (row counts, report ids, every counter).
The load average of the machine is printed with each run: the workers share its cores
with whatever else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def corpus_files(corpus: Path) -> list[str]:
    with (corpus / "manifest.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [str(corpus / row["file"]) for row in rows]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def dask_cluster(workers: int, logs: Path) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes."""
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with (logs / f"scheduler-{port}.log").open("wb") as log:
            procs.append(subprocess.Popen(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                 "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT))
        for i in range(workers):
            with (logs / f"worker-{port}-{i}.log").open("wb") as log:
                procs.append(subprocess.Popen(
                    [dask, "worker", address, "--nthreads", "1", "--no-nanny",
                     "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "60"],
                    stdout=log, stderr=subprocess.STDOUT))
        yield address
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Schemas:
    """Fresh PostgreSQL schemas on one server, dropped at the end."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.base = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def new(self) -> str:
        from sqlalchemy import text

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.made.append(schema)
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}options=-csearch_path%3D{schema}"

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for schema in self.made:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        self.admin.dispose()


def snapshot(url: str) -> dict[str, Any]:
    from sqlalchemy import text

    from unmask.store import open as open_kb

    with open_kb(url) as kb, kb.engine.connect() as conn:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(str(v) for v in r) for r in conn.execute(text(sql)))

        return {
            "stats": kb.stats(),
            "documents": rows("SELECT sha256, source FROM documents"),
            "actors": rows("SELECT actor_id, name, reports, first_seen, last_seen, indicators "
                           "FROM actors"),
            "actor_stats": rows("SELECT actor_id, kind, key, reports, mentions FROM actor_stats"),
        }


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def _cpu_seconds() -> float:
    """CPU time (user + system) of the calling process so far."""
    times = os.times()
    return times.user + times.system


def run_local(url: str, files: list[str]) -> tuple[float, dict[str, Any]]:
    from unmask.ingest import ingest
    from unmask.store import open as open_kb

    with open_kb(url) as kb:
        cpu = _cpu_seconds()
        start = time.perf_counter()
        report = ingest(kb, files)
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
    out: dict[str, Any] = {k: v for k, v in report.to_dict().items() if k != "documents"}
    out["worker_cpu_seconds"] = cpu
    return elapsed, out


def run_cluster(url: str, files: list[str], client: Any) -> tuple[float, dict[str, Any]]:
    from unmask.cluster import ingest_on_cluster
    from unmask.store import open as open_kb

    with open_kb(url) as kb:
        import distributed

        ingest_on_cluster(kb, [], client)  # every worker checked and warmed up
        cpu_before = client.run(_cpu_seconds)
        with distributed.get_task_stream(client) as stream:
            start = time.perf_counter()
            report = ingest_on_cluster(kb, files, client)
            elapsed = time.perf_counter() - start
        cpu_after = client.run(_cpu_seconds)
    # How long the tasks ran on the workers: their sum against the wall clock says how
    # busy the workers were; the longest one bounds what more workers can gain.
    spans = [sum(s["stop"] - s["start"] for s in t["startstops"] if s["action"] == "compute")
             for t in stream.data if str(t["key"]).startswith("unmask-ingest-")]
    out: dict[str, Any] = {k: v for k, v in report.to_dict().items() if k != "documents"}
    out["worker_cpu_seconds"] = sum(cpu_after[w] - cpu_before[w] for w in cpu_after)
    if spans:
        out["task_seconds_sum"] = sum(spans)
        out["task_seconds_max"] = max(spans)
    return elapsed, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("UNMASK_TEST_POSTGRES"),
                        help="PostgreSQL URL (default: UNMASK_TEST_POSTGRES)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL (or set UNMASK_TEST_POSTGRES)")
    import distributed

    from unmask.cluster.worker import check_worker, local_fingerprint

    files = corpus_files(args.corpus)
    check_worker(local_fingerprint())  # this process warm too
    schemas = Schemas(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    figures: dict[str, Any] = {"documents": len(files)}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            logs = Path(tmp)
            local_url = schemas.new()
            print(f"local ({_load()}) ...", flush=True)
            seconds, counts = run_local(local_url, files)
            figures["local"] = {"seconds": seconds, **counts}
            seconds, counts = run_local(local_url, files)
            figures["local-unchanged"] = {"seconds": seconds, **counts}
            expected = snapshot(local_url)
            for workers in (1, 2):
                with dask_cluster(workers, logs) as address, \
                        distributed.Client(address, timeout=60, set_as_default=False) as client:
                    client.wait_for_workers(workers, timeout=120)
                    url = schemas.new()
                    print(f"cluster-{workers} ({_load()}) ...", flush=True)
                    seconds, counts = run_cluster(url, files, client)
                    same = snapshot(url) == expected
                    figures[f"cluster-{workers}"] = {"seconds": seconds, **counts,
                                                     "same_base_as_local": same}
                    if workers == 1:
                        seconds, counts = run_cluster(url, files, client)
                        figures["cluster-1-unchanged"] = {"seconds": seconds, **counts}
            figures["load_after"] = _load()
    finally:
        schemas.close()
    n = len(files)
    for name in ("local", "cluster-1", "cluster-2", "local-unchanged", "cluster-1-unchanged"):
        run = figures[name]
        run["documents_per_s"] = n / run["seconds"]
        run["cores_obtained"] = run["worker_cpu_seconds"] / run["seconds"]
        print(f"{name:22} {run['seconds']:8.2f} s  {run['documents_per_s']:6.2f} documents/s"
              f"  CPU {run['worker_cpu_seconds']:.1f} s ({run['cores_obtained']:.2f} cores)"
              + (f"  tasks: {run['task_seconds_sum']:.1f} s in all, longest "
                 f"{run['task_seconds_max']:.1f} s" if "task_seconds_sum" in run else "")
              + (f"  same base as local: {run['same_base_as_local']}"
                 if "same_base_as_local" in run else ""))
    figures["speedup_2_over_1"] = figures["cluster-2"]["documents_per_s"] / \
        figures["cluster-1"]["documents_per_s"]
    figures["overhead_ms_per_document"] = {
        "cluster-1 vs local": 1000 * (figures["cluster-1"]["seconds"]
                                      - figures["local"]["seconds"]) / n,
        "unchanged: cluster-1 vs local": 1000 * (figures["cluster-1-unchanged"]["seconds"]
                                                 - figures["local-unchanged"]["seconds"]) / n,
    }
    print(f"2 workers / 1 worker: {figures['speedup_2_over_1']:.2f}x")
    for name, ms in figures["overhead_ms_per_document"].items():
        print(f"overhead per document ({name}): {ms:.1f} ms")
    print(figures["load_after"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
