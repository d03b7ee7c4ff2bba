"""Deeds that name victims beyond "targeted" and "breached" (issue 17, class 3): damage
("crippled", "paralysed"), social engineering by telephone ("rang the service desks at"),
the recipients of lures, an intruder's stay ("lurked inside"), a span of places, and a
first-person writer who names only the kind of place they work at. Every sentence here is
written for the test."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def test_damage_verbs_name_victims() -> None:
    found = victims("Within a day the wiper had crippled ferry bookings at a Finnish shipping company.\n")
    assert {("sector", "Shipping"), ("country", "FI")} <= found
    assert ("sector", "Transport") in victims("The worm paralysed transport companies in Chile.\n")


def test_telephone_lures_name_victims() -> None:
    found = victims("Pretending to be locked-out managers, the gang rang service desks at insurers in Ireland.\n")
    assert {("sector", "Insurance"), ("country", "IE")} <= found
    assert ("sector", "Casino") in victims("In June came voice-phishing calls to the casino operators of Macau.\n")


def test_the_recipients_of_lures_but_not_whom_they_advise() -> None:
    found = victims("The lure recipients were analysts at think tanks in Lima that advise the government.\n")
    assert {("sector", "Think Tanks"), ("country", "PE")} <= found
    assert ("sector", "Government, Administration") not in found


def test_a_first_person_writer_names_the_kind_of_place_they_work_at() -> None:
    text = (
        "Posting from a throwaway. I work for a small law firm in Graz as its whole IT department.\n"
        "We got hit by ransomware on Tuesday and this is what I learned.\n"
    )
    assert {("sector", "Legal"), ("country", "AT")} <= victims(text)


def test_an_intruders_stay_names_its_victim() -> None:
    text = "Finland says an overseas crew stayed hidden inside its foreign ministry until the autumn.\n"
    assert {("country", "FI"), ("sector", "Diplomacy")} <= victims(text)
    found = victims("Intruders spent weeks inside Halvard Freight before anyone noticed.\n")
    assert ("organization", "Halvard Freight") in found


def test_a_span_of_places_after_a_target() -> None:
    text = "Outages hit card terminals at retailers in Europe, from Portugal to Latvia.\n"
    assert {("region", "europe"), ("country", "PT"), ("country", "LV")} <= victims(text)


def test_a_new_clause_with_a_pronoun_ends_a_cue() -> None:
    text = "The implant sat inside edge routers for months, and it lists two Indian firms as its makers.\n"
    assert ("country", "IN") not in victims(text)
