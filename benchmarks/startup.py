"""Start-up cost: `unmask analyze` on a one-page text with the reference cache warm.

usage: python benchmarks/startup.py [--runs 7] [-- COMMAND ARGS...]

Runs the installed `unmask` command in a subprocess (so interpreter start, imports
and cache loading all count), once to warm the reference cache and the bytecode,
then --runs times. Prints the median and minimum of the wall time and of the child's
CPU time (user + system, from ``resource.getrusage(RUSAGE_CHILDREN)``): on a shared
machine the CPU figure is the steadier one. Issue 2's target: under 1 s; the
budget kept here is 0.7 s so that it holds on a loaded machine.

Bytecode is written (PYTHONDONTWRITEBYTECODE is dropped from the child's
environment), as it is for an installed package.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "paper-lantern.txt"
TARGET = 1.0
BUDGET = 0.7


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``runs`` runs of ``command`` (after one warm-up run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, check=True, capture_output=True, env=env)  # cache and bytecode
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        cpu = _cpu()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("command", nargs="*", help="another command to time (default: unmask analyze the example)")
    args = parser.parse_args()
    command = args.command or [sys.executable, "-m", "unmask", "analyze", str(EXAMPLE), "--format", "json"]
    walls, cpus = measure(command, args.runs)
    print(f"{' '.join(Path(c).name if os.sep in c else c for c in command)}  ({args.runs} runs, warm cache)")
    for label, values in (("wall", walls), ("cpu ", cpus)):
        print(f"  {label}: median {statistics.median(values):.3f} s, min {min(values):.3f} s, max {max(values):.3f} s")
    median = statistics.median(walls)
    verdict = "met" if median < TARGET else "NOT met"
    print(f"target < {TARGET:.1f} s wall: {verdict}; budget {BUDGET:.1f} s: "
          + ("within" if median <= BUDGET else "over") + f" (load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
