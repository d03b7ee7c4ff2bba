"""How much evidence a name needs, with and without the English lexicon."""

from __future__ import annotations

from unmask.reference.actor_names import _risk, normalize

ENGLISH = frozenset({"sea", "turtle", "silence", "zinc", "group", "lazarus"})


def test_risk_with_lexicon() -> None:
    assert _risk(["Kimsuky"], False, ENGLISH) == ("coined", False)
    assert _risk(["Sea Turtle"], False, ENGLISH) == ("word", False)
    assert _risk(["ZINC"], False, ENGLISH) == ("word", True)
    assert _risk(["RTM"], False, ENGLISH) == ("acronym", True)
    assert _risk(["Carbanak"], True, ENGLISH) == ("software", False)
    assert _risk(["Emerald Sleet"], False, ENGLISH) == ("coined", False)


def test_risk_without_lexicon_is_cautious() -> None:
    none: frozenset[str] = frozenset()
    assert _risk(["Sea Turtle"], False, none) == ("word", False)
    assert _risk(["Silence"], False, none) == ("word", False)
    assert _risk(["OilRig"], False, none) == ("coined", False)
    assert _risk(["APT43"], False, none) == ("coined", False)


def test_normal_form_keeps_offsets() -> None:
    text = "Kimsuky’s “APT-43”, été \U0001f600 TA406!"
    normal = normalize(text)
    assert len(normal) == len(text)
    assert normal.startswith("kimsuky s  apt 43")
