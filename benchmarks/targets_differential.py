#!/usr/bin/env python3
"""Differential check of the targets stage: this tree's module against a committed one.

usage: python benchmarks/targets_differential.py [--base REV] [--skip DIR ...] [--corpus DIR]
                                                 [--seed DIR] [--formats F ...] [--no-shared]

A change made for speed must not change a single finding. This loads
``src/unmask/extract/targets.py`` as it is at ``--base`` (default ``HEAD``, read with
``git show``) beside the working tree's module, runs both on every text and compares
:func:`extract_targets` and :func:`extract_attributions` exactly (kind, value, surface,
span, role, confidence; attribution actor ids), with the same actor mentions.

Texts: every ``.txt`` under ``tests/fixtures/articles*/`` (``--skip NAME`` leaves a folder
out, e.g. a set held back from the one running it), the shared corpus documents of the
``--formats`` given (default text, markdown, html; read by unmask's readers) and the
shared seed texts, when those folders exist. Exit status 1 on any difference (each one
printed), 0 when every text gives the same findings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MODULE = "src/unmask/extract/targets.py"


def base_module(rev: str) -> ModuleType:
    """The targets module as committed at ``rev``, importable beside the current one."""
    source = subprocess.run(["git", "show", f"{rev}:{MODULE}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    name = "unmask.extract._targets_base"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (dataclasses look their module up while the source runs)
    exec(compile(source, f"{rev}:{MODULE}", "exec"), module.__dict__)
    return module


def texts(skip: set[str], corpus: Path | None, seed: Path | None, formats: set[str]) -> Iterator[tuple[str, str]]:
    for folder in sorted((REPO / "tests" / "fixtures").glob("articles*")):
        if folder.name in skip or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            yield f"{folder.name}/{path.name}", path.read_text(encoding="utf-8")
    if seed is not None and seed.is_dir():
        for path in sorted(seed.glob("*.txt")):
            yield f"seed/{path.name}", path.read_text(encoding="utf-8")
    if corpus is not None and (corpus / "manifest.jsonl").is_file():
        from unmask.documents import read

        with (corpus / "manifest.jsonl").open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        for row in rows:
            if row.get("expect", "ok") != "ok" or row.get("format") not in formats:
                continue
            try:
                text = read(str(corpus / row["file"])).text
            except Exception:  # a refused file is simply not part of the check
                continue
            yield f"corpus/{row['file']}", text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD")
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--seed", type=Path, default=SHARED / "seed")
    parser.add_argument("--formats", nargs="*", default=["text", "markdown", "html"])
    parser.add_argument("--no-shared", action="store_true", help="the repository's fixtures only")
    args = parser.parse_args()

    from unmask.extract import targets as new
    from unmask.extract.actors import extract_actors

    old = base_module(args.base)
    count = differences = 0
    seconds = {"base": 0.0, "tree": 0.0}
    size = 0
    shared = not args.no_shared
    for name, text in texts(set(args.skip), args.corpus if shared else None, args.seed if shared else None,
                            set(args.formats)):
        actors = extract_actors(text).mentions
        found = {}
        for label, module in (("base", old), ("tree", new)):
            t0 = time.process_time()
            found[label] = (module.extract_targets(text, actors=actors), module.extract_attributions(text, actors=actors))
            seconds[label] += time.process_time() - t0
        count += 1
        size += len(text.encode("utf-8"))
        for what, a, b in (("targets", found["base"][0], found["tree"][0]),
                           ("attributions", found["base"][1], found["tree"][1])):
            if a != b:
                differences += 1
                gone = [x for x in a if x not in b]
                new_ = [x for x in b if x not in a]
                print(f"DIFF {name} {what}: {len(gone)} only in {args.base}, {len(new_)} only in the tree")
                for x in gone[:5]:
                    print(f"  - {x}")
                for x in new_[:5]:
                    print(f"  + {x}")
    mb = size / 1e6
    print(f"{count} texts, {mb:.2f} MB; {differences} differences; "
          f"CPU s base {seconds['base']:.2f}, tree {seconds['tree']:.2f}")
    return 1 if differences or not count else 0


if __name__ == "__main__":
    sys.exit(main())
