"""export -> read -> structured findings (-> knowledge base) -> export gives the same objects.

Reports and evidence notes are about the document analysed, so they change when the
export itself is the document; every other object keeps its id and its properties.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tests.export.checks import misp_problems, stix_problems
from unmask.documents import parse_bytes
from unmask.errors import ReferenceDataError
from unmask.export.misp import to_misp_json
from unmask.export.stix import to_stix_json
from unmask.model import Analysis, Document
from unmask.pipeline import analyze
from unmask.pipeline.structured import extract_structured

_COMPARED = ("type", "name", "aliases", "pattern", "first_seen", "last_seen", "goals",
             "primary_motivation", "relationship_type", "source_ref", "target_ref", "value",
             "hashes", "country", "sectors", "identity_class", "kill_chain_phases", "is_family")


def _structured_analysis(document: Document) -> Analysis:
    found = extract_structured(document)
    return Analysis(
        document=document,
        published=document.metadata.published,
        observables=found.observables,
        actors=found.actors,
        alias_statements=found.alias_statements,
        techniques=found.techniques,
        targets=found.targets,
        attributions=found.attributions,
        malware=found.malware,
        events=found.events,
        reference_versions={"attack": "18.1"},
        actor_summary=found.summary,
    )


def _content(bundle_text: str) -> dict[str, dict[str, Any]]:
    out = {}
    for obj in json.loads(bundle_text)["objects"]:
        if obj["type"] in ("report", "note", "marking-definition") or obj.get("identity_class") == "system":
            continue
        out[obj["id"]] = {k: obj[k] for k in _COMPARED if k in obj}
    return out


def _reingest(text: str, name: str) -> Document:
    return parse_bytes(text.encode("utf-8"), source=name)


def test_stix_round_trip_keeps_every_object(analysis: Analysis) -> None:
    first = to_stix_json(analysis)
    document = _reingest(first, "export.json")
    assert document.format == "stix2"
    again = to_stix_json(_structured_analysis(document))
    assert stix_problems(again) == []
    assert _content(again) == _content(first)


def test_stix_round_trip_through_an_empty_knowledge_base(analysis: Analysis, tmp_path: Any) -> None:
    from unmask.store import open as open_kb

    first = to_stix_json(analysis)
    document = _reingest(first, "export.json")
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(_structured_analysis(document))
        stored = kb.get_analysis(document.sha256)
    assert stored is not None
    assert _content(to_stix_json(stored)) == _content(first)


def test_full_pipeline_on_an_export_finds_at_least_the_exported_objects(analysis: Analysis) -> None:
    first = to_stix_json(analysis)
    try:
        analysed = analyze(_reingest(first, "export.json"))
    except ReferenceDataError as exc:  # a model another part builds is not there yet
        pytest.skip(f"reference data missing: {exc}")
    again = to_stix_json(analysed)
    assert stix_problems(again) == []
    original, found = _content(first), _content(again)
    # A warninglist outranks the bundle: what the pipeline judges benign (here the
    # documentation-range IP of the fixture) is no indicator, whoever shared it.
    benign = {o.value for o in analysed.observables if o.benign_reasons}
    dropped = {i for i, o in original.items()
               if o.get("value") in benign or any(f"'{v}'" in o.get("pattern", "") for v in benign)}
    dropped |= {i for i, o in original.items() if o.get("source_ref") in dropped or o.get("target_ref") in dropped}
    missing = set(original) - set(found) - dropped
    assert not missing, [original[m] for m in missing]
    assert not dropped & set(found)


def _misp_content(text: str) -> tuple[set[tuple[str, str, bool]], set[str]]:
    event = json.loads(text)["Event"]
    attrs = {(a["type"], a["value"], a["to_ids"]) for a in event["Attribute"]}
    return attrs, {t["name"] for t in event["Tag"] if not t["name"].startswith("misp-galaxy:target")}


def test_misp_round_trip_keeps_attributes_and_tags(analysis: Analysis) -> None:
    first = to_misp_json(analysis)
    document = _reingest(first, "event.json")
    assert document.format == "misp"
    again = to_misp_json(_structured_analysis(document))
    assert misp_problems(again) == []
    assert _misp_content(again) == _misp_content(first)


def test_alias_claims_come_from_intrusion_set_aliases(analysis: Analysis) -> None:
    document = _reingest(to_stix_json(analysis), "export.json")
    found = extract_structured(document)
    assert [(s.actor_id, s.names) for s in found.alias_statements] == [
        ("G0094", ("Kimsuky", "APT43", "Emerald Sleet"))
    ]
    for finding in (*found.actors, *found.observables, *found.malware):
        quoted = document.text[finding.span.start:finding.span.end]
        assert quoted == finding.surface or finding.span.end == 0, finding
    assert any(a.span.end > 0 for a in found.actors)


@pytest.mark.parametrize("fmt", ["stix2", "misp"])
def test_other_documents_give_no_structured_findings(analysis: Analysis, fmt: str) -> None:
    assert extract_structured(analysis.document) == type(extract_structured(analysis.document))()
    empty = dataclasses.replace(analysis.document, format=fmt, objects=())
    assert extract_structured(empty).observables == ()


def test_foreign_stix_bundle_gives_findings() -> None:
    bundle = {
        "type": "bundle", "id": "bundle--6f8f3c2a-1b7e-4c55-9d0a-3e2b1c4d5e6f",
        "objects": [
            {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--a1b2c3d4-0000-4000-8000-000000000001",
             "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
             "name": "Example Panda", "aliases": ["EP-1", "Teapot Team"]},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--a1b2c3d4-0000-4000-8000-000000000002",
             "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
             "pattern": "[domain-name:value = 'bad.example'] OR [ipv4-addr:value = '192.0.2.5']",
             "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z"},
            {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--a1b2c3d4-0000-4000-8000-000000000003",
             "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z", "name": "Phishing",
             "external_references": [{"source_name": "mitre-attack", "external_id": "T1566"}]},
        ],
    }
    document = parse_bytes(json.dumps(bundle).encode(), source="foreign.json")
    found = extract_structured(document)
    assert {(o.type, o.value) for o in found.observables} == {("domain", "bad.example"), ("ipv4", "192.0.2.5")}
    assert [t.technique_id for t in found.techniques] == ["T1566"]
    assert found.alias_statements[0].names == ("Example Panda", "EP-1", "Teapot Team")


def test_misp_round_trip_keeps_what_no_galaxy_holds(analysis: Analysis) -> None:
    """unmask: tags (no shipped cluster) and mitre-intrusion-set clusters are read back."""
    span = analysis.techniques[0].span
    odd = dataclasses.replace(
        analysis,
        actors=(dataclasses.replace(analysis.actors[0], actor_id="unmask-glass-heron", name="Glass Heron",
                                    surface="Glass Heron"),),
        malware=(*analysis.malware, dataclasses.replace(analysis.malware[0], malware_id="unmask-glassloader",
                                                        name="GlassLoader", surface="GlassLoader")),
        techniques=(*analysis.techniques, dataclasses.replace(analysis.techniques[0], technique_id="T1999.901",
                                                              name="Invented Technique", span=span)),
    )
    first = to_misp_json(odd)
    tags = json.loads(first)["Event"]["Tag"]
    names = {t["name"] for t in tags}
    assert {'unmask:threat-actor="Glass Heron"', 'unmask:malware="GlassLoader"',
            'unmask:attack-pattern="Invented Technique - T1999.901"'} <= names
    found = extract_structured(_reingest(first, "event.json"))
    assert "Glass Heron" in {a.name for a in found.actors}
    assert "GlassLoader" in {m.name for m in found.malware}
    assert "T1999.901" in {t.technique_id for t in found.techniques}
    event = json.loads(first)
    event["Event"]["Tag"] = [{"name": 'misp-galaxy:mitre-intrusion-set="Kimsuky - G0094"'}]
    found = extract_structured(_reingest(json.dumps(event), "event.json"))
    assert "G0094" in {a.actor_id for a in found.actors}
