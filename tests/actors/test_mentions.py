"""Actor mentions: gazetteer matching, normalisation, case and context rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.extract.actors import extract_actors, find_actors


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.actor_id) for m in find_actors(text)]


def test_spans_quote_the_surface() -> None:
    text = "Analysts link Kimsuky (also APT43) to the attack; Lazarus Group was not involved."
    mentions = find_actors(text)
    assert [(m.surface, m.actor_id) for m in mentions] == [
        ("Kimsuky", "G0094"),
        ("APT43", "G0094"),
        ("Lazarus Group", "G0032"),
    ]
    for m in mentions:
        assert text[m.span.start : m.span.end] == m.surface
        assert 0.0 < m.confidence <= 1.0 and m.method


@pytest.mark.parametrize("spelling", ["APT43", "APT 43", "APT-43", "apt43"])
def test_spacing_hyphen_and_case_variants(spelling: str) -> None:
    text = f"The intrusion was attributed to {spelling} by several vendors."
    assert _found(text) == [(spelling, "G0094")]


def test_word_boundaries() -> None:
    assert _found("The APT430 cluster and XAPT43 are not names; APT43's tools are.") == [
        ("APT43", "G0094")
    ]


def test_ordinary_words_need_case_and_threat_context() -> None:
    assert _found("an alloy of copper and zinc used for coins") == []
    assert _found("Silence is golden, said the monk.") == []
    assert _found("Silence has used spearphishing emails against banks.") == [("Silence", "G0091")]
    assert _found("ZINC deployed a backdoor.")[0][0] == "ZINC"


def test_names_inside_longer_proper_names_are_not_actors() -> None:
    assert _found("The operators downloaded Cobalt Strike to compromised hosts.") == []


def test_software_names_need_actor_context() -> None:
    assert _found("Carbanak encrypts strings to make analysis more difficult.") == []
    assert _found("The Carbanak malware can take screenshots.") == []
    found = _found("Reporting links Cobalt Group to the malware Carbanak and the group Carbanak.")
    assert ("Carbanak", "G0008") in found
    assert sum(1 for s, _ in found if s == "Carbanak") == 1


def test_acronyms_only_in_capitals() -> None:
    assert _found("the rtm value was set") == []


def test_all_caps_names_not_in_lower_case() -> None:
    assert _found("occurs in apatite and monazite and xenotime") == []


def test_capitals_only_names_written_otherwise_need_actor_context() -> None:
    # ELECTRUM (Dragos, for Sandworm) against the Electrum bitcoin wallet.
    assert _found("It steals wallets such as Coinomi, Ledger Live, Electrum and Exodus.") == []
    assert _found("The ELECTRUM group attacked the grid.") == [("ELECTRUM", "G0034")]


def test_names_inside_identifiers_and_split_lower_case_are_not_actors() -> None:
    assert _found("The pipe is \\\\.\\pipe\\Read%CNC_DEFINED% here.") == []
    assert _found("![APT_1](/images/APT_1.png)") == []
    assert _found("Image end tag\n53+n (4 bytes)") == []


def test_ambiguous_name_lists_candidates() -> None:
    mentions = find_actors("The Grizzly Steppe actors used phishing infrastructure.")
    assert len(mentions) == 1
    assert set(mentions[0].candidates) == {"G0007", "G0016"}
    assert mentions[0].confidence <= 0.6


def test_ambiguous_name_follows_the_rest_of_the_text() -> None:
    text = "APT29 phished diplomats. The Grizzly Steppe activity used the same servers."
    mentions = find_actors(text)
    assert mentions[-1].surface == "Grizzly Steppe" and mentions[-1].actor_id == "G0016"


def test_summary_per_actor() -> None:
    text = "Kimsuky, also known as APT43 and Emerald Sleet, targets think tanks. Kimsuky is busy."
    summary = list(extract_actors(text).summary)
    assert summary[0]["id"] == "G0094"
    assert summary[0]["name"] == "Kimsuky"
    assert summary[0]["names_used"] == ["Kimsuky", "APT43", "Emerald Sleet"]
    assert summary[0]["mentions"] == 4
    assert "Velvet Chollima" in summary[0]["aliases"]
    assert summary[0]["country"] == "North Korea"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_text_keeps_spans_in_bounds(text: str) -> None:
    findings = extract_actors(text)
    for m in findings.mentions:
        assert 0 <= m.span.start < m.span.end <= len(text)
        assert text[m.span.start : m.span.end] == m.surface
    for s in findings.alias_statements:
        assert 0 <= s.span.start <= s.span.end <= len(text)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Kimsuky", "APT 43", "apt43", "Emerald Sleet", "TA406", "zinc", "the", ",", "\u00e9t\u00e9", "\U0001f600"]),
        max_size=30,
    )
)
def test_seed_names_found_anywhere(words: list[str]) -> None:
    text = " ".join(words)
    expected = sum(1 for w in words if w in ("Kimsuky", "APT 43", "apt43", "Emerald Sleet", "TA406"))
    mentions = find_actors(text)
    assert sum(1 for m in mentions if m.actor_id == "G0094") == expected
