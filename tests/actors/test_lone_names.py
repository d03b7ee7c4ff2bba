"""A well-known actor name that is also a word ("Lazarus", "Sandworm") counts alone in a
sentence without threat words when the document is about threats, it follows another
word of its sentence, names one actor only, and the document never writes it in lower
case; otherwise it stays a word."""

from __future__ import annotations

import pytest

from unmask.extract.actors import find_actors

NEWS = (
    "Exchange loses funds\n\n"
    "Attackers used phishing e-mails and malware to reach the wallet servers, the exchange said. "
    "Officials in Seoul said on Monday that Lazarus was behind the theft, citing the statement."
)


def test_a_lone_name_in_a_document_about_threats_counts() -> None:
    [mention] = find_actors(NEWS)
    assert (mention.surface, mention.actor_id, mention.method) == ("Lazarus", "G0032", "gazetteer+document")


@pytest.mark.parametrize(
    "text",
    [
        # no threat words anywhere: a sermon
        "Sunday reading\n\nThe gospel tells how Jesus raised Lazarus from the dead. "
        "Martha said that Lazarus had lain in the tomb four days.",
        # the document writes the word in lower case: a word there
        "Bank report\n\nAttackers used phishing and malware against the bank. The silence of the board "
        "was noted. Investigators said that Silence was responsible.",
        # at the start of a sentence a capital says nothing
        "Threat report\n\nAttackers used phishing and malware. Sandworm is a word at the start here.",
        # a capitalised word before it: another name
        "Threat report\n\nAttackers used phishing and malware. The extortionists now call themselves Fancy Lazarus.",
    ],
)
def test_a_lone_word_stays_a_word(text: str) -> None:
    assert [m.surface for m in find_actors(text)] == []
