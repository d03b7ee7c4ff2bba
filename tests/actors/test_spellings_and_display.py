"""The scanner finds every spelling the resolver reads, naming phrases give actor context,
and an actor is not displayed under a malware family's name."""

from __future__ import annotations

from unmask.extract.actors import extract_actors
from unmask.reference.actors import ActorSources, Cluster, build_actor_graph, resolve_actor

TA = "misp-galaxy:threat-actor"


def test_a_camel_case_name_written_as_two_words_is_found() -> None:
    resolved = resolve_actor("Saffron Rose")
    assert resolved is not None
    found = extract_actors("The Saffron Rose group sent lures to defence staff.").mentions
    assert [m.actor_id for m in found] == [resolved.id]
    assert found[0].surface == "Saffron Rose"


def test_the_two_word_spelling_in_lower_case_is_no_name() -> None:
    assert not extract_actors("She put saffron rose petals in the dish.").mentions


def test_two_ordinary_words_split_from_a_camel_name_need_context() -> None:
    # a name only one galaxy gives: capitals alone do not make it an actor
    assert not extract_actors("Saffron Rose is a colour of paint.").mentions


def test_a_naming_phrase_after_an_actor_noun_is_actor_context() -> None:
    text = "The vendor wrote about an Iran-based adversary they are calling Saffron Rose."
    assert [m.surface for m in extract_actors(text).mentions] == ["Saffron Rose"]
    text = "The crew has worked for years under the name Saffron Rose."
    assert [m.surface for m in extract_actors(text).mentions] == ["Saffron Rose"]


def test_a_naming_phrase_after_a_software_noun_is_not() -> None:
    assert not extract_actors("It is a backdoor they are calling Saffron Rose.").mentions


def _graph(families: frozenset[str]) -> dict[str, str]:
    sources = ActorSources(
        (
            Cluster(TA, "t1", "Grey Lantern", ("Grey Lantern", "TA990", "Ochre 4")),
            Cluster(TA, "t2", "Plain Heron", ("Plain Heron", "Heron Team")),
        ),
        families=families,
    )
    return {a.id: a.name for a in build_actor_graph(sources).actors.values()}


def test_an_actor_headed_by_a_malware_name_is_shown_by_another_name() -> None:
    names = _graph(frozenset({"greylantern"}))
    assert "Grey Lantern" not in names.values()
    assert "TA990" in names.values() and "Plain Heron" in names.values()
    assert set(_graph(frozenset())) == set(names)  # ids do not move


def test_without_family_names_the_galaxy_value_is_shown() -> None:
    assert "Grey Lantern" in _graph(frozenset()).values()


def test_shipped_group_named_after_its_malware_is_shown_by_its_actor_name() -> None:
    found = extract_actors("TA413 sent the emails.").mentions
    assert found and found[0].name == "TA413"


def _statement_names(text: str) -> list[tuple[str, ...]]:
    return [tuple(s.names) for s in extract_actors(text).alias_statements]


def test_a_name_given_with_an_or_is_an_alias_statement() -> None:
    text = "Analysts gave the group the name Rocket Kitten, or Velvet Kite."
    assert _statement_names(text) == [("Rocket Kitten", "Velvet Kite")]  # who names is no name


def test_names_under_which_a_group_operates_are_an_alias_statement() -> None:
    text = "Flying Kitten, operating under the names Velvet Kite and Grey Owl, phished staff."
    assert ("Velvet Kite", "Grey Owl") in _statement_names(text)


def test_a_file_stored_under_a_name_is_no_alias_statement() -> None:
    assert _statement_names("APT28 stored the file under the name svchost.exe, or svch0st.exe.") == []
