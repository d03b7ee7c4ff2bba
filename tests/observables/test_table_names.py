"""File names in PDF tables of names and hashes (issue 15, class 1): a cell's name broken
over lines, names with blanks before a hash on the same line, and names written wholly in
another script. Each row ends at its hash, so a name runs back to the previous row's end."""

from __future__ import annotations

from unmask.extract.observables import extract_observables

_TABLE = (
    "The lures we found are listed below:\n"
    "Lure name Meaning SHA1\n"
    "Minutes of the\n"
    "Harbour Board.doc 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567\n"
    "Доклад о\n"
    "поставках.scr\n"
    "Report on deliveries\n"
    "1122334455667788990011223344556677889900\n"
    "Spring Rota Draft.scr 99AA88BB77CC66DD55EE44FF33001122AABBCCDD\n"
    "dated 2.5.2019\n"
    "Fleet Air Wing.scr 77AA88BB77CC66DD55EE44FF33001122AABBCCDD\n"
    "график дежурств.scr Duty roster AABBCCDDEEFF00112233445566778899AABBCCDD\n"
    "notes.doc ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD\n"
)


def _names(text: str) -> list[str]:
    return [o.value for o in extract_observables(text) if o.type == "file_name"]


def test_a_name_broken_over_table_lines_is_whole() -> None:
    names = _names(_TABLE)
    assert "Minutes of the Harbour Board.doc" in names
    assert "Доклад о поставках.scr" in names
    assert "notes.doc" in names
    assert not {"Board.doc", "поставках.scr"} & set(names)


def test_a_name_with_blanks_before_its_hash_on_one_line_is_whole() -> None:
    names = _names(_TABLE)
    assert "Spring Rota Draft.scr" in names
    assert "Fleet Air Wing.scr" in names  # the line above is no row's end
    assert "график дежурств.scr" in names


def test_a_listed_name_before_a_bar_and_its_hash_is_whole() -> None:
    text = (
        "Lures in the archive:\n"
        "* Нова\xa0інструкція СЗР.docx|0a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "* Звіт про навчання.docx|ffeeddccbbaa99887766554433221100\n"
    )
    names = _names(text)
    assert names == ["Нова\xa0інструкція СЗР.docx", "Звіт про навчання.docx"]


def test_a_name_wholly_in_another_script_is_found() -> None:
    assert _names("Вложение: отчёт.docx пришло утром.") == ["отчёт.docx"]
    assert _names("The dropper wrote 보고서.hwp to disk.") == ["보고서.hwp"]


def test_prose_after_a_hash_line_is_no_name_cell() -> None:
    text = "Hash: 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567\nThe loader then drops\nstage.exe and runs it.\n"
    assert _names(text) == ["stage.exe"]


def _values(text: str, kind: str) -> list[str]:
    return [o.value for o in extract_observables(text) if o.type == kind]


def test_host_cells_glued_at_a_defanged_top_label_are_two_hosts() -> None:
    text = "Sample C2 Active\n0a1b2c3d4e5f60718293a4b5c6d7e8f9 m.lanternpost[.]orgmx2.lanternpost[.]org NO\n"
    assert _values(text, "domain") == ["m.lanternpost.org", "mx2.lanternpost.org"]
    text = "Seen: b.quillhub[.]comu.quillhub[.]com and mail[.]comcast[.]net\n"
    assert _values(text, "domain") == ["b.quillhub.com", "u.quillhub.com", "mail.comcast.net"]


