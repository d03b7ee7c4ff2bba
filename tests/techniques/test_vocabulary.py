"""The model's Vocabulary answers exactly as the dict it replaces, in both of its modes."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.extract.techniques import Vocabulary

WORDS = st.lists(st.text("abcxyz019_.- <>:", min_size=1, max_size=12), unique=True, max_size=60)


@given(WORDS, st.lists(st.text("abcxyz019_.- <>:\x00é", max_size=16), max_size=30))
def test_ids_match_a_dict(words: list[str], probes: list[str]) -> None:
    as_dict = dict(zip(words, range(len(words)), strict=True))
    vocab = pickle.loads(pickle.dumps(Vocabulary(words)))
    queries = [*words, *probes, "x" * 40]
    assert vocab.ids(queries).tolist() == [as_dict.get(q, -1) for q in queries]
    assert vocab.words() == words
    assert len(vocab) == len(words)
    for q in queries:
        assert (q in vocab) == (q in as_dict)


def test_switches_to_a_dict_on_long_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [f"w{i}" for i in range(50)]
    vocab = Vocabulary(words)
    monkeypatch.setattr(Vocabulary, "DICT_AFTER", 10)
    queries = ["w3", "nope", "w49", "w3"] * 5
    expected = [3, -1, 49, 3] * 5
    assert vocab.ids(queries).tolist() == expected  # crosses the threshold: dict from here on
    assert vocab.ids(queries).tolist() == expected
    assert vocab["w7"] == 7
    with pytest.raises(KeyError):
        _ = vocab["w50"]
    again = pickle.loads(pickle.dumps(vocab))  # the dict is rebuilt on demand, not pickled
    assert again.ids(["w1", "zz"]).tolist() == [1, -1]
