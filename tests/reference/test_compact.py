"""Compiled reference structures that load fast must answer exactly as the plain ones."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from unmask.reference.geo import geo_gazetteer
from unmask.reference.malware import malware_gazetteer
from unmask.reference.orgs import org_gazetteer
from unmask.reference.phrase_index import PhraseIndex
from unmask.reference.sectors import sector_vocabulary
from unmask.reference.warninglists import StringTable, load_warninglists

KEYS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["example.com", "www.example.com", "", "a", "\u00e9t\u00e9.fr", "\U0001f600"]
)
IDS = st.lists(st.integers(0, 300), min_size=1, max_size=3).map(lambda xs: tuple(sorted(set(xs))))


@given(st.dictionaries(KEYS, IDS, max_size=40), st.lists(KEYS, max_size=10))
def test_string_table_is_the_dict(items: dict[str, tuple[int, ...]], probes: list[str]) -> None:
    table = pickle.loads(pickle.dumps(StringTable(items), protocol=pickle.HIGHEST_PROTOCOL))
    assert len(table) == len(items)
    assert list(table) == list(items)
    assert dict(table.items()) == items
    for key in [*items, *probes]:
        assert table.get(key) == items.get(key)
        assert table.get(key, ()) == items.get(key, ())
        assert (key in table) == (key in items)


def test_string_table_lone_surrogates_and_missing_keys() -> None:
    table = StringTable({"\ud800x": (1,), "x": (2,)})
    assert table["\ud800x"] == (1,)
    assert table.get("\udc00") is None
    assert 3 not in table  # type: ignore[comparison-overlap]
    empty = StringTable()
    assert len(empty) == 0 and empty.get("a", ()) == ()


def test_warninglists_still_answer() -> None:
    lists = load_warninglists()
    assert isinstance(lists.hosts, StringTable)
    assert lists.match_host("www.google.com")
    assert lists.match_host("no-such-host.invalid-tld-unmask") == ()
    assert lists.match_ip(int.from_bytes(bytes([8, 8, 8, 8]), "big"), 4)


def test_phrase_index_pickles_with_its_automaton() -> None:
    index = PhraseIndex({"South Korea": ("KR",), "Korea": ("KR",), "Turkey": ("TR",)})
    text = "Targets in South Korea and turkey; not Koreans."
    copy = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.find(text) == index.find(text)
    assert [h.surface for h in copy.find(text)] == ["South Korea", "turkey"]
    empty = pickle.loads(pickle.dumps(PhraseIndex({})))
    assert empty.find(text) == []


def test_gazetteers_carry_their_compiled_index() -> None:
    text = "The Lazarus group hit banks in South Korea and the Ministry of Defence with BabyShark."
    for gazetteer in (geo_gazetteer(), sector_vocabulary(), org_gazetteer(), malware_gazetteer()):
        index = gazetteer.index()
        assert index is gazetteer.index()  # one automaton per gazetteer, not rebuilt per call
        assert isinstance(index, PhraseIndex)
    assert any(h.surface == "South Korea" for h in geo_gazetteer().index().find(text))
    assert any(h.surface == "BabyShark" for h in malware_gazetteer().index().find(text))
