"""The fifth held-back check set (tests/fixtures/observables/real_check5): thirteen real reports
labelled by hand while real_check4's error classes were being fixed, and never tuned on.

The floor guards against regressions only: it sits well below the figures measured once when the
set was made, on the code at commit bb2a1e0 (indicator P 0.891 R 0.901, reference accuracy 0.884,
benign accuracy 0.517 on 13 documents, 1861 indicators, 318 references, 178 benign values), by about three standard errors of each or more. Do not raise it
to what a change scores here, and do not change extractors to pass it: fix classes of error found
on the tuning sets.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ..conftest import REPO, shared_path

FIXTURES = REPO / "tests" / "fixtures" / "observables"
CHECK = FIXTURES / "real_check5"
EARLIER = (
    FIXTURES / "real",
    FIXTURES / "real_check",
    FIXTURES / "real_check2",
    FIXTURES / "real_check3",
    FIXTURES / "real_check4",
)
ROLES = {"indicator", "reference", "benign"}
#: Regression floors (see the module docstring): measured figure minus a wide margin.
FLOOR = {"precision": 0.82, "recall": 0.83, "reference_accuracy": 0.8, "benign_accuracy": 0.3}


def _load(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "observables_real", REPO / "benchmarks" / "observables_real.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["observables_real"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_check5_labels_are_well_formed_and_hold_no_report_text() -> None:
    labels = _load(CHECK)
    assert len(labels) >= 10
    formats = {label["document"]["format"] for label in labels}
    assert {"pdf", "text", "asciidoc", "stix2"} <= formats
    for label in labels:
        assert len(label["document"]["sha256"]) == 64
        seen = set()
        for o in label["observables"]:
            assert o["role"] in ROLES, o
            assert set(o) <= {"type", "value", "role", "reason", "offset", "context"}, (
                o
            )  # no found_before
            assert o["role"] == "indicator" or o.get("reason"), o
            assert len(o["value"]) < 1000, o  # values, not passages
            assert isinstance(o["offset"], int) and len(o["context"]) == 12, o
            k = (o["type"], o["value"].lower())
            assert k not in seen, k
            seen.add(k)


def test_check5_documents_are_held_back_from_the_earlier_sets() -> None:
    earlier = {label["document"]["sha256"] for directory in EARLIER for label in _load(directory)}
    check = [label["document"]["sha256"] for label in _load(CHECK)]
    assert len(set(check)) == len(check)
    assert not earlier & set(check)


@pytest.mark.shared
def test_unmask_stays_above_the_floor_on_the_fifth_held_back_set() -> None:
    corpus = shared_path("corpus")
    bench = _bench()
    scores = bench.run(_load(CHECK), Path(corpus), ["unmask"])
    figures = scores["unmask"].figures()
    for name, floor in FLOOR.items():
        assert figures[name] >= floor, (name, figures, scores["unmask"].errors[:20])
