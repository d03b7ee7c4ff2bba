"""Word senses: one keyword no longer carries a whole technique, and wordings added."""

from __future__ import annotations

import numpy as np
import pytest

from unmask.extract import techniques as tech
from unmask.extract.senses import apply_senses, gate, lower_scores
from unmask.extract.techniques import extract_techniques, names_in


def ids(text: str) -> set[str]:
    return {m.technique_id for m in extract_techniques(text)}


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        # encryption of network traffic is an encrypted channel, not obfuscated files
        (
            "Each beacon opens with a handshake packet that is XOR encoded with one byte.",
            {"T1027"},
            None,
        ),
        (
            "The client sends an RC4-encrypted handshake to the relay before any command.",
            {"T1027"},
            "T1573.001",
        ),
        # a place under the current user is no user discovery
        (
            "The loader drops a shortcut into the current user's startup folder.",
            {"T1033"},
            "T1547.001",
        ),
        # startup items outside macOS
        (
            "The installer registers the service among the startup items of Windows.",
            {"T1037.005"},
            None,
        ),
        # registration data the writer quotes
        (
            "The second domain shares its WHOIS registrant name with the first one.",
            {"T1596.002"},
            None,
        ),
        # a screenshot that a post shows
        ("A screenshot posted on the forum showed the victim's control panel.", {"T1113"}, None),
        # stealing credentials is not yet using them
        ("The fake portal harvests legitimate credentials typed by the staff.", {"T1078"}, None),
        # a lure theme
        ("The group sent lures masquerading as tax notices from the ministry.", {"T1036"}, None),
        # the words of a URL
        (
            "Local press covered the story (https://news.example/remote-desktop-teamviewer-password-leak).",
            {"T1219", "T1021.001"},
            None,
        ),
    ],
)
def test_keyword_in_its_other_sense(text: str, wrong: set[str], right: str | None) -> None:
    found = ids(text)
    assert not wrong & found, found
    if right is not None:
        assert right in found


def test_the_same_keyword_in_its_technique_sense_still_counts() -> None:
    assert "T1027" in ids(
        "The dropper stores its payload XOR-encrypted on disk to hide it from scanners."
    )
    assert "T1033" in ids("The implant runs whoami and sends the current user name to its server.")
    assert "T1113" in ids("The plugin takes a screenshot every thirty seconds and uploads it.")
    assert "T1037.005" in ids(
        "On macOS the implant adds a folder to the startup items so that it runs at boot."
    )
    assert "T1078" in ids(
        "The intruders logged in over the VPN with valid accounts of two employees."
    )


def test_another_wording_of_the_technique_keeps_it() -> None:
    """Only the keyword in its other sense is blanked: a second wording stays."""
    text = "The sample is obfuscated and speaks an XOR encrypted protocol to its server."
    (hits,) = names_in([text])
    read = apply_senses([text], [hits], names_in)
    assert "T1027" in read.named[0]
    assert "T1573.001" in read.named[0]
    assert read.reasons[0] == ("network-encryption",)
    assert len(read.texts[0]) == len(text)


def test_blanking_keeps_offsets_with_case_changing_letters() -> None:
    text = "İİ The reply packets are XOR-encrypted with a rolling key."
    read = apply_senses([text], names_in([text]), names_in)
    assert len(read.texts[0]) == len(text)
    assert "XOR" not in read.texts[0]


@pytest.mark.parametrize(
    ("text", "tid"),
    [
        (
            "Opening the file exploits a Microsoft Equation Editor flaw to start the dropper.",
            "T1203",
        ),
        (
            "The RTF documents exploit the CVE-2017-11882 vulnerability in Microsoft Office.",
            "T1203",
        ),
        ("The attackers reached the plant's HMI through a VNC session left open.", "T1021.005"),
        ("It first checks whether it is running inside a sandbox or a virtual machine.", "T1497"),
        ("A thread watches for removable drives and collects documents from USB storage.", "T1025"),
        ("The worm spreads through USB drives plugged into the infected machines.", "T1091"),
        ("The dropper installs a kernel-mode rootkit to hide its files.", "T1014"),
    ],
)
def test_added_wordings(text: str, tid: str) -> None:
    assert tid in names_in([text])[0]
    assert tid in ids(text)


def test_client_exploit_survives_a_neighbour_sentence() -> None:
    text = (
        "The RTF files exploit a vulnerability in Microsoft Word. "
        "The figure below shows the decoded shellcode."
    )
    assert "T1203" in ids(text)


def test_a_title_about_rootkits_is_no_rootkit() -> None:
    assert "T1014" not in names_in(["Hunting for userland rootkits on Linux servers."])[0]


def test_server_exploits_stay_public_facing() -> None:
    assert (
        "T1203"
        not in names_in(["The group exploits an Exchange Server vulnerability to get in."])[0]
    )


