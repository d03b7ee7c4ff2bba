"""The model's Vocabulary answers exactly as the dict it replaces (look-ups and counts go
through the compiled core's table, built from the pickled buffers)."""

from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from unmask.extract.techniques import Vocabulary

WORDS = st.lists(st.text("abcxyz019_.- <>:", min_size=1, max_size=12), unique=True, max_size=60)


@given(WORDS, st.lists(st.text("abcxyz019_.- <>:\x00é", max_size=16), max_size=30))
def test_lookups_and_counts_match_a_dict(words: list[str], probes: list[str]) -> None:
    as_dict = dict(zip(words, range(len(words)), strict=True))
    vocab = pickle.loads(pickle.dumps(Vocabulary(words)))
    queries = [*words, *probes, "x" * 40]
    assert [vocab.get(q, -1) for q in queries] == [as_dict.get(q, -1) for q in queries]
    assert vocab.words() == words
    assert len(vocab) == len(words)
    for q in queries:
        assert (q in vocab) == (q in as_dict)
    # Counts per list: known rows in order of first occurrence, as collections.Counter.
    lists = [queries, probes, [], words[:3] * 2]
    ptr_le, ids_le, counts_le = vocab.core().count_lists(lists)
    ptr, ids, counts = (np.frombuffer(b, dtype="<i8").tolist() for b in (ptr_le, ids_le, counts_le))
    for i, fl in enumerate(lists):
        expected = Counter(as_dict[f] for f in fl if f in as_dict)
        assert list(zip(ids[ptr[i]:ptr[i + 1]], counts[ptr[i]:ptr[i + 1]], strict=True)) == list(expected.items())


def test_the_compiled_table_is_rebuilt_after_pickling() -> None:
    vocab = Vocabulary([f"w{i}" for i in range(50)])
    assert vocab["w7"] == 7
    again = pickle.loads(pickle.dumps(vocab))  # the table is rebuilt on demand, not pickled
    assert again["w49"] == 49 and "zz" not in again
