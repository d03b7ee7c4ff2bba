"""Where a document's publication date came from, for every reader, and dates from the
future (issue 17, deliver 2): the JSON names the source of ``published`` — an e-mail's
``Date`` header and a structured record's own date field are said as such instead of
null — and a date past today (a forged ``Date``, a mistyped record) is not believed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from unmask.documents import parse_bytes
from unmask.documents.read import plausible_date

pytestmark = pytest.mark.filterwarnings("error")


def _mail(date: str) -> bytes:
    return (f"From: someone@example.net\nTo: desk@example.org\nSubject: a note\nDate: {date}\n\n"
            "The archive you asked for is attached.\n").encode()


def test_an_e_mail_date_is_said_to_come_from_its_header() -> None:
    doc = parse_bytes(_mail("Tue, 03 Mar 2026 09:15:00 +0100"), source="n.eml")
    assert doc.metadata.published == dt.date(2026, 3, 3)
    assert doc.metadata.to_dict()["published_source"] == "mail-header"


def test_a_date_from_the_future_is_not_the_publication_date() -> None:
    doc = parse_bytes(_mail("Fri, 31 Jan 2031 22:45:13 +0000"), source="f.eml")
    assert doc.metadata.published is None and doc.metadata.published_source is None
    assert any("2031-01-31" in w and "future" in w for w in doc.warnings)


def test_the_future_is_measured_from_today_with_a_little_slack() -> None:
    doc = parse_bytes(_mail("Sat, 10 Oct 2026 08:00:00 +0000"), source="s.eml")
    assert plausible_date(doc, today=dt.date(2026, 10, 8)).metadata.published == dt.date(2026, 10, 10)
    assert plausible_date(doc, today=dt.date(2026, 10, 7)).metadata.published is None


def test_structured_records_say_their_date_is_the_records_own() -> None:
    bundle = {"type": "bundle", "id": "bundle--6d9a2c1e-4b8f-4f0e-9a53-2f1d0c7b8e11", "objects": [{
        "type": "report", "spec_version": "2.1", "id": "report--0b4c7d2e-9f61-4a3b-8c5d-7e2f1a9b0c33",
        "created": "2025-05-02T10:00:00Z", "modified": "2025-05-02T10:00:00Z",
        "name": "A relay network", "published": "2025-05-02T10:00:00Z",
        "description": "The operators moved their relays.", "object_refs": []}]}
    stix = parse_bytes(json.dumps(bundle).encode(), source="r.json")
    assert stix.metadata.published == dt.date(2025, 5, 2) and stix.metadata.published_source == "record"
    event = {"Event": {"info": "Relay hosts", "date": "2025-04-30", "Attribute": [
        {"type": "domain", "category": "Network activity", "value": "relay.badzone.example", "to_ids": True}]}}
    misp = parse_bytes(json.dumps(event).encode(), source="m.json")
    assert misp.metadata.published == dt.date(2025, 4, 30) and misp.metadata.published_source == "record"


def test_a_bundle_of_several_reports_is_published_as_of_the_newest() -> None:
    def report(n: int, name: str, published: str) -> dict[str, object]:
        return {"type": "report", "spec_version": "2.1", "id": f"report--0b4c7d2e-9f61-4a3b-8c5d-7e2f1a9b0c{n:02d}",
                "created": published, "modified": published, "name": name, "published": published,
                "description": f"{name}: the operators moved their relays.", "object_refs": []}

    bundle = {"type": "bundle", "id": "bundle--6d9a2c1e-4b8f-4f0e-9a53-2f1d0c7b8e12", "objects": [
        report(1, "First look", "2022-01-10T00:00:00Z"), report(2, "Update", "2022-07-19T00:00:00Z"),
        report(3, "Follow-up", "2022-03-02T00:00:00Z")]}
    stix = parse_bytes(json.dumps(bundle).encode(), source="r.json")
    assert stix.metadata.title == "First look"
    assert stix.metadata.published == dt.date(2022, 7, 19) and stix.metadata.published_source == "record"
