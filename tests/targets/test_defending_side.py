"""The defending side sponsors nothing (issue 17, class 5): an agency that speaks,
investigates, publishes or helps the response somewhere in the text, the country named as
its own, an international body, a country that sanctions or warns in a headline, and a
text's publisher. A sponsor cue of its own still names a sponsor. Every sentence here is
written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_attributions


def sponsors(text: str) -> set[tuple[str, str]]:
    return {(a.kind, a.value) for a in extract_attributions(text) if a.kind in ("sponsor", "country")}


def test_an_agency_that_assesses_is_no_sponsor() -> None:
    text = (
        "According to the assessment of the national CERT and the Internal Security Service, the hackers\n"
        "sent phishing e-mails to ministers on behalf of Russia's FSB.\n"
    )
    found = sponsors(text)
    assert ("sponsor", "Internal Security Service") not in found
    assert ("sponsor", "Federal Security Service (Russia)") in found


def test_an_operation_supported_by_an_agency_names_no_sponsor() -> None:
    text = "Police arrested four ransomware affiliates. The operation was supported by the Australian Signals Directorate.\n"
    assert not sponsors(text)


def test_the_country_of_a_defending_body_is_no_sponsor() -> None:
    text = "In May the US cyber agency CISA and the FBI put out a warning about the ransomware gang.\n"
    assert ("country", "US") not in sponsors(text)
    text = "Ukrainian cyber police on Monday detained a man suspected of attacks for the gang.\n"
    assert ("country", "UA") not in sponsors(text)


def test_an_international_body_and_a_sanctioning_country_sponsor_nothing() -> None:
    text = "The envoy spoke on behalf of the EU, condemning the hacking campaign by the SVR group.\n"
    assert ("sponsor", "European Union") not in sponsors(text)
    text = "Canada sanctions GRU officers behind phishing of its diplomats\n\nThe officers work for the GRU.\n"
    found = sponsors(text)
    assert ("country", "CA") not in found
    assert ("sponsor", "GRU") in found
