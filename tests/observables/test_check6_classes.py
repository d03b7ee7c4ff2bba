"""Error classes found on the sixth labelled set (real_check6), each checked on synthetic text.

The texts are invented for the tests (the line-join and citation classes have their own
files: test_line_join.py, test_citation_forms.py).
"""

from __future__ import annotations

from unmask import extract_observables


def _found(text: str) -> dict[str, tuple[str, str]]:
    return {o.value: (o.type, o.role) for o in extract_observables(text)}


# -- class 5: a list row's label before a file name -----------------------------------


def test_qualified_row_label_is_not_part_of_the_name() -> None:
    text = "Files the vendor also reported:\nAdditional File kbdhook.dll\nAdditional File Winlogin32.exe\n"
    found = _found(text)
    assert found.get("kbdhook.dll") == ("file_name", "indicator")
    assert found.get("Winlogin32.exe") == ("file_name", "indicator")
    assert not [v for v in found if v.lower().startswith("additional")]


def test_label_with_colon_and_a_name_with_a_blank() -> None:
    found = _found("Files seen\nExtra file name: Mssvc Helper.dll\n")
    assert found.get("Mssvc Helper.dll") == ("file_name", "indicator")


def test_embedded_document_label_before_a_name() -> None:
    found = _found("Embedded Document Invoice 2291.doc\n")
    assert "Invoice 2291.doc" in found
    assert "Embedded Document Invoice 2291.doc" not in found


def test_name_of_capitalised_words_alone_on_its_line_stays_whole() -> None:
    assert "Annual Planning Review.xlsx" in _found("Annual Planning Review.xlsx\n")


# -- class 3: the publisher's contact record ---------------------------------------------


def test_mailbox_in_a_record_with_a_phone_number_is_the_publishers() -> None:
    text = (
        "ABOUT NORTHWIND LABS\nNorthwind Labs builds incident response tools.\n"
        "Head office: 12 Harbour Road, Leeds. Tel: +44 113 496 0000 Press@northwind-labs.co.uk\n"
    )
    found = _found(text)
    assert found["press@northwind-labs.co.uk"] == ("email", "benign")
    assert found["northwind-labs.co.uk"][1] == "benign"


def test_mailbox_under_a_contact_line_is_the_publishers() -> None:
    text = "Threat Research Team\nMedia Contact:\nDana Reyes\nEmail: dreyes@example-security.com\n"
    assert _found(text)["dreyes@example-security.com"] == ("email", "benign")


def test_contact_mailbox_is_the_publishers_everywhere_in_the_text() -> None:
    text = (
        "Research Group\nContact:\nlab@example-research.net\n\n"
        "The backdoor beacons every ten minutes and reads its settings from the registry.\n"
        "The samples in this paper were shared by lab@example-research.net with two partners.\n"
    )
    found = _found(text)
    assert found["lab@example-research.net"] == ("email", "benign")


def test_webmail_box_under_a_ransom_notes_contact_line_stays_the_attackers() -> None:
    text = (
        "The ransom note reads:\nAll your files are encrypted.\nContact:\nunlock-files-2021@protonmail.com\n"
    )
    assert _found(text)["unlock-files-2021@protonmail.com"] == ("email", "indicator")


def test_attacker_mailbox_in_a_list_stays_an_indicator() -> None:
    text = "The phishing mails came from these senders:\nhr-dept@payroll-example.org\nbilling@payroll-example.org\n"
    found = _found(text)
    assert found["hr-dept@payroll-example.org"] == ("email", "indicator")


# -- class 4: values written escaped or with a placeholder --------------------------------


def test_registry_key_written_with_escaped_backslashes_is_the_key() -> None:
    text = "Pattern: [windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Classes\\\\mscfile\\\\shell']\n"
    found = _found(text)
    assert found.get("HKEY_CURRENT_USER\\Software\\Classes\\mscfile\\shell", ("", ""))[0] == "registry_key"
    assert not [v for v in found if "\\\\" in v]


def test_path_in_a_json_string_is_the_path() -> None:
    found = _found('{"drop": "C:\\\\ProgramData\\\\Tasks\\\\svcupd.exe", "run": true}')
    assert found.get("C:\\ProgramData\\Tasks\\svcupd.exe", ("", ""))[0] == "file_path"


def test_share_path_keeps_its_leading_backslashes() -> None:
    found = _found("The tools were copied from \\\\filesrv01\\admin$\\kits\\pd64.exe to each host.")
    assert found.get("\\\\filesrv01\\admin$\\kits\\pd64.exe", ("", ""))[0] == "file_path"


