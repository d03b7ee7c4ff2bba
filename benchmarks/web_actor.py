"""Server time of the web actor page (matrix, timeline, names graph, charts) and report page.

usage: python benchmarks/web_actor.py --corpus DIR [--db URL] [--actor Kimsuky] [--requests 20] [--json OUT]

Ingests ``--corpus`` (every report under it, as ``unmask ingest`` does) into a
temporary SQLite base unless ``--db`` names one already filled, then times
``GET /actors/ACTOR`` and ``GET /reports/SHA`` (the actor's largest report) through
Starlette's TestClient (in-process, the whole FastAPI stack, no network) at TLP:RED.
``app_start`` is the first server's start, modules already imported (it reads the ATT&CK table and the actor graph
from the reference cache), ``first`` the first request of the process, ``cold`` the first request of a second server over the
same base (its view's caches empty, reference data loaded), ``warm`` the p50/p95/max of
``--requests`` more. Milliseconds, wall clock; ``cpu`` the process's CPU time (all
threads) for the same requests, which a machine shared with other work changes less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: CPU time of the process (every thread: the handler runs in the server's pool) per request.
_CPU: list[float] = []


def _timed(client: Any, path: str) -> tuple[float, int]:
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    _CPU.append((time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        sys.exit(f"{path}: {response.status_code} {response.text[:200]}")
    return elapsed, len(response.content)


def _series(client: Any, path: str, n: int) -> dict[str, float]:
    del _CPU[:]
    times = sorted(_timed(client, path)[0] for _ in range(n))
    return {"p50": round(statistics.median(times), 1),
            "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "max": round(times[-1], 1), "cpu_p50": round(statistics.median(_CPU), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--actor", default="Kimsuky")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()
    if not args.db and not args.corpus:
        parser.error("give --corpus (to ingest) or --db (a filled base)")

    from fastapi.testclient import TestClient

    import unmask.serve.app
    import unmask.serve.web  # noqa: F401 - imported before the start is timed
    from unmask.ingest import ingest
    from unmask.serve import create_app
    from unmask.store import open_kb

    def client_of(kb: Any) -> Any:
        return TestClient(create_app(kb, max_tlp="red"), base_url="http://localhost")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'kb.sqlite'}"
        with open_kb(url) as kb:
            if not args.db:
                started = time.perf_counter()
                ingest(kb, [str(args.corpus)])
                print(f"ingested {args.corpus} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            actor = f"/actors/{args.actor}"
            started, cpu = time.perf_counter(), time.process_time()
            with client_of(kb) as client:
                start_ms = (time.perf_counter() - started) * 1000
                start_cpu = (time.process_time() - cpu) * 1000
                first, size = _timed(client, actor)
                first_cpu = _CPU[-1]
                listed = client.get("/api/v1/reports", params={"actor": args.actor, "limit": 200}).json()
                lengths = {r["sha256"]: len(a.document.text) for r in listed["reports"]
                           if (a := kb.get_analysis(r["sha256"])) is not None}
                largest = max(lengths, key=lambda sha: lengths[sha])
                report = f"/reports/{largest}"
                report_first, report_size = _timed(client, report)
                report_first_cpu = _CPU[-1]
                warm = _series(client, actor, args.requests)
                report_warm = _series(client, report, args.requests)
            with client_of(kb) as fresh:  # a new server: its view's caches are empty
                cold, _ = _timed(fresh, actor)
                cold_cpu = _CPU[-1]
            found = {"actor": args.actor, "reports": len(lengths), "actor_page_bytes": size,
                     "app_start_ms": round(start_ms, 1), "app_start_cpu_ms": round(start_cpu, 1),
                     "actor_first_ms": round(first, 1), "actor_first_cpu_ms": round(first_cpu, 1),
                     "actor_cold_ms": round(cold, 1), "actor_cold_cpu_ms": round(cold_cpu, 1),
                     "actor_warm_ms": warm, "report_chars": lengths[largest],
                     "report_page_bytes": report_size, "report_first_ms": round(report_first, 1),
                     "report_first_cpu_ms": round(report_first_cpu, 1),
                     "report_warm_ms": report_warm}
    print(json.dumps(found, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
