"""What is not a victim (issue 17, class 4): a sector word naming a body's field or the
victim's own system, the audience of guidance, the designees of a sanctions list, a
currency, "IT systems"; and the owners of attacked servers, who are victims, as are the
items of a victim list each with its article. Every sentence here is written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_a_field_or_a_system_is_no_sector() -> None:
    assert ("sector", "Finance") not in victims("The gang hit the town council's finance department on Monday.\n")
    assert ("sector", "Pharmacy") not in victims("Intruders got as far as the clinic's lab and pharmacy systems.\n")
    # ... while the sector itself still is one.
    assert ("sector", "Pharmacy") in victims("The crew targeted pharmaceutical companies in India.\n")


def test_the_audience_of_guidance_is_no_victim() -> None:
    text = "Exploitation of the flaw is widespread, and the bulletin tells government agencies to patch today.\n"
    assert ("sector", "Government, Administration") not in victims(text)


def test_a_sanctions_list_names_designees_not_victims() -> None:
    text = "Both men are now asset freeze targets of the EU.\n"
    assert not any(kind == "organization" for kind, _ in victims(text))


def test_the_owners_of_attacked_servers_are_victims() -> None:
    text = "Most of the exploited appliances were servers belonging to tenants in Kenya and Ghana.\n"
    assert {("country", "KE"), ("country", "GH")} <= victims(text)


def test_a_demonym_before_practices_names_their_country() -> None:
    assert ("country", "IE") in victims("Over the summer the crew phished Irish veterinary practices.\n")


def test_a_currency_is_no_place() -> None:
    assert ("country", "US") not in victims("The gang breached a shipping firm and demanded two million US dollars.\n")


def test_a_list_of_victims_each_with_its_article() -> None:
    text = "Victims include two banks in Cardiff, a family-run civil engineering firm and a private school.\n"
    assert {("sector", "Engineering"), ("sector", "Education")} <= victims(text)
    # ... but a function word ends the list.
    text = "Officials tied the outage at the rail operator to the Russian military.\n"
    assert ("country", "RU") not in victims(text)


def test_it_systems_are_things_not_the_it_sector() -> None:
    assert ("sector", "IT") not in victims("The wiper paralysed IT systems at the games and took the website down.\n")
    assert ("sector", "IT") in victims("The crew targeted IT companies and IT service providers in Vietnam.\n")
