#!/usr/bin/env python3
"""Hostile text through the whole pipeline: is every stage linear, and how slow is it?

usage: python benchmarks/pipeline_hostile.py [--small N] [--factor K] [--only NAME ...]

Each generator writes text of one pathological shape (no line breaks, a date every
few words, a sponsor claim in every sentence …) at two sizes, ``--small`` characters
and ``--factor`` times that; ``unmask.analyze`` runs on both in this process and the
CPU time is printed with the growth ratio. A linear stage grows about ``factor``
times; a ratio well above it (``SUPERLINEAR`` in the output, more than 1.6 x factor)
marks a stage that is quadratic somewhere. Exit status 1 if any is.

The budget for these shapes is linear time, not a speed: the observables have their
own probes with a per-megabyte budget (``benchmarks/adversarial.py``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

Generator = Callable[[int, random.Random], str]


def _words(words: list[str], sep: str = " ") -> Generator:
    def make(n: int, rng: random.Random) -> str:
        out: list[str] = []
        size = 0
        while size < n:
            word = rng.choice(words)
            out.append(word)
            size += len(word) + len(sep)
        return sep.join(out)
    return make


def _repeat(sentence: str, sep: str = " ") -> Generator:
    def make(n: int, rng: random.Random) -> str:
        return sep.join(sentence for _ in range(max(1, n // (len(sentence) + len(sep)))))
    return make


def _dates(n: int, rng: random.Random) -> str:
    return " ".join(f"on {rng.randint(1, 28)} March {rng.randint(1990, 2025)} it said" for _ in range(n // 28))


def _table(n: int, rng: random.Random) -> str:
    return "\n".join(f"| {i} | evil{i}.com | Germany | energy |" for i in range(n // 40))


def _bullets(n: int, rng: random.Random) -> str:
    return "\n".join(f"- item {i} targeting banks in France" for i in range(n // 35))


def _prose_one_line(n: int, rng: random.Random) -> str:
    sentences = [
        "The operators sent spearphishing e-mails with malicious attachments to diplomats.",
        "Photo: a caption credited to Reuters.",
        "In March 2024 the group, also known as Cozy Bear, breached a ministry in Germany.",
        "Researchers linked the activity to APT29, which works for Russia's SVR.",
        "The loader contacted update-check[.]info and 203.0.113.9 over HTTPS.",
    ]
    return _words(sentences)(n, rng)


GENERATORS: dict[str, Generator] = {
    "prose-one-line": _prose_one_line,
    "capitalised-words": _words(["APT", "Bear", "Panda", "Ministry", "Of", "The", "Group", "Kitten", "Sector"]),
    "dates-dense": _dates,
    "technique-sentences": _repeat("The actor used spearphishing attachments and PowerShell to dump LSASS credentials", ". "),
    "sponsor-claims": _repeat("APT28 is linked to Russia's GRU and works for the Chinese Ministry of State Security."),
    "sectors-countries": _words(["banks in France,", "hospitals in Germany,", "energy firms in Ukraine,",
                                 "the Ministry of Defence of Estonia,"]),
    "actor-names": _words(["APT28", "Fancy Bear", "Kimsuky", "Lazarus Group", "APT29", "Sandworm", "Turla"], ", "),
    "malware-names": _words(["the Emotet loader", "TrickBot", "Cobalt Strike beacon", "Mimikatz", "PlugX RAT"]),
    "alias-statements": lambda n, rng: " ".join(
        f"APT{i % 50}, also known as Group{i} and tracked as Storm-{i:04d}," for i in range(n // 60)),
    "table-rows": _table,
    "bullets": _bullets,
    "brackets": lambda n, rng: "(" * (n // 2) + ")" * (n // 2),
    "quotes": lambda n, rng: '"' * n,
    "one-word": lambda n, rng: "a" * n,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=50_000, help="characters of the smaller text")
    parser.add_argument("--factor", type=int, default=4, help="the larger text is this many times the smaller")
    parser.add_argument("--only", nargs="*", choices=sorted(GENERATORS), help="run only these shapes")
    args = parser.parse_args(argv)

    from unmask.pipeline import analyze

    analyze("Warm-up: APT28 used 203.0.113.9 in March 2024 against banks in France.")
    failed = []
    print(f"{'shape':22s} {'small':>9s} {'large':>9s} {'ratio':>6s}  s/MB (large)")
    for name in args.only or GENERATORS:
        rng = random.Random(1)
        times = []
        large_mb = 0.0
        for size in (args.small, args.small * args.factor):
            text = GENERATORS[name](size, rng)
            large_mb = len(text.encode()) / 1e6
            start = time.process_time()
            analyze(text)
            times.append(time.process_time() - start)
        ratio = times[1] / max(times[0], 1e-3)
        flag = "  SUPERLINEAR" if ratio > 1.6 * args.factor else ""
        if flag:
            failed.append(name)
        print(f"{name:22s} {times[0]:8.2f}s {times[1]:8.2f}s {ratio:6.1f}  {times[1] / large_mb:7.1f}{flag}", flush=True)
    if failed:
        print("superlinear:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
