"""Name normalisation a reader applies: spellings, filler words, citations, renames."""

from __future__ import annotations

import pytest

from unmask.extract.actors import find_actors
from unmask.reference.actors import (
    ActorGraph,
    ActorSources,
    Cluster,
    build_actor_graph,
    resolve_actor,
)

ATTACK = "mitre-attack"
TA = "misp-galaxy:threat-actor"


def _graph() -> ActorGraph:
    return build_actor_graph(
        ActorSources(
            clusters=(
                Cluster(ATTACK, "a1", "Ochre Lynx", ("Ochre Lynx", "APT77"), attack_id="G9101"),
                Cluster(ATTACK, "a2", "Quillfish", ("Quillfish",), attack_id="G9102"),
                # a galaxy cluster whose own name differs only by a trailing filler word
                Cluster(TA, "t1", "Quillfish APT", ("Quillfish APT", "Salt Marten")),
                Cluster(TA, "t2", "Ochre Lynx Crew", ("Ochre Lynx Crew", "Dune Heron")),
            )
        )
    )


@pytest.mark.parametrize(
    "spelling", ["Ochre Lynx crew", "the Ochre Lynx Crew", "Quillfish APT", "Quillfish crew"]
)
def test_crew_and_apt_are_filler_words_in_lookups(spelling: str) -> None:
    graph = _graph()
    expected = "G9101" if spelling.lower().count("ochre") else "G9102"
    actor = graph.resolve(spelling)
    assert actor is not None and actor.id == expected


def test_cluster_named_with_crew_or_apt_joins_the_actor_of_its_name() -> None:
    graph = _graph()
    dune, salt = graph.resolve("Dune Heron"), graph.resolve("Salt Marten")
    assert dune is not None and dune.id == "G9101"
    assert salt is not None and salt.id == "G9102"
    assert len(graph.actors) == 2


@pytest.mark.parametrize(
    "written",
    ["APT77 (Citation: Some Vendor 2019)", "Ochre Lynx (Citation: A Blog)", "APT77 (Deprecated)"],
)
def test_citation_and_status_suffix_are_not_part_of_a_looked_up_name(written: str) -> None:
    actor = _graph().resolve(written)
    assert actor is not None and actor.id == "G9101"


def test_unknown_name_with_citation_stays_unknown() -> None:
    assert _graph().resolve("Nobody Here (Citation: X)") is None


# ------------------------------------------------------------ installed reference data


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("APT 43", "APT43"),
        ("APT-43", "apt43"),
        ("DEV-0558", "Storm-0558"),
        ("THALLIUM", "Emerald Sleet"),
        ("STRONTIUM", "Forest Blizzard"),
        ("NOBELIUM", "Midnight Blizzard"),
        ("TG-3390", "Threat Group-3390"),
        ("UNC 2452", "UNC2452"),
        ("TEMP Veles", "TEMP.Veles"),
        ("Turla Group", "Turla"),
        ("the Turla gang", "Turla"),
        ("Turla crew", "Turla"),
        ("APT1 (Citation: Mandiant APT1)", "APT1"),
    ],
)
def test_installed_graph_normalises_vendor_spellings(left: str, right: str) -> None:
    a, b = resolve_actor(left), resolve_actor(right)
    assert a is not None and b is not None and a.id == b.id


def test_citation_in_text_is_not_part_of_the_mention() -> None:
    mentions = find_actors("APT1 (Citation: Mandiant APT1) ran long campaigns.")
    assert [m.surface for m in mentions] == ["APT1"]


def test_secureworks_ctg_designation_a_source_lists_is_read_in_text() -> None:
    listed = [n for a in _installed_actors() for n in a if n.upper().startswith("CTG-")]
    assert listed, "some source lists a CTG- designation"
    name = listed[0]
    mentions = find_actors(f"Researchers linked {name} to the intrusion.")
    actor = resolve_actor(name)
    assert actor is not None
    assert [(m.surface, m.actor_id) for m in mentions] == [(name, actor.id)]
    alias = actor.alias(name)
    assert alias is not None and alias.vendor == "Secureworks"


def test_unlisted_ctg_designation_is_not_invented() -> None:
    listed = {n.upper() for a in _installed_actors() for n in a}
    unlisted = next(f"CTG-{i:04d}" for i in range(1000, 10000) if f"CTG-{i:04d}" not in listed)
    assert resolve_actor(unlisted) is None
    assert find_actors(f"Researchers linked {unlisted} to the intrusion.") == []


def _installed_actors() -> list[list[str]]:
    from unmask.reference.actors import load_actor_graph

    return [[x.name for x in a.aliases] for a in load_actor_graph().actors.values()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said the Lazarus gang moved the money.", ["G0032"]),
        ("The Lazarus crew moved the money.", ["G0032"]),
        ("the lazarus gang moved the money.", []),  # a word-risk name still needs its capital
        ("Lazarus rose from the dead.", []),  # no actor noun, no threat words
        ("The Equation group of the textbook is solved.", []),  # 'group' is no actor noun here
    ],
)
def test_word_risk_name_before_gang_or_crew_is_an_actor(text: str, expected: list[str]) -> None:
    assert [m.actor_id for m in find_actors(text)] == expected
