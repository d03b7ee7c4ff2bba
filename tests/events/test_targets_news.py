"""Targets and victims on news about government actions (issue 17): what the attackers did
to whom, not who acted against the attackers."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def roles(text: str) -> set[tuple[str, str, str]]:
    return {(t.role, t.kind, t.value) for t in extract_targets(text)}


def targeted(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_spied_on_and_tried_to_reach_are_targeting() -> None:
    assert ("sector", "Diplomacy") in targeted("For years the unit spied on embassies in the region.")
    found = targeted("Among the bodies the operators tried to reach were the Ministry of Unification and the "
                     "Asan Policy Institute.")
    assert ("organization", "Ministry of Unification") in found


def test_lures_sent_to_lawmakers_however_many() -> None:
    found = targeted("The crew sent more than 4,000 rigged e-mails to lawmakers and civil servants.")
    assert ("sector", "Government, Administration") in found


def test_the_hack_of_an_organisation_makes_it_the_victim() -> None:
    found = targeted("The officers were charged over the hack of the Riverside Election Committee.")
    assert ("organization", "Riverside Election Committee") in found


def test_a_company_disclosing_that_a_group_broke_into_it_is_the_victim() -> None:
    found = targeted("Regional carrier Telnova disclosed Tuesday that a state-backed hacking group had broken "
                     "into its billing systems.")
    assert ("organization", "Telnova") in found


def test_charges_and_actions_against_the_attackers_do_not_make_their_state_a_target() -> None:
    assert ("country", "RU") not in targeted("Prosecutors unsealed charges against 12 Russian officers on Monday.")
    assert ("country", "CN") not in targeted(
        "Two allies acted together against a group that spies for China's security ministry.")


def test_a_political_campaign_is_a_victim_not_an_attacker() -> None:
    found = roles("The men hacked into the e-mail accounts of staff on a U.S. presidential campaign.")
    assert ("target", "country", "US") in found
    assert ("sponsor", "country", "US") not in found


def test_a_colon_list_after_targeting_names_every_victim_with_or_without_a_head_word() -> None:
    found = roles("The attackers were interested in targeting following organizations: The Sejong Institute, "
                  "KIDA, Ministry of Unification, Hyundai Merchant Marine.")
    for name in ("Sejong Institute", "KIDA", "Ministry of Unification", "Hyundai Merchant Marine"):
        assert ("target", "organization", name) in found


def test_a_demonym_before_think_tanks_is_a_target() -> None:
    found = roles("Kimsuky ran a campaign against South Korean think-tanks last year.")
    assert {("target", "country", "KR"), ("target", "sector", "Think Tanks")} <= found


def test_products_and_services_are_not_organisations() -> None:
    text = ("The implant turns off Windows Security Center, opens a Hancom Office lure and abuses the "
            "Remote Access Service.")
    assert not [t for t in extract_targets(text) if t.kind == "organization"]


def test_a_language_is_not_a_place() -> None:
    assert not extract_targets("The lure documents were written in English.")
    assert not extract_targets("It posted in Russian and English on two forums.")
    assert ("mention", "country", "DE") in roles("The implant was found in German chemical firms.")
    # Speakers of a language are people of a place: the mention is kept.
    assert [t.value for t in extract_targets("Russian speakers are the primary targets of the crew.")] == ["RU"]


def test_wiping_and_a_theft_from_name_the_victim() -> None:
    assert ("sector", "Government, Administration") in targeted("The crew wiped hundreds of government computers.")
    found = targeted("They stole about $90 million in digital coins and tokens from the trading platform Kestrel.")
    assert ("organization", "Kestrel") in found


def test_a_name_in_apposition_after_a_comma() -> None:
    found = targeted("The operators also tried to reach a shipping firm, Baltic Tern Lines.")
    assert ("organization", "Baltic Tern Lines") in found
    assert not [t for t in extract_targets("wallets such as Coinomi, waves-exchange, Ledger Live, Electrum")
                if t.kind == "organization"]


def test_a_parliament_reporting_an_attack_on_its_systems_is_the_victim_and_so_is_its_country() -> None:
    found = targeted("Moldova's parliament said Friday that its mail systems had been attacked in March.")
    assert {("sector", "Government, Administration"), ("country", "MD")} <= found


def test_the_country_of_a_company_disclosing_a_breach_is_a_victim() -> None:
    found = targeted("Danish mobile operator Telnova disclosed Monday that a state-backed group had broken into "
                     "its network.")
    assert ("country", "DK") in found


def test_leak_recipients_sanctioned_people_and_rented_servers_are_not_targets() -> None:
    assert ("sector", "News - Media") not in targeted("In June they began sending stolen material to news outlets.")
    assert ("country", "IR") not in targeted("Treasury targets Iranian officials behind attacks on dams")
    found = roles("Investigators took down 40 servers the group rented in Europe.")
    assert ("location", "region", "europe") in found


def test_a_shift_of_focus_names_the_new_targets() -> None:
    assert ("sector", "Logistic") in targeted("This year the unit shifted its focus to logistics companies.")


def test_where_the_targeted_people_live_is_targeted_too() -> None:
    found = targeted("The crew sent lures to journalists living in Canada and Australia.")
    assert {("country", "CA"), ("country", "AU")} <= found
    assert ("country", "DE") not in targeted("The group's operators, living in Germany, rented servers.")
