"""The analyser stamp changes with the analysing code; outdated reports are re-analysed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unmask.cli import app
from unmask.store import open as open_kb
from unmask.store.write import analysis_version

runner = CliRunner()


def _package(root: Path) -> Path:
    for sub, name in (("extract", "actors.py"), ("documents", "text.py"),
                      ("pipeline", "analyze.py"), ("model", "findings.py"), ("store", "kb.py")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        (root / sub / name).write_text(f"# {sub}\nVALUE = 1\n", encoding="utf-8")
    return root


def test_the_stamp_changes_when_an_extractor_changes(tmp_path: Path) -> None:
    package = _package(tmp_path / "a")
    before = analysis_version(package, version="1.0")
    assert before.startswith("unmask 1.0+")
    assert analysis_version(_package(tmp_path / "b"), version="1.0") == before  # same code
    (tmp_path / "c").mkdir()
    changed = _package(tmp_path / "c")
    (changed / "extract" / "actors.py").write_text("# extract\nVALUE = 2\n", encoding="utf-8")
    assert analysis_version(changed, version="1.0") != before
    untouched = _package(tmp_path / "d")
    (untouched / "store" / "kb.py").write_text("# the store does not analyse\n", encoding="utf-8")
    assert analysis_version(untouched, version="1.0") == before


def test_a_base_opened_today_uses_the_code_stamp(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        assert kb.analyzer == analysis_version()
        assert "+" in kb.analyzer


def test_reanalyze_outdated(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    report = tmp_path / "report.txt"
    report.write_text("Kimsuky, also tracked as APT43, used login-check.example-mail.com in "
                      "March 2024.", encoding="utf-8")
    with open_kb(db, analyzer="unmask 0.0.1+000000000000") as old:  # an older unmask
        from unmask.documents import read
        from unmask.pipeline import analyze

        assert old.add_analysis(analyze(read(report))).status == "added"
    first = runner.invoke(app, ["ingest", "--reanalyze-outdated", "--db", db, "--format", "json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["replaced"], summary["failed"]) == (1, 0)
    with open_kb(db) as kb:
        from sqlalchemy import text

        with kb.engine.connect() as conn:
            assert conn.execute(text("SELECT analyzer FROM documents")).scalar_one() == kb.analyzer
        assert kb.find_reports()[0].actors == ("G0094",)
    again = runner.invoke(app, ["ingest", "--reanalyze-outdated", "--db", db, "--format", "json"])
    assert json.loads(again.stdout)["replaced"] == 0


def test_ingest_without_sources_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--db", f"sqlite:///{tmp_path / 'kb.sqlite'}"])
    assert result.exit_code == 2
