"""The development half of ../shared/eval/actors, through the benchmark adapter."""

from __future__ import annotations

import importlib.util
import itertools
import json
from types import ModuleType

import pytest

from tests.conftest import REPO, shared_path

pytestmark = pytest.mark.shared


def _adapter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("actors_adapter", REPO / "benchmarks" / "adapters" / "actors_adapter.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(name: str) -> list[dict]:  # type: ignore[type-arg]
    path = shared_path("eval", "actors", name)
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_alias_pairs_and_negatives() -> None:
    ad = _adapter()
    pairs = [(x, y) for s in _lines("alias_sets.jsonl") for x, y in itertools.combinations(s["names"], 2)]
    recall = sum(bool(ad.same(x, y)) for x, y in pairs) / len(pairs)
    assert recall >= 0.95
    merged = [(n["a"], n["b"]) for n in _lines("negatives.jsonl") if ad.same(n["a"], n["b"])]
    assert merged == []


def test_mentions() -> None:
    ad = _adapter()
    tp = fp = fn = 0
    negative_hits = 0
    for row in _lines("mentions.jsonl"):
        gold = {(m["start"], m["end"]): m["canonical"] for m in row["mentions"]}
        pred = {(s, e): c for s, e, c in ad.find_mentions(row["text"])}
        tp += sum(1 for k, v in pred.items() if gold.get(k) == v)
        fp += sum(1 for k, v in pred.items() if gold.get(k) != v)
        fn += sum(1 for k, v in gold.items() if pred.get(k) != v)
        negative_hits += bool(pred) and not gold
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95
    assert negative_hits == 0
