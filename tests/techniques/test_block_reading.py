"""The technique stage's long-document shortcuts give what the plain computations give.

The report features read the score matrix block by block, the sentence probabilities
are computed for the candidates' columns only, and the word senses are chosen by one
pass of their hints over each sentence: each must equal, bit for bit, what the whole
matrix or the per-sense string tests give."""

from __future__ import annotations

import numpy as np
import pytest

from unmask.extract import senses
from unmask.extract import techniques as tech


def _plain_top(z: np.ndarray) -> np.ndarray:
    best3 = -np.partition(-z, 2, axis=0)[:3] if len(z) > 3 else z
    return -np.sort(-best3, axis=0)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 31, 64])
def test_column_stats_across_block_edges(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of five rows: every way the last block can be short (one to three rows
    kept whole, four or more partitioned), with ties and the best rows in one block."""
    monkeypatch.setattr(tech, "_BLOCK", 5)
    rng = np.random.default_rng(n)
    z = rng.normal(size=(n, 23)).astype(np.float32)
    z[:, ::3] = np.round(z[:, ::3])  # ties
    z[: min(n, 3), 4] = 9.0  # the three best of a column in the first block
    z[-1:, 5] = 7.0  # the best in the last, short block
    best3, weak, strong = tech._column_stats(z)
    assert np.array_equal(-np.sort(-best3, axis=0), _plain_top(z))
    assert np.array_equal(weak, (z > -0.5).sum(axis=0))
    assert np.array_equal(strong, (z > 0.0).sum(axis=0))


def test_column_stats_of_one_score_repeated() -> None:
    """Every sentence alike (a text of one sentence repeated): the three best are that score."""
    z = np.full((5000, 4), -0.25, dtype=np.float32)
    best3, weak, strong = tech._column_stats(z)
    assert best3.shape == (3, 4) and np.all(best3 == np.float32(-0.25))
    assert weak.tolist() == [5000] * 4 and strong.tolist() == [0] * 4


def test_candidate_columns_score_as_the_whole_matrix() -> None:
    model = tech.load_model()
    rng = np.random.default_rng(3)
    z = (rng.normal(size=(300, len(model.labels))) * 4).astype(np.float32)
    whole = tech._sigmoid(z * model.sent_a + model.sent_b)
    for columns in ([0], [7, 8, 300], sorted(rng.choice(len(model.labels), 40, replace=False).tolist())):
        part = tech._sigmoid(z[:, columns] * model.sent_a + model.sent_b)
        assert np.array_equal(part.view(np.uint32), whole[:, columns].view(np.uint32))


def _plain_senses(text: str, hits: list[str]) -> list[int]:
    """Which senses apply_senses tried before the hint automaton (one string test per hint)."""
    lowered = text.lower()
    if senses._DROPPED.isdisjoint(hits) and not any(h in lowered for s in senses.SENSES for h in s.hints):
        return []
    out = []
    for number, sense in enumerate(senses.SENSES):
        if sense.drop and not sense.hints and sense.drop.isdisjoint(hits):
            continue
        if sense.hints and not any(h in lowered for h in sense.hints):
            continue
        out.append(number)
    return out


_SENTENCES = [
    "The dropper never touches the registry and cannot reach its server.",
    "Its configuration blob is XOR-scrambled, then sent over raw sockets.",
    "A loader with hardly any protection unpacked itself in memory.",
    "Nothing here; the operators simply logged in with a stolen password.",
    "Such implants are usually delivered through shared links (hxxp://a.example/x).",
    "Archived results were AES-encrypted before they were attached to outgoing mail.",
    "",
    "no no no not not never never never",
    "The analysts describe the design of the kit in kind of a hurry.",
]


@pytest.mark.parametrize("text", _SENTENCES)
def test_senses_tried_as_the_plain_hint_tests_choose(text: str) -> None:
    named = tech.name_hits(text)
    for hits in (named, [], ["T1033"], ["T1566", "T1219"], sorted(senses._DROPPED)):
        assert senses._senses_to_try(text.lower(), hits) == _plain_senses(text, hits)


def test_hinted_finds_overlapping_hints() -> None:
    # " des" inside " 3des", "no " at the very end of a longer hint's run
    found = senses._hinted("keys: 3des and des, rc4; no ")
    numbers = {n for n, s in enumerate(senses.SENSES) if {"rc4", " des", "no "} & set(s.hints)}
    assert numbers <= found
    assert senses._hinted("plain words only") == set()


def _plain_mask(piece: str, start: int, spans: list[tuple[int, int, str]]) -> str:
    """The opaque masking read span by span, every span (no look-up, no shortcut)."""
    chars = list(piece)
    end = start + len(piece)
    for s, e, kind in spans:
        if s >= end or e <= start:
            continue
        lo, hi = max(s, start) - start, min(e, end) - start
        if kind == "url":
            chars[lo:hi] = " " * (hi - lo)
        elif kind == "domain":
            name = piece[lo:hi].rstrip("]).")
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix and suffix not in tech._FILE_SUFFIXES:
                chars[lo:hi] = " " * (hi - lo)
    return "".join(chars)


def test_masking_skips_only_pieces_no_span_touches() -> None:
    rng = np.random.default_rng(11)
    words = ["run", "a.example.org", "tool.exe", "hxxp://x.test/a", "and", "b.net", "the"]
    text = " ".join(rng.choice(words) for _ in range(400))
    spans: list[tuple[int, int, str]] = []
    at = 0
    for word in text.split(" "):
        if "." in word:
            spans.append((at, at + len(word), "url" if word.startswith("hxxp") else "domain"))
        at += len(word) + 1
    starts = [s for s, _e, _k in spans]
    for _ in range(3000):
        a = int(rng.integers(0, len(text)))
        b = int(rng.integers(a, min(len(text), a + 60) + 1))
        assert tech.mask_opaque(text[a:b], a, spans, starts) == _plain_mask(text[a:b], a, spans)


def test_scores_lowered_in_place_as_in_a_copy() -> None:
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(6, 4)).astype(np.float32)
    stances = [None, "analyst", None, None, "claim", None]
    dropped = [frozenset(), frozenset(["b"]), frozenset(["a", "d"]), frozenset(), frozenset(), frozenset(["z"])]
    copy = senses.lower_scores(scores, stances, dropped, ["a", "b", "c", "d"])
    assert not np.array_equal(copy, scores)  # the input is left as it was
    own = scores.copy()
    lowered = senses.lower_scores(own, stances, dropped, ["a", "b", "c", "d"], in_place=True)
    assert lowered is own and np.array_equal(own, copy)
    frozen = scores.copy()
    frozen.flags.writeable = False  # a read-only matrix is copied even when asked
    assert np.array_equal(senses.lower_scores(frozen, stances, dropped, ["a", "b", "c", "d"], in_place=True), copy)
