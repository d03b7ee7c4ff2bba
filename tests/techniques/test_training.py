"""The training script's data guard and fitting code, on small synthetic data."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import REPO
from unmask.extract import techniques as tech

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def train_mod() -> ModuleType:
    path = REPO / "scripts" / "train_techniques.py"
    spec = importlib.util.spec_from_file_location("train_techniques_under_test", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_load_tram_reads_only_tram_development_rows(train_mod: ModuleType, tmp_path: Path) -> None:
    rows = [
        {"source": "tram2", "split": "dev", "doc_id": "a", "text": "keep me", "techniques": ["T1086"]},
        {"source": "tram2", "split": "test", "doc_id": "b", "text": "test row", "techniques": []},
        {"source": "annoctr", "split": "dev", "doc_id": "c", "text": "cc-by-sa", "techniques": []},
    ]
    (tmp_path / "sentences.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    got = train_mod.load_tram(tmp_path)
    assert [e.text for e in got] == ["keep me"]
    assert got[0].labels == ("T1059.001",)  # revoked id resolved


def _examples(train_mod: ModuleType) -> list[object]:
    ex = train_mod.Example
    out = []
    for i in range(12):
        out.append(ex(f"the loader created a scheduled task number {i}", ("T1053.005",), 1.0, f"d{i % 4}"))
        out.append(ex(f"keystrokes were logged by the keylogger {i}", ("T1056.001",), 1.0, f"d{i % 4}"))
        out.append(ex(f"the company published quarterly results {i}", (), 1.0, f"d{i % 4}"))
    return out


def test_fit_linear_learns_and_round_trips(train_mod: ModuleType, tmp_path: Path) -> None:
    examples = _examples(train_mod)
    feats = [tech.sentence_features(e.text, tech.name_hits(e.text)) for e in examples]
    labels = ["T1053.005", "T1056.001"]
    lin = train_mod.fit_linear(examples, feats, labels, keep=50)
    model = lin.as_model("18.1")
    probe = [tech.sentence_features("a scheduled task was created"), tech.sentence_features("results")]
    z = model.scores(probe)
    assert z[0, 0] > z[1, 0]
    assert z[0, 0] > z[0, 1]
    out = tmp_path / "m.npz"
    tech.save_model(model, out)
    again = tech.read_model(out)
    np.testing.assert_allclose(again.scores(probe), z, atol=2e-2)
    assert int(np.diff(lin.ptr).max()) <= len(labels)


def test_label_priors_and_folds(train_mod: ModuleType) -> None:
    examples = _examples(train_mod)
    prior = train_mod.label_priors(examples, ["T1053.005", "T1056.001", "T1566"])
    assert prior[0] == pytest.approx(1.0)
    assert prior[2] == pytest.approx(1.0)  # unseen: the median share of seen labels
    folds = {train_mod.fold_of(f"doc-{i}", 5) for i in range(50)}
    assert folds == set(range(5))
    assert train_mod.fold_of("doc-1", 5) == train_mod.fold_of("doc-1", 5)
