"""Events and targets that a STIX bundle states in its objects' properties (issue 17):
a campaign's first and last sighting, the sectors of a targeted identity, and an
identity that is only a stand-in for an unnamed victim."""

from __future__ import annotations

import json
from typing import Any

from unmask.documents import parse_bytes
from unmask.pipeline.structured import extract_structured

_STAMP = {"spec_version": "2.1", "created": "2022-02-01T00:00:00.000Z", "modified": "2022-02-01T00:00:00.000Z"}


def _obj(kind: str, n: int, **props: Any) -> dict[str, Any]:
    return {"type": kind, "id": f"{kind}--7d3e5a10-0000-4000-8000-{n:012d}", **_STAMP, **props}


def _rel(n: int, kind: str, source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    return _obj("relationship", n, relationship_type=kind, source_ref=source["id"], target_ref=target["id"])


def _found(*objects: dict[str, Any]) -> Any:
    bundle = {"type": "bundle", "id": "bundle--7d3e5a10-0000-4000-8000-000000000000", "objects": list(objects)}
    return extract_structured(parse_bytes(json.dumps(bundle).encode(), source="bundle.json"))


def test_a_campaign_sighting_window_is_its_actors_activity() -> None:
    group = _obj("intrusion-set", 1, name="Lantern Otter")
    campaign = _obj("campaign", 2, name="Wave of spring", first_seen="2021-03-04T00:00:00Z",
                    last_seen="2021-11-30T00:00:00Z")
    found = _found(group, campaign, _rel(3, "attributed-to", campaign, group))
    events = {(e.kind, e.date, e.actor_ids) for e in found.events}
    assert events == {("activity-start", "2021-03-04", ("lantern-otter",)),
                      ("activity-end", "2021-11-30", ("lantern-otter",))}


def test_a_campaign_with_no_actor_still_dates_its_activity() -> None:
    campaign = _obj("campaign", 2, name="Wave of spring", first_seen="2021-03-04T00:00:00Z")
    assert [(e.kind, e.date, e.actor_ids) for e in _found(campaign).events] == [("activity-start", "2021-03-04", ())]


def test_a_targeted_identitys_sectors_are_targeted_sectors() -> None:
    campaign = _obj("campaign", 2, name="Wave of spring")
    victim = _obj("identity", 4, name="Northwind Clinics", identity_class="organization",
                  sectors=["healthcare", "pharmaceuticals"])
    found = _found(campaign, victim, _rel(5, "targets", campaign, victim))
    targets = {(t.role, t.kind, t.value) for t in found.targets}
    assert ("target", "sector", "Health") in targets
    assert ("target", "organization", "Northwind Clinics") in targets


def test_a_placeholder_identity_is_no_organisation() -> None:
    campaign = _obj("campaign", 2, name="Wave of spring")
    stand_in = _obj("identity", 4, name="Identity (Wave of spring - hospitals)", identity_class="unknown",
                    sectors=["healthcare"])
    found = _found(campaign, stand_in, _rel(5, "targets", campaign, stand_in))
    assert {(t.role, t.kind, t.value) for t in found.targets} == {("target", "sector", "Health")}


def test_placeholder_and_impossible_sighting_dates_are_no_events() -> None:
    """Exporters write 9999-12-31 or 0001-01-01 for an unknown sighting; neither, nor a
    day that does not exist or lies in the future, dates the actor's activity."""
    group = _obj("intrusion-set", 1, name="Lantern Otter", first_seen="0001-01-01T00:00:00Z",
                 last_seen="9999-12-31T23:59:59Z")
    campaign = _obj("campaign", 2, name="Wave of spring", first_seen="2023-02-30T00:00:00Z",
                    last_seen="2023-06-01T00:00:00Z")
    later = _obj("campaign", 6, name="Wave of autumn", first_seen="2999-01-01T00:00:00Z")
    found = _found(group, campaign, later, _rel(3, "attributed-to", campaign, group))
    assert {(e.kind, e.date) for e in found.events} == {("activity-end", "2023-06-01")}


def test_an_identity_named_only_in_generic_words_names_nobody_but_its_countries_count() -> None:
    campaign = _obj("campaign", 2, name="Wave of spring")
    stand_in = _obj("identity", 4, name="Victim Organisations (unnamed)", identity_class="organization",
                    x_acme_countries=["nl", "BE", "ZZ", 7], x_acme_country="LU")
    retailer = _obj("identity", 6, name="Target", identity_class="organization")
    found = _found(campaign, stand_in, retailer, _rel(5, "targets", campaign, stand_in),
                   _rel(7, "targets", campaign, retailer))
    assert {(t.role, t.kind, t.value) for t in found.targets} == {
        ("target", "country", "NL"), ("target", "country", "BE"), ("target", "country", "LU"),
        ("target", "organization", "Target"),  # one word that can be a company's name
    }


def test_a_campaign_inside_a_report_on_one_group_is_that_groups() -> None:
    group = _obj("intrusion-set", 1, name="Lantern Otter")
    campaign = _obj("campaign", 2, name="Wave of spring", first_seen="2021-03-04T00:00:00Z")
    inner = _obj("report", 3, name="The spring wave", published="2021-05-01T00:00:00Z",
                 object_refs=[campaign["id"]])
    outer = _obj("report", 4, name="Lantern Otter", published="2021-06-01T00:00:00Z",
                 object_refs=[group["id"], inner["id"]])
    events = {(e.kind, e.date, e.actor_ids) for e in _found(outer, group, campaign, inner).events}
    assert events == {("activity-start", "2021-03-04", ("lantern-otter",))}


def test_a_report_on_two_groups_attributes_its_campaign_to_neither() -> None:
    one = _obj("intrusion-set", 1, name="Lantern Otter")
    two = _obj("intrusion-set", 5, name="Copper Heron")
    campaign = _obj("campaign", 2, name="Wave of spring", first_seen="2021-03-04T00:00:00Z")
    report = _obj("report", 3, name="Two groups", published="2021-05-01T00:00:00Z",
                  object_refs=[one["id"], two["id"], campaign["id"]])
    loop = _obj("report", 4, name="Loop", published="2021-05-01T00:00:00Z",
                object_refs=[report["id"]])
    report["object_refs"].append(loop["id"])  # a cycle of reports ends
    events = {(e.kind, e.date, e.actor_ids) for e in _found(report, loop, one, two, campaign).events}
    assert events == {("activity-start", "2021-03-04", ())}
