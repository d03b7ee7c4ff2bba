"""Speed of the ATT&CK technique stage: model load time and sentences per second.

usage: python benchmarks/techniques.py [--docs N] [--corpus PATH]

Runs :func:`unmask.extract_techniques` (segmentation, ids, names/synonyms, classifier,
report-level aggregation: the whole stage) over the report texts of
../shared/eval/ttp/documents.jsonl (or any text file given with --corpus, cut into
reports at blank-line runs), on one core, and prints sentences/s by CPU time (and by wall time, which a busy
shared machine lowers). "Sentences" are the units the stage scores (prose sentences
and list items; headings and table rows are skipped). Target: >= 2,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "eval" / "ttp" / "documents.jsonl"


def _load_time() -> float:
    code = (
        "import time\n"
        "from unmask.extract.techniques import load_model, _name_index\n"
        "from unmask.reference.attack import attack_data\n"
        "t = time.perf_counter()\n"
        "attack_data(); load_model(); _name_index()\n"
        "print(time.perf_counter() - t)\n"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip()))
    return min(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=0, help="only the first N reports")
    ap.add_argument("--corpus", type=Path, default=None)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from unmask.extract.techniques import extract_techniques, technique_units

    if args.corpus is not None:
        texts = [t for t in args.corpus.read_text(encoding="utf-8").split("\n\n\n") if t.strip()]
    else:
        with DEFAULT.open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    if args.docs:
        texts = texts[: args.docs]
    print(f"load (model + names + ATT&CK table, cache warm): {_load_time():.3f} s")
    extract_techniques(texts[0])  # warm
    n_units = sum(len(technique_units(t)) for t in texts)
    n_chars = sum(len(t) for t in texts)
    start = time.perf_counter()
    cpu = time.process_time()
    n_mentions = sum(len(extract_techniques(t)) for t in texts)
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - start
    print(
        f"{len(texts)} reports, {n_units} sentences, {n_chars / 1e6:.2f} MB, {n_mentions} mentions\n"
        f"  CPU time (one core): {cpu:.2f} s = {n_units / cpu:,.0f} sentences/s, "
        f"{n_chars / 1e6 / cpu:.2f} MB/s\n"
        f"  wall time: {elapsed:.2f} s = {n_units / elapsed:,.0f} sentences/s "
        f"(lower on a shared machine)"
    )


if __name__ == "__main__":
    main()
