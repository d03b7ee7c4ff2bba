"""Vendors' naming tables as claims, the DEV-/Storm- rule, filler words and contested
names - on small synthetic sources (made-up names), plus the shipped tables."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from unmask.reference import actors as actors_module
from unmask.reference.actors import (
    ActorSources,
    Cluster,
    build_actor_graph,
    naming_clusters,
    naming_version,
    resolve_actor,
    source_family,
    source_label,
)

ATTACK = "mitre-attack"
TA = "misp-galaxy:threat-actor"
VENDOR = "vendor:acme-mapping"
REPO = Path(__file__).resolve().parents[2]


def _graph(*extra: Cluster) -> actors_module.ActorGraph:
    base = (
        # two distinct ATT&CK groups of one country; Hollow Reed is also called Gray Lantern
        Cluster(ATTACK, "a1", "Hollow Reed", ("Hollow Reed", "APT91", "Gray Lantern", "Quiet Sleet"),
                attack_id="G9101"),
        Cluster(ATTACK, "a2", "Stone Marten", ("Stone Marten", "APT92"), attack_id="G9102"),
        Cluster(ATTACK, "a3", "Winter Kite Group", ("Winter Kite Group",), attack_id="G9103"),
    )
    return build_actor_graph(ActorSources(base + extra))


# --------------------------------------------------------------- vendor tables


def test_a_vendor_row_joins_the_actor_holding_its_own_name() -> None:
    graph = _graph(Cluster(VENDOR, "v1", "Quiet Sleet", ("Quiet Sleet", "ZEBRIUM", "Gray Lantern")))
    actor = graph.resolve("ZEBRIUM")
    assert actor is not None and actor.id == "G9101"
    claim = actor.alias("ZEBRIUM").claims[0]  # type: ignore[union-attr]
    assert claim.source == VENDOR and claim.cluster == "Quiet Sleet"


def test_vendor_rows_never_merge_through_other_vendors_names() -> None:
    # The vendor's Quiet Sleet is Hollow Reed (own name); its Dim Sleet lists APT91 and
    # Gray Lantern (Hollow Reed's names) too, yet the vendor keeps it a separate actor.
    graph = _graph(
        Cluster(VENDOR, "v1", "Quiet Sleet", ("Quiet Sleet", "Gray Lantern")),
        Cluster(VENDOR, "v2", "Dim Sleet", ("Dim Sleet", "APT91", "Gray Lantern", "KRYPTOLITE")),
    )
    dim = graph.resolve("Dim Sleet")
    assert dim is not None and dim.id != "G9101"
    assert graph.resolve("KRYPTOLITE").id == dim.id  # type: ignore[union-attr]
    # the disagreement stays visible: APT91 has both readings, ATT&CK's first
    lookup = graph.lookup("APT91")
    assert [c.actor_id for c in lookup.candidates] == ["G9101", dim.id]
    assert lookup.candidates[1].claims[0].source == VENDOR


def test_a_lone_vendor_row_may_join_through_other_names() -> None:
    # no other row of this vendor is Hollow Reed: two of its names vote, it joins
    graph = _graph(Cluster(VENDOR, "v3", "Storm-7001", ("Storm-7001", "APT91", "Gray Lantern")))
    assert graph.resolve("Storm-7001").id == "G9101"  # type: ignore[union-attr]


def test_naming_clusters_read_the_data_file(tmp_path: Path) -> None:
    data = {
        "format": 1, "version": "abc123",
        "sources": [{
            "id": "acme-mapping", "vendor": "Acme", "url": "https://example.org/acme",
            "actors": [
                {"name": "Dim Sleet", "origin": "Financially motivated, Freedonia", "previous": ["ZEBRIUM"],
                 "other": ["Gray Lantern"]},
                {"name": "Storm-7002", "origin": "Korea", "previous": [], "other": [], "merged_into": "Dim Sleet"},
            ],
        }],
    }
    path = tmp_path / "actor_naming.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    clusters = naming_clusters(path)
    assert [c.source for c in clusters] == [VENDOR, VENDOR]
    assert clusters[0].names == ("Dim Sleet", "ZEBRIUM", "Gray Lantern")
    assert clusters[0].country == "Freedonia"  # motives are not countries
    assert clusters[1].names == ("Storm-7002", "Dim Sleet")  # merged into: the same actor
    assert clusters[1].country is None  # a bare "Korea" does not say which
    assert naming_version(path) == "abc123"
    assert naming_version(tmp_path / "missing.json") == "none"
    assert naming_clusters(tmp_path / "missing.json") == []


def test_labels_and_families() -> None:
    assert source_label("vendor:microsoft-mapping") == "Microsoft's threat actor naming mapping"
    assert source_label("vendor:microsoft-docs", short=True) == "Microsoft Learn"
    assert source_label("vendor:other-table").startswith("other-table")
    # Microsoft's galaxy and its tables are one organisation's word
    assert source_family("vendor:microsoft-mapping") == source_family("misp-galaxy:microsoft-activity-group")
    assert source_family(TA) != source_family("vendor:microsoft-docs")


# --------------------------------------------------------------- rules


def test_dev_and_storm_designations_are_one_name() -> None:
    graph = _graph(
        Cluster(VENDOR, "v4", "Storm-0815", ("Storm-0815", "APT92")),
        # (another table: two rows of one table with different own names stay apart)
        Cluster("vendor:other-table", "v5", "Ashen Tempest", ("Ashen Tempest", "DEV-512", "Stone Marten")),
    )
    assert graph.resolve("DEV-0815").id == "G9102"  # type: ignore[union-attr]
    assert graph.resolve("Storm-0512").id == "G9102"  # type: ignore[union-attr]
    assert graph.resolve("dev 0815").id == "G9102"  # type: ignore[union-attr]
    alias = graph.get("G9102").alias("DEV-0815")  # type: ignore[union-attr]
    assert alias is not None and alias.sources == ("rule:dev-storm",)


def test_the_rule_never_takes_a_designation_claimed_for_another_actor() -> None:
    graph = _graph(
        Cluster(VENDOR, "v6", "Storm-0901", ("Storm-0901", "APT92")),
        Cluster(TA, "t1", "DEV-0901", ("DEV-0901", "APT91", "Gray Lantern")),
    )
    assert graph.resolve("DEV-0901").id == "G9101"  # type: ignore[union-attr]
    assert not graph.lookup("DEV-0901").ambiguous


def test_filler_word_forms_join_their_actor() -> None:
    graph = _graph(
        Cluster(TA, "t2", "Hollow Reed Team", ("Hollow Reed Team", "Reed Cell")),
        Cluster(TA, "t3", "Winter Kite", ("Winter Kite", "Kite Nest")),
    )
    assert graph.resolve("Reed Cell").id == "G9101"  # type: ignore[union-attr]
    assert graph.resolve("Kite Nest").id == "G9103"  # type: ignore[union-attr]
    assert graph.resolve("the Hollow Reed gang").id == "G9101"  # type: ignore[union-attr]


def test_names_equal_but_for_a_filler_word_filed_apart_are_contested() -> None:
    # a galaxy files "Winter Kite" under Stone Marten; ATT&CK has "Winter Kite Group"
    graph = _graph(Cluster(TA, "t4", "Stone Marten", ("Stone Marten", "Winter Kite")))
    lookup = graph.lookup("Winter Kite")
    assert lookup.ambiguous
    assert [c.actor_id for c in lookup.candidates] == ["G9102", "G9103"]  # its own claim first
    assert graph.lookup("winter-kite").ambiguous  # every spelling
    other = graph.lookup("Winter Kite Group")
    assert [c.actor_id for c in other.candidates] == ["G9103", "G9102"]
    alias = graph.get("G9102").alias("Winter Kite")  # type: ignore[union-attr]
    assert alias is not None and alias.ambiguous


def test_gazetteer_keeps_contested_candidates_spelt_otherwise_out() -> None:
    from unmask.reference.actor_names import build_actor_gazetteer

    graph = _graph(Cluster(TA, "t4", "Stone Marten", ("Stone Marten", "Winter Kite")))
    gazetteer = build_actor_gazetteer(graph)
    keys: dict[str, set[str]] = {e.key: set() for e in gazetteer.entries}
    for entry in gazetteer.entries:
        keys[entry.key].add(entry.form)
    assert keys["winterkite"] == {"Winter Kite"}
    assert keys["winterkitegroup"] == {"Winter Kite Group"}


# --------------------------------------------------------------- cache and data


def test_the_graph_cache_key_carries_the_data_version(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    def fake_load(name: str, build: object, *, depends: object = (), format_version: object = 1) -> str:
        seen.append(format_version)
        return "graph"

    monkeypatch.setattr(actors_module, "load_compiled", fake_load)
    monkeypatch.setattr(actors_module, "naming_version", lambda path=None: "v1")
    actors_module.load_actor_graph()
    monkeypatch.setattr(actors_module, "naming_version", lambda path=None: "v2")
    actors_module.load_actor_graph()
    assert seen[0] != seen[1] and "v1" in str(seen[0])


def _build_script() -> object:
    spec = importlib.util.spec_from_file_location("build_actor_naming", REPO / "scripts" / "build_actor_naming.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_actor_naming"] = module
    spec.loader.exec_module(module)
    return module


def test_table_cells_and_both_table_shapes() -> None:
    from unmask.reference.naming_tables import read_docs_table, read_mapping, split_names

    names, merged = split_names("DEV-0777 (ZEBRIUM), [Dim Sleet](https://example.org/x), , Reed Cell")
    assert names == ["DEV-0777", "ZEBRIUM", "Dim Sleet", "Reed Cell"] and merged is None
    assert split_names("(Merged into Ashen Tempest)") == ([], "Ashen Tempest")
    rows = read_docs_table(
        "intro\n\n|Threat actor name|Previous name|Origin/Threat|Other names|\n|:---:|:---:|:---:|:---:|\n"
        "|Dim Sleet|ZEBRIUM|Freedonia||\n|Storm-7003||Group in development|(Merged into Dim Sleet)|\n\ntail\n"
    )
    assert rows[0] == {"name": "Dim Sleet", "origin": "Freedonia", "previous": ["ZEBRIUM"], "other": []}
    assert rows[1]["merged_into"] == "Dim Sleet"
    mapped = read_mapping([{"Threat actor name": "Dim Sleet", "Previous name": "ZEBRIUM", "Other names": "ZEBRIUM, X"}])
    assert mapped == [{"name": "Dim Sleet", "origin": "", "previous": ["ZEBRIUM"], "other": ["X"]}]
    with pytest.raises(ValueError):
        read_mapping({"not": "a list"})


def test_build_script_writes_a_versioned_file_with_provenance(tmp_path: Path) -> None:
    script = _build_script()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps([{"Threat actor name": "Dim Sleet", "Origin/Threat": "Freedonia",
                                    "Other names": "Gray Lantern, APT91"}]), encoding="utf-8")
    out = tmp_path / "out.json"
    assert script.main(["--mapping", str(mapping), "--mapping-version", "c0ffee", "--out", str(out)]) == 0  # type: ignore[attr-defined]
    built = json.loads(out.read_text(encoding="utf-8"))
    assert built["sources"][0]["version"] == "c0ffee" and built["sources"][0]["licence"].startswith("MIT")
    assert naming_version(out) == built["version"]
    assert naming_clusters(out)[0].names == ("Dim Sleet", "Gray Lantern", "APT91")
    first = built["version"]
    mapping.write_text(json.dumps([{"Threat actor name": "Dim Sleet", "Other names": "APT91"}]), encoding="utf-8")
    script.main(["--mapping", str(mapping), "--out", str(out)])  # type: ignore[attr-defined]
    assert naming_version(out) != first  # new content, new version


def test_shipped_tables_record_their_provenance() -> None:
    data = json.loads(actors_module.naming_data_file().read_text(encoding="utf-8"))
    assert data["version"] == naming_version()
    for source in data["sources"]:
        assert source["url"].startswith("https://") and source["licence"] and source["version"]
        assert len(source["actors"]) >= 50


def test_shipped_microsoft_claims_stay_visible_without_merging_north_korea() -> None:
    graph = build_actor_graph(actors_module.read_actor_sources())
    apt43 = graph.lookup("APT43")
    assert apt43.best is not None and apt43.best.actor_id == "G0094"  # ATT&CK's reading first
    opal = graph.resolve("Opal Sleet")
    assert opal is not None and opal.id != "G0094"
    assert opal.id in [c.actor_id for c in apt43.candidates]
    assert {c.source for c in next(c for c in apt43.candidates if c.actor_id == opal.id).claims} == {
        "vendor:microsoft-mapping"
    }
    assert graph.resolve("Emerald Sleet").id == "G0094"  # type: ignore[union-attr]
    assert graph.resolve("DEV-0558").id == graph.resolve("Antique Typhoon").id  # type: ignore[union-attr]
    winnti = graph.lookup("Winnti")
    assert winnti.ambiguous and {"G0096", "G0044"} <= {c.actor_id for c in winnti.candidates}


# --------------------------------------------------------------- unmask data update


def test_data_update_refreshes_the_mapping_and_reset_goes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unmask.reference import cache
    from unmask.reference.update import reset_source, update_source
    from unmask.reference.versions import reference_versions

    monkeypatch.setenv("UNMASK_CACHE_DIR", str(tmp_path / "cache"))
    cache.clear_memory()
    reference_versions.cache_clear()
    shipped = naming_version()
    assert reference_versions()["actor-naming"] == shipped
    rows = [{"Threat actor name": f"Invented Sleet {i}", "Origin/Threat": "Freedonia",
             "Other names": f"ZEBRIUM-{i}, Gray Lantern {i}"} for i in range(25)]
    upstream = tmp_path / "MicrosoftMapping.json"
    upstream.write_text(json.dumps(rows), encoding="utf-8")
    try:
        result = update_source("actor-naming", str(upstream), build=False)
        assert result.status == "updated" and result.entries == 25
        data = json.loads(actors_module.naming_data_file().read_text(encoding="utf-8"))
        ids = {s["id"]: s for s in data["sources"]}
        assert ids["microsoft-mapping"]["version"] == "upstream" and len(ids["microsoft-mapping"]["actors"]) == 25
        assert ids["microsoft-docs"]["actors"]  # the other table stays as shipped
        assert naming_version() != shipped  # so the compiled graph is rebuilt
        assert reference_versions()["actor-naming"].startswith("upstream+sha256.")
        clusters = naming_clusters()
        assert any(c.value == "Invented Sleet 3" and "ZEBRIUM-3" in c.names for c in clusters)
        upstream.write_text(json.dumps(rows[:3]), encoding="utf-8")
        with pytest.raises(Exception, match="only 3 actors"):
            update_source("actor-naming", str(upstream), build=False)
        assert naming_version() != shipped  # a refused download leaves the update in use
        assert reset_source("actor-naming") is True
        assert naming_version() == shipped
    finally:
        cache.clear_memory()
        reference_versions.cache_clear()


def test_a_family_name_only_a_vendor_table_calls_an_actor_needs_actor_context() -> None:
    from unmask.extract.actors import extract_actors
    from unmask.reference.actor_names import build_actor_gazetteer

    graph = _graph(
        Cluster(VENDOR, "v7", "Storm-7100", ("Storm-7100", "Plumbot")),  # a vendor: Plumbot's operators
        Cluster(TA, "t5", "Figbot", ("Figbot", "Fig Spider")),  # an actor galaxy says Figbot is an actor
    )
    gazetteer = build_actor_gazetteer(graph, families=frozenset({"plumbot", "figbot"}))
    risks = {e.key: e.risk for e in gazetteer.entries}
    assert risks["plumbot"] == "software" and risks["figbot"] != "software"
    assert next(e for e in gazetteer.entries if e.key == "plumbot").software
    # with the shipped data: Microsoft lists DanaBot (a banking trojan) under Storm-1044
    assert not extract_actors("DanaBot can steal browser cookies.").mentions
    found = extract_actors("DanaBot operators sent a new wave of lures.").mentions
    assert [m.actor_id for m in found] == [resolve_actor("Storm-1044").id]  # type: ignore[union-attr]


def test_a_name_only_a_vendor_table_lists_outside_any_naming_scheme_needs_actor_context() -> None:
    from unmask.extract.actors import extract_actors
    from unmask.reference.actor_names import build_actor_gazetteer

    graph = _graph(Cluster(VENDOR, "v8", "Storm-7200", ("Storm-7200", "Mailpigeon", "APT93")))
    risks = {e.key: e.risk for e in build_actor_gazetteer(graph).entries}
    assert risks["mailpigeon"] == "software"  # a vendor's word alone, no scheme: context needed
    assert risks["apt93"] == "coined" and risks["storm7200"] == "coined"  # scheme-shaped names stand alone
    # with the shipped data: Microsoft lists the Foxmail e-mail client under Purple Typhoon
    assert not extract_actors("The stealer takes credentials from Foxmail and Outlook.").mentions


def test_a_vendor_defines_its_own_names_over_other_sources() -> None:
    # a galaxy files the vendor's Dim Sleet under Hollow Reed, whose own vendor name
    # (per ATT&CK) is Quiet Sleet: the vendor's Dim Sleet row stays its own actor
    graph = _graph(
        Cluster(TA, "t6", "Hollow Reed", ("Hollow Reed", "Dim Sleet"), attack_id="G9101"),
        Cluster(VENDOR, "v1", "Quiet Sleet", ("Quiet Sleet", "ZEBRIUM")),
        Cluster(VENDOR, "v2", "Dim Sleet", ("Dim Sleet", "KRYPTOLITE")),
        # a rename: the vendor's later row lists the earlier one, they are one actor
        Cluster(VENDOR, "v9", "Storm-7300", ("Storm-7300",)),
        Cluster(VENDOR, "v10", "Pale Flood", ("Pale Flood", "Storm-7300")),
    )
    assert graph.resolve("ZEBRIUM").id == "G9101"  # type: ignore[union-attr]
    dim = graph.lookup("Dim Sleet")
    assert dim.best is not None and dim.best.actor_id != "G9101"
    assert "G9101" in [c.actor_id for c in dim.candidates]  # the galaxy's claim stays visible
    assert graph.resolve("KRYPTOLITE").id == dim.best.actor_id  # type: ignore[union-attr]
    assert graph.resolve("Pale Flood").id == graph.resolve("Storm-7300").id  # type: ignore[union-attr]


def test_citations_and_user_qualifiers_are_never_part_of_a_name() -> None:
    from unmask.reference.actors import _galaxy_cluster, clean_name

    assert clean_name("Dim Sleet (Citation: Some Vendor 2021)") == "Dim Sleet"
    assert clean_name("APT-C-99 (SomeVendor)") == "APT-C-99"
    assert clean_name("Reed Cell (Deprecated)") == "Reed Cell"
    assert clean_name("Plumbot (Group)") == "Plumbot (Group)"  # tells the group from the malware
    assert clean_name("NoName0(42)") == "NoName0(42)"  # part of the name
    cluster = _galaxy_cluster("threat-actor", {
        "value": "Hollow Reed (Deprecated)", "uuid": "u1",
        "meta": {"synonyms": ["APT91 (Citation: A Report)", "TG-9999 (SCWX CTU)"]},
    })
    assert cluster.value == "Hollow Reed" and cluster.names == ("Hollow Reed", "APT91", "TG-9999")
    graph = _graph(Cluster(TA, "t7", cluster.value, cluster.names))
    assert graph.resolve("TG-9999").id == "G9101"  # type: ignore[union-attr]


def test_table_only_names_in_a_vendor_scheme_stand_alone_in_any_case() -> None:
    from unmask.reference.actor_names import build_actor_gazetteer
    from unmask.reference.vendors import vendor_of

    graph = _graph(Cluster(VENDOR, "v11", "Ochre Gust", ("Ochre Gust", "MAROON PANDA", "Mailpigeon")))
    risks = {e.key: e.risk for e in build_actor_gazetteer(graph).entries}
    assert vendor_of("Ochre Gust") == "Microsoft"
    # (without a lexicon plain capitalised words may be "word" risk; never "software")
    assert risks["ochregust"] != "software" and risks["maroonpanda"] != "software"
    assert risks["mailpigeon"] == "software"


def test_spindle_records_claim_only_full_aliases() -> None:
    from unmask.reference.naming_tables import read_spindle

    records = read_spindle({
        "Hollow Reed": {"full_aliases": ["Gray Lantern", "DEV-0919, Pale Heron"], "partial_aliases": ["Dim Sleet"],
                        "subgroups": ["Reed Cell"], "organisations": ["Ministry of Kites"], "countries": ["FD"],
                        "campaigns": ["Operation Lantern"]},
        "Empty Row": {},
    })
    first, second = records
    assert first["name"] == "Hollow Reed" and first["origin"] == "FD" and first["previous"] == []
    assert first["other"] == ["Gray Lantern", "DEV-0919", "Pale Heron"]  # a cell holding two names is split
    assert first["overlaps"] == ["Dim Sleet"] and first["parts"] == ["Reed Cell"]  # recorded, claim nothing
    assert second == {"name": "Empty Row", "origin": "", "previous": [], "other": []}
    with pytest.raises(ValueError):
        read_spindle([{"name": "x"}])
    with pytest.raises(ValueError):
        read_spindle({"x": ["not", "a", "record"]})


def test_build_script_adds_spindle_as_its_own_claims(tmp_path: Path) -> None:
    script = _build_script()
    table = tmp_path / "cta_names_mappings.json"
    table.write_text(json.dumps({"Hollow Reed": {"full_aliases": ["Pale Heron"], "partial_aliases": ["Dim Sleet"]}}),
                     encoding="utf-8")
    out = tmp_path / "out.json"
    assert script.main(["--spindle", str(table), "--spindle-version", "beef", "--out", str(out)]) == 0  # type: ignore[attr-defined]
    source = json.loads(out.read_text(encoding="utf-8"))["sources"][0]
    assert source["id"] == "arachne-spindle" and source["version"] == "beef" and "CC BY-SA" in source["licence"]
    (cluster,) = naming_clusters(out)
    assert cluster.source == "vendor:arachne-spindle" and cluster.names == ("Hollow Reed", "Pale Heron")
    graph = _graph(*naming_clusters(out))
    assert graph.resolve("Pale Heron").id == "G9101"  # type: ignore[union-attr]
    assert graph.resolve("Dim Sleet") is None  # an overlap is no identity claim


def test_an_aggregator_row_never_merges_what_attack_keeps_apart() -> None:
    # an aggregator's row files Stone Marten's names under Hollow Reed: ATT&CK keeps them apart
    row = Cluster("vendor:arachne-spindle", "s1", "APT91", ("APT91", "Stone Marten", "APT92", "Pale Heron"))
    graph = _graph(row)
    assert graph.resolve("APT92").id == "G9102"  # type: ignore[union-attr]
    assert graph.resolve("Stone Marten").id == "G9102"  # type: ignore[union-attr]
    assert graph.resolve("Pale Heron").id == "G9101"  # type: ignore[union-attr]
    # a compilation's claim does not contest what first-hand sources file: it stays on the
    # row's actor, shown as ambiguous, and is no candidate reading of the name
    assert [c.actor_id for c in graph.lookup("APT92").candidates] == ["G9102"]
    shown = graph.resolve("APT91").alias("APT92")  # type: ignore[union-attr]
    assert shown is not None and shown.ambiguous and [c.source for c in shown.claims] == ["vendor:arachne-spindle"]
    assert [c.actor_id for c in graph.lookup("Pale Heron").candidates] == ["G9101"]  # its own name: no contest


def test_shipped_spindle_keeps_north_korean_and_south_asian_groups_apart() -> None:
    graph = build_actor_graph(actors_module.read_actor_sources())
    # Spindle lists Lazarus' names under APT38 and SideWinder's under APT-C-35 (Donot)
    assert graph.resolve("Lazarus Group").id == "G0032"  # type: ignore[union-attr]
    assert graph.resolve("APT38").id == "G0082"  # type: ignore[union-attr]
    assert graph.resolve("SideWinder").id == "G0121"  # type: ignore[union-attr]
    assert graph.resolve("Donot Team").id != "G0121"  # type: ignore[union-attr]
    assert graph.resolve("Kimsuky").id == "G0094"  # type: ignore[union-attr]


SPINDLE = "vendor:arachne-spindle"


def test_a_compilation_row_never_pulls_a_standalone_cluster_into_an_actor() -> None:
    # the galaxy keeps Paper Lynx (TA471) apart; a compilation's APT91 row lists both
    graph = _graph(
        Cluster(TA, "t9", "Paper Lynx", ("Paper Lynx", "TA471")),
        Cluster(SPINDLE, "s2", "APT91", ("APT91", "Paper Lynx", "TA471")),
    )
    lynx = graph.resolve("Paper Lynx")
    assert lynx is not None and lynx.id != "G9101"
    assert [c.actor_id for c in graph.lookup("TA471").candidates] == [lynx.id]
    # the same row from a first-hand vendor table may join them (its claims count)
    first_hand = _graph(
        Cluster(TA, "t9", "Paper Lynx", ("Paper Lynx", "TA471")),
        Cluster(VENDOR, "v9", "APT91", ("APT91", "Paper Lynx", "TA471")),
    )
    assert graph.resolve("APT91").id == first_hand.resolve("APT91").id == "G9101"  # type: ignore[union-attr]


def test_a_malware_name_only_a_compilation_lists_is_not_read_in_text() -> None:
    from unmask.reference.actor_names import build_actor_gazetteer

    graph = _graph(Cluster(SPINDLE, "s3", "Stone Marten", ("Stone Marten", "Plumbot", "Gull Spider")))
    keys = {e.key for e in build_actor_gazetteer(graph, families=frozenset({"plumbot"})).entries}
    assert "plumbot" not in keys and "gullspider" in keys  # a scheme-shaped name is still read
    assert graph.resolve("Plumbot").id == "G9102"  # type: ignore[union-attr]  # still resolvable by name
