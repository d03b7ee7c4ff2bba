"""Cluster fixtures: small reports written for these tests, a base snapshot to compare,
PostgreSQL schemas and a real ``dask scheduler`` with ``dask worker`` processes.

The PostgreSQL tests need ``UNMASK_TEST_POSTGRES`` (``.ci/run`` starts a throwaway
server and sets it); the Dask ones need the ``cluster`` extra.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

PG_ENV = "UNMASK_TEST_POSTGRES"
#: Set by .ci/run: a missing Dask or PostgreSQL fails the cluster tests instead of skipping.
REQUIRE_ENV = "UNMASK_REQUIRE_DASK"


def skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set: CI runs the cluster tests)")
    pytest.skip(reason)


def need_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        skip_or_fail("the cluster tests need Dask: pip install 'unmask[cluster]'")
    return distributed

_ACTORS = ["APT28", "Kimsuky", "Lazarus Group", "Turla", "APT29", "Sandworm Team"]
_VERBS = ["sent spear-phishing mail to", "ran PowerShell scripts against",
          "dumped credentials from", "planted web shells on the servers of"]
_SECTORS = ["banks in Norway", "ministries in Chile", "universities in Kenya",
            "shipping firms in Greece"]


def report_text(i: int) -> str:
    """A short report of our own: two actors of a small pool (so reports share counters)."""
    first, second = _ACTORS[i % len(_ACTORS)], _ACTORS[(i * 5 + 1) % len(_ACTORS)]
    return (
        f"Field note {i}. In March 20{10 + i % 12} {first} {_VERBS[i % 4]} "
        f"{_SECTORS[(i // 2) % 4]}, using the host upd{i}.files-example.net and the address "
        f"198.51.100.{i % 250 + 1} for command and control. Later {second} reused "
        f"192.0.2.{(i * 7) % 250 + 1} and {_VERBS[(i + 1) % 4]} {_SECTORS[(i + 3) % 4]}.\n"
    )


def write_reports(folder: Path, count: int) -> list[str]:
    """``count`` reports and one empty file (which fails), sorted paths."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"note-{i:03d}.txt").write_text(report_text(i), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return sorted(str(p) for p in folder.iterdir())


def snapshot(url: str) -> dict[str, Any]:
    """Row counts, report ids and every counter of the base at ``url``."""
    from sqlalchemy import text

    from unmask.store import open as open_kb

    kb = open_kb(url)
    try:
        out: dict[str, Any] = {"stats": kb.stats()}
        with kb.engine.connect() as conn:
            def rows(sql: str) -> list[tuple[Any, ...]]:
                return sorted(tuple(r) for r in conn.execute(text(sql)))

            out["documents"] = rows("SELECT sha256, source, format, title FROM documents")
            out["actors"] = rows("SELECT actor_id, name, reports, first_seen, last_seen, "
                                 "indicators FROM actors")
            out["actor_stats"] = rows("SELECT actor_id, kind, key, reports, mentions "
                                      "FROM actor_stats")
        return out
    finally:
        kb.close()


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[Any]:
    url = os.environ.get(PG_ENV)
    if not url:
        skip_or_fail(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host:port/db "
                    "(.ci/run starts a throwaway server and sets it)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        skip_or_fail(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_schema(_pg_admin: Any) -> Iterator[Any]:
    """A factory of fresh PostgreSQL base URLs (one schema each, dropped afterwards)."""
    from sqlalchemy import text

    made: list[str] = []
    base = os.environ[PG_ENV]

    def make() -> str:
        schema = f"c_{uuid.uuid4().hex[:12]}"
        with _pg_admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        sep = "&" if "?" in base else "?"
        return f"{base}{sep}options=-csearch_path%3D{schema}"

    yield make
    with _pg_admin.connect() as conn:
        for schema in made:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class DaskProcesses:
    """A scheduler and its workers as subprocesses on loopback; ``close`` ends them all."""

    address: str
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def add_worker(self, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        name = f"worker-{len(self.workers)}"
        with (self.log_dir / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                [_dask(), "worker", self.address, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--host", "127.0.0.1", "--name", name,
                 "--death-timeout", "60"],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        self.processes.append(proc)
        self.workers.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.log_dir.glob("*.log")))


def _dask() -> str:
    found = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    if found is None:
        skip_or_fail("the dask command is not installed (pip install 'unmask[cluster]')")
    return found


@pytest.fixture
def dask_scheduler(tmp_path: Path) -> Iterator[DaskProcesses]:
    """A real ``dask scheduler`` on a free loopback port (no worker yet)."""
    need_distributed()
    port = free_port()
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    cluster = DaskProcesses(f"tcp://127.0.0.1:{port}", logs)
    with (logs / "scheduler.log").open("wb") as log:
        cluster.processes.append(subprocess.Popen(
            [_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
    try:
        _wait_for_port(port, cluster)
        yield cluster
    finally:
        cluster.close()


def _wait_for_port(port: int, cluster: DaskProcesses, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if cluster.processes[0].poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"the dask scheduler did not start:\n{cluster.logs()}")