def test_placeholder_query_value_stays_in_the_url() -> None:
    found = _found("The beacon is sent to http://cdn.bad-example.net/up.php?uid=[victim_id]&v=2 every hour.\n")
    assert found.get("http://cdn.bad-example.net/up.php?uid=[victim_id]&v=2") == ("url", "indicator")


def test_link_text_after_a_url_still_ends_it() -> None:
    found = _found("The vendor's notes are at https://notes.vendor-example.org/loader.html[loader notes].\n")
    assert "https://notes.vendor-example.org/loader.html" in found


# -- class 6: names the report hid, paths cut at a blank ----------------------------------


def test_names_hidden_with_asterisks_are_not_indicators() -> None:
    text = (
        "The first stage was loaded from http://www.*****harbour-news.com/js/jq.js on the news site.\n"
        "The owner of ********harbour-news.com was told.\n"
    )
    found = _found(text)
    assert found.get("harbour-news.com", ("", ""))[1] != "indicator"
    assert found.get("http://harbour-news.com/js/jq.js", ("", ""))[1] != "indicator"


def test_markdown_bold_name_stays_an_indicator() -> None:
    assert _found("The implant beacons to **c2-relay-example.top** every hour.\n")["c2-relay-example.top"][1] == "indicator"


def test_short_x_runs_are_hidden_names_in_a_text_that_hides_names_with_x() -> None:
    text = (
        "Sites that redirected visitors to the exploit page:\n"
        "* hxxp://www.xxxxxxxbank.com\n* hxxp://abxx.net\n* hxxp://www.cdxxx.org\n"
        "The exploit page itself: hxxp://exploit-kit-example.top/x.html\n"
    )
    found = _found(text)
    assert found["abxx.net"][1] != "indicator"
    assert found["www.cdxxx.org"][1] != "indicator"
    assert found["exploit-kit-example.top"][1] == "indicator"


def test_x_in_a_name_of_a_text_that_hides_nothing_stays() -> None:
    assert _found("The loader talks to hxxp://maxxon-update.net/gate.php daily.\n")["maxxon-update.net"][1] == "indicator"


def test_folder_with_a_blank_cut_at_the_line_end_is_joined() -> None:
    text = (
        "The installer drops its second stage with the data of the Run value set to C:\\Program\n"
        "Files\\HlpTools\\hlpupd.exe so it starts at logon.\n"
    )
    found = _found(text)
    assert found.get("C:\\Program Files\\HlpTools\\hlpupd.exe", ("", ""))[0] == "file_path"
    assert "C:\\Program" not in found


def test_documents_and_settings_cut_after_and_is_joined() -> None:
    text = (
        "On an infected machine running the older system the files are kept in C:\\Documents and\n"
        "Settings\\operator\\Local Settings\\Temp\\ until the next reboot.\n"
    )
    found = _found(text)
    path = "C:\\Documents and Settings\\operator\\Local Settings\\Temp\\"
    assert found.get(path, ("", ""))[0] == "file_path"
    assert found[path][1] == "benign"  # a user's temporary folder: part of every system


def test_a_contact_record_in_a_ransom_note_is_the_attackers() -> None:
    # on the attacker's own domain, or web-mail beside a phone number: not the publisher's
    for text, box in (
        ("The extortion letter told staff:\nContact us\nrestore@vault-keys-help.net\n", "restore@vault-keys-help.net"),
        ("To get the decryptor, reach the team below.\nContact:\nkeys@unlock-desk.org\n", "keys@unlock-desk.org"),
        ("Message left on the desktop:\nTel: +44 20 0000 0000\nkeymaster@tutanota.com\n", "keymaster@tutanota.com"),
    ):
        assert _found(text)[box] == ("email", "indicator"), text


def test_letters_x_inside_a_name_are_not_a_redaction() -> None:
    # review M5 of 35bff1f: a text that hides some names with x's still exports names that contain them
    text = (
        "Hosts in the dump were masked, e.g. www.xxxxxxshop.com.\n"
        "The implant polls maxx-relay.top, exxa-mirror.net and cdxx.org.\n"
    )
    found = _found(text)
    assert found["maxx-relay.top"] == ("domain", "indicator")
    assert found["exxa-mirror.net"] == ("domain", "indicator")
    assert found["cdxx.org"][1] == "benign"
