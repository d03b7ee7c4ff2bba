"""``unmask iocs``: formats, filters, stdin, failures and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from unmask.cli import app

runner = CliRunner()
REPORT = (
    "The loader fetched hxxps://evil-domain[.]com/gate.php and beaconed to 45.77.65[.]211.\n"
    "Lab resolver 8.8.8.8 was used. Hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
)


def _report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_txt_lists_indicators_only(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iocs", str(_report(tmp_path))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "https://evil-domain.com/gate.php" in lines
    assert "evil-domain.com" in lines and "45.77.65.211" in lines
    assert "8.8.8.8" not in lines  # public resolver: benign


def test_include_benign_and_type_filter(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iocs", str(_report(tmp_path)), "--include-benign", "--type", "ipv4"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["45.77.65.211", "8.8.8.8"]


def test_json_and_jsonl_shapes(tmp_path: Path) -> None:
    path = _report(tmp_path)
    result = runner.invoke(app, ["iocs", str(path), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    item = next(o for o in data["sources"][0]["observables"] if o["type"] == "url")
    assert item["surface"] == "hxxps://evil-domain[.]com/gate.php"
    assert REPORT[item["span"]["start"] : item["span"]["end"]] == item["surface"]
    lines = [json.loads(x) for x in runner.invoke(app, ["iocs", str(path), "-f", "jsonl"]).stdout.splitlines()]
    assert {x["type"] for x in lines} >= {"url", "domain", "ipv4", "sha256"}
    assert all(x["source"] == str(path) and x["indicator"] for x in lines)


def test_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iocs", str(_report(tmp_path)), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"source", "type", "value", "surface", "start", "end", "count", "benign_reasons", "indicator"} <= set(rows[0])


def test_stdin_and_nothing_found() -> None:
    result = runner.invoke(app, ["iocs", "-"], input="C2 at kxqwtr-gate[.]top\n")
    assert result.exit_code == 0 and result.stdout.strip() == "kxqwtr-gate.top"
    result = runner.invoke(app, ["iocs", "-"], input="Nothing to see in this sentence.\n")
    assert result.exit_code == 1 and result.stdout == ""


def test_failures_are_listed_and_exit_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["iocs", str(_report(tmp_path)), str(tmp_path / "missing.txt"), "-f", "jsonl"])
    assert result.exit_code == 3
    assert result.stdout.strip()  # the good input is still reported
    errors = [json.loads(x) for x in result.stderr.splitlines() if x.startswith("{")]
    assert errors and errors[0]["error"]["source"].endswith("missing.txt")


def test_usage_errors() -> None:
    assert runner.invoke(app, ["iocs", "-", "--format", "xml"], input="x").exit_code == 2
    assert runner.invoke(app, ["iocs", "-", "--type", "phone"], input="x").exit_code == 2
