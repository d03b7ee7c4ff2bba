"""Actor mentions are never read from inside addresses, paths or field labels."""

from __future__ import annotations

import unmask


def _actors(text: str) -> list[str]:
    return [a.surface for a in unmask.analyze(text).actors]


def test_no_actor_from_a_mailbox_local_part() -> None:
    # "turla" in the local part of an address is the mailbox's name, not the group
    assert _actors("The domains were registered with the address mark.turla@example.com.") == []
    assert _actors("Turla registered the domains with the address mark.turla@example.com.") == ["Turla"]


def test_no_actor_from_a_path_or_a_link_target() -> None:
    assert _actors(r"The tool drops C:\Users\Public\Sandworm\run.bat on the host.") == []
    assert _actors("Background in [the vendor's post](https://example.org/blog/apt28-notes).") == []
    assert _actors("Background in [the APT28 notes](https://example.org/blog/x).") == ["APT28"]


def test_a_record_value_stays_prose() -> None:
    # the labels of a record block are opaque, the values are not
    assert _actors("Attributed Group: APT28\nFirst seen: 2021-02-01\n") == ["APT28"]
