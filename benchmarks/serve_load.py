"""A bounded load on loopback: the actor profile and TAXII objects routes with auth on.

usage: python benchmarks/serve_load.py [--seconds 15] [--clients 8] [--documents 200] [--db URL]

Builds a knowledge base from ``benchmarks/kb.py``'s synthetic corpus (TLP:GREEN), adds a
stored reader token, starts ``unmask serve`` in a process of its own on a free loopback
port, warms each route once, then runs ``--clients`` httpx asyncio clients for
``--seconds`` seconds, each asking in turn for the most reported actor's profile
(``GET /api/v1/actors/{name}``) and its TAXII collection's objects (``GET
/taxii2/api/collections/{id}/objects/``), with ``Authorization: Bearer``. Printed as one
JSON object: requests, errors (any status but 200, and transport errors), requests per
second and p50/p99/max wall ms per route.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import corpus

TAXII = "application/taxii+json;version=2.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _at(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _load(origin: str, token: str, routes: dict[str, tuple[str, dict[str, str]]],
                seconds: float, clients: int) -> dict[str, Any]:
    import httpx

    times: dict[str, list[float]] = {name: [] for name in routes}
    errors: dict[str, int] = {name: 0 for name in routes}
    deadline = time.monotonic() + seconds
    auth = {"Authorization": f"Bearer {token}"}

    async def client(number: int) -> None:
        names = list(routes)
        turn = number
        async with httpx.AsyncClient(base_url=origin, headers=auth, timeout=30) as http:
            while time.monotonic() < deadline:
                name = names[turn % len(names)]
                turn += 1
                path, headers = routes[name]
                start = time.perf_counter()
                try:
                    answer = await http.get(path, headers=headers)
                    ok = answer.status_code == 200
                except httpx.HTTPError:
                    ok = False
                times[name].append(time.perf_counter() - start)
                if not ok:
                    errors[name] += 1

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    took = time.monotonic() - started
    out: dict[str, Any] = {"seconds": round(took, 1), "clients": clients,
                           "requests": sum(len(t) for t in times.values()),
                           "errors": sum(errors.values())}
    out["rps"] = round(out["requests"] / took, 1)
    for name, samples in times.items():
        ordered = sorted(samples)
        out[name] = {"n": len(ordered), "errors": errors[name],
                     "p50_ms": round(_at(ordered, .5) * 1000, 1),
                     "p99_ms": round(_at(ordered, .99) * 1000, 1),
                     "max_ms": round(ordered[-1] * 1000, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--actors", type=int, default=20)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    import httpx

    from unmask.serve.view import collection_id
    from unmask.store import open_kb
    from unmask.store.accounts import add_token

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'kb.sqlite'}"
        with open_kb(url) as kb:
            _, analyses = corpus(11, args.documents, args.actors)
            kb.add_analyses(list(analyses), tlp="green")
            token, _ = add_token(kb, "load", role="reader", max_tlp="green")
            top = kb.find_actors(limit=1)[0]
        port = _free_port()
        env = {**os.environ, "UNMASK_DB": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "unmask", "serve", "--db", url, "--port", str(port),
             "--max-tlp", "green"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        origin = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(origin + "/static/style.css", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            collection = collection_id(top.actor_id)
            routes = {
                "actor_profile": (f"/api/v1/actors/{top.actor_id}", {}),
                "taxii_objects": (f"/taxii2/api/collections/{collection}/objects/", {"Accept": TAXII}),
            }
            for path, headers in routes.values():  # warm: snapshots and profiles built
                answer = httpx.get(origin + path, headers={**headers, "Authorization": f"Bearer {token}"},
                                   timeout=120)
                answer.raise_for_status()
            result = asyncio.run(_load(origin, token, routes, args.seconds, args.clients))
        finally:
            server.terminate()
            server.wait(20)
    print(json.dumps({"documents": args.documents, "actor": top.actor_id, **result}, indent=1))


if __name__ == "__main__":
    main()
