"""What is not a victim (issue 17, class 4): a sector word naming a body's field or the
victim's own system, the audience of guidance, the designees of a sanctions list; and the
owners of attacked servers, who are. Every sentence here is written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_a_field_or_a_system_is_no_sector() -> None:
    found = victims("The gang encrypted the systems of the regional finance department and two town halls.\n")
    assert ("sector", "Finance") not in found
    found = victims("The clinic said the intruders had reached the imaging and pharmacy systems.\n")
    assert ("sector", "Pharmacy") not in found
    # ... while the sector itself still is one.
    assert ("sector", "Pharmacy") in victims("The crew targeted pharmaceutical companies in India.\n")


def test_the_audience_of_guidance_is_no_victim() -> None:
    text = "The agency listed the exploited flaw and asked federal agencies to patch within a week.\n"
    assert ("sector", "Government, Administration") not in victims(text)


def test_a_sanctions_list_names_designees_not_victims() -> None:
    text = "The notice adds two entries to the list of asset freeze targets under the EU Cyber Regulations.\n"
    assert not any(kind == "organization" for kind, _ in victims(text))


def test_the_owners_of_attacked_servers_are_victims() -> None:
    text = "Sensors logged attempts against 12 servers belonging to customers in Kenya and Ghana.\n"
    assert {("country", "KE"), ("country", "GH")} <= victims(text)


def test_a_demonym_before_providers_names_their_country() -> None:
    text = "The affiliates used the hosting to attack Irish healthcare providers and schools.\n"
    assert ("country", "IE") in victims(text)


def test_a_currency_is_no_place() -> None:
    text = "The wiper crippled shipping firms, causing losses put at two billion US dollars.\n"
    assert ("country", "US") not in victims(text)


def test_a_list_of_victims_each_with_its_article() -> None:
    text = (
        "Prosecutors named 12 victims in Wales, among them a chain of veterinary practices, a precision engineering\n"
        "firm and an independent school.\n"
    )
    found = victims(text)
    assert {("sector", "Engineering"), ("sector", "Education")} <= found
    # ... but a function word ends the list: "the railway operator to the Russian military".
    text = "Estonia attributed the attack on the railway operator to the Russian military intelligence service.\n"
    assert ("country", "RU") not in victims(text)


def test_it_systems_are_things_not_the_it_sector() -> None:
    assert ("sector", "IT") not in victims("The wiper paralysed IT systems at the games and took the website down.\n")
    assert ("sector", "IT") in victims("The crew targeted IT companies and IT service providers in Vietnam.\n")
