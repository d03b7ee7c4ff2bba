"""Two leaks a review found in the names-and-indicators answers: the caller's clearance
must decide what other actors' reports and hidden hosts add, so a base with hidden
reports answers exactly as the same base without them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from tests.store.builders import build
from unmask.model import Analysis
from unmask.serve.view import NotVisible, View
from unmask.store import KnowledgeBase, open_kb


def _claim(actor: tuple[str, str, str], text: str, names: tuple[str, ...], evidence: str,
           site: str, day: int) -> Analysis:
    analysis = build(text, source=f"{site}.txt", published=dt.date(2025, 5, day), actors=[actor],
                     aliases=[(names, evidence, actor[0])])
    meta = dataclasses.replace(analysis.document.metadata, site_name=site)
    return dataclasses.replace(analysis, document=dataclasses.replace(analysis.document, metadata=meta))


KIMSUKY = ("G0094", "Kimsuky", "Kimsuky")
LAZARUS = ("G0032", "Lazarus Group", "Lazarus Group")


def _visible(kb: KnowledgeBase) -> None:
    for day, site in ((1, "desk-one"), (2, "desk-two")):
        kb.add_analysis(_claim(KIMSUKY, f"Kimsuky, also known as Paper Kite, wrote to think tanks ({site}).",
                               ("Kimsuky", "Paper Kite"), "Kimsuky, also known as Paper Kite", site, day),
                        tlp="clear")
    text = "The loader reached patch-notes-cdn.net and login.patch-notes-cdn.net every hour."
    kb.add_analysis(build(text, source="hosts.txt", published=dt.date(2025, 5, 3),
                          observables=[("domain", "patch-notes-cdn.net", "patch-notes-cdn.net")]), tlp="clear")


def _hidden(kb: KnowledgeBase) -> None:
    kb.add_analysis(_claim(LAZARUS, "Lazarus Group, also known as Paper Kite, stole coins.",
                           ("Lazarus Group", "Paper Kite"), "Lazarus Group, also known as Paper Kite",
                           "desk-red", 4), tlp="red")
    secret = "The operators also used vault.patch-notes-cdn.net for staging."
    kb.add_analysis(build(secret, source="secret.txt", published=dt.date(2025, 5, 5),
                          observables=[("domain", "vault.patch-notes-cdn.net", "vault.patch-notes-cdn.net")]),
                    tlp="red")


def _answers(kb: KnowledgeBase) -> tuple[object, ...]:
    view = View(kb, max_tlp="green").at("green")
    try:
        aliases = {a.name: (a.status, a.others) for a in view.profile("Kimsuky").aliases}
        found = []
        for value in ("vault.patch-notes-cdn.net", "other.patch-notes-cdn.net"):
            try:
                result = view.indicator(value)
                found.append((result.value, result.matched, result.report_count))
            except NotVisible:
                found.append(None)
        return aliases["Paper Kite"], tuple(found)
    finally:
        view.close()


def test_hidden_reports_change_no_alias_status_and_no_indicator_answer(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'without.sqlite'}") as kb:
        _visible(kb)
        without = _answers(kb)
    with open_kb(f"sqlite:///{tmp_path / 'with.sqlite'}") as kb:
        _visible(kb)
        _hidden(kb)
        with_hidden = _answers(kb)
    assert without == (("proposed", ()), (("patch-notes-cdn.net", "parent-domain", 1),) * 2)
    assert with_hidden == without
