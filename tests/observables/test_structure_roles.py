"""Roles read the real passage model (``context.structure``) the pipeline builds.

The synthetic report has an IOC table, an advice section and a References section. Without the
structure the advice and reference links look like any other URL (indicators); through
``unmask.analyze`` and ``unmask iocs`` the passage kinds make them references.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

import unmask
from unmask.cli import app
from unmask.extract.observables import extract_observables
from unmask.model import Document

REPORT = """# Operation Quiet Lantern

The implant beaconed to hxxp://lantern-gate[.]net/beacon.php every hour and dropped qlsvc.exe.

## Indicators of compromise

| Type | Value |
| --- | --- |
| Domain | lantern-gate.net |
| IP | 45.77.65.211 |

## Recommendations

Apply the vendor guidance at https://guidance.example-cert.org/hardening and enable MFA.

## References

1. https://blog.other-vendor.com/2024/lantern-analysis
"""

ADVICE = "https://guidance.example-cert.org/hardening"
CITED = "https://blog.other-vendor.com/2024/lantern-analysis"


def _document() -> Document:
    return Document(text=REPORT, format="markdown", source="lantern.md", sha256="0" * 64, size=len(REPORT))


def _roles(observables: object) -> dict[tuple[str, str], str]:
    return {(o.type, o.value): o.role for o in observables}  # type: ignore[attr-defined]


def test_structure_kinds_that_roles_read_exist() -> None:
    document = _document()
    analysis = unmask.analyze(document)
    kinds = {passage.kind for passage in analysis.structure}
    assert {"heading", "ioc-list", "advice", "reference"} <= kinds


def test_passages_decide_roles_through_analyze() -> None:
    document = _document()
    analysis = unmask.analyze(document)
    roles = _roles(analysis.observables)
    reasons = {(o.type, o.value): o.reasons for o in analysis.observables}
    assert roles[("url", ADVICE)] == "reference" and "advice" in reasons[("url", ADVICE)]
    assert roles[("url", CITED)] == "reference" and "reference-passage" in reasons[("url", CITED)]
    assert roles[("domain", "blog.other-vendor.com")] == "reference"
    assert roles[("url", "http://lantern-gate.net/beacon.php")] == "indicator"
    assert roles[("ipv4", "45.77.65.211")] == "indicator"
    # the same text without a structure: the passages were what decided
    plain = _roles(extract_observables(REPORT))
    assert plain[("url", ADVICE)] == "indicator" and plain[("url", CITED)] == "indicator"


def test_iocs_cli_uses_structure_and_prints_roles(tmp_path: Path) -> None:
    path = tmp_path / "lantern.md"
    path.write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(app, ["iocs", str(path), "--format", "csv", "--include-benign"])
    assert result.exit_code == 0, result.output
    rows = {(r["type"], r["value"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows[("url", ADVICE)]["role"] == "reference"
    assert rows[("url", ADVICE)]["reasons"] == "advice"
    assert rows[("url", CITED)]["indicator"] == "false"
    assert rows[("ipv4", "45.77.65.211")]["role"] == "indicator"
