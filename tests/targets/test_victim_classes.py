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


# --- issue 17, classes found on articles_blind6 (each in sentences written for it) -------


def test_a_named_organisation_with_what_it_is_after_it_and_its_detection() -> None:
    # No head word ("Group", "Shipping"): the apposition says it is an organisation; it
    # detected suspicious activity in its own network, so it, its sector and its place are victims.
    text = ("On 2 March, Lindqvist Eye Clinics, a health care provider with four offices in Ohio, "
            "detected suspicious activity in its computer network.\n")
    assert {("organization", "Lindqvist Eye Clinics"), ("sector", "Health"), ("country", "US")} <= targeted(text)


def test_a_disclosing_victim_with_a_relative_clause_and_its_sector_word_before_it() -> None:
    text = ("The logistics company Ostrava Freight Lines, which runs two rail depots near the border, "
            "disclosed on Friday that hackers had been inside its network for a month.\n")
    found = targeted(text)
    assert ("organization", "Ostrava Freight Lines") in found
    assert ("sector", "Logistic") in found  # the MISP sector value


def test_a_name_found_once_is_the_same_organisation_elsewhere_and_under_attack() -> None:
    text = ("Shoppers of payment provider KortaPay saw failed payments. "
            "KortaPay has confirmed that its systems are under a denial-of-service attack.\n")
    found = targeted(text)
    assert ("organization", "KortaPay") in found and ("sector", "Payment") in found


def test_a_first_person_victim_is_the_organisation_the_text_speaks_for() -> None:
    text = (
        "Q&A with Jonas Berg, chief executive of Fjellvik Ferries, a ferry operator in the north.\n\n"
        "Q: What happened?\nA: The intruders were inside our network for a month before we noticed.\n"
    )
    assert ("organization", "Fjellvik Ferries") in targeted(text)
    # Without a first-person victim the speaker's employer is not one.
    calm = "Q&A with Jonas Berg, chief executive of Fjellvik Ferries, a ferry operator.\n\nA: We run twelve boats.\n"
    assert ("organization", "Fjellvik Ferries") not in targeted(calm)


def test_a_new_clauses_acting_subject_is_no_target() -> None:
    text = "Prosecutors charged two men over the hacking, and the Treasury sanctioned their employer.\n"
    assert ("organization", "U.S. Department of the Treasury") not in targeted(text)


def test_more_targeting_wording() -> None:
    assert ("country", "AU") in targeted("The advisory described its exploitation of Australian government networks.\n")
    found = targeted("The same crew flooded the websites of Danish ministries in January.\n")
    assert ("country", "DK") in found and ("sector", "Government, Administration") in found
    # A place after "including in" continues the list of targets before it.
    found = targeted("The group sat in the networks of US water and energy operators, including in Guam.\n")
    assert ("country", "GU") in found


def _attributed(text: str) -> set[tuple[str, str]]:
    return {(a.kind, a.value) for a in extract_attributions(text)}


def test_sponsor_wording_and_a_service_that_speaks() -> None:
    assert ("country", "IR") in _attributed("The agency judges that the crew acts in the interests of the Islamic Republic of Iran.\n")
    found = _attributed("Acting on behalf of the Federal Security Service, the pair gained access to the networks of two shipyards.\n")
    assert ("sponsor", "Federal Security Service (Russia)") in found
    found = _attributed("They broke into provincial ministries and sold the data to the Ministry of State Security.\n")
    assert ("sponsor", "Ministry of State Security (China)") in found
    assert ("country", "CN") in _attributed("The police said the intruders worked for Chinese intelligence.\n")
    # An intelligence service telling a committee something sponsors nothing.
    assert _attributed("The Australian Signals Directorate told the inquiry that state actors probe government networks.\n") == set()


def test_well_known_organisations_without_an_organisation_word() -> None:
    found = targeted("The crew broke into six carriers, including AT&T and T-Mobile, and later phished staff at NASA.\n")
    assert {("organization", "AT&T"), ("organization", "T-Mobile"), ("organization", "NASA")} <= found


def test_sector_nouns_the_vocabulary_lacked() -> None:
    found = targeted("The operators phished a human rights lawyer, dissident groups abroad and the campaign staff of two candidates.\n")
    assert {("sector", "Lawyers"), ("sector", "Dissidents"), ("sector", "Political party")} <= found
    assert ("sector", "Travel") in targeted("The gang broke into travel agencies in Portugal.\n")


def test_the_countrys_people_are_the_country_named_before() -> None:
    text = "Norway's police on Wednesday blamed a state group for a campaign against the country's diplomats and lawmakers.\n"
    assert ("country", "NO") in targeted(text)
    # A demonym is not what "the country" points back to.
    text = "Norway's police blamed a group linked to the Chinese state for a campaign against the country's ministries.\n"
    assert ("country", "NO") in targeted(text) and ("country", "CN") not in targeted(text)
