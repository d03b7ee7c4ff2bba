"""Extractors obey passage kinds (issue 15, item 6): texts written for these tests."""

from __future__ import annotations

import json

import unmask
from unmask.extract.actors import find_actors
from unmask.extract.techniques import extract_techniques

# --- techniques ---------------------------------------------------------------------

_TABLE_IDS = [
    "T1566.001", "T1204.002", "T1059.001", "T1547.001", "T1055", "T1027", "T1082",
    "T1083", "T1057", "T1021.001", "T1071.001", "T1041", "T1486",
]


def test_an_id_in_a_table_row_is_a_technique() -> None:
    assert [m.technique_id for m in unmask.extract_techniques("| T1055 | Process Injection |")] == ["T1055"]


def test_every_id_of_a_technique_table_is_found() -> None:
    rows = "\n".join(f"| Tactic {i} | {tid} | a step of the intrusion |" for i, tid in enumerate(_TABLE_IDS))
    text = "The actor's techniques are listed below.\n\n| Tactic | ID | Use |\n|---|---|---|\n" + rows + "\n"
    found = {m.technique_id for m in extract_techniques(text)}
    assert set(_TABLE_IDS) <= found
    mention = next(m for m in extract_techniques(text) if m.technique_id == "T1055")
    assert mention.method == "id" and text[mention.span.start : mention.span.end].startswith("| Tactic 4 |")


def test_asciidoc_rows_and_bracketed_ids() -> None:
    text = "=== Techniques\n\n|===\n|ID |Name\n|T1112 |Modify Registry\n|===\n\n" \
           "| Native API [T1106] | The loader called native APIs to start a process. |\n"
    found = {m.technique_id for m in extract_techniques(text)}
    assert {"T1112", "T1106"} <= found


def test_no_technique_from_advice() -> None:
    assert extract_techniques("Use multi-factor authentication for all remote access.") == []
    advice = ("## Mitigations\n\n- Require multi-factor authentication on every VPN and webmail login.\n"
              "- Disable unused Remote Desktop Protocol (RDP) ports and monitor RDP logs.\n")
    assert extract_techniques(advice) == []
    # The same words telling what the actor did are evidence (the test can fail).
    narrative = ("## Lateral movement\n\nThe actor logged in over Remote Desktop Protocol (RDP) with stolen "
                 "credentials and moved to the domain controller.\n")
    assert "T1021.001" in {m.technique_id for m in extract_techniques(narrative)}


def test_an_id_in_an_advice_table_is_not_a_finding() -> None:
    text = "## Recommendations\n\n| Mitigation | Against |\n|---|---|\n| Patch VPN appliances | T1190 |\n"
    assert extract_techniques(text) == []


# --- actors -------------------------------------------------------------------------


def test_no_actor_from_a_citation() -> None:
    text = "Attackers run commands through the Unix shell.(Citation: DieNet Bash)(Citation: Apple ZShell)\n"
    assert find_actors(text) == []
    cited = "The intruders reused the loader. (Citation: FireEye APT28 2017)\n"
    assert find_actors(cited) == []
    # outside the citation the same name is a mention
    assert [m.actor_id for m in find_actors("APT28 reused the loader. (Citation: Lab Report 2017)")] == ["G0007"]


def test_no_actor_from_a_url_path() -> None:
    assert find_actors("Reference: Bash manual https://linux.die.net/man/1/bash (no date).") == []
    assert find_actors("See linux.die.net/man/1/bash for the shell's options.") == []
    text = "The report https://blog.example/2018/03/oceanlotus-ships-new-backdoor/ covers it."
    assert find_actors(text) == []


def test_no_actor_from_a_reference_list() -> None:
    text = ("The intrusion began with a phishing mail.\n\nReferences\n\n"
            "Doe, Jane. 2011. How Turla hid in satellites. Retrieved on 3 May 2012 from https://example.org/x\n")
    assert find_actors(text) == []


def test_a_title_alone_does_not_make_an_ordinary_word_an_actor() -> None:
    text = "Night Dragon: Notes From A Long Week\n\nThe text talks about cooking and gardens only.\n"
    assert find_actors(text) == []
    named = "Night Dragon: Notes From A Long Week\n\nThe text says Night Dragon used PowerShell.\n"
    assert [m.span.start for m in find_actors(named)] == [0, named.index("Night Dragon", 5)]
    # a coined name stays an actor in a title: it is used as one
    assert [m.actor_id for m in find_actors("Turla: A Long Week\n\nGardens only.\n")] == ["G0010"]


def test_an_intrusion_set_named_after_its_report_is_the_actor_it_names() -> None:
    bundle = {
        "type": "bundle", "id": "bundle--6d1c1b1e-4e8e-4c2a-9d55-0c8a3f1b2a10", "spec_version": "2.0",
        "objects": [{
            "type": "intrusion-set", "id": "intrusion-set--2f0b1c9e-7a4d-4e2b-8c1d-5a6b7c8d9e0f",
            "created": "2021-01-01T00:00:00.000Z", "modified": "2021-01-01T00:00:00.000Z",
            "name": "Manga Taurus: Novel Chinese Shellcode Unmasked",
            "description": "A made-up description of a group that sends lures.",
        }],
    }
    document = unmask.read(json.dumps(bundle).encode())
    ids = {s.get("id", s.get("actor_id")) for s in unmask.analyze(document).actor_summary}
    assert "G0098" in ids
    assert not any(str(i).startswith("manga-taurus-novel") for i in ids)
