"""Audit retention (``unmask audit prune --older-than DAYS``) and the list's filters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli.app import app
from unmask.store import open_kb
from unmask.store.accounts import AuditEntry, audit_entries, prune_audit, record_audit

pytestmark = pytest.mark.filterwarnings("error")


def _entry(days_ago: int, method: str, route: str, status: int, token: str = "ana") -> AuditEntry:
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    return AuditEntry(at=at, token=token, role="analyst", method=method, route=route, status=status,
                      tlp="amber", objects=(), client="192.0.2.4")


def _base(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with open_kb(url) as kb:
        record_audit(kb, [_entry(400, "GET", "/api/v1/reports/abc", 200),
                          _entry(60, "POST", "/upload/ingest", 303),
                          _entry(10, "GET", "/api/v1/actors/APT29", 200, token="bob"),
                          _entry(1, "POST", "/api/v1/analyze", 429)])
    return url


def test_prune_deletes_only_older_entries_and_logs_itself(tmp_path: Path) -> None:
    url = _base(tmp_path)
    shown = CliRunner().invoke(app, ["audit", "prune", "--older-than", "30", "--db", url,
                                     "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["deleted"] == 2
    with open_kb(url) as kb:
        left = audit_entries(kb)
        assert [e.route for e in left] == ["/api/v1/actors/APT29", "/api/v1/analyze", "audit"]
        assert left[-1].method == "DELETE" and left[-1].objects[0].startswith("2 entries before")
        assert prune_audit(kb, dt.datetime.now(dt.UTC) - dt.timedelta(days=30)) == 0
    assert CliRunner().invoke(app, ["audit", "prune", "--older-than", "0", "--db", url]).exit_code == 2


def test_list_filters(tmp_path: Path) -> None:
    url = _base(tmp_path)

    def routes(*options: str) -> list[str]:
        shown = CliRunner().invoke(app, ["audit", *options, "--db", url, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        return [e["route"] for e in json.loads(shown.stdout)["entries"]]

    everything = ["/api/v1/reports/abc", "/upload/ingest", "/api/v1/actors/APT29", "/api/v1/analyze"]
    assert routes() == routes("list") == everything
    assert routes("--writes") == ["/upload/ingest", "/api/v1/analyze"]
    assert routes("--route", "/api/v1/") == [r for r in everything if r.startswith("/api/v1/")]
    assert routes("--status", "429") == ["/api/v1/analyze"]
    assert routes("--token", "bob") == ["/api/v1/actors/APT29"]
    until = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).date().isoformat()
    assert routes("list", "--until", until) == everything[:2]
    assert routes("--route", "/api/v1/re_") == []  # the prefix is matched literally
