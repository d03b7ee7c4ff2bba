#!/usr/bin/env python3
"""Throughput benchmark: unmask's observable extraction against iocextract and ioc-finder.

usage: python benchmarks/observables.py [--corpus PATH] [--peer-bytes N] [--timeout S] [--json]
       python benchmarks/observables.py --breakdown [--runs N]

Every extractor runs in its own fresh process (spawned, so memory is not shared),
single-threaded, on the same text; the process reports wall time and its peak
resident memory. unmask reads the whole corpus (after one warm-up call that loads
the cached reference data, reported separately); the peers are ~100x slower and
stall on some real reports, so by default they get the first ``--peer-bytes`` of
the corpus and a timeout (one that does not finish is reported as slower than
size/timeout). Throughput is MB/s of UTF-8 input, by wall time and by the process's
CPU time (the fairer figure on a shared machine). A linearity check times unmask on
1/4, 1/2 and all of the corpus.

``--breakdown`` times the stages of one call in this process (best of ``--runs``, CPU
time): the prefilter (compiled core: windows and compact map), refang, the pattern pass
alone, the pattern pass with the least per-match work any extractor must do (take the
match, build an ``Observable``), and the whole call. The first two plus the fourth are
the floor of this design while the pattern pass and per-match work stay in Python: the
throughput it could not exceed even with free validation, judgement and de-duplication.
The roles stage times ``assign_roles`` alone on what the call hands it (fresh copies each
run, their cost taken off) and prints it as a share of the rest of the call.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "eval" / "ioc" / "corpus" / "reports.txt"


def _unmask(text: str) -> int:
    from unmask.extract.observables import extract_observables

    return len(extract_observables(text))


def _iocextract(text: str) -> int:
    import iocextract

    return sum(1 for _ in iocextract.extract_iocs(text, refang=True))


def _iocfinder(text: str) -> int:
    from ioc_finder import find_iocs

    result = find_iocs(text)
    return sum(len(v) for v in result.values() if isinstance(v, list))


TOOLS = {"unmask": _unmask, "iocextract": _iocextract, "ioc-finder": _iocfinder}


def _child(tool: str, text: str, queue: Any) -> None:
    try:
        func = TOOLS[tool]
        t0 = time.perf_counter()
        # Warm-up loads the cached reference data and the lazily imported keccak.
        func("warm up: evil.example[.]com 1.2.3.4 0x52908400098527886E0F7030069857D2E4169EE7")
        warm = time.perf_counter() - t0
        t0 = time.perf_counter()
        c0 = time.process_time()
        count = func(text)
        cpu = time.process_time() - c0
        elapsed = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queue.put({"ok": True, "seconds": elapsed, "cpu_seconds": cpu, "warmup_seconds": warm, "found": count,
                   "peak_mb": peak_kb / 1024})
    except BaseException as exc:
        queue.put({"ok": False, "error": repr(exc)[:200]})


def measure(tool: str, text: str, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(tool, text, queue))
    proc.start()
    proc.join(timeout)
    size = len(text.encode("utf-8"))
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"tool": tool, "bytes": size, "ok": False, "error": f"timeout after {timeout}s"}
    result: dict[str, Any] = queue.get(timeout=5)
    result.update(tool=tool, bytes=size)
    if result.get("ok"):
        result["mb_per_s"] = size / 1e6 / result["seconds"]
        result["mb_per_s_cpu"] = size / 1e6 / max(result["cpu_seconds"], 1e-9)
    else:
        # A peer that did not finish: its speed is below size/timeout.
        result["mb_per_s_below"] = size / 1e6 / timeout
    return result


def breakdown(text: str, runs: int) -> dict[str, float]:
    """Best-of-``runs`` CPU seconds of each stage of one extraction (see the docstring)."""
    import gc
    import importlib

    import unmask.extract.observables as obs

    scan = importlib.import_module("unmask.extract.observables.scan")
    refang = importlib.import_module("unmask.extract.observables.refang")
    obs.extract_observables("warm up: evil.example[.]com 1.2.3.4")
    windows = scan.compact(text)
    padded = " " + refang.refang(windows.text).text

    def patterns_only() -> None:
        for _ in obs.ATOMS.finditer(padded):
            pass

    def least_per_match() -> None:
        found = []
        make = obs._observable
        for m in obs.ATOMS.finditer(padded):
            kind = m.lastgroup
            start, end = m.span(kind)
            found.append(make(kind, m.group(kind), "", start, end, ()))

    # The roles stage: ``assign_roles`` alone, on fresh copies of what the call hands it.
    handed: dict[str, Any] = {}
    assign = obs.assign_roles

    def record(found: Any, text: str, context: Any, judge: Any) -> Any:
        handed["args"] = ([(o.type, o.value, o.surface, o.span.start, o.span.end, o.benign_reasons) for o in found],
                          text, context, judge)  # fmt: skip
        return assign(found, text, context, judge)

    obs.assign_roles = record
    try:
        obs.extract_observables(text)
    finally:
        obs.assign_roles = assign
    items, roles_text, roles_context, roles_judge = handed["args"]

    def roles_only() -> None:
        assign([obs._observable(*item) for item in items], roles_text, roles_context, roles_judge)

    def copies_only() -> None:
        [obs._observable(*item) for item in items]

    stages = {
        "prefilter (compiled)": lambda: scan.compact(text),
        "refang": lambda: refang.refang(windows.text),
        "patterns": patterns_only,
        "patterns + least per-match work": least_per_match,
        "whole call": lambda: obs.extract_observables(text),
        "roles (assign_roles + copies)": roles_only,
        "copies of the observables": copies_only,
    }
    best: dict[str, float] = {}
    gc.disable()  # as extract_observables does for its own call
    try:
        for _ in range(runs):
            for name, stage in stages.items():
                c0 = time.process_time()
                stage()
                best[name] = min(best.get(name, float("inf")), time.process_time() - c0)
    finally:
        gc.enable()
    best["floor"] = best["prefilter (compiled)"] + best["refang"] + best["patterns + least per-match work"]
    roles = max(0.0, best.pop("roles (assign_roles + copies)") - best.pop("copies of the observables"))
    best["roles (assign_roles)"] = roles
    # The budget's measure: what the roles cost against the rest of the call.
    best["roles / rest of the call (%)"] = 100 * roles / max(best["whole call"] - roles, 1e-9)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--peer-bytes", type=int, default=200_000, help="input size for the peers (0 = whole corpus)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="time the stages of one call instead")
    parser.add_argument("--runs", type=int, default=7, help="repeats for --breakdown (best is kept)")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    text = args.corpus.read_text(encoding="utf-8")
    if args.breakdown:
        size = len(text.encode("utf-8")) / 1e6
        stages = breakdown(text, args.runs)
        if args.json:
            print(json.dumps({"corpus": str(args.corpus), "mb": size, "cpu_seconds": stages}, indent=1))
            return 0
        print(f"corpus: {args.corpus} ({size:.2f} MB); best of {args.runs}, CPU seconds")
        for name, seconds in stages.items():
            if name.endswith("(%)"):
                print(f"  {name:34s} {seconds:7.1f} %")
            else:
                print(f"  {name:34s} {seconds:7.3f} s  ({size / seconds:6.1f} MB/s)")
        return 0
    peer_text = text
    if args.peer_bytes:
        cut = text.rfind("\n", 0, args.peer_bytes)
        peer_text = text[: cut if cut > 0 else args.peer_bytes]
    results = [measure("unmask", text, args.timeout)]
    results.append(measure("unmask", peer_text, args.timeout) | {"tool": "unmask (peer sample)"})
    if not args.skip_peers:
        results.append(measure("iocextract", peer_text, args.timeout))
        results.append(measure("ioc-finder", peer_text, args.timeout))
    linear = []
    for fraction in (0.25, 0.5, 1.0):
        part = text[: int(len(text) * fraction)]
        r = measure("unmask", part, args.timeout)
        linear.append({"fraction": fraction, "bytes": r["bytes"], "seconds": r.get("cpu_seconds")})
    base = results[0].get("mb_per_s") or 0.0
    base_cpu = results[0].get("mb_per_s_cpu") or 0.0
    ratios: dict[str, str] = {}
    for r in results[2:]:
        if r.get("mb_per_s"):
            ratios[r["tool"]] = f"{base / r['mb_per_s']:,.0f}x (wall), {base_cpu / r['mb_per_s_cpu']:,.0f}x (CPU)"
        elif r.get("mb_per_s_below"):
            ratios[r["tool"]] = f"more than {base / r['mb_per_s_below']:,.0f}x (it did not finish)"
    report = {"corpus": str(args.corpus), "results": results, "speedup": ratios, "linearity": linear}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"corpus: {args.corpus} ({results[0]['bytes'] / 1e6:.2f} MB); peers on the first {len(peer_text.encode()) / 1e6:.2f} MB")
    print(f"{'tool':22s} {'MB':>6s} {'wall s':>8s} {'MB/s':>7s} {'CPU s':>8s} {'MB/s':>7s} {'peak MB':>8s} {'found':>7s}")
    for r in results:
        if r.get("ok"):
            print(f"{r['tool']:22s} {r['bytes'] / 1e6:6.2f} {r['seconds']:8.3f} {r['mb_per_s']:7.2f} "
                  f"{r['cpu_seconds']:8.3f} {r['mb_per_s_cpu']:7.2f} {r['peak_mb']:8.1f} {r['found']:7d}")
        else:
            print(f"{r['tool']:22s} {r['bytes'] / 1e6:6.2f} {'-':>9s} {'-':>8s} {'-':>8s}  {r.get('error')}")
    for tool, ratio in ratios.items():
        print(f"unmask vs {tool}: {ratio} faster")
    print("linearity (CPU seconds for 1/4, 1/2, all):", ", ".join(f"{x['seconds']:.3f}" for x in linear if x["seconds"] is not None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
