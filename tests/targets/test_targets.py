"""Targets: gazetteers (geo, sectors, organisations) and the role each mention plays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.extract.targets import extract_targets, passages
from unmask.model import TargetMention
from unmask.reference.geo import geo_gazetteer, place
from unmask.reference.sectors import sector_vocabulary


def _find(text: str) -> list[TargetMention]:
    found = extract_targets(text)
    for mention in found:
        assert text[mention.span.start : mention.span.end] == mention.surface
    return found


def _roles(text: str) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for mention in _find(text):
        out.setdefault((mention.kind, mention.value), set()).add(mention.role)
    return out


@pytest.mark.parametrize(
    ("surface", "code", "form"),
    [
        ("U.S.", "US", "abbreviation"),
        ("South Korean", "KR", "demonym"),
        ("Pyongyang", "KP", "capital"),
        ("North Korea", "KP", "name"),
        ("DPRK", "KP", "abbreviation"),
        ("Korean peninsula", "korean-peninsula", "name"),
        ("Iranian", "IR", "demonym"),
    ],
)
def test_geo_names(surface: str, code: str, form: str) -> None:
    names = geo_gazetteer().names[surface]
    assert names[0].code == code
    assert names[0].form == form


def test_places_carry_iso_codes_and_members() -> None:
    korea = place("KR")
    assert korea is not None and korea.iso3 == "KOR" and korea.capital == "Seoul"
    peninsula = place("korean-peninsula")
    assert peninsula is not None and peninsula.kind == "region"
    assert set(peninsula.members) == {"KP", "KR"}


@pytest.mark.parametrize(
    ("surface", "sector"),
    [
        ("think tanks", "Think Tanks"),
        ("research centers", "Research - Innovation"),
        ("academic institutions", "Academia - University"),
        ("universities", "Academia - University"),
        ("news media outlets", "News - Media"),
        ("journalists", "Journalist"),
        ("government", "Government, Administration"),
        ("healthcare", "Health"),
    ],
)
def test_sector_vocabulary_maps_report_wording_to_misp_sectors(surface: str, sector: str) -> None:
    vocabulary = sector_vocabulary()
    assert vocabulary.lookup(surface) == sector
    assert sector in vocabulary.sectors  # a real MISP sector galaxy value


def test_targets_after_targeting_language() -> None:
    roles = _roles(
        "The group targeted think tanks, universities and news media outlets in the U.S. and South Korea."
    )
    assert roles[("sector", "Think Tanks")] == {"target"}
    assert roles[("sector", "Academia - University")] == {"target"}
    assert roles[("sector", "News - Media")] == {"target"}
    assert roles[("country", "US")] == {"target"}
    assert roles[("country", "KR")] == {"target"}


def test_source_is_not_a_target() -> None:
    roles = _roles(
        "The hackers targeted diplomats, Michael Smith, principal analyst at Mandiant, told CyberScoop."
    )
    assert roles[("organization", "Mandiant")] == {"source"}
    assert "target" not in roles[("organization", "CyberScoop")]
    roles = _roles("The actor targets banks, according to the Treasury Department.")
    assert roles[("organization", "U.S. Department of the Treasury")] == {"source"}


def test_a_list_of_sources_shares_its_role() -> None:
    roles = _roles("A joint advisory from the NSA, FBI and State Department warned of the activity.")
    assert roles[("organization", "National Security Agency")] == {"source"}
    assert roles[("organization", "Federal Bureau of Investigation")] == {"source"}
    assert roles[("organization", "U.S. Department of State")] == {"source"}


def test_caption_places_are_locations() -> None:
    text = (
        "The flag flies over the embassy in Beijing, 18 July 2007. (Photo by A. Person/AFP via Getty Images)\n\n"
        "The group targeted Chinese universities."
    )
    found = _find(text)
    beijing = [m for m in found if m.surface == "Beijing"]
    assert beijing and beijing[0].role == "location" and beijing[0].value == "CN"


def test_sponsor_states_and_services() -> None:
    roles = _roles(
        "The crew works under the umbrella of North Korea's Reconnaissance General Bureau, "
        "at the heart of Pyongyang's efforts to gather intelligence."
    )
    assert roles[("country", "KP")] == {"sponsor"}
    assert roles[("organization", "Reconnaissance General Bureau")] == {"sponsor"}


def test_based_in_is_a_location() -> None:
    roles = _roles("The spoofed outlet is NK News, a South Korea-based news organization.")
    assert roles[("country", "KR")] == {"location"}


def test_demonym_needs_a_target_noun() -> None:
    roles = _roles("The campaign targeted outlets focused on North Korean matters.")
    assert "target" not in roles.get(("country", "KP"), set())
    roles = _roles("The campaign targeted South Korean government officials.")
    assert roles[("country", "KR")] == {"target"}


def test_capitalised_org_phrases_and_appositives() -> None:
    found = _find(
        "The hackers breached the Korea Institute for Defense Analyses and the software company Kaseya."
    )
    orgs = {m.value: m.role for m in found if m.kind == "organization"}
    assert orgs.get("Korea Institute for Defense Analyses") == "target"
    assert orgs.get("Kaseya") == "target"


def test_title_cased_heading_names_the_same_org() -> None:
    found = _find("Korea Institute For Defense Analyses (KIDA)\nKIDA is a research body under the Ministry Of National Defense.")
    orgs = {m.value for m in found if m.kind == "organization"}
    assert {"Korea Institute for Defense Analyses", "Ministry of National Defense"} <= orgs


def test_region_mentions() -> None:
    roles = _roles("The operation targeted defense contractors across the Korean peninsula and Southeast Asia.")
    assert roles[("region", "korean-peninsula")] == {"target"}
    assert roles[("region", "southeast-asia")] == {"target"}
    assert roles[("sector", "Defense")] == {"target"}


def test_generic_words_are_not_sectors_without_a_sector_noun() -> None:
    assert not [m for m in _find("The spies gathered intelligence about nuclear technology.") if m.kind == "sector"]
    found = _find("The actor attacked the energy sector.")
    assert [m.value for m in found if m.kind == "sector"] == ["Energy"]


def test_related_lists_and_bylines_are_furniture() -> None:
    text = "By Jane Doe\n\nThe group targeted banks in Brazil.\n\nRelated\nHackers hit Chilean banks, May 2020\n"
    flags = {text[p.span.start : p.span.end]: p.furniture for p in passages(text)}
    assert flags["By Jane Doe"] is True
    assert flags["The group targeted banks in Brazil."] is False
    assert flags["Hackers hit Chilean banks, May 2020"] is True
    chile = [m for m in _find(text) if m.value == "CL"]
    assert chile and all(m.role == "location" for m in chile)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_sound_spans(text: str) -> None:
    for mention in extract_targets(text):
        assert 0 <= mention.span.start < mention.span.end <= len(text)
        assert text[mention.span.start : mention.span.end] == mention.surface


def test_a_sponsor_needs_an_actor_in_the_passage() -> None:
    agency = ("organization", "Cybersecurity and Infrastructure Security Agency")
    # Hyperlinks in a list of resources are not ties to a sponsor.
    roles = _roles("- Ransomware guide: notable links to CISA products on protecting networks.")
    assert "sponsor" not in roles[agency]
    roles = _roles("The hacking group has links to the Ministry of State Security.")
    assert roles[("organization", "Ministry of State Security (China)")] == {"sponsor"}


def test_an_agency_giving_advice_is_a_source_not_a_victim() -> None:
    roles = _roles("Should your organization be a victim of ransomware, CISA strongly recommends using the checklist.")
    assert roles[("organization", "Cybersecurity and Infrastructure Security Agency")] == {"source"}


def test_generic_agency_names_are_no_country_s_own() -> None:
    # The MISP galaxy lists "Military Intelligence (Czech Republic)", "Federal Police (Mexico)" ...
    text = "The group is linked to Military Intelligence; the Federal Police arrested two of its hackers."
    found = _find(text)
    assert not [m for m in found if m.kind == "organization" and "(" in m.value]
    roles = _roles("The hacking group works for the GRU.")
    assert roles[("organization", "GRU")] == {"sponsor"}


# --- rules measured on the blind sets (tests/fixtures/articles_blind) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "We have seen no evidence that the group targeted water utilities.",
        "The group could also target water utilities in the region.",
        "The ransomware gang says it does not attack water utilities.",
        "Operators should review remote access to water utilities networks.",
    ],
)
def test_negated_hypothetical_or_advised_targeting_is_no_target(text: str) -> None:
    assert _roles(text)[("sector", "Water")] == {"mention"}


def test_passive_victim_with_a_longer_subject() -> None:
    roles = _roles("Several defence contractors in Italy and France were compromised in the campaign.")
    assert roles[("sector", "Defense")] == {"victim"}
    assert roles[("country", "IT")] != {"mention"}


def test_no_victim_when_the_subject_is_negated() -> None:
    roles = _roles("The company said that no wallets held for customers in Singapore were affected.")
    assert roles[("country", "SG")] == {"mention"}
    roles = _roles("Hospitals in Norway are not known to have been affected.")
    assert "victim" not in roles[("sector", "Health")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Brightwater Freight Corporation disclosed a breach of its billing systems.", "Brightwater Freight Corporation"),
        ("Brightwater Freight Corporation, a regional carrier, said it had found malware on two servers.",
         "Brightwater Freight Corporation"),
        ("The listings include Halvorsen Logistics Ltd of Norway, which confirmed that it had been hit by an attack.",
         "Halvorsen Logistics Ltd"),
    ],
)
def test_victim_named_as_subject(text: str, value: str) -> None:
    assert _roles(text)[("organization", value)] == {"victim"}


def test_victim_org_of_a_country() -> None:
    roles = _roles("The listings include Halvorsen Logistics Ltd of Norway, which confirmed that it had been hit by an attack.")
    assert roles[("country", "NO")] == {"victim"}


def test_two_named_universities_joined_by_and() -> None:
    roles = _roles("The University of Tartu and Aalto University disclosed breaches of their email systems.")
    assert roles[("organization", "University of Tartu")] == {"victim"}
    assert roles[("organization", "Aalto University")] == {"victim"}
    assert ("organization", "Ministry of Trade and Industry") in _roles("The Ministry of Trade and Industry said so.")


def test_helper_of_the_victim_is_no_target() -> None:
    roles = _roles("The attack on St. Brannoc Hospital forced staff to divert ambulances while it was working with "
                   "the National Cyber Security Centre.")
    assert "target" not in roles[("organization", "National Cyber Security Centre (UK)")]


def test_theft_from_and_victim_statistics() -> None:
    roles = _roles("The FBI has attributed similar thefts from exchanges in Japan and Turkey to the group.")
    assert roles[("country", "JP")] == {"target"} and roles[("country", "TR")] == {"target"}
    roles = _roles("Cryptocurrency exchanges in Vietnam account for 31 of the 42 cases.")
    assert roles[("sector", "Finance")] == {"victim"} and roles[("country", "VN")] == {"victim"}


def test_leak_site_victim_list_after_a_colon() -> None:
    roles = _roles("A new group posted its first two victims: a software company in Israel and a bank in Peru.")
    assert roles[("country", "IL")] == {"target"} and roles[("country", "PE")] == {"target"}


VICTIM_TABLE = """B.1 Affected organisations

