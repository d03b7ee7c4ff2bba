"""The technique model's sentence scores in the compiled core (rust/src/scores.rs) and
the report features read from them."""

from __future__ import annotations

import numpy as np
import pytest

import unmask.extract.techniques as tech

_TEXTS = [
    "The actor sent spear-phishing e-mails with a malicious attachment to the ministry.",
    "It created a scheduled task and ran rundll32.exe to load the second stage.",
    "The loader decodes its configuration with base64 and XOR before contacting the C2 server.",
    "",
    "Results follow in the next section of this report, with tables and figures.",
    "Lateral movement used PsExec and stolen credentials; data was staged in a RAR archive.",
]


def _scatter(model: tech.TechniqueModel, ptr: np.ndarray, ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each sentence's scores entry by entry: float32 products added in float64 in the
    sentence's feature order (what the core promises)."""
    out = np.zeros((len(ptr) - 1, len(model.labels)), dtype=np.float32)
    for i in range(len(ptr) - 1):
        f = ids[ptr[i]:ptr[i + 1]]
        wt = (1.0 + np.log(counts[ptr[i]:ptr[i + 1]].astype(np.float32))) * model.idf[f]
        norm = np.sqrt(np.sum((wt * wt).astype(np.float64)))
        sums = np.zeros(len(model.labels), dtype=np.float64)
        for feature, weight in zip(f.tolist(), wt, strict=True):
            w = np.float32(np.float64(weight) / norm)
            a, b = model.ptr[feature], model.ptr[feature + 1]
            sums[model.cols[a:b]] += (w * model.vals[a:b]).astype(np.float64)
        out[i] = sums.astype(np.float32) + model.bias
    return out


def test_scores_are_each_sentences_own_scatter() -> None:
    model = tech.load_model()
    counted = tech._counter(model.vocab).sentence_counts(_TEXTS, tech.names_in(_TEXTS), tech.CONTEXT)
    ptr, ids, counts = (np.frombuffer(b, dtype="<i8") for b in counted)
    fast = model.scores_of_counts(*counted)
    assert np.array_equal(fast, _scatter(model, ptr, ids, counts))
    # one sentence alone scores as it does among others
    alone = model.scores(tech.with_context([tech.sentence_features(_TEXTS[1], tech.name_hits(_TEXTS[1]))]))
    among = model.scores(tech.with_context([tech.sentence_features(t, tech.name_hits(t)) for t in _TEXTS]))
    assert fast.flags.writeable and alone.shape == (1, len(model.labels))
    assert not np.array_equal(alone[0], among[1])  # the neighbours' words are features
    solo = model.scores([tech.sentence_features(_TEXTS[1], tech.name_hits(_TEXTS[1]))] * 3)
    assert np.array_equal(solo[0], solo[2])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9, 200])
def test_doc_features_take_the_best_three_as_a_full_sort_does(n: int) -> None:
    """The report features read the three best sentence scores per label from a
    partition; they equal those of sorting every sentence (ties included)."""
    import numpy as np

    model = tech.load_model()
    rng = np.random.default_rng(n)
    z = rng.normal(size=(n, len(model.labels))).astype(np.float32)
    z[:, ::7] = np.round(z[:, ::7])  # ties
    ev = tech.SentenceEvidence(z, [[] for _ in range(n)], [[] for _ in range(n)])
    feats = tech.doc_features(model, ev)
    top = -np.sort(-z, axis=0)[:3]
    assert np.array_equal(feats[:, 0], top[0])
    assert np.array_equal(feats[:, 1], top[1] if n > 1 else top[0] - 1.0)
    assert np.array_equal(feats[:, 2], top.mean(axis=0))
    assert feats[0, 8] == np.float32(np.sort(top[0])[-10:].mean())
