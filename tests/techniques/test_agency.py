"""The agency and mood gate: techniques only where the adversary is shown doing them."""

from __future__ import annotations

import pytest

from unmask.extract import techniques as tech
from unmask.extract.agency import REASONS, stance
from unmask.extract.techniques import extract_techniques
from unmask.model import Span
from unmask.reference.attack import attack_data


def ids(text: str) -> set[str]:
    return {m.technique_id for m in extract_techniques(text)}


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("We looked up the registration data of the host in a public WHOIS service.", "analyst"),
        ("Then we decrypted the configuration blob with the key found in the loader.", "analyst"),
        ("Our researchers ran the sample in an isolated lab to watch it.", "analyst"),
        ("The lab work allowed us to obtain two dozen decrypted strings.", "analyst"),
        ("The YARA rules in the appendix flag the implant and its uploader.", "defender"),
        ("These signatures will provide detection for the tunnelling tool.", "defender"),
        ("Administrators should turn off remote desktop where it is not needed.", "defender"),
        (
            "If an intruder gains a foothold, it could be used to move to other hosts.",
            "hypothetical",
        ),
        ("Such a flaw would allow a remote party to run code on the device.", "hypothetical"),
        ("The panel offers a remote viewer, something like AnyDesk.", "comparison"),
        ("The menu layout is reminiscent of commercial remote support tools.", "comparison"),
        ("I planted a keylogger on your laptop and I record everything you type.", "claim"),
    ],
)
def test_stance_names_who_acts(sentence: str, reason: str) -> None:
    assert reason in REASONS
    assert stance(sentence) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        # The writer observes; the adversary acts.
        "We observed the group sending spearphishing emails with macro documents.",
        "We found that the dropper decodes its payload with a one-byte key.",
        "In March we saw the operators move laterally with PsExec.",
        # Capability, not hypothesis.
        "The backdoor can take screenshots and log keystrokes.",
        "The operators used PowerShell to download the second stage.",
        "Like its predecessor, the loader injects code into explorer.exe.",
        # A condition is the malware's logic, not a hypothesis.
        "If the check fails, the loader deletes itself and exits.",
        # Studying a sample describes the sample.
        "We analysed a downloader whose first step is to look for a sandbox.",
        # Addressing the reader ("as you can see") is no advice.
        "As you can see below, the implant stores its settings in the registry.",
    ],
)
def test_stance_leaves_the_adversarys_deeds(sentence: str) -> None:
    assert stance(sentence) is None


def test_analyst_research_is_no_technique() -> None:
    assert "T1596.002" not in ids(
        "We queried WHOIS for each domain and noted the registrant address."
    )
    # The same act by the adversary is one.
    assert "T1596.002" in ids("The operators queried WHOIS records to map the victim's domains.")


def test_a_studied_samples_behaviour_still_counts() -> None:
    text = "In short, we studied a dropper that tests whether it was started inside a sandbox before it goes on."
    assert "T1497" in ids(text)


def test_detection_content_is_no_technique() -> None:
    assert "T1219" not in ids(
        "The hunting rules below catch the remote access tool and its installer."
    )


def test_comparison_and_scam_claims_are_no_technique() -> None:
    assert "T1219" not in ids(
        "My program gives me remote control of your screen, a bit like TeamViewer."
    )
    assert "T1566" not in ids(
        "I hacked your mailbox and sent phishing messages to all your contacts."
    )


def test_a_gated_sentence_keeps_its_reason_as_evidence() -> None:
    """A technique accepted on other evidence keeps a gated sentence only with its reason."""
    text = (
        "The operators ran PowerShell on the server. We then ran the same PowerShell line in a lab."
    )
    units = [tech.Unit(Span(0, 43), text[:43]), tech.Unit(Span(44, len(text)), text[44:])]
    model = tech.load_model()
    ev = tech.sentence_evidence(model, [u.text for u in units])
    assert ev.stances == [None, "analyst"]
    assert ev.named[0] == ["T1059.001"] and ev.named[1] == []
    decision = tech.Decision("T1059.001", 0.9, ((0, "name", 0.9), (1, "classifier", 0.2)))
    first, second = tech.mentions_from([decision], units, attack_data(), ev.stances)
    assert first.reasons == () and "reasons" not in first.to_dict()
    assert second.reasons == ("analyst",)
    assert second.to_dict()["reasons"] == ["analyst"]


def test_a_run_of_modifiers_without_a_verb_is_linear() -> None:
    # review CRITICAL-0 (session 10): "further" was listed twice in a repeated group
    import time

    from unmask.extract.agency import stance

    started = time.process_time()
    stance("Then we " + "further " * 40 + "zzz.")
    stance("we " + "also then first " * 30 + "zzz")
    assert time.process_time() - started < 0.5
