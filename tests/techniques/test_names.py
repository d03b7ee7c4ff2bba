from __future__ import annotations

import itertools
import re

import pytest

from unmask.extract import techniques as tech
from unmask.reference.attack import attack_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The group typically employs spear-phishing to reach its targets.", "T1566"),
        ("They sent e-mails with a malicious attachment to staff.", "T1566.001"),
        ("The operators were posing as journalists from a news outlet.", "T1656"),
        ("The actor registered lookalike domains for the campaign.", "T1583.001"),
        ("Persistence was achieved with schtasks /create.", "T1053.005"),
        ("The loader runs powershell.exe -enc with an encoded command.", "T1059.001"),
        ("It dumps credentials from LSASS memory with Mimikatz.", "T1003.001"),
        ("The DLL is launched via rundll32.exe.", "T1218.011"),
        ("The implant captures keystrokes and screenshots.", "T1056.001"),
        ("It uses Process Hollowing to hide inside svchost.", "T1055.012"),
    ],
)
def test_synonyms_and_names(text: str, expected: str) -> None:
    assert expected in tech.name_hits(text)


def test_generic_subtechnique_names_need_their_parent() -> None:
    # "Domains" alone is an ordinary word; with its parent's name it is the technique.
    assert "T1583.001" not in tech.name_hits("The report lists domains and IP addresses.")
    assert "T1583.001" in tech.name_hits("Acquire Infrastructure: Domains was observed.")


def test_plain_text_has_no_hits() -> None:
    assert tech.name_hits("The weather in Paris was pleasant on Tuesday afternoon.") == []


def test_explicit_ids() -> None:
    text = "Mapped to T1566.001, T1086 (old PowerShell id), T1059/003 and the unknown T1999."
    assert tech.explicit_ids(text) == ["T1059.001", "T1059.003", "T1566.001"]
    assert tech.explicit_ids("ticket T12345 and AT1566") == []


def test_trigger_prefilter_never_drops_a_match() -> None:
    """name_hits only tries a rule when one of its triggers occurs; over real ATT&CK
    text it must find exactly what trying every rule finds."""
    data = attack_data()
    texts = list(itertools.islice((p for ps in data.procedures.values() for p in ps), 0, None, 25))
    texts += [t.description[:600] for t in data.active()[::7]]
    rules = [(r.technique_id, re.compile(r.pattern), re.compile(r.needs) if r.needs else None)
             for r in tech._name_index().rules]
    for text in texts:
        low = text.lower()
        brute = {tid for tid, pattern, needs in rules if pattern.search(low) and (needs is None or needs.search(low))}
        assert set(tech.name_hits(text)) == brute, text


def test_naming_antivirus_is_not_discovering_it() -> None:
    assert "T1518.001" not in tech.name_hits("Many organizations install AhnLab security products.")
    assert "T1518.001" in tech.name_hits("The loader checks for installed antivirus products before running.")
    assert "T1518.001" in tech.name_hits("It queries WMI to list the security software on the host.")


def test_an_alternative_of_short_words_is_still_tried() -> None:
    """A synonym's triggers are taken per alternative: '\\.js\\b' beside 'javascript'
    kept no trigger of its own, so a sentence naming only '.js' never tried the rule."""
    assert "T1059.007" in tech.name_hits("The loader drops a .js file in the profile.")
    assert "T1059.006" in tech.name_hits("A second stage (.py) follows.")


def test_every_literal_alternative_of_a_synonym_finds_its_technique() -> None:
    checked = 0
    for tid, pattern in tech._SYNONYMS:
        for branch in tech._top_level_branches(pattern):
            literal = re.sub(r"\\(.)", r"\1", branch.replace(r"\b", ""))
            if not re.fullmatch(r"[a-z0-9 .$\-/]+", literal) or not re.fullmatch(branch, literal):
                continue
            checked += 1
            assert tid in tech.name_hits(f"x {literal} x"), (tid, branch)
    assert checked >= 50
