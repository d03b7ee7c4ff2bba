"""An "@" written after a blank and straight before a host, after a lower-case English
word, names a mail domain in prose ("came from @webmail.example addresses"), not a
mailbox; spaced defang marks after a name, and "me @ host" with blanks on both sides,
stay addresses (analyst audit s11, C3)."""

from __future__ import annotations

import pytest

from unmask.extract.observables import extract_observables


def _found(text: str) -> set[tuple[str, str]]:
    return {(o.type, o.value) for o in extract_observables(text)}


@pytest.mark.parametrize("text", [
    "Most of the lures came from @drop-mail.example.net addresses last spring.",
    "Several analysts @drop-mail.example.net were copied.",  # a plural word
])
def test_a_word_before_a_spaced_at_is_prose(text: str) -> None:
    found = _found(text)
    assert not any(kind == "email" for kind, _ in found)
    assert ("domain", "drop-mail.example.net") in found


@pytest.mark.parametrize(("text", "mailbox"), [
    ("The stealer mailed its logs to kx7drop @drop-mail.example.net every hour.", "kx7drop@drop-mail.example.net"),
    ("Reports went to ops @ drop-mail.example.net at night.", "ops@drop-mail.example.net"),
    ("Replies went to from@drop-mail.example.net instead.", "from@drop-mail.example.net"),
])
def test_mailboxes_stay_mailboxes(text: str, mailbox: str) -> None:
    assert ("email", mailbox) in _found(text)
