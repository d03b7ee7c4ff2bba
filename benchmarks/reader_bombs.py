#!/usr/bin/env python3
"""Hostile files through read + analyse: time and peak memory of each, against the budget.

usage: python benchmarks/reader_bombs.py [--only NAME ...] [--keep DIR]

Each hostile file is built on the fly (``tests/documents/bombs.py``; nothing big is
committed) and then read and analysed in a fresh process, as ``unmask ingest`` does for
one source. The table gives the outcome (the error, or the characters analysed), the
wall time and the CPU time (the process and its children) of the read and analysis,
and the peak resident memory of that process and of the largest process it started (the
PDF reader's children). Target (issue 16): each <= 10 s and <= 1 GB, and no crash;
the time judged is CPU time, since wall time on a shared machine mostly measures the
other load. Exit status 1 if a file misses it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.documents import bombs  # noqa: E402

TIME_BUDGET = 10.0
MEMORY_BUDGET_MB = 1024

CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "pdf-42.8M-chars": ("bomb.pdf", lambda: bombs.text_bomb_pdf(42_800_000)),
    "pdf-inflates-3GB": ("inflate.pdf", lambda: bombs.inflating_pdf(3 << 30)),
    "pdf-20000-pages": ("pages.pdf", lambda: bombs.many_pages_pdf(20_000)),
    "text-50MB-one-line": ("line.txt", lambda: bombs.long_line(50_000_000)),
    "text-0.95M-chars-one-line": ("limit.txt", lambda: bombs.long_line(950_000)),
    "html-19MB-one-line": ("under.html", lambda: b"<html><body><p>" + bombs.long_line(19_000_000)
                           + b"</p></body></html>"),
    "html-50MB-one-line": ("line.html", lambda: b"<html><body><p>" + bombs.long_line(50_000_000)
                           + b"</p></body></html>"),
}

CHILD = """
import json, resource, sys, time
from unmask.documents import read
from unmask.errors import UnmaskError
from unmask.pipeline import analyze
started = time.monotonic()
try:
    document = read(sys.argv[1])
    outcome = f"analysed {len(analyze(document).document.text):,} chars"
except UnmaskError as exc:
    outcome = f"{type(exc).__name__}: {exc.reason}"
took = time.monotonic() - started
from unmask.documents import pdf_child
pdf_child._stop_helper()
me = resource.getrusage(resource.RUSAGE_SELF)
them = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + them.ru_utime + them.ru_stime
print(json.dumps({"outcome": outcome, "seconds": took, "cpu": cpu, "own_mb": me.ru_maxrss / 1024,
                  "child_mb": them.ru_maxrss / 1024}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run only these")
    parser.add_argument("--keep", type=Path, help="build the files here (and keep them)")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="unmask-bombs-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]))
    missed = []
    print(f"{'file':26s} {'size':>10s} {'wall s':>7s} {'CPU s':>6s} {'peak MB':>8s} "
          f"{'child MB':>8s}  outcome")
    for name in args.only or CASES:
        file_name, build = CASES[name]
        path = folder / file_name
        if not path.exists():
            path.write_bytes(build())
        run = subprocess.run([sys.executable, "-c", CHILD, str(path)], env=env,
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            print(f"{name:26s} crashed with {run.returncode}: {run.stderr[-300:]}")
            missed.append(name)
            continue
        result = json.loads(run.stdout.strip().splitlines()[-1])
        peak = max(result["own_mb"], result["child_mb"])
        ok = result["cpu"] <= TIME_BUDGET and peak <= MEMORY_BUDGET_MB
        if not ok:
            missed.append(name)
        print(f"{name:26s} {path.stat().st_size:>10,} {result['seconds']:7.2f} {result['cpu']:6.2f} "
              f"{result['own_mb']:8.0f} {result['child_mb']:8.0f}  {result['outcome'][:90]}"
              f"{'' if ok else '  OVER BUDGET'}", flush=True)
    if missed:
        print("over budget:", ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
