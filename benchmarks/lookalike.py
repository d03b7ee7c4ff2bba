#!/usr/bin/env python3
"""Lookalike-domain detection: precision/recall on the labelled set, against baselines; speed.

usage: python benchmarks/lookalike.py [--json] [--candidates N] [--protected M]

1. Quality: ``find_lookalikes`` on tests/fixtures/defend/lookalike/labelled.tsv (a set
   written by hand for unmask: 8 protected news/think-tank domains, candidates
   labelled with what they imitate or ``-``), against two naive baselines:
   ``levenshtein``: Levenshtein distance <= 2 between the whole host and a protected
   domain; ``substring``: the protected brand label appears in the host. A pair
   (candidate, protected) is a true positive when the label names that protected
   domain; precision and recall count pairs. Also split: short brands (<= 4 letters)
   against the rest.
2. Speed: N synthetic candidates (permutations of the protected domains mixed with
   random names) against M protected domains, wall and CPU time (process_time).
3. ``permutations``: how many per domain and the time for each protected domain.
4. ``--dnstwist`` (needs ``pip install dnstwist``, not a dependency of unmask): for each
   protected domain, dnstwist's fuzzer output is (a) compared with ``permutations``
   (share of each dnstwist fuzzer that unmask also generates) and (b) used as an
   independent test set for ``find_lookalikes`` (share detected, per fuzzer), with
   both tools' generation time (CPU).
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parent.parent
#: Added to the eight protected domains for the Tranco count: a protected name that is
#: a common word (state), a short one (rand) and a web-mail brand (naver).
TRANCO_EXTRA = ("state.gov", "rand.org", "naver.com")
FIXTURES = REPO / "tests" / "fixtures" / "defend" / "lookalike"


def load_labelled() -> tuple[list[str], list[tuple[str, str]]]:
    protected = [
        line.strip()
        for line in (FIXTURES / "protected.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    rows = []
    for line in (FIXTURES / "labelled.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        candidate, imitates = line.split("\t")[:2]
        rows.append((candidate, imitates))
    return protected, rows


def score(predicted: set[tuple[str, str]], rows: list[tuple[str, str]]) -> dict[str, float]:
    truth = {(c, p) for c, p in rows if p != "-"}
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp,
            "fp": len(predicted - truth), "fn": len(truth - predicted)}


def ours(protected: list[str], rows: list[tuple[str, str]], min_score: float = 0.0,
         strict: bool = True) -> set[tuple[str, str]]:
    from unmask.defend.lookalike import LookalikeIndex, find_lookalikes

    index = LookalikeIndex(protected, strict=strict)
    return {(hit.candidate, hit.imitates) for hit in find_lookalikes([c for c, _ in rows], index)
            if hit.score >= min_score}


def baseline_levenshtein(protected: list[str], rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for candidate, _ in rows:
        host = candidate.lower().rstrip(".")
        for domain in protected:
            if host != domain and not host.endswith("." + domain) and Levenshtein.distance(host, domain) <= 2:
                found.add((candidate, domain))
    return found


def baseline_substring(protected: list[str], rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for candidate, _ in rows:
        host = candidate.lower().rstrip(".")
        for domain in protected:
            brand = domain.split(".", 1)[0]
            if host != domain and not host.endswith("." + domain) and brand in host:
                found.add((candidate, domain))
    return found


def quality() -> dict[str, Any]:
    protected, rows = load_labelled()
    short = {d for d in protected if len(d.split(".", 1)[0]) <= 4}
    results: dict[str, Any] = {"protected": len(protected), "candidates": len(rows),
                               "positives": sum(1 for _, p in rows if p != "-")}
    for name, predicted in (
        ("unmask", ours(protected, rows)),
        ("unmask_score_0.7", ours(protected, rows, 0.7)),
        ("unmask_not_strict", ours(protected, rows, strict=False)),
        ("levenshtein<=2", baseline_levenshtein(protected, rows)),
        ("substring", baseline_substring(protected, rows)),
    ):
        entry = score(predicted, rows)
        short_rows = [(c, p) for c, p in rows if p in short or (p == "-" and any(
            (c, d) in predicted for d in short))]
        entry["short_brands"] = score({x for x in predicted if x[1] in short}, short_rows)
        results[name] = entry
    return results


def _random_host(rng: random.Random) -> str:
    label = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 14)))
    return f"{label}.{rng.choice(['com', 'net', 'org', 'info', 'co.uk', 'de', 'io'])}"


def speed(n_candidates: int, n_protected: int) -> dict[str, Any]:
    from unmask.defend.lookalike import LookalikeIndex, permutations
    from unmask.reference.suffixes import load_suffixes

    rng = random.Random(7)
    base, _ = load_labelled()
    protected = list(base) + [_random_host(rng) for _ in range(max(0, n_protected - len(base)))]
    load_suffixes()
    pool = [p.domain for domain in base for p in permutations(domain)]
    candidates = [rng.choice(pool) if rng.random() < 0.2 else _random_host(rng) for _ in range(n_candidates)]
    t0, c0 = time.perf_counter(), time.process_time()
    index = LookalikeIndex(protected)
    t1, c1 = time.perf_counter(), time.process_time()
    hits = sum(1 for _ in index.scan(candidates))
    t2, c2 = time.perf_counter(), time.process_time()
    perm_times = []
    counts = []
    for domain in base:
        p0 = time.process_time()
        counts.append(len(permutations(domain)))
        perm_times.append(time.process_time() - p0)
    return {
        "candidates": n_candidates, "protected": len(protected), "hits": hits,
        "index_wall_s": round(t1 - t0, 3), "index_cpu_s": round(c1 - c0, 3),
        "scan_wall_s": round(t2 - t1, 3), "scan_cpu_s": round(c2 - c1, 3),
        "candidates_per_cpu_s": round(n_candidates / max(c2 - c1, 1e-9)),
        "permutations_per_domain": {"min": min(counts), "max": max(counts)},
        "permutations_cpu_s_max": round(max(perm_times), 4),
    }


def tranco(limit: int, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Hits among the Tranco top sites (MISP warninglist copy): real sites, so nearly
    every hit is a false alarm or one of the brand's own properties."""
    import pymispwarninglists

    from unmask.defend.lookalike import LookalikeIndex

    path = Path(pymispwarninglists.__file__).parent / "data" / "misp-warninglists" / "lists" / "tranco" / "list.json"
    domains = json.loads(path.read_text(encoding="utf-8"))["list"][:limit]
    protected, _ = load_labelled()
    protected = protected + [d for d in extra if d not in protected]
    result: dict[str, Any] = {"domains": len(domains)}
    for name, strict in (("strict", True), ("not_strict", False)):
        index = LookalikeIndex(protected, strict=strict)
        c0 = time.process_time()
        hits = list(index.scan(domains))
        cpu = time.process_time() - c0
        per_brand: dict[str, int] = {}
        for hit in hits:
            per_brand[hit.imitates] = per_brand.get(hit.imitates, 0) + 1
        result[name] = {"hits": len(hits), "cpu_s": round(cpu, 2), "per_protected": per_brand,
                        "examples": sorted(hit.domain for hit in hits)[:200]}
    return result


