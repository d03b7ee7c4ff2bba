#!/usr/bin/env python3
"""Targets on place-dense text: CPU seconds per MB of extract_targets and extract_attributions.

usage: python benchmarks/targets_dense.py [--mb M] [--bound S] [--only NAME ...] [--profile NAME]
                                         [--base REV] [--linear]

Hostile texts, built in memory (nothing is written), each ``--mb`` MB (default 1):

``places``     one sentence naming twenty countries and regions (no targeting word), repeated
               with sentence ends: every few characters a place whose role must be read;
``targeted``   the same list as the object of a targeting cue ("The group targeted ..."):
               each place carried on by the list;
``one-line``   the list with its sentence ends removed: one sentence of a megabyte, places
               every few characters, a cue now and then;
``orgs``       capitalised names and sector words packed in one line.

Each text's run is timed (``time.process_time``) after a warm-up call that loads the
gazetteers. Exit status 1 if a text costs more than ``--bound`` s/MB (default 8; prose
costs about 1 s/MB, these texts 4-6 s/MB on the shared two-core machine, 6-12 before
issue 25's work), or with ``--linear`` if a text's s/MB at ``--mb`` is more than twice its
s/MB at a quarter of that size (a quadratic step shows there first). ``--profile NAME`` prints the top functions of one run.
``--base REV`` also times the targets module as committed at REV (loaded beside this tree's,
as benchmarks/targets_differential.py does) on the same texts, for a before/after taken
under the same load.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

_PLACES = (
    "France, Germany, Italy, Spain, Poland, Japan, South Korea, India, Brazil, Canada, "
    "Mexico, Turkey, Egypt, Kenya, Nigeria, Vietnam, Indonesia, Australia, Europe and Asia"
)


def _repeat(unit: str, megabytes: float) -> str:
    want = int(megabytes * 1_000_000)
    reps = max(1, -(-want // len(unit.encode("utf-8"))))
    return (unit * reps).encode("utf-8")[:want].decode("utf-8", "ignore")


def texts(megabytes: float) -> dict[str, Callable[[], str]]:
    return {
        "places": lambda: _repeat(f"The report lists offices in {_PLACES}. ", megabytes),
        "targeted": lambda: _repeat(f"The group targeted ministries in {_PLACES}. ", megabytes),
        "one-line": lambda: _repeat(f"the crew hit banks in {_PLACES}, then ", megabytes),
        "orgs": lambda: _repeat(
            "Nordvik Savings Bank, the Ministry of Foreign Affairs, hospitals and universities, "
            "Kestrel Regional Airports and energy companies in Norway, ", megabytes),
    }


def run(text: str, module: ModuleType | None = None) -> tuple[float, float, int]:
    from unmask.extract import targets
    from unmask.extract.actors import extract_actors

    module = module or targets
    ctx = None  # each extractor reads the text's structure itself
    actors = extract_actors(text, context=ctx).mentions
    t0 = time.process_time()
    found = module.extract_targets(text, context=ctx, actors=actors)
    t1 = time.process_time()
    module.extract_attributions(text, context=ctx, actors=actors)
    t2 = time.process_time()
    return t1 - t0, t2 - t1, len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--bound", type=float, default=8.0, help="largest s/MB allowed for targets")
    parser.add_argument("--linear", action="store_true", help="also time a quarter of each text and compare")
    parser.add_argument("--only", nargs="*", choices=list(texts(0.0)))
    parser.add_argument("--profile", choices=list(texts(0.0)))
    parser.add_argument("--base", help="also time the targets module of this commit")
    args = parser.parse_args()
    base = None
    if args.base:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from targets_differential import base_module

        base = base_module(args.base)
        base.extract_targets("APT28 targeted the ministry in Germany.")

    from unmask.extract.targets import extract_targets

    extract_targets("APT28 targeted the ministry in Germany.")
    status = 0
    for name, build in texts(args.mb).items():
        if args.only and name not in args.only:
            continue
        text = build()
        mb = len(text.encode("utf-8")) / 1e6
        if args.profile == name:
            prof = cProfile.Profile()
            prof.enable()
            targets, attributions, count = run(text)
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
            print(buf.getvalue())
        else:
            targets, attributions, count = run(text)
        rate = targets / mb
        verdict = "ok" if rate <= args.bound else f"OVER {args.bound} s/MB"
        print(f"{name:<9} {mb:5.2f} MB  targets {targets:6.2f} s ({rate:5.2f} s/MB, {count:,} mentions)  "
              f"attributions {attributions:5.2f} s  {verdict}")
        sys.stdout.flush()
        if rate > args.bound:
            status = 1
        if args.linear:
            quarter = texts(args.mb / 4)[name]()
            small, _, _ = run(quarter)
            small_rate = small / (len(quarter.encode("utf-8")) / 1e6)
            ratio = rate / small_rate if small_rate > 0 else 0.0
            print(f"{'':<9} {args.mb / 4:5.2f} MB  targets {small:6.2f} s ({small_rate:5.2f} s/MB): "
                  f"x{ratio:.2f} per MB at four times the size  {'ok' if ratio <= 2.0 else 'NOT LINEAR'}")
            if ratio > 2.0:
                status = 1
        if base is not None:
            targets, attributions, count = run(text, base)
            print(f"{'  ' + args.base:<9} {mb:5.2f} MB  targets {targets:6.2f} s ({targets / mb:5.2f} s/MB, "
                  f"{count:,} mentions)  attributions {attributions:5.2f} s")
            sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
