"""Classes of target error from the held-back sets (issue 17), one mechanism each: a letter's
writer as the victim with its address, a bulleted list of victims, a victim's disclosure told
to its customers, and the sector a victim's own name gives. Fixtures and sentences are
written for these tests."""

from __future__ import annotations

from pathlib import Path

from unmask.extract.targets import extract_targets

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "target_classes"


def targeted(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_a_notice_under_its_writers_letterhead_names_the_writer_as_victim() -> None:
    # "College | Estates ..." heads the notice; "our network team discovered suspicious logins".
    found = targeted(read("college-notice-letterhead.txt"))
    assert ("organization", "Harrowgate College") in found
    assert ("sector", "Academia - University") in found  # from the name's head noun
    assert ("country", "GB") in found  # from the postcode in the letterhead


def test_a_letter_from_a_hospital_gives_its_sector_and_its_us_address() -> None:
    found = targeted(read("hospital-letter-us-address.txt"))
    assert {("organization", "Pinecrest Community Hospital"), ("sector", "Health"), ("country", "US")} <= found


def test_an_address_in_a_letterhead_is_no_victim_unless_the_writer_is_one() -> None:
    text = "Pinecrest Community Hospital\n40 Elm Street, Dayton, OH 45402\n\nOur flu clinics open on Monday.\n"
    assert targeted(text) == set()


def test_bulleted_items_under_a_victim_line_are_victims() -> None:
    found = targeted(read("sentencing-victim-bullets.txt"))
    assert {("sector", "Finance"), ("sector", "Education"), ("sector", "Legal"), ("country", "US")} <= found
    # The list under an advice line names no victim.
    assert ("sector", "Police - Law enforcement") not in found


def test_a_disclosure_told_to_customers_makes_the_teller_a_victim() -> None:
    found = targeted("The retail chain Norrvik Handel told its customers on Monday that an attacker had copied "
                     "the e-mail addresses of loyalty members.\n")
    assert ("organization", "Norrvik Handel") in found
    assert ("sector", "Retail") in found
    found = targeted("The Danish insurer Tryghavn Forsikring disclosed on Friday that attackers had copied claims files "
                     "in June.\n")
    assert ("organization", "Tryghavn Forsikring") in found


def test_a_victims_name_gives_its_sector_but_a_sources_does_not() -> None:
    found = targeted("The Orchard Valley School District said it had been hit by ransomware over the weekend.\n")
    assert ("sector", "Education") in found
    found = targeted("Researchers at the University of Westmarch said the group sent lures to logistics firms.\n")
    assert ("sector", "Academia - University") not in found


def test_a_lowercase_foreign_ministry_and_software_makers_are_sectors() -> None:
    found = targeted("The group took down the website of the Lorvanian foreign ministry and breached a software "
                     "maker in Ohio.\n")
    assert {("sector", "Diplomacy"), ("sector", "IT")} <= found


def test_a_capitalised_name_after_an_attack_word_is_an_organisation() -> None:
    found = targeted("The group was behind the 2019 attack on Halvard Mutual Assurance and other intrusions.\n")
    assert ("organization", "Halvard Mutual Assurance") in found
    # ... but a product named after the attack word is none.
    found = targeted("The crew chained two flaws in attacks on Brightgate Connect Secure appliances.\n")
    assert not any(kind == "organization" for kind, _ in found)


def test_the_place_a_victim_is_based_in_is_the_victims() -> None:
    found = targeted("The hackers stole $40 million from the Lisbon-based payment processor Velocard last week.\n")
    assert ("country", "PT") in found
    assert ("organization", "Velocard") in found


def test_an_admission_after_a_bracketed_abbreviation_names_the_victim() -> None:
    found = targeted("The Nordic Rowing Federation (NRF), admitted on Monday that hackers had reached the medical "
                     "records of its athletes.\n")
    assert ("organization", "Nordic Rowing Federation") in found
    found = targeted("Kestrel Regional Airports, the operator of three airfields, confirmed that its websites had been "
                     "slow or unreachable for an hour.\n")
    assert ("organization", "Kestrel Regional Airports") in found
    assert ("sector", "Civil Aviation") in found


def test_a_state_speaking_of_attacks_on_its_own_institutions_is_their_country() -> None:
    found = targeted("Norway says Russian hackers had compromised government networks over two years.\n\n"
                     "The agency said the intruders read e-mail at two ministries.\n")
    assert ("country", "NO") in found
    # ... but not when the text places the targets elsewhere.
    found = targeted("Norway says Russian hackers had compromised government networks in Latvia.\n")
    assert ("country", "NO") not in found
    assert ("country", "LV") in found


def test_people_a_state_persecutes_are_targets_not_its_hackers() -> None:
    found = targeted("The implant stole files from shipping companies and Uyghur rights groups and Vietnamese dissident "
                     "groups.\n")
    assert ("sector", "Dissidents") in found
    assert ("country", "VN") in found  # whose dissidents, not a sponsor
    found = targeted("Investigators found spyware on phones belonging to exiled Iranian journalists and two activists.\n")
    assert {("sector", "Journalist"), ("sector", "Activists"), ("country", "IR")} <= found


def test_company_suffixes_and_school_districts_are_organisations() -> None:
    assert ("organization", "Borrowdale Foods plc") in targeted(
        "Hackers broke into the network of Borrowdale Foods plc, the grocer said on Monday.\n")
    assert ("organization", "Pine Ridge Unified School District") in targeted(
        "Ransomware hit the Pine Ridge Unified School District last week.\n")


def test_a_company_said_to_be_the_target_of_an_attack_is_the_victim() -> None:
    found = targeted("Kirrin Pumpen AG (ticker KRP / code 88123 / XY), a maker of pumps for the brewing and "
                     "dairy industry, was the target of a cyber attack on Friday.\n")
    assert ("organization", "Kirrin Pumpen AG") in found
    assert ("organization", "Borrowdale Foods plc") in targeted("Borrowdale Foods plc has been hit by ransomware, the grocer said.\n")


def test_the_industry_a_victim_serves_is_no_target() -> None:
    found = targeted("Kirrin Pumpen AG, a maker of pumps for the food industry, was the target of a cyber attack.\n")
    assert ("organization", "Kirrin Pumpen AG") in found and ("sector", "Food") not in found


def test_a_victim_companys_own_sites_give_its_countries() -> None:
    found = targeted("Kirrin Pumpen AG was the target of a cyber attack on Friday. Intruders encrypted files at "
                     "the company's plants in Linz (Austria) and Brno (Czechia).\n")
    assert {("country", "AT"), ("country", "CZ")} <= found
    # with no victim company in the text, a firm's sites are only places
    assert ("country", "AT") not in targeted("The company's plants in Linz (Austria) make pumps.\n")


def test_business_nouns_name_their_sectors() -> None:
    found = targeted("The crew has targeted an accounting practice in Leeds, two casino operators, a department store "
                     "chain and water treatment plants, and broke into an MSP that serves them.\n")
    assert {("sector", "Accounting"), ("sector", "Casino"), ("sector", "Retail"), ("sector", "Water"),
            ("sector", "Managed Services Provider")} <= found


def test_a_notice_writer_that_defines_itself_as_we_is_the_victim_with_its_office() -> None:
    found = targeted("Larkspur Family Dentistry\nNotice of Data Security Incident\n\nMarch 3, 2025\n\n"
                     "Larkspur Family Dentistry (\"Larkspur\", \"we\") is writing about an incident. On February 2, "
                     "2025, we noticed unusual activity on computers at our office in Dayton, Ohio.\n")
    assert {("organization", "Larkspur Family Dentistry"), ("country", "US")} <= found


def test_an_interviewees_employer_after_a_post_with_its_field_is_the_victim() -> None:
    found = targeted("An interview with Anu Kask, head of IT at the Port of Eskerby, Finland\n\n"
                     "Our cargo booking systems went offline on a Sunday night, and the gates closed.\n")
    assert {("organization", "Port of Eskerby"), ("country", "FI")} <= found


def test_a_source_cue_inside_a_word_is_none() -> None:
    # "per" in "whitepaper", "super": the cue must start a word
    roles = {t.value: t.role for t in extract_targets("A whitepaper Estonia released said hackers targeted Latvia.\n")}
    assert roles["EE"] != "source" and roles["LV"] == "target"


def test_helpers_destinations_and_recipients_of_reports_are_no_targets() -> None:
    found = targeted("The agency supported the raids by sending experts to Vilnius and Riga on the action day.\n")
    assert ("country", "LT") not in found and ("country", "LV") not in found
    found = targeted("Hackers targeted utilities. Operators that find signs of compromise should report it to the "
                     "Cyber Safety Centre.\n")
    assert not any(kind == "organization" for kind, _ in found)
    # e-mails sent to people are still a cue
    assert ("country", "LT") in targeted("The crew sent lures to officials in Lithuania.\n")


def test_a_place_inside_an_events_name_is_no_target() -> None:
    found = targeted("The crew launched attacks on the ticketing systems of the European Rowing Championships in March.\n")
    assert not any(kind in ("country", "region") for kind, _ in found)


def test_a_demonym_before_councils_or_schools_is_their_country() -> None:
    found = targeted("The gang has also attacked several Welsh councils and Scottish schools.\n")
    assert {("country", "GB"), ("sector", "Government, Administration"), ("sector", "Education")} <= found
