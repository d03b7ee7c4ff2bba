"""Actor extraction speed and reference load time.

usage: python benchmarks/actors.py [--corpus ../shared/eval/ioc/corpus/reports.txt] [--repeat 5] [--json OUT]

Measures, on the corpus (4.75 MB of real report text by default):

1. loading the cached actor graph and gazetteer from the disk cache (a fresh process
   each time, so nothing is in memory; the cache is built first if needed);
2. the gazetteer pass alone (``ActorGazetteer.scan``: normalisation + Aho-Corasick),
   and ``find_actors`` (scan + case/context rules + alias statements + resolution),
   each as the best of ``--repeat`` runs, in MB/s of UTF-8 input, wall clock and CPU.

The machine this runs on is shared: the best of several runs is reported, and CPU
time is given beside wall time so a loaded machine can be told from a slow program.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "eval" / "ioc" / "corpus" / "reports.txt"

_LOAD_PROBE = """
import time
t0 = time.perf_counter()
from unmask.reference.actors import load_actor_graph
from unmask.reference.actor_names import load_actor_gazetteer
t1 = time.perf_counter()
load_actor_graph()
t2 = time.perf_counter()
load_actor_gazetteer()
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def _best(fn: Any, repeat: int) -> tuple[float, float]:
    wall = cpu = float("inf")
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"corpus {str(args.corpus)!r} not found; pass --corpus", file=sys.stderr)
        return 2
    text = args.corpus.read_text(encoding="utf-8")
    megabytes = len(text.encode("utf-8")) / 1e6

    subprocess.run([sys.executable, "-c", _LOAD_PROBE], check=True, capture_output=True)  # build cache
    loads = []
    for _ in range(args.repeat):
        done = subprocess.run([sys.executable, "-c", _LOAD_PROBE], check=True, capture_output=True, text=True)
        loads.append([float(x) for x in done.stdout.split()])
    import_s = min(x[0] for x in loads)
    graph_s = min(x[1] for x in loads)
    gazetteer_s = min(x[2] for x in loads)

    from unmask.extract.actors import find_actors
    from unmask.reference.actor_names import load_actor_gazetteer

    gazetteer = load_actor_gazetteer()
    find_actors("warm-up: APT43")
    scan_wall, scan_cpu = _best(lambda: gazetteer.scan(text), args.repeat)
    find_wall, find_cpu = _best(lambda: find_actors(text), args.repeat)
    mentions = find_actors(text)
    result = {
        "corpus_mb": round(megabytes, 3),
        "load_graph_ms": round(graph_s * 1000, 1),
        "load_gazetteer_ms": round(gazetteer_s * 1000, 1),
        "load_graph_and_gazetteer_ms": round((graph_s + gazetteer_s) * 1000, 1),
        "import_ms": round(import_s * 1000, 1),
        "scan_mb_per_s": round(megabytes / scan_wall, 1),
        "scan_mb_per_s_cpu": round(megabytes / scan_cpu, 1),
        "find_actors_mb_per_s": round(megabytes / find_wall, 1),
        "find_actors_mb_per_s_cpu": round(megabytes / find_cpu, 1),
        "mentions": len(mentions),
        "actors": len({m.actor_id for m in mentions}),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
