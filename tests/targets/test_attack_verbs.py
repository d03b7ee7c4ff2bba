"""Deeds that name victims beyond "targeted" and "breached" (issue 17, class 3): damage
("crippled", "paralysed", "switched off"), social engineering by telephone ("phoned the help
desks at"), the recipients of lures, and a first-person writer who names only the kind of
place they work at. Every sentence here is written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_damage_verbs_name_victims() -> None:
    found = victims("The wiper crippled a Finnish shipping company and logistics firms within a day.\n")
    assert {("sector", "Shipping"), ("sector", "Logistic"), ("country", "FI")} <= found
    assert ("sector", "Transport") in victims("The worm paralysed transport companies in Chile.\n")


def test_telephone_lures_name_victims() -> None:
    found = victims("The callers phoned the help desks at insurers in Ireland, posing as staff.\n")
    assert {("sector", "Insurance"), ("country", "IE")} <= found
    assert ("sector", "Casino") in victims("He also took part in calls to casino operators in Macau.\n")


def test_the_recipients_of_lures_but_not_whom_they_advise() -> None:
    found = victims("The recipients work at think tanks in Lima that advise the government on trade.\n")
    assert {("sector", "Think Tanks"), ("country", "PE")} <= found
    assert ("sector", "Government, Administration") not in found


def test_a_victim_that_stops_its_own_systems_is_not_a_target_of_them() -> None:
    text = "Ransomware hit the brewer on Sunday; as a precaution the company shut down all IT systems.\n"
    assert ("sector", "IT") not in victims(text)


def test_a_first_person_writer_names_the_kind_of_place_they_work_at() -> None:
    text = (
        "I'm the only sysadmin at a small law firm in Graz. Last Tuesday we got hit by ransomware overnight,\n"
        "and this is what I learned.\n"
    )
    assert {("sector", "Legal"), ("country", "AT")} <= victims(text)


def test_an_intruders_stay_names_its_victim() -> None:
    text = "Finland has blamed a foreign service for an operation that ran inside its foreign ministry for a year.\n"
    found = victims(text)
    assert {("country", "FI"), ("sector", "Diplomacy")} <= found
    found = victims("Nine months inside Halvard Freight: how the intruders stayed hidden\n")
    assert ("organization", "Halvard Freight") in found


def test_a_span_of_places_after_a_target() -> None:
    text = "The wiper knocked payment terminals offline across Europe, from Portugal to Latvia.\n"
    assert {("region", "europe"), ("country", "PT"), ("country", "LV")} <= victims(text)


def test_a_new_clause_with_a_pronoun_ends_a_cue() -> None:
    text = "The crew has been living inside backbone routers since 2022, and it names two Indian firms as suppliers.\n"
    assert ("country", "IN") not in victims(text)
