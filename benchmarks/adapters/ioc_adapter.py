"""Adapter for ../shared/eval/ioc/run_eval.py: unmask's observables in the eval vocabulary.

Every observable counts, benign ones included (the eval's cases label example.com,
private addresses and file-name domains as observables too).
"""

from __future__ import annotations

from unmask.extract.observables import extract_observables

NAME = "unmask"


def extract(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for observable in extract_observables(text):
        values = out.setdefault(observable.type, [])
        if observable.value not in values:
            values.append(observable.value)
    return out
