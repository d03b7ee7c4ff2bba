"""Exports follow the roles: STIX indicators only for indicators, references as the
report's external references, benign and reference values never MISP ``to_ids``."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from unmask.export.csv import to_csv
from unmask.export.misp import to_misp_json
from unmask.export.stix import to_stix_json
from unmask.extract.observables import extract_observables
from unmask.model import Analysis, Document, Metadata

TEXT = (
    "Operation Quiet Lantern\n\n"
    "The implant copies itself to C:\\Windows\\SysWOW64\\ and starts cmd.exe. Its C2 server is "
    "lantern-sync[.]net and the operators read stolen files from the master address quietlantern77@hotmail.com.\n"
    "For the earlier campaign, see https://threatwatch-labs.net/blog/quiet-lantern-part-one.\n"
    "- Regional Health Sharing Council (RHSC): https://rhsc-members.org/join/\n"
)


def _analysis() -> Analysis:
    raw = TEXT.encode()
    document = Document(
        text=TEXT, source="quiet-lantern.txt", format="text", sha256=hashlib.sha256(raw).hexdigest(), size=len(raw),
        metadata=Metadata(title="Operation Quiet Lantern"),
    )  # fmt: skip
    return Analysis(document=document, observables=tuple(extract_observables(TEXT)))


def test_stix_indicators_are_the_indicators_and_references_go_to_the_report() -> None:
    bundle = json.loads(to_stix_json(_analysis()))
    patterns = " ".join(o["pattern"] for o in bundle["objects"] if o["type"] == "indicator")
    assert "lantern-sync.net" in patterns
    assert "quietlantern77@hotmail.com" in patterns
    for not_indicator in ("threatwatch-labs.net", "rhsc-members.org", "SysWOW64", "cmd.exe", "'hotmail.com'"):
        assert not_indicator not in patterns, not_indicator
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    cited = " ".join(f"{ref.get('url', '')} {ref.get('description', '')}" for ref in report["external_references"])
    for url in ("https://threatwatch-labs.net/blog/quiet-lantern-part-one", "https://rhsc-members.org/join/"):
        assert url in cited, url


def test_misp_to_ids_only_for_indicators() -> None:
    event = json.loads(to_misp_json(_analysis()))["Event"]
    attributes = {a["value"]: a for a in event["Attribute"]}
    assert attributes["lantern-sync.net"]["to_ids"] is True
    assert attributes["quietlantern77@hotmail.com"]["to_ids"] is True
    for value in ("https://threatwatch-labs.net/blog/quiet-lantern-part-one", "https://rhsc-members.org/join/",
                  "hotmail.com", "cmd.exe"):  # fmt: skip
        if value in attributes:
            assert attributes[value]["to_ids"] is False, value
    reference = attributes["https://rhsc-members.org/join/"]
    assert reference["comment"].startswith("reference (")
    assert any(t["name"] == "unmask:reference" for t in reference.get("Tag", []))


def test_csv_has_the_role_of_each_observable() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(_analysis(), observables_only=True))))
    roles = {(r["type"], r["value"]): r["role"] for r in rows}
    assert roles[("email", "quietlantern77@hotmail.com")] == "indicator"
    assert roles[("url", "https://rhsc-members.org/join/")] == "reference"
    assert roles[("file_name", "cmd.exe")] == "benign"
