"""A known actor name in parentheses right after another is the author's alias statement."""

from __future__ import annotations

from unmask.extract.actors import extract_actors


def _statements(text: str) -> list[tuple[tuple[str, ...], str]]:
    return [(s.names, s.relation) for s in extract_actors(text).alias_statements]


def test_parenthesised_known_name_is_an_alias_statement() -> None:
    text = "Two crews stood out this quarter: Winnti Group (APT41) and, later, APT10."
    assert (("Winnti Group", "APT41"), "same-as") in _statements(text)


def test_parenthesised_place_or_repeat_is_none() -> None:
    assert not _statements("Sightings of APT28 (Russia) rose while Lazarus (North Korea) went quiet.")
    assert not _statements("The report covers APT29 (APT29) once more.")
    # a parenthesis that goes on after the name is an aside, not a second name
    assert not _statements("Analysts watched Kimsuky (and APT37 too) all year.")


def _mentions(text: str) -> list[tuple[str, str, str]]:
    return [(m.actor_id, m.surface, m.method) for m in extract_actors(text).mentions]


def test_one_letter_slip_before_a_group_word() -> None:
    assert ("G0032", "Lazarous", "gazetteer+misspelt") in _mentions("Analysts tied the Lazarous group to the theft.")
    assert ("G0094", "Kimsukky", "gazetteer+misspelt") in _mentions("The Kimsukky actors mailed the lures.")


def test_slip_needs_the_group_word_and_a_long_name() -> None:
    assert not _mentions("Analysts tied Lazarous to the theft.")  # no group word after it
    assert not _mentions("The Harbour group met on Tuesday.")  # no actor name one letter away
    assert not _mentions("The APT29x group")  # too short and not a word slip
