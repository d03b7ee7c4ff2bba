"""Target roles read from the predicate, singular sector heads and words in another sense
(analyst audit, session 11: victims were found but kept as mentions). One mechanism each:
the victim is whom the verb acts on, or what a predicate nominal calls a target; a list
after a colon names victims, one a line or comma-separated; a countable sector noun heads
its own phrase; a retraction takes the victim role back; a sector word glued into code,
"media attention", a known organisation's own unit and "non-<nationality>" name no target.
Sentences are written for these tests."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def roles(text: str) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for t in extract_targets(text):
        out.setdefault((t.kind, t.value), set()).add(t.role)
    return out


def targeted(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def found(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text)}


# --- the victim from the predicate ----------------------------------------------------------


def test_an_adverb_inside_the_passive_keeps_the_victim() -> None:
    text = "Two hospitals in Ohio and a clinic chain in Iowa have also been hit, the agency said."
    assert {("sector", "Health"), ("country", "US")} <= targeted(text)


def test_fell_victim_and_lost_to_name_the_victim() -> None:
    assert {("sector", "Logistic"), ("country", "BE")} <= targeted(
        "Last week a freight forwarder near Antwerp in Belgium fell victim to the same crew.")
    assert ("sector", "Health") in targeted("Several hospitals lost patient files to the intruders in March.")
    assert ("sector", "Sport") in targeted(
        "The rowing body became the fourth sports organisation to lose members' records to a cyber-attack.")


def test_a_predicate_nominal_makes_the_subject_a_target() -> None:
    assert roles("Our telemetry shows that Portuguese speakers are the main targets of this crew.")[("country", "PT")] == {
        "target"}
    assert "victim" in roles("Banks in Chile were its latest victims, the report says.")[("country", "CL")]


def test_a_noun_phrase_headed_by_target_is_a_target() -> None:
    found_roles = roles("In June the operators mailed a booby-trapped invitation to a European government target.")
    assert found_roles[("region", "europe")] == {"target"}
    assert found_roles[("sector", "Government, Administration")] == {"target"}


def test_the_verb_targets_after_a_sector_is_not_a_target_noun() -> None:
    # "the government targets" as a verb: the government is who acts, not who is attacked
    assert ("sector", "Government, Administration") not in targeted("The government targets tax evaders with a new law.")


def test_where_the_infections_are_is_a_victim() -> None:
    assert ("country", "CL") in targeted("Most infections are in Chile, with a few in Peru.")


def test_recipients_of_the_lures_are_targets() -> None:
    text = ("Since May, several Danish municipalities and two regional boards, which run hospitals, "
            "have received messages posing as the customs office.")
    assert {("country", "DK"), ("sector", "Government, Administration")} <= targeted(text)


def test_notification_mail_is_no_lure() -> None:
    text = "Customers in Chile received e-mails notifying them of the outage."
    assert ("country", "CL") not in targeted(text)


def test_a_spyware_on_the_phones_of_names_the_owners() -> None:
    assert {("country", "RS"), ("sector", "Journalist")} <= targeted("Analysts located the implant on the phones of Serbian reporters and editors.")


def test_a_victim_list_introduced_before_its_verb() -> None:
    text = ("Among the victims listed by prosecutors are two hospitals in Texas, a sheriff's office "
            "in Utah and several manufacturers in Ohio.")
    assert {("sector", "Health"), ("sector", "Police - Law enforcement"), ("sector", "Manufacturing")} <= targeted(text)


def test_a_victim_list_after_a_colon_on_one_line() -> None:
    text = "Victims included: a hospital in Peru, a bank in Chile and a shipping firm."
    assert {("sector", "Health"), ("country", "PE"), ("sector", "Bank"), ("country", "CL"), ("sector", "Shipping")} <= (
        targeted(text))


def test_a_victim_list_one_item_a_line_without_bullets() -> None:
    text = ("The crew breached the following organisations:\nNordvik Savings Bank\nthe port authority of Kesterby\n"
            "several hospitals in Norway\n\nThe rest of this note is about Sweden.\n")
    got = targeted(text)
    assert {("organization", "Nordvik Savings Bank"), ("sector", "Maritime"), ("sector", "Health"), ("country", "NO")} <= got
    assert ("country", "SE") not in got  # after the blank line the list is over


def test_a_bulleted_victim_list_ends_at_the_first_line_without_a_bullet() -> None:
    text = "The victims were:\n- schools in Peru\n- banks in Chile\nThen we moved on to Spain.\n"
    got = targeted(text)
    assert {("country", "PE"), ("country", "CL")} <= got
    assert ("country", "ES") not in got


def test_a_colon_list_of_indicators_names_no_victims() -> None:
    assert targeted("Indicators: servers in Latvia and a proxy in Estonia.") == set()


# --- retraction ---------------------------------------------------------------------------


def test_not_affected_is_no_victim() -> None:
    assert targeted("Schools in Texas were not affected by the outage.") == set()


def test_a_retraction_takes_back_an_earlier_victim_role() -> None:
    text = ("First reports put Fjordpay Bank among the companies hit by the crew. "
            "Fjordpay Bank was not affected, a spokesman said on Friday.")
    assert ("organization", "Fjordpay Bank") not in targeted(text)


def test_a_retraction_about_the_victims_own_unit_keeps_the_victim() -> None:
    text = "Hackers breached Acme Bank last week. Acme Bank's card systems were not affected."
    assert ("organization", "Acme Bank") in targeted(text)


# --- singular sector heads ----------------------------------------------------------------


def test_a_countable_sector_noun_heads_its_own_phrase() -> None:
    assert roles("The crew targeted a bank in Peru last spring.")[("sector", "Bank")] == {"target"}
    assert ("sector", "Academia - University") in found("Two lecturers at a small university opened the lure.")


def test_a_countable_sector_noun_modifying_another_noun_is_no_sector() -> None:
    assert ("sector", "Bank") not in found("She was asked to type her bank account number into the form.")


def test_a_generic_sector_word_with_a_singular_head_in_an_indefinite_phrase() -> None:
    assert ("sector", "Retail") in found("The mails went to two people working for a large retail organization.")


def test_a_description_of_a_named_service_is_no_sector() -> None:
    # "military intelligence agency" describes the service named before it
    text = "Hackers from Russia's GRU military intelligence agency tried to cut power to the city."
    assert ("sector", "Military") not in found(text)


def test_a_freight_forwarder_is_a_logistics_firm() -> None:
    assert ("sector", "Logistic") in targeted("Ransomware hit a freight forwarder in Rotterdam on Sunday.")


# --- other senses ---------------------------------------------------------------------------


def test_a_sector_word_in_a_code_identifier_is_no_sector() -> None:
    assert found("The loader calls player.Media.open() and then Energy(0) before it sleeps.") == set()


def test_media_attention_is_no_sector() -> None:
    assert found("The wiper drew a great deal of media attention last year.") == set()


def test_a_known_organisations_lab_is_no_sector() -> None:
    assert ("sector", "Research - Innovation") not in found("Fortinet Research Labs described the flaw in May.")


def test_non_nationality_speakers_are_no_place() -> None:
    text = "The lures were in Spanish for Spanish speakers, though non-Spanish speakers were hit too."
    spain = [t for t in extract_targets(text) if t.value == "ES"]
    assert [text[t.span.start - 4 : t.span.start] for t in spain] == ["for "]


def test_what_was_done_to_the_victims_machines_names_their_owner() -> None:
    assert {("sector", "Health"), ("country", "ES")} <= targeted("The gang encrypted the file servers at two hospitals in Spain.")
    assert ("sector", "Health") in targeted("Our hospital's network was accessed by an unauthorised party last week.")


def test_information_gathered_on_people_makes_them_targets() -> None:
    assert ("sector", "Activists") in targeted("The agent passed information on exiled activists in Berlin to his handlers.")


def test_a_peoples_dissidents_abroad_are_no_target_of_their_own_country() -> None:
    got = targeted("Hackers broke into the mailboxes of Iranian dissidents living in Canada.")
    assert {("sector", "Dissidents"), ("country", "CA")} <= got
    assert ("country", "IR") not in got


def test_a_subject_whose_work_an_attack_stopped_is_a_victim() -> None:
    got = targeted("Nordlys Ferries AS, a ferry operator based in Norway, cancelled its sailings on Monday after a ransomware attack.")
    assert {("organization", "Nordlys Ferries AS"), ("country", "NO")} <= got
    assert ("sector", "Education") in targeted("Hillview schools remain shut following a ransomware attack")


def test_an_attack_on_someone_else_leaves_the_subject_alone() -> None:
    got = targeted("Brightmoor Logistics Ltd halted its deliveries after the attack on Kestrel Bank.")
    assert ("organization", "Brightmoor Logistics Ltd") not in got


def test_the_owners_in_the_object_of_a_flood_of_traffic_are_targets() -> None:
    got = targeted("For months the crew has been flooding Nordic government and transport websites with bogus requests.")
    assert {("sector", "Government, Administration"), ("sector", "Transport")} <= got
    assert targeted("Floods in Pakistan knocked out several relay sites.") == set()


def test_fields_of_work_after_the_organisations_in_them_are_sectors() -> None:
    got = targeted("The intruders went after a few clients in government and defence in Canada.")
    assert {("sector", "Government, Administration"), ("sector", "Defense"), ("country", "CA")} <= got


def test_a_generic_sector_word_before_houses_exporters_and_websites() -> None:
    assert ("sector", "Semi-conductors") in targeted("The spies worked their way into the networks of three semiconductor design houses.")
    assert ("sector", "Agriculture") in found("Loading stopped at the terminal of an agricultural exporter in Odesa.")
    assert ("sector", "Hotels") in targeted("The actors went after transportation, hotel and military networks.")


# --- the writer's own notice ----------------------------------------------------------------


def test_a_name_with_its_legal_form_after_a_comma_heads_the_writers_notice() -> None:
    text = ("Pelham & Stroud Outfitters, Inc. (NASDAQ: PSO) - statement to investors\n\n"
            "Last Tuesday our operations team saw suspicious logins, and by Wednesday the intruders had "
            "encrypted files on part of our warehouse network.\n")
    assert ("organization", "Pelham & Stroud Outfitters, Inc.") in targeted(text)


def test_a_dotted_legal_form_is_part_of_the_name() -> None:
    assert ("organization", "Hollander Koeltransport B.V.") in found(
        "The claim concerns Hollander Koeltransport B.V., a haulier in Tilburg.")


def test_people_who_took_the_callers_calls_are_targets() -> None:
    got = targeted("Since June at least six clinics in Oregon have taken calls from people posing as their software supplier.")
    assert ("country", "US") in got


def test_whose_target_something_is_is_the_one_who_aims() -> None:
    assert ("sector", "Government, Administration") not in targeted(
        "Rogue hosting firms are now a frequent target of governments keen to disrupt extortion gangs.")


def test_the_state_its_critics_oppose_is_no_target() -> None:
    got = targeted("The contractor's staff also spied on a newspaper in Taiwan and on critics of Moscow living abroad.")
    assert ("country", "TW") in got and ("country", "RU") not in got


def test_a_demonym_taken_back_still_carries_the_list_on() -> None:
    got = targeted("The crew stole files from European ministries, shipping firms, Iranian dissidents and human rights groups.")
    assert ("sector", "Dissidents") in got and ("country", "IR") not in got
