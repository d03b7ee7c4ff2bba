"""What a new user meets in the first hour of the command line (issue 21's list)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli.app import app
from unmask.documents.sniff import not_a_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "paper-lantern.txt"
runner = CliRunner()


def _collection(tmp_path: Path) -> Path:
    folder = tmp_path / "a-long-folder-name-so-that-paths-are-wider-than-eighty-columns" / "reports"
    folder.mkdir(parents=True)
    (folder / "lantern.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "proxy.log").write_text("1700000000.123 10.0.0.5 GET http://a.example/\n" * 3)
    (folder / "squid-copy.txt").write_text(
        "".join(f"2024-05-0{i} 10:0{i}:00 10.0.0.{i} GET http://host{i}.example/\n" for i in range(1, 8)))
    (folder / "manifest.jsonl").write_text('{"file": "lantern.txt"}\n')
    (folder / "NOTES.md").write_text("Remember to ask the desk about the second sample.\n")
    return folder


def test_error_lines_are_never_wrapped(tmp_path: Path) -> None:
    missing = tmp_path / ("x" * 90) / "report-that-is-not-there.pdf"
    result = runner.invoke(app, ["analyze", str(missing)])
    assert result.exit_code == 3
    assert any(str(missing) in line and "does not exist" in line for line in result.stderr.splitlines())


def test_folder_walks_skip_logs_manifests_and_notes_with_a_summary(tmp_path: Path) -> None:
    folder = _collection(tmp_path)
    result = runner.invoke(app, ["analyze", str(folder), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["document"]["source"] for line in result.stdout.splitlines()]
    assert [Path(s).name for s in sources] == ["lantern.txt"]
    summary = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert summary == ["skipped 4 file(s) that are not reports (1 listing or manifest, 2 log file, "
                       "1 notes or licence); --all-files reads them too"]
    everything = runner.invoke(app, ["analyze", str(folder), "-f", "jsonl", "--all-files"])
    assert len(everything.stdout.splitlines()) == 5
    # a file named on the command line is always read, whatever its name
    named = runner.invoke(app, ["analyze", str(folder / "NOTES.md"), "-f", "jsonl"])
    assert len(named.stdout.splitlines()) == 1


def test_ingest_of_a_folder_stores_only_the_reports(tmp_path: Path) -> None:
    folder = _collection(tmp_path)
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["added"] == 1
    assert sorted(Path(s["source"]).name for s in data["skipped"]) == [
        "NOTES.md", "manifest.jsonl", "proxy.log", "squid-copy.txt"]


def test_exit_code_one_when_nothing_is_found(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("The weather was mild and the meeting ran long.\n")
    assert runner.invoke(app, ["analyze", str(quiet)]).exit_code == 1
    assert runner.invoke(app, ["analyze", str(quiet), "-f", "json"]).exit_code == 1
    assert runner.invoke(app, ["analyze", str(quiet), str(EXAMPLE)]).exit_code == 0


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["analyze", str(tmp_path / "empty")])
    assert result.exit_code == 3
    assert "is a folder with no files in it" in result.stderr


def test_text_view_counts_rows_opens_with_a_summary_and_quotes_whole(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(EXAMPLE)])
    lines = result.stdout.splitlines()
    title = next(line for line in lines if line.startswith("Indicators ("))
    count = int(title.split("(")[1].split(")")[0])
    start = lines.index(title) + 2  # title, header rule
    rows = [line for line in lines[start:start + count + 5] if "│" in line and line.split("│")[0].strip()]
    assert len(rows) == count
    # the summary paragraph comes before the first table
    assert lines.index(next(line for line in lines if line.startswith("Actors: Kimsuky"))) < \
        lines.index(next(line for line in lines if line.startswith("Threat actors")))
    # quotes are whole when the output is not a terminal: the longest sentence of the
    # report that is evidence appears unshortened (modulo the console's line breaks)
    flat = " ".join(result.stdout.split())
    assert "…”" not in flat
    out = tmp_path / "out.txt"
    runner.invoke(app, ["analyze", str(EXAMPLE), "-o", str(out)])
    assert "…”" not in " ".join(out.read_text(encoding="utf-8").split())
    assert "Targets and other parties" in flat and "“South Korea”" in flat


def test_not_a_report_rules() -> None:
    assert not_a_report("report.md", b"# Operation Paper Lantern\n\nOn 3 March the group...\n") is None
    assert not_a_report("index.html", b"<html><body>An article</body></html>") is None
    assert not_a_report("Changelog.txt", b"") == "notes or licence"
    assert not_a_report("SHA256SUMS", b"") == "listing or manifest"
    assert not_a_report("auth.log.1", b"") == "log file"
    syslog = b"".join(b"Mar  %d 10:00:0%d host sshd[1]: Accepted key\n" % (i, i) for i in range(1, 8))
    assert not_a_report("messages", syslog) == "log file"
    prose = b"2024-05-01 10:00 was when it began.\nThe group then moved on.\nLater still.\nMore.\nEnd.\n"
    assert not_a_report("timeline.txt", prose) is None


def test_data_info_shows_the_age_of_each_source() -> None:
    result = runner.invoke(app, ["data", "info", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["source"]: row for row in json.loads(result.stdout)["sources"]}
    # ATT&CK's lookups and the warninglists record the date of their data; a source
    # whose data carries none says so instead of inventing one
    assert rows["attack"]["data_date"] and rows["attack"]["age_days"] >= 0
    assert rows["warninglists"]["data_date"]
    assert all(row["data_date_from"] in {"in the data", "fetched", "not recorded in the data"}
               for row in rows.values())
    text = runner.invoke(app, ["data", "info"]).stdout
    assert "days old" in text and "data as of" in text


def test_reports_named_like_notes_are_still_reports() -> None:
    for name in ("note-000.txt", "notes-on-apt28.md", "manifesto-of-the-group.txt", "readme-first-campaign.pdf"):
        assert not_a_report(name, b"The group sent spearphishing e-mails.\n") is None, name


def test_a_message_while_the_cache_builds_even_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from unmask.cli.common import reference_progress
    from unmask.reference import cache

    with reference_progress():
        observer = cache._observer
        assert observer is not None
        observer("technique-model", "start")
        observer("technique-model", "done")
    assert cache._observer is None
    assert "Building reference cache: technique-model (first run only)…" in capsys.readouterr().err


def test_evidence_quotes_name_their_pdf_page() -> None:
    import io

    from rich.console import Console

    import unmask
    from unmask.cli.render import render_analysis
    from unmask.model import Document, Page

    first = "Quarterly review of the desk.\n\n"
    second = "On 4 March 2025 Kimsuky sent spearphishing e-mails to think tanks in Seoul.\n"
    text = first + second
    document = Document(text=text, source="r.pdf", format="pdf", sha256="0" * 64, size=len(text),
                        pages=(Page(1, 0, len(first)), Page(2, len(first), len(text))))
    console = Console(file=io.StringIO(), width=200)
    render_analysis(unmask.analyze(document), console)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "(p. 2)" in output and "(p. 1)" not in output


def test_actor_winnti_says_the_name_is_contested(tmp_path: Path) -> None:
    result = runner.invoke(app, ["actor", "Winnti", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "'Winnti' is ambiguous" in flat and "APT41 (G0096)" in flat and "Winnti Group (G0044)" in flat
