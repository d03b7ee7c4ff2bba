"""Spelling variants other vendors write for a known name (issue 18).

Tables nobody tuned for spell a known name their own way: a number padded with zeros
or not ("DEV-500" for "DEV-0500"), an "Operation ..." or "... campaign" wrapper, a
filler word glued on in camel case ("SomethingTeam"). One key covers them, in
lookups and in text alike, and it must not merge two actors.
"""

from __future__ import annotations

import pytest

from unmask.extract.actors import extract_actors
from unmask.reference.actors import ActorGraph, ActorSources, Cluster, build_actor_graph

ATTACK = "mitre-attack"
TA = "misp-galaxy:threat-actor"


def _graph() -> ActorGraph:
    return build_actor_graph(
        ActorSources(
            clusters=(
                Cluster(ATTACK, "a1", "Tawny Shrike", ("Tawny Shrike", "DEV-0712"), attack_id="G9201"),
                Cluster(ATTACK, "a2", "Gravel Moth", ("Gravel Moth", "UNC0481"), attack_id="G9202"),
                Cluster(ATTACK, "a3", "Tin Lantern", ("Tin Lantern", "DEV-0071"), attack_id="G9203"),
                Cluster(ATTACK, "a4", "PaleComet", ("PaleComet",), attack_id="G9204"),
            )
        )
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("DEV-712", "G9201"),
        ("dev 712", "G9201"),
        ("UNC481", "G9202"),
        ("DEV-71", "G9203"),
        ("DEV-00071", "G9203"),
        ("Operation Gravel Moth", "G9202"),
        ("the Tawny Shrike campaign", "G9201"),
        ("PaleCometTeam", "G9204"),
        ("PaleComet Group", "G9204"),
    ],
)
def test_variant_spelling_resolves_to_the_named_actor(written: str, expected: str) -> None:
    actor = _graph().resolve(written)
    assert actor is not None and actor.id == expected


@pytest.mark.parametrize("written", ["DEV-7120", "DEV-0713", "UNC4810", "DEV-710", "Operation", "campaign"])
def test_other_numbers_and_bare_filler_words_stay_unknown(written: str) -> None:
    assert _graph().resolve(written) is None


def test_zero_padding_merges_no_two_actors() -> None:
    # DEV-0071 and DEV-0712 differ once zeros go: they stay two actors
    graph = _graph()
    assert len(graph.actors) == 4
    a, b = graph.resolve("DEV-71"), graph.resolve("DEV-712")
    assert a is not None and b is not None and a.id != b.id


def test_unpadded_designation_is_found_in_text_as_its_actor() -> None:
    graph = _graph()
    found = extract_actors("The intrusion was attributed to DEV-712 by the responders.", graph=graph)
    assert [(m.surface, m.actor_id) for m in found.mentions] == [("DEV-712", "G9201")]


@pytest.mark.parametrize(
    "written",
    ["Gravel Moth hackers", "the Gravel Moth hacking group", "Gravel Moth espionage group",
     "Gravel Moth cyber espionage group", "Gravel Moth ransomware gang", "Gravel Moth threat cluster"],
)
def test_descriptive_tail_is_filler_in_lookups(written: str) -> None:
    actor = _graph().resolve(written)
    assert actor is not None and actor.id == "G9202"


def test_galaxy_cluster_named_operation_or_ransomware_group_joins_its_actor() -> None:
    # a campaign's cluster ("Operation X") and a "X Ransomware Group" cluster are no
    # second actor beside X; their other names follow
    graph = build_actor_graph(
        ActorSources(
            clusters=(
                Cluster(ATTACK, "a1", "Sable Kettle", ("Sable Kettle",), attack_id="G9211"),
                Cluster(TA, "t1", "Operation Sable Kettle", ("Operation Sable Kettle", "Mossy Lark")),
                Cluster(TA, "t2", "Fernbolt", ("Fernbolt",)),
                Cluster(TA, "t3", "Fernbolt Ransomware Group", ("Fernbolt Ransomware Group", "Ash Wren")),
            )
        )
    )
    assert len(graph.actors) == 2
    lark, wren = graph.resolve("Mossy Lark"), graph.resolve("Ash Wren")
    assert lark is not None and lark.id == "G9211"
    fernbolt = graph.resolve("Fernbolt")
    assert wren is not None and fernbolt is not None and wren.id == fernbolt.id


@pytest.mark.parametrize(
    "cell",
    ["Gravel Moth / UNC0481", "Gravel Moth aka UNC481", "UNC0481; Gravel Moth", "Gravel Moth, a.k.a. UNC0481",
     "Gravel Moth also known as UNC0481", "Gravel Moth UNC0481", "UNC0481 Gravel Moth", "Gravel Moth / Brandnewname"],
)
def test_cell_listing_names_of_one_actor_resolves_to_it(cell: str) -> None:
    actor = _graph().resolve(cell)
    assert actor is not None and actor.id == "G9202"


@pytest.mark.parametrize(
    "cell", ["Gravel Moth / Tawny Shrike", "Gravel Moth or DEV-0712", "Gravel Moth Tawny Shrike", "Gravel Moth Brandnewname"]
)
def test_cell_listing_names_of_two_actors_or_an_unknown_word_means_no_actor(cell: str) -> None:
    # a list never merges two actors; side by side, both halves must be known names
    assert _graph().resolve(cell) is None
