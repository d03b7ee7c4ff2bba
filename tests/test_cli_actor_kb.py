"""`unmask actor` joins the reference view with what the knowledge base knows."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unmask.cli import app

from .conftest import REPO

runner = CliRunner()


def test_actor_shows_the_knowledge_base_profile(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    example = REPO / "examples" / "paper-lantern.txt"
    ingested = runner.invoke(app, ["ingest", str(example), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(app, ["actor", "Emerald Sleet", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["actor"]["id"] == "G0094"
    profile = data["knowledge_base"]
    assert profile is not None
    assert json.dumps(profile).count("paper-lantern.txt") >= 1


def test_actor_without_a_knowledge_base_still_answers(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    result = runner.invoke(app, ["actor", "TA406", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["actor"]["id"] == "G0094"
    assert data["knowledge_base"] is None
    assert not (tmp_path / "absent.sqlite").exists()


def test_values_with_brackets_are_printed_as_written(tmp_path: Path) -> None:
    # Rich reads "[at]" as markup; messages that quote user input must escape it.
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    assert runner.invoke(app, ["ingest", str(REPO / "examples" / "paper-lantern.txt"), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["ioc", "user[at]nowhere[.]example", "--db", db])
    assert result.exit_code == 1
    assert "user[at]nowhere[.]example" in result.output
    result = runner.invoke(app, ["analyze", str(REPO / "examples" / "paper-lantern.txt"), "--format", "[bold]x"])
    assert result.exit_code == 2
    assert "'[bold]x'" in result.output
