"""Copies of ATT&CK objects inside a vendor's STIX bundle (an analyst's read, session 10):
a playbook carries the techniques it saw as MITRE-signed attack patterns and mitigations,
each with ATT&CK's generic description and citations. That text is reference data, not
the report's: read as prose it named other malware families (from citation titles),
parties and techniques the report never says. The copy gives its name, ATT&CK id and cited
addresses; the structured reading still makes it a technique."""

from __future__ import annotations

import json

import pytest

import unmask
from unmask.documents import parse_bytes
from unmask.documents.stix import ATTACK_IDENTITY

pytestmark = pytest.mark.filterwarnings("error")

VENDOR = "identity--5f0c2d9e-7a14-4c3b-9e61-0d8b2a6f4c11"


def _bundle() -> bytes:
    pattern = {
        "type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--2a9c5e1d-4b7f-4c8e-9d03-6e1f0b7a2c55",
        "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z", "created_by_ref": ATTACK_IDENTITY,
        "name": "Data Encrypted for Impact",
        "description": ("Adversaries may encrypt data on many systems, as the [Quasimodo](https://attack.mitre.org/"
                        "software/S9999) wiper and Harbour Ransomware did to utilities in Norway "
                        "(Citation: Lantern Quasimodo 2019)."),
        "external_references": [
            {"source_name": "mitre-attack", "external_id": "T1486", "url": "https://attack.mitre.org/techniques/T1486"},
            {"source_name": "Lantern Quasimodo 2019", "url": "https://lantern.example/quasimodo-wiper",
             "description": "Lantern Labs. (2019). Quasimodo wiper hits Norwegian utilities."}],
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "impact"}]}
    report = {
        "type": "report", "spec_version": "2.1", "id": "report--7d3e9b2c-1f5a-4e6d-8c02-9a4b1e7f3d66",
        "created": "2021-05-01T00:00:00Z", "modified": "2021-05-01T00:00:00Z", "created_by_ref": VENDOR,
        "name": "A ransomware crew", "published": "2021-05-01T00:00:00Z",
        "description": "The crew encrypted file servers of a regional retailer.",
        "object_refs": [pattern["id"]]}
    return json.dumps({"type": "bundle", "id": "bundle--1c4e7a9d-3b2f-4d6e-8a15-7f0c9e2b4d88",
                       "objects": [report, pattern]}).encode()


def test_an_attack_copy_gives_its_name_id_and_addresses_only() -> None:
    doc = parse_bytes(_bundle(), source="playbook.json")
    assert "Data Encrypted for Impact" in doc.text and "T1486" in doc.text
    assert "https://attack.mitre.org/software/S9999" in doc.text  # still cited
    assert "https://lantern.example/quasimodo-wiper" in doc.text
    for generic in ("Adversaries may", "Harbour Ransomware", "Norway", "Quasimodo wiper hits"):
        assert generic not in doc.text
    assert "regional retailer" in doc.text  # the vendor's own words stay


def test_the_report_keeps_the_technique_and_loses_what_attack_said() -> None:
    analysis = unmask.analyze(parse_bytes(_bundle(), source="playbook.json"))
    assert "T1486" in {t.technique_id for t in analysis.techniques}
    assert not {m.name for m in analysis.malware} & {"Harbour Ransomware", "Quasimodo"}
    assert "NO" not in {t.value for t in analysis.targets}


def test_other_objects_naming_mitre_as_creator_keep_their_words() -> None:
    # review HIGH-5: created_by_ref is a claim; only ATT&CK's own entry types with an
    # ATT&CK id are read as copies
    note = {"type": "note", "spec_version": "2.1", "id": "note--3e8b1c2d-5a6f-4b7c-9d0e-1f2a3b4c5d66",
            "created": "2021-05-01T00:00:00Z", "modified": "2021-05-01T00:00:00Z",
            "created_by_ref": ATTACK_IDENTITY, "content": "The crew reached relay.badzone.example from Poland.",
            "object_refs": ["report--7d3e9b2c-1f5a-4e6d-8c02-9a4b1e7f3d66"]}
    tool = {"type": "tool", "spec_version": "2.1", "id": "tool--4f9c2d3e-6b7a-4c8d-8e1f-2a3b4c5d6e77",
            "created": "2021-05-01T00:00:00Z", "modified": "2021-05-01T00:00:00Z",
            "created_by_ref": ATTACK_IDENTITY, "name": "Packrat", "description": "A helper the crew wrote itself."}
    data = json.dumps({"type": "bundle", "id": "bundle--2d5f8b0e-4c3a-4e7f-9b26-8a1d0f3c5e99",
                       "objects": [note, tool]}).encode()
    doc = parse_bytes(data, source="claims.json")
    assert "relay.badzone.example from Poland" in doc.text
    assert "A helper the crew wrote itself." in doc.text  # no ATT&CK id: not a copy
