"""Victim organisations found from the text's own cues (issue 17, class 1): a name the text
defines as its writer, a signature's employer, a name before "-based", a name joined by "&",
and a subject organisation whose own systems ("its network") are what was attacked.
Every sentence here is written for the test."""

from __future__ import annotations

from pathlib import Path

from unmask.extract.targets import extract_targets

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "target_classes"


def victims(text: str) -> set[tuple[str, str]]:
    return {(t.kind, t.value) for t in extract_targets(text) if t.role in ("target", "victim")}


def organisations(text: str) -> set[str]:
    return {t.value for t in extract_targets(text) if t.kind == "organization"}


def test_a_filing_defines_its_writer_and_the_writer_is_the_victim() -> None:
    text = (FIXTURES / "filing-defined-company.txt").read_text(encoding="utf-8")
    assert ("organization", "Quillfeather Pumps") in victims(text)


def test_a_letter_names_its_shop_with_an_ampersand_and_once_with_its_legal_form() -> None:
    text = (FIXTURES / "shop-letter-signature.txt").read_text(encoding="utf-8")
    # One organisation, written bare in the letter and with "Ltd" in the signature.
    assert organisations(text) == {"Marsh & Tolley Bikes"}
    assert ("organization", "Marsh & Tolley Bikes") in victims(text)


def test_a_name_after_the_place_it_is_based_in() -> None:
    text = "The Tallinn-based Kivisaar confirmed that an intruder broke into its mail servers in June.\n"
    found = victims(text)
    assert ("organization", "Kivisaar") in found
    assert ("country", "EE") in found


def test_the_subject_whose_own_systems_were_hit_is_the_victim() -> None:
    text = "Brackwater Community Trust is running on paper because intruders encrypted its booking system overnight.\n"
    assert ("organization", "Brackwater Community Trust") in victims(text)
    # ... but not the one whose customers were hit, nor one that helped.
    text = "Halcyon Analytics Group said the gang had breached its customers' mail servers.\n"
    assert ("organization", "Halcyon Analytics Group") not in victims(text)
    text = "Orrin Security Institute said its staff had helped a county council once intruders got into its network.\n"
    assert ("organization", "Orrin Security Institute") not in victims(text)


def test_a_letterhead_in_capitals_names_its_writer_and_its_head_noun_refers_back() -> None:
    text = (FIXTURES / "caps-letterhead-minutes.txt").read_text(encoding="utf-8")
    found = victims(text)
    assert ("organization", "Briarwood County Library Trust") in found
    assert ("country", "US") in found


def test_a_victims_name_gives_its_sector_by_its_head() -> None:
    text = "The Port of Kessund says a crew broke into its customs platform in March.\n"
    assert ("sector", "Maritime") in victims(text)
    text = "Hackers breached Dravia Telecom, a mobile operator.\n"
    assert ("sector", "Telecoms") in victims(text)
