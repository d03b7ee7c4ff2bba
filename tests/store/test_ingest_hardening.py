"""``unmask ingest`` against hostile file systems and a killed parent.

- A file name that is not UTF-8 is stored and shown escaped; the batch goes on.
- Named pipes, sockets and links to devices fail fast, before anything is read; the
  pre-hash of a file over the size limit reads nothing.
- ``kill -9`` of ``ingest --jobs 2`` leaves no worker process running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO
from unmask.cli import app
from unmask.store import open as open_kb

runner = CliRunner()

GOOD = "Lazarus Group reused 203.0.113.44 and update-cdn.example.net during the campaign."
BAD_NAME = "Kimsuky, also tracked as APT43, used login-check.example-mail.com in 2024."


def _ingest(folder: Path, db_url: str, *extra: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["ingest", str(folder), "--db", db_url, "--format", "json",
                                 *extra])
    return result.exit_code, json.loads(result.stdout)


def test_a_name_that_is_not_utf8_is_stored_escaped_and_the_batch_goes_on(
        tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/a-\xff\xfe-report.txt", "wb") as fh:
        fh.write(BAD_NAME.encode())
    (folder / "b-good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(folder / "c-pipe.txt")

    code, summary = _ingest(folder, db_url)
    assert code == 3
    assert (summary["added"], summary["failed"]) == (2, 1)
    documents = summary["documents"]
    assert isinstance(documents, list)
    sources = sorted(d["source"] for d in documents)
    assert sources[0].endswith("a-\\xff\\xfe-report.txt")
    failed = [d for d in documents if d["status"] == "failed"]
    assert "is a named pipe" in failed[0]["error"]["message"]
    with open_kb(db_url) as kb:
        assert sorted(r.source.rsplit("/", 1)[-1] for r in kb.find_reports()) == [
            "a-\\xff\\xfe-report.txt", "b-good.txt"]
    code, summary = _ingest(folder, db_url)  # again: the escaped name is found unchanged
    assert (summary["unchanged"], summary["failed"]) == (2, 1)


def test_devices_pipes_and_sockets_fail_fast(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.txt"))
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    try:
        started = time.monotonic()
        code, summary = _ingest(folder, db_url)
        took = time.monotonic() - started
    finally:
        server.close()
    assert code == 3
    reasons = {Path(d["source"]).name: d["error"]["message"]
               for d in summary["documents"] if d["status"] == "failed"}  # type: ignore[union-attr]
    assert "character device" in reasons["zero.txt"]
    assert "named pipe" in reasons["pipe.txt"]
    assert "socket" in reasons["sock.txt"]
    assert summary["added"] == 1
    assert took < 30


def test_the_pre_hash_respects_the_size_limit(tmp_path: Path, db_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from unmask.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"
    big.write_text(GOOD * 200, encoding="utf-8")
    monkeypatch.setenv("UNMASK_MAX_BYTES", "1000")
    opened: list[str] = []
    real_open = open

    def spying_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    with open_kb(db_url) as kb:
        monkeypatch.setattr("builtins.open", spying_open)
        report = ingest(kb, [str(big)])
        monkeypatch.undo()
    assert report.failures[0].error_type == "TooLargeError"
    assert str(big) not in opened  # nothing read the file's bytes in full


WORKER_TREE_TIMEOUT = 20.0


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except FileNotFoundError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_ingest_leaves_no_workers(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(40):
        (folder / f"r{k:02d}.txt").write_text(f"Report {k}. {GOOD} " * 3000, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "unmask", "ingest", str(folder), "--jobs", "2",
               "--db", f"sqlite:///{tmp_path / 'kb.sqlite'}"]
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as proc:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            workers = {p for p in _descendants(proc.pid)
                       if b"multiprocessing" in Path(f"/proc/{p}/cmdline").read_bytes()}
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers never started"
        everything = _descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + WORKER_TREE_TIMEOUT
    while time.monotonic() < deadline and any(_alive(p) for p in everything):
        time.sleep(0.1)
    left = [p for p in everything if _alive(p)]
    for pid in left:  # do not leak them into the rest of the run
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} process(es) outlived the killed ingest"
