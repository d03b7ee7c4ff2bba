#!/usr/bin/env python3
"""Kill, interrupt or fill the disk at a random moment of creating a base and ingesting.

usage: python benchmarks/store_hostile.py [--tries 100] [--postgres URL] [--docs 6]
                                          [--modes kill int full] [--seed 16] [--json OUT]

Each try starts ``unmask ingest FOLDER --db URL`` on a *new* base (a new SQLite file;
with ``--postgres`` also a new PostgreSQL schema) in a subprocess and disrupts it at a
moment drawn uniformly over one undisturbed run's duration after its imports (so
creation, migrations, analyses and writes are all hit):

``kill``  SIGKILL, as ``kill -9`` or the OOM killer;
``int``   SIGINT, as Ctrl-C;
``full``  a full disk (SQLite only): the child's file-size limit (``RLIMIT_FSIZE``,
          drawn below the size of an empty base for half the tries, between it and
          the size of the finished base for the other half) makes a write fail
          part-way, as ENOSPC would.

After each try the base must open, every document in it must be whole (as many
observables, techniques and actors as the undisturbed run stored for that file), and a
further write must succeed; any failure counts the base as broken. The table gives, per
back-end and mode, the tries, how many the disruption hit (the run did not end with
status 0 on its own), broken bases, how far the disrupted run had come (no schema /
empty base / some documents / all) and tracebacks the disrupted run printed.
Target (issue 16): 0 broken bases in 100 tries per back-end. Exit status 1 if any is
broken. ``tests/store/test_interrupt_matrix.py`` runs a few tries of each mode.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT = (
    "Report {k}. The group tracked as Kimsuky, also known as APT43, sent spear-phishing mail "
    "from notice-{k}.example-post.com and 198.51.100.{last} to research institutes in South "
    "Korea in March 2024. The dropper used PowerShell (T1059.001) and a scheduled task "
    "(T1053.005) to keep running, and sent files to 203.0.113.{last} over HTTPS.\n\n"
)


def write_corpus(folder: Path, docs: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(docs):
        (folder / f"report-{k:03d}.txt").write_text(REPORT.format(k=k, last=k % 250 + 1) * 6,
                                                     encoding="utf-8")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("UNMASK_DB", None)
    return env


def ingest_command(folder: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "unmask", "ingest", str(folder), "--db", url]


@dataclass
class Outcome:
    broken: bool
    stage: str
    traceback: bool
    detail: str = ""
    #: whether the disruption hit the run (it did not end with status 0 on its own)
    hit: bool = True


@dataclass
class Tally:
    tries: int = 0
    broken: int = 0
    tracebacks: int = 0
    hit: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.tries += 1
        self.broken += outcome.broken
        self.tracebacks += outcome.traceback
        self.hit += outcome.hit
        self.stages[outcome.stage] = self.stages.get(outcome.stage, 0) + 1
        if outcome.detail:
            self.details.append(outcome.detail)


def _fingerprint(url: str) -> dict[str, tuple[int, int, int]]:
    """(observables, techniques, actors) of every stored document, by source name."""
    from unmask.store import open as open_kb

    out: dict[str, tuple[int, int, int]] = {}
    with open_kb(url) as kb:
        for report in kb.find_reports(limit=100_000):
            analysis = kb.get_analysis(report.sha256)
            if analysis is None:
                raise AssertionError(f"{report.sha256[:12]} is listed but has no analysis")
            name = Path(analysis.document.source).name
            out[name] = (len(analysis.observables), len(analysis.techniques), len(analysis.actors))
    return out


def startup(folder: Path, url: str) -> float:
    """How long the command takes to get as far as parsing its options (imports)."""
    started = time.monotonic()
    subprocess.run([*ingest_command(folder, url), "--help"], env=_env(), capture_output=True, timeout=600)
    return time.monotonic() - started


def reference(folder: Path, url: str) -> tuple[float, dict[str, tuple[int, int, int]]]:
    """One undisturbed run: how long it took and what it stored."""
    started = time.monotonic()
    done = subprocess.run(ingest_command(folder, url), env=_env(), capture_output=True, timeout=600)
    took = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the undisturbed ingest failed:\n{done.stderr.decode(errors='replace')}")
    return took, _fingerprint(url)


def _base_exists(url: str, path: Path | None) -> bool:
    if path is not None:
        return path.exists() and path.stat().st_size > 0
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def check(url: str, path: Path | None, expected: dict[str, tuple[int, int, int]]) -> tuple[str, str]:
    """('' or what is broken, how far the run had come)."""
    from unmask import analyze
    from unmask.store import open as open_kb

    existed = _base_exists(url, path)
    try:
        stored = _fingerprint(url)
    except Exception as exc:  # the base does not open or a document is not whole
        return f"does not open: {type(exc).__name__}: {str(exc)[:200]}", "?"
    stage = ("no schema" if not existed else "empty" if not stored
             else "all" if len(stored) == len(expected) else "some documents")
    for name, counts in stored.items():
        if expected.get(name) != counts:
            return f"{name} half stored: {counts} of {expected.get(name)}", stage
    try:
        with open_kb(url) as kb:
            kb.add_analysis(analyze(REPORT.format(k="after", last=9)))
            if kb.stats()["documents"] != len(stored) + 1:
                return "a write after the disruption was not counted", stage
    except Exception as exc:
        return f"a later write fails: {type(exc).__name__}: {str(exc)[:200]}", stage
    return "", stage


def disrupt(folder: Path, url: str, mode: str, delay: float, fsize: int | None) -> tuple[bool, bool]:
    """Run the ingest and disrupt it: (its output held a traceback, the disruption hit it)."""

    def preexec() -> None:
        # A shell's background job ignores SIGINT, and Python installs no Ctrl-C handler
        # where SIGINT is ignored: give the child the default, as a terminal would.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(ingest_command(folder, url), env=_env(), stdout=subprocess.DEVNULL,
                                stderr=err, preexec_fn=preexec)
        if mode in ("kill", "int"):
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL if mode == "kill" else signal.SIGINT)
        try:
            proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err.seek(0)
        return b"Traceback" in err.read(), proc.returncode != 0


class Backend:
    def __init__(self, name: str, admin_url: str | None, workdir: Path) -> None:
        self.name, self.admin_url, self.workdir = name, admin_url, workdir

    @contextmanager
    def fresh(self) -> Iterator[tuple[str, Path | None]]:
        if self.admin_url is None:
            path = self.workdir / f"kb-{uuid.uuid4().hex[:10]}.sqlite"
            try:
                yield f"sqlite:///{path}", path
            finally:
                for extra in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{extra}").unlink(missing_ok=True)
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        schema = f"h_{uuid.uuid4().hex[:12]}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in self.admin_url else "?"
        try:
            yield f"{self.admin_url}{sep}options=-csearch_path%3D{schema}", None
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def run(backend: Backend, modes: list[str], tries: int, docs: int, seed: int,
        log: Callable[[str], None] = print) -> dict[str, Tally]:
    """``tries`` disruptions on ``backend``, spread over ``modes``."""
    rng = random.Random(seed)
    folder = backend.workdir / "corpus"
    write_corpus(folder, docs)
    with backend.fresh() as (url, path):
        span, expected = reference(folder, url)
        size = path.stat().st_size if path is not None else 0
        early = min(startup(folder, url), span / 2)
    empty = 0
    if backend.admin_url is None:
        from unmask.store import open as open_kb

        with backend.fresh() as (url, path):
            open_kb(url).close()
            assert path is not None
            empty = path.stat().st_size  # the schema alone
    modes = [m for m in modes if m != "full" or backend.admin_url is None]
    tallies = {mode: Tally() for mode in modes}
    for k in range(tries):
        mode = modes[k % len(modes)]
        delay = rng.uniform(early, span)
        # Half the full disks strike while the schema is written, half after it.
        fsize = (None if mode != "full" else rng.randrange(0, max(1, empty)) if k % 2
                 else rng.randrange(empty, max(empty + 1, size)))
        with backend.fresh() as (url, path):
            traced, hit = disrupt(folder, url, mode, delay, fsize)
            broken, stage = check(url, path, expected)
        tallies[mode].add(Outcome(bool(broken), stage, traced, broken, hit))
        if broken:
            log(f"  BROKEN {backend.name} {mode} at {delay:.2f} s / {fsize}: {broken}")
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=100, help="per back-end")
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may hold throwaway schemas")
    parser.add_argument("--docs", type=int, default=6)
    parser.add_argument("--modes", nargs="*", default=["kill", "int", "full"], choices=["kill", "int", "full"])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--backends", nargs="*", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    ok = True
    with tempfile.TemporaryDirectory(prefix="unmask-store-hostile-") as tmp:
        backends = [Backend("sqlite", None, Path(tmp) / "sqlite")] if "sqlite" in args.backends else []
        if args.postgres and "postgresql" in args.backends:
            backends.append(Backend("postgresql", args.postgres, Path(tmp) / "pg"))
        print("| back-end | mode | tries | hit | broken | no schema | empty | some documents | all | tracebacks |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for backend in backends:
            backend.workdir.mkdir(parents=True)
            started = time.monotonic()
            tallies = run(backend, args.modes, args.tries, args.docs, args.seed,
                          log=lambda line: print(line, file=sys.stderr))
            for mode, t in tallies.items():
                ok &= t.broken == 0
                s = t.stages
                print(f"| {backend.name} | {mode} | {t.tries} | {t.hit} | {t.broken} | {s.get('no schema', 0)} "
                      f"| {s.get('empty', 0)} | {s.get('some documents', 0)} | {s.get('all', 0)} "
                      f"| {t.tracebacks} |", flush=True)
                results.setdefault(backend.name, {})[mode] = vars(t)
            print(f"({backend.name}: {time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nbroken bases: {'none' if ok else 'SOME (see above)'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
