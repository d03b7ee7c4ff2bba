"""Identity from claims, on small synthetic sources (no reference data needed)."""

from __future__ import annotations

from unmask.reference.actors import ActorSources, Cluster, build_actor_graph

ATTACK = "mitre-attack"
TA = "misp-galaxy:threat-actor"


def _sources() -> ActorSources:
    return ActorSources(
        (
            Cluster(ATTACK, "a1", "Alpha", ("Alpha", "Red Fox", "APT90"), attack_id="G9001"),
            Cluster(ATTACK, "a2", "Beta", ("Beta", "Blue Owl"), attack_id="G9002"),
            Cluster(ATTACK, "a3", "Old Alpha", ("Old Alpha",), attack_id="G9003", revoked_by="G9001"),
            # a galaxy cluster whose own name is an ATT&CK alias: joins Alpha
            Cluster(TA, "t1", "Red Fox", ("Red Fox", "Crimson Den", "Shared Storm"), country="KP"),
            # another one lists the same shared synonym: ambiguous, not a bridge
            Cluster(TA, "t2", "Beta", ("Beta", "Shared Storm")),
            # a sub-group with no identity of its own, part of Alpha
            Cluster(TA, "t3", "TA999", ("TA999",), related=(("part-of", "t1", "likely"),)),
            # an actor nobody else knows
            Cluster(TA, "t4", "Lonely Heron", ("Lonely Heron", "Heron Team")),
        ),
        countries={"KP": "Korea (Democratic People's Republic of)"},
    )


def test_clusters_join_the_actor_owning_their_own_name() -> None:
    graph = build_actor_graph(_sources())
    alpha = graph.resolve("Crimson Den")
    assert alpha is not None and alpha.id == "G9001"
    assert alpha.country == "North Korea"


def test_shared_synonym_stays_ambiguous() -> None:
    graph = build_actor_graph(_sources())
    lookup = graph.lookup("Shared Storm")
    assert lookup.ambiguous
    assert {c.actor_id for c in lookup.candidates} == {"G9001", "G9002"}
    assert graph.resolve("Alpha").id != graph.resolve("Beta").id


def test_part_of_folds_into_the_parent_with_its_claimant() -> None:
    graph = build_actor_graph(_sources())
    actor = graph.resolve("TA999")
    assert actor is not None and actor.id == "G9001"
    alias = actor.alias("TA999")
    assert alias is not None and alias.relation == "part-of"
    assert alias.claims[0].source == TA


def test_revoked_group_redirects() -> None:
    graph = build_actor_graph(_sources())
    assert graph.get("G9003").id == "G9001"
    assert graph.resolve("Old Alpha").id == "G9001"


def test_slug_for_unanchored_actor_and_without() -> None:
    graph = build_actor_graph(_sources())
    assert graph.resolve("Heron Team").id == "lonely-heron"
    smaller = graph.without("Heron Team")
    assert smaller.resolve("Heron Team") is None
    assert smaller.resolve("Lonely Heron").id == "lonely-heron"
    assert graph.resolve("Heron Team") is not None  # the original is untouched
