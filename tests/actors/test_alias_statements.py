"""Alias statements learned from the text, including names the reference data lacks."""

from __future__ import annotations

import pytest

from unmask.extract.actors import extract_actors
from unmask.reference.actors import load_actor_graph

SEED_SENTENCE = (
    "The group, tracked variously as Kimsuky, APT43, Emerald Sleet, Velvet Chollima, TA406 "
    "and Black Banshee, has targeted think tanks for a decade. Later, Black Banshee sent lures."
)


def test_tracked_variously_as() -> None:
    findings = extract_actors(SEED_SENTENCE)
    [statement] = findings.alias_statements
    assert statement.names == ("Kimsuky", "APT43", "Emerald Sleet", "Velvet Chollima", "TA406", "Black Banshee")
    assert statement.actor_id == "G0094"
    assert statement.relation == "same-as"
    assert {m.actor_id for m in findings.mentions} == {"G0094"}


@pytest.mark.parametrize("removed", ["Black Banshee", "Velvet Chollima", "TA406"])
def test_a_name_missing_from_the_graph_is_learned_from_the_statement(removed: str) -> None:
    graph = load_actor_graph().without(removed)
    assert graph.resolve(removed) is None
    findings = extract_actors(SEED_SENTENCE, graph=graph)
    [statement] = findings.alias_statements
    assert statement.actor_id == "G0094"
    learned = [m for m in findings.mentions if m.surface == removed]
    assert learned, "the removed name is still found, through the statement"
    assert all(m.actor_id == "G0094" and m.method == "alias-statement" for m in learned)
    [summary] = findings.summary
    assert summary["id"] == "G0094"
    assert removed in summary["learned_aliases"]
    assert removed in summary["names_used"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("APT28 (aka Sofacy, Fancy Bear) phished ministries.", ("APT28", "Sofacy", "Fancy Bear")),
        ("TA453 (a.k.a. Charming Kitten) sent lures.", ("TA453", "Charming Kitten")),
        ("Lazarus, also known as HIDDEN COBRA, stole funds.", ("Lazarus", "HIDDEN COBRA")),
        ("Gamma Lynx, which Microsoft tracks as Emerald Sleet, hit banks.", ("Gamma Lynx", "Emerald Sleet")),
    ],
)
def test_statement_forms(text: str, names: tuple[str, ...]) -> None:
    [statement] = extract_actors(text).alias_statements
    assert statement.names == names
    assert statement.relation == "same-as"


def test_unknown_actor_learned_through_a_known_one() -> None:
    text = "Kimsuky, which Microsoft tracks as Storm-9999, sent lures. Storm-9999 used GoBear."
    findings = extract_actors(text)
    storm = [m for m in findings.mentions if m.surface == "Storm-9999"]
    assert len(storm) == 2 and {m.actor_id for m in storm} == {"G0094"}


def test_overlaps_is_not_identity() -> None:
    text = "Ember Bear overlaps with Saint Bear, but the two are tracked apart."
    findings = extract_actors(text)
    [statement] = findings.alias_statements
    assert statement.relation == "overlaps" and statement.actor_id is None
    assert statement.names == ("Ember Bear", "Saint Bear")
    ids = {m.surface: m.actor_id for m in findings.mentions}
    assert ids == {"Ember Bear": "G1003", "Saint Bear": "G1031"}


def test_vague_overlap_makes_no_statement() -> None:
    text = "Ember Bear overlaps with another Russian-linked entity referred to as Saint Bear."
    findings = extract_actors(text)
    assert all(s.relation != "same-as" for s in findings.alias_statements)
    ids = {m.surface: m.actor_id for m in findings.mentions}
    assert ids == {"Ember Bear": "G1003", "Saint Bear": "G1031"}


def test_software_aliases_do_not_make_actors() -> None:
    text = "TA459 has used a Gh0st variant known as PCrat/Gh0st."
    findings = extract_actors(text)
    assert [m.surface for m in findings.mentions] == ["TA459"]


def test_statements_far_from_any_actor_name_are_not_read() -> None:
    # nothing here is a known actor: the statement could teach nothing, so it is skipped
    assert extract_actors("The loader, also known as Bazar or Team9, spread fast.").alias_statements == ()
