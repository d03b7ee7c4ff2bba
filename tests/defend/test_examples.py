"""The README's defence walk-through, on the examples shipped in the repo.

One knowledge base holds the Paper Lantern report; the proxy log, the interview
e-mail and the lookalike scan are then checked against it through the real ``unmask``
command, so the README's output stays true.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO
from unmask.cli import app

EXAMPLES = REPO / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.sqlite'}"
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "paper-lantern.txt"), "--db", url])
    assert result.exit_code == 0, result.output
    return url


def test_sweep_finds_the_campaign_in_the_proxy_log(db: str) -> None:
    result = runner.invoke(app, ["sweep", str(EXAMPLES / "proxy.log"), "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    found = {(h["line"], h["text"], h["how"]) for h in hits}
    assert found == {
        (3, "https://docs.think-forum.net/invite/2025-spring.hwp", "exact"),
        (3, "docs.think-forum.net", "exact"),
        (4, "update-check.info", "exact"),
        (7, "login.nknews-pro.org", "subdomain"),
    }
    # The documentation-range address of line 5 is benign in the report: not swept.
    assert all(h["line"] != 5 for h in hits)
    assert all("G0094" in json.dumps(h) for h in hits)


def test_triage_flags_the_interview_lure(db: str) -> None:
    result = runner.invoke(app, ["triage", str(EXAMPLES / "interview-request.eml"), "--db", db,
                                 "-p", "nknews.org", "-p", "eastwatch.org", "--format", "json"])
    assert result.exit_code == 0, result.output
    message = json.loads(result.stdout)["messages"][0]
    assert message["verdict"] == "malicious"
    names = {s["name"] for s in message["signals"]}
    assert {"known-indicator", "link-text-mismatch", "dmarc-fail", "reply-to-mismatch", "lure-interview"} <= names


def test_lookalike_scan_of_the_report_and_the_base(db: str) -> None:
    result = runner.invoke(app, ["lookalike", "scan", str(EXAMPLES / "paper-lantern.txt"), "--kb", "--db", db,
                                 "-p", "nknews.org", "-p", "thinkforum.org", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = {hit["domain"]: hit for hit in json.loads(result.stdout)["lookalikes"]}
    assert found["nknews-pro.org"]["kinds"] == ["combosquat"]
    assert set(found["think-forum.net"]["kinds"]) == {"hyphenation", "tld-swap"}
    assert any(s["source"].startswith("knowledge base") for s in found["nknews-pro.org"]["seen"])
