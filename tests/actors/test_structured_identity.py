"""Actors named in structured intelligence (STIX, MISP) get the graph's identity:
one knowledge-base row per actor, not one per spelling ("Turla Group" beside Turla)."""

from __future__ import annotations

import json

from unmask.documents import parse_bytes
from unmask.pipeline.structured import extract_structured


def _stix(name: str) -> bytes:
    bundle = {
        "type": "bundle", "id": "bundle--0b4c7a1e-5d2f-4e8a-9c3b-1a2b3c4d5e6f",
        "objects": [{
            "type": "intrusion-set", "spec_version": "2.1",
            "id": "intrusion-set--0b4c7a1e-0000-4000-8000-00000000000a",
            "created": "2021-03-01T00:00:00.000Z", "modified": "2021-03-01T00:00:00.000Z", "name": name,
        }],
    }
    return json.dumps(bundle).encode()


def _misp(tag_value: str) -> bytes:
    event = {"Event": {
        "info": "A made-up event about one actor", "date": "2021-03-01", "uuid": "5f1d2c3b-4a59-4c1e-8e7f-0a1b2c3d4e5f",
        "Attribute": [{"type": "domain", "category": "Network activity", "value": "bad.example", "to_ids": True}],
        "Tag": [{"name": f'misp-galaxy:threat-actor="{tag_value}"'}],
    }}
    return json.dumps(event).encode()


def test_a_stix_name_with_a_filler_word_is_the_known_actor() -> None:
    found = extract_structured(parse_bytes(_stix("Turla Group"), source="bundle.json"))
    assert [m.actor_id for m in found.actors] == ["G0010"]


def test_a_misp_tag_with_a_filler_word_is_the_known_actor() -> None:
    found = extract_structured(parse_bytes(_misp("Turla Group"), source="event.json"))
    assert [m.actor_id for m in found.actors] == ["G0010"]


def test_an_unknown_structured_name_keeps_its_own_id() -> None:
    found = extract_structured(parse_bytes(_stix("Quietly Invented Heron"), source="bundle.json"))
    assert [m.actor_id for m in found.actors] == ["quietly-invented-heron"]


def _stix_with_software(set_name: str, software: str) -> bytes:
    bundle = json.loads(_stix(set_name))
    bundle["objects"].append({
        "type": "malware", "spec_version": "2.1", "id": "malware--0b4c7a1e-0000-4000-8000-00000000000b",
        "created": "2021-03-01T00:00:00.000Z", "modified": "2021-03-01T00:00:00.000Z",
        "name": software, "is_family": True,
    })
    return json.dumps(bundle).encode()


def test_an_intrusion_set_named_only_after_its_software_is_no_actor() -> None:
    # a playbook calls the unnamed operators of a ransomware after the ransomware
    for set_name, software in (
        ("GLASSMOTH Ransomware", "Glassmoth"), ("Ember Viper Linux", "EmberViper"), ("Quillwort", "QUILLWORT malware"),
    ):
        found = extract_structured(parse_bytes(_stix_with_software(set_name, software), source="bundle.json"))
        assert not found.actors, set_name
        assert [m.name for m in found.malware] == [software]


def test_an_intrusion_set_sharing_a_word_with_its_software_stays_an_actor() -> None:
    for set_name, software in (("Glassmoth Crew", "Glassmoth"), ("Turla", "Turla")):
        found = extract_structured(parse_bytes(_stix_with_software(set_name, software), source="bundle.json"))
        assert len(found.actors) == 1, set_name


def test_a_playbook_title_naming_a_known_actor_and_its_software_is_the_actor() -> None:
    found = extract_structured(parse_bytes(_stix_with_software("Turla - Glassmoth", "Glassmoth"), source="bundle.json"))
    assert [m.actor_id for m in found.actors] == ["G0010"]


def test_a_software_named_set_keeps_its_sightings_and_the_actor_its_aliases_name() -> None:
    bundle = json.loads(_stix_with_software("Glassmoth Ransomware", "Glassmoth"))
    bundle["objects"][0].update({"first_seen": "2019-05-01T00:00:00Z", "goals": ["financial gain"]})
    found = extract_structured(parse_bytes(json.dumps(bundle).encode(), source="bundle.json"))
    assert not found.actors
    assert [(e.kind, e.date, e.actor_ids) for e in found.events] == [("activity-start", "2019-05-01", ())]
    assert [(a.value, a.actor_ids) for a in found.attributions] == [("financial gain", ())]
    bundle["objects"][0]["aliases"] = ["Wizard Spider"]
    found = extract_structured(parse_bytes(json.dumps(bundle).encode(), source="bundle.json"))
    assert [m.actor_id for m in found.actors] == ["G0102"]
    assert [e.actor_ids for e in found.events] == [("G0102",)]


def test_a_pattern_url_without_its_scheme_is_the_address_the_text_gives() -> None:
    bundle = json.loads(_stix("Quietly Invented Heron"))
    bundle["objects"].append({
        "type": "indicator", "spec_version": "2.1", "id": "indicator--0b4c7a1e-0000-4000-8000-00000000000c",
        "created": "2021-03-01T00:00:00.000Z", "modified": "2021-03-01T00:00:00.000Z", "valid_from": "2021-03-01T00:00:00Z",
        "pattern_type": "stix", "pattern": "[url:value = 'WWW.Stage-Two.example.net/gate/in.php']",
    })
    found = extract_structured(parse_bytes(json.dumps(bundle).encode(), source="bundle.json"))
    assert [o.value for o in found.observables if o.type == "url"] == ["http://www.stage-two.example.net/gate/in.php"]
