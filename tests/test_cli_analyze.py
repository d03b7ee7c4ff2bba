from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli import app

from .conftest import REPO, shared_path

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
    assert result.exit_code == 1  # read and analysed; nothing found
    assert json.loads(result.stdout)["document"]["source"] == "<stdin>"


@pytest.mark.shared
def test_seed_article_end_to_end() -> None:
    seed = shared_path("seed", "kimsuky-sanctions-article.txt")
    result = runner.invoke(app, ["analyze", str(seed), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["document"]["text"] == seed.read_text(encoding="utf-8")
    assert data["document"]["format"] == "text"
    for key in ("observables", "actor_mentions", "techniques", "targets", "events"):
        for item in data[key]:
            span = item["span"]
            assert 0 <= span["start"] <= span["end"] <= data["document"]["length"]


def test_folder_is_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("The actor used 203.0.113.5.\n", encoding="utf-8")
    (tmp_path / "two.md").write_text("# Title\n\nSome text.\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["analyses"]) == 2
