"""``unmask serve``: start-up checks and what it prints (uvicorn itself is replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from unmask.cli.serve import is_loopback, register

from .conftest import Base

runner = CliRunner()
app = typer.Typer()


@app.callback()
def _root() -> None:
    """Test app holding only ``serve``."""


register(app)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []

    def fake_run(application: Any, **options: Any) -> None:
        calls.append({"app": application, **options})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return calls


def test_serves_on_loopback_and_prints_the_urls(base: Base, started: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--db", base.url, "--port", "8411"])
    assert result.exit_code == 0, result.output
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8411
    assert started[0]["app"].state.view.max_tlp == "green"
    for url in ("http://127.0.0.1:8411/", "http://127.0.0.1:8411/api-reference", "http://127.0.0.1:8411/taxii2/"):
        assert url in result.stderr
    assert result.stdout == ""


def test_non_loopback_needs_a_token_or_insecure(base: Base, started: list[dict[str, Any]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNMASK_SERVE_TOKEN", raising=False)
    refused = runner.invoke(app, ["serve", "--db", base.url, "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--token" in refused.stderr and not started
    insecure = runner.invoke(app, ["serve", "--db", base.url, "--host", "0.0.0.0", "--insecure"])
    assert insecure.exit_code == 0 and "warning" in insecure.stderr
    monkeypatch.setenv("UNMASK_SERVE_TOKEN", "from-the-environment")
    token = runner.invoke(app, ["serve", "--db", base.url, "--host", "0.0.0.0", "--max-tlp", "TLP:AMBER"])
    assert token.exit_code == 0 and "token required" in token.stderr
    assert started[-1]["app"].state.view.max_tlp == "amber"


def test_no_base_and_bad_options(tmp_path: Path, started: list[dict[str, Any]]) -> None:
    missing = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert missing.exit_code == 1 and "no knowledge base" in missing.stderr
    assert not (tmp_path / "none.sqlite").exists()
    assert runner.invoke(app, ["serve", "--max-tlp", "purple"]).exit_code == 2
    assert runner.invoke(app, ["serve", "--db", "mysql://x/y"]).exit_code == 2
    assert not started


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.3.2.1", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.org", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_allowed_hosts_and_graceful_shutdown(base: Base, started: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--db", base.url, "--allowed-host", "intel.example.org",
                                 "--allowed-host", "kb.internal"])
    assert result.exit_code == 0, result.output
    hosts = started[-1]["app"].state.allowed_hosts
    assert {"localhost", "127.0.0.1", "[::1]", "intel.example.org", "kb.internal"} == set(hosts)
    assert started[-1]["timeout_graceful_shutdown"] <= 5
    specific = runner.invoke(app, ["serve", "--db", base.url, "--host", "192.0.2.7", "--insecure"])
    assert specific.exit_code == 0 and "192.0.2.7" in started[-1]["app"].state.allowed_hosts
