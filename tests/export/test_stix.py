from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stix2patterns.validator import run_validator
from stix2validator import ValidationOptions, validate_string

from tests.export.checks import stix_problems
from tests.export.conftest import TEXT, build_analysis
from unmask.errors import ExportError
from unmask.export.stix import TLP_LEVELS, deterministic_id, observable_pattern, to_stix_json
from unmask.model import ActorMention, Analysis, Observable, Span, TargetMention, TechniqueMention

_CACHE: dict[str, str] = {}


def _bundle(analysis: Analysis, **kwargs: str) -> dict:
    """The export of ``analysis`` (cached by value: each test rebuilds the same fixture)."""
    key = repr((analysis, sorted(kwargs.items())))
    if key not in _CACHE:
        _CACHE[key] = to_stix_json(analysis, **kwargs)
    return json.loads(_CACHE[key])


def _by_type(bundle: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for obj in bundle["objects"]:
        out.setdefault(obj["type"], []).append(obj)
    return out


def test_validator_accepts_the_export(analysis: Analysis) -> None:
    assert stix_problems(to_stix_json(analysis)) == []


def test_validator_would_report_a_broken_bundle(analysis: Analysis) -> None:
    bundle = _bundle(analysis)
    bundle["objects"][1]["created"] = "yesterday"
    assert stix_problems(json.dumps(bundle))


def test_every_object_kind_is_written(analysis: Analysis) -> None:
    counts = Counter(o["type"] for o in _bundle(analysis)["objects"])
    assert counts["report"] == 1
    assert counts["intrusion-set"] == 1
    assert counts["attack-pattern"] == 2
    assert counts["malware"] == 1 and counts["tool"] == 1
    assert counts["indicator"] == 4  # domain, ip, e-mail, sha256; not google, not the CVE, not btc
    assert counts["vulnerability"] == 1
    assert counts["threat-actor"] == 1
    assert counts["marking-definition"] == 1
    for sco in ("domain-name", "ipv4-addr", "email-addr", "file"):
        assert counts[sco] == 1


def test_exporting_twice_gives_identical_output(analysis: Analysis) -> None:
    assert to_stix_json(analysis) == to_stix_json(build_analysis())


def test_ids_are_name_based_on_the_natural_key(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    assert objects["intrusion-set"][0]["id"] == deterministic_id("intrusion-set", "G0094")
    assert {o["id"] for o in objects["attack-pattern"]} == {
        deterministic_id("attack-pattern", "T1059.001"),
        deterministic_id("attack-pattern", "T1071.001"),
    }
    # the same actor in a different report keeps its id
    other = build_analysis(TEXT + "\nA second paragraph.\n")
    assert _by_type(_bundle(other))["intrusion-set"][0]["id"] == objects["intrusion-set"][0]["id"]
    assert _by_type(_bundle(other))["report"][0]["id"] != objects["report"][0]["id"]


def test_timestamps_come_from_the_document(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    assert objects["report"][0]["published"] == "2024-06-03T00:00:00Z"
    assert objects["intrusion-set"][0]["created"].startswith("2024-06-03T00:00:00")
    assert objects["indicator"][0]["valid_from"].startswith("2024-06-03T00:00:00")


def test_undated_documents_export_deterministically(analysis: Analysis) -> None:
    doc = dataclasses.replace(analysis.document, metadata=dataclasses.replace(analysis.document.metadata, published=None))
    undated = dataclasses.replace(analysis, document=doc, published=None, events=())
    first = to_stix_json(undated)
    assert first == to_stix_json(undated)
    assert stix_problems(first) == []


def test_benign_observables_never_become_indicators(analysis: Analysis) -> None:
    text = json.dumps(_bundle(analysis))
    assert "www.google.com" not in text
    patterns = [o["pattern"] for o in _by_type(_bundle(analysis))["indicator"]]
    assert "[domain-name:value = 'harbor-jobs.com']" in patterns


def test_patterns_are_valid_and_match_their_sco(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    for indicator in objects["indicator"]:
        assert run_validator(indicator["pattern"], stix_version="2.1") == []
        assert indicator["indicator_types"] == ["malicious-activity"]
    assert objects["file"][0]["hashes"]["SHA-256"].startswith("3b7a1f0e")
    assert objects["domain-name"][0]["value"] == "harbor-jobs.com"


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("domain", "evil.example"), ("ipv4", "203.0.113.9"), ("ipv6", "2001:db8::1"),
        ("ipv4_cidr", "203.0.113.0/24"), ("url", "https://evil.example/a?b='c'"),
        ("email", "x@evil.example"), ("md5", "5d41402abc4b2a76b9719d911017c592"),
        ("sha1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"), ("asn", "AS64500"),
        ("mac", "00:11:22:33:44:55"), ("registry_key", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"),
        ("file_name", "invite.hwp"), ("file_path", "C:\\Users\\Public\\x.dll"),
    ],
)
def test_every_supported_type_gives_a_valid_pattern(type_: str, value: str) -> None:
    made = observable_pattern(type_, value)
    assert made is not None
    pattern, _sco = made
    assert run_validator(pattern, stix_version="2.1") == []


def test_every_observable_type_validates_in_a_bundle(analysis: Analysis) -> None:
    text = analysis.document.text + "\n"
    extra = [
        ("ipv6", "2001:db8::1"), ("url", "https://evil.example/it's"), ("md5", "5d41402abc4b2a76b9719d911017c592"),
        ("asn", "AS64500"), ("mac", "00:11:22:33:44:55"),
        ("registry_key", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"),
        ("file_name", "invite.hwp"), ("xmr", "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx"),
        ("url", "https://cdn.example.net/pasted-image.png)###"), ("url", "evil.example/no-scheme.html"),
        ("url", "http://old.example.com/a.php?fdid=[base64_data]"), ("url", "https://bücher.example/ä?q=1%zz"),
        ("url", "http://a.example:abc/"), ("domain", "domain bad.example"),
    ]
    observables = list(analysis.observables)
    for type_, value in extra:
        observables.append(Observable(type_, value, value, Span(len(text), len(text) + len(value))))
        text += value + "\n"
    doc = dataclasses.replace(analysis.document, text=text)
    bigger = dataclasses.replace(analysis, document=doc, observables=tuple(observables))
    out = to_stix_json(bigger)
    assert stix_problems(out) == []
    notes = [o for o in json.loads(out)["objects"] if o["type"] == "note" and o["abstract"].startswith("Not exported")]
    assert len(notes) == 1 and "xmr" in notes[0]["content"] and "btc" in notes[0]["content"]
    assert "http://a.example:abc/" in notes[0]["content"] and "domain bad.example" in notes[0]["content"]
    urls = {o["value"] for o in json.loads(out)["objects"] if o["type"] == "url"}
    assert {"https://cdn.example.net/pasted-image.png)#%23%23", "http://evil.example/no-scheme.html",
            "http://old.example.com/a.php?fdid=%5Bbase64_data%5D"} <= urls


def test_every_object_carries_the_tlp_marking(analysis: Analysis) -> None:
    for level, marking_id in TLP_LEVELS.items():
        bundle = _bundle(analysis, tlp=level)
        markings = [o for o in bundle["objects"] if o["type"] == "marking-definition"]
        assert [m["id"] for m in markings] == [marking_id]
        assert markings[0]["name"] == f"TLP:{level.upper()}"
        for obj in bundle["objects"]:
            if obj["type"] != "marking-definition":
                assert obj["object_marking_refs"] == [marking_id], obj["id"]
    assert stix_problems(to_stix_json(analysis, tlp="amber+strict")) == []


def test_unknown_tlp_is_an_export_error(analysis: Analysis) -> None:
    with pytest.raises(ExportError, match="TLP"):
        to_stix_json(analysis, tlp="purple")


def test_report_refers_to_everything_and_to_its_source(analysis: Analysis) -> None:
    bundle = _bundle(analysis)
    report = _by_type(bundle)["report"][0]
    ids = {o["id"] for o in bundle["objects"]}
    others = {o["id"] for o in bundle["objects"]
              if o["type"] not in ("report", "marking-definition") and o.get("identity_class") != "system"}
    assert set(report["object_refs"]) <= ids
    assert others - {report["id"]} <= set(report["object_refs"])
    source = report["external_references"][0]
    assert source["url"] == "https://research.example.org/glass-harbor"
    assert source["hashes"]["SHA-256"] == analysis.document.sha256


def test_intrusion_set_properties(analysis: Analysis) -> None:
    actor = _by_type(_bundle(analysis))["intrusion-set"][0]
    assert actor["name"] == "Kimsuky"
    assert actor["aliases"] == ["APT43", "Emerald Sleet"]
    assert actor["first_seen"].startswith("2024-03-01")
    assert actor["goals"] == ["espionage"]
    assert actor["primary_motivation"] == "organizational-gain"
    assert {"source_name": "mitre-attack", "external_id": "G0094"} in actor["external_references"]


def test_attack_patterns_carry_attack_references(analysis: Analysis) -> None:
    for pattern in _by_type(_bundle(analysis))["attack-pattern"]:
        ref = pattern["external_references"][0]
        assert ref["source_name"] == "mitre-attack"
        assert re.fullmatch(r"T\d{4}\.\d{3}", ref["external_id"])
        assert pattern["kill_chain_phases"][0]["kill_chain_name"] == "mitre-attack"


def test_targets_become_identities_and_locations(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    countries = {o["country"] for o in objects["location"]}
    assert countries == {"KR", "JP", "KP"}
    sectors = {o["name"]: o.get("sectors") for o in objects["identity"] if o["identity_class"] == "class"}
    assert sectors == {"logistics": ["transportation"], "think tanks": ["non-profit"]}


def test_relationships(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    by_id = {o["id"]: o for o in _bundle(analysis)["objects"]}
    triples = {(by_id[r["source_ref"]]["type"], r["relationship_type"], by_id[r["target_ref"]]["type"])
               for r in objects["relationship"]}
    assert ("intrusion-set", "uses", "attack-pattern") in triples
    assert ("intrusion-set", "uses", "malware") in triples
    assert ("intrusion-set", "uses", "tool") in triples
    assert ("intrusion-set", "targets", "identity") in triples
    assert ("intrusion-set", "targets", "location") in triples
    assert ("intrusion-set", "attributed-to", "threat-actor") in triples
    assert ("intrusion-set", "originates-from", "location") in triples
    assert ("indicator", "indicates", "intrusion-set") in triples
    # North Korea is the sponsor, not a target
    kp = next(o["id"] for o in objects["location"] if o["country"] == "KP")
    assert not [r for r in objects["relationship"] if r["relationship_type"] == "targets" and r["target_ref"] == kp]


def test_notes_carry_evidence_with_offsets(analysis: Analysis) -> None:
    objects = _by_type(_bundle(analysis))
    notes = [n for n in objects["note"] if n["abstract"].startswith("Evidence")]
    assert notes
    actor = objects["intrusion-set"][0]
    note = next(n for n in notes if n["object_refs"] == [actor["id"]])
    for quote, start, end in re.findall(r"\u201c(.*?)\u201d \(chars (\d+)-(\d+)\)", note["content"]):
        assert " ".join(TEXT[int(start):int(end)].split()) == quote
    assert "\u201cAPT43\u201d (chars" in note["content"]


def test_an_analysis_with_nothing_still_validates() -> None:
    empty = dataclasses.replace(
        build_analysis(), observables=(), actors=(), alias_statements=(), techniques=(), targets=(),
        attributions=(), malware=(), events=(), actor_summary=(),
    )
    out = to_stix_json(empty)
    assert stix_problems(out) == []
    assert [o["type"] for o in json.loads(out)["objects"]].count("report") == 1


def test_several_analyses_share_objects(analysis: Analysis) -> None:
    other = build_analysis(TEXT.replace("2 May 2024", "3 May 2024"), url=None)
    bundle = json.loads(to_stix_json([analysis, other]))
    counts = Counter(o["type"] for o in bundle["objects"])
    assert counts["report"] == 2 and counts["intrusion-set"] == 1
    assert stix_problems(json.dumps(bundle)) == []


def test_regions_map_to_the_stix_vocabulary(analysis: Analysis) -> None:
    text = analysis.document.text + "\nthe Middle East and Atlantis\n"
    at = text.index("the Middle East")
    targets = (
        *analysis.targets,
        TargetMention("region", "Middle East", "Middle East", Span(at + 4, at + 15)),
        TargetMention("region", "Atlantis", "Atlantis", Span(at + 20, at + 28)),
    )
    bigger = dataclasses.replace(analysis, document=dataclasses.replace(analysis.document, text=text), targets=targets)
    out = to_stix_json(bigger)
    assert stix_problems(out) == []
    bundle = json.loads(out)
    assert {o.get("region") for o in bundle["objects"] if o["type"] == "location"} >= {"western-asia"}
    skipped = next(o for o in bundle["objects"] if o["type"] == "note" and o["abstract"].startswith("Not exported"))
    assert "Atlantis" in skipped["content"]


_TYPES = ["domain", "ipv4", "ipv6", "url", "email", "md5", "sha256", "asn", "mac", "registry_key",
          "file_name", "file_path", "cve", "btc", "user_agent", "something-new"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(st.sampled_from(_TYPES), st.text(min_size=1, max_size=40)), min_size=1, max_size=4))
def test_any_observable_value_exports_or_is_reported(items: list[tuple[str, str]]) -> None:
    analysis = build_analysis()
    text = analysis.document.text
    observables = []
    for type_, value in items:
        observables.append(Observable(type_, value, value, Span(len(text), len(text) + len(value))))
        text += value
    doc = dataclasses.replace(analysis.document, text=text)
    bundle = json.loads(to_stix_json(dataclasses.replace(analysis, document=doc, observables=tuple(observables))))
    for indicator in (o for o in bundle["objects"] if o["type"] == "indicator"):
        assert run_validator(indicator["pattern"], stix_version="2.1") == []


def test_relationships_stay_within_each_report(analysis: Analysis) -> None:
    text = "Lazarus Group sent phishing links to banks.\n"
    doc = dataclasses.replace(analysis.document, text=text, sha256="0" * 64, source="other.txt")
    other = Analysis(
        document=doc,
        published=analysis.published,
        actors=(ActorMention("G0032", "Lazarus Group", "Lazarus Group", Span(0, 13), "gazetteer", 0.9),),
        techniques=(TechniqueMention("T1566.002", "Spearphishing Link", Span(0, 44), "classifier", 0.7),),
        targets=(TargetMention("sector", "banks", "banks", Span(37, 42)),),
    )
    bundle = json.loads(to_stix_json([analysis, other]))
    assert stix_problems(json.dumps(bundle)) == []
    by_id = {o["id"]: o for o in bundle["objects"]}
    uses = {(by_id[r["source_ref"]]["name"], by_id[r["target_ref"]]["name"])
            for r in bundle["objects"] if r["type"] == "relationship" and r["relationship_type"] in ("uses", "targets")}
    assert ("Lazarus Group", "Spearphishing Link") in uses
    assert ("Kimsuky", "Spearphishing Link") not in uses
    assert ("Lazarus Group", "PowerShell") not in uses
    assert ("Lazarus Group", "banks") in uses and ("Kimsuky", "banks") not in uses


def test_undated_reports_in_the_knowledge_base_are_dated_by_their_ingest(tmp_path: Path) -> None:
    """A one-shot export of an undated text uses the epoch (it never reads the clock); from
    the knowledge base the report is known since it was ingested."""
    from unmask.export.knowledge import query_knowledge
    from unmask.pipeline import analyze
    from unmask.store import open as open_kb

    text = "APT29 sent phishing e-mails to embassies from relay-embassy-mail.top."
    one_shot = json.loads(to_stix_json([analyze(text)]))
    assert {o["published"] for o in one_shot["objects"] if o["type"] == "report"} == {"1970-01-01T00:00:00Z"}
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(analyze(text))
        ingested = kb.find_reports(limit=1)[0].ingested_at
        selection = query_knowledge(kb, actor="APT29")
    assert ingested is not None
    report = next(r for r in selection.digest.reports)
    assert report.time.date() == ingested.date() and report.published == ingested.date()


def test_no_external_reference_has_a_url_without_a_hash(analysis: Analysis) -> None:
    cited = "https://blog.example.net/earlier-glass-harbor-post"
    text = TEXT + f"See our earlier post: {cited}\n"
    at = text.index(cited)
    with_ref = dataclasses.replace(
        build_analysis(text),
        observables=(*build_analysis(text).observables, Observable("url", cited, cited, Span(at, at + len(cited)), role="reference")),
    )
    bundle = json.loads(to_stix_json(with_ref))
    refs = [r for o in bundle["objects"] for r in o.get("external_references", [])]
    assert [r for r in refs if "url" in r and "hashes" not in r] == []
    assert {"source_name": "blog.example.net", "description": f"cited by the report: {cited}"} in refs
    options = ValidationOptions(version="2.1", strict=True, enforce_refs=True)  # 302 on
    assert validate_string(to_stix_json(with_ref), options).as_dict().get("warnings", []) == []
