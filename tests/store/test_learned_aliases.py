"""Names reports give an actor: proposed only when independent publishers agree (issue 18)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests.store.builders import build
from unmask.model import Analysis
from unmask.store import KnowledgeBase

KIMSUKY = ("G0094", "Kimsuky", "Kimsuky")


def _report(text: str, names: tuple[str, ...], evidence: str, *, actor: tuple[str, str, str] = KIMSUKY,
            site: str | None = None, url: str | None = None, day: int = 1) -> Analysis:
    analysis = build(text, source=f"note-{abs(hash(text)) % 10**8}.txt", title=text[:20],
                     published=dt.date(2025, 3, day), actors=[actor],
                     aliases=[(names, evidence, actor[0])])
    meta = dataclasses.replace(analysis.document.metadata, site_name=site, url=url)
    return dataclasses.replace(analysis, document=dataclasses.replace(analysis.document, metadata=meta))


def _statuses(kb: KnowledgeBase, actor: str = "G0094") -> dict[str, tuple[str, int, tuple[str, ...]]]:
    profile = kb.actor_profile(actor)
    assert profile is not None
    return {a.name: (a.status, a.independent, a.others) for a in profile.aliases}


def test_a_name_from_one_publisher_is_a_claim_to_watch(kb: KnowledgeBase) -> None:
    kb.add_analysis(_report("Kimsuky, also known as Paper Kite, wrote to think tanks.",
                            ("Kimsuky", "Paper Kite"), "Kimsuky, also known as Paper Kite",
                            site="Desk One", day=1))
    # a second report from the same publisher does not make the claim independent
    kb.add_analysis(_report("Paper Kite (that is, Kimsuky) came back in spring.",
                            ("Paper Kite", "Kimsuky"), "Paper Kite (that is, Kimsuky)",
                            url="https://www.desk-one.example/b", site="Desk One", day=2))
    statuses = _statuses(kb)
    assert statuses["Paper Kite"] == ("single-source", 1, ())
    assert "Kimsuky" not in statuses  # the actor's own name is no alias of it


def test_two_independent_publishers_propose_a_learned_alias(kb: KnowledgeBase) -> None:
    kb.add_analysis(_report("Kimsuky, also known as Paper Kite, wrote to think tanks.",
                            ("Kimsuky", "Paper Kite"), "Kimsuky, also known as Paper Kite",
                            site="Desk One", day=1))
    kb.add_analysis(_report("The crew Paper Kite, tracked also as Kimsuky, phished a ministry.",
                            ("Paper Kite", "Kimsuky"), "Paper Kite, tracked also as Kimsuky",
                            url="https://news.other.example/story", day=2))
    assert _statuses(kb)["Paper Kite"] == ("proposed", 2, ())
    # a name the reference data already gives the actor is known, not learned
    kb.add_analysis(_report("Kimsuky, also known as Emerald Sleet, returned.",
                            ("Kimsuky", "Emerald Sleet"), "Kimsuky, also known as Emerald Sleet",
                            site="Desk Three", day=3))
    assert _statuses(kb)["Emerald Sleet"][0] == "known"


def test_a_name_claimed_for_two_actors_is_contested(kb: KnowledgeBase) -> None:
    for i, site in enumerate(("Desk One", "Desk Two"), start=1):
        kb.add_analysis(_report(f"Kimsuky, also known as Paper Kite, wrote to think tanks ({i}).",
                                ("Kimsuky", "Paper Kite"), "Kimsuky, also known as Paper Kite",
                                site=site, day=i))
    lazarus = ("G0032", "Lazarus Group", "Lazarus Group")
    kb.add_analysis(_report("Lazarus Group, also known as Paper Kite, stole coins.",
                            ("Lazarus Group", "Paper Kite"), "Lazarus Group, also known as Paper Kite",
                            actor=lazarus, site="Desk Three", day=5))
    assert _statuses(kb)["Paper Kite"] == ("contested", 2, ("G0032",))
    assert _statuses(kb, "G0032")["Paper Kite"] == ("contested", 1, ("G0094",))
    # a name the reference data files under another actor is contested too
    kb.add_analysis(_report("Kimsuky, also known as Lazarus Group, was blamed.",
                            ("Kimsuky", "Lazarus Group"), "Kimsuky, also known as Lazarus Group",
                            site="Desk Four", day=6))
    assert _statuses(kb)["Lazarus Group"][0] == "contested"
