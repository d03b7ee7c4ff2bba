"""Classes of wrong target, victim and sponsor roles found by reading the analyses of
real reports (the shared corpus); each sentence here is written for the test."""

from __future__ import annotations

import pytest

from unmask.extract.targets import extract_attributions, extract_targets, passages


def _roles(text: str) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for mention in extract_targets(text):
        assert text[mention.span.start : mention.span.end] == mention.surface
        out.setdefault((mention.kind, mention.value), set()).add(mention.role)
    return out


def _targeted(text: str) -> set[tuple[str, str]]:
    return {key for key, roles in _roles(text).items() if roles & {"target", "victim"}}


@pytest.mark.parametrize(
    ("text", "not_targeted"),
    [
        # A footnote: the cited headline names what was reported elsewhere.
        (
            "The ministry was attacked again.\n25 Jane Roe, \u201eHackers Hit Ministries in Estonia\u201f, Daily "
            "Planet, 4 March 2011, <http://example.com/a> [Accessed 18 May 2011].\n",
            ("country", "EE"),
        ),
        # A reference list under its heading.
        (
            "The group is active.\n\nReferences\nDoe, John. 2009. Chinese Hackers Target US Think Tanks. "
            "Retrieved on March 2, 2009, from http://example.org/x.\n",
            ("sector", "Think Tanks"),
        ),
        # A word inside a link.
        ("Details: http://example.org/2014/10/phishing-against-government-and-energy.html today.",
         ("sector", "Government, Administration")),
        # The agent of a passive, not its object.
        ("Ruritania was accused of hacking into government facilities by officials in Australia and France.",
         ("country", "AU")),
        ("Ruritania was accused of hacking into government facilities by officials in Australia and France.",
         ("country", "FR")),
        # Where an attack comes from.
        ("The US would see it as an attack from Russia.", ("country", "RU")),
        ("Twelve of the attacks were routed through providers in Brazil.", ("country", "BR")),
        ("Some IP addresses used in the attacks belonged to Russian government officials.", ("country", "RU")),
        # A cue in the previous sentence of a run-on passage.
        ("Their strategy remains focused on modernization. Beijing has not said more", ("country", "CN")),
        # A cue that is the subject of a new verb.
        ("The Estonian attacks have encouraged the development of a NATO centre.", ("organization", "NATO")),
        # Defence, protest and law "against" something.
        ("Testing protects the organisations against indirect costs in Germany.", ("country", "DE")),
        ("There were protests against Japan over the visits.", ("country", "JP")),
        ("It was part of a legal battle against several ISPs.", ("sector", "IT - ISP")),
        # A vendor's product, not the vendor.
        ("I tested the proxy against a number of binaries, including Microsoft Windows updates.",
         ("organization", "Microsoft")),
        ("The compromised machine had no Symantec product installed.", ("organization", "Symantec")),
        ("An attack prior to a proposed UN resolution was reported.", ("organization", "United Nations")),
        # A currency and a sea.
        ("Earnings rose to US$30,000 per target.", ("country", "US")),
        ("The campaign targeted vessels in the South China Sea.", ("country", "CN")),
        # Tools and things that share a sector's word.
        ("The share held credential dumps and hacking utilities taken from victims.", ("sector", "Energy")),
        ("Analysts examined phishing emails, storage media and logs from affected victims.",
         ("sector", "News - Media")),
        # A channel, and rivals.
        ("OSINT revealed the identity of the targeted individual on social media.", ("sector", "Social networks")),
        ("The doctrine aims at manipulating populations through media.", ("sector", "News - Media")),
        ("It plans operations against high-tech adversaries.", ("sector", "Technology")),
        # Where stolen data goes.
        ("The implant sends the collected information back to Beijing.", ("country", "CN")),
    ],
)
def test_not_a_target(text: str, not_targeted: tuple[str, str]) -> None:
    assert not_targeted not in _targeted(text)


