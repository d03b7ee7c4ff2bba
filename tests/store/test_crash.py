"""A writer killed with SIGKILL mid-ingest leaves no partial document; re-running completes.

Both tests kill a real subprocess: one that stores large synthetic analyses through the
Python API (so the kill very likely lands inside a transaction), and ``unmask ingest``
itself on a folder of reports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from tests.conftest import REPO
from unmask.store import open as open_kb
from unmask.store.schema import ActorStatRow, DocumentRow, ObservableRow, TechniqueRow

pytestmark = pytest.mark.slow

DOCS = 60
OBSERVABLES = 100
TECHNIQUES = 30

WRITER = textwrap.dedent(
    """
    import sys
    from tests.store.builders import build
    from unmask.store import open as open_kb

    url, total, n_obs, n_tech = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    kb = open_kb(url)
    for k in range(total):
        ips = [f"10.{k // 250}.{k % 250}.{j}" for j in range(n_obs)]
        techniques = [f"T{1000 + j}" for j in range(n_tech)]
        text = "Kimsuky struck. " + " ".join(f"Seen {ip} in use." for ip in ips) + " " + " ".join(
            f"Did {t} here." for t in techniques)
        analysis = build(
            text, source=f"doc-{k}.txt", actors=[("G0094", "Kimsuky", "Kimsuky")],
            observables=[("ipv4", ip, ip) for ip in ips],
            techniques=[(t, t, f"Did {t} here.") for t in techniques],
        )
        kb.add_analysis(analysis)
        print(k, flush=True)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    return env


def _count(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(DocumentRow)).scalar_one())
    except Exception:  # the schema may not exist yet while the child starts
        return 0


def _kill_when(proc: subprocess.Popen[bytes], url: str, stored: int, timeout: float = 120) -> int:
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the writer ended (code {proc.returncode}) before it was killed")
            if _count(engine) >= stored:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                return _count(engine)
            time.sleep(0.02)
        proc.kill()
        proc.wait()
        pytest.fail(f"nothing stored within {timeout} s")
    finally:
        engine.dispose()


def _check_complete(url: str) -> int:
    with open_kb(url) as kb, kb.engine.connect() as conn:
        per_doc = dict(
            conn.execute(
                select(ObservableRow.document_id, func.count()).group_by(ObservableRow.document_id)
            ).all()
        )
        documents = conn.execute(select(DocumentRow.id)).scalars().all()
        assert sorted(per_doc) == sorted(documents)
        assert set(per_doc.values()) == {OBSERVABLES}
        techniques = conn.execute(select(func.count()).select_from(TechniqueRow)).scalar_one()
        assert techniques == TECHNIQUES * len(documents)
        counters = conn.execute(
            select(ActorStatRow.reports).where(ActorStatRow.kind == "technique")
        ).scalars().all()
        assert counters == [len(documents)] * TECHNIQUES
        return len(documents)


def test_killed_writer_leaves_whole_documents(db_url: str, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    args = [sys.executable, str(script), db_url, str(DOCS), str(OBSERVABLES), str(TECHNIQUES)]
    proc = subprocess.Popen(args, cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL)
    stored = _kill_when(proc, db_url, stored=5)
    assert 5 <= stored < DOCS
    assert _check_complete(db_url) == stored

    done = subprocess.run(args, cwd=tmp_path, env=_env(), capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    assert _check_complete(db_url) == DOCS


REPORT = (
    "Report {k}. Kimsuky, also known as APT43 and Emerald Sleet, sent spear-phishing e-mails "
    "from login-{k}.example-mail.com and 198.51.100.{last} to think tanks in South Korea in "
    "March 2024. The payload, BabyShark, used PowerShell (T1059.001) and a scheduled task. "
)


def test_killed_ingest_resumes(db_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    total = 24
    for k in range(total):
        body = REPORT.format(k=k, last=k % 250) * 8
        (corpus / f"report-{k:03d}.txt").write_text(body, encoding="utf-8")
    command = [sys.executable, "-m", "unmask", "ingest", str(corpus), "--db", db_url]
    proc = subprocess.Popen(command, cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    stored = _kill_when(proc, db_url, stored=3)
    assert 3 <= stored < total

    from unmask.documents import read
    from unmask.pipeline import analyze

    with open_kb(db_url) as kb:
        for report in kb.find_reports(limit=total):
            kept = kb.get_analysis(report.sha256)
            assert kept is not None
            fresh = analyze(read(report.source))
            assert kept.to_dict() == fresh.to_dict(), report.source

    done = subprocess.run([*command, "--format", "json"], cwd=tmp_path, env=_env(),
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    import json

    summary = json.loads(done.stdout)
    assert summary["unchanged"] == stored
    assert summary["added"] == total - stored
    with open_kb(db_url) as kb:
        assert kb.stats()["documents"] == total
