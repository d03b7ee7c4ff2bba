"""The technique stage on shapes an analyst's read of real reports found wrong (issue 15):
headline techniques the rules missed, a keyword read in its wrong sense, and deeds that
nobody in the sentence did (the writer's tool, a negation, a generalisation, a host
name or a placeholder read as a technique word). Sentences are our own."""

from __future__ import annotations

import pytest

from unmask.extract.techniques import extract_techniques, name_hits, technique_units


def ids(text: str) -> set[str]:
    return {m.technique_id for m in extract_techniques(text)}


# ------------------------------------------------------------ headline techniques missed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The crew knocked the lender's portal offline with an NTP amplification attack.", "T1498.002"),
        ("Visitors of the union's home page were redirected to a server hosting an exploit kit.", "T1189"),
        ("The intruders altered the regional newspaper's site to infect its visitors with a loader.", "T1189"),
        ("The page carried a hidden iframe pointing at the exploit server.", "T1189"),
        ("The implant fetches its instructions from a webmail inbox controlled by the operators.", "T1071.003"),
        ("The bot returns the stolen notes as attachments to a free mail account.", "T1071.003"),
        ("The stager reflectively loads the second stage without touching the disk.", "T1620"),
        ("It rewrites the file association of spreadsheets so that its own binary opens them.", "T1546.001"),
    ],
)
def test_headline_wordings_name_their_technique(text: str, expected: str) -> None:
    assert expected in ids(text)


def test_reflective_loading_is_not_dll_injection() -> None:
    assert "T1055.001" not in name_hits("the stager reflectively loads the second stage")
    assert "T1055.001" in name_hits("the stager uses dll injection into explorer")


def test_a_module_heading_names_what_the_module_does() -> None:
    text = "= Sample hashes\n\n== Keylogger module\n\n0123456789abcdef0123456789abcdef\n\n== Webcam plugins\n\nfedcba9876543210fedcba9876543210\n"
    assert {"T1056.001", "T1125"} <= ids(text)
    # Any other heading is still no unit: a section about screenshots is no capture.
    plain = "= Notes\n\n== Screenshots\n\nThe figures below come from the lab.\n"
    assert "T1113" not in ids(plain)


# --------------------------------------------------------------------- the wrong sense


def test_a_rat_is_malware_not_remote_access_software() -> None:
    assert "T1219" not in ids("The loader then installs a remote access tool (RAT) on the workstation.")
    assert "T1219" in ids("The intruders installed AnyDesk, a legitimate remote access tool, on the server.")


def test_opening_any_document_runs_a_hijacked_association() -> None:
    found = ids("Whenever the user opens any spreadsheet file, the implant starts first and then shows the file.")
    assert "T1204.002" not in found
    assert "T1546.001" in found
    assert "T1204.002" in ids("The victim opened the attached workbook and enabled its macros.")


def test_a_cipher_on_a_data_file_is_no_encrypted_channel() -> None:
    text = "The collected notes are packed into one archive, which is then encrypted with RC4 before upload."
    assert "T1573.001" not in ids(text)
    assert "T1573.001" in ids("The implant talks to its server over RC4-encrypted traffic on port 443.")


def test_mail_sent_out_by_the_malware_is_no_phishing() -> None:
    found = ids("Every opened file is copied and mailed to the operators as an e-mail attachment.")
    assert "T1566.001" not in found
    assert "T1566" not in found
    assert "T1071.003" in found


# ------------------------------------------------------------------ nobody is acting


def test_the_writers_tool_is_not_the_adversary() -> None:
    assert "T1140" not in ids("Our parser decodes the beacon's payload from the capture file.")
    assert "T1140" not in ids("* unpack_cfg.py : script to decode the implant's configuration block")
    assert "T1140" in ids("The dropper uses a short script to decode the implant's configuration block.")


def test_a_negated_deed_names_nothing() -> None:
    assert "T1587.001" not in ids("The crew did not develop a custom implant for this operation.")
    # Only the negated clause is blanked: a deed after it still counts.
    assert "T1587.001" in ids("The crew did not hide its tracks, and it developed a custom implant for this operation.")
    # "not only" negates nothing.
    assert "T1587.001" in ids("The crew did not only buy tools but developed a custom implant.")


def test_a_generalisation_is_no_deed() -> None:
    assert "T1566" not in ids("We cannot say how these files arrived; such documents are usually delivered by phishing e-mails.")
    assert "T1566" in ids("The documents were delivered by phishing e-mails to the finance staff.")


def test_a_host_name_is_no_technique_word() -> None:
    assert "T1047" not in ids("The host wmi.example.org pointed at 198.51.100.4 for a week.")
    assert "T1047" not in ids("Its beacon resolved wmi.updates-example.com before every check-in.")
    # A file name is the tool itself.
    assert "T1047" in ids("The script launched wmic.exe to list the running processes.")


def test_a_placeholder_in_a_path_is_blanked_but_the_path_is_read() -> None:
    text = (
        "The dropper writes the file to C:\\Users\\[username]\\AppData\\Local\\Temp\\a.tmp and adds "
        "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run for rundll32.exe on the host."
    )
    (unit,) = technique_units(text)
    assert len(unit.text) == len(text)
    assert "[username]" not in unit.text
    assert "CurrentVersion\\Run" in unit.text
    assert "rundll32.exe" in unit.text
    assert "T1033" not in name_hits(unit.text)
