"""STIX 2, MISP, STIX 1.x and OpenIOC readers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.documents.conftest import fixture
from unmask.documents import parse_bytes, read
from unmask.errors import DocumentError, NoTextError


def test_stix21_bundle_text_and_objects() -> None:
    doc = read(fixture("bundle-stix21.json"))
    assert doc.format == "stix2"
    bundle = json.loads(fixture("bundle-stix21.json").read_text())
    assert list(doc.objects) == bundle["objects"]  # kept unchanged, marking included
    assert doc.text.startswith("Report: Kimsuky interview lures\n")
    for expected in (
        "Intrusion set: Kimsuky\nAliases: APT43, Emerald Sleet, Velvet Chollima",
        "A North Korean group that collects intelligence on foreign policy.",
        "Malware: BabyShark",
        "Reference: mitre-attack T1566.002",
        "Pattern: [domain-name:value = 'interview-request.example']",
        "domain-name value: cdn-update.example",
        "Kimsuky uses BabyShark.",
    ):
        assert expected in doc.text, expected
    assert "TLP:GREEN" not in doc.text
    meta = doc.metadata
    assert meta.title == "Kimsuky interview lures"
    assert meta.authors == ("Example CERT",)
    assert meta.published == dt.date(2024, 3, 5)
    assert meta.extra["spec_version"] == "2.1"
    assert meta.extra["bundle_id"] == bundle["id"]


def test_stix20_bundle_and_observed_data() -> None:
    bundle = {
        "type": "bundle", "id": "bundle--11111111-2222-4333-8444-555555555555", "spec_version": "2.0",
        "objects": [{
            "type": "observed-data", "id": "observed-data--11111111-2222-4333-8444-555555555556",
            "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z",
            "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
            "number_observed": 1,
            "objects": {"0": {"type": "file", "name": "a.exe", "hashes": {"MD5": "0cc175b9c0f1b6a831c399e269772661"}},
                        "1": {"type": "ipv4-addr", "value": "198.51.100.7"}},
        }],
    }
    doc = parse_bytes(json.dumps(bundle).encode(), source="b.json")
    assert doc.metadata.extra["spec_version"] == "2.0"
    assert "file MD5: 0cc175b9c0f1b6a831c399e269772661" in doc.text
    assert "ipv4-addr value: 198.51.100.7" in doc.text


def test_single_stix_object() -> None:
    obj = {"type": "threat-actor", "id": "threat-actor--11111111-2222-4333-8444-555555555555",
           "spec_version": "2.1", "name": "Black Banshee", "aliases": ["Kimsuky"]}
    doc = parse_bytes(json.dumps(obj).encode(), source="ta.json")
    assert doc.format == "stix2"
    assert doc.text == "Threat actor: Black Banshee\nAliases: Kimsuky"


def test_targeting_fields_become_text() -> None:
    objs = [
        {"type": "identity", "id": "identity--11111111-2222-4333-8444-555555555555", "spec_version": "2.1",
         "name": "Think tanks", "identity_class": "class", "sectors": ["government", "non-profit"]},
        {"type": "location", "id": "location--11111111-2222-4333-8444-555555555555", "spec_version": "2.1",
         "country": "KR", "region": "eastern-asia"},
    ]
    doc = parse_bytes(json.dumps(objs).encode(), source="l.json")
    assert "Sectors: government, non-profit" in doc.text
    assert "Country: KR" in doc.text and "Region: eastern-asia" in doc.text


def test_empty_bundle_is_refused() -> None:
    with pytest.raises(NoTextError, match=r"e\.json: STIX content \(0 objects\) holds no text"):
        parse_bytes(b'{"type": "bundle", "id": "bundle--11111111-2222-4333-8444-555555555555", "objects": []}',
                    source="e.json")


def test_misp_event_text_and_object() -> None:
    doc = read(fixture("misp-event.json"))
    assert doc.format == "misp"
    event = json.loads(fixture("misp-event.json").read_text())["Event"]
    assert doc.objects == (event,)  # one object per event: the whole Event dict
    for expected in (
        "Event: Kimsuky interview lures against think tanks",
        "Threat Actor: Kimsuky (also known as Velvet Chollima, Black Banshee, Thallium)",
        "Network activity / domain: interview-request.example (sender domain)",
        "Payload delivery / filename|sha256: interview.lnk | 6f1c1b0d",
        "Object email (first lure):\nfrom: recruiter@interview-request.example",
    ):
        assert expected in doc.text, expected
    meta = doc.metadata
    assert meta.title == "Kimsuky interview lures against think tanks"
    assert meta.authors == ("Example CERT",)
    assert meta.published == dt.date(2024, 3, 5)
    assert meta.extra["attribute_count"] == "5"


def test_misp_response_wrapper_and_bare_event() -> None:
    event = json.loads(fixture("misp-event.json").read_text())["Event"]
    for value in ({"response": [{"Event": event}, {"Event": {**event, "info": "second"}}]}, event):
        doc = parse_bytes(json.dumps(value).encode(), source="m.json")
        assert doc.format == "misp"
    assert doc.metadata.extra["event_count"] == "1"


def test_other_json_is_text() -> None:
    doc = parse_bytes(b'{"note": "APT43 = Kimsuky", "domains": ["evil.example"]}', source="x.json")
    assert doc.format == "text"
    assert "evil.example" in doc.text


def test_invalid_json_is_text() -> None:
    doc = parse_bytes(b'{"type": "bundle", "objects": [ truncated', source="x.json")
    assert doc.format == "text"


def test_stix1_read_with_recovery() -> None:
    doc = read(fixture("package-stix1.xml"))
    assert doc.format == "stix1"
    assert doc.metadata.title == "Kimsuky lure domains (MISP Event #42)"
    assert doc.metadata.published == dt.date(2024, 3, 5)
    assert "Value: interview-request.example" in doc.text
    assert "Title: Network activity: cdn-update.example" in doc.text
    assert doc.text.count("Derived from MISP's IDS flag.") == 1


def test_openioc() -> None:
    doc = read(fixture("recklessness.ioc"))
    assert doc.format == "openioc"
    assert doc.metadata.title == "Kimsuky lure infrastructure"
    assert doc.metadata.authors == ("Example CERT",)
    assert doc.metadata.published == dt.date(2024, 3, 5)
    assert "Network/DNS is interview-request.example" in doc.text
    assert "Network/DNS is cdn-update.example" in doc.text  # value only in the id attribute
    assert "FileItem/Md5sum is 0cc175b9c0f1b6a831c399e269772661" in doc.text
    assert len(doc.objects) == 3
    assert doc.objects[2]["content"] == "0cc175b9c0f1b6a831c399e269772661"


def test_xml_entities_are_not_expanded() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">'
            b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<ioc xmlns="http://schemas.mandiant.com/2010/ioc"><description>see &x; &b;</description></ioc>')
    doc = parse_bytes(data, source="x.ioc")
    assert "root:" not in doc.text and "aaaaaaaaaa" not in doc.text


def test_unrecoverable_stix1_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"s\.xml: STIX 1\.x"):
        parse_bytes(b'<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1"', source="s.xml")


def test_other_xml_keeps_element_text() -> None:
    doc = parse_bytes(b'<?xml version="1.0"?><feed><entry><title>APT43 news</title></entry></feed>',
                      source="f.xml")
    assert doc.format == "text"
    assert doc.text == "APT43 news"
    assert "not one unmask knows" in doc.warnings[0]
