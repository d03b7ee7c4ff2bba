"""The message-id-ratware signal (issue 23): a Message-ID in the shape Outlook and
Outlook Express write (a 4-digit counter and the FILETIME of sending, two more groups,
the host) whose timestamp part no such program wrote - bulk-mail tools copied the shape
with random hex digits. Real ones of every decade stay unmarked."""

from __future__ import annotations

from tests.defend.test_triage import mail, names, run
from unmask.defend.triage_rules import WEIGHTS


def with_id(message_id: str) -> bytes:
    return mail("Our spring catalogue is out.", sender="Shop <news@garden-tools.example>",
                headers=(f"Message-ID: {message_id}",))


def test_weight_is_in_the_one_table() -> None:
    assert WEIGHTS["message-id-ratware"] == 1.0


def test_random_digits_in_outlooks_shape_are_marked() -> None:
    for forged in ("<5a1f9c03be7d$0c44a1e2$91d3aa07@qwzkp>", "<00aa7e31c9f2$11223344$aabbccdd@HOME-PC>",
                   "<FFFF4B2D0E9A$6D1E2F30$0A0B0C0D@mail.example.net>"):
        found = run(with_id(forged))
        assert "message-id-ratware" in names(found), forged
        signal = next(s for s in found.signals if s.name == "message-id-ratware")
        assert signal.category == "header" and signal.evidence[0].where == "message-id"
        assert "timestamp" in signal.explanation


def test_ids_real_outlook_wrote_are_not_marked() -> None:
    for genuine in ("<000c01bf8e2a$5e1c9b40$0201a8c0@desk>",   # 2000, Outlook 98
                    "<004a01c3d7e1$a0b1c2d0$6500a8c0@LAPTOP>",  # 2004, Outlook Express
                    "<001f01da51b2$7c3e9a10$74bbcf30$@studio.example>",  # 2024, Outlook 16
                    "<CAF9x1=abc@mail.gmail.com>", "<20260102.1234@mx.example.org>"):
        assert "message-id-ratware" not in names(run(with_id(genuine))), genuine
