"""Weak readings: software used by one actor answers a naming lookup for that actor,
never a mention in text and never a merge; accents folded in names and in text.
Synthetic sources with made-up names."""

from __future__ import annotations

import json
from pathlib import Path

from unmask.reference.actor_names import build_actor_gazetteer, normalize
from unmask.reference.actor_software import (
    SoftwareUse,
    _attack_uses,
    software_uses_from,
    with_other_names,
)
from unmask.reference.actors import (
    ActorSources,
    Cluster,
    build_actor_graph,
    fold_accents,
    name_key,
)

ATTACK = "mitre-attack"
TA = "misp-galaxy:threat-actor"


def _clusters() -> tuple[Cluster, ...]:
    return (
        Cluster(ATTACK, "intrusion-set--1", "Hollow Reed", ("Hollow Reed", "APT91"), attack_id="G9101"),
        Cluster(ATTACK, "intrusion-set--2", "Stone Marten", ("Stone Marten", "APT92"), attack_id="G9102"),
        Cluster(TA, "t-3", "Gull Spider", ("Gull Spider",)),
        # a group named after its implant: the name is the group's, not a weak reading
        Cluster(ATTACK, "intrusion-set--4", "Plumbot", ("Plumbot",), attack_id="G9104"),
    )


def _graph(*uses: SoftwareUse):  # type: ignore[no-untyped-def]
    return build_actor_graph(ActorSources(_clusters(), {}, uses))


def test_software_used_by_one_actor_is_a_weak_reading_with_its_provenance() -> None:
    graph = _graph(
        SoftwareUse(ATTACK, "Reedcrypt", ("Reedcrypt", "REEDCRYPT-B"), "G9101"),
        SoftwareUse("misp-galaxy:mitre-intrusion-set", "Reedcrypt", ("Reedcrypt",),
                    "misp-galaxy:mitre-intrusion-set:1"),  # no such cluster: ignored
        SoftwareUse(TA, "Spiderlock", ("Spiderlock",), f"{TA}:t-3"),
    )
    assert graph.lookup("Reedcrypt").best is None and graph.resolve("Reedcrypt") is None  # off by default
    found = graph.lookup("Reedcrypt", weak=True)
    assert found.weak and not found.ambiguous
    assert found.best is not None and found.best.actor_id == "G9101"
    assert [(c.source, c.relation, c.cluster) for c in found.best.claims] == [(ATTACK, "uses", "Reedcrypt")]
    assert graph.resolve("reedcrypt-b", weak=True).id == "G9101"  # type: ignore[union-attr]  # its other name
    assert graph.resolve("Spiderlock", weak=True).name == "Gull Spider"  # type: ignore[union-attr]
    # the software's name is not the actor's: no alias, no index entry
    assert graph.actors["G9101"].alias("Reedcrypt") is None and name_key("Reedcrypt") not in graph.index


def test_software_several_actors_use_is_contested_with_no_default() -> None:
    graph = _graph(
        SoftwareUse(ATTACK, "Sharedrat", ("Sharedrat",), "G9101"),
        SoftwareUse(ATTACK, "Sharedrat", ("Sharedrat",), "G9102", "uses (campaign Night Lantern)"),
        SoftwareUse(TA, "Sharedrat", ("Sharedrat",), f"{TA}:t-3"),
    )
    found = graph.lookup("Sharedrat", weak=True)
    assert found.weak and found.ambiguous
    assert {c.actor_id for c in found.candidates} == {"G9101", "G9102", "gull-spider"}
    assert graph.resolve("Sharedrat", weak=True) is None
    # never a merge: the three actors stay three
    assert len({graph.resolve(n).id for n in ("APT91", "APT92", "Gull Spider")}) == 3  # type: ignore[union-attr]
    assert graph.actors.keys() == _graph().actors.keys()


def test_names_an_actor_holds_tools_and_scheme_names_get_no_weak_reading() -> None:
    graph = _graph(
        SoftwareUse(ATTACK, "Plumbot", ("Plumbot",), "G9101"),  # the name of G9104
        SoftwareUse(ATTACK, "Tunnelkit", ("Tunnelkit",), "G9101", kind="tool"),
        # one source calls it a tool, another malware: a tool is anyone's to use
        SoftwareUse(ATTACK, "Dualpass", ("Dualpass",), "G9101", kind="tool"),
        SoftwareUse(TA, "Dualpass", ("Dualpass",), f"{TA}:t-3"),
        SoftwareUse(ATTACK, "IODINE", ("IODINE",), "G9102"),  # a Microsoft element name is an actor name
    )
    assert graph.resolve("Plumbot", weak=True).id == "G9104"  # type: ignore[union-attr]
    assert not graph.lookup("Plumbot", weak=True).weak
    for name in ("Tunnelkit", "Dualpass", "IODINE"):
        assert graph.lookup(name, weak=True).best is None, name


def test_weak_readings_are_never_actor_mentions_in_text() -> None:
    from unmask.extract.actors import extract_actors

    graph = _graph(SoftwareUse(ATTACK, "Reedcrypt", ("Reedcrypt",), "G9101"))
    gazetteer = build_actor_gazetteer(graph)
    assert "reedcrypt" not in {e.key for e in gazetteer.entries}
    text = "The Reedcrypt group sent lures; Reedcrypt operators also used APT92 infrastructure."
    found = extract_actors(text, graph=graph).mentions
    assert [m.actor_id for m in found] == ["G9102"]


