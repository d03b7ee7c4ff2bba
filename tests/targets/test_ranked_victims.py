"""Victims given by a ranking or a count (issue 17, classes 2 and 3): a ranking carries the
first item's role to the rest ("followed by ..."), a count is described after it ("most of
them ..."), a bare sector word is one when a ranking or a predicate says so, and business
nouns name their sectors. Every sentence here is written for the test."""

from __future__ import annotations

from pathlib import Path

from unmask.extract.targets import extract_targets

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "target_classes"


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_a_ranking_and_a_count_name_victims() -> None:
    found = victims((FIXTURES / "leak-site-quarter.txt").read_text(encoding="utf-8"))
    # the ranked sectors, bare words included
    assert {("sector", "Health"), ("sector", "Logistic"), ("sector", "Retail")} <= found
    # the ranked countries, after the first one's figure
    assert {("country", "FR"), ("country", "ES"), ("country", "CL"), ("country", "PE")} <= found
    # the count described after it, and its place
    assert {("sector", "Accounting"), ("sector", "Legal"), ("country", "AT")} <= found


def test_a_ranking_does_not_run_into_a_speaker() -> None:
    text = "The crew hit banks in Latvia, followed by insurers, and Estonia's police said it had made arrests.\n"
    assert ("country", "EE") not in victims(text)


def test_business_nouns_name_their_sectors() -> None:
    text = "Two port authorities and one rail freight operator were hacked last winter.\n"
    found = victims(text)
    assert {("sector", "Maritime"), ("sector", "Railway")} <= found
    text = "An electricity distributor and a regional airline both reported intrusions.\n"
    assert {("sector", "Civil Aviation"), ("sector", "Electric")} <= victims(text)
    # ... and the noun's modifier is not an article: "X Shipping, a shipping company" stays a name.
    text = "Last month intruders breached Vestfjord Shipping, a family shipping company with six vessels.\n"
    assert ("organization", "Vestfjord Shipping") in victims(text)


def test_a_sector_phrase_ending_a_name_stays_in_the_name() -> None:
    text = "Skarvik Power Company confirmed a ransomware attack on Tuesday.\n"
    assert ("organization", "Skarvik Power Company") in victims(text)