| Sector | Country | First activity |
|---|---|---|
| Manufacturing | Mexico | 2025-03-04 |
| Mining | Peru | 2025-05-11 |
"""

ACTOR_TABLE = """| Actor | Country | First seen |
|---|---|---|
| Copper Lantern | Russia | 2024 |
"""


def test_victimology_table_rows_are_targets() -> None:
    roles = _roles(VICTIM_TABLE)
    assert roles[("sector", "Manufacturing")] == {"target"}
    assert roles[("country", "MX")] == {"target"} and roles[("country", "PE")] == {"target"}
    actor_roles = _roles(ACTOR_TABLE)
    assert ("country", "RU") in actor_roles and "target" not in actor_roles[("country", "RU")]


def test_broke_into_and_appositive_victim() -> None:
    roles = _roles("The group has broken into mobile operators in Kenya and Ghana.")
    assert roles[("country", "KE")] == {"target"} and roles[("sector", "Telecoms")] == {"target"}
    roles = _roles("Brightwater Telecommunications Company, one of the affected operators, said in a statement "
                   "that it had detected an intrusion in June.")
    assert roles[("organization", "Brightwater Telecommunications Company")] == {"victim"}


def test_possessive_country_of_a_victim_organisation() -> None:
    text = "The report was out.\n\nPeru's Ministry of Foreign Affairs confirmed on Sunday that attackers had breached its email servers."
    roles = _roles(text)
    assert roles[("organization", "Ministry of Foreign Affairs")] == {"victim"}
    assert roles[("country", "PE")] == {"victim"}


def test_organisation_after_the_previous_sentence() -> None:
    roles = _roles("The group targeted NGOs in Central Asia. The Royal Institute for Strategic Studies confirmed that "
                   "several of its staff had been sent the messages.")
    assert roles[("organization", "Royal Institute for Strategic Studies")] == {"victim"}


def test_lowercase_words_after_said_name_no_source() -> None:
    roles = _roles("The company said its plants in Germany and the Czech Republic were affected.")
    assert "source" not in roles[("country", "DE")]
    assert roles[("country", "CZ")] == {"victim"}


def test_attack_infrastructure_location_is_no_target() -> None:
    roles = _roles("The traffic came from compromised servers in several countries, including Germany and the United States.")
    assert roles[("country", "DE")] == {"location"} and roles[("country", "US")] == {"location"}
    roles = _roles("The group targeted critical infrastructure in the United States.")
    assert roles[("country", "US")] == {"target"}


def test_targeting_denied_after_the_mention() -> None:
    roles = _roles("Analysts said further attacks on energy producers in the Gulf were possible but none had been seen.")
    assert roles[("sector", "Energy")] == {"mention"}
    roles = _roles("The group tampered with control panels at small water utilities in Poland.")
    assert roles[("sector", "Water")] == {"target"} and roles[("country", "PL")] == {"target"}


def test_knocked_offline_and_victim_appositive() -> None:
    roles = _roles("The websites of Moldova's Central Electoral Commission and two national broadcasters were knocked "
                   "offline on Sunday.")
    assert roles[("organization", "Central Electoral Commission")] == {"victim"}
    assert roles[("country", "MD")] == {"victim"}
    roles = _roles("Lindqvist Mutual Insurance Company, one of Sweden's largest insurers, said on Monday that hackers "
                   "had stolen the personal data of customers.")
    assert roles[("organization", "Lindqvist Mutual Insurance Company")] == {"victim"}
    assert roles[("country", "SE")] == {"victim"}


def test_in_support_of_names_a_sponsor_and_anti_is_no_target() -> None:
    assert _roles("The hacktivist group claims to act in support of Russia.")[("country", "RU")] == {"sponsor"}
    assert _roles("The intruders defaced the screens with an anti-Israel message.")[("country", "IL")] == {"mention"}


def test_apostrophe_cuts_only_leave_a_name() -> None:
    found = {(m.kind, m.value) for m in _find("The Issuer is Let's Encrypt Authority X3 and the Women's Association Tibetan wrote.")}
    assert ("organization", "Let's Encrypt Authority") in found
    assert ("organization", "Women's Association") in found


def test_places_of_a_victim_subject_list() -> None:
    roles = _roles("An airport operator in Kuwait and a civil aviation authority in Oman reported intrusions into their networks.")
    assert roles[("sector", "Civil Aviation")] == {"victim"}
    assert roles[("country", "KW")] == {"victim"} and roles[("country", "OM")] == {"victim"}


def test_singular_sector_forms() -> None:
    text = ("The group breached a law firm, an insurer, a hotel chain, a payment provider, a crypto exchange "
            "and a port operator in Norway.")
    sectors = {m.value for m in _find(text) if m.kind == "sector"}
    assert {"Legal", "Insurance", "Hotels", "Payment", "Finance", "Maritime"} <= sectors


def test_member_states_is_no_speech_verb() -> None:
    roles = _roles("The group targeted the African Union and ASEAN member states.")
    assert roles[("organization", "African Union")] == {"target"}


def test_topics_and_city_possessives_are_no_targets_or_sponsors() -> None:
    assert _roles("The group targeted a Tibet-related NGO.")[("country", "CN")] == {"mention"}
    assert _roles("The lures were Ukraine-themed documents.")[("country", "UA")] == {"mention"}
    assert "sponsor" not in _roles("Shanghai's hackers broke into the ministry.").get(("country", "CN"), set())


def test_a_caption_on_a_long_line_silences_only_its_own_sentence() -> None:
    from unmask.extract.events import extract_events
    from unmask.extract.targets import passages

    story = ("Ministry hacked again. Photo: a caption credited to Reuters. "
             "On 4 March 2025 the group breached the foreign ministry of Estonia. ")
    padding = "The investigation is continuing and more details are expected soon. " * 12
    one_line = story + padding  # no line break at all: the text is one long line
    assert "\n" not in one_line and len(one_line) > 400
    flags = [(one_line[p.span.start:p.span.end][:12], p.furniture) for p in passages(one_line)]
    assert flags[1] == ("Photo: a cap", True)
    assert not any(furniture for i, (_, furniture) in enumerate(flags) if i != 1)
    assert [e.date for e in extract_events(one_line)] == ["2025-03-04"]
    assert ("country", "EE") in {(t.kind, t.value) for t in extract_targets(one_line) if t.role in ("target", "victim")}
    # a short caption line is furniture as a whole, as before
    short = "Photo: Reuters. On 4 March 2025 the group breached the ministry of Estonia.\n\n" + padding
    assert all(p.furniture for p in passages(short)[:2])


def test_keep_most_precise_drops_coarser_dates_of_one_kind_in_one_sentence() -> None:
    from unmask.extract.events import extract_events

    text = "The intrusions began in 2014 and, more precisely, began in July 2014 at the ministry."
    dates = sorted(e.date for e in extract_events(text) if e.kind == "activity-start" or e.kind == "campaign")
    assert dates and "2014" not in dates


@pytest.mark.parametrize("sentence", [
    "Iranian hackers impersonate journalists to target think tanks in the Middle East.",
    "The operators were posing as or spoofing real journalists and broadcast writers to reach think tanks.",
])
def test_an_impersonated_role_is_not_a_target_sector(sentence: str) -> None:
    roles = {(t.value, t.role) for t in extract_targets(sentence) if t.kind == "sector"}
    assert ("Think Tanks", "target") in roles
    assert ("Journalist", "mention") in roles
    assert not any(role in ("target", "victim") for value, role in roles if value == "Journalist")


def test_a_spoofed_organisation_and_a_targeted_role_stay_targets() -> None:
    hits = {(t.value, t.role) for t in extract_targets("The attackers targeted journalists in Mexico.")}
    assert ("Journalist", "target") in hits
