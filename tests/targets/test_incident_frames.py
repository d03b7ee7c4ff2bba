"""Incident frames (issue 17): a party in the patient slot of a harm word is the victim,
however the clause is built - the object of an active verb, the subject of a passive or
of a verb it undergoes, the antecedent of a relative clause, a list under a lead-in, a
possessor; organisations named with no head word are found in those slots. Every
sentence here is written for this test."""

from __future__ import annotations

from unmask.extract.incident_frames import patient_regions
from unmask.extract.targets import extract_targets


def targeted(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def regions(text: str) -> list[tuple[str, str]]:
    return [(r.slot, text[r.start : r.end].strip(" ,")) for r in patient_regions(text, 0, len(text))]


def test_the_slots_of_a_harm_word() -> None:
    assert ("subject", "Two bakeries in the valley") in regions("Two bakeries in the valley were also hit.")
    assert ("object", "the payroll servers at a sawmill") in regions("Intruders wiped the payroll servers at a sawmill.")
    assert ("subject", "A haulier") in regions("A haulier, which was breached in June, has reopened.")
    assert ("subject", "The dairy") in regions("The dairy lost nearly a million euros.")
    assert ("owner", "A regional grocer") in regions("A regional grocer said thieves had drained its gift-card balances.")
    # the agent after "by" and a new clause after the object are no part of the patient
    assert regions("The ministry was hit by Corvex, officials said.") == [("subject", "The ministry")]
    assert regions("The crew breached a port, the agency said.") == [("object", "a port")]


def test_no_frame_where_no_harm_is_told() -> None:
    assert regions("The bakery was not affected.") == []
    assert regions("We found no evidence that the crew targeted banks.") == []
    assert regions("The gang could hit more ports.") == []
    assert regions("Further attacks on ports are likely.") == []
    assert regions("The attacks fit a wider pattern.") == []  # a noun, no object
    assert regions("Police shut down the forum on Friday.") == []  # a takedown, no victim


def test_names_with_no_head_word_in_a_patient_slot() -> None:
    assert {("organization", "Ostrander Mills"), ("organization", "Quillby Tiles")} <= targeted(
        "Ostrander Mills and Quillby Tiles were also hit.\n")
    assert ("organization", "Brightwater Dental Partners") in targeted(
        "The gang encrypted file shares at Brightwater Dental Partners on Saturday.\n")
    assert ("organization", "Fernhill Title & Escrow") in targeted(
        "Records stolen from Fernhill Title & Escrow turned up on a forum.\n")
    assert ("organization", "Castellan Aerospace") in targeted("Castellan Aerospace's mail servers were encrypted.\n")
    assert ("organization", "Wexley Ferries") in targeted("Hackers knocked the booking portal of Wexley Ferries offline.\n")


def test_a_list_of_names_under_a_harm_lead_in() -> None:
    text = "The wiper hit these firms:\nHollins Brothers\nMardale Foods\nPenbury Packaging\n"
    assert {("organization", "Hollins Brothers"), ("organization", "Mardale Foods"),
            ("organization", "Penbury Packaging")} <= targeted(text)


def test_the_victims_places_in_its_patient_slot() -> None:
    # a victim's seat, and the places after the harmed noun
    found = targeted("Velmar Shipping, a tanker operator based in Gothenburg, lost the biggest sum.\n")
    assert {("organization", "Velmar Shipping"), ("country", "SE")} <= found
    found = targeted("The outage grounded flights and disrupted check-in at airports in Finland, Estonia and Latvia.\n")
    assert {("country", "FI"), ("country", "EE"), ("country", "LV")} <= found


def test_smaller_cities_where_the_sentence_reads_a_place() -> None:
    assert ("country", "CY") in targeted("A shipping agency in Limassol was hit by ransomware.\n")
    assert ("country", "GR") in targeted("A ferry operator in Piraeus had its ticket system encrypted.\n")
    assert ("country", "IE") in targeted("A small hospital in Cork was knocked offline.\n")
    # no place slot, no town: a word of a name stays one
    assert ("country", "CY") not in {(t.kind, t.value) for t in extract_targets("Limassol Holdings was hit.\n")}


def test_what_the_frame_does_not_make_a_victim() -> None:
    # a speaker after a comma, a person, a product, a malware name
    found = targeted("The crew breached Harwick Plastics, Ellory Labs said.\n")
    assert ("organization", "Harwick Plastics") in found and ("organization", "Ellory Labs") not in found
    assert not any(kind == "organization" for kind, _ in targeted("Attackers phished John Marley, the firm's finance chief.\n"))
    assert ("organization", "Mill Lane") not in targeted("Thieves hit a shop on Mill Lane.\n")
    # a correction that retracts a victim
    text = "Early reports said Dunmore Bakeries was hit. Dunmore Bakeries was not affected, its owner said.\n"
    assert ("organization", "Dunmore Bakeries") not in targeted(text)
    # the people of a state who oppose it are no victim state
    assert ("country", "IR") not in targeted("The crew stole files from shipping firms and Iranian dissidents.\n")


def test_more_shapes_of_the_patient() -> None:
    # a thing of theirs harmed with no possessive: "had mailboxes taken over"
    found = targeted("Two practices in our street, Alder Quay Dentists and Morrow Physio, had inboxes taken over in May.\n")
    assert {("organization", "Alder Quay Dentists"), ("organization", "Morrow Physio")} <= found
    # a count of victims that names them
    found = targeted("Victims in the county included Brisco Family Clinic and the Township of Ellery.\n")
    assert {("organization", "Brisco Family Clinic"), ("organization", "Township of Ellery")} <= found
    # a pronoun subject: the speaker before it is the party
    assert ("organization", "Nordair") in targeted("Nordair, which runs two regional airports, says it was also affected.\n")
    # a state of outage
    found = targeted("Ticket machines at stations in Austria and Slovenia have been down since dawn.\n")
    assert {("country", "AT"), ("country", "SI")} <= found
    # a verb joined to an earlier one keeps the earlier subject: the helper told is no victim
    assert ("organization", "Data Protection Office") not in targeted(
        "We told the Data Protection Office and reported the breach on Friday.\n")


def test_lists_under_headings_and_questions() -> None:
    text = "Victims so far\n- Tamsin Logistics, a parcel carrier in Leeds\n- the records office of a county council\n"
    assert {("organization", "Tamsin Logistics"), ("country", "GB")} <= targeted(text)
    text = ("Which labs were hit?\nTwo research groups:\nCorran Institute for Marine Studies\n"
            "Belling Centre for Sleep Research\n")
    found = targeted(text)
    assert {("organization", "Corran Institute for Marine Studies"), ("organization", "Belling Centre for Sleep Research")} <= found
    # a heading that names no victim opens no list
    text = "1. A forum taken down\nOn Monday police in Austria closed the forum, which sold stolen cards.\n"
    assert ("country", "AT") not in targeted(text)


def test_business_nouns_name_a_victims_sector() -> None:
    found = targeted("Pellow Securities, a Dublin-based online stockbroker, said intruders had copied client files.\n")
    assert {("organization", "Pellow Securities"), ("sector", "Finance"), ("country", "IE")} <= found
    assert ("sector", "Logistic") in targeted("A haulier in Kent was hit by ransomware last week.\n")
    assert ("sector", "Veterinary") in targeted("The gang encrypted the records of a veterinary chain.\n")
    # capitalised at the end of a name, the noun is the name's
    found = targeted("Hackers breached Brisco Family Clinic in March.\n")
    assert ("organization", "Brisco Family Clinic") in found


def test_the_text_speaks_for_its_victim() -> None:
    # a post's employer, named with no head word, is the victim of "our ... went dark"
    text = ("Ines Varga - CISO at Lindqvist Cargo Lines\n\nLast month our Malmo depot went dark for two days after "
            "ransomware reached the yard systems.\n")
    assert ("organization", "Lindqvist Cargo Lines") in targeted(text)
    # a letterhead under a title, named again by its head noun in a patient slot
    text = ("Service status and questions\n\nBranwell College | Library Services\n\n"
            "Loan records of the college were encrypted on Monday.\n")
    assert ("organization", "Branwell College") in targeted(text)
    # a relative clause's subject after the object is no patient
    assert ("country", "RU") not in targeted("The crew copied blueprints Moscow could not license.\n")


def test_hostile_input_stays_linear() -> None:
    import time

    for text in ("Victims hit so far\n" * 4000, "The crew hit " + "Ashby Mills and " * 3000 + "others.\n",
                 "hit " * 8000 + "\n", "No evidence " + "that the crew hit " * 2000 + "\n"):
        started = time.perf_counter()
        extract_targets(text)
        assert time.perf_counter() - started < 20


def test_an_interviews_answer_to_who_was_hit() -> None:
    text = ("Q: Which companies did the crew go after in the spring?\n\n"
            "A: Mostly freight forwarders in Belgium, and one insurer, Harlan Mutual.\n")
    found = targeted(text)
    assert {("sector", "Logistic"), ("country", "BE")} <= found
    text = "Who were the victims?\nTwo dairies in Wales and a charity in Leeds.\n"
    assert {("country", "GB"), ("sector", "Non-profit organisation")} <= targeted(text)
    # an answer that names no victim gives none
    text = "Which firms were affected?\nWe cannot say yet; police in Austria are still checking.\n"
    assert ("country", "AT") not in targeted(text)


def test_a_relative_that_before_the_verb_is_no_determiner() -> None:
    # "pages that emptied the accounts of ...": "that" opens a clause, the object runs on
    text = "They ran fake pages that emptied the savings of clients of Farrowby Capital and two other lenders.\n"
    assert ("organization", "Farrowby Capital") in targeted(text)


def test_taken_as_stolen_in_the_passive() -> None:
    assert ("country", "NL") in targeted("Payroll files of a bakery chain in the Netherlands were taken.\n")
    assert ("country", "NL") not in targeted("The case was taken to a court in the Netherlands.\n")


def test_a_penalty_or_a_sanctioning_subject_is_no_harm() -> None:
    # review of eb1b6bc: "hit X with charges" punishes X; "Treasury targets X" sanctions X
    assert ("country", "NG") not in targeted("Prosecutors hit two Nigerian men with fraud charges.")
    assert ("country", "IR") not in targeted("Treasury targets Iranian engineers behind the sabotage of pumps")
    # the harm verbs still read harm done with a tool, and a body that only reports it
    assert ("country", "DK") in targeted("Hackers hit Danish ports with a flood of traffic.")
    assert ("country", "KE") in targeted("The State Department said Chinese hackers targeted its embassies in Kenya.")
