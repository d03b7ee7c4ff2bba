"""Server latency: REST actor profile and TAXII object pages on a generated knowledge base.

usage: python benchmarks/serve.py [--documents 2000] [--actors 200] [--amber 0.1] [--seed 7]
                                  [--requests 200] [--auth none|server|account] [--json OUT]

Builds a synthetic base with ``benchmarks/kb.py``'s generator (a share ``--amber`` of the
reports marked TLP:AMBER, the rest GREEN), then times requests through Starlette's
TestClient (in-process: no network, the whole FastAPI stack) at the default ceiling
(green). Reports p50/p95/max in ms, wall clock (the CPU time of the whole run is printed
too). Cold = first request for an actor (snapshot built); warm = cached. ``--auth``: no
token (default), the server's ``--token``, or a reader token stored in the base (``unmask
token add``; checked against the base on every request); ``rest_stats_ms`` is the
cheapest route, where that check weighs most.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import corpus, percentiles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--amber", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--auth", choices=("none", "server", "account"), default="none")
    parser.add_argument("--json")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from unmask.serve import create_app
    from unmask.serve.view import collection_id
    from unmask.store import open_kb

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'kb.sqlite'}"
        kb = open_kb(url)
        _, analyses = corpus(args.seed, args.documents, args.actors)
        batch: list[Any] = []
        for analysis in analyses:
            batch.append(analysis)
            if len(batch) == 200:
                for item in batch:
                    kb.add_analysis(item, tlp="amber" if rng.random() < args.amber else "green")
                batch = []
        for item in batch:
            kb.add_analysis(item, tlp="amber" if rng.random() < args.amber else "green")
        auth: dict[str, str] = {}
        options: dict[str, Any] = {}
        if args.auth == "server":
            options["token"] = "bench-server-token"
            auth = {"Authorization": "Bearer bench-server-token"}
        elif args.auth == "account":
            from unmask.store.accounts import add_token

            secret, _ = add_token(kb, "bench", role="reader", max_tlp="green")
            options["accounts"] = True
            auth = {"Authorization": f"Bearer {secret}"}
        client = TestClient(create_app(kb, max_tlp="green", **options), base_url="http://localhost",
                            headers=auth)
        listed = client.get("/api/v1/actors", params={"limit": 500}).json()["actors"]
        ids = [a["actor_id"] for a in listed]
        out: dict[str, Any] = {"documents": args.documents, "actors_visible": len(ids),
                               "amber_share": args.amber, "auth": args.auth}

        def run(name: str, paths: list[str], headers: dict[str, str] | None = None) -> None:
            if not paths:
                return
            samples = []
            for path in paths:
                start = time.perf_counter()
                response = client.get(path, headers=headers or {})
                samples.append(time.perf_counter() - start)  # seconds: percentiles() gives ms
                assert response.status_code == 200, (path, response.text[:200])
            out[name] = percentiles(samples)
            print(name, json.dumps(out[name]), flush=True)

        run("rest_stats_ms", ["/api/v1/stats"] * args.requests)
        picks = [rng.choice(ids) for _ in range(args.requests)]
        top = ids[:10]
        run("rest_actor_profile_ms", [f"/api/v1/actors/{a}" for a in picks])
        run("rest_actor_profile_top10_ms", [f"/api/v1/actors/{a}" for a in top * 3])
        accept = {"Accept": "application/taxii+json;version=2.1"}
        out["top10_visible_reports"] = [a["reports"] for a in listed[:10]]

        def page(actor: str) -> str:
            return f"/taxii2/api/collections/{collection_id(actor)}/objects/?limit=100"

        run("taxii_objects_page_cold_top10_ms", [page(a) for a in top], accept)
        cold = [a for a in dict.fromkeys(picks) if a not in top][:40]
        run("taxii_objects_page_cold_others_ms", [page(a) for a in cold], accept)
        run("taxii_objects_page_warm_ms", [page(a) for a in picks], accept)
        run("rest_search_ms", [f"/api/v1/search?q={w}" for w in ("phishing", "powershell", "credential")
                                * (args.requests // 30 + 1)])
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out["cpu_seconds_total"] = round(usage.ru_utime + usage.ru_stime, 1)
        print("cpu seconds (whole run, incl. building the base):", out["cpu_seconds_total"])
        kb.close()
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
