"""PhraseIndex.find resolves overlapping phrases longest first, then left to right, by
marking the characters each kept phrase claims (issue 25: the sorted range list it kept
before inserted in its middle for every phrase, quadratic on text dense with places).
Checked against that range-list resolution on random text made of overlapping phrases."""

from __future__ import annotations

import random

from unmask.reference.phrase_index import PhraseHit, PhraseIndex, SpanSet, fold

PHRASES = {
    "new": ["N"], "york": ["Y"], "new york": ["NY"], "york city": ["YC"], "new york city": ["NYC"],
    "city": ["C"], "south": ["S"], "south korea": ["SK"], "korea": ["K"], "north korea": ["NK"],
    "north": ["NO"], "new south wales": ["NSW"], "wales": ["W"], "south wales": ["SW"],
}


def _by_ranges(index: PhraseIndex, text: str) -> list[tuple[int, int, str]]:
    """The resolution with a range list, candidates taken from a search of every phrase."""
    folded = fold(text)
    candidates = []
    for phrase in PHRASES:
        at = folded.find(phrase)
        while at != -1:
            end = at + len(phrase)
            if not (at > 0 and folded[at - 1].isalnum()) and not (end < len(folded) and folded[end].isalnum()):
                candidates.append((at, end))
            at = folded.find(phrase, at + 1)
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = SpanSet()
    kept = []
    for start, end in candidates:
        if not taken.overlaps(start, end):
            taken.add(start, end)
            kept.append((start, end, text[start:end]))
    return sorted(kept)


def _spans(hits: list[PhraseHit]) -> list[tuple[int, int, str]]:
    return [(h.start, h.end, h.surface) for h in hits]


def test_dense_overlapping_phrases_resolve_as_the_range_list_did() -> None:
    index = PhraseIndex(PHRASES)
    rng = random.Random(25)
    words = ["new", "york", "city", "south", "korea", "north", "wales", "and", "New", "York", "SOUTH"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 40)))
        assert _spans(index.find(text)) == _by_ranges(index, text), text


def test_the_longest_phrase_wins_then_the_leftmost() -> None:
    index = PhraseIndex(PHRASES)
    assert [h.keys for h in index.find("new york city")] == [("NYC",)]
    assert [h.keys for h in index.find("new south wales")] == [("NSW",)]
    # each name whole, none of its parts
    assert [h.keys for h in index.find("north korea new york city south korea")] == [("NK",), ("NYC",), ("SK",)]
