"""Targets are never read from inside addresses, paths or field labels (the structure's opaque spans)."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def _targets(text: str) -> list[tuple[str, str, str]]:
    return [(t.role, t.kind, t.value) for t in extract_targets(text)]


def test_no_organisation_from_a_path() -> None:
    assert _targets(r"The loader copies itself to %APPDATA%\Microsoft\Crypto\svc.exe and runs it.") == []


def test_no_organisation_from_a_record_label() -> None:
    assert _targets("Registrant Name: jane roe\nRegistrant Organization: jane roe\n") == []


def test_no_sector_from_a_link_target_but_from_its_text() -> None:
    assert _targets("More in [this post](https://example.org/media/water-utilities/alert).") == []
    assert _targets("The crew hit [two banks](https://example.org/a/b) in March.") == [("target", "sector", "Bank")]


def test_a_domain_names_no_party() -> None:
    assert _targets("Beacons went to telecom-update.example.net every hour.") == []
    found = _targets("The attackers breached telecom providers via telecom-update.example.net.")
    assert found == [("target", "sector", "Telecoms")]