def test_hashes_of_a_samples_sections_and_resources_are_no_indicators() -> None:
    text = (
        "The sample's properties:\n"
        "MD5: 0a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "Import Hash: 1a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "Text Entry: 2a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        ".rdata: 3a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        ".rsrc: 4a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "RT_VERSION: 5a1b2c3d4e5f60718293a4b5c6d7e8f95a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
    )
    text += "Its loader 6a1b2c3d4e5f60718293a4b5c6d7e8f9 carried the same RT_ICON resource of\n"
    text += "7a1b2c3d4e5f60718293a4b5c6d7e8f97a1b2c3d4e5f60718293a4b5c6d7e8f9 as the others.\n"
    roles = {o.value: o.role for o in extract_observables(text) if o.type in ("md5", "sha256")}
    assert roles["6a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "indicator"
    assert roles["7a1b2c3d4e5f60718293a4b5c6d7e8f97a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "benign"
    assert roles["0a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "indicator"
    assert roles["1a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "indicator"
    assert {v for v, r in roles.items() if r == "benign"} == {
        "2a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "3a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "4a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "5a1b2c3d4e5f60718293a4b5c6d7e8f95a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "7a1b2c3d4e5f60718293a4b5c6d7e8f97a1b2c3d4e5f60718293a4b5c6d7e8f9",
    }


def test_a_range_in_an_asn_lookup_row_and_its_base_address_are_no_indicators() -> None:
    text = (
        "Looking the address up gives its owner:\n"
        "The actor rented 185.141.24.0/24 for its servers.\n"
        "$ whois -h asn.lookup.example 'origin 45.77.12.9' 64512 | 45.76.0.0/15 | EXAMPLE-HOSTING | NL |\n"
    )
    roles = {(o.type, o.value): o.role for o in extract_observables(text)}
    assert roles[("ipv4_cidr", "45.76.0.0/15")] == "benign"
    assert roles[("ipv4", "45.76.0.0")] == "benign"
    assert roles[("ipv4", "45.77.12.9")] == "indicator"
    assert roles[("ipv4_cidr", "185.141.24.0/24")] == roles[("ipv4", "185.141.24.0")] == "indicator"


def test_a_user_agent_ending_like_gecko_is_whole() -> None:
    text = '"ua": "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"\n'
    assert _values(text, "user_agent") == ["Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"]


def test_a_filler_mailbox_in_a_registration_record_is_a_placeholder() -> None:
    text = (
        "Registrant Name: li wen\nRegistrant Email: 555@555.com\nAdmin Email: test@test.net\n"
        "The operator registered it with lanternops@mailbox-example.org.\n"
    )
    roles = {(o.type, o.value): o.role for o in extract_observables(text)}
    assert roles[("email", "555@555.com")] == "benign"
    assert roles[("domain", "555.com")] == "benign"
    assert roles[("email", "test@test.net")] == "benign"
    assert roles[("email", "lanternops@mailbox-example.org")] == "indicator"


def test_hex_values_a_text_cannot_explain_are_no_sample_hashes() -> None:
    text = (
        "## Config values\n"
        "We do not yet know what the following embedded hash values stand for:\n"
        "* 0A1B2C3D4E5F60718293A4B5C6D7E8F9\n"
        "* 1A1B2C3D4E5F60718293A4B5C6D7E8F9\n"
        "## Samples\n"
        "The unknown dropper samples we analysed:\n"
        "* 2A1B2C3D4E5F60718293A4B5C6D7E8F9\n"
    )
    roles = {o.value: o.role for o in extract_observables(text) if o.type == "md5"}
    assert roles == {
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9": "benign",
        "1a1b2c3d4e5f60718293a4b5c6d7e8f9": "benign",
        "2a1b2c3d4e5f60718293a4b5c6d7e8f9": "indicator",
    }


def test_a_file_the_text_calls_legitimate_and_its_row_hash_are_benign() -> None:
    text = (
        "The archive held these files:\n"
        "Name Size MD5\n"
        "helper.dll 1200 0a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "Launcher.exe 3400 1a1b2c3d4e5f60718293a4b5c6d7e8f9\n"
        "Launcher.exe is a legitimate program from a games vendor that loads helper.dll.\n"
    )
    roles = {o.value: o.role for o in extract_observables(text) if o.type in ("md5", "file_name")}
    assert roles["Launcher.exe"] == "benign"
    assert roles["1a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "benign"
    assert roles["helper.dll"] == "indicator"
    assert roles["0a1b2c3d4e5f60718293a4b5c6d7e8f9"] == "indicator"
