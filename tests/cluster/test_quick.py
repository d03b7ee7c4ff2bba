"""Cluster ingest on an in-process LocalCluster: same base as a local ingest, a re-run
adds nothing, failures are listed, the CLI option, and Dask stays unimported without it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cluster.conftest import need_distributed, snapshot, write_reports
from unmask.cli import app
from unmask.cluster import CLUSTER_ENV, Fingerprint, ingest_on_cluster, resolve_address
from unmask.errors import ConfigError, MissingDependencyError
from unmask.ingest import IngestEvent, ingest
from unmask.store import open as open_kb


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[Any]:
    """One in-process worker thread (the pipeline's caches are this process's)."""
    distributed = need_distributed()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None, host="127.0.0.1",
                                  protocol="tcp") as cluster:
        yield cluster


def test_cluster_base_equals_local_ingest_and_rerun_adds_nothing(
    tmp_path: Path, local_cluster: Any
) -> None:
    import distributed

    sources = write_reports(tmp_path / "in", 6)
    local_url = f"sqlite:///{tmp_path / 'local.sqlite'}"
    cluster_url = f"sqlite:///{tmp_path / 'cluster.sqlite'}"
    with open_kb(local_url) as kb:
        ingest(kb, sources)
    seen: list[IngestEvent] = []
    with distributed.Client(local_cluster, set_as_default=False) as client, \
            open_kb(cluster_url) as kb:
        first = ingest_on_cluster(kb, sources, client, on_event=seen.append)
        again = ingest_on_cluster(kb, sources, client)
    assert first.count("added") == 6 and first.count("failed") == 1
    assert [e.source for e in first.failures] == [str(tmp_path / "in" / "empty.txt")]
    assert first.failures[0].error_type == "EmptyDocumentError"
    assert seen == first.events  # on_event follows the tasks as they finish
    assert again.count("unchanged") == 6 and again.count("added") == 0
    assert snapshot(cluster_url) == snapshot(local_url)
    assert snapshot(cluster_url)["stats"]["documents"] == 6


def test_cli_ingest_cluster_option(tmp_path: Path, local_cluster: Any,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sources = write_reports(tmp_path / "in", 3)
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    monkeypatch.setenv(CLUSTER_ENV, local_cluster.scheduler_address)
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--db", url,
                                      "--format", "json"])
    assert result.exit_code == 3, result.output  # the empty file failed
    out = json.loads(result.stdout)
    assert (out["added"], out["failed"]) == (3, 1)
    assert len(sources) == 4
    # --jobs is for local ingest only
    result = CliRunner().invoke(app, ["ingest", sources[0], "--db", url, "--jobs", "2"])
    assert result.exit_code == 2
    assert "--cluster" in result.output


def test_address_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CLUSTER_ENV, raising=False)
    assert resolve_address(None) is None
    monkeypatch.setenv(CLUSTER_ENV, "tcp://10.0.0.5:8786")
    assert resolve_address(None) == "tcp://10.0.0.5:8786"
    assert resolve_address("tcp://127.0.0.1:9999") == "tcp://127.0.0.1:9999"
    with pytest.raises(ConfigError, match="tcp://HOST:8786"):
        resolve_address("10.0.0.5:8786")


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    from tests.cluster.conftest import free_port

    need_distributed()
    address = f"tcp://127.0.0.1:{free_port()}"
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb, \
            pytest.raises(ConfigError, match="cannot reach the Dask scheduler at"):
        ingest_on_cluster(kb, [], address, timeout=1)


def test_missing_dask_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb, \
            pytest.raises(MissingDependencyError, match=r"pip install 'unmask\[cluster\]'"):
        ingest_on_cluster(kb, ["x.txt"], "tcp://127.0.0.1:8786")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "x.txt"), "--db",
                                      f"sqlite:///{tmp_path / 'kb.sqlite'}",
                                      "--cluster", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "pip install 'unmask[cluster]'" in " ".join(result.output.split())


def test_plain_ingest_does_not_import_dask(tmp_path: Path) -> None:
    sources = write_reports(tmp_path / "in", 1)
    code = (
        "import sys\n"
        "from unmask.cli import app\n"
        f"sys.argv = ['unmask', 'ingest', {sources[1]!r}, '--db', "
        f"{'sqlite:///' + str(tmp_path / 'kb.sqlite')!r}]\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    print('exit', exc.code)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env_free = {k: v for k, v in __import__("os").environ.items() if k != CLUSTER_ENV}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env_free, timeout=120, check=False)
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["exit 0", "[]"], done.stdout + done.stderr


def test_fingerprint_differences_name_both_versions() -> None:
    client = Fingerprint("unmask 1.0", 1, (("attack", "18.1"), ("tldextract", "5.4.0")))
    worker = Fingerprint("unmask 1.0", 1, (("attack", "17.0"), ("tldextract", "5.4.0")))
    assert worker.differences(client) == ["attack 17.0 vs 18.1"]
    assert client.differences(client) == []