@pytest.mark.parametrize(
    ("text", "targeted"),
    [
        ("Hackers breached Microsoft in January.", ("organization", "Microsoft")),
        ("The group's targeting has expanded to Germany.", ("country", "DE")),
        ("The group attacked utilities in Ohio and Texas.", ("sector", "Energy")),
        ("Data was stolen from the electoral office of Ecuador and from a large insurer in Colombia.",
         ("country", "CO")),
        ("DanaBot Gains Popularity and Targets US Organizations in Large Campaigns", ("country", "US")),
        ("Frequently hit targets include the US Department of Defense.",
         ("organization", "U.S. Department of Defense")),
    ],
)
def test_still_a_target(text: str, targeted: tuple[str, str]) -> None:
    assert targeted in _targeted(text)


def test_citations_are_flagged_passages() -> None:
    text = "Body text here.\n40 \u201eChina Denies Hacking\u201f, C114, 18 February 2011, <http://example.net/1>.\n"
    flags = [(text[p.span.start : p.span.end][:10], p.citation) for p in passages(text)]
    assert flags[0][1] is False
    assert any(flag for _, flag in flags[1:])


def _attributed(text: str) -> set[tuple[str, str]]:
    return {(a.kind, a.value) for a in extract_attributions(text)}


def test_a_target_noun_after_a_country_is_no_sponsor() -> None:
    text = "DanaBot Gains Popularity and Targets US Organizations in Large Campaigns"
    assert ("country", "US") not in _attributed(text)
    assert "sponsor" not in _roles(text)[("country", "US")]


def test_state_nouns_sponsor_only_where_intrusions_are_spoken_of() -> None:
    assert ("country", "RU") not in _attributed("Russia's military bought new tanks in 2007.")
    assert ("country", "US") not in _attributed("Beijing views the US as a potential adversary.")
    assert ("country", "IR") in _attributed("Iran's military hackers attacked the dam.")
    assert ("country", "RU") in _attributed("The United Kingdom attributed NotPetya to the Russian military.")


def test_a_topic_is_no_sponsor() -> None:
    text = "The attackers spread malware to gather intelligence related to Afghan, Tajik and Russian military subjects."
    assert ("country", "RU") not in _attributed(text)


def test_an_intelligence_service_speaks_through_its_head() -> None:
    text = "In 2007 the Director-General of MI5 accused hackers of espionage."
    assert _roles(text)[("organization", "MI5")] == {"source"}
    assert ("sponsor", "MI5") not in _attributed(text)
    assert ("sponsor", "MI5") in _attributed("The hackers work on behalf of MI5.")


def test_a_service_with_no_intrusion_in_sight_sponsors_nothing() -> None:
    text = "The People's Liberation Army Air Force is the third largest air force in the world."
    assert not [a for a in extract_attributions(text) if a.kind == "sponsor"]


def test_a_cue_does_not_reach_across_table_cells() -> None:
    text = (
        "[options=\"header\"]\n|===\n|IP |Domain |Hosting provider |First seen |Details\n"
        "|`192.0.2[.]145` |N/A |Contabo GmbH |2020-05-20 |C&C server of the backdoor (compromised VPS).\n"
        "|`192.0.2[.]146` |N/A |Contabo GmbH |2022-08-03 |C&C server of the backdoor (compromised VPS).\n|===\n"
    )
    assert ("organization", "Contabo GmbH") not in _targeted(text)


def test_funding_and_spokesmen_are_no_sponsorship() -> None:
    assert not _attributed("Arpanet, a precursor of the modern internet, was heavily funded by the US military.")
    assert ("country", "US") not in _attributed("It was the work of private hackers, although US military spokesmen did not say.")
    assert ("country", "RU") in _attributed("The hackers were funded by the Russian military.")


def test_the_object_of_an_attack_is_no_sponsor() -> None:
    text = "Patriotic Chinese hackers defaced dozens of US military and computer industry websites."
    assert _attributed(text) == {("country", "CN")}
    assert ("country", "KP") in _attributed("It is good to see action taken against DPRK threat actors.")
