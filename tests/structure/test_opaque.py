"""Opaque spans: the parts of a text that are not prose words (addresses, paths, labels)."""

from __future__ import annotations

import time

import pytest

from unmask.model.document import Span
from unmask.model.opaque import opaque_spans
from unmask.model.structure import Passage, Structure
from unmask.model.text_structure import text_structure


def _opaque(text: str) -> list[tuple[str, str]]:
    return [(text[a:b], kind) for a, b, kind in opaque_spans(text)]


def test_paths_registry_keys_and_hashes() -> None:
    text = (
        r"The dropper writes %LOCALAPPDATA%\Vendor\Updater\agent.exe, sets HKCU\Software\Vendor\Run "
        "and leaves /var/tmp/cache/x.bin; its hash is 0123456789abcdef0123456789abcdef."
    )
    assert _opaque(text) == [
        (r"%LOCALAPPDATA%\Vendor\Updater\agent.exe", "path"),
        (r"HKCU\Software\Vendor\Run", "registry-key"),
        ("/var/tmp/cache/x.bin", "path"),
        ("0123456789abcdef0123456789abcdef", "hash"),
    ]


def test_a_path_with_spaces_stays_opaque_piece_by_piece() -> None:
    text = r"It copies itself to C:\Program Files\Acme Office\helper.exe quietly."
    found = _opaque(text)
    assert [kind for _, kind in found] == ["path", "path", "path"]
    assert "quietly" not in " ".join(value for value, _ in found)


def test_urls_mailboxes_and_hosts_defanged_or_not() -> None:
    text = "Beacons go to hxxps://cdn-update[.]net/a/b and mail to ops[@]box[.]org or plain bob@example.com, see www.example.org."
    assert _opaque(text) == [
        ("hxxps://cdn-update[.]net/a/b", "url"),
        ("ops[@]box[.]org", "email"),
        ("bob@example.com", "email"),
        ("www.example.org", "url"),
    ]


def test_markdown_link_target_is_opaque_and_its_text_is_prose() -> None:
    text = "Read [the bank sector notice](https://example.org/finance/banking-notice) and [more](/media/water/)."
    found = _opaque(text)
    assert found == [
        ("https://example.org/finance/banking-notice", "link-target"),
        ("/media/water/", "link-target"),
    ]


def test_asciidoc_link_text_is_prose() -> None:
    text = "See https://example.org/report.pdf[the energy sector report] for details."
    assert _opaque(text) == [("https://example.org/report.pdf", "url")]


def test_prose_words_with_dots_and_slashes_are_not_opaque() -> None:
    text = r"U.S./Canada, and/or TCP/IP, e.g. ASP.NET, Mr.Smith, TEMP.hermit, 24/7, \_escaped\_ and i.e. a test."
    assert _opaque(text) == []


def test_field_labels_of_a_record_block() -> None:
    text = "Registrant Name: Jane Roe\nRegistrant Organization: Example Holdings\nCountry: NO\n\nNote: one line."
    assert _opaque(text) == [
        ("Registrant Name", "field-label"),
        ("Registrant Organization", "field-label"),
        ("Country", "field-label"),
    ]


def test_a_statement_about_an_id_is_no_label() -> None:
    text = "Quillrat uses T1105: Ingress Tool Transfer.\nQuillrat uses T1027: Obfuscated Files.\n"
    assert _opaque(text) == []


def test_a_single_key_value_line_or_a_list_of_items_is_not_a_record() -> None:
    assert _opaque("Summary: the group targeted banks in Norway.") == []
    assert _opaque("- Sector: banks\n- Country: Norway\n") == []


def test_structure_carries_the_spans_and_answers_by_offset() -> None:
    text = "The loader reads C:\\Users\\Public\\cfg.dat before it runs."
    structure = text_structure(text)
    start = text.index("C:")
    end = text.index(" before")
    assert structure.opaque == ((start, end, "path"),)
    assert structure.opaque_at(start + 3, start + 8) == "path"
    assert structure.is_opaque(start - 2, start + 1)  # overlapping is enough
    assert not structure.is_opaque(0, start - 1)
    assert not structure.is_opaque(end, len(text))
    assert structure.to_dict()["opaque"] == [{"kind": "path", "span": {"start": start, "end": end}}]


def test_structure_refuses_overlapping_opaque_spans() -> None:
    passage = Passage(kind="prose", span=Span(0, 10))
    with pytest.raises(ValueError, match="opaque span"):
        Structure(length=10, passages=(passage,), opaque=((0, 5, "url"), (3, 8, "path")))
    with pytest.raises(ValueError, match="opaque span"):
        Structure(length=10, passages=(passage,), opaque=((0, 12, "url"),))


@pytest.mark.parametrize(
    "unit",
    [
        "a" * 50,
        "@" * 50,
        "/" * 50,
        "\\" * 50,
        "](" * 25,
        "a](b)" * 10,  # review HIGH-2: one recursion per link overflowed the stack
        "x.y" * 20,
        "[.]" * 20,
        "%A%\\" * 12,
        "a@b." * 12,
        "Key: v\n" * 6,
        "https://" * 6,
        "HKLM\\" * 10,
        "ab/" * 16,
    ],
)
def test_hostile_input_is_linear(unit: str) -> None:
    # The same unit repeated with no white space (one huge run) and with spaces
    # (many runs): both stay well under the bound a quadratic scan would blow.
    for text in (unit * 20000, (unit + " ") * 20000):
        started = time.process_time()
        opaque_spans(text)
        assert time.process_time() - started < 3.0, (unit, len(text))


def test_a_list_of_names_written_as_labels_is_no_record() -> None:
    # review HIGH-3 (session 10): every label of a block of "Key: value" lines was opaque,
    # so lists of actors, families and countries lost their names
    for text in ("APT28: phishing of ministries\nLazarus Group: crypto thefts\n",
                 "Germany: 14 incidents\nFrance: 9 incidents\n", "Emotet: loader\nQakbot: banker\n"):
        assert not [k for _t, k in _opaque(text) if k == "field-label"], text
    record = "Registrant Name: j doe\nRegistrant Organization: j doe\nCreation Date: 2013-01-02\n"
    assert [t for t, k in _opaque(record) if k == "field-label"] == [
        "Registrant Name", "Registrant Organization", "Creation Date"]


def test_two_sentences_joined_by_a_dot_are_no_host() -> None:
    # review HIGH-3(b): PDF text without the blank after a full stop
    assert _opaque("banks in Germany.the attackers") == []
    assert _opaque("visit Example.com or example.org") == [("Example.com", "domain"), ("example.org", "domain")]
