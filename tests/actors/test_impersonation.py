"""A name worn as a mask is named, not the actor: extortion letters signed with a famous
group's name, false flags, copycats (the pipeline leaves them out of the findings)."""

from __future__ import annotations

import pytest

import unmask
from unmask.extract.actors import extract_actors, find_actors


@pytest.mark.parametrize("text, masked", [
    ("Extortionists posing as the notorious group “Lazarus Group” wrote to a bank.", ["Lazarus Group"]),
    ("The senders claimed to represent the Russian hacker group Fancy Bear.", ["Fancy Bear"]),
    ("Letters claiming to be from members of Fancy Bear and Lazarus Group arrived.", ["Fancy Bear", "Lazarus Group"]),
    ("The wiper carried false flags pointing to Lazarus Group.", ["Lazarus Group"]),
    ("A crew pretending to be APT28 demanded bitcoin.", ["APT28"]),
    ("The site was run by a copycat of Kimsuky, researchers said.", ["Kimsuky"]),
])
def test_masked_names_are_skipped_with_the_reason(text: str, masked: list[str]) -> None:
    found = extract_actors(text)
    assert [m.surface for m in found.impersonated] == masked
    assert not found.mentions and not found.summary
    assert all(s.reason.startswith("impersonated:") for s in found.skipped)
    # still named: find_actors lists every actor the text names
    assert [m.surface for m in find_actors(text)] == masked


@pytest.mark.parametrize("text", [
    "Kimsuky, posing as journalists, sent e-mails to researchers.",
    "Killnet claimed to be behind the outage at the airports.",
    "APT28 impersonated a news site in 2015.",
    "Emails posing as invitations from a university came from servers Kimsuky rented last year.",
])
def test_the_actor_who_wears_a_mask_is_still_the_actor(text: str) -> None:
    found = extract_actors(text)
    assert found.mentions and not found.impersonated


def test_the_pipeline_leaves_masked_names_out_of_every_finding() -> None:
    text = ("Bank warned of ransom letters\n\nPublished 3 March 2025\n\n"
            "A gang posing as Lazarus Group told the bank in Oslo to pay 20 bitcoin by Friday "
            "or face a DDoS attack. The same week, Kimsuky sent spearphishing e-mails to think tanks.")
    analysis = unmask.analyze(text)
    assert {m.actor_id for m in analysis.actors} == {"G0094"}
    assert [s["id"] for s in analysis.actor_summary] == ["G0094"]
    assert all("G0032" not in e.actor_ids for e in analysis.events)
    assert all("G0032" not in a.actor_ids for a in analysis.attributions)
    assert [s.surface for s in analysis.skipped if s.stage == "actors"] == ["Lazarus Group"]


def test_the_mask_rule_is_linear_on_runs_of_dashes_and_quotes() -> None:
    import time

    for filler in ("-" * 5000, "'’-" * 2000, "- " * 3000):
        text = f"A gang posing as {filler} APT28 wrote to the bank."
        started = time.process_time()
        extract_actors(text)
        assert time.process_time() - started < 1.0, filler[:6]
