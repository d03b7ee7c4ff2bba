"""Creating, opening and racing on a knowledge base never breaks it.

- Schema creation is one transaction: a failure (or a kill) part-way leaves nothing,
  and the next open creates the whole schema.
- A base an older unmask left half-created (tables, no revision, no rows) is repaired.
- Several processes opening one new SQLite file at once all succeed.
- Two writers racing to store the same new document: the loser reports it unchanged.
- A read-only base can be read; one that needs upgrading says so.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, inspect, text

from tests.conftest import REPO
from tests.store.builders import build
from unmask.errors import StoreError
from unmask.store import open as open_kb
from unmask.store.engine import create_store_engine, head_revision, upgrade
from unmask.store.schema import Base


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def _tables(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("fail_at", [2, 9, 25, 60])
def test_failed_creation_leaves_no_half_schema(tmp_path: Path, fail_at: int) -> None:
    path = tmp_path / "kb.sqlite"
    engine = create_store_engine(f"sqlite:///{path}")
    seen = [0]

    def boom(*_args: object) -> None:
        seen[0] += 1
        if seen[0] == fail_at:
            raise OSError(28, "No space left on device")  # what a full disk looks like

    event.listen(engine, "before_cursor_execute", boom)
    with pytest.raises(OSError):
        upgrade(engine)
    engine.dispose()
    assert _tables(path) == set()
    with open_kb(f"sqlite:///{path}") as kb:
        assert kb.stats()["documents"] == 0


def test_half_schema_of_an_older_unmask_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.tables["actor_stats"].create(engine)  # what an interrupted creation left
    engine.dispose()
    with open_kb(f"sqlite:///{path}") as kb:
        kb.add_analysis(build("Kimsuky wrote this.", source="a.txt"))
        assert kb.stats()["documents"] == 1


def test_half_schema_with_rows_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.tables["actor_stats"].create(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actor_stats VALUES ('G0094', 'name', 'k', 1, 1)"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"no schema revision.*holds rows"):
        open_kb(f"sqlite:///{path}")


CREATOR = textwrap.dedent(
    """
    import sys
    from unmask.store.engine import create_store_engine
    engine = create_store_engine(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    from unmask.store.engine import upgrade
    upgrade(engine)
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_killed_creation_never_breaks_a_base(tmp_path: Path) -> None:
    """kill -9 at random moments of creating a base: every base opens afterwards."""
    script = tmp_path / "create.py"
    script.write_text(CREATOR, encoding="utf-8")
    rng = random.Random(16)
    # How long one creation takes here, to spread the kills over it.
    span = _create(script, tmp_path / "timing.sqlite", kill_after=None)
    killed = 0
    for round_ in range(8):
        path = tmp_path / f"kb-{round_}.sqlite"
        if _create(script, path, kill_after=rng.uniform(0, span)):
            killed += 1
        with open_kb(f"sqlite:///{path}") as kb:
            assert kb.stats()["documents"] == 0
            kb.add_analysis(build("APT28 was here.", source="a.txt"))
    assert killed >= 4, span  # most rounds really were killed part-way


def _create(script: Path, path: Path, *, kill_after: float | None) -> float:
    """Run the creator; kill it ``kill_after`` seconds into the creation. 1.0 if it was
    killed before it finished (0.0 if not); without ``kill_after``, how long it took."""
    with subprocess.Popen([sys.executable, str(script), f"sqlite:///{path}"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env()) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
        started = time.monotonic()
        if kill_after is None:
            assert proc.stdout.readline().strip() == b"done"
            took = time.monotonic() - started
            proc.wait(timeout=60)
            return took
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return float(proc.returncode == -signal.SIGKILL and proc.stdout.read() == b"")


OPENER = textwrap.dedent(
    """
    import sys, time
    from unmask.store import open as open_kb
    start = float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.001)
    with open_kb(sys.argv[1]) as kb:
        kb.stats()
    """
)


def test_processes_opening_a_new_base_at_once_all_succeed(tmp_path: Path) -> None:
    script = tmp_path / "open.py"
    script.write_text(OPENER, encoding="utf-8")
    for round_ in range(2):
        url = f"sqlite:///{tmp_path / f'new-{round_}.sqlite'}"
        start = time.time() + 3.0  # every process imported and waiting by then
        procs = [subprocess.Popen([sys.executable, str(script), url, str(start)],
                                  stderr=subprocess.PIPE, env=child_env()) for _ in range(5)]
        for proc in procs:
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr.decode()[-2000:]


RACER = textwrap.dedent(
    """
    import sys, time
    from tests.store.builders import build
    from unmask.store import open as open_kb
    kb = open_kb(sys.argv[1], analyzer="unmask race")  # one stamp, whatever the tree holds
    analysis = build("Lazarus Group reused 203.0.113.9 and 198.51.100.7.", source="race.txt",
                     observables=[("ipv4", "203.0.113.9", "203.0.113.9")])
    start = float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.0005)
    print(kb.add_analysis(analysis).status, flush=True)
    kb.close()
    """
)


def test_writers_racing_to_store_one_document_all_succeed(db_url: str, tmp_path: Path) -> None:
    open_kb(db_url).close()
    script = tmp_path / "race.py"
    script.write_text(RACER, encoding="utf-8")
    for _ in range(2):
        start = time.time() + 3.0
        procs = [subprocess.Popen([sys.executable, str(script), db_url, str(start)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=child_env(), cwd=REPO) for _ in range(4)]
        statuses = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr.decode()[-2000:]
            statuses.append(stdout.decode().strip())
        assert sorted(statuses) in (["added", "unchanged", "unchanged", "unchanged"],
                                    ["unchanged"] * 4)
    with open_kb(db_url) as kb:
        assert kb.stats()["documents"] == 1


def test_the_loser_of_a_store_race_reports_unchanged(db_url: str) -> None:
    """Another writer commits the same document between our look-up and our insert
    (PostgreSQL; on SQLite the look-up already holds the write lock, so no one can)."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite writes take the lock before the look-up: the window does not exist")
    analysis = build("Lazarus Group reused 203.0.113.9.", source="race.txt")
    with open_kb(db_url) as winner, open_kb(db_url) as loser:
        from unmask.store import write

        real = write._insert_documents
        raced = [False]

        def racing_insert(conn, items, **kwargs):  # type: ignore[no-untyped-def]
            if not raced[0]:
                raced[0] = True
                assert winner.add_analysis(analysis).status == "added"
            return real(conn, items, **kwargs)

        write._insert_documents = racing_insert  # type: ignore[assignment]
        try:
            result = loser.add_analysis(analysis)
        finally:
            write._insert_documents = real  # type: ignore[assignment]
        assert raced[0]
        assert result.status == "unchanged"
        assert loser.stats()["documents"] == 1


def _older(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    engine.dispose()


def test_a_read_only_base_can_be_read(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with open_kb(f"sqlite:///{path}") as kb:
        kb.add_analysis(build("Kimsuky wrote this.", source="a.txt"))
    before = path.read_bytes()
    with open_kb(f"sqlite:///{path}?mode=ro") as kb:
        assert kb.read_only
        assert [r.source for r in kb.find_reports()] == ["a.txt"]
        with pytest.raises(StoreError, match="read-only"):
            kb.add_analysis(build("APT28 was here.", source="b.txt"))
    assert path.read_bytes() == before


def test_a_read_only_base_that_needs_upgrading_says_so(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    open_kb(f"sqlite:///{path}").close()
    _older(path)
    with pytest.raises(StoreError, match=rf"read-only and needs upgrading.*needs {head_revision()}"):
        open_kb(f"sqlite:///{path}?mode=ro")


def test_a_read_only_url_never_creates_a_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_kb(f"sqlite:///{tmp_path / 'none.sqlite'}?mode=ro")
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_file_without_write_permission_is_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with open_kb(f"sqlite:///{path}") as kb:
        kb.add_analysis(build("Kimsuky wrote this.", source="a.txt"))
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with open_kb(f"sqlite:///{path}") as kb:
            assert kb.read_only
            assert len(kb.find_reports()) == 1
    finally:
        tmp_path.chmod(0o755)
