"""Attribution: sponsors, sponsor countries and motivations, linked to actors."""

from __future__ import annotations

from unmask.extract.targets import extract_attributions
from unmask.model import ActorMention, Span


def _actor(text: str, surface: str, actor_id: str, nth: int = 0) -> ActorMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return ActorMention(actor_id, surface, surface, Span(start, start + len(surface)), "gazetteer", 1.0)


def test_sponsor_service_and_country_linked_to_actor_in_sentence() -> None:
    text = (
        "Kimsuky has been operating since at least 2012 and works under the umbrella of "
        "North Korea's Reconnaissance General Bureau (RGB)."
    )
    found = {(a.kind, a.value): a for a in extract_attributions(text, actors=[_actor(text, "Kimsuky", "G0094")])}
    sponsor = found[("sponsor", "Reconnaissance General Bureau")]
    assert sponsor.actor_ids == ("G0094",)
    assert text[sponsor.span.start : sponsor.span.end] == sponsor.surface
    assert found[("country", "KP")].actor_ids == ("G0094",)


def test_motivations_link_to_the_actor_of_the_previous_sentence() -> None:
    text = (
        "APT38 is a North Korean group.\n\n"
        "The group is financially motivated and steals cryptocurrency to fund the regime. "
        "Lazarus, by contrast, is known for destructive attacks."
    )
    actors = [_actor(text, "APT38", "G0082"), _actor(text, "Lazarus", "G0032")]
    found = {(a.kind, a.value): a for a in extract_attributions(text, actors=actors)}
    assert found[("motivation", "financial-gain")].actor_ids == ("G0082",)
    assert found[("motivation", "destruction")].actor_ids == ("G0032",)


def test_motivation_kinds() -> None:
    # A motive is stated ("an espionage group", "hacktivist") or an act stands in a frame of
    # purpose ("to steal information", "aimed at sabotage").
    text = (
        "The espionage group sent lures to steal sensitive information. The hacktivist persona defaced sites. "
        "A second wave was aimed at sabotage of the plant."
    )
    values = {a.value for a in extract_attributions(text) if a.kind == "motivation"}
    assert values == {"espionage", "hacktivism", "destruction"}


def test_a_deed_described_is_no_stated_motive() -> None:
    # A deed, a malware type, a charge or a heading names no motive (issue 17, blind7 errors).
    text = (
        "Espionage roundup.\n\nA spying operation ran inside the ministry for a year. "
        "A wiper called GrainMill erased the disks. The group has been behind some of the most destructive attacks "
        "of the decade. He pleaded guilty to conspiracy to commit computer fraud and extortion. "
        "The theft of crypto-assets worth 9 million euros was made public on Monday."
    )
    assert not [a for a in extract_attributions(text) if a.kind == "motivation"]


def test_negated_motive_is_not_a_motivation() -> None:
    text = "Unlike typical espionage operations, the attacks aimed at disruption."
    assert not [a for a in extract_attributions(text) if a.value == "espionage"]


def test_speaking_service_is_not_a_sponsor() -> None:
    text = "Poland's military counterintelligence service said the SVR ran the operation."
    found = {(a.kind, a.value) for a in extract_attributions(text)}
    assert ("country", "PL") not in found
    assert ("sponsor", "Foreign Intelligence Service (Russia)") in found
    assert ("country", "RU") in found


def test_one_attribution_per_value_with_merged_actors() -> None:
    text = "APT28 works for the GRU. Sandworm also works for the GRU."
    actors = [_actor(text, "APT28", "G0007"), _actor(text, "Sandworm", "G0034")]
    gru = [a for a in extract_attributions(text, actors=actors) if a.kind == "sponsor"]
    assert len(gru) == 1
    assert gru[0].actor_ids == ("G0007", "G0034")


def test_state_compounds_and_behind_clauses_name_sponsors_and_pro_does_not() -> None:
    # Issue 17 classes (blind7 errors), sentences written for the test.
    def sponsors(text: str) -> set[tuple[str, str]]:
        return {(a.kind, a.value) for a in extract_attributions(text) if a.kind != "motivation"}

    assert ("country", "CN") in sponsors("A China-nexus crew sat inside the shipyard's mail servers for months.\n")
    assert ("country", "IR") in sponsors("Investigators blamed Iran-backed hackers for the outage.\n")
    found = sponsors("It took a year to say so in public: Russia's military intelligence service, the GRU, was behind it.\n")
    assert {("country", "RU"), ("sponsor", "GRU")} <= found
    # Siding with a state is not being run by it; a speaker is no sponsor of what it attributes.
    assert ("country", "RU") not in sponsors("A pro-Russian hacktivist collective flooded the port's website.\n")
    assert ("country", "US") not in sponsors("The U.S.-backed coalition said the outage was over.\n")
