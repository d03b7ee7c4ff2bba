"""Start-up cost: wall time of `unmask analyze` on a one-page text, cache warm.

usage: python benchmarks/startup.py [--runs 5]

Runs the installed `unmask` command in a subprocess (so imports and cache loading
count), once to warm the reference cache, then --runs times, and prints the median.
Issue 2's target: under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "paper-lantern.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = [sys.executable, "-m", "unmask", "analyze", str(EXAMPLE), "--format", "json"]
    subprocess.run(command, check=True, capture_output=True)  # warm the cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    print(f"unmask analyze (one page, warm cache): median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s over {args.runs} runs")
    print("target: < 1.000 s -> " + ("met" if statistics.median(times) < 1.0 else "NOT met"))


if __name__ == "__main__":
    main()
