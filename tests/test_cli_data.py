"""``unmask data update / reset / info`` on the command line, against a local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli import app

from .reference import update_support
from .reference.update_support import NEW_TLD, Server, suffix_list

runner = CliRunner()
cache_dir = update_support.cache_dir  # the fixtures
http_server = update_support.http_server


def test_update_then_unchanged_then_reset(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/psl.dat", suffix_list(), content_type="text/plain")
    result = runner.invoke(app, ["data", "update", "--source", "suffixes", "--from", url])
    assert result.exit_code == 0, result.output
    assert "suffixes: updated (" in result.stdout and "version 2099-01-01_00-00-00_UTC" in result.stdout

    found = runner.invoke(app, ["iocs", "-", "--format", "txt"], input=f"beacon to login.c2.{NEW_TLD} today\n")
    assert f"login.c2.{NEW_TLD}" in found.stdout

    again = runner.invoke(app, ["data", "update", "-s", "suffixes", "--from", url, "--format", "json"])
    assert again.exit_code == 0, again.output
    body = json.loads(again.stdout)
    assert body["errors"] == [] and [r["status"] for r in body["results"]] == ["unchanged"]

    info = runner.invoke(app, ["data", "info", "--format", "json"])
    sources = {s["source"]: s for s in json.loads(info.stdout)["sources"]}
    assert sources["suffixes"]["origin"] == "update" and sources["suffixes"]["update"]["url"] == url
    assert sources["warninglists"]["origin"] == "package" and sources["warninglists"]["update"] is None
    text = runner.invoke(app, ["data", "info"])
    assert "updated" in text.stdout and "package pymispwarninglists" in text.stdout

    reset = runner.invoke(app, ["data", "reset", "--source", "suffixes"])
    assert reset.exit_code == 0 and "suffixes: back to package tldextract" in reset.stdout
    gone = runner.invoke(app, ["iocs", "-", "--format", "txt"], input=f"beacon to login.c2.{NEW_TLD} today\n")
    assert f"login.c2.{NEW_TLD}" not in gone.stdout
    assert "no update to remove" in runner.invoke(app, ["data", "reset", "-s", "suffixes"]).stdout


def test_a_failed_update_exits_3_with_the_error_shape(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/psl.dat", b"<html><body>503 Service Unavailable</body></html>", status=200)
    good = http_server.serve("/good.dat", suffix_list())
    result = runner.invoke(app, ["data", "update", "--from", f"suffixes={url}", "--from", f"attack={url}",
                                 "--format", "json"])
    assert result.exit_code == 3
    body = json.loads(result.stdout)
    assert body["results"] == []
    assert {e["source"] for e in body["errors"]} == {"suffixes", "attack"}
    assert all(e["type"] == "DataUpdateError" and "HTML page" in e["message"] for e in body["errors"])
    # text: one line per failure on stderr, the successes on stdout, still exit 3
    mixed = runner.invoke(app, ["data", "update", "--from", f"suffixes={good}", "--from", f"attack={url}"])
    assert mixed.exit_code == 3
    assert "suffixes: updated" in mixed.stdout and "attack: update from" in mixed.stderr


def test_usage_errors(cache_dir: Path) -> None:
    assert runner.invoke(app, ["data", "update", "--source", "nope"]).exit_code == 2
    both = runner.invoke(app, ["data", "update", "-s", "suffixes", "-s", "attack", "--from", "http://127.0.0.1:9/x"])
    assert both.exit_code == 2 and "NAME=URL_OR_DIR" in both.stderr
    other = runner.invoke(app, ["data", "update", "-s", "suffixes", "--from", "attack=http://127.0.0.1:9/x"])
    assert other.exit_code == 2
    assert runner.invoke(app, ["data", "update", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["data", "reset", "--source", "nope"]).exit_code == 2


def test_nothing_is_fetched_unless_asked(cache_dir: Path, http_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline by default: analysing, listing and resetting never call the server."""
    url = http_server.serve("/psl.dat", suffix_list())
    monkeypatch.setenv("UNMASK_DATA_URL_SUFFIXES", url)
    for args in (["data", "info"], ["data", "reset"], ["iocs", "-"]):
        assert runner.invoke(app, args, input="evil.com\n").exit_code in (0, 1)
    assert http_server.routes["/psl.dat"].hits == []
    assert runner.invoke(app, ["data", "update", "-s", "suffixes"]).exit_code == 0
    assert len(http_server.routes["/psl.dat"].hits) == 1
