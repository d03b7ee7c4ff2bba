"""Several server processes over one PostgreSQL base give the same answers: TAXII
dates added, objects and manifests, REST answers, ``next`` tokens accepted by any
process, a revoked token refused by every one within the recheck interval; and
``unmask serve --workers 2`` serves with two worker processes.

The servers are real ``unmask serve`` processes on loopback ports, against the
PostgreSQL of UNMASK_TEST_POSTGRES (in a schema of their own); skipped without it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unmask.pipeline import analyze
from unmask.serve.taxii import MEDIA_TYPE, SECRET_ENV
from unmask.store import open_kb

from .test_taxii_polling import REPORTS

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

PG_ENV = "UNMASK_TEST_POSTGRES"
TAXII = {"Accept": MEDIA_TYPE}


def test_processes_given_one_secret_take_each_others_next_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from unmask.serve import taxii

    where = (dt.datetime(2026, 5, 1, tzinfo=dt.UTC), 3, "indicator--1")
    monkeypatch.setenv(SECRET_ENV, "one secret for all workers")
    first, second = taxii._secret_from_environment(), taxii._secret_from_environment()
    assert first is not None and first == second
    token = taxii.Cursor(first).encode(where, "scope")
    assert taxii.Cursor(second).decode(token, "scope") == where
    monkeypatch.setenv(SECRET_ENV, "another server's secret")
    with pytest.raises(taxii.TaxiiError):
        taxii.Cursor(taxii._secret_from_environment()).decode(token, "scope")
    monkeypatch.setenv(SECRET_ENV, " ")
    assert taxii._secret_from_environment() is None  # unset: a random one per process


def test_workers_need_a_postgresql_base(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unmask.cli import app

    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(db) as kb:
        kb.add_analysis(analyze(REPORTS[0]), tlp="green")
    result = CliRunner().invoke(app, ["serve", "--db", db, "--workers", "2"])
    assert result.exit_code == 2, result.output
    assert "PostgreSQL" in result.output


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host:port/db")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    schema = f"w_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def reader(pg_url: str) -> str:
    """The base (a few reports) and a reader token for it."""
    from unmask.store.accounts import add_token

    with open_kb(pg_url) as kb:
        for text in REPORTS:
            kb.add_analysis(analyze(text), tlp="green")
        token, _ = add_token(kb, "poller", role="reader", max_tlp="green")
    return str(token)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(pg_url: str, log: Path, *extra: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    command = [sys.executable, "-c", "from unmask.cli import main; main()", "serve", "--db", pg_url,
               "--port", str(port), *extra]
    with log.open("wb") as errors:  # a file, not a pipe: the request log never blocks it
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                   stderr=errors, start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def _wait(origin: str, process: subprocess.Popen[bytes], token: str, log: Path) -> None:
    deadline = time.monotonic() + 180  # start-up of several processes on a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"unmask serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{origin}/api/v1/stats", headers=_auth(token), timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"unmask serve at {origin} did not answer: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def two(pg_url: str, reader: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two separate server processes over the base, sharing one secret (as workers do)."""
    env = {SECRET_ENV: uuid.uuid4().hex}
    logs = tmp_path_factory.mktemp("servers")
    first, a = _start(pg_url, logs / "a.log", env=env)
    second, b = _start(pg_url, logs / "b.log", env=env)
    try:
        _wait(a, first, reader, logs / "a.log")
        _wait(b, second, reader, logs / "b.log")
        yield a, b
    finally:
        _stop(first)
        _stop(second)


def _get(origin: str, path: str, token: str, **params: Any) -> Any:
    return httpx.get(origin + path, params=params, headers={**TAXII, **_auth(token)}, timeout=30)


@pytest.mark.postgres
def test_two_processes_answer_the_same(two: tuple[str, str], reader: str) -> None:
    a, b = two
    collections = _get(a, "/taxii2/api/collections/", reader).json()["collections"]
    assert len(collections) >= 4
    assert _get(b, "/taxii2/api/collections/", reader).json()["collections"] == collections
    for index, collection in enumerate(collections):
        path = f"/taxii2/api/collections/{collection['id']}/"
        # one process serves a collection first (recording its dates added), then the other
        first, then = (a, b) if index % 2 == 0 else (b, a)
        for endpoint in ("objects/", "manifest/"):
            one = _get(first, path + endpoint, reader, limit=1000)
            other = _get(then, path + endpoint, reader, limit=1000)
            assert one.status_code == other.status_code == 200
            assert one.json() == other.json(), (collection["title"], endpoint)
            for header in ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last"):
                assert one.headers[header] == other.headers[header]
    for path in ("/api/v1/stats", "/api/v1/actors", "/api/v1/actors/APT29", "/api/v1/reports"):
        assert _get(a, path, reader).json() == _get(b, path, reader).json(), path


@pytest.mark.postgres
def test_a_next_token_from_one_process_is_taken_by_the_other(two: tuple[str, str], reader: str) -> None:
    a, b = two
    collection = _get(a, "/taxii2/api/collections/", reader).json()["collections"][0]["id"]
    path = f"/taxii2/api/collections/{collection}/objects/"
    page = _get(a, path, reader, limit=2).json()
    assert page["more"] is True
    on_b = _get(b, path, reader, limit=2, next=page["next"])
    assert on_b.status_code == 200, on_b.text
    assert on_b.json() == _get(a, path, reader, limit=2, next=page["next"]).json()


@pytest.mark.postgres
def test_a_revoked_token_is_refused_by_every_process(two: tuple[str, str], pg_url: str) -> None:
    from unmask.store.accounts import add_token, revoke_token

    a, b = two
    with open_kb(pg_url) as kb:
        token, info = add_token(kb, "short-lived", role="reader", max_tlp="green")
        assert _get(a, "/api/v1/stats", token).status_code == 200
        assert _get(b, "/api/v1/stats", token).status_code == 200
        revoke_token(kb, info.key_id)
    time.sleep(1.5)  # the recheck interval (1 s) and a margin
    assert _get(a, "/api/v1/stats", token).status_code == 401
    assert _get(b, "/api/v1/stats", token).status_code == 401


@pytest.mark.postgres
def test_serve_with_two_workers(pg_url: str, reader: str, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    process, origin = _start(pg_url, log, "--workers", "2", env={SECRET_ENV: ""})
    try:
        _wait(origin, process, reader, log)
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                  text=True, check=False).stdout.split()
        assert len(children) >= 2, children
        collection = _get(origin, "/taxii2/api/collections/", reader).json()["collections"][0]["id"]
        path = f"/taxii2/api/collections/{collection}/objects/"
        everything = [o["id"] for o in _get(origin, path, reader, limit=1000).json()["objects"]]
        walked: list[str] = []
        params: dict[str, Any] = {"limit": 1}
        for _ in range(len(everything) + 1):  # a new connection each time: either worker answers
            body = _get(origin, path, reader, **params).json()
            walked += [o["id"] for o in body.get("objects", [])]
            if not body.get("more"):
                break
            params = {"limit": 1, "next": body["next"]}
        assert walked == everything
    finally:
        _stop(process)
