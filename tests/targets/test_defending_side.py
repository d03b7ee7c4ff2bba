"""The defending side sponsors nothing (issue 17, class 5): an agency that speaks,
investigates, publishes, leads or helps the response somewhere in the text, the country
named as its own, an international body, a country that sanctions in a headline. A sponsor
cue of its own still names a sponsor. Every sentence here is written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_attributions


def sponsors(text: str) -> set[tuple[str, str]]:
    return {(a.kind, a.value) for a in extract_attributions(text) if a.kind in ("sponsor", "country")}


def test_an_agency_that_leads_the_investigation_is_no_sponsor() -> None:
    text = "A joint investigation led by the Internal Security Service found that hackers of Russia's FSB sent the lures.\n"
    found = sponsors(text)
    assert ("sponsor", "Internal Security Service") not in found
    assert ("sponsor", "Federal Security Service (Russia)") in found


def test_an_action_assisted_by_an_agency_names_no_sponsor() -> None:
    text = "Three extortion affiliates were arrested; the searches were assisted by Australia's signals agency, ASD.\n"
    assert not sponsors(text)


def test_the_country_of_a_defending_body_is_no_sponsor() -> None:
    assert ("country", "US") not in sponsors("An alert on the extortion crew was put out by CISA, the US cyber agency.\n")
    assert ("country", "UA") not in sponsors("A suspect was detained by Ukrainian cyber police after the attacks.\n")


def test_an_international_body_and_a_sanctioning_country_sponsor_nothing() -> None:
    text = "Envoys speaking for the EU approved fresh listings over the intrusion wave.\n"
    assert ("sponsor", "European Union") not in sponsors(text)
    text = "Canada sanctions three hackers over attacks on its ports\n\nThe hackers work for the GRU.\n"
    found = sponsors(text)
    assert ("country", "CA") not in found
    assert ("sponsor", "GRU") in found


def test_a_pronoun_carries_the_group_and_linking_it_names_a_sponsor() -> None:
    text = "Investigators blamed the crew known as Cobalt Heron for the wiper attack. It is part of the GRU.\n"
    assert ("sponsor", "GRU") in sponsors(text)
    text = "A number of states openly connect it to China's Ministry of State Security.\n"
    assert ("sponsor", "Ministry of State Security (China)") in sponsors(text)
    # ... and a sentence on something else names none.
    assert ("sponsor", "GRU") not in sponsors("The museum opened a new wing. It is next to the GRU's old barracks.\n")
