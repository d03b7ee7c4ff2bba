"""Adapter for ../shared/eval/ttp/run_eval.py: unmask's technique stage, cross-validated.

usage (from the eval folder):
    python run_eval.py /path/to/repo/benchmarks/adapters/ttp_adapter.py --split dev

Protocol (no report is scored by a model trained on it):
* TRAM 2 development reports are split into k=5 folds by report (a hash of the report
  id, ``fold_of`` in scripts/train_techniques.py). Fold k is scored by a model trained
  by the training script's code on the other folds plus ATT&CK text, calibrated
  (Platt scaling, report-level logistic model, threshold, label priors) on the
  out-of-fold scores of the other folds only.
* AnnoCTR reports (never trained on) are scored by the model trained on all TRAM dev
  reports and calibrated on all out-of-fold scores: the shipped model's recipe.

Each report's sentences go through the report-level aggregation of
``unmask.extract.techniques.aggregate``; a sentence is predicted a technique when it is
evidence for a technique accepted for its report. The training run is cached under
``$UNMASK_BENCH_CACHE`` (default ``~/.cache/unmask-bench``), keyed by the training code,
the extractor code and the data; ``scripts/train_techniques.py --cv-cache DIR`` fills
the same cache. ``TTP_SHIPPED=1`` scores everything with the shipped model instead
(not cross-validated for TRAM).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from unmask.extract import techniques as tech  # noqa: E402

FOLDS = 5
_EVIDENCE = 50  # every supporting sentence, for the sentence-level scores


def _train_module() -> ModuleType:
    if "train_techniques" in sys.modules:
        return sys.modules["train_techniques"]
    path = REPO / "scripts" / "train_techniques.py"
    spec = importlib.util.spec_from_file_location("train_techniques", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_techniques"] = mod
    spec.loader.exec_module(mod)
    return mod


class _Unpickler(pickle.Unpickler):
    """Reads runs pickled by the training script run as __main__."""

    def __init__(self, fh: Any, train: ModuleType) -> None:
        super().__init__(fh)
        self._train = train

    def find_class(self, module: str, name: str) -> Any:
        if module in ("__main__", "train_techniques") and hasattr(self._train, name):
            return getattr(self._train, name)
        return super().find_class(module, name)


def _data_dir() -> Path:
    default = REPO.parent / "shared" / "eval" / "ttp"
    return Path(os.environ.get("TTP_DATA", str(default)))


def _cross_validated(data_dir: Path) -> Any:
    tr = _train_module()
    cache = Path(os.environ.get("UNMASK_BENCH_CACHE", Path.home() / ".cache" / "unmask-bench"))
    path = tr.cv_cache_path(data_dir, cache)
    if path.is_file():
        with path.open("rb") as fh:
            return _Unpickler(fh, tr).load()
    result = tr.cross_validate(data_dir, FOLDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(result, fh)
    return result


def predict(texts: list[str]) -> list[list[str]]:
    data_dir = _data_dir()
    with (data_dir / "sentences.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_text[r["text"]].append(r)
    # Find each text's report (run_eval passes the rows in file order).
    aligned: list[dict[str, Any] | None] = []
    seen: dict[str, int] = defaultdict(int)
    for t in texts:
        cands = by_text.get(t, [])
        k = seen[t]
        aligned.append(cands[k] if k < len(cands) else (cands[-1] if cands else None))
        seen[t] += 1
    if os.environ.get("TTP_SHIPPED") == "1":
        per_fold: list[tech.TechniqueModel] = []
        full = tech.load_model()
        folds = FOLDS
    else:
        cv = _cross_validated(data_dir)
        per_fold, full, folds = cv.per_fold, cv.full, cv.folds
    fold_of = _train_module().fold_of
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(aligned):
        groups[r["doc_id"] if r else f"?{i}"].append(i)
    out: list[list[str]] = [[] for _ in texts]
    for doc_id, idx in groups.items():
        row = aligned[idx[0]]
        if per_fold and row is not None and row["source"] == "tram2":
            model = per_fold[fold_of(doc_id, folds)]
        else:
            model = full
        ev = tech.sentence_evidence(model, [texts[i] for i in idx])
        for dec in tech.aggregate(model, ev, max_evidence=_EVIDENCE):
            for j, _method, _conf in dec.evidence:
                out[idx[j]].append(dec.technique_id)
    return out
