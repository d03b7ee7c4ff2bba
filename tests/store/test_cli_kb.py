"""The knowledge-base commands: ingest, search, reports, show, ioc (and the actor view)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.store.corpus import KIMSUKY, report_a, report_b, report_c
from unmask.cli import app
from unmask.cli.kb import render_actor_profile
from unmask.store import open as open_kb

runner = CliRunner()

TEXTS = {
    "one.txt": "Kimsuky, also tracked as APT43, sent spear-phishing e-mails from "
               "login-check.example-mail.com to researchers in Seoul in March 2024.",
    "two.md": "# Lazarus notes\n\nThe Lazarus Group reused 203.0.113.44 and the domain "
              "update-cdn.example.net during the campaign.",
    "sub/three.txt": "APT28 phished defence ministries in 2023 using CVE-2023-23397.",
}


def _write_corpus(root: Path) -> Path:
    for name, text in TEXTS.items():
        path = root / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "corpus"


@pytest.fixture
def loaded(db_url: str) -> str:
    with open_kb(db_url) as kb:
        kb.add_analysis(report_a(), tlp="green")
        kb.add_analysis(report_b(), tlp="amber")
        kb.add_analysis(report_c(), tlp="clear")
    return db_url


def test_ingest_is_idempotent_and_lists_failures(db_url: str, tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path)
    (corpus / "empty.txt").write_bytes(b"   \n")
    result = runner.invoke(app, ["ingest", str(corpus), str(tmp_path / "missing.txt"),
                                 "--db", db_url, "--tlp", "amber", "--format", "json"])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert (data["added"], data["failed"]) == (3, 2)
    errors = [json.loads(line)["error"] for line in result.stderr.splitlines()
              if line.startswith("{")]
    assert {Path(e["source"]).name for e in errors} == {"empty.txt", "missing.txt"}
    assert {e["type"] for e in errors} == {"EmptyDocumentError", "DocumentError"}

    again = runner.invoke(app, ["ingest", str(corpus / "one.txt"), str(corpus / "two.md"),
                                "--db", db_url, "--format", "json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["unchanged"] == 2
    with open_kb(db_url) as kb:
        assert kb.stats()["documents"] == 3
        assert {r.tlp for r in kb.find_reports()} == {"amber"}  # no --tlp: markings kept
    remark = runner.invoke(app, ["ingest", str(corpus / "one.txt"), "--tlp", "red", "--db", db_url])
    assert remark.exit_code == 0 and "1 unchanged" in remark.stdout
    with open_kb(db_url) as kb:
        assert sorted(r.tlp for r in kb.find_reports()) == ["amber", "amber", "red"]

    forced = runner.invoke(app, ["ingest", str(corpus / "one.txt"), "--replace", "--db", db_url])
    assert forced.exit_code == 0
    assert "1 replaced" in forced.stdout


def test_ingest_text_output_names_each_failure(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--db", db_url])
    assert result.exit_code == 3
    assert "0 added" in result.stdout
    assert "nope.txt: does not exist" in result.stderr


def test_ingest_with_workers_matches_one_process(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path)
    urls = [f"sqlite:///{tmp_path / name}" for name in ("one.sqlite", "two.sqlite")]
    for url, jobs in zip(urls, ("1", "2"), strict=True):
        result = runner.invoke(app, ["ingest", str(corpus), "--jobs", jobs, "--db", url])
        assert result.exit_code == 0, result.output
    with open_kb(urls[0]) as one, open_kb(urls[1]) as two:
        assert one.stats() == two.stats()
        assert one.stats()["documents"] == 3
        for report in one.find_reports():
            a, b = one.get_analysis(report.sha256), two.get_analysis(report.sha256)
            assert a is not None and b is not None and a.to_dict() == b.to_dict()


def test_ingest_from_stdin(db_url: str) -> None:
    result = runner.invoke(app, ["ingest", "-", "--db", db_url, "--format", "json"],
                           input="Kimsuky phished researchers from evil-login.example.net.\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"][0]["source"] == "<stdin>"


def test_ingest_rejects_a_bad_tlp(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path), "--tlp", "purple", "--db", db_url])
    assert result.exit_code == 2


def test_search_command(loaded: str) -> None:
    result = runner.invoke(app, ["search", "spear-phishing", "--db", loaded, "-f", "json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 2
    for hit in hits:
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end].lower() in {"spear", "phishing", "spear-phishing"}
    text = runner.invoke(app, ["search", "Mimikatz", "--db", loaded])
    assert text.exit_code == 0 and "Lazarus in Vietnam" in text.stdout
    none = runner.invoke(app, ["search", "unheard-of-term", "--db", loaded])
    assert none.exit_code == 1


def test_reports_command(loaded: str) -> None:
    result = runner.invoke(app, ["reports", "--actor", "Velvet Chollima", "--since", "2024-01-01",
                                 "--db", loaded, "--format", "json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)["reports"]
    assert [r["title"] for r in reports] == ["Velvet Chollima returns"]
    assert reports[0]["actors"] == [KIMSUKY] and reports[0]["tlp"] == "amber"
    table = runner.invoke(app, ["reports", "--tlp", "clear", "--db", loaded])
    assert table.exit_code == 0 and "Lazarus in Vietnam" in table.stdout
    assert runner.invoke(app, ["reports", "--technique", "T9999", "--db", loaded]).exit_code == 1
    assert runner.invoke(app, ["reports", "--since", "June", "--db", loaded]).exit_code == 2


def test_show_command(loaded: str) -> None:
    sha = report_c().document.sha256
    result = runner.invoke(app, ["show", sha[:10], "--db", loaded, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"]["sha256"] == sha
    assert data["analysis"] == json.loads(json.dumps(report_c().to_dict()))
    text = runner.invoke(app, ["show", "c-lazarus.txt", "--db", loaded])
    assert text.exit_code == 0 and "Mimikatz" in text.stdout
    missing = runner.invoke(app, ["show", "nothing.txt", "--db", loaded, "--format", "json"])
    assert missing.exit_code == 1
    assert json.loads(missing.stderr)["error"]["type"] == "StoreError"


def test_ioc_command(loaded: str) -> None:
    result = runner.invoke(app, ["ioc", "203.0.113[.]7", "--db", loaded, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report_count"] == 2
    assert {a["value"] for a in data["actors"]} == {KIMSUKY, "G0032"}
    text = runner.invoke(app, ["ioc", "login-verify.example-mail.com", "--db", loaded])
    assert text.exit_code == 0 and "Velvet Chollima returns" in text.stdout
    assert runner.invoke(app, ["ioc", "192.0.2.200", "--db", loaded]).exit_code == 1


def test_bad_database_url_is_a_usage_error() -> None:
    result = runner.invoke(app, ["reports", "--db", "mysql://nobody@nowhere/db"])
    assert result.exit_code == 2
    assert "SQLite or PostgreSQL" in result.stderr


def test_render_actor_profile(loaded: str) -> None:
    with open_kb(loaded) as kb:
        profile = kb.actor_profile("Black Banshee")
    assert profile is not None
    buffer = io.StringIO()
    render_actor_profile(profile, Console(file=buffer, width=200))
    shown = buffer.getvalue()
    for expected in ("Kimsuky", "G0094", "2 report(s)", "first 2023-06-01", "T1566.001",
                     "Black Banshee", "login-verify.example-mail.com", "BabyShark",
                     "2023-11-30", "think tanks"):
        assert expected in shown, expected