def against_dnstwist() -> dict[str, Any]:
    import dnstwist  # optional: pip install dnstwist

    from unmask.defend.lookalike import find_lookalikes, permutations

    protected, _ = load_labelled()
    out: dict[str, Any] = {}
    for domain in protected:
        c0 = time.process_time()
        fuzzer = dnstwist.Fuzzer(domain)
        fuzzer.generate()
        theirs_cpu = time.process_time() - c0
        theirs = [(x["fuzzer"], x["domain"]) for x in fuzzer.domains if x["fuzzer"] != "*original"]
        c0 = time.process_time()
        ours = {p.domain for p in permutations(domain)}
        ours_cpu = time.process_time() - c0
        detected = {hit.domain for hit in find_lookalikes({d for _, d in theirs}, [domain])}
        per_fuzzer: dict[str, dict[str, int]] = {}
        for name, candidate in theirs:
            entry = per_fuzzer.setdefault(name, {"n": 0, "generated": 0, "detected": 0})
            entry["n"] += 1
            entry["generated"] += candidate in ours
            entry["detected"] += candidate in detected
        out[domain] = {
            "dnstwist": len(theirs), "dnstwist_cpu_s": round(theirs_cpu, 3),
            "unmask": len(ours), "unmask_cpu_s": round(ours_cpu, 3),
            "detected": sum(e["detected"] for e in per_fuzzer.values()),
            "detected_non_homoglyph": sum(e["detected"] for k, e in per_fuzzer.items() if k != "homoglyph"),
            "non_homoglyph": sum(e["n"] for k, e in per_fuzzer.items() if k != "homoglyph"),
            "per_fuzzer": per_fuzzer,
        }
    return out


