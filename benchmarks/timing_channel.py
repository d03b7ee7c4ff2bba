#!/usr/bin/env python3
"""Does the time of a profile tell that a hidden report names the actor?

usage: python benchmarks/timing_channel.py [--documents 150] [--actors 30] [--processes 30]
                                           [--warm-requests 30] [--no-prewarm] [--settle]
                                           [--postgres URL] [--json OUT]

Two bases from ``benchmarks/kb.py``'s generator get the same visible (GREEN) reports in
the same order; one also holds the TLP:RED ones (a tenth, plus two that name an actor no
visible report names). Each is served at TLP:GREEN by fresh server processes on a free
loopback port (nothing leaves this machine); after the server answers a health request,
each process is asked, in a shuffled order, the profile (``GET /api/v1/actors/{name}``)
of one actor of each kind, each for the first time in that process:

- ``touched``: named by visible reports and by a hidden one (rebuilt without it);
- ``visible``: named by visible reports only;
- ``hidden-only``: named by hidden reports only (a 404 like an unknown name);
- ``unknown``: a name nobody uses.

``--processes`` fresh processes per base give the first-request distributions; one more
process per base gives the warm ones (``--warm-requests`` repeats of each). The server
is started as ``unmask serve`` starts it (``create_app(..., prewarm=True)``) unless
``--no-prewarm`` (the behaviour before restricted profiles were built ahead);
``--settle`` waits for the server's "built ahead" log line before the first request
(without it the requests follow the first health answer at once). Wall-clock times
from the client, p50/p95/max in ms.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import corpus, percentiles

KINDS = ("touched", "visible", "hidden-only", "unknown")
UNKNOWN = "Nobody Bear"

_LAUNCHER = """
import logging, sys
import uvicorn
from unmask.serve import create_app
from unmask.store import open_kb
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
url, port, prewarm = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
with open_kb(url) as kb:
    app = create_app(kb, max_tlp="green", prewarm=prewarm)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def _build(red_url: str, plain_url: str, documents: int, n_actors: int, seed: int) -> dict[str, str]:
    """Fill both bases; return one actor name of each kind."""
    import dataclasses

    from unmask.store import open_kb

    rng = random.Random(seed)
    actors, analyses = corpus(seed, documents, n_actors)
    marked = [(analysis, "red" if rng.random() < 0.1 else "green") for analysis in analyses]
    named: dict[str, set[str]] = {"red": set(), "green": set()}
    for analysis, tlp in marked:
        named[tlp].update(a.actor_id for a in analysis.actors)
    # Two red reports of an actor that no visible report names (the corpus's rarest one
    # is kept out of the green reports for it): copies of the first red report, renamed.
    spare = next((a for a in reversed(actors) if a.actor_id not in named["green"]), None)
    with open_kb(red_url) as red, open_kb(plain_url) as plain:
        for analysis, tlp in marked:
            red.add_analysis(analysis, tlp=tlp)
            if tlp == "green":
                plain.add_analysis(analysis, tlp=tlp)
        if spare is not None and spare.actor_id not in named["red"]:
            template = next(a for a, tlp in marked if tlp == "red" and a.actors)
            for k in range(2):
                text = template.document.text + f"\n{spare.names[0]} note {k}.\n"
                doc = dataclasses.replace(template.document, text=text,
                                          sha256=uuid.uuid5(uuid.NAMESPACE_URL, f"{spare.actor_id}{k}").hex * 2)
                mention = dataclasses.replace(template.actors[0], actor_id=spare.actor_id,
                                              name=spare.names[0], surface=spare.names[0])
                red.add_analysis(dataclasses.replace(template, document=doc, actors=(mention,),
                                                     alias_statements=(), actor_summary=()), tlp="red")
            named["red"].add(spare.actor_id)
    by_id = {a.actor_id: a.names[0] for a in actors}
    touched = sorted(named["red"] & named["green"])
    visible = sorted(named["green"] - named["red"])
    hidden_only = sorted(named["red"] - named["green"])
    if not (touched and visible and hidden_only):
        raise SystemExit(f"the corpus lacks a kind: touched {len(touched)}, visible {len(visible)}, "
                         f"hidden-only {len(hidden_only)}; try another --seed")
    pick = random.Random(seed + 1)
    return {"touched": by_id[pick.choice(touched)], "visible": by_id[pick.choice(visible)],
            "hidden-only": by_id[hidden_only[0]], "unknown": UNKNOWN,
            "_touched_all": json.dumps([by_id[a] for a in touched]),
            "_visible_all": json.dumps([by_id[a] for a in visible])}


