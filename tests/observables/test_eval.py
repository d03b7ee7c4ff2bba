"""The shared IOC evaluation (peers' own test suites) and the seed article."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from unmask.extract.observables import extract_observables

from ..conftest import REPO, shared_path

pytestmark = pytest.mark.shared


def _load(name: str, path: object) -> object:
    spec = importlib.util.spec_from_file_location(name, str(path))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ioc_eval_meets_the_targets() -> None:
    folder = shared_path("eval", "ioc")
    sys.path.insert(0, str(folder))
    try:
        harness = _load("ioc_run_eval", folder / "run_eval.py")
    finally:
        sys.path.remove(str(folder))
    adapter = _load("ioc_adapter", REPO / "benchmarks" / "adapters" / "ioc_adapter.py")
    cases = [json.loads(line) for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    result, _ = harness.evaluate(adapter, cases)  # type: ignore[attr-defined]
    assert result["errors"] == 0
    assert result["micro"]["f1"] >= 0.97
    for kind, scores in result["per_type"].items():
        if scores["cases"] >= 5:
            assert scores["f1"] >= 0.95, (kind, scores)


def test_seed_article_yields_no_indicators(seed_text: str) -> None:
    assert [o for o in extract_observables(seed_text) if o.is_indicator] == []
