"""Classes of target and attribution error found by scoring a held-back set (issue 17);
each sentence is written for the test, not taken from any scored text."""

from __future__ import annotations

from unmask.extract.malware import extract_malware
from unmask.extract.targets import extract_attributions, extract_targets


def roles(text: str) -> dict[tuple[str, str], str]:
    return {(t.kind, t.value): t.role for t in extract_targets(text)}


def targeted(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_targeting_verbs_beyond_the_list() -> None:
    # "to reach X": what the means were used for.
    found = targeted("The crew used stolen accounts at a payroll provider to reach hospitals and universities in Chile.\n")
    assert {("sector", "Health"), ("sector", "Academia - University"), ("country", "CL")} <= found
    # "has gone after X".
    found = targeted("The unit has also gone after energy companies in Romania.\n")
    assert ("country", "RO") in found


def test_the_owners_of_exploited_devices_are_targets() -> None:
    text = "The actor exploited flaws in routers used by telecom operators in Peru.\n"
    assert ("country", "PE") in targeted(text)


def test_demonyms_sharing_one_people_noun() -> None:
    found = targeted("The group phished Turkish and Greek academics with fake conference invitations.\n")
    assert {("country", "TR"), ("country", "GR")} <= found


def test_an_agency_that_acts_or_reports_is_no_sponsor() -> None:
    text = "Norway's intelligence service on Monday named a Russian group as responsible for the attack on a dam.\n"
    sponsors = {(a.kind, a.value) for a in extract_attributions(text)}
    assert ("country", "NO") not in sponsors
    assert ("country", "RU") in sponsors
    text = "Sweden's military intelligence agency issued an alert on Friday about a hacking group.\n"
    assert ("country", "SE") not in {(a.kind, a.value) for a in extract_attributions(text)}


def test_a_city_possessive_is_not_a_malware_name() -> None:
    assert extract_malware("She was detained at Milan's Linate airport in May.\n") == []
    assert [m.surface for m in extract_malware("The group deployed Milan against oil firms.\n")] == ["Milan"]


def test_an_impersonated_nationality_is_no_target() -> None:
    found = targeted("The actor posed as Danish scholars to target staff at think tanks in Oslo.\n")
    assert ("country", "DK") not in found
    assert ("sector", "Think Tanks") in found


def test_officials_a_cue_reaches_are_targets_not_speakers() -> None:
    text = "The crew started e-mailing fake invitations to officials of the Ministry of Defence and to journalists.\n"
    found = {(t.kind, t.value): t.role for t in extract_targets(text)}
    assert found.get(("sector", "Journalist")) == "target"
    assert "source" not in found.values()


def test_guidance_about_a_threat_names_its_audience_not_a_victim() -> None:
    text = "The centre issued guidance on protecting against spear-phishing for the health sector in Wales.\n"
    assert targeted(text) == set()


def test_a_currency_code_is_no_country() -> None:
    assert targeted("The gang only goes after companies that earn more than $US 50 million a year.\n") == set()
