#!/usr/bin/env python3
"""Hostile-input probes for unmask's observable extraction.

usage: python benchmarks/adversarial.py [--timeout S] [--json]

Runs every probe of ../shared/eval/ioc/adversarial.py (loaded by path when it is
there) plus unmask's own (1 MB single line, 100k dots, deep brackets, NUL bytes,
mixed confusables …), each in a fresh child process with a timeout. A probe passes
when it finishes in under 1 s per MB (at least 50 ms allowed) and its result is
the expected one. Times are the child's CPU time (the wall-clock timeout still
catches hangs).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_PROBES = REPO.parent / "shared" / "eval" / "ioc" / "adversarial.py"

Check = Callable[[dict[str, list[str]]], bool]


def _values(text: str) -> dict[str, list[str]]:
    from unmask.extract.observables import extract_observables

    out: dict[str, list[str]] = {}
    for obs in extract_observables(text):
        values = out.setdefault(obs.type, [])
        if obs.value not in values:
            values.append(obs.value)
    return out


def _nothing(found: dict[str, list[str]]) -> bool:
    return not found


def _has(**expected: str) -> Check:
    def check(found: dict[str, list[str]]) -> bool:
        return all(value in found.get(kind, []) for kind, value in expected.items())

    return check


def own_probes() -> dict[str, tuple[str, Check]]:
    """unmask's own probes and what a correct result is."""
    line = ("evil-host[.]com/p?q=" + "a" * 200 + " 10.0.0.1 ") * 4_000
    return {
        "single_line_1mb": (line[:1_000_000], _has(domain="evil-host.com", ipv4="10.0.0.1")),
        "dots_100k": ("." * 100_000, _nothing),
        "deep_brackets_50k": ("[" * 50_000 + "evil" + "]" * 50_000, _nothing),
        "deep_defang_brackets": ("x " + "[" * 25_000 + "." + "]" * 25_000 + " y", _nothing),
        "nul_bytes": ("\x00" * 200_000 + "1.2.3.4\x00evil-host.com\x00", _has(ipv4="1.2.3.4", domain="evil-host.com")),
        "confusables_mixed": (
            ("\u0435\u0445\u0430mple\uff0ecom hxxp\uff1a//evil\u3002com/x g\u043e\u043egle[.]c\u043em ") * 20_000,
            lambda f: f.get("url") == ["http://evil.com/x"] and "mple.com" not in f.get("domain", []),
        ),
        "hex_run_1mb": ("a" * 1_000_000, _nothing),
        "url_1mb": ("http://x.com/" + "a/" * 500_000, _has(domain="x.com")),
        "at_dot_prose": ("user at host dot com " * 30_000, _has(email="user@host.com")),
        "spaces_1mb": (" " * 1_000_000 + "evil-host.com", _has(domain="evil-host.com")),
        # Encoded-URL prefixes that decode to nothing, one huge token and many small ones.
        "encoded_prefix_1mb": ("aHR0cDovL" + "A" * 1_000_000 + " 687474703a2f2f" + "6" * 100_000, _nothing),
        "encoded_junk_tokens": (("http%3A%2F%2F" + "a" * 50 + " ") * 16_000 + "aHR0cDovL2V4YW1wbGUuY29tL3BhdGgK",
                                _has(url="http://example.com/path")),
    }


def shared_probes() -> dict[str, tuple[str, Check | None]]:
    if not SHARED_PROBES.is_file():
        return {}
    spec = importlib.util.spec_from_file_location("shared_adversarial", SHARED_PROBES)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    checks: dict[str, Check] = {
        "dots_100k": _nothing,
        "digits_100k": _nothing,
        "nested_brackets_20k": _nothing,
        "backslashes_100k": _nothing,
        "nul_bytes": _has(ipv4="1.2.3.4", domain="evil.com"),
        "confusables": lambda f: f.get("url") == ["http://evil.com/x"],
        "percent_encoded_dots": _nothing,
    }
    return {f"shared:{k}": (v, checks.get(k)) for k, v in module.inputs().items()}


def _child(text: str, queue: Any) -> None:
    try:
        _values("warm up 1.2.3.4")
        c0 = time.process_time()
        found = _values(text)
        # CPU time of this process: on a shared machine wall time measures the neighbours.
        queue.put(("ok", time.process_time() - c0, found, None))
    except BaseException as exc:
        queue.put(("CRASH", None, None, repr(exc)[:200]))


def run(name: str, text: str, check: Check | None, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(text, queue))
    proc.start()
    proc.join(timeout)
    size = len(text.encode("utf-8", "surrogatepass"))
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"probe": name, "bytes": size, "status": "TIMEOUT", "ok": False}
    status, seconds, found, error = queue.get(timeout=5)
    if status != "ok":
        return {"probe": name, "bytes": size, "status": status, "error": error, "ok": False}
    budget = max(0.05, size / 1e6)
    correct = True if check is None else bool(check(found))
    return {
        "probe": name, "bytes": size, "status": "ok", "seconds": round(seconds, 4),
        "s_per_mb": round(seconds / (size / 1e6), 4) if size else 0.0, "budget_s": round(budget, 3),
        "fast": seconds < budget, "correct": correct, "found": sum(len(v) for v in found.values()),
        "ok": seconds < budget and correct,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    probes: dict[str, tuple[str, Check | None]] = {**shared_probes(), **own_probes()}
    results = [run(name, text, check, args.timeout) for name, (text, check) in probes.items()]
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for r in results:
            extra = f"{r.get('seconds', '-')}s ({r.get('s_per_mb', '-')} s/MB) correct={r.get('correct')}"
            print(f"{r['probe']:34s} {r['status']:8s} {'PASS' if r['ok'] else 'FAIL'}  {r['bytes']:>9d} B  {extra}")
        print(f"{sum(r['ok'] for r in results)}/{len(results)} probes pass")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
