"""A STIX persona the group is attributed to is no sponsor (issue 17: "Ugly Gorilla")."""

from __future__ import annotations

import json

from unmask.documents import parse_bytes
from unmask.pipeline.structured import extract_structured


def _bundle() -> bytes:
    def actor(ident: str, name: str, roles: list[str]) -> dict[str, object]:
        return {"type": "threat-actor", "spec_version": "2.1", "id": f"threat-actor--{ident}", "name": name,
                "threat_actor_types": ["nation-state"], "roles": roles,
                "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"}

    group = {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--00000000-0000-4000-8000-000000000001",
             "name": "APT1", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"}
    persona = actor("00000000-0000-4000-8000-000000000002", "Brass Heron", ["malware-author", "agent"])
    unit = actor("00000000-0000-4000-8000-000000000003", "Unit 61398", ["agent"])
    party = actor("00000000-0000-4000-8000-000000000004", "Communist Party of China", ["sponsor", "director"])
    objects: list[dict[str, object]] = [group, persona, unit, party]
    for n, target in enumerate((persona, unit, party), start=5):
        objects.append({"type": "relationship", "spec_version": "2.1", "id": f"relationship--00000000-0000-4000-8000-00000000000{n}",
                        "relationship_type": "attributed-to", "source_ref": group["id"], "target_ref": target["id"],
                        "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"})
    return json.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000009", "objects": objects}).encode()


def test_a_persona_is_no_sponsor_but_a_unit_and_a_party_are() -> None:
    found = extract_structured(parse_bytes(_bundle(), source="apt1.json"))
    sponsors = {a.value for a in found.attributions if a.kind == "sponsor"}
    assert sponsors == {"Unit 61398", "Communist Party of China"}