def test_gate_drops_names_and_lowers_scores() -> None:
    texts = [
        "The operators took screenshots of the desktop every minute.",
        "We took screenshots of the panel while we tested the sample.",
    ]
    read = gate(texts, names_in(texts), names_in)
    assert read.stances == [None, "analyst"]
    assert "T1113" in read.named[0]
    assert read.named[1] == []
    scores = np.zeros((2, 3), dtype=np.float32)
    lowered = lower_scores(scores, read.stances)
    assert lowered[0].tolist() == [0.0, 0.0, 0.0]
    assert (lowered[1] < 0).all()
    assert scores[1].tolist() == [0.0, 0.0, 0.0]  # the input is not changed


def test_gate_reaches_the_report_level_evidence() -> None:
    model = tech.load_model()
    ev = tech.sentence_evidence(
        model, ["We queried WHOIS for the domain and wrote down the registrant."]
    )
    assert ev.stances == ["analyst"]
    assert ev.named == [[]]


def test_every_sense_about_all_techniques_has_hints() -> None:
    from unmask.extract.senses import SENSES

    assert all(sense.hints for sense in SENSES if not sense.drop)


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ("The second loader uses no obfuscation whatsoever.", {"T1027"}, set()),
        ("Its strings show hardly any obfuscation.", {"T1027"}, set()),
        ("There is very little obfuscation in the installer.", {"T1027"}, set()),
        ("Little or no obfuscation protects the configuration block.", {"T1027"}, set()),
        ("The implant uses neither obfuscation nor packing.", {"T1027", "T1027.002"}, set()),
        ("The tool lacks any obfuscation of its strings.", {"T1027"}, set()),
        ("Operators worked without PowerShell on these hosts.", {"T1059.001"}, set()),
        ("The crew operated without developing custom malware of their own.", {"T1587.001"}, set()),
        ("There was no sign of process injection on the servers.", {"T1055"}, set()),
        # the negated phrase ends at a conjunction or a clause word
        ("The loader uses no obfuscation but packs itself with UPX.", {"T1027"}, {"T1027.002"}),
        ("There is no proof that the crew ran PowerShell scripts.", set(), {"T1059.001"}),
        # "a little" is some
        ("A little obfuscation hides the names of the imported functions.", set(), {"T1027"}),
    ],
)
def test_a_deed_negated_by_a_determiner_names_no_technique(
    text: str, gone: set[str], kept: set[str]
) -> None:
    found = ids(text)
    assert not gone & found, found
    assert kept <= found, found


def test_a_negated_phrase_blanks_only_its_own_words() -> None:
    text = "The second stage uses no obfuscation and runs from a scheduled task."
    read = apply_senses([text], names_in([text]), names_in)
    assert "obfuscation" not in read.texts[0]
    assert "scheduled task" in read.texts[0]
    assert read.reasons[0] == ("negated",)
    assert "T1053.005" in read.named[0]
    assert "T1027" not in read.named[0]


def test_a_check_for_an_absence_is_not_a_negation() -> None:
    text = "The loader checks that no sandbox processes are running before it continues."
    read = apply_senses([text], names_in([text]), names_in)
    assert read.texts[0] == text


@pytest.mark.parametrize(
    ("text", "tid"),
    [
        ("The implant ships a rootkit-like driver that conceals its registry keys.", "T1014"),
        ("A rootkit in the package hides the miner's process from the task list.", "T1014"),
        ("Attachments carry names like invoice_0423.pdf.exe to look like documents.", "T1036.007"),
        ("The group relied on a double extension so the payload looked like a picture.", "T1036.007"),
        ("The dropper waits five minutes before it unpacks the backdoor.", "T1497.003"),
        ("The loader sleeps for hours in order to evade automated sandboxes.", "T1497.003"),
        ("Each variant delays its execution by a random interval.", "T1497.003"),
        ("The final stage wipes every physical drive it can open.", "T1561"),
        ("The operators pushed a disk wiper to the domain controllers.", "T1561"),
        ("The module corrupts the master boot record of each server.", "T1561.002"),
        (
            "Several readers were infected after they visited the news portal's front page.",
            "T1189",
        ),
        ("The victims browsed to a compromised website of a trade union.", "T1189"),
        ("The macro calls URLDownloadToFileW to fetch the next stage.", "T1105"),
        ("A PowerShell line runs Invoke-WebRequest to pull the archive.", "T1105"),
    ],
)
def test_wordings_from_attack_descriptions(text: str, tid: str) -> None:
    assert tid in names_in([text])[0]


@pytest.mark.parametrize(
    ("text", "tid"),
    [
        # a pause between beacons is no evasion of a sandbox
        ("The implant sleeps for thirty seconds between two beacons.", "T1497.003"),
        # a loader written over the boot record is a bootkit, not a wipe
        ("The bootkit overwrites the MBR with its own loader.", "T1561.002"),
        ("The backdoor wipes its own log files before it exits.", "T1561"),
        ("The report.pdf file lists the affected hosts.", "T1036.007"),
        ("Users who visited the vendor's support page saw a notice.", "T1189"),
    ],
)
def test_near_wordings_that_are_not_the_technique(text: str, tid: str) -> None:
    assert tid not in names_in([text])[0]
