"""A sector is what is attacked, never who backs an attack (an analyst's read of a real
blog post, session 10): the sponsor cues ("tied to", "linked to") that name a state or a
service behind a group name, after a sector, the systems sold or attacked."""

from __future__ import annotations

from unmask.extract.targets import extract_targets


def _roles(text: str) -> set[tuple[str, str, str]]:
    return {(t.role, t.kind, t.value) for t in extract_targets(text)}


def test_a_sector_after_a_sponsor_cue_is_no_sponsor() -> None:
    found = _roles("Criminal actors offered access to control systems tied to water treatment plants.")
    assert ("sponsor", "sector", "Water") not in found
    assert ("target", "sector", "Water") in found


def test_a_service_after_the_same_cue_still_is() -> None:
    found = _roles("The crew, linked to the Kremlin, hit two regional hospitals in the spring.")
    assert ("sponsor", "organization", "Kremlin") in found