def _tranco_domains() -> list[str]:
    import pymispwarninglists

    path = Path(pymispwarninglists.__file__).parent / "data" / "misp-warninglists" / "lists" / "tranco" / "list.json"
    return [str(d) for d in json.loads(path.read_text(encoding="utf-8"))["list"]]


def mixed(n_real: int = 2000, seed: int = 11) -> dict[str, Any]:
    """dnstwist's permutations of the eight protected domains (positives: the pair
    candidate / the domain it permutes) mixed with ``n_real`` real domains drawn from
    the Tranco list (negatives; any that dnstwist also generates are dropped), scanned
    against all eight at once: pair precision and recall, and recall per fuzzer."""
    import dnstwist  # optional: pip install dnstwist

    from unmask.defend.lookalike import LookalikeIndex

    protected, _ = load_labelled()
    truth: set[tuple[str, str]] = set()
    fuzzer_of: dict[tuple[str, str], str] = {}
    for domain in protected:
        fuzzer = dnstwist.Fuzzer(domain)
        fuzzer.generate()
        for item in fuzzer.domains:
            if item["fuzzer"] == "*original" or item["domain"] == domain:
                continue
            pair = (item["domain"], domain)
            truth.add(pair)
            fuzzer_of.setdefault(pair, item["fuzzer"])
    generated = {c for c, _ in truth}
    rng = random.Random(seed)
    real = [d for d in rng.sample(_tranco_domains(), n_real * 2) if d not in generated][:n_real]
    candidates = sorted(generated) + real
    index = LookalikeIndex(protected)
    c0 = time.process_time()
    predicted = {(hit.domain, hit.imitates) for hit in index.scan(candidates)}
    cpu = time.process_time() - c0
    tp = predicted & truth
    fps = sorted(predicted - truth)
    real_set = set(real)
    per_fuzzer: dict[str, list[int]] = {}
    for pair in truth:
        entry = per_fuzzer.setdefault(fuzzer_of[pair], [0, 0])
        entry[0] += pair in tp
        entry[1] += 1
    plain = {pair for pair in truth if fuzzer_of[pair] not in ("homoglyph", "cyrillic")}
    return {
        "recall_without_homoglyphs": round(len(plain & tp) / max(len(plain), 1), 4),
        "positives_without_homoglyphs": len(plain),
        "positives": len(truth), "real_domains": len(real), "cpu_s": round(cpu, 2),
        "precision": round(len(tp) / max(len(predicted), 1), 4),
        "recall": round(len(tp) / max(len(truth), 1), 4),
        "fp": len(fps), "fp_on_real_domains": sum(1 for c, _ in fps if c in real_set),
        "fp_examples": fps[:20],
        "missed_examples": sorted(truth - predicted)[:20],
        "per_fuzzer": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_fuzzer.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--protected", type=int, default=300)
    parser.add_argument("--tranco", type=int, default=0, metavar="N",
                        help="also scan the first N Tranco top sites (1000000 for all; ~30 s CPU)")
    parser.add_argument("--tranco-protected", nargs="*", default=list(TRANCO_EXTRA), metavar="DOMAIN",
                        help="protected domains added to the eight for --tranco (default: %(default)s)")
    parser.add_argument("--dnstwist", action="store_true",
                        help="compare with dnstwist (pip install dnstwist; in the bench extra)")
    parser.add_argument("--mixed", type=int, default=0, metavar="N",
                        help="dnstwist's permutations of the eight mixed with N real Tranco domains")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"quality": quality(), "speed": speed(args.candidates, args.protected)}
    if args.dnstwist:
        report["dnstwist"] = against_dnstwist()
    if args.tranco:
        report["tranco"] = tranco(args.tranco, tuple(args.tranco_protected))
    if args.mixed:
        report["mixed"] = mixed(args.mixed)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    q = report["quality"]
    print(f"labelled set: {q['candidates']} candidates, {q['positives']} positives, {q['protected']} protected")
    print(f"{'method':18} {'precision':>9} {'recall':>7} {'fp':>4} {'fn':>4}   short brands P/R")
    for name in ("unmask", "unmask_score_0.7", "unmask_not_strict", "levenshtein<=2", "substring"):
        e = q[name]
        s = e["short_brands"]
        print(f"{name:18} {e['precision']:9.3f} {e['recall']:7.3f} {e['fp']:4} {e['fn']:4}   "
              f"{s['precision']:.3f}/{s['recall']:.3f}")
    s = report["speed"]
    print(f"scan: {s['candidates']} candidates x {s['protected']} protected: {s['scan_cpu_s']} s CPU "
          f"({s['scan_wall_s']} s wall), {s['hits']} hits; index {s['index_cpu_s']} s CPU")
    print(f"permutations: {s['permutations_per_domain']['min']}-{s['permutations_per_domain']['max']} per domain, "
          f"at most {s['permutations_cpu_s_max']} s CPU each")
    if "dnstwist" in report:
        print("dnstwist's fuzzer output as a test set (detected / generated by dnstwist; unmask's own count):")
        for domain, e in report["dnstwist"].items():
            print(f"  {domain:18} detected {e['detected']}/{e['dnstwist']} "
                  f"(non-homoglyph {e['detected_non_homoglyph']}/{e['non_homoglyph']}); "
                  f"dnstwist {e['dnstwist_cpu_s']} s, unmask permutations {e['unmask']} in {e['unmask_cpu_s']} s")
    if "mixed" in report:
        m = report["mixed"]
        print(f"dnstwist permutations of the eight ({m['positives']}) + {m['real_domains']} real domains: "
              f"precision {m['precision']} recall {m['recall']} ({m['fp']} false pairs, "
              f"{m['fp_on_real_domains']} on real domains; {m['cpu_s']} s CPU); recall without the "
              f"homoglyph fuzzers {m['recall_without_homoglyphs']} of {m['positives_without_homoglyphs']}")
        print("  recall per dnstwist fuzzer: " + ", ".join(f"{k} {v}" for k, v in m["per_fuzzer"].items()))
        if m["missed_examples"]:
            print("  missed e.g. " + ", ".join(f"{c}->{p}" for c, p in m["missed_examples"][:10]))
        if m["fp_examples"]:
            print("  false e.g. " + ", ".join(f"{c}->{p}" for c, p in m["fp_examples"][:10]))
    if "tranco" in report:
        t = report["tranco"]
        for name in ("strict", "not_strict"):
            print(f"tranco top {t['domains']} ({name}): {t[name]['hits']} hits in {t[name]['cpu_s']} s CPU; "
                  f"per protected domain {t[name]['per_protected']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
