"""`unmask ioc` (and the REST lookup) find a host under a stored domain as a sweep does."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from tests.store.builders import build
from unmask.cli.app import app
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb

DOMAIN = "patch-notes-cdn.net"
TEXT = f"The implant fetched its second stage from {DOMAIN} every hour."


def _load(kb: KnowledgeBase) -> None:
    kb.add_analysis(build(TEXT, published=dt.date(2025, 4, 2), observables=[("domain", DOMAIN, DOMAIN)]))


def test_a_host_under_a_stored_domain_is_found_as_the_domain(kb: KnowledgeBase) -> None:
    _load(kb)
    exact = kb.find_indicator(DOMAIN)
    assert exact is not None and exact.matched == "exact" and exact.asked is None
    below = kb.find_indicator(f"cdn2.eu.{DOMAIN}")
    assert below is not None and below.value == DOMAIN
    assert (below.matched, below.asked) == ("parent-domain", f"cdn2.eu.{DOMAIN}")
    url = kb.find_indicator(f"hxxps://eu[.]{DOMAIN}/stage2.bin")
    assert url is not None and (url.matched, url.value) == ("parent-domain", DOMAIN)
    # never above the registrable domain, never a bare suffix, and only when asked
    assert kb.find_indicator("other-cdn.net") is None
    assert kb.find_indicator("net") is None
    assert kb.find_indicator(f"a.{DOMAIN}", parents=False) is None


def test_ioc_says_the_match_and_refuses_a_false_positive_on_the_parent(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(db) as kb:
        _load(kb)
    runner = CliRunner()
    text = runner.invoke(app, ["ioc", "--db", db, f"x.{DOMAIN}"])
    assert text.exit_code == 0, text.output
    assert f"x.{DOMAIN} is not stored itself; a domain above it is:" in " ".join(text.stdout.split())
    data = json.loads(runner.invoke(app, ["ioc", "--db", db, f"x.{DOMAIN}", "-f", "json"]).stdout)
    assert (data["value"], data["matched"], data["asked"]) == (DOMAIN, "parent-domain", f"x.{DOMAIN}")
    refused = runner.invoke(app, ["ioc", "--db", db, f"x.{DOMAIN}", "--false-positive", "sinkholed"])
    assert refused.exit_code == 1 and "is not stored itself" in refused.stderr
    with open_kb(db) as kb:
        from unmask.store.sightings import find_sightings

        assert find_sightings(kb, [DOMAIN]) == []
