"""What authentication costs per request: no token, the server's --token, a stored token.

usage: python benchmarks/serve_auth.py [--documents 30] [--rounds 20] [--per-round 25] [--db URL]

Three applications over one generated knowledge base (``benchmarks/kb.py``'s corpus,
all TLP:GREEN) answer the same requests through Starlette's TestClient (in process):
``GET /api/v1/stats`` (the cheapest route, where the check weighs most) and ``GET
/api/v1/reports?limit=5``. The modes take turns in rounds so that the load of a shared
machine falls on all of them alike. Printed: p50/p95 wall-clock ms per request and the
mean CPU ms per request (process time) of each mode, the cost of one
``TokenChecker.check`` alone (warm, and the first one, which computes the scrypt hash),
and the difference stored-token minus no-token.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import corpus, percentiles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--actors", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=25)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from unmask.serve import create_app
    from unmask.store import open_kb
    from unmask.store.accounts import TokenChecker, add_token

    with tempfile.TemporaryDirectory() as tmp:
        kb = open_kb(args.db or f"sqlite:///{Path(tmp) / 'kb.sqlite'}")
        _, analyses = corpus(7, args.documents, args.actors)
        for analysis in analyses:
            kb.add_analysis(analysis, tlp="green")
        secret, _ = add_token(kb, "bench", role="reader", max_tlp="green")
        checker = TokenChecker(kb)
        start = time.perf_counter()
        assert checker.check(secret) is not None
        first_ms = (time.perf_counter() - start) * 1000
        warm = []
        for _ in range(200):
            start = time.perf_counter()
            checker.check(secret)
            warm.append(time.perf_counter() - start)
        modes: dict[str, tuple[Any, dict[str, str]]] = {
            "no token": (create_app(kb, max_tlp="green", accounts=False), {}),
            "server --token": (create_app(kb, max_tlp="green", token="bench-server-token"),
                               {"Authorization": "Bearer bench-server-token"}),
            "stored token": (create_app(kb, max_tlp="green", accounts=True),
                             {"Authorization": f"Bearer {secret}"}),
        }
        clients = {name: TestClient(app, base_url="http://localhost", headers=headers)
                   for name, (app, headers) in modes.items()}
        out: dict[str, Any] = {"documents": args.documents, "backend": kb.dialect,
                               "check_first_ms": round(first_ms, 2),
                               "check_warm": percentiles(warm)}
        for path in ("/api/v1/stats", "/api/v1/reports?limit=5"):
            wall: dict[str, list[float]] = {name: [] for name in clients}
            cpu: dict[str, float] = dict.fromkeys(clients, 0.0)
            for client in clients.values():  # warm every cache first
                assert client.get(path).status_code == 200
            for _ in range(args.rounds):
                for name, client in clients.items():
                    cpu_start = time.process_time()
                    for _ in range(args.per_round):
                        start = time.perf_counter()
                        response = client.get(path)
                        wall[name].append(time.perf_counter() - start)
                        assert response.status_code == 200, response.text[:200]
                    cpu[name] += time.process_time() - cpu_start
            n = args.rounds * args.per_round
            out[path] = {name: {**percentiles(wall[name]), "cpu_ms_mean": round(cpu[name] / n * 1000, 3),
                                "wall_ms_median": round(statistics.median(wall[name]) * 1000, 3)}
                         for name in clients}
            extra = out[path]["stored token"]["cpu_ms_mean"] - out[path]["no token"]["cpu_ms_mean"]
            out[path]["stored_minus_none_cpu_ms"] = round(extra, 3)
        for client in clients.values():
            client.close()
        kb.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