def test_attack_uses_count_attributed_campaigns_for_their_group(tmp_path: Path) -> None:
    def write(name: str, key: str, rows: list[dict[str, object]]) -> None:
        (tmp_path / name).write_text(json.dumps({key: rows}), encoding="utf-8")

    write("groups-campaigns-lookup-v1.json", "groups_campaigns", [
        {"stix_id": "intrusion-set--a", "stix_type": "intrusion-set", "external_id": "G9101", "name": "Hollow Reed"},
        {"stix_id": "campaign--c", "stix_type": "campaign", "external_id": "C9001", "name": "Night Lantern"},
        {"stix_id": "campaign--u", "stix_type": "campaign", "external_id": "C9002", "name": "Unclaimed"},
    ])
    write("software-lookup-v1.json", "software", [
        {"stix_id": "malware--m", "stix_type": "malware", "name": "Reedcrypt", "aliases": ["Reedcrypt", "RC2"]},
        {"stix_id": "tool--t", "stix_type": "tool", "name": "Tunnelkit", "aliases": []},
        {"stix_id": "malware--r", "stix_type": "malware", "name": "Oldbot", "revoked": True},
    ])
    write("relationships-lookup-v1.json", "relationships", [
        {"relationship_type": "uses", "source_ref": "intrusion-set--a", "target_ref": "malware--m"},
        {"relationship_type": "uses", "source_ref": "campaign--c", "target_ref": "tool--t"},
        {"relationship_type": "attributed-to", "source_ref": "campaign--c", "target_ref": "intrusion-set--a"},
        {"relationship_type": "uses", "source_ref": "campaign--u", "target_ref": "malware--m"},
        {"relationship_type": "uses", "source_ref": "intrusion-set--a", "target_ref": "malware--r"},
    ])
    uses = _attack_uses(tmp_path)
    assert [(u.software, u.names, u.user, u.relation, u.kind) for u in uses] == [
        ("Reedcrypt", ("Reedcrypt", "RC2"), "G9101", "uses", "malware"),
        ("Tunnelkit", ("Tunnelkit",), "G9101", "uses (campaign Night Lantern)", "tool"),
    ]


def test_galaxy_relations_both_ways_and_the_ics_software_list() -> None:
    actors = {
        "threat-actor": [{"uuid": "t-3", "value": "Gull Spider", "related": [
            {"dest-uuid": "s-1", "type": "uses"}, {"dest-uuid": "s-2", "type": "targets"}]}],
        "mitre-ics-groups": [{"uuid": "i-1", "value": "SALTMARSH", "meta": {"Software": ["Valvebreak"]}}],
    }
    software = {
        "malpedia": [{"uuid": "s-1", "value": "Spiderlock", "meta": {"synonyms": ["SLock"]}},
                     {"uuid": "s-2", "value": "Irrelevant"}],
        "tool": [{"uuid": "s-3", "value": "Gullkit", "related": [{"dest-uuid": "t-3", "type": "used-by"}]}],
        "mitre-ics-software": [{"uuid": "x-1", "value": "Valvebreak - S9001"}],
        "mitre-malware": [{"uuid": "x-2", "value": "VALVEBREAK - S9001", "meta": {"synonyms": ["Valvebreak", "Stopcock"]}}],
    }
    uses = with_other_names(software_uses_from(actors, software), software)
    got = {(u.source, u.software, u.user, u.kind): u.names for u in uses}
    assert got == {
        ("misp-galaxy:threat-actor", "Spiderlock", "misp-galaxy:threat-actor:t-3", "malware"): ("Spiderlock", "SLock"),
        ("misp-galaxy:mitre-ics-groups", "Valvebreak", "misp-galaxy:mitre-ics-groups:i-1", "malware"):
            ("Valvebreak", "VALVEBREAK", "Stopcock"),
        ("misp-galaxy:tool", "Gullkit", "misp-galaxy:threat-actor:t-3", "tool"): ("Gullkit",),
    }


# --------------------------------------------------------------- accents


def test_accents_fold_one_character_for_one() -> None:
    assert fold_accents("Nobélium, Asnarök, Ayyıldız, Łódź") == "Nobelium, Asnarok, Ayyildiz, Lodz"
    assert fold_accents("海莲花 Лазарус") == "海莲花 Лазарус"  # other scripts stay
    assert name_key("Nobélium") == name_key("NOBELIUM") == "nobelium"
    text = "Vendors wrote NOBÉLIUM and Kimsúky — 海莲花."
    assert len(normalize(text)) == len(text)
    assert normalize(text).split()[:4] == ["vendors", "wrote", "nobelium", "and"]
    # the scanner folds Latin-1's letters only (two C passes, as fast as plain ASCII);
    # a letter beyond Latin-1 is a space in the text and in the names alike
    assert normalize("Łódź") == " od "


def test_an_accented_spelling_resolves_and_is_found_with_its_own_span() -> None:
    from unmask.extract.actors import extract_actors

    noire = Cluster(TA, "t-9", "Rivière Noire", ("Rivière Noire", "Kestrelmoor"))
    graph = build_actor_graph(ActorSources((*_clusters(), noire)))
    assert graph.resolve("Hollów Reed").id == "G9101"  # type: ignore[union-attr]
    assert graph.resolve("Riviere Noire").id == graph.resolve("Kestrelmoor").id  # type: ignore[union-attr]
    text = "In March, Hollów Reed and the Rivière Noire hackers shared APT92 tooling."
    found = extract_actors(text, graph=graph).mentions
    assert [(text[m.span.start:m.span.end], m.actor_id) for m in found] == [
        ("Hollów Reed", "G9101"), ("Rivière Noire", "riviere-noire"), ("APT92", "G9102"),
    ]
