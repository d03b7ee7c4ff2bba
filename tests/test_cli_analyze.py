from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unmask.cli import app

from .conftest import REPO

runner = CliRunner()
EXAMPLE = REPO / "examples" / "paper-lantern.txt"


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).exit_code == 0
    result = runner.invoke(app, ["analyze", "--help"])
    assert result.exit_code == 0
    assert "--format" in result.output


def test_analyze_json_has_schema_and_text() -> None:
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    assert data["document"]["text"] == EXAMPLE.read_text(encoding="utf-8")


def test_failed_inputs_are_listed_and_exit_3(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["analyze", str(EXAMPLE), str(empty), str(tmp_path / "nope.txt"),
                                 "--format", "jsonl"])
    assert result.exit_code == 3
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0]["schema"] == 1
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {e["error"]["source"] for e in errors} == {str(empty), str(tmp_path / "nope.txt")}


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "docx"])
    assert result.exit_code == 2


def test_stdin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", "-", "--format", "json"], input="hello world\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["document"]["source"] == "<stdin>"
