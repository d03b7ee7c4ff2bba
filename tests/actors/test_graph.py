"""The actor graph built from the installed reference data (ATT&CK + MISP galaxies)."""

from __future__ import annotations

import pytest

from unmask.reference.actors import load_actor_graph, name_key, resolve_actor, spaced_key

SEED = ("Kimsuky", "APT43", "Emerald Sleet", "Velvet Chollima", "TA406", "Black Banshee")


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return load_actor_graph()


@pytest.mark.parametrize("name", SEED)
def test_seed_names_resolve_to_kimsuky(name: str) -> None:
    actor = resolve_actor(name)
    assert actor is not None
    assert actor.id == "G0094"
    assert actor.name == "Kimsuky"
    assert actor.country == "North Korea"


def test_north_korean_groups_stay_distinct() -> None:
    ids = {n: resolve_actor(n) for n in ("Lazarus Group", "APT38", "Andariel", "APT37", "Kimsuky")}
    assert {n: a.id for n, a in ids.items() if a} == {
        "Lazarus Group": "G0032",
        "APT38": "G0082",
        "Andariel": "G0138",
        "APT37": "G0067",
        "Kimsuky": "G0094",
    }


def test_bluenoroff_is_apt38_not_lazarus(graph) -> None:  # type: ignore[no-untyped-def]
    lookup = graph.lookup("Bluenoroff")
    assert lookup.best is not None and lookup.best.actor_id == "G0082"
    # the threat-actor galaxy lists it under Lazarus too: kept as a candidate, not a merge
    assert "G0032" in {c.actor_id for c in lookup.candidates}
    assert graph.resolve("Lazarus Group").id == "G0032"


def test_shared_synonym_is_ambiguous_not_a_bridge(graph) -> None:  # type: ignore[no-untyped-def]
    lookup = graph.lookup("Grizzly Steppe")
    assert lookup.ambiguous
    assert {c.actor_id for c in lookup.candidates} == {"G0007", "G0016"}
    assert graph.resolve("APT28").id != graph.resolve("APT29").id
    for cand in lookup.candidates:
        assert cand.claims and all(c.source.startswith(("misp-galaxy:", "vendor:")) for c in cand.claims)


@pytest.mark.parametrize("spelling", ["APT 43", "APT-43", "apt43", "Apt43"])
def test_spacing_hyphen_and_case_do_not_matter(spelling: str) -> None:
    actor = resolve_actor(spelling)
    assert actor is not None and actor.id == "G0094"


def test_spelling_decides_when_attack_itself_collides(graph) -> None:  # type: ignore[no-untyped-def]
    # ATT&CK lists "LUMINOUS MOTH" under Mustang Panda and has a group "LuminousMoth"
    assert name_key("LUMINOUS MOTH") == name_key("LuminousMoth")
    assert spaced_key("LUMINOUS MOTH") != spaced_key("LuminousMoth")
    assert graph.resolve("LUMINOUS MOTH").id == "G0129"
    assert graph.resolve("LuminousMoth").id == "G1014"


def test_revoked_attack_ids_map_to_successors(graph) -> None:  # type: ignore[no-untyped-def]
    assert graph.get("G0086").id == "G0094"  # Stolen Pencil -> Kimsuky
    assert graph.resolve("G0086").id == "G0094"
    assert graph.resolve("APT34").id == "G0049"  # revoked into OilRig
    alias = graph.actors["G0094"].alias("Stolen Pencil")
    assert alias is not None and alias.relation == "revoked-by"


def test_ta406_is_part_of_kimsuky_by_the_threat_actor_galaxy(graph) -> None:  # type: ignore[no-untyped-def]
    actor = graph.resolve("TA406")
    alias = actor.alias("TA406")
    assert alias is not None
    assert alias.relation == "part-of"
    assert alias.vendor == "Proofpoint"
    assert next(c.source for c in alias.claims) == "misp-galaxy:threat-actor"  # first; a compilation may echo it
    assert any(r.kind == "has-part" and r.target_name == "TA406" for r in actor.relations)


def test_vendor_tags_on_aliases(graph) -> None:  # type: ignore[no-untyped-def]
    actor = graph.actors["G0094"]
    vendors = {a.name: a.vendor for a in actor.aliases}
    assert vendors["Emerald Sleet"] == "Microsoft"
    assert vendors["THALLIUM"] == "Microsoft"
    assert vendors["Velvet Chollima"] == "CrowdStrike"
    assert vendors["APT43"] == "Mandiant"
    assert vendors["TA427"] == "Proofpoint"


def test_relations_are_typed_and_sourced(graph) -> None:  # type: ignore[no-untyped-def]
    kinds = {r.kind for a in graph.actors.values() for r in a.relations}
    assert {"similar", "has-part", "overlaps", "revokes"} <= kinds
    assert all(r.source for a in graph.actors.values() for r in a.relations)


def test_non_attack_actors_get_stable_slugs(graph) -> None:  # type: ignore[no-untyped-def]
    actor = graph.resolve("Opal Sleet")
    assert actor is not None and actor.id == "opal-sleet" and actor.attack_id is None


def test_unknown_names_and_suggestions(graph) -> None:  # type: ignore[no-untyped-def]
    assert resolve_actor("Definitely Not An Actor 9000") is None
    assert "Kimsuky" in graph.suggest("Kimsukyy")


def test_the_cached_graph_round_trips(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Load time is measured by benchmarks/actors.py, not asserted here.
    import pickle

    graph = load_actor_graph()
    path = tmp_path / "graph.pickle"
    path.write_bytes(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
    again = pickle.loads(path.read_bytes())
    for name in ("Kimsuky", "TA406", "Lazarus Group", "APT 43"):
        before, after = graph.resolve(name), again.resolve(name)
        assert (before.id if before else None) == (after.id if after else None)
