"""The technique features computed by the compiled core: tokens as the documented
regex gives them, whole-sentence counts equal to counting the feature lists, and the
scores of the shipped model on real report text."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask import _core
from unmask.extract import techniques as tech

#: The token rule as docs/techniques.md states it (the test's oracle, not a second path).
TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|\d+")
TEXT = st.lists(st.sampled_from([*"aZk.-_ 09\n:", "İ", "K", "Σ", "é", "٣", "ǅ", "ﬁ", "\xa0", "x" * 31]),
                max_size=60).map("".join)


def _oracle_tokens(text: str) -> list[str]:
    return ["0" if t[0].isdigit() else t for t in TOKEN.findall(text.lower()) if len(t) <= 30]


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_words_are_the_documented_tokens(text: str) -> None:
    words = [f for f in tech.sentence_features(text) if " " not in f and ":" not in f]
    assert words == _oracle_tokens(text)


def test_features_of_a_sentence() -> None:
    assert tech.sentence_features("Ran RUNDLL32.EXE twice in 2024.", ["T1218.011"]) == [
        "ran", "rundll32.exe", "twice", "in", "0",
        "ran rundll32.exe", "rundll32.exe twice", "twice in", "in 0",
        "ext:exe", "syn:T1218.011",
    ]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=8), st.booleans())
def test_sentence_counts_equal_counting_the_feature_lists(texts: list[str], context: bool) -> None:
    hits = [["T1055"] if "k" in t else [] for t in texts]
    feats = [tech.sentence_features(t, h) for t, h in zip(texts, hits, strict=True)]
    lists = _core.with_context(feats) if context else feats
    vocab = sorted({f for fl in lists for f in fl})[::2]  # some features unknown
    rows = {f: i for i, f in enumerate(vocab)}
    ptr_le, ids_le, counts_le = _core.TechniqueFeatures(vocab).sentence_counts(texts, hits, context)
    ptr, ids, counts = (np.frombuffer(b, dtype="<i8").tolist() for b in (ptr_le, ids_le, counts_le))
    assert len(ptr) == len(texts) + 1
    for i, fl in enumerate(lists):
        expected = Counter(rows[f] for f in fl if f in rows)
        assert list(zip(ids[ptr[i]:ptr[i + 1]], counts[ptr[i]:ptr[i + 1]], strict=True)) == list(expected.items())


def test_scores_of_the_fast_path_equal_scores_of_feature_lists() -> None:
    model = tech.load_model()
    texts = ["The actor sent spearphishing e-mails with a malicious attachment.",
             "It created a scheduled task for persistence and ran rundll32.exe.", "", "Results follow."]
    named = [tech.name_hits(t) for t in texts]
    fast = tech.sentence_evidence(model, texts).scores
    lists = tech.with_context([tech.sentence_features(t, h) for t, h in zip(texts, named, strict=True)])
    assert np.array_equal(fast, model.scores(lists))
    assert fast.shape == (4, len(model.labels))


def test_bad_buffers_fail_as_core_errors() -> None:
    import pytest

    def le(*values: int) -> bytes:
        return np.array(values, dtype="<i8").tobytes()

    one = np.array([1.0], dtype=np.float32)
    model = (one, np.array([0, 1], dtype=np.int64), np.array([0], dtype=np.int32), one, one)
    assert _core.technique_scores(le(0, 1), le(0), le(1), np.array([0.0], dtype=np.float32), *model)
    with pytest.raises(_core.CoreError, match="out of range"):  # feature 5 of a one-row model
        _core.technique_scores(le(0, 1), le(5), le(1), np.array([0.0], dtype=np.float32), *model)
    with pytest.raises(_core.CoreError, match="out of range"):  # a count without its logarithm
        _core.technique_scores(le(0, 1), le(0), le(3), np.array([0.0], dtype=np.float32), *model)
    with pytest.raises(_core.CoreError):  # a label past the bias
        _core.technique_scores(le(0, 1), le(0), le(1), np.array([0.0], dtype=np.float32), one,
                               model[1], np.array([4], dtype=np.int32), one, one)
    with pytest.raises(_core.CoreError):
        _core.TechniqueFeatures.from_fixed(b"abc", 2, np.array([0], dtype="<i8").tobytes())
