"""``unmask analyze --format stix|misp|navigator|markdown|csv`` and ``unmask export``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO
from tests.export.checks import layer_problems, misp_problems, stix_problems
from tests.export.conftest import TEXT, build_analysis
from unmask.cli import app
from unmask.errors import ReferenceDataError
from unmask.export.stix import TLP_LEVELS
from unmask.pipeline import analyze

runner = CliRunner()
EXAMPLE = REPO / "examples" / "paper-lantern.txt"


@pytest.fixture(scope="module")
def seed_analysis_ok() -> None:
    try:
        analyze(EXAMPLE.read_text(encoding="utf-8"))
    except ReferenceDataError as exc:
        pytest.skip(f"reference data missing: {exc}")


@pytest.mark.parametrize("fmt", ["stix", "misp", "navigator", "markdown", "csv"])
def test_analyze_example_in_every_export_format(fmt: str, seed_analysis_ok: None) -> None:
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "stix":
        assert stix_problems(out) == []
        assert "Paper Lantern" in out
    elif fmt == "misp":
        assert misp_problems(out) == []
    elif fmt == "navigator":
        assert layer_problems(json.loads(out)) == []
    elif fmt == "markdown":
        assert out.startswith("**TLP:CLEAR**\n\n# ")
    else:
        assert out.startswith("document,kind,type,value")
        assert out.splitlines()[0].endswith(",role,tlp")


def test_analyze_stix_honours_unmask_tlp(monkeypatch: pytest.MonkeyPatch, seed_analysis_ok: None) -> None:
    monkeypatch.setenv("UNMASK_TLP", "green")
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "stix"])
    assert result.exit_code == 0, result.output
    assert TLP_LEVELS["green"] in result.stdout
    assert TLP_LEVELS["clear"] not in result.stdout


def _store(db: str) -> None:
    from unmask.store import open as open_kb

    with open_kb(db) as kb:
        kb.add_analysis(build_analysis(), tlp="green")
        kb.add_analysis(build_analysis(TEXT + "\nAnother sighting.\n", url=None), tlp="clear")


def test_export_actor_from_the_knowledge_base(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    _store(db)
    result = runner.invoke(app, ["export", "--actor", "APT43", "--format", "stix", "--db", db])
    assert result.exit_code == 0, result.output
    assert stix_problems(result.stdout) == []
    bundle = json.loads(result.stdout)
    types = [o["type"] for o in bundle["objects"]]
    assert types.count("report") == 2 and types.count("intrusion-set") == 1
    # the strictest TLP among the stored reports
    assert TLP_LEVELS["green"] in result.stdout and TLP_LEVELS["clear"] not in result.stdout
    again = runner.invoke(app, ["export", "--actor", "Kimsuky", "--format", "stix", "--db", db])
    assert again.stdout == result.stdout


@pytest.mark.parametrize("fmt", ["misp", "navigator", "markdown", "csv"])
def test_export_other_formats_from_the_knowledge_base(tmp_path: Path, fmt: str) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    _store(db)
    result = runner.invoke(app, ["export", "--actor", "Kimsuky", "--format", fmt, "--db", db])
    assert result.exit_code == 0, result.output
    if fmt == "misp":
        assert misp_problems(result.stdout) == []
        assert json.loads(result.stdout)["Event"]["info"] == "unmask: Kimsuky"
    elif fmt == "navigator":
        layer = json.loads(result.stdout)
        assert layer_problems(layer) == []
        assert {t["techniqueID"]: t["score"] for t in layer["techniques"]} == {"T1059.001": 100, "T1071.001": 100}
    elif fmt == "markdown":
        assert result.stdout.startswith("**TLP:GREEN**\n\n# Kimsuky: 2 reports")


def test_export_since_and_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    _store(db)
    ok = runner.invoke(app, ["export", "--since", "2024-01-01", "--format", "csv", "--db", db])
    assert ok.exit_code == 0, ok.output
    none = runner.invoke(app, ["export", "--since", "2030-01-01", "--db", db])
    assert none.exit_code == 1
    assert "no stored report" in none.stderr
    unknown = runner.invoke(app, ["export", "--actor", "Nobody Panda", "--db", db])
    assert unknown.exit_code == 1
    assert runner.invoke(app, ["export", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["export", "--actor", "x", "--format", "pdf", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["export", "--actor", "x", "--tlp", "blue", "--db", db]).exit_code == 2