@contextlib.contextmanager
def _server(url: str, prewarm: bool, settle: bool, log_path: Path) -> Any:
    """A server process; ``settle``: wait for its "built ahead" line (bases with hidden
    reports only: without them nothing is built and no line comes)."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "UNMASK_SERVE_TOKEN"}
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-c", _LAUNCHER, url, str(port), "1" if prewarm else "0"],
                                  stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 120
        while _get(port, "/api/v1/stats")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start; its log:\n" + log_path.read_text())
            time.sleep(0.2)
        if settle and prewarm:
            while "built ahead" not in log_path.read_text(errors="replace"):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _path(name: str) -> str:
    return "/api/v1/actors/" + quote(name, safe="")


def run(url: str, names: dict[str, str], args: argparse.Namespace, workdir: Path,
        label: str, hidden: bool) -> dict[str, Any]:
    rng = random.Random(args.seed)
    touched_all = json.loads(names["_touched_all"])
    visible_all = json.loads(names["_visible_all"])
    first: dict[str, list[float]] = {kind: [] for kind in KINDS}
    statuses: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for i in range(args.processes):
        # A different touched/visible actor in each process (first requests of big and
        # small actors alike), the same hidden-only and unknown names.
        asked = {"touched": touched_all[i % len(touched_all)], "visible": visible_all[i % len(visible_all)],
                 "hidden-only": names["hidden-only"], "unknown": UNKNOWN}
        order = list(KINDS)
        rng.shuffle(order)
        with _server(url, not args.no_prewarm, args.settle and hidden, workdir / f"{label}-{i}.log") as port:
            for kind in order:
                status, seconds = _get(port, _path(asked[kind]))
                first[kind].append(seconds)
                statuses[kind].add(status)
        print(f"  {label} process {i + 1}/{args.processes}", file=sys.stderr)
    warm: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with _server(url, not args.no_prewarm, args.settle and hidden, workdir / f"{label}-warm.log") as port:
        for kind in KINDS:
            _get(port, _path(names[kind]))
        for _ in range(args.warm_requests):
            order = list(KINDS)
            rng.shuffle(order)
            for kind in order:
                warm[kind].append(_get(port, _path(names[kind]))[1])
    return {"first": {k: percentiles(v) for k, v in first.items()},
            "warm": {k: percentiles(v) for k, v in warm.items()},
            "status": {k: sorted(v) for k, v in statuses.items()}}


def _pg_url(base: str) -> tuple[str, str, Any]:
    from sqlalchemy import create_engine, text

    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    schemas = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.connect() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    red, plain = (f"{base}{sep}options=-csearch_path%3D{schema}" for schema in schemas)
    return red, plain, drop


def _table(label: str, result: dict[str, Any]) -> None:
    print(f"\n{label}")
    print("| actor kind | base | first p50 / p95 / max ms | warm p50 / p95 / max ms | status |")
    print("|---|---|---:|---:|---|")
    for kind in KINDS:
        for base in ("with hidden", "without"):
            f = result[base]["first"][kind]
            w = result[base]["warm"][kind]
            print(f"| {kind} | {base} | {f['p50_ms']:.0f} / {f['p95_ms']:.0f} / {f['max_ms']:.0f} "
                  f"| {w['p50_ms']:.0f} / {w['p95_ms']:.0f} / {w['max_ms']:.0f} "
                  f"| {result[base]['status'][kind]} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=150)
    parser.add_argument("--actors", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--warm-requests", type=int, default=30)
    parser.add_argument("--no-prewarm", action="store_true")
    parser.add_argument("--settle", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("UNMASK_TEST_POSTGRES"))
    parser.add_argument("--json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="unmask-timing-"))
    backends: list[tuple[str, str, str, Any]] = [
        ("sqlite", f"sqlite:///{workdir / 'with-hidden.sqlite'}", f"sqlite:///{workdir / 'without.sqlite'}", None)]
    if args.postgres:
        backends.append(("postgresql", *_pg_url(args.postgres)))
    out: dict[str, Any] = {}
    for backend, red_url, plain_url, drop in backends:
        try:
            names = _build(red_url, plain_url, args.documents, args.actors, args.seed)
            print(f"{backend}: names {({k: v for k, v in names.items() if not k.startswith('_')})}",
                  file=sys.stderr)
            result = {"with hidden": run(red_url, names, args, workdir, f"{backend}-hidden", True),
                      "without": run(plain_url, names, args, workdir, f"{backend}-plain", False)}
        finally:
            if drop is not None:
                drop()
        out[backend] = result
        mode = "no prewarm" if args.no_prewarm else ("prewarm, settled" if args.settle else "prewarm")
        _table(f"{backend} ({args.documents} reports, {mode}, {args.processes} fresh processes per base)", result)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
