from __future__ import annotations

import dataclasses
import json

import pytest
from pymisp import MISPEvent

from tests.export.checks import event_tags, galaxy_tag_problems, misp_problems
from tests.export.conftest import build_analysis
from unmask.errors import ExportError
from unmask.export.misp import attribute_count, misp_attribute_type, to_misp_json
from unmask.model import ActorMention, Analysis, MalwareMention, Span, TechniqueMention


def _event(analysis: Analysis, **kwargs: str) -> dict:
    return json.loads(to_misp_json(analysis, **kwargs))["Event"]


def test_loads_with_pymisp_and_keeps_its_attributes(analysis: Analysis) -> None:
    text = to_misp_json(analysis)
    assert misp_problems(text) == []
    event = MISPEvent()
    event.load(text)
    assert len(event.attributes) == len(analysis.observables)
    assert attribute_count(json.loads(text)) == len(analysis.observables) + 4  # + report object


def test_exporting_twice_gives_identical_json(analysis: Analysis) -> None:
    assert to_misp_json(analysis) == to_misp_json(build_analysis())


def test_types_categories_and_to_ids(analysis: Analysis) -> None:
    attrs = {a["value"]: a for a in _event(analysis)["Attribute"]}
    assert (attrs["harbor-jobs.com"]["type"], attrs["harbor-jobs.com"]["category"]) == ("domain", "Network activity")
    assert attrs["198.51.100.23"]["type"] == "ip-dst"
    assert attrs["hr@harbor-jobs.com"]["type"] == "email-src"
    sha = "3b7a1f0e2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7"
    assert (attrs[sha]["type"], attrs[sha]["category"]) == ("sha256", "Payload delivery")
    assert attrs["CVE-2023-38831"]["type"] == "vulnerability"
    assert attrs["bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"]["category"] == "Financial fraud"
    assert attrs["harbor-jobs.com"]["to_ids"] is True
    assert attrs["CVE-2023-38831"]["to_ids"] is False
    # warninglist hit: kept, never to_ids, lists named
    google = attrs["www.google.com"]
    assert google["to_ids"] is False
    assert google["comment"].startswith("benign (warninglist: top-domains)")


def test_comments_carry_evidence(analysis: Analysis) -> None:
    attrs = {a["value"]: a for a in _event(analysis)["Attribute"]}
    start = analysis.document.text.index("harbor-jobs[.]com")
    assert f"\u201charbor-jobs[.]com\u201d (chars {start}-{start + 17})" in attrs["harbor-jobs.com"]["comment"]


def test_galaxy_and_tlp_tags(analysis: Analysis) -> None:
    tags = [t["name"] for t in _event(analysis, tlp="amber")["Tag"]]
    assert tags[0] == "tlp:amber"
    assert 'misp-galaxy:threat-actor="Kimsuky"' in tags
    assert 'misp-galaxy:mitre-attack-pattern="PowerShell - T1059.001"' in tags
    assert 'misp-galaxy:mitre-malware="AppleSeed - S0622"' in tags
    assert 'misp-galaxy:mitre-tool="Mimikatz - S0002"' in tags
    assert 'misp-galaxy:sector="Think Tanks"' in tags and 'misp-galaxy:sector="Logistic"' in tags
    assert 'misp-galaxy:target-information="South Korea"' in tags
    assert not [t for t in tags if "North Korea" in t]  # the sponsor is not a target
    with pytest.raises(ExportError):
        to_misp_json(analysis, tlp="blue")


def test_report_object(analysis: Analysis) -> None:
    objects = _event(analysis)["Object"]
    assert [o["name"] for o in objects] == ["report"]
    values = {a["object_relation"]: a["value"] for a in objects[0]["Attribute"]}
    assert values["title"] == "Operation Glass Harbor"
    assert values["link"] == "https://research.example.org/glass-harbor"
    assert "Kimsuky" in values["summary"]


def test_event_fields(analysis: Analysis) -> None:
    event = _event(analysis)
    assert event["info"] == "Operation Glass Harbor"
    assert event["date"] == "2024-06-03"


@pytest.mark.parametrize("type_", ["domain", "ipv4", "ipv6", "url", "email", "md5", "sha1", "sha256",
                                   "sha512", "ssdeep", "file_name", "registry_key", "asn", "mac", "cve",
                                   "btc", "xmr", "user_agent", "eth"])
def test_every_type_maps_to_a_known_misp_type(type_: str) -> None:
    misp_type, category = misp_attribute_type(type_)
    described = MISPEvent().describe_types
    assert misp_type in described["types"]
    assert misp_type in described["category_type_mappings"][category]


def _tags_for(analysis: Analysis) -> list[str]:
    return event_tags(to_misp_json(analysis))


def test_every_galaxy_tag_resolves_in_the_shipped_galaxies(analysis: Analysis) -> None:
    tags = _tags_for(analysis)
    assert [t for t in tags if t.startswith("misp-galaxy:")]
    assert galaxy_tag_problems(tags) == []


def test_galaxy_values_are_written_as_the_galaxy_writes_them(analysis: Analysis) -> None:
    span = Span(0, 7)
    odd = dataclasses.replace(
        analysis,
        # a sub-technique named with its parent, a tool in lower case without its id,
        # a tool the extractor called malware, an actor by one of its other names
        techniques=(TechniqueMention("T1071.001", "Application Layer Protocol: Web Protocols", span, "classifier", 0.7),),
        malware=(
            MalwareMention("mimikatz", "mimikatz", "mimikatz", span, kind="tool"),
            MalwareMention("S0002", "Mimikatz", "Mimikatz", span, kind="malware"),
            MalwareMention("unmask-sw-glassloader", "GlassLoader", "GlassLoader", span),
        ),
        actors=(ActorMention("unmask-velvet-chollima", "Velvet Chollima", "Velvet Chollima", span, "gazetteer", 0.9),),
    )
    tags = _tags_for(odd)
    assert galaxy_tag_problems(tags) == []
    assert 'misp-galaxy:mitre-attack-pattern="Web Protocols - T1071.001"' in tags
    assert 'misp-galaxy:mitre-tool="Mimikatz - S0002"' in tags
    assert not [t for t in tags if t.startswith("misp-galaxy:mitre-malware=") and "Mimikatz" in t]
    assert 'misp-galaxy:threat-actor="Kimsuky"' in tags
    # no galaxy holds it: kept, in unmask's namespace, never claimed as a cluster
    assert 'unmask:malware="GlassLoader"' in tags
